"""The import and export commands: output, exit statuses, --only-valid, --as."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import Tree
from tests.registry.helpers import bad_check_digit, person, write_csv
from tuixuan.core.models import Organisation, User
from tuixuan.registry.models import Member

pytestmark = pytest.mark.django_db


def test_import_members_prints_each_error_and_exits_1(
    tree: Tree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = person()
    bad["公民身份号码"] = bad_check_digit(bad["公民身份号码"])
    path = write_csv(tmp_path / "m.csv", [person(), bad], encoding="gbk", title="党员名册")

    with pytest.raises(SystemExit) as exit_info:
        call_command("import_members", str(path))

    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    expected = bad_check_digit(bad["公民身份号码"])[17]
    assert "第 4 行【公民身份号码】：公民身份号码校验位错误（应为" in err
    assert expected  # the message names the right digit; see test_import_members
    assert err.strip().endswith("未写入任何数据")
    assert Member.objects.count() == 0


def test_import_members_succeeds_with_only_valid(
    tree: Tree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "m.csv", [person(), person(学历="?")])
    call_command("import_members", str(path), "--only-valid")
    assert "新增 1" in capsys.readouterr().out
    assert Member.objects.count() == 1


def test_import_as_a_unit_operator_is_refused_outside_the_unit(
    tree: Tree, unit_operator: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "m.csv", [person(org="B1")])
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_members", str(path), "--as", unit_operator.username)
    assert exit_info.value.code == 1
    assert "党组织不在您的管理范围内" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["m.txt", "m.pdf", "missing.csv"])
def test_unreadable_or_unknown_files_exit_2(tree: Tree, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name != "missing.csv":
        path.write_bytes(b"%PDF-1.4 not a table")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_members", str(path))
    assert exit_info.value.code == 2


def test_import_orgs_list_and_export(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = ("党组织名称", "上级党组织", "组织类别", "组织代码")
    orgs = [
        dict(zip(header, ("示范县委", "", "县委", "X"), strict=True)),
        dict(zip(header, ("一村党支部", "X", "党支部", "X1"), strict=True)),
    ]
    call_command("import_orgs", str(write_csv(tmp_path / "o.csv", orgs, header=header)))
    assert Organisation.objects.count() == 2
    member = person(org="X1")
    call_command("import_members", str(write_csv(tmp_path / "m.csv", [member])))
    deputies = [
        {"姓名": "某", "公民身份号码": member["公民身份号码"], "类别": "人大代表", "层级": "县"}
    ]
    path = write_csv(tmp_path / "d.csv", deputies, header=("姓名", "公民身份号码", "类别", "层级"))
    call_command("import_list", "--kind", "deputies", str(path))
    assert "0 条未匹配到党员" in capsys.readouterr().out
    out = tmp_path / "out.xlsx"
    call_command("export_members", str(out), "--org", "X")
    assert "已导出 1 名党员" in capsys.readouterr().out


def test_import_members_writes_every_error_to_a_workbook_it_names(
    tree: Tree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    rows = [person() for _ in range(3)]
    for row in rows:
        row["公民身份号码"] = bad_check_digit(row["公民身份号码"])
    path = write_csv(tmp_path / "党员.csv", [person(), *rows], title="党员名册")

    with pytest.raises(SystemExit):
        call_command("import_members", str(path))

    report = tmp_path / "党员-错误清单.xlsx"
    err = capsys.readouterr().err
    assert f"全部 3 处错误（含原始数据）已写入：{report}" in err
    sheet = load_workbook(report).active
    assert sheet is not None
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:4] == ("行号", "列", "原因", "原始数据")
    assert len(lines) == 4
    assert all(line[1] == "公民身份号码" for line in lines[1:])
    assert {line[3] for line in lines[1:]} == {r["姓名"] for r in rows}  # the row's own values
    assert Member.objects.count() == 0
