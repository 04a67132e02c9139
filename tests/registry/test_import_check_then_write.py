"""Imports check outside the write transaction; what changed in between is caught under the
lock (simulated here by a change made at the moment the write transaction opens)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import Tree
from tests.registry.helpers import person, write_csv
from tuixuan.core import faults
from tuixuan.core.models import Organisation, User
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.registry.models import ImportJob, Member
from tuixuan.registry.services import import_file

HEADER = ("党组织名称", "上级党组织", "组织类别", "组织代码")


def _at_write(monkeypatch: pytest.MonkeyPatch, change: Callable[[], object]) -> list[str]:
    seen: list[str] = []

    def hold(point: str) -> None:
        seen.append(point)
        if point == "import.write":
            change()

    monkeypatch.setattr(faults, "hold", hold)
    return seen


def test_an_organisation_added_between_check_and_write_is_seen_under_the_lock(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(
        tmp_path / "o.csv",
        [dict(zip(HEADER, ("新建党支部", "A", "党支部", "N1"), strict=True))],
        header=HEADER,
    )
    seen = _at_write(
        monkeypatch, lambda: factories.organisation("抢先党支部", parent=tree.unit_b, code="N1")
    )
    result = import_file(kind=ImportJob.Kind.ORGANISATIONS, path=path, file_name="o", actor=None)
    assert seen == ["import.checked", "import.write"]
    assert not result.ok
    # Checked again under the lock: the code now names an organisation elsewhere.
    assert [e.reason for e in result.errors] == ["不支持通过导入调整上级党组织，请在系统中调整"]
    assert not Organisation.objects.filter(name="新建党支部").exists()
    assert not Event.objects.filter(event_type=EventType.ORGANISATIONS_IMPORTED).exists()


def test_a_member_taken_elsewhere_between_check_and_write_is_refused(
    tree: Tree, unit_operator: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = person(org="A1")
    path = write_csv(tmp_path / "m.csv", [row])

    def elsewhere() -> None:
        factories.member(organisation=tree.branch_b1, citizen_id=row["公民身份号码"])

    _at_write(monkeypatch, elsewhere)
    result = import_file(kind=ImportJob.Kind.MEMBERS, path=path, file_name="m", actor=unit_operator)
    assert not result.ok
    assert [e.reason for e in result.errors] == [
        "该党员现属党组织“市财政局机关党支部”，党组织不在您的管理范围内"
    ]
    assert Member.objects.get().organisation == tree.branch_b1
    assert not Event.objects.filter(event_type=EventType.MEMBERS_IMPORTED).exists()
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED
