"""差额: the candidate list must exceed the seats by a ratio, rounded up exactly."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class BallotSize:
    """How a round's ballot stands against the 差额 (docs/domain.md §4.3).

    ``needed`` is the margin's least number; ``equal`` is a ballot of exactly as many
    candidates as seats (等额). ``ok`` holds when the margin is met, or when the ballot is
    等额 and 等额 is allowed for that round.
    """

    seats: int
    candidates: int
    needed: int
    equal: bool
    ok: bool


def ballot_size(
    seats: int, candidates: int, ratio: Fraction = DEFAULT_MARGIN, *, equal_allowed: bool = False
) -> BallotSize:
    """The margin check of a round's ballot. A ballot with fewer candidates than seats is
    never allowed; a 等额 ballot only where ``equal_allowed`` (the caller decides: the
    rules leave it open to a 补选 alone, and the campaign must allow it)."""
    if candidates < 0:
        raise ValueError("candidates must not be negative")
    needed = minimum_candidates(seats, ratio)
    equal = candidates == seats
    return BallotSize(
        seats=seats,
        candidates=candidates,
        needed=needed,
        equal=equal,
        ok=candidates >= needed or (equal and equal_allowed and seats > 0),
    )
