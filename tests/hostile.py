"""Hostile files for the import tests: small workbooks that declare or hold huge sheets.

Each workbook is written part by part (the few XML parts a reader needs), so the tests do
not depend on what a spreadsheet program would refuse to save. The one sheet is called
推荐表 so the nomination import reaches it too.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

SHEET_NAME = "推荐表"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    f'<sheets><sheet name="{SHEET_NAME}" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
_SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _sheet(cells: list[tuple[int, str, str]], dimension: str | None) -> str:
    """cells: (row, reference, text), in row order."""
    parts = [_SHEET_OPEN]
    if dimension is not None:
        parts.append(f'<dimension ref="{dimension}"/>')
    parts.append("<sheetData>")
    for row in sorted({r for r, _, _ in cells}):
        inner = "".join(_cell(ref, text) for r, ref, text in cells if r == row)
        parts.append(f'<row r="{row}">{inner}</row>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts)


def _workbook(path: Path, sheet_xml: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def sparse_range(path: Path, *, declare: bool = True) -> Path:
    """One cell at A1 and one at XFD1048576: about 1.5 KB on disk, 17 billion cells dense."""
    cells = [(1, "A1", "推荐表编号"), (1_048_576, "XFD1048576", "x")]
    return _workbook(path, _sheet(cells, "A1:XFD1048576" if declare else None))


def wide_sheet(path: Path, *, columns: int = 10_000_000) -> Path:
    """A sheet that declares (and has a cell in) column ``columns``, far beyond Excel's XFD."""
    far = column_letters(columns)
    cells = [(1, "A1", "推荐表编号"), (1, f"{far}1", "x")]
    return _workbook(path, _sheet(cells, f"A1:{far}1"))


def zip_bomb(path: Path, *, expanded_mb: int = 3000) -> Path:
    """A valid workbook whose sheet part is ``expanded_mb`` MB of blanks compressed to a few MB.

    The part is deflated in a stream, so making it needs no memory beyond one chunk.
    """
    head = (_SHEET_OPEN + "<sheetData>").encode()
    tail = b"</sheetData></worksheet>"
    chunk = b" " * (1024 * 1024)

    def body() -> Iterator[bytes]:
        yield head
        for _ in range(expanded_mb):
            yield chunk
        yield tail

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            for piece in body():
                member.write(piece)
    return path


def big_file(path: Path, *, mb: int = 200) -> Path:
    """``mb`` MB named .xlsx: its content does not matter, it must be refused unread."""
    with path.open("wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(mb * 1024 * 1024)
    return path


def cached_zip_bomb(*, expanded_mb: int = 2048) -> Path:
    """The zip bomb, made once per machine (it takes seconds to deflate gigabytes)."""
    path = Path(tempfile.gettempdir()) / f"tuixuan-test-zip-bomb-{expanded_mb}.xlsx"
    if not path.exists():
        partial = path.with_suffix(f".{os.getpid()}.part")
        zip_bomb(partial, expanded_mb=expanded_mb)
        partial.replace(path)
    return path


# --- hostile names for exports and documents ------------------------------------------------

#: Text that a spreadsheet would run as a formula, or that reportlab would parse as markup.
HOSTILE_NAMES = (
    '=HYPERLINK("http://x.cn","点")',
    "+1+1",
    "-2",
    "@SUM(1)",
    '<img src="/etc/passwd"/>',
    "<b>粗</b>",
    "<para>",
    "<font",
)


def assert_no_formula(path: Path) -> list[str]:
    """No cell of the workbook is a formula (checked in the XML itself and through openpyxl);
    returns the text of every cell."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, f"formula in {name}"
    texts: list[str] = []
    workbook = load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if cell.value is not None:
                    texts.append(str(cell.value))
    return texts


def assert_cells_hold(path: Path, names: tuple[str, ...] | list[str]) -> None:
    """Each name is the exact text of a cell, or part of one (titles combine names)."""
    texts = assert_no_formula(path)
    for name in names:
        assert any(name in t for t in texts), f"{name!r} not found in {path.name}"


def assert_pdf_says(path: Path, names: tuple[str, ...] | list[str]) -> None:
    """The PDF opens (pdftotext reads it) and prints every name as literal text."""
    import re
    import subprocess

    text = subprocess.run(  # noqa: S603  # poppler on a file the test made
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],  # noqa: S607  # poppler from PATH
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    flat = re.sub(r"\s+", "", text)
    lines = [re.sub(r"\s+", "", line) for line in text.splitlines()]
    for name in names:
        bare = re.sub(r"\s+", "", name)
        assert bare in flat or _wrapped(lines, bare), f"{name!r} not printed in {path.name}"


def _wrapped(lines: list[str], name: str) -> bool:
    """``name`` broken over lines (a wrapped table cell or paragraph): it starts at the end of
    one line and goes on at the start of a later one, whole lines in between, with at most
    a few lines of other columns between the pieces."""
    for i, line in enumerate(lines):
        for k in range(1, min(len(line), len(name)) + 1):
            if line.endswith(name[:k]) and _goes_on(lines, name[k:], i + 1):
                return True
    return False


def _goes_on(lines: list[str], rest: str, start: int, window: int = 8) -> bool:
    if not rest:
        return True
    for j in range(start, min(len(lines), start + window)):
        line = lines[j]
        if line and line.startswith(rest):
            return True
        if line and rest.startswith(line) and _goes_on(lines, rest[len(line) :], j + 1):
            return True
    return False
