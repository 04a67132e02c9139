"""差额 and the reduction of seats after a shortfall, in exact rational arithmetic."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuixuan.election.counting import margin_met, minimum_candidates, reduction_permissible


@pytest.mark.parametrize(
    ("seats", "ratio", "needed"),
    [
        (270, Fraction(1, 5), 324),
        (48, Fraction(15, 100), 56),  # 55.2 rounds up
        (5, Fraction(1, 5), 6),
        (1, Fraction(1, 5), 2),  # 1.2 rounds up
        (10, Fraction(0), 10),
        (0, Fraction(1, 5), 0),
        (3, Fraction(1, 3), 4),
    ],
)
def test_minimum_candidates(seats: int, ratio: Fraction, needed: int) -> None:
    assert minimum_candidates(seats, ratio) == needed


def test_it_accepts_324_and_rejects_323_for_270_seats() -> None:
    assert margin_met(270, 324)
    assert not margin_met(270, 323)


def test_it_rejects_negative_input() -> None:
    with pytest.raises(ValueError):
        minimum_candidates(-1)


@given(st.integers(min_value=0, max_value=5000), st.fractions(min_value=0, max_value=2))
def test_minimum_is_the_least_integer_at_or_above(seats: int, ratio: Fraction) -> None:
    needed = minimum_candidates(seats, ratio)
    assert needed >= seats * (1 + ratio) > needed - 1


@pytest.mark.parametrize(
    ("seats", "elected", "ratio", "allowed"),
    [
        (5, 3, Fraction(2, 3), False),  # 9 < 10
        (5, 4, Fraction(2, 3), True),
        (6, 4, Fraction(2, 3), True),  # exactly 2/3
        (6, 3, Fraction(2, 3), False),
        (6, 6, Fraction(2, 3), False),  # no shortfall, nothing to reduce
        (5, 3, Fraction(1, 2), True),
        (10, 9, Fraction(9, 10), True),
        (10, 8, Fraction(9, 10), False),
    ],
)
def test_reduction_permissible(seats: int, elected: int, ratio: Fraction, allowed: bool) -> None:
    assert reduction_permissible(seats=seats, elected=elected, ratio=ratio) is allowed


def test_the_default_closeness_is_two_thirds() -> None:
    assert reduction_permissible(seats=6, elected=4)
    assert not reduction_permissible(seats=6, elected=3)
