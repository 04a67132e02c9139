from __future__ import annotations

from django.urls import path

from tuixuan.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("org/<int:pk>/", views.org_detail, name="org"),
    path("members/", views.member_list, name="members"),
    path("members/export.xlsx", views.member_export, name="members_export"),
    path(
        "members/export/<int:pk>/",
        views.member_export_progress,
        name="members_export_progress",
    ),
    path(
        "members/export/<int:pk>/download.xlsx",
        views.member_export_download,
        name="members_export_download",
    ),
    path("members/<int:pk>/", views.member_detail, name="member"),
    path("import/", views.import_page, name="import"),
    path("import/template/<str:kind>.xlsx", views.import_template, name="import_template"),
    path("import/progress/<int:pk>/", views.import_progress, name="import_progress"),
    path("import/job/<int:pk>/", views.import_job, name="import_job"),
    path("import/job/<int:pk>/errors.xlsx", views.import_error_report, name="import_errors"),
]
