"""Editable Word (.docx) documents with the same blocks as :mod:`.pdf`.

Users finish these by hand (add remarks, sign, print), so they use Word's own machinery:
built-in heading styles (the navigation pane works), real tables with the 'Table Grid'
borders, a header row that Word repeats on each page, and PAGE/NUMPAGES fields in the footer.

Chinese text needs the East Asian font slot (``w:eastAsia``) set explicitly; setting only the
font name leaves Chinese in whatever the reader's default is. Body text is 宋体, headings and
the title 黑体, Latin letters and digits Times New Roman.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Final
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section
from docx.shared import Length, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.font import Font
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .fonts import display_width
from .pdf import CellValue, _is_number, format_value

WordBlock = Callable[[DocxDocument], None]

BODY_FONT: Final = "宋体"
HEADING_FONT: Final = "黑体"
LATIN_FONT: Final = "Times New Roman"
LABEL_SHADE: Final = "E6E6E6"
BODY_SIZE: Final = Pt(10.5)  # 五号
CELL_SIZE: Final = Pt(10.5)
TITLE_SIZE: Final = Pt(18)  # 小二
HEADING_SIZES: Final = {1: Pt(14), 2: Pt(12), 3: Pt(10.5)}  # 四号, 小四, 五号
MARGIN_TOP: Final = Mm(25)
MARGIN_BOTTOM: Final = Mm(22)
MARGIN_SIDE: Final = Mm(20)


# ---------------------------------------------------------------- low-level helpers


def _apply_font(
    font: Font,
    element: Any,
    *,
    east_asian: str,
    size: Length | None,
    bold: bool | None,
) -> None:
    font.name = LATIN_FONT
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:eastAsia"), east_asian)


def set_run_font(
    run: Run,
    *,
    east_asian: str = BODY_FONT,
    size: Length | None = None,
    bold: bool | None = None,
) -> None:
    """Sets a run's Latin font and its East Asian font (``w:eastAsia``), where Chinese looks."""
    _apply_font(run.font, run._r, east_asian=east_asian, size=size, bold=bold)


def _set_style_font(style: Any, *, east_asian: str, size: Length | None, bold: bool | None) -> None:
    _apply_font(style.font, style.element, east_asian=east_asian, size=size, bold=bold)


def _text(
    paragraph: Paragraph,
    text: str,
    *,
    east_asian: str = BODY_FONT,
    size: Length = BODY_SIZE,
    bold: bool = False,
) -> None:
    """Appends text, turning newlines into line breaks inside the same paragraph."""
    for index, line in enumerate(text.split("\n")):
        run = paragraph.add_run()
        if index:
            run.add_break(WD_BREAK.LINE)
        run.add_text(line)
        set_run_font(run, east_asian=east_asian, size=size, bold=bold)


# Children of w:tcPr in schema order; Word refuses files where they are out of order.
_TC_PR_ORDER: Final = (
    "w:cnfStyle",
    "w:tcW",
    "w:gridSpan",
    "w:hMerge",
    "w:vMerge",
    "w:tcBorders",
    "w:shd",
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
)


def _put_in_cell_properties(cell: _Cell, element: Any, name: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    for old in properties.findall(qn(name)):
        properties.remove(old)
    later = {qn(tag) for tag in _TC_PR_ORDER[_TC_PR_ORDER.index(name) + 1 :]}
    for child in properties:
        if child.tag in later:
            child.addprevious(element)
            return
    properties.append(element)


_RUN_PROPERTIES: Final = (
    f'<w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{BODY_FONT}"/>'
    f'<w:sz w:val="{round(CELL_SIZE.pt * 2)}"/><w:szCs w:val="{round(CELL_SIZE.pt * 2)}"/></w:rPr>'
)


def _runs_xml(text: str) -> str:
    """Runs for a body cell with the same fonts :func:`set_run_font` gives."""
    if not text:
        return ""
    parts = [f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n")]
    return f"<w:r>{_RUN_PROPERTIES}{'<w:br/>'.join(parts)}</w:r>"


def _shade(cell: _Cell, fill: str = LABEL_SHADE) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    _put_in_cell_properties(cell, shading, "w:shd")


def _bottom_border(cell: _Cell) -> None:
    borders = OxmlElement("w:tcBorders")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "0"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    _put_in_cell_properties(cell, borders, "w:tcBorders")


def _fill_cell(
    cell: _Cell,
    text: str,
    *,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT,
    bold: bool = False,
    east_asian: str = BODY_FONT,
) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(2)
    paragraph.paragraph_format.space_after = Pt(2)
    if text:
        _text(paragraph, text, size=CELL_SIZE, bold=bold, east_asian=east_asian)


def _text_width(section: Section) -> int:
    width = section.page_width or Mm(210)
    left = section.left_margin or MARGIN_SIDE
    right = section.right_margin or MARGIN_SIDE
    return int(width) - int(left) - int(right)


def _scaled(weights: Sequence[float], total: int) -> list[Length]:
    whole = sum(weights)
    if whole <= 0:
        raise ValueError("column weights must be positive")
    return [Length(int(total * weight / whole)) for weight in weights]


def _field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (PAGE, NUMPAGES …); Word fills in the value when it lays out the page."""
    parts: list[tuple[str, dict[str, str], str | None]] = [
        ("w:fldChar", {"w:fldCharType": "begin"}, None),
        ("w:instrText", {"xml:space": "preserve"}, f" {instruction} "),
        ("w:fldChar", {"w:fldCharType": "separate"}, None),
        ("w:t", {}, placeholder),
        ("w:fldChar", {"w:fldCharType": "end"}, None),
    ]
    for tag, attributes, content in parts:
        run = paragraph.add_run()
        set_run_font(run, size=Pt(9))
        node = OxmlElement(tag)
        for key, value in attributes.items():
            node.set(qn(key), value)
        if content is not None:
            node.text = content
        run._r.append(node)


def _grid_table(document: DocxDocument, rows: int, widths: Sequence[Length]) -> Table:
    table: Table = document.add_table(rows=rows, cols=len(widths))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    return table


# ---------------------------------------------------------------- blocks


def title(text: str) -> WordBlock:
    def add(document: DocxDocument) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(12)
        _text(paragraph, text, east_asian=HEADING_FONT, size=TITLE_SIZE, bold=True)

    return add


def heading(text: str, level: int = 1) -> WordBlock:
    """A heading in Word's own heading style, so it shows in the navigation pane."""
    level = min(max(level, 1), 3)

    def add(document: DocxDocument) -> None:
        paragraph = document.add_paragraph(style=f"Heading {level}")
        _text(paragraph, text, east_asian=HEADING_FONT, size=HEADING_SIZES[level], bold=level < 3)

    return add


def paragraph(text: str, *, indent: bool = True) -> WordBlock:
    def add(document: DocxDocument) -> None:
        body = document.add_paragraph()
        body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            body.paragraph_format.first_line_indent = Pt(2 * BODY_SIZE.pt)
        _text(body, text)

    return add


def spacer(height_mm: float = 5) -> WordBlock:
    def add(document: DocxDocument) -> None:
        gap = document.add_paragraph()
        gap.paragraph_format.space_after = Mm(max(height_mm - 5, 0))

    return add


def page_break() -> WordBlock:
    def add(document: DocxDocument) -> None:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    return add


def _em(text: str) -> float:
    return display_width(text) / 2


def form_table(
    rows: Sequence[Sequence[str | None]],
    *,
    col_widths: Sequence[float] | None = None,
) -> WordBlock:
    """The label/value grid of a 登记表; rows as in :func:`.pdf.form_table`."""
    cols = max((len(row) for row in rows), default=2)
    cols += cols % 2
    for number, row in enumerate(rows, start=1):
        if len(row) != 1 and len(row) % 2:
            raise ValueError(f"form_table row {number} has an odd number of cells: {row!r}")
    if col_widths is not None and len(col_widths) != cols:
        raise ValueError(f"form_table needs {cols} column widths, got {len(col_widths)}")

    def add(document: DocxDocument) -> None:
        total = _text_width(document.sections[-1])
        if col_widths is not None:
            widths = _scaled(col_widths, total)
        else:
            widths = _form_widths(rows, cols, total)
        table = _grid_table(document, len(rows), widths)
        for row, table_row in zip(rows, table.rows, strict=True):
            cells = table_row.cells
            for cell, width in zip(cells, widths, strict=True):
                cell.width = width
            if len(row) == 1:
                merged = cells[0].merge(cells[-1])
                _shade(merged)
                _fill_cell(
                    merged,
                    row[0] or "",
                    align=WD_ALIGN_PARAGRAPH.CENTER,
                    bold=True,
                    east_asian=HEADING_FONT,
                )
                continue
            for c, text in enumerate(row):
                cell = cells[c]
                if c == len(row) - 1 and c < cols - 1:
                    cell = cell.merge(cells[-1])
                if c % 2 == 0:
                    _shade(cell)
                    _fill_cell(cell, text or "", align=WD_ALIGN_PARAGRAPH.CENTER)
                else:
                    _fill_cell(cell, text or "")
        document.add_paragraph()

    return add


def _form_widths(rows: Sequence[Sequence[str | None]], cols: int, total: int) -> list[Length]:
    """Labels as wide as their text (up to seven characters); values share the rest."""
    em = int(CELL_SIZE)
    pad = int(Mm(2.5))
    needed = [0.0] * cols
    for row in rows:
        if len(row) == 1:
            continue
        for c, text in enumerate(row):
            if c % 2 == 1 and c == len(row) - 1 and c < cols - 1:
                continue
            needed[c] = max(needed[c], _em(text or ""))
    widths = [0] * cols
    for c in range(0, cols, 2):
        widths[c] = int(min(max(needed[c], 4), 7) * em) + pad
    rest = total - sum(widths)
    value_cols = range(1, cols, 2)
    wants = {c: min(int(max(needed[c], 4) * em) + pad, rest) for c in value_cols}
    whole = sum(wants.values())
    for c in value_cols:
        if whole <= rest:
            widths[c] = wants[c] + (rest - whole) // len(wants)
        else:
            widths[c] = rest * wants[c] // whole
    return [Length(width) for width in widths]


def data_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[CellValue]],
    *,
    col_widths: Sequence[float] | None = None,
    numeric: Iterable[int] | None = None,
) -> WordBlock:
    """A list with a shaded header row that Word repeats on each page; numbers right-aligned."""
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
        weights = [
            min(max([_em(headers[c])] + [_em(row[c]) for row in texts[:200]] + [2.5]), 22) + 1
            for c in range(cols)
        ]
    else:
        weights = list(col_widths)
    if len(weights) != cols:
        raise ValueError(f"data_table needs {cols} column widths, got {len(weights)}")

    def add(document: DocxDocument) -> None:
        widths = _scaled(weights, _text_width(document.sections[-1]))
        table = _grid_table(document, 1, widths)
        header_row = table.rows[0]
        header_row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for cell, text, width in zip(header_row.cells, headers, widths, strict=True):
            cell.width = width
            _shade(cell)
            _fill_cell(cell, text, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
        # Body rows are written as XML directly: going through python-docx's objects costs
        # about 5 ms a row, which makes a 1,000-row list take seconds.
        cell_starts = [
            f'<w:tc><w:tcPr><w:tcW w:w="{width.twips}" w:type="dxa"/>'
            '<w:vAlign w:val="center"/></w:tcPr>'
            f'<w:p><w:pPr><w:spacing w:before="40" w:after="40"/>'
            f'<w:jc w:val="{"right" if c in right else "left"}"/></w:pPr>'
            for c, width in enumerate(widths)
        ]
        tbl = table._tbl
        for row in texts:
            cells = "".join(
                start + _runs_xml(text) + "</w:p></w:tc>"
                for start, text in zip(cell_starts, row, strict=True)
            )
            tbl.append(parse_xml(f"<w:tr {nsdecls('w')}>{cells}</w:tr>"))
        document.add_paragraph()

    return add


def signature_lines(
    roles: Sequence[str],
    *,
    per_row: int = 2,
    suffix: str = "（签名）：",
    dated: bool = False,
) -> WordBlock:
    """Lines to sign on, as in :func:`.pdf.signature_lines`."""
    if per_row < 1:
        raise ValueError("per_row must be at least 1")

    def add(document: DocxDocument) -> None:
        total = _text_width(document.sections[-1])
        slot = total // per_row
        label = int(max([_em(role + suffix) for role in roles] + [1.0]) * int(BODY_SIZE)) + int(
            Mm(2)
        )
        line = max(slot - label - int(Mm(6)), int(Mm(20)))
        widths = [Length(w) for _ in range(per_row) for w in (label, line, slot - label - line)]
        lines = (len(roles) + per_row - 1) // per_row
        table = document.add_table(rows=lines, cols=3 * per_row)
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for index, role in enumerate(roles):
            cells = table.rows[index // per_row].cells
            k = 3 * (index % per_row)
            cells[k].paragraphs[0].paragraph_format.space_before = Pt(18)
            _text(cells[k].paragraphs[0], role + suffix)
            _bottom_border(cells[k + 1])
        for table_row in table.rows:
            for cell, width in zip(table_row.cells, widths, strict=True):
                cell.width = width
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
        if dated:
            date_line = document.add_paragraph()
            date_line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            date_line.paragraph_format.space_before = Pt(12)
            date_line.paragraph_format.right_indent = Mm(12)
            _text(date_line, "年　　月　　日")
        document.add_paragraph()

    return add


def anchor_block(lines: Sequence[str], qr_png: bytes, *, size_mm: float = 24) -> WordBlock:
    """A QR code with lines of text beside it, as in :func:`.pdf.anchor_block`."""

    def add(document: DocxDocument) -> None:
        total = _text_width(document.sections[-1])
        side = int(Mm(size_mm + 4))
        table = document.add_table(rows=1, cols=2)
        table.autofit = False
        widths = [Length(side), Length(total - side)]
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        left, right = table.rows[0].cells
        left.width, right.width = widths
        left.paragraphs[0].add_run().add_picture(io.BytesIO(qr_png), width=Mm(size_mm))
        right.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for i, line in enumerate(lines):
            paragraph = right.paragraphs[0] if i == 0 else right.add_paragraph()
            _text(paragraph, line)

    return add


# ---------------------------------------------------------------- the document


def _setup_styles(document: DocxDocument) -> None:
    normal = document.styles["Normal"]
    _set_style_font(normal, east_asian=BODY_FONT, size=BODY_SIZE, bold=None)
    normal_format = normal.paragraph_format
    normal_format.space_after = Pt(0)
    normal_format.line_spacing = 1.15
    for level, size in HEADING_SIZES.items():
        style = document.styles[f"Heading {level}"]
        _set_style_font(style, east_asian=HEADING_FONT, size=size, bold=level < 3)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.italic = False
        fmt = style.paragraph_format
        fmt.space_before = Pt(12 if level == 1 else 8)
        fmt.space_after = Pt(6)


def _setup_page(section: Section, *, landscape: bool) -> None:
    short, long_ = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long_, short) if landscape else (short, long_)
    section.top_margin = MARGIN_TOP
    section.bottom_margin = MARGIN_BOTTOM
    section.left_margin = MARGIN_SIDE
    section.right_margin = MARGIN_SIDE
    section.header_distance = Mm(12)
    section.footer_distance = Mm(10)


def _decorate(section: Section, *, header: str | None, footer: str | None, total: str) -> None:
    if header:
        section.header.is_linked_to_previous = False
        line = section.header.paragraphs[0]
        _text(line, header, size=Pt(9))
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (
            ("w:val", "single"),
            ("w:sz", "4"),
            ("w:space", "1"),
            ("w:color", "000000"),
        ):
            bottom.set(qn(key), value)
        borders.append(bottom)
        line._p.get_or_add_pPr().append(borders)
    section.footer.is_linked_to_previous = False
    numbers = section.footer.paragraphs[0]
    numbers.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if footer:
        _text(numbers, footer + "　　", size=Pt(9))
    _text(numbers, "第 ", size=Pt(9))
    _field(numbers, "PAGE", "1")
    _text(numbers, " 页 共 ", size=Pt(9))
    _field(numbers, total, "1")
    _text(numbers, " 页", size=Pt(9))


def _cover(
    document: DocxDocument,
    cover_title: str,
    fields: Mapping[str, str],
    subtitle: str | None,
    lines: Sequence[str],
) -> None:
    for _ in range(6):
        document.add_paragraph()
    heading_line = document.add_paragraph()
    heading_line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(heading_line, cover_title, east_asian=HEADING_FONT, size=Pt(26), bold=True)
    if subtitle:
        sub = document.add_paragraph()
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _text(sub, subtitle, size=Pt(16))
    for _ in range(4):
        document.add_paragraph()
    label_width = int(max([_em(k) for k in fields] + [4.0]) + 1) * int(Pt(14))
    widths = [Length(label_width), Mm(95)]
    table = document.add_table(rows=len(fields), cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for (label, value), table_row in zip(fields.items(), table.rows, strict=True):
        label_cell, value_cell = table_row.cells
        label_cell.width, value_cell.width = widths
        label_paragraph = label_cell.paragraphs[0]
        label_paragraph.alignment = WD_ALIGN_PARAGRAPH.DISTRIBUTE
        label_paragraph.paragraph_format.space_before = Pt(14)
        _text(label_paragraph, label + "：", size=Pt(14))
        value_paragraph = value_cell.paragraphs[0]
        value_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _text(value_paragraph, value, size=Pt(14))
        value_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
        _bottom_border(value_cell)
    for _ in range(6):
        document.add_paragraph()
    for text in lines:
        line = document.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _text(line, text, size=Pt(14))


def build_docx(
    target: str | Path | IO[bytes],
    *,
    title: str,
    blocks: Iterable[WordBlock] | Callable[[], Iterable[WordBlock]],
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
) -> None:
    """Write the Word document; arguments mean what they mean for :func:`.pdf.build_pdf`.

    With a cover, the cover is its own section without header or footer, and the body
    numbers its pages from 1 with 共 Y 页 counting the body only (SECTIONPAGES).
    """
    document = Document()
    _setup_styles(document)
    _setup_page(document.sections[0], landscape=landscape)
    properties = document.core_properties
    properties.title = title
    properties.author = author
    properties.subject = subject
    if cover is not None:
        _cover(document, cover_title or title, cover, cover_subtitle, cover_lines)
        body = document.add_section(WD_SECTION.NEW_PAGE)
        numbering = OxmlElement("w:pgNumType")
        numbering.set(qn("w:start"), "1")
        columns = body._sectPr.find(qn("w:cols"))
        if columns is not None:  # the schema wants pgNumType before cols
            columns.addprevious(numbering)
        else:
            body._sectPr.append(numbering)
        _decorate(body, header=header, footer=footer, total="SECTIONPAGES")
    else:
        _decorate(document.sections[0], header=header, footer=footer, total="NUMPAGES")
    if show_title:
        _title_block(title)(document)
    for block in blocks() if callable(blocks) else blocks:
        block(document)
    document.save(target if not isinstance(target, Path) else str(target))


_title_block = title
