"""Display of exact values. Rounding here only ever affects what is shown, never a decision."""

from __future__ import annotations

from fractions import Fraction


def round_half_up(value: Fraction, places: int = 0) -> Fraction:
    """Round the exact value half away from zero, as people round by hand (22.45 -> 22.5).

    Done on the Fraction itself, so 0.225 is exactly 0.225 and never 0.22499999.
    """
    scale = Fraction(10) ** places
    scaled = abs(value) * scale
    rounded = (scaled + Fraction(1, 2)).__floor__()
    sign = -1 if value < 0 else 1
    return Fraction(sign * rounded) / scale


def decimal_text(value: Fraction, places: int) -> str:
    """The value rounded half up and written with exactly ``places`` decimals."""
    rounded = round_half_up(value, places)
    scaled = int(abs(rounded) * 10**places)
    sign = "-" if rounded < 0 else ""
    if places == 0:
        return f"{sign}{scaled}"
    whole, frac = divmod(scaled, 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"


def percent(share: Fraction, places: int = 1) -> str:
    """A share as a percentage with fixed decimals: 9/40 -> "22.5%", 27/100 -> "27.0%"."""
    return f"{decimal_text(share * 100, places)}%"


def percent_trimmed(share: Fraction) -> str:
    """A setting such as a margin ratio: "20%" when whole, else one decimal ("12.5%")."""
    hundred = share * 100
    if hundred.denominator == 1:
        return f"{hundred.numerator}%"
    return percent(share, 1)
