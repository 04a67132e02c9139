"""Reading .xlsx and .csv files into columns keyed by field, with the header row found.

A member registry may be longer than one sheet: :func:`read_parts` reads every sheet of a
workbook and several files as one table (``docs/domain.md §1.1``).
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import cast

from tuixuan.core import workbooks
from tuixuan.registry.importing.common import ImportFileError, RowError, place_label
from tuixuan.registry.importing.values import Cell, header_key

HEADER_SEARCH_ROWS = 10
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
TEXT_SUFFIXES = frozenset({".csv", ".txt"})
# Every sheet is read in a child process of its own; a workbook of hundreds of tiny sheets
# would start hundreds of them, so one with more sheets than this is refused.
MAX_SHEETS = 50


@dataclass(frozen=True, slots=True)
class Column:
    """One field a file may carry: its canonical Chinese header and the accepted synonyms."""

    field: str
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True, slots=True)
class Part:
    """One sheet or file of a table read from several: its rows start at ``start``."""

    start: int  # index of the part's first row in the table
    file: str  # the file's name when the import reads several files, else ""
    sheet: str  # the sheet's name on a later sheet of its workbook, else ""
    label: str  # how another part names it: 文件“A.xlsx”工作表“党员”
    header_row: int


@dataclass
class Table:
    header_row: int  # 1-based line of the header in the file
    columns: dict[str, list[Cell]]  # field -> raw cells of the data rows
    headers: dict[str, str]  # field -> Chinese header to name in errors
    row_numbers: list[int]  # 1-based line of each data row in its file or sheet
    raw_header: list[str] = field(default_factory=list)
    missing: list[Column] = field(default_factory=list)
    # Set when the table was read from several sheets or files (``read_parts``): where each
    # part starts, the sheets left out, and header rows that do not match the first part's.
    parts: list[Part] = field(default_factory=list)
    sources: list[dict[str, object]] = field(default_factory=list)
    header_errors: list[RowError] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.row_numbers)

    def _part(self, i: int) -> Part | None:
        if not self.parts:
            return None
        starts = [p.start for p in self.parts]
        return self.parts[bisect.bisect_right(starts, i) - 1]

    def error(self, i: int, column: str, reason: str) -> RowError:
        """The error of data row ``i`` (from 0), naming its file and sheet where needed."""
        part = self._part(i)
        if part is None:
            return RowError(self.row_numbers[i], column, reason)
        return RowError(self.row_numbers[i], column, reason, part.file, part.sheet)

    def row_ref(self, j: int, i: int) -> str:
        """Row ``j`` as named in an error of row ``i``: ``第 5 行``, or with its sheet or file
        (``第 5 行（工作表“党员”）``) when the two are not in the same part."""
        mine, theirs = self._part(i), self._part(j)
        if theirs is None or mine is theirs:
            return f"第 {self.row_numbers[j]} 行"
        return f"第 {self.row_numbers[j]} 行（{theirs.label}）"


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


def read_rows(path: Path, sheet: int | str = 0) -> list[list[Cell]]:
    """The rows of a text file, or of one sheet (by index or name) of a workbook."""
    return _read_sheet(path, sheet)[1]


def _read_sheet(path: Path, sheet: int | str) -> tuple[list[str], list[list[Cell]]]:
    """The workbook's sheet names (none for a text file) and the rows of one sheet."""
    suffix = path.suffix.lower()
    try:
        if suffix in TEXT_SUFFIXES:
            return [], _split_text(decode(path.read_bytes()))
        if suffix in EXCEL_SUFFIXES:
            # Checked and parsed in a separate process with memory and time limits.
            read = workbooks.read_sheet(path, sheet)
            return read.names, cast("list[list[Cell]]", read.rows)
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


def _file_tables(
    path: Path, columns: Sequence[Column]
) -> tuple[list[tuple[str, Table]], list[str]]:
    """The tables of one file, each with its sheet's name ("" for a text file), and the names
    of the later sheets left out because no row among their first ones is a header.

    The first sheet must hold the table, as when only one sheet was read; each later sheet
    is read in a limited child process of its own (``core.workbooks``), so every sheet gets
    the limits and the checks of the zip.
    """
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        return [("", read_table(path, columns))], []
    names, rows = _read_sheet(path, 0)
    tables = [(names[0] if names else "", table_from_rows(rows, columns))]
    del rows
    if len(names) > MAX_SHEETS:
        raise ImportFileError(
            f"工作簿有 {len(names)} 个工作表，超过上限 {MAX_SHEETS} 个；"
            "请删去不需要的工作表，或把数据分成几个文件一起导入"
        )
    skipped: list[str] = []
    for k in range(1, len(names)):
        try:
            rows = read_rows(path, k)
        except ImportFileError as exc:
            raise ImportFileError(f"工作表“{names[k]}”：{exc.message}") from exc
        try:
            find_header(rows, columns)
        except ImportFileError:
            skipped.append(names[k])  # 填写说明, notes: no header row of the table
            continue
        tables.append((names[k], table_from_rows(rows, columns)))
        del rows
    return tables, skipped


def read_parts(files: Sequence[tuple[Path, str]], columns: Sequence[Column]) -> Table:
    """One table from every sheet of each workbook and from every file, in the order given
    (``docs/domain.md §1.1``).

    A later sheet continues the table when its header row names the same columns as the
    first sheet's (in any order); a later sheet without such a header row (instructions,
    notes) is left out. Every part after the first must have the same columns as the first:
    where it has not, ``header_errors`` says so on its header row and nothing is checked.
    Rows keep their own line numbers; ``Table.error`` names the file (when there are several)
    and the sheet (when not the first of its workbook). A file that cannot be read at all
    raises ``ImportFileError``, naming the file when there are several.
    """
    several = len(files) > 1
    found: list[tuple[str, str, int, Table]] = []  # file name, sheet name, sheet index, table
    sources: list[dict[str, object]] = []
    for path, name in files:
        try:
            tables, skipped = _file_tables(path, columns)
        except ImportFileError as exc:
            if several:
                raise ImportFileError(f"文件“{name}”：{exc.message}") from exc
            raise
        sources.append(
            {
                "file_name": name,
                "sheets": [sheet for sheet, _ in tables if sheet],
                "skipped_sheets": skipped,
                "rows": sum(len(t) for _, t in tables),
            }
        )
        found.extend((name, sheet, k, table) for k, (sheet, table) in enumerate(tables))
    first = found[0][3]
    first.sources = sources
    if len(found) == 1:
        return first
    per_file: dict[str, int] = {}
    for name, _sheet, _k, _t in found:
        per_file[name] = per_file.get(name, 0) + 1
    parts: list[Part] = []
    start = 0
    for name, sheet, k, table in found:
        file = name if several else ""
        shown_sheet = sheet if k > 0 else ""
        named_sheet = sheet if per_file[name] > 1 else ""
        parts.append(
            Part(start, file, shown_sheet, place_label(file, named_sheet), table.header_row)
        )
        start += len(table)
    first.parts = parts
    fields = set(first.columns)
    for part, (_name, _sheet, _k, table) in zip(parts[1:], found[1:], strict=True):
        theirs = set(table.columns)
        for f in sorted(fields - theirs, key=list(first.headers).index):
            first.header_errors.append(
                RowError(
                    part.header_row,
                    first.headers[f],
                    f"缺少该列（{parts[0].label}有该列，续表的列应与之相同）",
                    part.file,
                    part.sheet,
                )
            )
        for f in sorted(theirs - fields, key=list(first.headers).index):
            first.header_errors.append(
                RowError(
                    part.header_row,
                    first.headers[f],
                    f"多出该列（{parts[0].label}没有该列，续表的列应与之相同）",
                    part.file,
                    part.sheet,
                )
            )
    if first.header_errors:
        return first
    for _name, _sheet, _k, table in found[1:]:
        for f, cells in table.columns.items():
            first.columns[f].extend(cells)
        first.row_numbers.extend(table.row_numbers)
        table.columns.clear()
    return first
