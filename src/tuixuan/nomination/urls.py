from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from tuixuan.nomination import views

app_name = "nomination"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("campaign/<int:campaign_pk>/open/", views.round_open, name="open"),
    path("round/<int:pk>/", views.round_detail, name="round"),
    path("round/<int:pk>/branch/<int:org_pk>/", views.branch, name="branch"),
    path(
        "round/<int:pk>/branch/<int:org_pk>/meeting/", views.branch_meeting, name="branch_meeting"
    ),
    path("round/<int:pk>/branch/<int:org_pk>/form/", views.branch_form_add, name="branch_form_add"),
    path(
        "round/<int:pk>/branch/<int:org_pk>/form/<int:form_no>/remove/",
        views.branch_form_remove,
        name="branch_form_remove",
    ),
    path("round/<int:pk>/branch/<int:org_pk>/totals/", views.branch_totals, name="branch_totals"),
    path(
        "round/<int:pk>/branch/<int:org_pk>/participation/",
        views.branch_participation,
        name="branch_participation",
    ),
    path("round/<int:pk>/branch/<int:org_pk>/import/", views.branch_import, name="branch_import"),
    path(
        "round/<int:pk>/branch/<int:org_pk>/template.xlsx",
        views.branch_template,
        name="branch_template",
    ),
    path("round/<int:pk>/branch/<int:org_pk>/submit/", views.branch_submit, name="branch_submit"),
    path("round/<int:pk>/branch/<int:org_pk>/form.pdf", views.branch_pdf, name="branch_pdf"),
    path("round/<int:pk>/search/<int:org_pk>/", views.search, name="search"),
    path("report/<int:pk>/correct/", views.report_correct, name="report_correct"),
    path("report/<int:pk>/meeting/", views.meeting_correct, name="meeting_correct"),
    path("round/<int:pk>/level/<int:org_pk>/", views.level, name="level"),
    path(
        "round/<int:pk>/level/<int:org_pk>/recommend/",
        views.level_recommend,
        name="level_recommend",
    ),
    path(
        "round/<int:pk>/level/<int:org_pk>/decide/<str:kind>/",
        views.level_decide,
        name="level_decide",
    ),
    path("round/<int:pk>/level/<int:org_pk>/exemption/", views.exemption, name="exemption"),
    path(
        "round/<int:pk>/level/<int:org_pk>/close/<str:stage>/",
        views.round_close,
        name="round_close",
    ),
    path(
        "round/<int:pk>/level/<int:org_pk>/reopen/<str:kind>/",
        views.level_reopen,
        name="level_reopen",
    ),
    path(
        "round/<int:pk>/level/<int:org_pk>/admit/<int:report_pk>/",
        views.late_admit,
        name="late_admit",
    ),
    path("round/<int:pk>/level/<int:org_pk>/rollup.xlsx", views.level_xlsx, name="level_xlsx"),
    path("round/<int:pk>/level/<int:org_pk>/report.docx", views.unit_docx, name="unit_docx"),
    path("list/<int:pk>/", views.list_detail, name="list"),
    path("list/<int:pk>/hand-down/", views.list_hand_down, name="list_hand_down"),
    path("list/<int:pk>/correct/", views.list_correct, name="list_correct"),
    path(
        "list/<int:pk>/feedback/<int:fb_pk>/correct/",
        views.feedback_correct,
        name="feedback_correct",
    ),
    path("list/<int:pk>/feedback/<int:org_pk>/", views.feedback, name="feedback"),
    path(
        "list/<int:pk>/feedback/<int:org_pk>/sheet.xlsx",
        views.feedback_sheet,
        name="feedback_sheet",
    ),
]
