"""Reading uploaded workbooks: the checks before parsing and the limited child process."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests import hostile
from tuixuan.core import workbooks
from tuixuan.core.workbooks import Limits, WorkbookError, dimension_extent, read_sheet


@pytest.fixture(scope="session")
def bomb() -> Path:
    return hostile.cached_zip_bomb()


def _refused(path: Path, sheet: int | str = 0, limits: Limits | None = None) -> str:
    with pytest.raises(WorkbookError) as caught:
        read_sheet(path, sheet, limits=limits or Limits())
    return caught.value.message


def test_an_ordinary_workbook_is_read_in_the_child(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "党员"
    ws.append(["姓名", "公民身份号码"])
    ws.append(["张三", "110101199003071234"])
    wb.create_sheet("其他")
    wb.save(tmp_path / "ok.xlsx")
    sheet = read_sheet(tmp_path / "ok.xlsx", 0, limits=Limits())
    assert sheet.names == ["党员", "其他"]
    assert sheet.rows == [["姓名", "公民身份号码"], ["张三", "110101199003071234"]]
    assert read_sheet(tmp_path / "ok.xlsx", "其他", limits=Limits()).rows == []
    with pytest.raises(workbooks.SheetMissingError):
        read_sheet(tmp_path / "ok.xlsx", "没有", limits=Limits())


def test_the_sparse_range_file_is_refused_by_its_declared_dimension(tmp_path: Path) -> None:
    path = hostile.sparse_range(tmp_path / "sparse.xlsx")
    assert path.stat().st_size < 2048
    assert _refused(path).startswith("工作表声明的范围有 16384 列，超过上限 200 列")


def test_the_sparse_range_without_a_dimension_dies_in_the_child_only(tmp_path: Path) -> None:
    path = hostile.sparse_range(tmp_path / "sparse.xlsx", declare=False)
    message = _refused(path, limits=Limits(memory_mb=1024))
    assert message.startswith("读取文件所需内存超过 1024 MB 上限，已停止")


def test_ten_million_columns_are_refused(tmp_path: Path) -> None:
    path = hostile.wide_sheet(tmp_path / "wide.xlsx")
    assert "有 10000000 列，超过上限 200 列" in _refused(path)


def test_rows_beyond_the_limit_are_refused_before_parsing(tmp_path: Path) -> None:
    tall = tmp_path / "tall.xlsx"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "姓名"
    ws["A300"] = "x"
    wb.save(tall)
    assert _refused(tall, limits=Limits(max_rows=100)).startswith(
        "工作表声明的范围有 300 行，超过上限 100 行"
    )


def test_the_real_extent_is_checked_when_no_dimension_is_declared(tmp_path: Path) -> None:
    path = tmp_path / "wide.xlsx"
    hostile._workbook(path, hostile._sheet([(1, "A1", "a"), (1, "ZZ1", "b")], None))
    assert _refused(path).startswith("工作表范围有 702 列，超过上限 200 列")


def test_the_zip_bomb_is_refused_by_its_declared_size(bomb: Path) -> None:
    assert bomb.stat().st_size < 5 * 1024 * 1024
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 2 * 1024**3
    assert _refused(bomb) == (
        "工作簿中的部件“xl/worksheets/sheet1.xml”解压后为 2048 MB，超过上限 1024 MB"
    )
    assert "压缩比为" in _refused(bomb, limits=Limits(max_member_mb=4096, max_total_mb=4096))
    assert _refused(bomb, limits=Limits(max_member_mb=4096, max_ratio=10_000)) == (
        "工作簿解压后共 2048 MB，超过上限 2048 MB"
    )


def test_too_many_members_and_a_non_zip_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(30):
            archive.writestr(f"part{i}.xml", "<a/>")
    assert _refused(path, limits=Limits(max_members=20)) == (
        "工作簿结构异常：包含 30 个部件，超过上限 20 个"
    )
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(os.urandom(4096))
    assert _refused(junk).startswith("文件不是有效的 Excel 工作簿")


def test_a_slow_read_is_stopped_by_the_time_limit(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for i in range(60_000):
        ws.append([f"姓名{i}", i, "x" * 20, i * 2])
    wb.save(tmp_path / "big.xlsx")
    message = _refused(tmp_path / "big.xlsx", limits=Limits(seconds=0))
    assert message.startswith("读取文件超过 0 秒仍未完成，已停止")


@pytest.mark.parametrize(
    ("ref", "extent"),
    [
        ("A1:R1001", (1001, 18)),
        ("A1", (1, 1)),
        ("$A$1:$XFD$1048576", (1_048_576, 16_384)),
        ("B2:C", (0, 3)),
        ("not a ref", None),
        ("", None),
    ],
)
def test_dimension_extent(ref: str, extent: tuple[int, int] | None) -> None:
    assert dimension_extent(ref) == extent


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [["姓名", "日期"], ["张三", dt.date(2005, 7, 1)], ["", 3.0]],
        [["a", "b"], ["c"]],  # ragged
        [["a\x00b", "c"]],  # holds the separator
        [[None, True, 1, dt.time(8, 0)]],
    ],
)
def test_rows_cross_the_process_boundary_unchanged(rows: list[list[object]]) -> None:
    assert workbooks.unpack(workbooks.pack(rows)) == rows


def test_at_most_two_readers_run_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    wb = Workbook()
    wb.save(tmp_path / "ok.xlsx")
    running = 0
    most = 0
    lock = threading.Lock()
    real = workbooks._read_in_child

    def counted(*args: object) -> workbooks.Sheet:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            return real(*args)  # type: ignore[arg-type]
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(workbooks, "_read_in_child", counted)
    threads = [
        threading.Thread(
            target=read_sheet, args=(tmp_path / "ok.xlsx",), kwargs={"limits": Limits()}
        )
        for _ in range(5)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == workbooks.READERS_AT_ONCE
