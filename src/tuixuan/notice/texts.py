"""The text of a public notice (公示), generated from a template: the persons in surname-stroke
order (docs/domain.md §6.3) with gender, ethnicity, birth, education and post, the period
with its end date, and where objections go. Pure: no Django import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tuixuan.core.strokes import name_key


@dataclass(frozen=True, slots=True)
class NoticeRow:
    name: str
    gender: str
    """"男" or "女"."""
    ethnicity: str
    birth: dt.date | None
    education: str
    post: str


def in_stroke_order(rows: Sequence[NoticeRow]) -> list[NoticeRow]:
    return sorted(rows, key=lambda r: name_key(r.name))


def _day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _birth(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月生" if d is not None else ""


def person_line(row: NoticeRow) -> str:
    """ "张三，男，汉族，1980年5月生，大学本科，东河村党支部书记"."""
    parts = [row.name, row.gender, row.ethnicity, _birth(row.birth), row.education, row.post]
    return "，".join(p for p in parts if p)


def compose(
    *,
    campaign: str,
    unit: str,
    what: str,
    rows: Sequence[NoticeRow],
    scope: str,
    channels: Sequence[str],
    working_days: int,
    published_on: dt.date | None,
    ends_on: dt.date | None,
    contact_phone: str,
    contact_address: str,
) -> str:
    """The notice's text; before publication the dates read "发布之日" and "另行确定"."""
    start = _day(published_on) if published_on is not None else "发布之日"
    end = _day(ends_on) if ends_on is not None else "按工作日另行确定"
    lines = [
        f"关于{campaign}代表候选人{what}的公示",
        "",
        f"根据{campaign}代表选举工作的有关规定，经{unit}集体研究，确定以下同志为"
        f"{campaign}代表候选人{what}，现予以公示（{scope}，按姓氏笔画为序）：",
        "",
    ]
    lines += [f"{i}. {person_line(r)}" for i, r in enumerate(in_stroke_order(rows), start=1)]
    lines += [
        "",
        f"公示时间：{start}起至{end}止（{working_days} 个工作日）。"
        f"公示渠道：{'、'.join(channels)}。",
        "公示期间，党员和群众可以通过来信、来电、来访等方式，向公示单位反映公示对象在政治思想、"
        "道德品质、工作作风、廉洁自律等方面的情况和问题。反映问题应实事求是、客观公正，"
        "提倡署真实姓名；对反映的问题，将认真核实，并对反映人的情况严格保密。",
        f"受理电话：{contact_phone}",
        f"通信地址：{contact_address}",
        "",
        unit,
        _day(published_on) if published_on is not None else "（发布日期）",
    ]
    return "\n".join(lines)
