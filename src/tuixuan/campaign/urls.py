from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from tuixuan.campaign import views

app_name = "campaign"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:pk>/remove/", views.calendar_remove, name="calendar_remove"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/settings/", views.campaign_settings, name="settings"),
    path("<int:pk>/status/<str:action>/", views.campaign_status, name="status"),
    path("<int:pk>/units/", views.campaign_units, name="units"),
    path("<int:pk>/allocation/", views.allocation, name="allocation"),
    path("<int:pk>/allocation/<str:action>/", views.allocation_action, name="allocation_action"),
    path("<int:pk>/targets/", views.targets, name="targets"),
    path("<int:pk>/milestones/", views.milestones, name="milestones"),
    path("<int:pk>/milestones/<str:action>/", views.milestones_action, name="milestones_action"),
    path("<int:pk>/documents/<str:name>", views.document, name="document"),
    path("unit/<int:pk>/", views.unit_detail, name="unit"),
    path("unit/<int:pk>/remove/", views.unit_remove, name="unit_remove"),
    path("target/<int:pk>/remove/", views.target_remove, name="target_remove"),
    path("milestone/<int:pk>/complete/", views.milestone_complete, name="milestone_complete"),
]
