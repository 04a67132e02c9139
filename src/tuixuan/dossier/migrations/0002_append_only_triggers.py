"""Database triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the record."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    from tuixuan.record.triggers import install_triggers

    install_triggers(schema_editor.connection)


def uninstall(apps: Any, schema_editor: Any) -> None:
    from tuixuan.record.triggers import uninstall_triggers

    uninstall_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("dossier", "0001_event_store"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
