"""Outside lists: matched to members by citizen ID, kept when unmatched, upserted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import Tree
from tests.registry.helpers import person, write_csv
from tuixuan.core.citizen_id import make
from tuixuan.registry.models import Deputy, ImportJob, Investigation, Member, Sanction
from tuixuan.registry.services import import_file

pytestmark = pytest.mark.django_db


def test_deputies_match_members_now_and_later(tree: Tree, tmp_path: Path) -> None:
    member_row = person(name="周九")
    import_file(
        kind=ImportJob.Kind.MEMBERS,
        path=write_csv(tmp_path / "m.csv", [member_row]),
        file_name="m.csv",
        actor=None,
    )
    later_row = person(name="吴十")
    header = ("姓名", "公民身份号码", "类别", "层级", "届次")
    data = [
        {
            "姓名": "周九",
            "公民身份号码": member_row["公民身份号码"],
            "类别": "人大代表",
            "层级": "市级",
            "届次": "第十六届",
        },
        {
            "姓名": "吴十",
            "公民身份号码": later_row["公民身份号码"],
            "类别": "政协委员",
            "层级": "县",
            "届次": "",
        },
    ]
    path = write_csv(tmp_path / "d.csv", data, header=header, title="代表委员名单")

    result = import_file(kind=ImportJob.Kind.DEPUTIES, path=path, file_name="d.csv", actor=None)

    assert result.ok, result.errors
    assert (result.created, result.unmatched) == (2, 1)
    zhou = Deputy.objects.get(name="周九")
    assert zhou.member == Member.objects.get(name="周九")
    assert (zhou.body, zhou.level, zhou.term) == ("npc", "city", "第十六届")
    assert Deputy.objects.get(name="吴十").member is None

    import_file(
        kind=ImportJob.Kind.MEMBERS,
        path=write_csv(tmp_path / "m2.csv", [later_row]),
        file_name="m2.csv",
        actor=None,
    )
    assert Deputy.objects.get(name="吴十").member == Member.objects.get(name="吴十")

    again = import_file(kind=ImportJob.Kind.DEPUTIES, path=path, file_name="d.csv", actor=None)
    assert (again.created, again.updated) == (0, 2)
    assert Deputy.objects.count() == 2


def test_sanctions_and_investigations_import_and_check_dates(db: None, tmp_path: Path) -> None:
    number = make("430102", dt.date(1970, 3, 4), 7, "M")
    header = ("姓名", "公民身份号码", "处分种类", "处分决定日期", "影响期至", "决定机关")
    data = [
        {
            "姓名": "郑一",
            "公民身份号码": number,
            "处分种类": "党内警告",
            "处分决定日期": "2024/3/1",
            "影响期至": "2025年3月1日",
            "决定机关": "县纪委",
        },
        {
            "姓名": "郑二",
            "公民身份号码": number,
            "处分种类": "严重警告",
            "处分决定日期": "2024-05-01",
            "影响期至": "2023-01-01",
            "决定机关": "",
        },
    ]
    result = import_file(
        kind=ImportJob.Kind.SANCTIONS,
        path=write_csv(tmp_path / "s.csv", data, header=header),
        file_name="s.csv",
        actor=None,
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "影响期至")]
    assert not Sanction.objects.exists()

    inv_header = ("姓名", "公民身份号码", "立案日期", "结案日期", "立案机关")
    inv = [
        {
            "姓名": "郑一",
            "公民身份号码": number,
            "立案日期": "20250102",
            "结案日期": "",
            "立案机关": "市监委",
        }
    ]
    result = import_file(
        kind=ImportJob.Kind.INVESTIGATIONS,
        path=write_csv(tmp_path / "i.csv", inv, header=inv_header),
        file_name="i.csv",
        actor=None,
    )
    assert result.ok
    item = Investigation.objects.get()
    assert (item.opened_on, item.closed_on, item.member) == (dt.date(2025, 1, 2), None, None)
