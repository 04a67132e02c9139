"""Look inside produced documents: text, fonts, pages, pixels, Word and Excel contents.

PDFs are checked with poppler's command-line tools (what a reader's viewer sees), not with the
library that wrote them, so a broken font embedding or an empty page cannot hide.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from docx import Document
from openpyxl import load_workbook
from PIL import Image


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(
            f"{name} 未安装：请运行 scripts/install-system-deps.sh（poppler-utils）。"
        )
    return found


def _run(*args: str) -> str:
    result = subprocess.run(  # noqa: S603  # fixed poppler binaries, paths made by the test
        args, check=True, capture_output=True, text=True
    )
    return result.stdout


def pdf_text(path: Path) -> str:
    """The text as pdftotext lays it out (-layout keeps table rows on one line)."""
    return _run(_tool("pdftotext"), "-layout", "-enc", "UTF-8", str(path), "-")


def pdf_page_text(path: Path, page: int) -> str:
    return _run(_tool("pdftotext"), "-layout", "-f", str(page), "-l", str(page), str(path), "-")


def pdf_fonts(path: Path) -> list[str]:
    """One line per font in the file as pdffonts prints it (name, type, …, emb, sub, uni)."""
    lines = _run(_tool("pdffonts"), str(path)).splitlines()
    return lines[2:]  # after the column titles and the dashes


def pdf_page_count(path: Path) -> int:
    for line in _run(_tool("pdfinfo"), str(path)).splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError(f"pdfinfo gave no page count for {path}")


def render_pdf_page(path: Path, page: int, out_png: Path, *, dpi: int = 60) -> Path:
    """Render one page (1-based) to PNG with pdftoppm and return the PNG's path."""
    stem = out_png.with_suffix("")
    _run(
        _tool("pdftoppm"),
        "-png",
        "-r",
        str(dpi),
        "-f",
        str(page),
        "-l",
        str(page),
        "-singlefile",
        str(path),
        str(stem),
    )
    produced = stem.with_suffix(".png")
    if produced != out_png:
        produced.replace(out_png)
    return out_png


def ink_ratio(png: Path) -> float:
    """Share of pixels that are not (nearly) white: 0 for a blank page.

    A float is fine here: it only feeds a test's "is there something on the page" check.
    """
    with Image.open(png) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
    inked = sum(histogram[:240])
    return inked / sum(histogram)


def docx_text(path: Path) -> str:
    """Body paragraphs, table cells (in order), headers and footers, one per line."""
    document = Document(str(path))
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(
                "".join(node.text or "" for node in child.iter() if node.tag.endswith("}t"))
            )
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = [
                        "".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                        for cell in row
                        if cell.tag.endswith("}tc")
                    ]
                    lines.append(" | ".join(cells))
    for section in document.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                lines += [paragraph.text for paragraph in part.paragraphs]
    return "\n".join(lines)


def docx_east_asian_fonts(path: Path) -> set[str | None]:
    """The w:eastAsia font of every run that holds text (None where a run leaves it unset)."""
    from docx.oxml.ns import qn

    document = Document(str(path))
    fonts: set[str | None] = set()
    for run in document.element.body.iter(qn("w:r")):
        if not any(t.text for t in run.iter(qn("w:t"))):
            continue
        r_fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        fonts.add(None if r_fonts is None else r_fonts.get(qn("w:eastAsia")))
    return fonts


def xlsx_rows(path: Path, sheet: str | None = None) -> list[tuple[Any, ...]]:
    """Cell values row by row, as Excel will show them (numbers stay numbers)."""
    workbook = load_workbook(path, read_only=False)
    try:
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        return [tuple(row) for row in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
