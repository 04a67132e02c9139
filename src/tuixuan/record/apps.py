from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _reinstall_triggers(*, using: str = "default", **kwargs: Any) -> None:
    """SQLite drops a table's triggers when a migration rebuilds it; put them back."""
    from tuixuan.record.triggers import install_triggers, tables_exist

    connection = connections[using]
    if tables_exist(connection):
        install_triggers(connection)


def _grant_app_role(*, using: str = "default", **kwargs: Any) -> None:
    """After a migration run as the owner, the application role's grants cover every table."""
    from django.conf import settings

    from tuixuan.record.roles import grant_app_role

    grant_app_role(connections[using], getattr(settings, "DATABASE_APP_ROLE", ""))


class RecordConfig(AppConfig):
    """The write side of the full-process record: the event store, its chains and checks."""

    name = "tuixuan.record"
    label = "record"
    verbose_name = "全程纪实"

    def ready(self) -> None:
        post_migrate.connect(_reinstall_triggers, sender=self, dispatch_uid="record_triggers")
        post_migrate.connect(_grant_app_role, sender=self, dispatch_uid="record_app_role")
