"""Shared toolkit for the printed and editable documents: PDF, Word and Excel.

The look follows the registration forms (登记表) of party organisation departments: a centred
heavy title, a bordered grid of shaded label cells and value cells, section headings, lines to
sign on and "第 X 页 共 Y 页" page numbers on A4. :mod:`.pdf` and :mod:`.word` offer the same
block helpers, so a feature builds its content once and renders it to either format::

    from tuixuan.core.documents import pdf, word

    def blocks(m):  # m is pdf or word
        return [m.heading("一、基本情况"), m.form_table([("姓名", "张三", "性别", "男")])]

    pdf.build_pdf(path, title="纪实登记表", blocks=blocks(pdf))
    word.build_docx(path, title="纪实登记表", blocks=blocks(word))
"""

from __future__ import annotations

from .excel import write_table
from .fonts import CjkFontMissingError, register_cjk_font
from .pdf import build_pdf
from .word import build_docx

__all__ = ["CjkFontMissingError", "build_docx", "build_pdf", "register_cjk_font", "write_table"]
