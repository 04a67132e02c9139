from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from tests import factories
from tests.conftest import Tree
from tuixuan.record.checkpoints import write_checkpoints
from tuixuan.record.events import EventType
from tuixuan.record.models import Attachment, Checkpoint, Event, EventPerson, RecordImmutableError
from tuixuan.record.services import AttachmentFile, record
from tuixuan.record.triggers import (
    APPEND_ONLY_TABLES,
    install_triggers,
    missing_triggers,
    uninstall_triggers,
)


@pytest.fixture
def event(tree: Tree) -> Event:
    member = factories.member(tree.branch_a1)
    made = record(
        event_type=EventType.MEMBER_CHANGED,
        actor=None,
        summary="党员转正",
        subject_type="member",
        subject_id=member.pk,
        person_citizen_ids=[member.citizen_id],
        attachments=[AttachmentFile("决议.pdf", b"resolution")],
    )
    write_checkpoints(reason="test")  # a row in dossier_checkpoint for the raw-SQL tests
    return made


def test_the_model_refuses_to_save_an_existing_event(event: Event) -> None:
    event.summary = "改过的摘要"
    with pytest.raises(RecordImmutableError):
        event.save()
    with pytest.raises(RecordImmutableError):
        event.save(update_fields=["summary"])
    assert Event.objects.get(pk=event.pk).summary == "党员转正"


@pytest.mark.parametrize("model", [Event, EventPerson, Attachment])
def test_the_model_and_query_set_refuse_changes(event: Event, model: type[Event]) -> None:
    row = model.objects.get() if model is not Event else event
    with pytest.raises(RecordImmutableError):
        row.delete()
    with pytest.raises(RecordImmutableError):
        model.objects.all().delete()
    with pytest.raises(RecordImmutableError):
        model.objects.all().update(id=row.pk)
    with pytest.raises(RecordImmutableError):
        model._base_manager.filter(pk=row.pk).update(id=row.pk)
    assert model.objects.count() == 1


def test_related_managers_refuse_changes_too(event: Event) -> None:
    with pytest.raises(RecordImmutableError):
        event.persons.all().delete()
    with pytest.raises(RecordImmutableError):
        event.attachments.update(name="x")


def test_the_table_names_are_the_models(db: None) -> None:
    assert tuple(m._meta.db_table for m in (Event, EventPerson, Attachment, Checkpoint)) == (
        APPEND_ONLY_TABLES
    )


def test_the_triggers_are_installed_by_migrate(db: None) -> None:
    assert missing_triggers(connection) == []


def _raw(sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("UPDATE {table} SET id = id", "全程纪实记录不可修改"),
        ("DELETE FROM {table}", "全程纪实记录不可删除"),
    ],
)
def test_the_database_refuses_raw_sql(
    event: Event, table: str, statement: str, message: str
) -> None:
    with pytest.raises(IntegrityError, match=message):
        _raw(statement.format(table=table))
    assert Event.objects.filter(pk=event.pk, summary="党员转正").exists()
    assert EventPerson.objects.count() == Attachment.objects.count() == 1


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_postgresql_refuses_truncate(event: Event, table: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # else pending FK checks refuse first
    with pytest.raises(IntegrityError, match="全程纪实记录不可删除"):
        _raw(f"TRUNCATE {table} CASCADE")
    assert Event.objects.count() == 1


@pytest.fixture
def without_triggers(db: None) -> Iterator[None]:
    uninstall_triggers(connection)
    yield
    install_triggers(connection)


def test_missing_triggers_are_named(without_triggers: None) -> None:
    assert "dossier_event_no_update" in missing_triggers(connection) or (
        "dossier_event_no_change" in missing_triggers(connection)
    )


def test_installing_twice_is_harmless(db: None) -> None:
    install_triggers(connection)
    install_triggers(connection)
    assert missing_triggers(connection) == []


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_record_and_puts_the_triggers_back() -> None:
    with transaction.atomic():
        record(
            event_type=EventType.USER_CREATED,
            actor=None,
            summary="创建用户",
            subject_type="user",
            subject_id=1,
        )
    call_command("flush", interactive=False, verbosity=0)
    assert not Event.objects.exists()
    assert missing_triggers(connection) == []
