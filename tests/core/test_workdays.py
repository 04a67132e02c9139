from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuixuan.core.errors import DomainError
from tuixuan.core.workdays import (
    Calendar,
    DayOverride,
    UnknownYearError,
    default_calendar,
)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


CAL = Calendar()

# An entered 2027 schedule (test data, not the announced one): New Year on Friday 1 January,
# a Spring Festival week 5-11 February with Saturday 13 February worked in exchange.
OVERRIDES_2027 = [
    DayOverride(d("2027-01-01"), working=False, name="元旦"),
    *[
        DayOverride(d("2027-02-05") + dt.timedelta(days=i), working=False, name="春节")
        for i in range(7)
    ],
    DayOverride(d("2027-02-13"), working=True, name="春节"),
]
CAL_2027 = Calendar(OVERRIDES_2027, known_years=[2027])


@pytest.mark.parametrize(
    ("day", "working", "name"),
    [
        # Spring Festival 2026: 15-23 February off, Saturdays 14 and 28 February worked.
        ("2026-02-13", True, None),
        ("2026-02-14", True, "春节"),
        ("2026-02-15", False, "春节"),
        ("2026-02-16", False, "春节"),
        ("2026-02-23", False, "春节"),
        ("2026-02-24", True, None),
        ("2026-02-28", True, "春节"),
        # Mid-autumn 25-27 September, National Day 1-7 October; Sunday 20 September and
        # Saturday 10 October worked.
        ("2026-09-20", True, "国庆节"),
        ("2026-09-25", False, "中秋"),
        ("2026-09-26", False, "中秋"),
        ("2026-09-27", False, "中秋"),
        ("2026-09-28", True, None),
        ("2026-10-01", False, "国庆节"),
        ("2026-10-07", False, "国庆节"),
        ("2026-10-08", True, None),
        ("2026-10-10", True, "国庆节"),
        ("2026-10-11", False, None),
        # Plain days.
        ("2026-03-02", True, None),
        ("2026-03-07", False, None),
    ],
)
def test_it_knows_2026_from_the_package(day: str, working: bool, name: str | None) -> None:
    info = CAL.day_info(d(day))
    assert (info.working, info.name, info.source) == (working, name, "package")
    assert CAL.is_working_day(d(day)) is working


@pytest.mark.parametrize(
    ("start", "n", "end"),
    [
        # Published Monday 2 March 2026: Tue..Fri and Monday 9 March.
        ("2026-03-02", 5, "2026-03-09"),
        ("2026-03-02", 0, "2026-03-02"),
        ("2026-03-06", 1, "2026-03-09"),
        # Published Wednesday 30 September: the holiday week is skipped; Saturday 10 October
        # is worked; 8, 9, 10, 12, 13 October.
        ("2026-09-30", 5, "2026-10-13"),
        # Published Friday 18 September: Sunday 20 September counts; 20, 21, 22, 23, 24.
        ("2026-09-18", 5, "2026-09-24"),
        ("2026-09-24", 1, "2026-09-28"),
        # Published Thursday 12 February 2026: 13, Sat 14, then 24, 25, 26.
        ("2026-02-12", 5, "2026-02-26"),
        ("2026-02-12", 8, "2026-03-02"),  # 27, Sat 28, then Monday 2 March
        # Across the year end into an entered 2027 is tested below.
    ],
)
def test_it_adds_working_days_after_the_start(start: str, n: int, end: str) -> None:
    assert CAL.add_working_days(d(start), n) == d(end)
    assert CAL.working_days_between(d(start), d(end)) == n


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2026-09-30", "2026-10-08", 1),
        ("2026-09-30", "2026-10-11", 3),
        ("2026-02-13", "2026-02-24", 2),
        ("2026-03-02", "2026-03-02", 0),
        ("2026-03-09", "2026-03-02", -5),
    ],
)
def test_it_counts_working_days_in_a_half_open_range(a: str, b: str, expected: int) -> None:
    assert CAL.working_days_between(d(a), d(b)) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-09-30", "2026-10-08"),
        ("2026-10-09", "2026-10-10"),
        ("2026-02-13", "2026-02-14"),
        ("2026-02-14", "2026-02-24"),
        ("2026-03-02", "2026-03-03"),
    ],
)
def test_it_finds_the_next_working_day_strictly_after(day: str, expected: str) -> None:
    assert CAL.next_working_day(d(day)) == d(expected)


def test_it_refuses_a_year_nobody_entered() -> None:
    with pytest.raises(UnknownYearError) as info:
        CAL.is_working_day(d("2027-01-04"))
    assert info.value.message == "2027 年的节假日安排尚未录入，请先在系统中录入"
    assert info.value.year == 2027
    assert isinstance(info.value, DomainError)
    assert not CAL.is_known_year(2027)
    assert CAL.is_known_year(2026)


def test_it_refuses_to_run_off_the_end_of_the_known_calendar() -> None:
    # 28 Dec 2026 + 4 working days needs to know whether 1 January 2027 is worked.
    with pytest.raises(UnknownYearError, match="2027 年"):
        CAL.add_working_days(d("2026-12-28"), 4)
    assert CAL.add_working_days(d("2026-12-28"), 3) == d("2026-12-31")


def test_it_uses_entered_overrides_for_2027() -> None:
    assert not CAL_2027.is_working_day(d("2027-01-01"))
    assert CAL_2027.day_info(d("2027-02-08")).name == "春节"
    assert CAL_2027.day_info(d("2027-02-08")).source == "override"
    assert CAL_2027.is_working_day(d("2027-02-13"))  # a Saturday worked
    assert not CAL_2027.is_working_day(d("2027-02-14"))  # a plain Sunday
    assert CAL_2027.day_info(d("2027-03-01")).source == "weekday"
    # Published Thursday 4 February 2027: holiday week, then 12, Sat 13, 15, 16, 17.
    assert CAL_2027.add_working_days(d("2027-02-04"), 5) == d("2027-02-17")
    # Across the year end: 29, 30, 31 Dec 2026, then 1 January off, 4 and 5 January.
    assert CAL_2027.add_working_days(d("2026-12-28"), 5) == d("2027-01-05")
    with pytest.raises(UnknownYearError, match="2028 年"):
        CAL_2027.is_working_day(d("2028-01-03"))


def test_it_answers_an_entered_day_even_in_a_year_not_marked_known() -> None:
    calendar = Calendar(OVERRIDES_2027)
    assert not calendar.is_working_day(d("2027-01-01"))
    with pytest.raises(UnknownYearError):
        calendar.is_working_day(d("2027-01-04"))


def test_it_lets_overrides_correct_the_package() -> None:
    calendar = Calendar([DayOverride(d("2026-03-02"), working=False, name="临时调整")])
    assert not calendar.is_working_day(d("2026-03-02"))
    assert calendar.day_info(d("2026-03-02")).name == "临时调整"


def test_it_refuses_conflicting_overrides() -> None:
    with pytest.raises(DomainError, match="录入了两次且不一致"):
        Calendar(
            [
                DayOverride(d("2027-01-01"), working=False, name="元旦"),
                DayOverride(d("2027-01-01"), working=True, name="元旦"),
            ]
        )


def test_it_can_ignore_the_package() -> None:
    calendar = Calendar(known_years=[2026], use_package=False)
    assert calendar.is_working_day(d("2026-10-01"))  # plain Thursday without the package
    with pytest.raises(UnknownYearError):
        calendar.is_working_day(d("2025-10-01"))


def test_it_refuses_negative_counts() -> None:
    with pytest.raises(ValueError, match="negative"):
        CAL.add_working_days(d("2026-03-02"), -1)


def test_it_shares_one_default_calendar() -> None:
    assert default_calendar() is default_calendar()


dates_2026 = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 11, 30))


@settings(deadline=None)
@given(start=dates_2026, n=st.integers(0, 20))
def test_it_inverts_adding_by_counting(start: dt.date, n: int) -> None:
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    if n:
        assert CAL.is_working_day(end)
        assert CAL.working_days_between(start, end - dt.timedelta(days=1)) == n - 1


@settings(deadline=None)
@given(a=dates_2026, b=dates_2026, c=dates_2026)
def test_it_counts_additively(a: dt.date, b: dt.date, c: dt.date) -> None:
    assert CAL.working_days_between(a, b) + CAL.working_days_between(
        b, c
    ) == CAL.working_days_between(a, c)


@settings(deadline=None)
@given(day=dates_2026)
def test_it_agrees_with_weekdays_outside_the_announced_days(day: dt.date) -> None:
    info = CAL.day_info(day)
    if info.name is None:
        assert info.working == (day.weekday() < 5)
