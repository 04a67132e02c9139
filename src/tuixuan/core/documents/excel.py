"""Excel (.xlsx) lists that units can sort, filter, merge and print.

Each sheet: a merged title row, a bold shaded header row (frozen, repeated on printed pages),
bordered data, columns wide enough for their Chinese text, A4 fitted to the page width.
Numbers are written as numbers (so sums work); strings always stay strings, so an 18-digit
citizen ID never turns into 5.1E+17.

Large sheets take a streaming path (openpyxl write-only mode) that styles only the title and
header: a 100,000-row sheet then needs seconds and little memory instead of minutes.

Every value reaches a cell through :func:`excel_value` (or :func:`put` for a cell in hand), so
text is always stored as text: a name such as ``=HYPERLINK(...)``, ``+1+1``, ``-2`` or
``@SUM(1)`` keeps its exact visible text and is never taken for a formula. Nothing in
``src`` writes an openpyxl cell any other way (a test checks the imports).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import IO, Any, Final

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .fonts import display_width

ExcelValue = str | int | Decimal | Fraction | date | datetime | None
#: (sheet name, title row text, headers, rows)
SheetSpec = tuple[str, str, Sequence[str], Iterable[Sequence[ExcelValue]]]

FONT_NAME: Final = "宋体"
STREAMING_THRESHOLD: Final = 5000  # rows; above this a sheet is written in streaming mode
WIDTH_SAMPLE: Final = 500  # rows looked at to size the columns
MIN_WIDTH: Final = 6
PAPER_A4: Final = 9  # the paperSize code Excel uses for A4
MAX_WIDTH: Final = 60

_thin = Side(style="thin", color="000000")
_BORDER: Final = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_TITLE_FONT: Final = Font(name=FONT_NAME, size=16, bold=True)
_HEADER_FONT: Final = Font(name=FONT_NAME, size=11, bold=True)
_BODY_FONT: Final = Font(name=FONT_NAME, size=11)
_HEADER_FILL: Final = PatternFill("solid", fgColor="E6E6E6")
_CENTRE: Final = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TEXT: Final = Alignment(vertical="center", wrap_text=True)
_NUMBER: Final = Alignment(horizontal="right", vertical="center")
_FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


#: First characters that make Excel (or LibreOffice) read typed-in text as a formula.
FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")


def clean_text(text: str) -> str:
    """The text without the control characters a worksheet cannot hold (XML forbids them)."""
    if text.isprintable():  # the common case, checked in C
        return text
    return str(ILLEGAL_CHARACTERS_RE.sub("", text))


def put(cell: Any, value: ExcelValue) -> Any:
    """Set ``cell`` to ``value``, text as text: the one way a value gets into a cell.

    openpyxl stores a string that starts with ``=`` as a formula (and ``#N/A`` and the like as
    an error); here the cell's type is set back to string afterwards, so the file holds the
    literal text (an inline string). Text that starts with a formula character also gets
    Excel's "quote prefix" style: the cell shows exactly the text, and Excel keeps it as text
    even when someone edits the cell and presses Enter. Nothing is added to the text itself,
    so it reads back (and imports back) unchanged.
    """
    if isinstance(value, str):
        text = clean_text(value)
        cell.value = text
        cell.data_type = "s"
        if text.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
        return cell
    cell.value = _number(value)
    return cell


def excel_value(sheet: Any, value: ExcelValue) -> Any:
    """What to hand to ``sheet.append`` for ``value``: the value itself when openpyxl stores it
    as it is, else a cell prepared by :func:`put` (text that would turn into a formula or an
    error value, or that carries control characters)."""
    if isinstance(value, str):
        if value.startswith(FORMULA_TRIGGERS) or value in ERROR_CODES or not value.isprintable():
            return put(Cell(sheet, row=1, column=1), value)
        return value
    return _number(value)


def new_workbook(*, write_only: bool = False) -> Any:
    """An empty openpyxl workbook, for writers that lay out their own sheets (then every value
    goes in through :func:`excel_value`, :func:`excel_row` or :func:`put`)."""
    return Workbook(write_only=write_only)


def excel_row(sheet: Any, values: Iterable[ExcelValue]) -> list[Any]:
    return [excel_value(sheet, v) for v in values]


def text_cell(sheet: Any, value: ExcelValue) -> Any:
    """A cell (to style) holding ``value`` through :func:`put`."""
    return put(Cell(sheet, row=1, column=1), value)


def _number(value: ExcelValue) -> Any:
    """Excel knows numbers, text and dates; a Fraction becomes its nearest number."""
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    return value


def _width_of(value: ExcelValue) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    return display_width(str(value))


def sheet_name(name: str, taken: set[str]) -> str:
    """A name Excel accepts: no []:*?/\\, at most 31 characters, unique in the workbook."""
    base = _FORBIDDEN_IN_SHEET_NAME.sub("_", name).strip("'") or "Sheet"
    base = base[:31]
    candidate, number = base, 2
    while candidate.casefold() in {t.casefold() for t in taken}:
        suffix = f"({number})"
        candidate = base[: 31 - len(suffix)] + suffix
        number += 1
    taken.add(candidate)
    return candidate


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[ExcelValue]]) -> list[float]:
    """Widths in Excel's character units, wide (CJK) characters counting two."""
    widths: list[float] = []
    for c, header in enumerate(headers):
        longest = max([display_width(header)] + [_width_of(row[c]) for row in rows if c < len(row)])
        widths.append(float(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)))
    return widths


def _setup_print(sheet: Any, columns: int) -> None:
    sheet.page_setup.paperSize = PAPER_A4
    sheet.page_setup.orientation = "landscape" if columns > 8 else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = "1:2"
    sheet.freeze_panes = "A3"
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"


def _checked(
    rows: Iterable[Sequence[ExcelValue]], columns: int, name: str
) -> Iterator[Sequence[ExcelValue]]:
    for number, row in enumerate(rows, start=1):
        if len(row) != columns:
            raise ValueError(
                f"sheet {name!r} row {number} has {len(row)} cells, expected {columns}"
            )
        yield row


def write_table(
    target: str | Path | IO[bytes],
    sheets: Sequence[SheetSpec],
    *,
    streaming: bool | None = None,
) -> None:
    """Write one workbook with a sheet per spec.

    ``streaming=None`` decides per sheet: more than :data:`STREAMING_THRESHOLD` rows go
    through the fast path. Rows may be any iterable (a generator from a query is fine).
    """
    if not sheets:
        raise ValueError("write_table needs at least one sheet")
    sample_sizes = max(STREAMING_THRESHOLD, WIDTH_SAMPLE) + 1
    prepared: list[
        tuple[str, str, Sequence[str], list[Sequence[ExcelValue]], Iterator[Sequence[ExcelValue]]]
    ] = []
    for name, title, headers, rows in sheets:
        checked = _checked(rows, len(headers), name)
        head = list(itertools.islice(checked, sample_sizes))
        prepared.append((name, title, headers, head, checked))
    fast = [
        streaming if streaming is not None else len(head) > STREAMING_THRESHOLD
        for _, _, _, head, _ in prepared
    ]
    workbook = new_workbook(write_only=any(fast))
    taken: set[str] = set()
    if not any(fast):
        workbook.remove(workbook.active)
    for (name, title, headers, head, rest), streamed in zip(prepared, fast, strict=True):
        sheet = workbook.create_sheet(sheet_name(name, taken))
        widths = column_widths(headers, head[:WIDTH_SAMPLE])
        if streamed or workbook.write_only:
            _write_streaming(sheet, title, headers, itertools.chain(head, rest), widths)
        else:
            _write_styled(sheet, title, headers, itertools.chain(head, rest), widths)
    workbook.save(target if not isinstance(target, Path) else str(target))


def _write_styled(
    sheet: Any,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[ExcelValue]],
    widths: Sequence[float],
) -> None:
    columns = len(headers)
    sheet.append([text_cell(sheet, title)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(columns, 1))
    title_cell = sheet.cell(row=1, column=1)
    title_cell.font = _TITLE_FONT
    title_cell.alignment = _CENTRE
    sheet.row_dimensions[1].height = 30
    sheet.append(excel_row(sheet, headers))
    for cell in sheet[2]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _CENTRE
        cell.border = _BORDER
    for row in rows:
        sheet.append(excel_row(sheet, row))
        for cell, value in zip(sheet[sheet.max_row], row, strict=True):
            cell.font = _BODY_FONT
            cell.border = _BORDER
            if isinstance(value, int | Decimal | Fraction) and not isinstance(value, bool):
                cell.alignment = _NUMBER
            else:
                cell.alignment = _TEXT
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    _setup_print(sheet, columns)


def _write_streaming(
    sheet: Any,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[ExcelValue]],
    widths: Sequence[float],
) -> None:
    columns = len(headers)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    _setup_print(sheet, columns)
    sheet.merged_cells.add(f"A1:{get_column_letter(max(columns, 1))}1")
    title_cell = text_cell(sheet, title)
    title_cell.font = _TITLE_FONT
    title_cell.alignment = _CENTRE
    sheet.append([title_cell])
    header_cells = []
    for text in headers:
        cell = text_cell(sheet, text)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _CENTRE
        cell.border = _BORDER
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append(excel_row(sheet, row))
