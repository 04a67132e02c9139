"""Exports carry the import headers, so an export imports back unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tests.conftest import Tree
from tests.registry.helpers import HEADER, person, write_csv
from tuixuan.core.models import Organisation
from tuixuan.registry.exporting import export_members, export_organisations
from tuixuan.registry.importing.common import RowError
from tuixuan.registry.models import ImportJob, Member
from tuixuan.registry.services import import_file, write_error_report

pytestmark = pytest.mark.django_db

FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "citizen_id",
    "birth_date",
    "education",
    "occupation",
    "joined_date",
    "full_member_date",
    "member_type",
    "organisation_id",
    "rights_status",
    "rights_until",
    "is_floating",
    "is_retired",
    "is_lost_contact",
    "is_abroad",
    "cadre_rank",
    "current_post",
)


def snapshot() -> list[tuple[object, ...]]:
    return list(Member.objects.order_by("citizen_id").values_list(*FIELDS))


def test_export_then_import_round_trips(tree: Tree, tmp_path: Path) -> None:
    header = [*HEADER, "表决权状态", "察看期至", "流动党员", "干部级别", "现任职务"]
    rows = [
        person(
            name="甲",
            org="A1",
            表决权状态="留党察看",
            察看期至="2027-05-01",
            流动党员="是",
            干部级别="县处级",
            现任职务="东河镇党委书记",
        ),
        person(name="乙", org="B1", gender="F", 党员类型="预备党员", 转正日期=""),
        person(name="丙", org="A2", 学历="中专", 人员类别="离退休人员"),
    ]
    import_file(
        kind=ImportJob.Kind.MEMBERS,
        path=write_csv(tmp_path / "m.csv", rows, header=header),
        file_name="m.csv",
        actor=None,
    )
    before = snapshot()
    out = tmp_path / "export.xlsx"
    assert export_members(None, out) == 3
    Member.objects.all().delete()

    result = import_file(kind=ImportJob.Kind.MEMBERS, path=out, file_name="e.xlsx", actor=None)

    assert result.ok, result.errors
    assert snapshot() == before


def test_export_filters_and_reimports_organisations(tree: Tree, tmp_path: Path) -> None:
    out = tmp_path / "orgs.xlsx"
    assert export_organisations({"path__startswith": tree.unit_a.path}, out) == 3
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert sheet[0][:4] == ["组织代码", "党组织名称", "上级党组织", "组织类别"]
    assert sheet[1][:4] == ["A", "东河镇党委", "CITY", "党委"]
    result = import_file(
        kind=ImportJob.Kind.ORGANISATIONS, path=out, file_name="o.xlsx", actor=None
    )
    assert (result.ok, result.created, result.updated) == (True, 0, 3)
    assert Organisation.objects.count() == 6


def test_error_report_lists_rows_with_their_original_values(tree: Tree, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "m.csv", [person(name="甲", 学历="?")], title="名册")
    result = import_file(kind=ImportJob.Kind.MEMBERS, path=source, file_name="m.csv", actor=None)
    report = write_error_report(result.errors, tmp_path / "errors.xlsx", source=source)
    sheet = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    assert sheet[0][:3] == ["行号", "列", "原因"]
    assert sheet[1][:4] == [3.0, "学历", "未知的学历“?”", "甲"] or sheet[1][:4] == [
        3,
        "学历",
        "未知的学历“?”",
        "甲",
    ]
    write_error_report([RowError(9, "姓名", "不能为空").as_dict()], tmp_path / "e2.xlsx")


def test_the_web_error_workbook_fills_the_original_data_from_the_upload(
    tree: Tree, tmp_path: Path, client: Any, convener: Any
) -> None:
    source = write_csv(tmp_path / "m.csv", [person(name="乙", 学历="?")], title="名册")
    result = import_file(
        kind=ImportJob.Kind.MEMBERS, path=source, file_name="m.csv", actor=convener
    )
    assert result.job is not None
    client.force_login(convener)
    response = client.get(reverse("registry:import_errors", args=[result.job.pk]))
    assert response.status_code == 200
    out = tmp_path / "errors.xlsx"
    out.write_bytes(b"".join(response.streaming_content))
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert sheet[1][1:4] == ["学历", "未知的学历“?”", "乙"]
