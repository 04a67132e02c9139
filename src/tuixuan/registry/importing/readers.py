"""Reading .xlsx and .csv files into columns keyed by field, with the header row found."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import cast

from tuixuan.core import workbooks
from tuixuan.registry.importing.common import ImportFileError
from tuixuan.registry.importing.values import Cell, header_key

HEADER_SEARCH_ROWS = 10
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
TEXT_SUFFIXES = frozenset({".csv", ".txt"})


@dataclass(frozen=True, slots=True)
class Column:
    """One field a file may carry: its canonical Chinese header and the accepted synonyms."""

    field: str
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = True


@dataclass
class Table:
    header_row: int  # 1-based line of the header in the file
    columns: dict[str, list[Cell]]  # field -> raw cells of the data rows
    headers: dict[str, str]  # field -> Chinese header to name in errors
    row_numbers: list[int]  # 1-based line of each data row in the file
    raw_header: list[str] = field(default_factory=list)
    missing: list[Column] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.row_numbers)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) if the bytes are valid UTF-8, else GB18030 (a GBK superset)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ImportFileError("无法识别文件编码：应为 UTF-8 或 GBK/GB18030") from exc


def _split_text(text: str) -> list[list[Cell]]:
    first = text[: text.find("\n") if "\n" in text else len(text)]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    if '"' not in text:
        # Without quotes the csv module's grammar reduces to splitting, at a fraction of the cost.
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return [line.split(delimiter) for line in lines]  # type: ignore[misc]
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))  # type: ignore[arg-type]


def read_rows(path: Path) -> list[list[Cell]]:
    suffix = path.suffix.lower()
    try:
        if suffix in TEXT_SUFFIXES:
            return _split_text(decode(path.read_bytes()))
        if suffix in EXCEL_SUFFIXES:
            # Checked and parsed in a separate process with memory and time limits.
            return cast("list[list[Cell]]", workbooks.read_sheet(path, 0).rows)
    except ImportFileError:
        raise
    except workbooks.WorkbookError as exc:
        raise ImportFileError(exc.message) from exc
    except (OSError, ValueError, csv.Error) as exc:
        raise ImportFileError(f"无法读取文件：{exc}") from exc
    raise ImportFileError("不支持的文件格式：请使用 .xlsx 或 .csv 文件")


def _lookup(columns: Sequence[Column]) -> dict[str, Column]:
    out: dict[str, Column] = {}
    for col in columns:
        for name in (col.header, *col.synonyms):
            out[header_key(name)] = col
    return out


def find_header(
    rows: Sequence[Sequence[Cell]], columns: Sequence[Column]
) -> tuple[int, dict[str, int]]:
    """The first row among the first few that names enough known columns.

    Title rows ("某某党委党员名册"), merged or not, name none, so they are passed over.
    """
    lookup = _lookup(columns)
    required = sum(1 for c in columns if c.required)
    threshold = max(1, min(3, required))
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for j, cell in enumerate(row):
            col = lookup.get(header_key(cell))
            if col is not None and col.field not in found:
                found[col.field] = j
        if len(found) >= threshold:
            return index, found
    names = "、".join(c.header for c in columns if c.required)
    raise ImportFileError(f"未找到表头：前 {HEADER_SEARCH_ROWS} 行中没有包含“{names}”等列名的行")


_BLANK_CELLS = frozenset({"", None})


def _empty(row: Sequence[Cell]) -> bool:
    return not any(c is not None and (not isinstance(c, str) or c.strip()) for c in row)


def read_table(path: Path, columns: Sequence[Column]) -> Table:
    if path.suffix.lower() in TEXT_SUFFIXES:
        try:
            text = decode(path.read_bytes())
        except OSError as exc:
            raise ImportFileError(f"无法读取文件：{exc}") from exc
        table = _fast_csv_table(text, columns)
        if table is not None:
            return table
        return table_from_rows(_split_text(text), columns)
    return table_from_rows(read_rows(path), columns)


_BLANK_LINE = re.compile(r"^[,\t ]*$", re.MULTILINE)
_END = "\x00"


def _fast_csv_table(text: str, columns: Sequence[Column]) -> Table | None:
    """Columns of a plain CSV (no quotes, no blank lines, every row as wide as the header)
    cut straight out of one flat list of fields; None when the file is not that plain.

    Splitting the whole body once and slicing every n-th field is several times faster
    than building a list per row, which matters at a million rows.
    """
    if '"' in text:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    head = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    delimiter = "\t" if head[0].count("\t") > head[0].count(",") else ","
    head_rows: list[list[Cell]] = [line.split(delimiter) for line in head]  # type: ignore[misc]
    header_index, found = find_header(head_rows, columns)
    parts = text.split("\n", header_index + 1)
    body = parts[-1].rstrip("\n") if len(parts) > header_index + 1 else ""
    if not body or _BLANK_LINE.search(body):
        return None
    width = len(head_rows[header_index])
    flat = body.replace("\n", f"{delimiter}{_END}{delimiter}").split(delimiter)
    flat.append(_END)
    if len(flat) % (width + 1) or set(flat[width :: width + 1]) != {_END}:
        return None
    count = len(flat) // (width + 1)
    first = header_index + 2
    return _make_table(
        columns,
        header_index,
        found,
        {f: flat[j :: width + 1] for f, j in found.items()},  # type: ignore[misc]
        list(range(first, first + count)),
        head_rows[header_index],
    )


def _make_table(
    columns: Sequence[Column],
    header_index: int,
    found: dict[str, int],
    table_columns: dict[str, list[Cell]],
    numbers: list[int],
    header: Sequence[Cell],
) -> Table:
    headers = {c.field: c.header for c in columns}
    return Table(
        header_row=header_index + 1,
        columns=table_columns,
        headers=headers,
        row_numbers=numbers,
        raw_header=["" if c is None else str(c) for c in header],
        missing=[c for c in columns if c.required and c.field not in found],
    )


def table_from_rows(rows: list[list[Cell]], columns: Sequence[Column]) -> Table:
    header_index, found = find_header(rows, columns)
    width = max(found.values()) + 1
    first = header_index + 2
    body = rows[header_index + 1 :]
    if any(len(row) < width for row in body):
        body = [[*row, *([""] * (width - len(row)))] if len(row) < width else row for row in body]
    # Only rows whose first cell is blank can be blank rows; look closer at those alone.
    skip = {k for k, row in enumerate(body) if (not row or row[0] in _BLANK_CELLS) and _empty(row)}
    if skip:
        numbers = [first + k for k in range(len(body)) if k not in skip]
        body = [row for k, row in enumerate(body) if k not in skip]
    else:
        numbers = list(range(first, first + len(body)))
    table_columns = {f: list(map(itemgetter(j), body)) for f, j in found.items()}
    return _make_table(columns, header_index, found, table_columns, numbers, rows[header_index])
