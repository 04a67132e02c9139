"""Reading one sheet of an uploaded workbook without putting the server at risk.

A spreadsheet is a zip of XML parts, and a small file can declare (or hold) far more than it
looks: a cell at XFD1048576 makes calamine allocate the whole dense range, a zip bomb of a
few megabytes expands to gigabytes. So a workbook is never opened in the server process:

1. :func:`read_sheet` starts a child Python process (``python -m tuixuan.core.workbooks``)
   and waits for it with a wall-clock timeout;
2. the child first caps its own address space (``RLIMIT_AS``) and CPU time
   (``RLIMIT_CPU``), then checks the zip before any parsing: number of members, each
   member's declared uncompressed size and compression ratio, the total, and each
   worksheet's declared ``<dimension ref>`` (read from the first bytes of the member) against
   the row and column limits;
3. only then calamine parses the sheet; its real size is checked again before any Python
   rows are built, and the rows are handed back through a temporary file.

If the child refuses the file, runs out of memory or time, or dies in any other way, the
caller gets :class:`WorkbookError` with a Chinese message; the server process only ever
waits. This module imports nothing from Django so the child starts quickly; the limits come
from the caller (:func:`limits_from_settings` reads them from the settings).
"""

from __future__ import annotations

import itertools
import json
import os
import pickle
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

MIB = 1024 * 1024
ZIP_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".ods"})
DIMENSION_PREFIX_BYTES = 64 * 1024  # a sheet's <dimension> comes right after its root element
RATIO_FLOOR_BYTES = 1 * MIB  # members smaller than this expand harmlessly, whatever the ratio
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_REF = re.compile(r"^\$?([A-Za-z]{1,10})?\$?([0-9]{1,12})?$")
_EXIT_REFUSED = 2
_EXIT_MEMORY = 3


class WorkbookError(Exception):
    """The workbook cannot be read; ``message`` is the Chinese reason for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SheetMissingError(WorkbookError):
    """The workbook has no sheet of the requested name."""


@dataclass(frozen=True)
class Limits:
    max_rows: int = 1_100_000
    max_columns: int = 200
    max_members: int = 1000
    max_member_mb: int = 1024  # declared uncompressed size of any one zip member
    max_total_mb: int = 2048  # declared uncompressed size of all members together
    max_ratio: int = 100  # uncompressed / compressed, for members above RATIO_FLOOR_BYTES
    memory_mb: int = 4096  # address space of the reading process
    seconds: int = 300  # CPU and wall-clock time of the reading process


def limits_from_settings() -> Limits:
    from django.conf import settings

    return Limits(
        max_rows=settings.XLSX_MAX_ROWS,
        max_columns=settings.XLSX_MAX_COLUMNS,
        max_members=settings.XLSX_MAX_MEMBERS,
        max_member_mb=settings.XLSX_MAX_MEMBER_MB,
        max_total_mb=settings.XLSX_MAX_UNCOMPRESSED_MB,
        max_ratio=settings.XLSX_MAX_RATIO,
        memory_mb=settings.WORKBOOK_READER_MEMORY_MB,
        seconds=settings.WORKBOOK_READER_SECONDS,
    )


@dataclass
class Sheet:
    names: list[str]  # every sheet of the workbook, in order
    rows: list[list[Any]]  # the requested sheet from A1, empty cells as ""


# --- checks before parsing (run in the child) ---------------------------------------------


def column_number(letters: str) -> int:
    """``A`` → 1, ``XFD`` → 16384 (any length; Excel itself stops at XFD)."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ord(ch) - 64)
    return number


def dimension_extent(ref: str) -> tuple[int, int] | None:
    """(last row, last column) of a ``<dimension ref>`` such as ``A1:R1001``; None if unreadable."""
    last = ref.strip().split(":")[-1]
    match = _REF.match(last)
    if match is None or not any(match.groups()):
        return None
    letters, digits = match.groups()
    return (int(digits) if digits else 0, column_number(letters) if letters else 0)


def check_zip(path: Path | IO[bytes], limits: Limits) -> None:
    """Refuse a zip-based workbook whose parts would expand beyond the limits.

    Only the zip's directory and the first bytes of each worksheet are read, never the
    sheet itself, so a web request may run this on an upload before it queues the import.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError(
            "文件不是有效的 Excel 工作簿（.xlsx 应为 zip 格式），可能已损坏"
        ) from exc
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            raise WorkbookError(
                f"工作簿结构异常：包含 {len(members)} 个部件，超过上限 {limits.max_members} 个"
            )
        total = 0
        for info in members:
            size = info.file_size
            total += size
            if size > limits.max_member_mb * MIB:
                raise WorkbookError(
                    f"工作簿中的部件“{info.filename}”解压后为 {size // MIB} MB，"
                    f"超过上限 {limits.max_member_mb} MB"
                )
            if size > RATIO_FLOOR_BYTES:
                ratio = size / max(info.compress_size, 1)
                if ratio > limits.max_ratio:
                    raise WorkbookError(
                        f"工作簿中的部件“{info.filename}”压缩比为 {ratio:.0f} 倍，"
                        f"超过上限 {limits.max_ratio} 倍（疑似压缩炸弹）"
                    )
        if total > limits.max_total_mb * MIB:
            raise WorkbookError(
                f"工作簿解压后共 {total // MIB} MB，超过上限 {limits.max_total_mb} MB"
            )
        for info in members:
            name = info.filename
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            with archive.open(info) as member:
                head = member.read(DIMENSION_PREFIX_BYTES)
            found = _DIMENSION.search(head)
            if found is None:
                continue
            extent = dimension_extent(found.group(1).decode("ascii", "replace"))
            if extent is not None:
                check_extent(*extent, limits, declared=True)


def check_extent(rows: int, columns: int, limits: Limits, *, declared: bool) -> None:
    how = "声明的" if declared else ""
    if columns > limits.max_columns:
        raise WorkbookError(
            f"工作表{how}范围有 {columns} 列，超过上限 {limits.max_columns} 列"
            "（表中可能有远处的空白单元格，请把数据复制到新的工作簿后重试）"
        )
    if rows > limits.max_rows:
        raise WorkbookError(
            f"工作表{how}范围有 {rows} 行，超过上限 {limits.max_rows} 行"
            "（表中可能有远处的空白单元格，请把数据复制到新的工作簿后重试）"
        )


# --- the child ----------------------------------------------------------------------------


def _cap(limits: Limits) -> None:
    memory = limits.memory_mb * MIB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.seconds, limits.seconds + 5))


def _read(path: Path, sheet: int | str, limits: Limits) -> Sheet:
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() in ZIP_SUFFIXES:
        check_zip(path, limits)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for damaged workbooks
        raise WorkbookError(f"无法读取文件：{exc}") from exc
    names = list(workbook.sheet_names)
    if not names:
        raise WorkbookError("工作簿中没有工作表")
    if isinstance(sheet, str) and sheet not in names:
        raise SheetMissingError(sheet)
    try:
        if isinstance(sheet, str):
            data = workbook.get_sheet_by_name(sheet)
        else:
            data = workbook.get_sheet_by_index(sheet)
    except Exception as exc:
        raise WorkbookError(f"无法读取文件：{exc}") from exc
    end = data.end
    if end is not None:
        # to_python(skip_empty_area=False) starts at A1, so the extent is the last cell.
        check_extent(end[0] + 1, end[1] + 1, limits, declared=False)
    rows: list[list[Any]] = data.to_python(skip_empty_area=False)
    return Sheet(names=names, rows=rows)


_SEPARATOR = "\x00"  # cannot occur in worksheet text (XML forbids it)


def pack(rows: list[list[Any]]) -> tuple[Any, ...]:
    """The rows in a form that crosses the process boundary quickly.

    Pickling millions of small strings one by one costs more than calamine's whole read;
    one string of all text cells joined (split again in :func:`unpack`) plus the few cells
    that are not text (numbers, dates) costs a fraction of it. Ragged rows, or text holding
    the separator, go as they are.
    """
    width = len(rows[0]) if rows else 0
    if any(len(row) != width for row in rows):
        return ("rows", rows)
    flat = list(itertools.chain.from_iterable(rows))
    others = [(i, cell) for i, cell in enumerate(flat) if type(cell) is not str]
    for i, _cell in others:
        flat[i] = ""
    text = _SEPARATOR.join(flat)
    if flat and text.count(_SEPARATOR) != len(flat) - 1:
        return ("rows", rows)
    return ("flat", width, len(flat), text, others)


def unpack(packed: tuple[Any, ...]) -> list[list[Any]]:
    if packed[0] == "rows":
        rows: list[list[Any]] = packed[1]
        return rows
    _kind, width, count, text, others = packed
    if not count:
        return []
    flat: list[Any] = text.split(_SEPARATOR)
    for i, cell in others:
        flat[i] = cell
    return [flat[k : k + width] for k in range(0, count, width)]


def _child(argv: list[str]) -> int:
    path, sheet_json, out, limits_json = argv
    limits = Limits(**json.loads(limits_json))
    _cap(limits)
    sheet: int | str = json.loads(sheet_json)
    try:
        result = _read(Path(path), sheet, limits)
        with open(out, "wb") as fh:
            pickle.dump((result.names, pack(result.rows)), fh, protocol=pickle.HIGHEST_PROTOCOL)
    except SheetMissingError as exc:
        sys.stderr.write(json.dumps({"missing": exc.message}))
        return _EXIT_REFUSED
    except WorkbookError as exc:
        sys.stderr.write(json.dumps({"message": exc.message}))
        return _EXIT_REFUSED
    except MemoryError:
        return _EXIT_MEMORY
    return 0


# --- the parent ---------------------------------------------------------------------------


def _memory_message(limits: Limits) -> str:
    return (
        f"读取文件所需内存超过 {limits.memory_mb} MB 上限，已停止。文件中可能有大片空白区域"
        "或经过恶意构造，请把数据复制到新的工作簿后重试"
    )


#: Readers running at once in this (server) process; each may use up to ``memory_mb``, so a
#: burst of uploads cannot add up to more memory than the machine has.
READERS_AT_ONCE = 2
_readers = threading.BoundedSemaphore(READERS_AT_ONCE)


def read_sheet(path: Path, sheet: int | str = 0, *, limits: Limits | None = None) -> Sheet:
    """One sheet of the workbook at ``path`` (by index or name), read in a limited child."""
    limits = limits or limits_from_settings()
    if not _readers.acquire(timeout=limits.seconds):
        raise WorkbookError("系统正在读取其他文件，请稍后重试")
    try:
        return _read_in_child(path, sheet, limits)
    finally:
        _readers.release()


def _read_in_child(path: Path, sheet: int | str, limits: Limits) -> Sheet:
    with tempfile.TemporaryDirectory(prefix="tuixuan-sheet-") as scratch:
        out = Path(scratch) / "sheet.pickle"
        argv = [
            sys.executable,
            "-m",
            "tuixuan.core.workbooks",
            str(path),
            json.dumps(sheet, ensure_ascii=False),
            str(out),
            json.dumps(asdict(limits)),
        ]
        try:
            done = subprocess.run(  # noqa: S603  # our own module, arguments we built
                argv,
                capture_output=True,
                timeout=limits.seconds + 10,
                check=False,
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            )
        except subprocess.TimeoutExpired as exc:
            raise WorkbookError(
                f"读取文件超过 {limits.seconds} 秒仍未完成，已停止。文件可能过大或经过恶意构造"
            ) from exc
        code = done.returncode
        if code == 0:
            with out.open("rb") as fh:
                names, packed = pickle.load(fh)  # noqa: S301  # written by our own child
            return Sheet(names=names, rows=unpack(packed))
        if code == _EXIT_REFUSED:
            try:
                said = json.loads(done.stderr.decode("utf-8", "replace").strip().splitlines()[-1])
            except (ValueError, IndexError):
                said = {}
            if "missing" in said:
                raise SheetMissingError(str(said["missing"]))
            if "message" in said:
                raise WorkbookError(str(said["message"]))
        if code == -signal.SIGXCPU:
            raise WorkbookError(
                f"读取文件超过 {limits.seconds} 秒仍未完成，已停止。文件可能过大或经过恶意构造"
            )
        out_of_memory = code == 1 and b"MemoryError" in done.stderr
        if out_of_memory or code in (
            _EXIT_MEMORY,
            -signal.SIGABRT,
            -signal.SIGSEGV,
            -signal.SIGKILL,
        ):
            # Out of memory shows as MemoryError (3, or 1 when it escapes the handler) or as
            # an allocation abort inside calamine (SIGABRT).
            raise WorkbookError(_memory_message(limits))
        raise WorkbookError(f"读取文件的进程意外终止（代码 {code}），已停止。文件可能已损坏")


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
