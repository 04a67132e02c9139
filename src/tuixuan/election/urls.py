from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from tuixuan.election import views

app_name = "election"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.election_list, name="list"),
    path("from-campaign/", views.election_from_unit, name="create_from_unit"),
    path("campaign/<int:pk>/results/", views.campaign_results, name="campaign_results"),
    path(
        "campaign/<int:pk>/results.<str:fmt>",
        views.campaign_results_file,
        name="campaign_results_file",
    ),
    path("<int:pk>/", views.election_detail, name="detail"),
    path("<int:pk>/candidates/", views.candidates_add, name="candidates_add"),
    path("<int:pk>/candidates/take/", views.candidates_take, name="candidates_take"),
    path("<int:pk>/voters/", views.voters, name="voters"),
    path("<int:pk>/voters/draw/", views.electorate_draw, name="electorate_draw"),
    path("draw-job/<int:pk>/", views.draw_progress, name="draw_progress"),
    path("<int:pk>/voters/<int:voter_pk>/exclude/", views.voter_exclude, name="voter_exclude"),
    path("<int:pk>/staff/", views.staff_add, name="staff_add"),
    path("<int:pk>/open/", views.election_open, name="open"),
    path("<int:pk>/meeting-date/", views.meeting_date, name="meeting_date"),
    path("<int:pk>/signin/", views.signin, name="signin"),
    path("<int:pk>/signin/count/", views.signin_count, name="signin_count"),
    path("<int:pk>/signin/<int:voter_pk>/", views.signin_toggle, name="signin_toggle"),
    path("<int:pk>/method/", views.method_adopt, name="method_adopt"),
    path("<int:pk>/rounds/new/", views.round_open, name="round_open"),
    path("<int:pk>/report/", views.election_report, name="report"),
    path("<int:pk>/result.<str:fmt>", views.result_report, name="result_report"),
    path("<int:pk>/screen/", views.screen, name="screen"),
    path("<int:pk>/screen/live/", views.screen_partial, name="screen_partial"),
    path("<int:pk>/credentials/", views.credentials, name="credentials"),
    path("round/<int:pk>/", views.round_detail, name="round"),
    path("round/<int:pk>/issue/", views.round_issue, name="round_issue"),
    path("round/<int:pk>/candidates/", views.round_candidates, name="round_candidates"),
    path("round/<int:pk>/print/", views.ballots_print, name="ballots_print"),
    path("round/<int:pk>/print/<int:run>/ballots.pdf", views.ballots_pdf, name="ballots_pdf"),
    path("round/<int:pk>/report.<str:fmt>", views.count_report, name="count_report"),
    path("round/<int:pk>/batches/", views.batch_create, name="batch_create"),
    path("round/<int:pk>/groups/", views.group_totals, name="group_totals"),
    path("round/<int:pk>/formal/", views.formal_candidates, name="formal_candidates"),
    path("round/<int:pk>/reduce/", views.seats_reduce, name="seats_reduce"),
    path("round/<int:pk>/<str:action>/", views.round_action, name="round_action"),
    path("batch/<int:pk>/enter/", views.batch_enter, name="batch_enter"),
    path("batch/<int:pk>/enter/save/", views.batch_enter_save, name="batch_enter_save"),
    path("batch/<int:pk>/submit/", views.batch_submit, name="batch_submit"),
    path("batch/<int:pk>/differences/", views.batch_differences, name="batch_differences"),
]
