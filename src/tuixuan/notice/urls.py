from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from tuixuan.notice import views

app_name = "notice"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("unit/<int:pk>/", views.unit_detail, name="unit"),
    path("unit/<int:pk>/prepare/", views.notice_prepare, name="prepare"),
    path("unit/<int:pk>/placement/", views.placement_add, name="placement_add"),
    path("unit/<int:pk>/decide/", views.decide, name="decide"),
    path("unit/<int:pk>/decide/record/", views.decide_post, name="decide_post"),
    path("unit/<int:pk>/suggest/", views.suggest, name="suggest"),
    path("notice/<int:pk>/", views.notice_detail, name="notice"),
    path("notice/<int:pk>/revise/", views.notice_revise, name="revise"),
    path("notice/<int:pk>/publish/", views.notice_publish, name="publish"),
    path("notice/<int:pk>/extend/", views.notice_extend, name="extend"),
    path("notice/<int:pk>/close/", views.notice_close, name="close"),
    path("notice/<int:pk>/file.<str:fmt>", views.notice_file, name="notice_file"),
    path("notice/<int:pk>/objection/", views.objection_add, name="objection_add"),
    path("objection/<int:pk>/", views.objection_detail, name="objection"),
    path("objection/<int:pk>/assign/", views.objection_assign, name="objection_assign"),
    path(
        "objection/<int:pk>/investigate/", views.objection_investigate, name="objection_investigate"
    ),
    path("objection/<int:pk>/conclude/", views.objection_conclude, name="objection_conclude"),
    path(
        "objection/<int:pk>/attachment/<int:position>/",
        views.objection_attachment,
        name="objection_attachment",
    ),
    path("list/<int:pk>/", views.list_detail, name="list"),
    path("list/<int:pk>/submit/", views.list_submit, name="list_submit"),
    path("list/<int:pk>/review/", views.list_review, name="list_review"),
    path("list/<int:pk>/<str:doc>.<str:fmt>", views.list_file, name="list_file"),
    path(
        "list/<int:pk>/person/<int:member_pk>/form.<str:fmt>",
        views.list_person_form,
        name="list_person_form",
    ),
]
