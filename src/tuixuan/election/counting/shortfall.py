"""What may follow a shortfall: 另行选举 for the missing seats, or fewer seats.

Reducing the seats is allowed only when those elected are close to the seats and the
electors (more than half) or the 主席团 agree; "close" is a campaign setting, two thirds by
default. The agreement itself is a recorded decision of the meeting, not a rule, so it is
the caller's to check.
"""

from __future__ import annotations

from fractions import Fraction

DEFAULT_REDUCTION_RATIO = Fraction(2, 3)


def reduction_permissible(
    *, seats: int, elected: int, ratio: Fraction = DEFAULT_REDUCTION_RATIO
) -> bool:
    if seats < 0 or elected < 0 or ratio < 0:
        raise ValueError("seats, elected and ratio must not be negative")
    ratio = Fraction(ratio)
    if elected >= seats:
        return False
    return elected * ratio.denominator >= seats * ratio.numerator
