"""Outside lists are imported within the importer's subtree only.

A branch operator's file can neither change a row that applies to a member elsewhere nor put
a new one on them; an ID of a member elsewhere is counted exactly like an ID of nobody; and a
changed row is recorded with its old and new values.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import Tree
from tests.registry.helpers import write_csv
from tuixuan.core.citizen_id import make
from tuixuan.core.models import User
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.registry.models import Deputy, Investigation, Member, Sanction
from tuixuan.registry.services import ImportResult, import_file

pytestmark = pytest.mark.django_db

SANCTION_HEADER = ("姓名", "公民身份号码", "处分种类", "处分决定日期", "影响期至", "决定机关")
INVESTIGATION_HEADER = ("姓名", "公民身份号码", "立案日期", "结案日期", "立案机关")
DEPUTY_HEADER = ("姓名", "公民身份号码", "类别", "层级", "届次")


def _row(kind: str, member_name: str, cid: str, **extra: str) -> dict[str, str]:
    if kind == "sanctions":
        row = {
            "姓名": member_name,
            "公民身份号码": cid,
            "处分种类": "留党察看一年",
            "处分决定日期": "2026-01-10",
            "影响期至": "2030-01-10",
            "决定机关": "市纪委",
        }
    elif kind == "investigations":
        row = {
            "姓名": member_name,
            "公民身份号码": cid,
            "立案日期": "2026-03-01",
            "结案日期": "",
            "立案机关": "市监委",
        }
    else:
        row = {
            "姓名": member_name,
            "公民身份号码": cid,
            "类别": "人大代表",
            "层级": "市级",
            "届次": "第十六届",
        }
    row.update(extra)
    return row


HEADERS = {
    "sanctions": SANCTION_HEADER,
    "investigations": INVESTIGATION_HEADER,
    "deputies": DEPUTY_HEADER,
}
MODELS: dict[str, type[Sanction] | type[Investigation] | type[Deputy]] = {
    "sanctions": Sanction,
    "investigations": Investigation,
    "deputies": Deputy,
}


def _import(
    tmp_path: Path, kind: str, rows: list[dict[str, str]], actor: User | None, name: str
) -> ImportResult:
    path = write_csv(tmp_path / name, rows, header=HEADERS[kind])
    return import_file(kind=kind, path=path, file_name=name, actor=actor)


def _facts(member: Member) -> list[tuple[str, object]]:
    """What the eligibility check reads of the member: the rows matched to them."""
    return sorted(
        [("sanction", s.effect_until) for s in Sanction.objects.filter(member=member)]
        + [("investigation", i.closed_on) for i in Investigation.objects.filter(member=member)]
        + [("deputy", d.level) for d in Deputy.objects.filter(member=member)],
        key=str,
    )


def test_a_branch_cannot_shorten_a_sanction_of_a_member_elsewhere(
    tree: Tree, branch_operator: User, tmp_path: Path
) -> None:
    elsewhere = factories.member(tree.branch_b1, "外乡镇党员")
    _import(
        tmp_path,
        "sanctions",
        [_row("sanctions", elsewhere.name, elsewhere.citizen_id)],
        None,
        "city.csv",
    )
    assert _facts(elsewhere) == [("sanction", dt.date(2030, 1, 10))]
    events = Event.objects.count()

    shortened = _row("sanctions", elsewhere.name, elsewhere.citizen_id, 影响期至="2026-02-01")
    result = _import(tmp_path, "sanctions", [shortened], branch_operator, "short.csv")

    assert result.ok
    # The veto stands: the city's row is untouched and the branch's row matches nobody.
    assert _facts(elsewhere) == [("sanction", dt.date(2030, 1, 10))]
    city_row = Sanction.objects.get(scope="")
    assert city_row.effect_until == dt.date(2030, 1, 10) and city_row.member == elsewhere
    assert Sanction.objects.get(scope=tree.branch_a1.path).member is None
    assert Event.objects.count() == events + 1  # the branch's own import is recorded


def test_a_branch_cannot_close_an_investigation_elsewhere(
    tree: Tree, branch_operator: User, tmp_path: Path
) -> None:
    elsewhere = factories.member(tree.branch_b1, "外乡镇党员")
    row = _row("investigations", elsewhere.name, elsewhere.citizen_id)
    _import(tmp_path, "investigations", [row], None, "city.csv")
    closed = dict(row, 结案日期="2026-04-01")
    assert _import(tmp_path, "investigations", [closed], branch_operator, "close.csv").ok
    assert _facts(elsewhere) == [("investigation", None)]


@pytest.mark.parametrize("kind", ["sanctions", "investigations", "deputies"])
def test_an_id_elsewhere_is_counted_like_an_id_of_nobody(
    tree: Tree, branch_operator: User, tmp_path: Path, kind: str
) -> None:
    elsewhere = factories.member(tree.branch_b1, "外乡镇党员")
    nobody = make("430102", dt.date(1977, 2, 3), 901, "M")
    planted = _import(
        tmp_path, kind, [_row(kind, elsewhere.name, elsewhere.citizen_id)], branch_operator, "a.csv"
    )
    unknown = _import(tmp_path, kind, [_row(kind, "查无此人", nobody)], branch_operator, "b.csv")

    assert planted.ok and unknown.ok
    assert (planted.created, planted.updated, planted.unmatched) == (1, 0, 1)
    assert (planted.created, planted.updated, planted.unmatched) == (
        unknown.created,
        unknown.updated,
        unknown.unmatched,
    )
    assert planted.job.message == unknown.job.message == "新增 1 条，更新 0 条，1 条未匹配到党员"
    assert _facts(elsewhere) == []  # nothing planted on the member elsewhere
    assert MODELS[kind].objects.get(citizen_id=elsewhere.citizen_id).member is None


def test_a_later_member_import_does_not_link_a_row_from_another_subtree(
    tree: Tree, branch_operator: User, tmp_path: Path
) -> None:
    elsewhere = factories.member(tree.branch_b1, "外乡镇党员")
    _import(
        tmp_path,
        "sanctions",
        [_row("sanctions", elsewhere.name, elsewhere.citizen_id)],
        branch_operator,
        "a.csv",
    )
    from tuixuan.registry.importing.members import link_outside_lists

    link_outside_lists()
    assert _facts(elsewhere) == []


def test_an_own_member_is_matched_and_a_change_is_recorded_with_old_and_new(
    tree: Tree, branch_operator: User, tmp_path: Path
) -> None:
    own = factories.member(tree.branch_a1, "本支部党员")
    first = _import(
        tmp_path,
        "sanctions",
        [_row("sanctions", own.name, own.citizen_id)],
        branch_operator,
        "1.csv",
    )
    assert (first.created, first.unmatched) == (1, 0)
    assert _facts(own) == [("sanction", dt.date(2030, 1, 10))]

    changed = _row("sanctions", own.name, own.citizen_id, 影响期至="2028-06-30", 决定机关="县纪委")
    second = _import(tmp_path, "sanctions", [changed], branch_operator, "2.csv")

    assert (second.created, second.updated) == (0, 1)
    assert _facts(own) == [("sanction", dt.date(2028, 6, 30))]
    event = Event.objects.filter(event_type=EventType.OUTSIDE_LIST_IMPORTED).order_by("pk").last()
    assert event is not None
    assert event.inputs["change_count"] == 1
    [change] = event.inputs["changes"]
    assert change["citizen_id"] == own.citizen_id
    assert change["fields"] == {
        "effect_until": {"old": "2030-01-10", "new": "2028-06-30"},
        "authority": {"old": "市纪委", "new": "县纪委"},
    }


def test_a_member_who_moves_away_loses_the_branchs_rows(
    tree: Tree, branch_operator: User, tmp_path: Path
) -> None:
    own = factories.member(tree.branch_a1, "本支部党员")
    _import(
        tmp_path, "deputies", [_row("deputies", own.name, own.citizen_id)], branch_operator, "d.csv"
    )
    assert _facts(own) == [("deputy", "city")]
    Member.objects.filter(pk=own.pk).update(organisation=tree.branch_b1)
    from tuixuan.registry.importing.members import link_outside_lists

    link_outside_lists()
    assert _facts(own) == []
