"""The Chinese working-day calendar, used for notice periods (公示不少于五个工作日) and deadlines.

Two sources, the caller's overrides first:

1. explicit overrides (date → working day or holiday, with a name), as entered in the system
   for years the State Council has announced after the installed ``chinesecalendar`` release,
   or to correct it;
2. the ``chinesecalendar`` package (statutory holidays and make-up working days, 2004–2026 in
   release 1.11.0), which raises ``NotImplementedError`` for any year it does not know.

A year known to neither (not in the package, not listed in ``known_years``) raises
``UnknownYearError`` instead of silently treating every weekday as a working day: the
schedule is only published in November of the year before, and a notice period computed
without it could be a week short. In a year listed in ``known_years``, days without an
override follow the plain week (Monday–Friday working).

Counting convention: a period of n working days "from" a date starts the day **after** it
(民法典第二百零一条: 开始的当日不计入，自下一日开始计算). ``add_working_days(start, n)`` is
the n-th working day strictly after ``start``, the last day of the period, inclusive; a notice
published on ``start`` for "不少于五个工作日" may end no earlier than
``add_working_days(start, 5)``. ``working_days_between(a, b)`` counts working days in
``(a, b]``, so ``working_days_between(s, add_working_days(s, n)) == n``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass

import chinese_calendar

from tuixuan.core.errors import DomainError

_ONE_DAY = dt.timedelta(days=1)


class UnknownYearError(DomainError):
    """The holiday schedule of a year has not been entered yet."""

    def __init__(self, year: int) -> None:
        super().__init__(f"{year} 年的节假日安排尚未录入，请先在系统中录入")
        self.year = year


@dataclass(frozen=True, slots=True)
class DayOverride:
    """One day as announced: a holiday (``working=False``) or a make-up working day."""

    date: dt.date
    working: bool
    name: str


@dataclass(frozen=True, slots=True)
class DayInfo:
    date: dt.date
    working: bool
    name: str | None
    """Holiday name, or the holiday a make-up working day belongs to; None for ordinary days."""
    source: str
    """"override", "package" or "weekday"."""


def _package_day(day: dt.date) -> tuple[bool, str | None] | None:
    """(working, Chinese name) from the package, or None when it does not know the year."""
    try:
        is_holiday, english = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    name: str | None = None
    if english is not None:
        try:
            name = str(chinese_calendar.Holiday(english).chinese)
        except ValueError:
            name = str(english)
    return (not bool(is_holiday)), name


class Calendar:
    """Answers whether a date is a working day; immutable once built."""

    def __init__(
        self,
        overrides: Iterable[DayOverride] = (),
        *,
        known_years: Iterable[int] = (),
        use_package: bool = True,
    ) -> None:
        self._overrides: dict[dt.date, DayOverride] = {}
        for override in overrides:
            if override.date in self._overrides:
                previous = self._overrides[override.date]
                if previous != override:
                    raise DomainError(f"{override.date.isoformat()} 的节假日安排录入了两次且不一致")
            self._overrides[override.date] = override
        self._known_years = frozenset(known_years)
        self._use_package = use_package

    def is_known_year(self, year: int) -> bool:
        if year in self._known_years:
            return True
        return self._use_package and _package_day(dt.date(year, 6, 30)) is not None

    def day_info(self, day: dt.date) -> DayInfo:
        if isinstance(day, dt.datetime):
            day = day.date()
        override = self._overrides.get(day)
        if override is not None:
            return DayInfo(day, override.working, override.name, "override")
        if self._use_package:
            found = _package_day(day)
            if found is not None:
                return DayInfo(day, found[0], found[1], "package")
        if day.year in self._known_years:
            return DayInfo(day, day.weekday() < 5, None, "weekday")
        raise UnknownYearError(day.year)

    def is_working_day(self, day: dt.date) -> bool:
        return self.day_info(day).working

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day strictly after ``start`` (``start`` itself for n = 0)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        while n:
            day += _ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in ``(start, end]``; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += _ONE_DAY
            count += self.is_working_day(day)
        return count


@functools.cache
def default_calendar() -> Calendar:
    """The package-only calendar, for callers that have no overrides to add."""
    return Calendar()
