"""Candidate margin (差额) and the ceiling of the recommendation pool.

差额: the candidate list must hold at least ``seats × (1 + ratio)`` people, rounded **up**,
because a margin "不少于 20%" is not met by a fraction of a person: 270 seats at 20% need
324 candidates (exactly 324), 48 seats at 15% need 55.2 → 56. The product is computed as a
``Fraction``, so 270 × 6/5 is exactly 324 and never 324.00000001 (which would round up to 325).

Pool ceiling: when recommendations are widened to a multiple of the seats (docs/domain.md §4.4:
"将推荐名额扩大 8 倍多"), the campaign sets the multiple and the pool may hold at most
``floor(seats × multiple)`` names; a ceiling is rounded **down** because a name beyond it would
exceed the multiple.
"""

from __future__ import annotations

from fractions import Fraction

from tuixuan.campaign.rules._format import decimal_text, percent_trimmed, round_half_up
from tuixuan.core.errors import DomainError

DEFAULT_MARGIN_RATIO = Fraction(1, 5)
"""差额 ratio for delegate candidates: at least 20% more candidates than seats."""


class MarginError(DomainError):
    """The margin setting itself is unusable (negative seats or ratio)."""


def _check(seats: int, factor: Fraction, what: str) -> None:
    if seats < 0:
        raise MarginError(f"名额为 {seats}，不能为负数")
    if factor < 0:
        raise MarginError(f"{what}为 {percent_trimmed(factor)}，不能为负数")


def minimum_candidates(seats: int, ratio: Fraction = DEFAULT_MARGIN_RATIO) -> int:
    """Smallest number of candidates meeting the margin: ``ceil(seats × (1 + ratio))``."""
    _check(seats, ratio, "差额比例")
    return int((seats * (1 + Fraction(ratio))).__ceil__())


def check_candidate_count(
    candidates: int, seats: int, ratio: Fraction = DEFAULT_MARGIN_RATIO
) -> str | None:
    """A Chinese message when the list is short of the margin, else ``None``."""
    needed = minimum_candidates(seats, ratio)
    if candidates >= needed:
        return None
    return (
        f"候选人 {candidates} 名，少于应有的 {needed} 名"
        f"（名额 {seats} 名，差额比例 {percent_trimmed(Fraction(ratio))}）"
    )


def pool_limit(seats: int, multiple: Fraction) -> int:
    """Largest pool allowed: ``floor(seats × multiple)``."""
    if multiple < 0:
        raise MarginError(f"推荐人选倍数为 {multiple}，不能为负数")
    if seats < 0:
        raise MarginError(f"名额为 {seats}，不能为负数")
    return int((seats * Fraction(multiple)).__floor__())


def _multiple_text(multiple: Fraction) -> str:
    multiple = Fraction(multiple)
    if multiple.denominator == 1:
        return f"{multiple.numerator} 倍"
    if round_half_up(multiple, 4) == multiple:
        return f"{decimal_text(multiple, 4).rstrip('0')} 倍"
    return f"{multiple} 倍"


def check_pool_size(pool: int, seats: int, multiple: Fraction) -> str | None:
    """A Chinese message when the pool exceeds its ceiling, else ``None``."""
    limit = pool_limit(seats, multiple)
    if pool <= limit:
        return None
    return (
        f"推荐人选 {pool} 名，超过上限 {limit} 名"
        f"（名额 {seats} 名的 {_multiple_text(multiple)}，多 {pool - limit} 名）"
    )
