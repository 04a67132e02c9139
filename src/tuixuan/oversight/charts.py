"""Charts drawn on the server with reportlab's graphics (no script, no CDN): the same drawing
becomes SVG for the page (reportlab) and PNG for the Word report (painted with Pillow)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from fractions import Fraction

from PIL import Image, ImageDraw, ImageFont
from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors

from tuixuan.core.documents.fonts import FONT_NAME, register_cjk_font

DONE = colors.HexColor("#2e7d32")
UNDER_WAY = colors.HexColor("#f9a825")
NOT_STARTED = colors.HexColor("#bdbdbd")
BAD = colors.HexColor("#c62828")

WIDTH = 640
BAR = 18
GAP = 8
LABEL = 110


def _font() -> str:
    register_cjk_font()
    return FONT_NAME


def stacked_bars(rows: Sequence[tuple[str, int, int, int]], *, title: str) -> Drawing:
    """One bar per row (label, done, under way, not started), stacked, with a legend."""
    font = _font()
    top = 44
    height = top + len(rows) * (BAR + GAP) + GAP
    d = Drawing(WIDTH, height)
    d.add(String(0, height - 16, title, fontName=font, fontSize=13))
    legend = (("已完成", DONE), ("进行中", UNDER_WAY), ("未开始", NOT_STARTED))
    for i, (text, colour) in enumerate(legend):
        left = LABEL + i * 90
        d.add(Rect(left, height - 36, 12, 12, fillColor=colour, strokeColor=None))
        d.add(String(left + 16, height - 34, text, fontName=font, fontSize=10))
    scale = WIDTH - LABEL - 60
    for i, (label, done, doing, waiting) in enumerate(rows):
        total = done + doing + waiting
        y = height - top - (i + 1) * (BAR + GAP)
        d.add(String(0, y + 5, label, fontName=font, fontSize=11))
        x: float = LABEL
        for n, colour in ((done, DONE), (doing, UNDER_WAY), (waiting, NOT_STARTED)):
            if total and n:
                w = scale * n / total
                d.add(Rect(x, y, w, BAR, fillColor=colour, strokeColor=None))
                x += w
        text = f"{done}/{total}" if total else "尚未开展"
        d.add(String(LABEL + scale + 6, y + 5, text, fontName=font, fontSize=10))
    return d


def rate_bars(
    rows: Sequence[tuple[str, Fraction, str]], *, title: str, target: Fraction | None
) -> Drawing:
    """One bar per row (label, rate, text), red below the target, a line at the target."""
    font = _font()
    top = 28
    height = top + len(rows) * (BAR + GAP) + GAP
    d = Drawing(WIDTH, height)
    d.add(String(0, height - 16, title, fontName=font, fontSize=13))
    scale = WIDTH - LABEL - 130
    for i, (label, rate, text) in enumerate(rows):
        y = height - top - (i + 1) * (BAR + GAP)
        d.add(String(0, y + 5, label[:8], fontName=font, fontSize=11))
        w = float(scale * min(rate, Fraction(1)))
        colour = BAD if target is not None and rate < target else DONE
        d.add(Rect(LABEL, y, max(w, 1.0), BAR, fillColor=colour, strokeColor=None))
        d.add(String(LABEL + scale + 6, y + 5, text, fontName=font, fontSize=10))
    if target is not None:
        x = LABEL + float(scale * min(target, Fraction(1)))
        d.add(Line(x, 0, x, height - top + 4, strokeColor=colors.black, strokeWidth=1.5))
    return d


def svg(drawing: Drawing) -> bytes:
    return renderSVG.drawToString(drawing).encode("utf-8")  # type: ignore[no-any-return]


def png(drawing: Drawing, *, scale: int = 2) -> bytes:
    """The drawing as PNG, painted with Pillow (reportlab's own bitmap renderer needs a Cairo
    backend that is not installed): rectangles, lines and text are all these charts use."""
    font = register_cjk_font()
    width, height = int(drawing.width * scale), int(drawing.height * scale)
    image = Image.new("RGB", (width, height), "white")
    paint = ImageDraw.Draw(image)
    fonts: dict[float, ImageFont.FreeTypeFont] = {}

    def y(value: float) -> float:
        return height - value * scale

    def rgb(colour: colors.Color) -> tuple[int, int, int]:
        return (int(colour.red * 255), int(colour.green * 255), int(colour.blue * 255))

    for shape in drawing.contents:
        if isinstance(shape, Rect) and shape.fillColor is not None:
            x0, x1 = shape.x * scale, (shape.x + shape.width) * scale
            paint.rectangle(
                (x0, y(shape.y + shape.height), x1, y(shape.y)), fill=rgb(shape.fillColor)
            )
        elif isinstance(shape, Line):
            paint.line(
                (shape.x1 * scale, y(shape.y1), shape.x2 * scale, y(shape.y2)),
                fill=rgb(shape.strokeColor),
                width=max(1, int(shape.strokeWidth * scale)),
            )
        elif isinstance(shape, String):
            size = shape.fontSize * scale
            if size not in fonts:
                fonts[size] = ImageFont.truetype(
                    str(font.path), int(size), index=font.subfont_index
                )
            paint.text(
                (shape.x * scale, y(shape.y)),
                shape.text,
                font=fonts[size],
                fill="black",
                anchor="ls",
            )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
