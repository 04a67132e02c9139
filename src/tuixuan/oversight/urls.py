from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from tuixuan.oversight import views

app_name = "oversight"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("campaign/<int:pk>/", views.board_page, name="board"),
    path("campaign/<int:pk>/board.xlsx", views.board_xlsx, name="board_xlsx"),
    path("campaign/<int:pk>/chart.svg", views.board_chart, name="board_chart"),
    path("campaign/<int:pk>/report.docx", views.report_docx, name="report_docx"),
    path("campaign/<int:pk>/report/send/", views.report_send, name="report_send"),
    path("campaign/<int:pk>/analysis/", views.analysis_page, name="analysis"),
    path("campaign/<int:pk>/analysis.<str:fmt>", views.analysis_file, name="analysis_file"),
    path("unit/<int:pk>/", views.unit_page, name="unit"),
    path("unit/<int:pk>/activities/", views.activities, name="activities"),
    path("unit/<int:pk>/survey/", views.survey, name="survey"),
    path("alerts/", views.inbox, name="inbox"),
    path("alert/<int:pk>/read/", views.alert_read, name="alert_read"),
    path("alert/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("findings/", views.findings, name="findings"),
    path("org/<int:pk>/finding/new/", views.finding_new, name="finding_new"),
    path("finding/<int:pk>/", views.finding_page, name="finding"),
    path("finding/<int:pk>/answer/", views.finding_answer, name="finding_answer"),
    path("finding/<int:pk>/<str:action>/", views.finding_conclude, name="finding_conclude"),
    path("supervision/", views.supervision, name="supervision"),
    path("election/<int:pk>/rulings/", views.rulings, name="rulings"),
]
