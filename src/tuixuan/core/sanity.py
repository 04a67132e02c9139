"""Sanity rules shared by the services: a fact dated in the future or before its stage began,
more people present than due, more due than there are members. Each rule returns
``(field, message)`` pairs so a form can show every message beside its field; ``fail``
raises them as one ``DomainError``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tuixuan.core import clock
from tuixuan.core.errors import DomainError

Problem = tuple[str | None, str]


def fail(problems: Sequence[Problem | str], error: type[DomainError] = DomainError) -> None:
    """Raise ``error`` with every problem; plain strings are about the form as a whole."""
    pairs: list[Problem] = [(None, p) if isinstance(p, str) else p for p in problems]
    if pairs:
        raise error(
            "；".join(m for _, m in pairs) + "。",
            field=pairs[0][0],
            errors=[(f, m + "。") for f, m in pairs],
        )


def date_problems(
    day: dt.date | None, *, field: str, what: str, earliest: dt.date | None, since: str
) -> list[Problem]:
    """``day`` is not after today and not before ``earliest`` (the day its stage began,
    described by ``since``)."""
    if day is None:
        return []
    today = clock.today()
    if day > today:
        return [
            (field, f"{what}{day.isoformat()}晚于今天（{today.isoformat()}），不能记录尚未发生的事")
        ]
    if earliest is not None and day < earliest:
        return [(field, f"{what}{day.isoformat()}早于{since}（{earliest.isoformat()}）")]
    return []


def attendance_problems(
    *,
    due: int,
    present: int,
    due_field: str,
    present_field: str,
    entitled: int | None = None,
    entitled_what: str = "",
) -> list[Problem]:
    """Present ≤ due, and due ≤ the people entitled to attend when that number is known."""
    problems: list[Problem] = []
    if present > due:
        problems.append((present_field, f"实到 {present} 人多于应到 {due} 人"))
    if entitled is not None and due > entitled:
        problems.append((due_field, f"应到 {due} 人多于{entitled_what} {entitled} 人"))
    return problems
