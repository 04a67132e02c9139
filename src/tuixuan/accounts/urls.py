from __future__ import annotations

from django.urls import path

from tuixuan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("account/password/", views.password_change, name="password_change"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/import/", views.account_import, name="account_import"),
    path(
        "accounts/import/template.xlsx",
        views.account_import_template,
        name="account_import_template",
    ),
    path("accounts/addresses/unlock/", views.address_unlock, name="address_unlock"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/unlock/", views.account_unlock, name="account_unlock"),
    path("accounts/<int:pk>/reset/", views.account_reset, name="account_reset"),
    path("accounts/<int:pk>/active/", views.account_set_active, name="account_set_active"),
]
