from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from tuixuan.dossier import views

app_name = "dossier"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("verify/", views.verify, name="verify"),
    path("member/<int:pk>/", views.member_book, name="member_book"),
    path("person/<str:token>/", views.book, name="book"),
    path("person/<str:token>/book.<str:fmt>", views.book_file, name="book_file"),
    path(
        "person/<str:token>/accountability/",
        views.person_accountability,
        name="person_accountability",
    ),
    path(
        "org/<int:pk>/accountability/",
        views.organisation_accountability,
        name="org_accountability",
    ),
    path("org/<int:pk>/form/", views.unit_form, name="unit_form"),
    path("org/<int:pk>/form.<str:fmt>", views.unit_form, name="unit_form_file"),
    path("export/", views.batch_export, name="export"),
    path("export/<int:pk>/", views.export_progress, name="export_progress"),
    path("export/<int:pk>/download/", views.export_download, name="export_download"),
]
