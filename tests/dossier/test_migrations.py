from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_models_match_the_migrations() -> None:
    """A new EventType member needs a migration for the event type constraint."""
    out = io.StringIO()
    try:
        call_command("makemigrations", "dossier", check=True, dry_run=True, stdout=out)
    except SystemExit as exc:
        pytest.fail(f"dossier needs a migration (makemigrations dossier):\n{out.getvalue()}")
        raise AssertionError from exc


def test_every_event_type_belongs_to_an_app_the_database_accepts() -> None:
    from tuixuan.record.events import EventType
    from tuixuan.record.models import EVENT_APPS

    for value in EventType.values:
        app, _, name = value.partition(".")
        assert app in EVENT_APPS and name, f"{value}: the event constraint accepts {EVENT_APPS}"
