from __future__ import annotations

from django.urls import path

from tuixuan.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("login-log/", views.login_log, name="login_log"),
]
