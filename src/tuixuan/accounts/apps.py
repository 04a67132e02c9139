from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Managing accounts: creation, import, unlock, reset, disable, password change."""

    name = "tuixuan.accounts"
    label = "accounts"
    verbose_name = "账户管理"
