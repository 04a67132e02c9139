from __future__ import annotations

from django.urls import path

from tuixuan.jobs import views

app_name = "jobs"
urlpatterns = [
    path("<int:pk>/retry/", views.retry, name="retry"),
]
