"""Allocation of delegate seats (名额分配) to election units.

The regulations say seats go to election units "by the number of subordinate organisations,
membership and breadth of representation" without a formula. This module fixes one that can be
explained line by line to the convening committee:

1. every unit first receives the minimum (保底名额);
2. the remaining seats are shared in proportion to a weighted share
   ``w × members_i / Σmembers + (1 − w) × organisations_i / Σorganisations``;
3. each unit keeps the whole part (floor) of its quota;
4. the seats still left go one each to the units with the largest remainders (Hamilton's
   largest-remainder method). Equal remainders are ordered by larger membership, then by the
   unit's key in code-point order, so the same input always gives the same result.

Arithmetic is exact (``Fraction``): a remainder of 1/3 is never confused with 0.3333.

The default weight is 4/5 for membership and 1/5 for organisations: membership is what a
delegate represents, while the organisation term keeps small units with many branches (e.g.
a 乡镇党委 with scattered village branches) from being reduced to their minimum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from tuixuan.campaign.rules._format import decimal_text, percent
from tuixuan.core.errors import DomainError

DEFAULT_MEMBER_WEIGHT = Fraction(4, 5)
"""Share of the weight given to membership; organisations get ``1 - DEFAULT_MEMBER_WEIGHT``."""


class AllocationError(DomainError):
    """The allocation input cannot be allocated; the message says which unit and why."""


@dataclass(frozen=True, slots=True)
class UnitInput:
    """One election unit as seen by the allocation: its key, members and organisations."""

    key: str
    members: int
    organisations: int


@dataclass(frozen=True, slots=True)
class UnitAllocation:
    """The working for one unit, so the committee can check every step."""

    key: str
    members: int
    organisations: int
    minimum: int
    weighted_share: Fraction
    """The unit's share of the proportional part, between 0 and 1."""
    quota: Fraction
    """Exact proportional entitlement: ``weighted_share × seats left after the minimums``."""
    floor: int
    remainder: Fraction
    remainder_seat: int
    """1 if the unit received a seat for its remainder, else 0."""
    rank: int
    """Position in the largest-remainder order (1 = first served)."""
    seats: int
    """Final seats: ``minimum + floor + remainder_seat``."""


@dataclass(frozen=True, slots=True)
class AllocationResult:
    total_seats: int
    minimum: int
    member_weight: Fraction
    proportional_seats: int
    """Seats shared proportionally (total less the minimums)."""
    floor_seats: int
    remainder_seats: int
    units: tuple[UnitAllocation, ...]
    explanation: tuple[str, ...]

    def seats_by_key(self) -> dict[str, int]:
        return {unit.key: unit.seats for unit in self.units}


def _check_input(
    total_seats: int, units: Sequence[UnitInput], member_weight: Fraction, minimum: int
) -> None:
    if not units:
        raise AllocationError("没有选举单位，无法分配名额")
    if total_seats < 0:
        raise AllocationError(f"代表总名额为 {total_seats}，不能为负数")
    if minimum < 0:
        raise AllocationError(f"每单位最少名额为 {minimum}，不能为负数")
    if not 0 <= member_weight <= 1:
        raise AllocationError(f"党员数权重为 {member_weight}，应在 0 与 1 之间")
    seen: set[str] = set()
    for unit in units:
        if unit.key in seen:
            raise AllocationError(f"选举单位“{unit.key}”重复出现")
        seen.add(unit.key)
        if unit.members < 0:
            raise AllocationError(f"选举单位“{unit.key}”的党员数为 {unit.members}，不能为负数")
        if unit.organisations < 0:
            raise AllocationError(
                f"选举单位“{unit.key}”的党组织数为 {unit.organisations}，不能为负数"
            )
    needed = len(units) * minimum
    if total_seats < needed:
        raise AllocationError(
            f"代表总名额 {total_seats} 名，少于 {len(units)} 个选举单位"
            f"每单位最少 {minimum} 名所需的 {needed} 名"
        )


def _weights(units: Sequence[UnitInput], member_weight: Fraction) -> tuple[Fraction, Fraction]:
    """Effective weights; a term whose total is zero carries no information and gives way."""
    total_members = sum(u.members for u in units)
    total_orgs = sum(u.organisations for u in units)
    if total_members == 0 and total_orgs == 0:
        return Fraction(0), Fraction(0)
    if total_members == 0:
        return Fraction(0), Fraction(1)
    if total_orgs == 0:
        return Fraction(1), Fraction(0)
    return member_weight, 1 - member_weight


def allocate_seats(
    total_seats: int,
    units: Sequence[UnitInput],
    *,
    member_weight: Fraction = DEFAULT_MEMBER_WEIGHT,
    minimum: int = 0,
) -> AllocationResult:
    """Allocate ``total_seats`` to ``units`` by minimum + weighted largest remainder.

    If every unit has zero members, only organisations count (and vice versa). If both are zero
    everywhere while seats remain to share, there is no basis for a proportion and an
    ``AllocationError`` is raised.
    """
    _check_input(total_seats, units, member_weight, minimum)
    rest = total_seats - len(units) * minimum
    w_members, w_orgs = _weights(units, member_weight)
    if rest > 0 and w_members == 0 and w_orgs == 0:
        raise AllocationError("各选举单位的党员数和党组织数均为 0，无法按比例分配名额")
    total_members = sum(u.members for u in units)
    total_orgs = sum(u.organisations for u in units)

    shares: list[Fraction] = []
    for unit in units:
        share = Fraction(0)
        if w_members:
            share += w_members * Fraction(unit.members, total_members)
        if w_orgs:
            share += w_orgs * Fraction(unit.organisations, total_orgs)
        shares.append(share)
    quotas = [share * rest for share in shares]
    floors = [q.__floor__() for q in quotas]
    remainders = [q - f for q, f in zip(quotas, floors, strict=True)]
    left = rest - sum(floors)

    order = sorted(
        range(len(units)),
        key=lambda i: (-remainders[i], -units[i].members, units[i].key),
    )
    rank = {index: position + 1 for position, index in enumerate(order)}
    extra = {index: (1 if rank[index] <= left else 0) for index in range(len(units))}

    allocations = tuple(
        UnitAllocation(
            key=unit.key,
            members=unit.members,
            organisations=unit.organisations,
            minimum=minimum,
            weighted_share=shares[i],
            quota=quotas[i],
            floor=floors[i],
            remainder=remainders[i],
            remainder_seat=extra[i],
            rank=rank[i],
            seats=minimum + floors[i] + extra[i],
        )
        for i, unit in enumerate(units)
    )
    explanation = _explain(
        total_seats, minimum, rest, w_members, w_orgs, allocations, sum(floors), left
    )
    return AllocationResult(
        total_seats=total_seats,
        minimum=minimum,
        member_weight=w_members,
        proportional_seats=rest,
        floor_seats=sum(floors),
        remainder_seats=left,
        units=allocations,
        explanation=explanation,
    )


def _explain(
    total_seats: int,
    minimum: int,
    rest: int,
    w_members: Fraction,
    w_orgs: Fraction,
    units: tuple[UnitAllocation, ...],
    floor_seats: int,
    left: int,
) -> tuple[str, ...]:
    lines = [
        f"代表总名额 {total_seats} 名，选举单位 {len(units)} 个，每单位保底 {minimum} 名，"
        f"共 {minimum * len(units)} 名；其余 {rest} 名按比例分配。",
        f"分配依据：党员数权重 {w_members}（{percent(w_members)}），"
        f"党组织数权重 {w_orgs}（{percent(w_orgs)}）。",
        f"各单位按应得名额的整数部分共分得 {floor_seats} 名，剩余 {left} 名按余数从大到小"
        "依次各分 1 名（余数相同时党员数多者优先，再按单位名称排序）。",
    ]
    for unit in units:
        line = (
            f"{unit.key}：党员 {unit.members} 名，党组织 {unit.organisations} 个，"
            f"加权占比 {percent(unit.weighted_share, 2)}，应得 {decimal_text(unit.quota, 4)} 名"
            f"（精确值 {unit.quota}），整数部分 {unit.floor} 名，余数 "
            f"{decimal_text(unit.remainder, 4)}（第 {unit.rank} 位）"
        )
        line += "，按余数补 1 名" if unit.remainder_seat else "，未补"
        line += (
            f"；合计 {unit.seats} 名（保底 {unit.minimum} + 整数 {unit.floor}"
            f" + 余数 {unit.remainder_seat}）。"
        )
        lines.append(line)
    return tuple(lines)


def validate_allocation(
    seats: Mapping[str, int],
    *,
    total_seats: int,
    minimum: int = 0,
    reasons: Mapping[str, str] | None = None,
    unit_keys: Sequence[str] | None = None,
) -> list[str]:
    """Check a hand-adjusted allocation; return Chinese error messages, empty when it is fine.

    A unit may go below ``minimum`` only with a non-blank entry in ``reasons`` (the committee's
    recorded reason); it may never go below zero. When ``unit_keys`` is given, every unit of the
    campaign must appear and no other key may.
    """
    errors: list[str] = []
    reasons = reasons or {}
    if unit_keys is not None:
        known = set(unit_keys)
        errors.extend(f"选举单位“{key}”未分配名额" for key in unit_keys if key not in seats)
        errors.extend(f"“{key}”不是本次推选工作的选举单位" for key in seats if key not in known)
    for key, value in seats.items():
        if value < 0:
            errors.append(f"选举单位“{key}”的名额为 {value}，不能为负数")
        elif value < minimum and not reasons.get(key, "").strip():
            errors.append(
                f"选举单位“{key}”的名额 {value} 名，少于每单位最少 {minimum} 名，须说明理由"
            )
    total = sum(seats.values())
    if total != total_seats:
        diff = total_seats - total
        gap = f"差 {diff} 名" if diff > 0 else f"多 {-diff} 名"
        errors.append(f"各选举单位名额合计 {total}，与代表总名额 {total_seats} 不符（{gap}）")
    return errors
