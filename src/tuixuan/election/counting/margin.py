"""差额: the candidate list must exceed the seats by a ratio, rounded up exactly."""

from __future__ import annotations

from fractions import Fraction

DEFAULT_MARGIN = Fraction(1, 5)


def minimum_candidates(seats: int, ratio: Fraction = DEFAULT_MARGIN) -> int:
    """``ceil(seats * (1 + ratio))`` in rational arithmetic: 48 seats at 15% is 55.2, so 56;
    a float product could land a hair above an integer and ask for one candidate too many."""
    if seats < 0 or ratio < 0:
        raise ValueError("seats and ratio must not be negative")
    needed = seats * (1 + Fraction(ratio))
    return -(-needed.numerator // needed.denominator)


def margin_met(seats: int, candidates: int, ratio: Fraction = DEFAULT_MARGIN) -> bool:
    return candidates >= minimum_candidates(seats, ratio)
