"""Each import writes its record events in its own transaction, and only when it writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Tree
from tests.registry.helpers import person, write_csv
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.registry.models import ImportJob
from tuixuan.registry.services import import_file

pytestmark = pytest.mark.django_db


def test_a_member_import_records_one_event_with_its_inputs(tree: Tree, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", [person(), person()])
    result = import_file(kind=ImportJob.Kind.MEMBERS, path=path, file_name="m.csv", actor=None)

    event = Event.objects.get()
    assert event.event_type == EventType.MEMBERS_IMPORTED
    assert (event.subject_type, event.subject_id) == ("registry.importjob", str(result.job.pk))
    assert event.inputs["file_name"] == "m.csv"
    assert event.inputs["sha256"] == result.job.file_sha256
    assert (event.inputs["created"], event.inputs["updated"], event.inputs["total_rows"]) == (
        2,
        0,
        2,
    )


def test_a_move_records_member_changed_for_that_person(tree: Tree, tmp_path: Path) -> None:
    row = person()
    import_file(
        kind=ImportJob.Kind.MEMBERS,
        path=write_csv(tmp_path / "a.csv", [row]),
        file_name="a.csv",
        actor=None,
    )
    import_file(
        kind=ImportJob.Kind.MEMBERS,
        path=write_csv(tmp_path / "b.csv", [dict(row, 所在党组织="B1")]),
        file_name="b.csv",
        actor=None,
    )
    types = list(Event.objects.order_by("seq").values_list("event_type", flat=True))
    assert types == [
        EventType.MEMBERS_IMPORTED,
        EventType.MEMBERS_IMPORTED,
        EventType.MEMBER_CHANGED,
    ]
    changed = Event.objects.get(event_type=EventType.MEMBER_CHANGED)
    assert list(changed.persons.values_list("citizen_id", flat=True)) == [row["公民身份号码"]]
    assert changed.inputs["changes"][0]["field"] == "organisation"


def test_a_rejected_file_records_nothing_but_keeps_the_job(tree: Tree, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", [person(学历="?")])
    result = import_file(kind=ImportJob.Kind.MEMBERS, path=path, file_name="m.csv", actor=None)
    assert not result.ok
    assert not Event.objects.exists()
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED


def test_an_unreadable_file_is_reported_not_raised(tree: Tree, tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("no header here\n1,2,3\n", encoding="utf-8")
    result = import_file(kind=ImportJob.Kind.MEMBERS, path=path, file_name="m.csv", actor=None)
    assert (result.ok, result.errors[0].row) == (False, 0)
    assert "未找到表头" in result.file_error
    assert result.job.status == ImportJob.Status.FAILED


def test_every_registry_service_declares_its_events() -> None:
    from tuixuan.record.rule import undeclared_services
    from tuixuan.registry import services

    assert undeclared_services([services]) == []
