from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuixuan.campaign.rules.margin import (
    MarginError,
    check_candidate_count,
    check_pool_size,
    minimum_candidates,
    pool_limit,
)


@pytest.mark.parametrize(
    ("seats", "ratio", "expected"),
    [
        (270, Fraction(1, 5), 324),
        (48, Fraction(3, 20), 56),
        (300, Fraction(1, 5), 360),
        (5, Fraction(1, 5), 6),
        (7, Fraction(1, 5), 9),  # 8.4 -> 9
        (10, Fraction(1, 10), 11),
        (0, Fraction(1, 5), 0),
        (13, Fraction(0), 13),
        (2296, Fraction(1, 5), 2756),  # 2755.2 -> 2756
    ],
)
def test_it_computes_minimum_candidates(seats: int, ratio: Fraction, expected: int) -> None:
    assert minimum_candidates(seats, ratio) == expected


def test_it_defaults_to_twenty_percent() -> None:
    assert minimum_candidates(270) == 324


def test_it_rejects_323_for_270_seats() -> None:
    assert check_candidate_count(323, 270, Fraction(1, 5)) == (
        "候选人 323 名，少于应有的 324 名（名额 270 名，差额比例 20%）"
    )
    assert check_candidate_count(324, 270, Fraction(1, 5)) is None
    assert check_candidate_count(400, 270, Fraction(1, 5)) is None


def test_it_writes_fractional_ratios_with_one_decimal() -> None:
    assert check_candidate_count(55, 48, Fraction(3, 20)) == (
        "候选人 55 名，少于应有的 56 名（名额 48 名，差额比例 15%）"
    )
    assert check_candidate_count(10, 10, Fraction(1, 8)) == (
        "候选人 10 名，少于应有的 12 名（名额 10 名，差额比例 12.5%）"
    )


@settings(deadline=None)
@given(st.integers(0, 5000), st.fractions(0, 1, max_denominator=100))
def test_it_is_the_least_count_meeting_the_margin(seats: int, ratio: Fraction) -> None:
    needed = minimum_candidates(seats, ratio)
    assert needed >= seats * (1 + ratio)
    assert needed - 1 < seats * (1 + ratio)
    assert check_candidate_count(needed, seats, ratio) is None
    if needed > 0:
        assert check_candidate_count(needed - 1, seats, ratio) is not None


@settings(deadline=None)
@given(st.integers(0, 5000), st.integers(0, 100))
def test_it_agrees_with_integer_ceiling(seats: int, percent: int) -> None:
    # ceil(seats * (100 + p) / 100) in pure integers.
    assert minimum_candidates(seats, Fraction(percent, 100)) == -(-seats * (100 + percent) // 100)


@pytest.mark.parametrize(
    ("seats", "multiple", "expected"),
    [
        (270, Fraction(8), 2160),
        (270, Fraction(17, 2), 2295),
        (7, Fraction(13, 10), 9),  # 9.1 -> 9: a ceiling rounds down
        (10, Fraction(13, 10), 13),
        (0, Fraction(8), 0),
    ],
)
def test_it_computes_the_pool_ceiling(seats: int, multiple: Fraction, expected: int) -> None:
    assert pool_limit(seats, multiple) == expected


def test_it_reports_an_oversized_pool() -> None:
    assert check_pool_size(2160, 270, Fraction(8)) is None
    assert check_pool_size(2161, 270, Fraction(8)) == (
        "推荐人选 2161 名，超过上限 2160 名（名额 270 名的 8 倍，多 1 名）"
    )
    assert check_pool_size(2300, 270, Fraction(17, 2)) == (
        "推荐人选 2300 名，超过上限 2295 名（名额 270 名的 8.5 倍，多 5 名）"
    )


@settings(deadline=None)
@given(st.integers(0, 5000), st.fractions(0, 20, max_denominator=100))
def test_it_floors_the_pool(seats: int, multiple: Fraction) -> None:
    assert pool_limit(seats, multiple) == math.floor(seats * multiple)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: minimum_candidates(-1, Fraction(1, 5)), "名额为 -1，不能为负数"),
        (lambda: minimum_candidates(10, Fraction(-1, 5)), "差额比例为 -20%，不能为负数"),
        (lambda: pool_limit(10, Fraction(-1)), "推荐人选倍数为 -1，不能为负数"),
        (lambda: pool_limit(-10, Fraction(8)), "名额为 -10，不能为负数"),
    ],
)
def test_it_refuses_negative_settings(call: object, message: str) -> None:
    with pytest.raises(MarginError) as info:
        call()  # type: ignore[operator]
    assert info.value.message == message
