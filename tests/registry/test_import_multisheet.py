"""A registry larger than one sheet: later sheets with the first sheet's header, and several
files, are imported as one table in one atomic import (docs/domain.md §1.1)."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from tests import hostile
from tests.conftest import Tree, login
from tests.registry.helpers import HEADER, bad_check_digit, person, write_csv
from tests.workers import JobQueue
from tuixuan.core import workbooks
from tuixuan.core.models import User
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.registry.import_templates import write_template
from tuixuan.registry.importing.common import RowError
from tuixuan.registry.models import ImportJob, Member
from tuixuan.registry.services import import_file, write_error_report

pytestmark = pytest.mark.django_db

NOTES = [["填写说明"], ["每个工作表最多 1,048,576 行，超出部分请放在下一个工作表"], ["姓名：必填"]]


def _rows(people: Sequence[dict[str, str]], header: Sequence[str]) -> list[list[str]]:
    return [list(header), *([p.get(h, "") for h in header] for p in people)]


def write_sheets(path: Path, sheets: Sequence[tuple[str, list[list[str]]]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(str(path))
    return path


def _members(path: Path, **kw: Any) -> Any:
    return import_file(
        kind=ImportJob.Kind.MEMBERS, path=path, file_name=path.name, actor=None, **kw
    )


def _nothing_written() -> None:
    assert Member.objects.count() == 0
    assert not Event.objects.filter(event_type=EventType.MEMBERS_IMPORTED).exists()


def test_later_sheets_with_the_same_header_continue_the_table(tree: Tree, tmp_path: Path) -> None:
    first = [person(), person()]
    second = [person(), person(), person()]
    reordered = tuple(reversed(HEADER))  # the same columns in another order
    path = write_sheets(
        tmp_path / "党员.xlsx",
        [
            ("党员", _rows(first, HEADER)),
            ("党员（二）", _rows(second, reordered)),
            ("填写说明", NOTES),
        ],
    )

    result = _members(path)

    assert result.ok, result.errors
    assert (result.total_rows, result.created) == (5, 5)
    ids = {p["公民身份号码"] for p in [*first, *second]}
    assert set(Member.objects.values_list("citizen_id", flat=True)) == ids
    assert "读取工作表：党员、党员（二）" in result.job.message
    assert "填写说明" in result.job.message
    event = Event.objects.get(event_type=EventType.MEMBERS_IMPORTED)
    (source,) = event.inputs["files"]
    assert source["sheets"] == ["党员", "党员（二）"]
    assert source["skipped_sheets"] == ["填写说明"]
    assert source["rows"] == 5


def test_every_sheet_is_read_in_the_limited_child(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int | str] = []
    real = workbooks.read_sheet

    def spy(path: Path, sheet: int | str = 0, **kw: Any) -> workbooks.Sheet:
        calls.append(sheet)
        return real(path, sheet, **kw)

    monkeypatch.setattr(workbooks, "read_sheet", spy)
    path = write_sheets(
        tmp_path / "m.xlsx",
        [("一", _rows([person()], HEADER)), ("说明", NOTES), ("二", _rows([person()], HEADER))],
    )
    assert _members(path).created == 2
    assert calls == [0, 1, 2]


def test_the_import_template_imports_with_its_instructions_sheet_left_out(
    tree: Tree, tmp_path: Path
) -> None:
    path = tmp_path / "模板.xlsx"
    write_template(ImportJob.Kind.MEMBERS, path)
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[sheet.max_row]]
    member = person()
    sheet.append([member.get(str(h), "") for h in header])
    workbook.save(path)

    result = _members(path)

    assert result.ok, result.errors
    assert result.created == 1
    assert "未读取工作表（无相同表头）：填写说明" in result.job.message


def test_an_error_on_a_later_sheet_names_the_sheet_and_nothing_is_written(
    tree: Tree, tmp_path: Path
) -> None:
    first = [person(), person()]
    first[1]["公民身份号码"] = bad_check_digit(first[1]["公民身份号码"])
    second = [person() for _ in range(11)]  # rows 2 to 12 of their sheet
    second[10]["公民身份号码"] = bad_check_digit(second[10]["公民身份号码"])
    path = write_sheets(
        tmp_path / "党员.xlsx",
        [("党员", _rows(first, HEADER)), ("党员（二）", _rows(second, HEADER))],
    )

    result = _members(path)

    assert not result.ok
    texts = [str(e) for e in result.errors]
    # the first sheet's errors read exactly as before; the later sheet's name the sheet
    assert texts[0].startswith("第 3 行【公民身份号码】：公民身份号码校验位错误（应为")
    assert texts[1].startswith("第 12 行（工作表“党员（二）”）【公民身份号码】：公民身份号码校验位")
    assert result.errors[1].as_dict()["sheet"] == "党员（二）"
    assert "sheet" not in result.errors[0].as_dict()
    _nothing_written()
    assert result.job.status == ImportJob.Status.FAILED


def test_a_duplicate_across_sheets_names_both(tree: Tree, tmp_path: Path) -> None:
    first = [person(), person()]
    again = dict(first[1], 姓名="重复者")
    path = write_sheets(
        tmp_path / "党员.xlsx",
        [("党员", _rows(first, HEADER)), ("党员（二）", _rows([person(), again], HEADER))],
    )

    result = _members(path)

    assert [str(e) for e in result.errors] == [
        "第 3 行（工作表“党员（二）”）【公民身份号码】：公民身份号码与第 3 行（工作表“党员”）重复"
    ]
    _nothing_written()


def test_a_later_sheet_with_other_columns_is_refused_not_skipped(
    tree: Tree, tmp_path: Path
) -> None:
    short = [h for h in HEADER if h != "民族"]
    path = write_sheets(
        tmp_path / "党员.xlsx",
        [("党员", _rows([person()], HEADER)), ("党员（二）", _rows([person()], short))],
    )

    result = _members(path)

    assert [str(e) for e in result.errors] == [
        "第 1 行（工作表“党员（二）”）【民族】：缺少该列（工作表“党员”有该列，续表的列应与之相同）"
    ]
    _nothing_written()


def test_a_later_sheet_is_checked_for_its_real_extent(tree: Tree, tmp_path: Path) -> None:
    path = write_sheets(
        tmp_path / "党员.xlsx", [("党员", _rows([person()], HEADER)), ("远处", [["x"]])]
    )
    far = hostile._sheet([(1, "A1", "x"), (2, "XFD2", "y")], None)  # no declared dimension
    rebuilt = tmp_path / "far.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rebuilt, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, far if info.filename == "xl/worksheets/sheet2.xml" else data)

    result = _members(rebuilt)

    assert result.file_error.startswith("工作表“远处”：工作表范围有 16384 列，超过上限 200 列")
    _nothing_written()


def test_too_many_sheets_are_refused(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tuixuan.registry.importing import readers

    monkeypatch.setattr(readers, "MAX_SHEETS", 2)
    path = write_sheets(
        tmp_path / "m.xlsx", [("一", _rows([person()], HEADER)), ("二", NOTES), ("三", NOTES)]
    )
    result = _members(path)
    assert "工作簿有 3 个工作表，超过上限 2 个" in result.file_error
    _nothing_written()


# --- several files --------------------------------------------------------------------------


def test_two_files_are_one_import(
    tree: Tree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write_csv(tmp_path / "A.csv", [person(), person()])
    b = write_sheets(
        tmp_path / "B.xlsx",
        [("党员", _rows([person()], HEADER)), ("党员（二）", _rows([person()], HEADER))],
    )

    call_command("import_members", str(a), str(b), "--no-progress")

    out = capsys.readouterr().out
    assert "导入完成：共 4 行，新增 4" in out
    assert "文件“A.csv” 2 行" in out and "文件“B.xlsx” 2 行（工作表：党员、党员（二））" in out
    assert Member.objects.count() == 4
    job = ImportJob.objects.get()
    assert job.file_name == "A.csv、B.xlsx"
    assert [s["file_name"] for s in job.sources] == ["A.csv", "B.xlsx"]
    event = Event.objects.get(event_type=EventType.MEMBERS_IMPORTED)
    assert [f["file_name"] for f in event.inputs["files"]] == ["A.csv", "B.xlsx"]
    assert event.inputs["sha256"] == job.file_sha256
    assert len({f["sha256"] for f in event.inputs["files"]} | {job.file_sha256}) == 3


def test_a_bad_row_in_any_file_writes_nothing_and_every_error_names_its_file(
    tree: Tree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = [person(), person(学历="博士后")]
    second = [person(), person()]
    second[1]["公民身份号码"] = bad_check_digit(second[1]["公民身份号码"])
    a = write_csv(tmp_path / "A.csv", first)
    b = write_sheets(tmp_path / "B.xlsx", [("党员", _rows(second, HEADER))])

    with pytest.raises(SystemExit) as exit_info:
        call_command("import_members", str(a), str(b), "--no-progress")

    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "第 3 行（文件“A.csv”）【学历】：未知的学历“博士后”" in err
    assert "第 3 行（文件“B.xlsx”）【公民身份号码】：公民身份号码校验位错误" in err
    assert err.strip().endswith("未写入任何数据")
    _nothing_written()
    report = load_workbook(tmp_path / "A-错误清单.xlsx")
    rows = [[c.value for c in r] for r in report.active.iter_rows()]
    assert rows[0][:4] == ["行号", "位置", "列", "原因"]
    by_place = {r[1]: r for r in rows[1:]}
    assert by_place["文件“A.csv”"][4] == first[1]["姓名"]  # the row's own values
    assert by_place["文件“B.xlsx”"][4] == second[1]["姓名"]


def test_a_duplicate_across_files_names_both(
    tree: Tree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    member = person()
    a = write_csv(tmp_path / "A.csv", [person(), member])
    b = write_sheets(tmp_path / "B.xlsx", [("党员", _rows([person(), person(), member], HEADER))])

    with pytest.raises(SystemExit):
        call_command("import_members", str(a), str(b), "--no-progress")

    err = capsys.readouterr().err
    assert (
        "第 4 行（文件“B.xlsx”）【公民身份号码】：公民身份号码与第 3 行（文件“A.csv”）重复" in err
    )
    _nothing_written()


def test_a_file_that_cannot_be_read_is_named(
    tree: Tree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write_csv(tmp_path / "A.csv", [person()])
    b = tmp_path / "B.csv"
    b.write_text("随便写的\n没有表头\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_members", str(a), str(b), "--no-progress")
    assert exit_info.value.code == 2
    assert "文件“B.csv”：未找到表头" in capsys.readouterr().err
    _nothing_written()


def test_files_of_the_same_name_are_named_by_their_path(
    tree: Tree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "甲").mkdir()
    (tmp_path / "乙").mkdir()
    a = write_csv(tmp_path / "甲" / "党员.csv", [person()])
    b = write_csv(tmp_path / "乙" / "党员.csv", [person(民族="火星族")])
    with pytest.raises(SystemExit):
        call_command("import_members", str(a), str(b), "--no-progress")
    assert f"（文件“{b}”）【民族】：未知的民族“火星族”" in capsys.readouterr().err


def test_only_valid_skips_bad_rows_of_every_file(tree: Tree, tmp_path: Path) -> None:
    a = write_csv(tmp_path / "A.csv", [person(), person(学历="?")])
    b = write_csv(tmp_path / "B.csv", [person(学历="?"), person()])
    result = import_file(
        kind=ImportJob.Kind.MEMBERS,
        files=[(a, "A.csv"), (b, "B.csv")],
        actor=None,
        only_valid=True,
    )
    assert result.ok
    assert (result.created, result.skipped_rows) == (2, 2)  # row 3 of A and row 2 of B


def test_several_files_are_for_members_only(tree: Tree, tmp_path: Path) -> None:
    from tuixuan.core.errors import DomainError

    a = write_csv(tmp_path / "A.csv", [])
    with pytest.raises(DomainError, match="只适用于党员名册"):
        import_file(kind="organisations", files=[(a, "A.csv"), (a, "B.csv")], actor=None)


def test_the_error_report_keeps_its_columns_for_one_sheet(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "m.csv", [person(姓名="张三")])
    out = write_error_report([RowError(2, "学历", "x")], tmp_path / "e.xlsx", source=source)
    rows = [[c.value for c in r] for r in load_workbook(out).active.iter_rows()]
    assert rows[0][:3] == ["行号", "列", "原因"]
    assert rows[1][:4] == [2, "学历", "x", "张三"]


# --- the web page ---------------------------------------------------------------------------


def _upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def test_the_page_imports_several_files_as_one(
    tree: Tree, convener: User, tmp_path: Path, settings: Any, jobs: JobQueue
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    a = write_csv(tmp_path / "A.csv", [person(), person()])
    b = write_sheets(tmp_path / "B.xlsx", [("党员", _rows([person()], HEADER))])
    client = login(convener)
    page = client.get(reverse("registry:import")).content.decode()
    assert 'type="file" name="file" multiple' in page

    response = client.post(
        reverse("registry:import"), {"kind": "members", "file": [_upload(a), _upload(b)]}
    )
    assert response.status_code == 302
    assert jobs.run() == 1
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE and job.created_count == 3
    assert [s["file_name"] for s in job.sources] == ["A.csv", "B.xlsx"]
    assert Member.objects.count() == 3
    shown = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert "<li>A.csv</li><li>B.xlsx</li>" in shown


def test_the_page_shows_where_each_error_is_and_writes_nothing(
    tree: Tree, convener: User, tmp_path: Path, settings: Any, jobs: JobQueue
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    member = person()
    a = write_csv(tmp_path / "A.csv", [member])
    b = write_csv(tmp_path / "B.csv", [person(), member])
    client = login(convener)
    client.post(reverse("registry:import"), {"kind": "members", "file": [_upload(a), _upload(b)]})
    jobs.run()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [
        {
            "row": 3,
            "column": "公民身份号码",
            "reason": "公民身份号码与第 2 行（文件“A.csv”）重复",
            "file": "B.csv",
        }
    ]
    _nothing_written()
    shown = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert "<th>位置</th>" in shown and "<td>文件“B.csv”</td>" in shown
    report = client.get(reverse("registry:import_errors", args=[job.pk]))
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"".join(report.streaming_content))  # type: ignore[attr-defined]
    rows = [[c.value for c in r] for r in load_workbook(path).active.iter_rows()]
    assert rows[1][:5] == [3, "文件“B.csv”", "公民身份号码", rows[1][3], member["姓名"]]


@pytest.mark.parametrize(
    ("kind", "names", "reason"),
    [
        ("organisations", ("A.csv", "B.csv"), "一次上传多个文件只适用于党员名册"),
        ("members", ("A.csv", "A.csv"), "文件名“A.csv”重复"),
        ("members", ("A.csv", "B.pdf"), "文件“B.pdf”：只支持 .xlsx 和 .csv 文件。"),
    ],
)
def test_the_page_refuses_uploads_it_cannot_import_together(
    tree: Tree,
    convener: User,
    tmp_path: Path,
    settings: Any,
    kind: str,
    names: tuple[str, str],
    reason: str,
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    data = write_csv(tmp_path / "x.csv", [person()]).read_bytes()
    files = [SimpleUploadedFile(n, data) for n in names]
    response = login(convener).post(reverse("registry:import"), {"kind": kind, "file": files})
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not (tmp_path / "data" / "uploads").exists()


def test_the_upload_limit_is_for_all_files_together(
    tree: Tree, convener: User, tmp_path: Path, settings: Any
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    settings.UPLOAD_MAX_MB = 1
    half = b"x" * (600 * 1024)
    files = [SimpleUploadedFile("A.csv", half), SimpleUploadedFile("B.csv", half)]
    response = login(convener).post(reverse("registry:import"), {"kind": "members", "file": files})
    assert response.status_code == 200
    assert "文件超过 1 MB 的上限，未上传" in response.content.decode()
    assert not ImportJob.objects.exists()
