from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from tuixuan.vetting import views

app_name = "vetting"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("unit/<int:pk>/", views.board, name="board"),
    path("unit/<int:pk>/open/", views.cases_open, name="open"),
    path("unit/<int:pk>/team/", views.team_form, name="team_form"),
    path("unit/<int:pk>/request/", views.request_send, name="request_send"),
    path("unit/<int:pk>/decide/", views.decide, name="decide"),
    path("unit/<int:pk>/summary.<str:fmt>", views.summary, name="summary"),
    path("team/<int:pk>/", views.team_detail, name="team"),
    path("team/<int:pk>/change/", views.team_change, name="team_change"),
    path("team/<int:pk>/assign/", views.cases_assign, name="assign"),
    path("team/<int:pk>/notice/", views.notice_issue, name="notice_issue"),
    path("team/<int:pk>/evaluation.xlsx", views.evaluation_sheet, name="evaluation_sheet"),
    path("team/<int:pk>/evaluation/import/", views.evaluation_import, name="evaluation_import"),
    path("notice/<int:pk>.<str:fmt>", views.notice_document, name="notice_document"),
    path("case/<int:pk>/", views.case_detail, name="case"),
    path("case/<int:pk>/talks/", views.talks, name="talks"),
    path("case/<int:pk>/talk-note/", views.talk_note, name="talk_note"),
    path("case/<int:pk>/evaluation/", views.evaluation, name="evaluation"),
    path("case/<int:pk>/report/", views.report, name="report"),
    path("case/<int:pk>/sign/", views.sign, name="sign"),
    path("case/<int:pk>/material.<str:fmt>", views.material, name="material"),
    path("case/<int:pk>/check/", views.check, name="check"),
    path("case/<int:pk>/four-must/", views.cadre_check, name="cadre_check"),
    path("case/<int:pk>/exemption/", views.exemption, name="exemption"),
    path("case/<int:pk>/set-aside/", views.set_aside, name="set_aside"),
    path("case/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("veto/<int:pk>/lift/", views.veto_lift, name="veto_lift"),
    path("request/<int:pk>/", views.request_detail, name="request"),
    path("request/<int:pk>/remind/", views.remind, name="remind"),
    path("request/<int:pk>/reply/<int:reply_pk>/", views.reply, name="reply"),
    path("request/<int:pk>/replies.xlsx", views.reply_sheet, name="reply_sheet"),
    path("request/<int:pk>/import/", views.reply_import, name="reply_import"),
    path("request/<int:pk>/letter.<str:fmt>", views.letter, name="letter"),
]
