from __future__ import annotations

from django.urls import path

from tuixuan.core import account_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("login-log/", views.login_log, name="login_log"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("accounts/", account_views.account_list, name="account_list"),
    path("accounts/new/", account_views.account_create, name="account_create"),
    path("accounts/import/", account_views.account_import, name="account_import"),
    path(
        "accounts/import/template.xlsx",
        account_views.account_import_template,
        name="account_import_template",
    ),
    path("accounts/addresses/unlock/", account_views.address_unlock, name="address_unlock"),
    path("accounts/<int:pk>/", account_views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/unlock/", account_views.account_unlock, name="account_unlock"),
    path("accounts/<int:pk>/reset/", account_views.account_reset, name="account_reset"),
    path("accounts/<int:pk>/active/", account_views.account_set_active, name="account_set_active"),
]
