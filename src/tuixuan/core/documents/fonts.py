"""The CJK font every PDF embeds.

PDF viewers on government intranets often lack Chinese fonts, so the font travels inside the
file (reportlab embeds a subset of the glyphs actually used). Only TrueType outlines work with
reportlab; CFF-based OpenType fonts (most Noto CJK files) do not, which is why the default is
WenQuanYi Micro Hei from the Debian package ``fonts-wqy-microhei``.

Bold: the face has no bold weight and reportlab cannot synthesise one for TrueType fonts. Bold
text is drawn with PDF text render mode 2 (fill, then stroke the outline with a thin line of
the same colour), which thickens the strokes the way a word processor's "fake bold" does and
keeps the text extractable. The family's bold slot points at the same face, so ``<b>`` markup
never fails; it is :class:`tuixuan.core.documents.pdf.BoldParagraph` that makes text heavy.
"""

from __future__ import annotations

import os
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

#: Environment variable naming a TrueType font (.ttf or .ttc) to use instead of the default.
FONT_ENV = "TUIXUAN_CJK_FONT"
#: Same, for the sub-font index inside a .ttc collection (default 0).
FONT_INDEX_ENV = "TUIXUAN_CJK_FONT_INDEX"

DEFAULT_FONT_PATHS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)

#: Name under which the face is registered with reportlab (regular and bold slots alike).
FONT_NAME = "TuixuanCJK"


class CjkFontMissingError(RuntimeError):
    """No usable CJK TrueType font: PDFs cannot be produced on this machine."""


@dataclass(frozen=True)
class CjkFont:
    regular: str
    bold: str
    path: Path
    subfont_index: int


_lock = threading.Lock()
_registered: CjkFont | None = None


def find_font_file() -> tuple[Path, int]:
    """The font file and sub-font index to use; the override wins over the defaults."""
    override = os.environ.get(FONT_ENV, "").strip()
    index_text = os.environ.get(FONT_INDEX_ENV, "").strip() or "0"
    try:
        index = int(index_text)
    except ValueError:
        raise CjkFontMissingError(
            _("环境变量 %(var)s 的值“%(value)s”不是整数（应为 .ttc 字体集中的序号，如 0）。")
            % {"var": FONT_INDEX_ENV, "value": index_text}
        ) from None
    if override:
        path = Path(override)
        if not path.is_file():
            raise CjkFontMissingError(
                _("环境变量 %(var)s 指定的中文字体文件不存在：%(path)s。")
                % {"var": FONT_ENV, "path": override}
            )
        return path, index
    for candidate in DEFAULT_FONT_PATHS:
        if candidate.is_file():
            return candidate, index
    raise CjkFontMissingError(
        _(
            "找不到生成 PDF 所需的中文字体（文泉驿微米黑 %(path)s）。"
            "请运行 scripts/install-system-deps.sh 安装系统软件包 fonts-wqy-microhei，"
            "或用环境变量 %(var)s 指定一个 TrueType 中文字体文件（.ttf/.ttc）。"
        )
        % {"path": DEFAULT_FONT_PATHS[0], "var": FONT_ENV}
    )


def register_cjk_font() -> CjkFont:
    """Register the face once per process; later calls return the cached registration.

    Parsing the font file costs tens of milliseconds, so building many documents must not
    repeat it.
    """
    global _registered
    if _registered is not None:
        return _registered
    with _lock:
        if _registered is not None:
            return _registered
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFError, TTFont

        path, index = find_font_file()
        try:
            face = TTFont(FONT_NAME, str(path), subfontIndex=index)
        except TTFError as exc:
            raise CjkFontMissingError(
                _("中文字体文件 %(path)s 无法使用（需要 TrueType 轮廓的 .ttf/.ttc）：%(reason)s")
                % {"path": path, "reason": exc}
            ) from exc
        pdfmetrics.registerFont(face)
        # The bold slot is the same face (see the module docstring): a second TTFont object
        # would embed a second subset of the same glyphs.
        for bold, italic in ((0, 0), (1, 0), (0, 1), (1, 1)):
            addMapping(FONT_NAME, bold, italic, FONT_NAME)
        _registered = CjkFont(regular=FONT_NAME, bold=FONT_NAME, path=path, subfont_index=index)
        return _registered


def is_wide(char: str) -> bool:
    """Whether a character takes two columns in a fixed-width display (CJK, full-width)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def display_width(text: str) -> int:
    """Columns the text needs when wide characters count double (Excel column widths)."""
    return sum(2 if is_wide(char) else 1 for char in text)
