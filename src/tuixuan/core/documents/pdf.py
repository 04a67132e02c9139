"""Print-ready PDF in the look of the organisation department's registration forms (登记表).

A document is a list of blocks (reportlab flowables) made by the helpers below and handed to
:func:`build_pdf`. The same helper names exist in :mod:`.word`, so one function can build the
blocks for either format.

Widths are relative weights, not lengths: a block learns the page's text width only when it is
laid out, so the same blocks fit A4 portrait and landscape.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO, Final
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as to_landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .fonts import FONT_NAME, register_cjk_font

#: A value shown in a table cell. Numbers are right-aligned in data tables.
CellValue = str | int | Decimal | Fraction | date | None
Block = Any  # a reportlab Flowable; reportlab ships no type information

LABEL_SHADE: Final = colors.HexColor("#E6E6E6")
GRID_COLOUR: Final = colors.black
MARGIN_TOP: Final = 24 * mm
MARGIN_BOTTOM: Final = 22 * mm
MARGIN_SIDE: Final = 20 * mm
BODY_SIZE: Final = 10.5  # 五号
CELL_SIZE: Final = 10.0
CELL_PADDING: Final = 3.5


@dataclass(frozen=True)
class _Styles:
    title: ParagraphStyle
    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    cover_line: ParagraphStyle
    cover_value: ParagraphStyle
    heading1: ParagraphStyle
    heading2: ParagraphStyle
    heading3: ParagraphStyle
    body: ParagraphStyle
    body_indent: ParagraphStyle
    cell: ParagraphStyle
    cell_label: ParagraphStyle
    cell_right: ParagraphStyle
    cell_header: ParagraphStyle


@functools.cache
def styles() -> _Styles:
    """Paragraph styles, built once per process (font registration happens here too)."""
    font = register_cjk_font().regular

    def style(name: str, size: float, leading: float, **extra: Any) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size,
            leading=leading,
            wordWrap="CJK",
            textColor=colors.black,
            **extra,
        )

    return _Styles(
        title=style("tx-title", 18, 26, alignment=TA_CENTER, spaceAfter=5 * mm),
        cover_title=style("tx-cover-title", 28, 40, alignment=TA_CENTER, spaceAfter=6 * mm),
        cover_subtitle=style("tx-cover-subtitle", 16, 24, alignment=TA_CENTER),
        cover_line=style("tx-cover-line", 14, 22, alignment=TA_CENTER),
        cover_value=style("tx-cover-value", 14, 17, alignment=TA_CENTER),
        heading1=style("tx-h1", 14, 20, spaceBefore=4 * mm, spaceAfter=2.5 * mm),
        heading2=style("tx-h2", 12, 18, spaceBefore=3 * mm, spaceAfter=2 * mm),
        heading3=style("tx-h3", BODY_SIZE, 16, spaceBefore=2 * mm, spaceAfter=1.5 * mm),
        body=style("tx-body", BODY_SIZE, 17, alignment=TA_JUSTIFY, spaceAfter=1.5 * mm),
        body_indent=style(
            "tx-body-indent",
            BODY_SIZE,
            17,
            alignment=TA_JUSTIFY,
            firstLineIndent=2 * BODY_SIZE,
            spaceAfter=1.5 * mm,
        ),
        cell=style("tx-cell", CELL_SIZE, 13.5, alignment=TA_LEFT),
        cell_label=style("tx-cell-label", CELL_SIZE, 13.5, alignment=TA_CENTER),
        cell_right=style("tx-cell-right", CELL_SIZE, 13.5, alignment=TA_RIGHT),
        cell_header=style("tx-cell-header", CELL_SIZE, 13.5, alignment=TA_CENTER),
    )


def markup(text: str) -> str:
    """Text as reportlab Paragraph markup: the one way text gets into a Paragraph.

    A Paragraph parses its text as XML-like markup (``<b>``, ``<font>``, ``<img src>``, ``<a>``):
    unescaped, a name or title could change the layout, embed a file from the server as an
    image, or stop the document with a parse error. ``&``, ``<`` and ``>`` are escaped
    (``xml.sax.saxutils.escape``), so the text prints exactly as typed; line breaks become
    ``<br/>``, the only markup added.
    """
    return escape(text).replace("\n", "<br/>")


class BoldParagraph(Paragraph):  # type: ignore[misc]  # reportlab is untyped
    """A paragraph drawn heavy: fill and then stroke the glyph outlines (PDF render mode 2).

    The CJK face has no bold weight; stroking with a hairline of the text colour is what
    "fake bold" in office software does, and the text stays extractable and searchable.
    """

    weight = 0.035  # stroke width as a share of the font size

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(self.style.textColor)
        canvas.setLineWidth(self.style.fontSize * self.weight)
        canvas.setLineJoin(1)
        # Tr is part of the graphics state, so text objects inside inherit it and the
        # restoreState below ends it.
        canvas._code.append("2 Tr")
        super().draw()
        canvas.restoreState()


class _FitToWidth(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Builds its table when the frame's width is known, then behaves as that table."""

    def __init__(self, make: Callable[[float], Any]) -> None:
        super().__init__()
        self._make = make
        self._table: Any = None
        self._for_width = -1.0

    def _get(self, avail_width: float) -> Any:
        if self._table is None or self._for_width != avail_width:
            self._table = self._make(avail_width)
            self._for_width = avail_width
        return self._table

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        table = self._get(avail_width)
        self.width, self.height = table.wrap(avail_width, avail_height)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        parts: list[Any] = self._get(avail_width).split(avail_width, avail_height)
        return parts

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        self._table.drawOn(canvas, x, y, _sW)

    def getSpaceBefore(self) -> float:
        return float(1.5 * mm)

    def getSpaceAfter(self) -> float:
        return float(3 * mm)


def _widths(weights: Sequence[float], total: float) -> list[float]:
    whole = sum(weights)
    if whole <= 0:
        raise ValueError("column weights must be positive")
    return [total * weight / whole for weight in weights]


def _form_widths(
    rows: Sequence[Sequence[str | None]], cols: int, avail_width: float
) -> list[float]:
    """Labels as wide as their longest text (up to seven characters, then they wrap); values
    share the rest, each column getting at least what its longest unspanned value needs."""
    pad = 2 * CELL_PADDING
    needed = [0.0] * cols
    for row in rows:
        if len(row) == 1:
            continue
        for c, text in enumerate(row):
            spans = c == len(row) - 1 and c < cols - 1
            if c % 2 == 1 and spans:
                continue
            needed[c] = max(needed[c], stringWidth(text or "", FONT_NAME, CELL_SIZE))
    widths = [0.0] * cols
    for c in range(0, cols, 2):
        widths[c] = min(max(needed[c], 4 * CELL_SIZE), 7 * CELL_SIZE) + pad
    rest = avail_width - sum(widths)
    value_cols = range(1, cols, 2)
    wants = {c: min(max(needed[c], 4 * CELL_SIZE) + pad, rest) for c in value_cols}
    total = sum(wants.values())
    if total <= rest:
        extra = (rest - total) / len(wants)
        for c in value_cols:
            widths[c] = wants[c] + extra
    else:
        for c in value_cols:
            widths[c] = rest * wants[c] / total
    return widths


def format_value(value: CellValue) -> str:
    """How a value reads in a cell: integers as digits, fractions with two decimals."""
    if value is None:
        return ""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        hundredths = (abs(value) * 100 * 2 + 1) // 2  # round half up, exact
        sign = "-" if value < 0 else ""
        return f"{sign}{hundredths // 100}.{hundredths % 100:02d}"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def _is_number(value: CellValue) -> bool:
    return isinstance(value, int | Decimal | Fraction) and not isinstance(value, bool)


def _cell(text: str, style: ParagraphStyle, width: float) -> Any:
    """A plain string when it fits on one line (fast); a wrapping paragraph otherwise."""
    if "\n" not in text and (
        stringWidth(text, FONT_NAME, style.fontSize) <= width - 2 * CELL_PADDING
    ):
        return text
    return Paragraph(markup(text), style)


# ---------------------------------------------------------------- blocks


def title(text: str) -> Block:
    """The centred, heavy title at the top of a form."""
    return BoldParagraph(markup(text), styles().title)


_title_block = title


def heading(text: str, level: int = 1) -> Block:
    """A section heading (level 1 or 2 heavy, level 3 plain)."""
    if level <= 1:
        return BoldParagraph(markup(text), styles().heading1)
    if level == 2:
        return BoldParagraph(markup(text), styles().heading2)
    return Paragraph(markup(text), styles().heading3)


def paragraph(text: str, *, indent: bool = True) -> Block:
    """Body text; Chinese prose opens with a two-character indent unless ``indent=False``."""
    style = styles().body_indent if indent else styles().body
    return Paragraph(markup(text), style)


def spacer(height_mm: float = 5) -> Block:
    return Spacer(1, height_mm * mm)


def page_break() -> Block:
    return PageBreak()


def form_table(
    rows: Sequence[Sequence[str | None]],
    *,
    col_widths: Sequence[float] | None = None,
) -> Block:
    """The label/value grid of a 登记表.

    Each row is ``(label, value, label, value, ...)``. A row with fewer pairs than the widest
    row stretches its last value over the remaining columns; a row of one element is a shaded
    section heading across the whole table. ``col_widths`` are relative weights per column;
    by default labels are as wide as their text (wrapping after seven characters) and values
    share the rest.
    """
    cols = max((len(row) for row in rows), default=2)
    cols += cols % 2
    for number, row in enumerate(rows, start=1):
        if len(row) != 1 and len(row) % 2:
            raise ValueError(f"form_table row {number} has an odd number of cells: {row!r}")
    if col_widths is not None and len(col_widths) != cols:
        raise ValueError(f"form_table needs {cols} column widths, got {len(col_widths)}")
    sheet = styles()

    def make(avail_width: float) -> Any:
        if col_widths is not None:
            widths = _widths(col_widths, avail_width)
        else:
            widths = _form_widths(rows, cols, avail_width)
        data: list[list[Any]] = []
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
            ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("GRID", (0, 0), (-1, -1), 0.6, GRID_COLOUR),
            ("BOX", (0, 0), (-1, -1), 1.2, GRID_COLOUR),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING + 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING + 1.5),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ]
        for r, row in enumerate(rows):
            cells: list[Any] = [""] * cols
            if len(row) == 1:
                cells[0] = BoldParagraph(markup(row[0] or ""), sheet.cell_label)
                commands += [
                    ("SPAN", (0, r), (-1, r)),
                    ("BACKGROUND", (0, r), (-1, r), LABEL_SHADE),
                ]
            else:
                for c, text in enumerate(row):
                    last = c == len(row) - 1
                    span_to = cols - 1 if last else c
                    width = sum(widths[c : span_to + 1])
                    if c % 2 == 0:
                        cells[c] = Paragraph(markup(text or ""), sheet.cell_label)
                        commands.append(("BACKGROUND", (c, r), (c, r), LABEL_SHADE))
                    else:
                        cells[c] = _cell(text or "", sheet.cell, width)
                    if span_to > c:
                        commands.append(("SPAN", (c, r), (span_to, r)))
            data.append(cells)
        table = Table(data, colWidths=widths, hAlign="CENTER", splitByRow=1)
        table.setStyle(TableStyle(commands))
        return table

    return _FitToWidth(make)


def data_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[CellValue]],
    *,
    col_widths: Sequence[float] | None = None,
    numeric: Iterable[int] | None = None,
) -> Block:
    """A list with a shaded header row repeated on every page.

    Numeric columns (by default: those whose values are all numbers) are right-aligned.
    ``col_widths`` are relative weights; by default they follow the longest text per column.
    """
    body = [list(row) for row in rows]
    cols = len(headers)
    for number, row in enumerate(body, start=1):
        if len(row) != cols:
            raise ValueError(f"data_table row {number} has {len(row)} cells, expected {cols}")
    if numeric is None:
        right = {
            c
            for c in range(cols)
            if any(row[c] is not None for row in body)
            and all(row[c] is None or _is_number(row[c]) for row in body)
        }
    else:
        right = set(numeric)
    texts = [[format_value(value) for value in row] for row in body]
    if col_widths is None:
        weights: list[float] = []
        for c in range(cols):
            longest = max(
                [stringWidth(headers[c], FONT_NAME, CELL_SIZE)]
                + [stringWidth(row[c], FONT_NAME, CELL_SIZE) for row in texts[:200]]
            )
            weights.append(min(max(longest, 2.5 * CELL_SIZE), 22 * CELL_SIZE) + 2 * CELL_PADDING)
    else:
        weights = list(col_widths)
    if len(weights) != cols:
        raise ValueError(f"data_table needs {cols} column widths, got {len(weights)}")
    sheet = styles()

    def make(avail_width: float) -> Any:
        widths = _widths(weights, avail_width)
        data: list[list[Any]] = [
            [BoldParagraph(markup(text), sheet.cell_header) for text in headers]
        ]
        for row in texts:
            data.append(
                [
                    _cell(text, sheet.cell_right if c in right else sheet.cell, widths[c])
                    for c, text in enumerate(row)
                ]
            )
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
            ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
            ("LEADING", (0, 0), (-1, -1), 13.5),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOUR),
            ("BOX", (0, 0), (-1, -1), 1.0, GRID_COLOUR),
            ("LINEBELOW", (0, 0), (-1, 0), 1.0, GRID_COLOUR),
            ("BACKGROUND", (0, 0), (-1, 0), LABEL_SHADE),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ]
        commands += [("ALIGN", (c, 1), (c, -1), "RIGHT") for c in sorted(right)]
        table = Table(data, colWidths=widths, repeatRows=1, hAlign="CENTER")
        table.setStyle(TableStyle(commands))
        return table

    return _FitToWidth(make)


def signature_lines(
    roles: Sequence[str],
    *,
    per_row: int = 2,
    suffix: str = "（签名）：",
    dated: bool = False,
) -> Block:
    """Lines to sign on: ``监票人（签名）：＿＿＿＿``, ``per_row`` to a line.

    With ``dated=True`` a ``年　月　日`` line follows, right-aligned, for the date of signing.
    """
    if per_row < 1:
        raise ValueError("per_row must be at least 1")
    sheet = styles()

    def make(avail_width: float) -> Any:
        label_width = max(
            [stringWidth(role + suffix, FONT_NAME, BODY_SIZE) for role in roles] + [0.0]
        )
        label_width += 2 * CELL_PADDING
        slot = avail_width / per_row
        line_width = max(slot - label_width - 6 * mm, 20 * mm)
        widths: list[float] = []
        for _ in range(per_row):
            widths += [label_width, line_width, slot - label_width - line_width]
        data: list[list[Any]] = []
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
            ("FONTSIZE", (0, 0), (-1, -1), BODY_SIZE),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("TOPPADDING", (0, 0), (-1, -1), 7 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ]
        for start in range(0, len(roles), per_row):
            r = len(data)
            cells: list[Any] = []
            for k, role in enumerate(roles[start : start + per_row]):
                cells += [role + suffix, "", ""]
                commands.append(("LINEBELOW", (3 * k + 1, r), (3 * k + 1, r), 0.6, GRID_COLOUR))
            cells += [""] * (3 * per_row - len(cells))
            data.append(cells)
        if dated:
            data.append([""] * (3 * per_row))
            r = len(data) - 1
            data[r][0] = Paragraph(markup("年　　月　　日"), sheet.cell_right)
            commands += [("SPAN", (0, r), (-1, r)), ("RIGHTPADDING", (0, r), (-1, r), 12 * mm)]
        table = Table(data, colWidths=widths, hAlign="LEFT")
        table.setStyle(TableStyle(commands))
        return table

    return _FitToWidth(make)


def anchor_block(lines: Sequence[str], qr_png: bytes, *, size_mm: float = 24) -> Block:
    """A QR code with lines of text beside it, kept together: the record's chain head on
    paper (built by :func:`tuixuan.record.anchors.anchor_blocks`)."""
    sheet = styles()
    image = Image(io.BytesIO(qr_png), width=size_mm * mm, height=size_mm * mm)
    text = Paragraph(markup("\n".join(lines)), sheet.cell)

    def make(avail_width: float) -> Any:
        side = (size_mm + 4) * mm
        table = Table([[image, text]], colWidths=[side, avail_width - side], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 4 * mm),
                ]
            )
        )
        return table

    return _FitToWidth(make)


def cover_page(
    title_text: str,
    fields: Mapping[str, str],
    *,
    subtitle: str | None = None,
    lines: Sequence[str] = (),
) -> list[Block]:
    """A cover: large title, the fields on underlined lines, the issuing lines at the foot."""
    sheet = styles()

    def make(avail_width: float) -> Any:
        label_width = max([stringWidth(_spread(k) + "：", FONT_NAME, 14) for k in fields] + [0.0])
        value_width = min(95 * mm, avail_width - label_width)
        data = [
            [_spread(k) + "：", Paragraph(markup(v), sheet.cover_value)] for k, v in fields.items()
        ]
        table = Table(data, colWidths=[label_width + 4, value_width], hAlign="CENTER")
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                    ("FONTSIZE", (0, 0), (-1, -1), 14),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("TOPPADDING", (0, 0), (-1, -1), 5 * mm),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                    ("LINEBELOW", (1, 0), (1, -1), 0.6, GRID_COLOUR),
                ]
            )
        )
        return table

    blocks: list[Block] = [
        Spacer(1, 45 * mm),
        BoldParagraph(markup(title_text), sheet.cover_title),
    ]
    if subtitle:
        blocks.append(Paragraph(markup(subtitle), sheet.cover_subtitle))
    blocks += [Spacer(1, 30 * mm), _FitToWidth(make), Spacer(1, 45 * mm)]
    blocks += [Paragraph(markup(line), sheet.cover_line) for line in lines]
    blocks.append(PageBreak())
    return blocks


def _spread(label: str) -> str:
    """Pads a short label to four characters' width the way forms do: 姓名 → 姓　　名."""
    if len(label) == 2:
        return f"{label[0]}　　{label[1]}"
    if len(label) == 3:
        return "　".join(label)
    return label


# ---------------------------------------------------------------- the document


@dataclass(frozen=True)
class _Decoration:
    header: str | None
    footer: str | None
    skip_first: bool  # a cover page carries no header, footer or number
    page_numbers: bool = True


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
    """Holds every page back until the end, so each footer can say how many pages there are."""

    def __init__(self, *args: Any, decoration: _Decoration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._decoration = decoration
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        skip = 1 if self._decoration.skip_first else 0
        total = len(self._held) - skip
        for index, state in enumerate(self._held):
            self.__dict__.update(state)
            if index >= skip:
                self._decorate(index - skip + 1, total)
            super().showPage()
        super().save()

    def _decorate(self, number: int, total: int) -> None:
        width, height = self._pagesize
        self.saveState()
        self.setFont(FONT_NAME, 9)
        self.setFillColor(colors.black)
        if self._decoration.header:
            y = height - MARGIN_TOP + 8 * mm
            self.drawString(MARGIN_SIDE, y, self._decoration.header)
            self.setLineWidth(0.5)
            self.line(MARGIN_SIDE, y - 2 * mm, width - MARGIN_SIDE, y - 2 * mm)
        y = MARGIN_BOTTOM - 11 * mm
        if self._decoration.page_numbers:
            self.drawCentredString(width / 2, y, f"第 {number} 页 共 {total} 页")
        if self._decoration.footer:
            self.drawString(MARGIN_SIDE, y, self._decoration.footer)
        self.restoreState()


def build_pdf(
    target: str | Path | BinaryIO,
    *,
    title: str,
    blocks: Iterable[Block] | Callable[[], Iterable[Block]],
    cover: Mapping[str, str] | None = None,
    cover_title: str | None = None,
    cover_subtitle: str | None = None,
    cover_lines: Sequence[str] = (),
    header: str | None = None,
    footer: str | None = None,
    landscape: bool = False,
    show_title: bool = True,
    author: str = "",
    subject: str = "",
    page_numbers: bool = True,
) -> int:
    """Write the document and return the number of pages in the file.

    Pages are numbered "第 X 页 共 Y 页"; a cover (when ``cover`` is given) is not counted.
    Ballots pass ``page_numbers=False``: a number on a ballot could tie it to a voter.
    Output is byte-for-byte reproducible for the same input (no timestamps or random IDs),
    so a document's hash can be recorded in the full-process record.
    """
    register_cjk_font()
    story: list[Block] = []
    if cover is not None:
        story += cover_page(cover_title or title, cover, subtitle=cover_subtitle, lines=cover_lines)
    if show_title:
        story.append(_title_block(title))
    story += list(blocks() if callable(blocks) else blocks)
    pagesize = to_landscape(A4) if landscape else A4
    target_arg = str(target) if isinstance(target, Path) else target
    document = SimpleDocTemplate(
        target_arg,
        pagesize=pagesize,
        leftMargin=MARGIN_SIDE,
        rightMargin=MARGIN_SIDE,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author,
        subject=subject,
        creator="推选",
        producer="推选",
        invariant=1,
        initialFontName=FONT_NAME,
    )
    decoration = _Decoration(
        header=header, footer=footer, skip_first=cover is not None, page_numbers=page_numbers
    )
    document.build(story, canvasmaker=functools.partial(_NumberedCanvas, decoration=decoration))
    pages: int = document.page
    return pages
