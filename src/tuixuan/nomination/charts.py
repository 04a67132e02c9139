"""A bar chart of structure results as inline SVG, drawn on the server (no script, no CDN)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from tuixuan.campaign.rules import structure
from tuixuan.nomination.domain import percent

WIDTH = 640
BAR = 22
GAP = 10
LABEL = 150
SCALE = WIDTH - LABEL - 80


def _x(share: Fraction) -> int:
    return LABEL + int(min(share, Fraction(1)) * SCALE)


def structure_bars(results: Sequence[structure.TargetResult]) -> SafeString:
    """One bar per target: the share reached, a tick at the threshold, green when met."""
    if not results:
        return SafeString("")
    height = len(results) * (BAR + GAP) + GAP
    rows = []
    for i, r in enumerate(results):
        y = GAP + i * (BAR + GAP)
        threshold = (
            r.target.threshold
            if r.target.base == structure.Base.SHARE
            else (Fraction(r.target.threshold) / r.total if r.total else Fraction(0))
        )
        rows.append(
            (
                y + BAR * 2 // 3,
                r.target.label,
                LABEL,
                y,
                max(_x(r.share) - LABEL, 1),
                BAR,
                "#2e7d32" if r.met else "#c62828",
                _x(threshold),
                y - 3,
                _x(threshold),
                y + BAR + 3,
                _x(r.share) + 6,
                y + BAR * 2 // 3,
                f"{percent(r.share)}（{r.count}/{r.total}）",
            )
        )
    body = format_html_join(
        "",
        '<text x="0" y="{}" font-size="13">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#000" stroke-width="2"></line>'
        '<text x="{}" y="{}" font-size="12">{}</text>',
        rows,
    )
    return format_html(
        '<svg class="structure-chart" role="img" aria-label="结构比例" width="{}" height="{}" '
        'viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        WIDTH,
        height,
        WIDTH,
        height,
        body,
    )
