from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuixuan.campaign.rules.allocation import (
    DEFAULT_MEMBER_WEIGHT,
    AllocationError,
    UnitInput,
    allocate_seats,
    validate_allocation,
)
from tuixuan.core.errors import DomainError


def units(*rows: tuple[str, int, int]) -> list[UnitInput]:
    return [UnitInput(key, members, orgs) for key, members, orgs in rows]


@pytest.mark.parametrize(
    ("total", "rows", "weight", "minimum", "expected"),
    [
        # Members only: 10 seats over 6/3/1 members is exact.
        (10, [("a", 60, 0), ("b", 30, 0), ("c", 10, 0)], Fraction(1), 0, [6, 3, 1]),
        # Hamilton: quotas 4.2857 / 2.857 / 2.857 (members 3:2:2 of 10): remainders .2857/.857/.857
        (10, [("a", 30, 0), ("b", 20, 0), ("c", 20, 0)], Fraction(1), 0, [4, 3, 3]),
        # Minimum first: 2 each, then 4 seats by members 1:1:2 -> 1, 1, 2.
        (10, [("a", 10, 1), ("b", 10, 1), ("c", 20, 1)], Fraction(1), 2, [3, 3, 4]),
        # Organisations only.
        (9, [("a", 1000, 1), ("b", 1, 2)], Fraction(0), 0, [3, 6]),
        # Default weight 4/5 members + 1/5 organisations, minimum 2 (see the docs' example).
        (
            20,
            [("甲", 1000, 10), ("乙", 500, 20), ("丙", 300, 3)],
            DEFAULT_MEMBER_WEIGHT,
            2,
            [9, 7, 4],
        ),
        # Total equals the minimums: nothing proportional, even with no members at all.
        (6, [("a", 0, 0), ("b", 0, 0), ("c", 0, 0)], Fraction(4, 5), 2, [2, 2, 2]),
        # Every unit has zero members: organisations carry the whole weight.
        (4, [("a", 0, 1), ("b", 0, 3)], Fraction(4, 5), 0, [1, 3]),
    ],
)
def test_it_allocates_table(
    total: int,
    rows: list[tuple[str, int, int]],
    weight: Fraction,
    minimum: int,
    expected: list[int],
) -> None:
    result = allocate_seats(total, units(*rows), member_weight=weight, minimum=minimum)
    assert [u.seats for u in result.units] == expected
    assert sum(u.seats for u in result.units) == total


def test_it_breaks_equal_remainders_by_membership_then_key() -> None:
    # Weighted shares equal (members and organisations trade off) but members differ.
    # z: 3 members 1 org; a: 1 member 3 orgs; weight 1/2 -> equal shares 1/2 each, 1 seat.
    # The larger membership wins although its key sorts last.
    result = allocate_seats(
        1, units(("z", 3, 1), ("a", 1, 3)), member_weight=Fraction(1, 2), minimum=0
    )
    assert result.units[0].remainder == result.units[1].remainder
    assert result.seats_by_key() == {"z": 1, "a": 0}
    # Same membership: the key decides, in code-point order.
    result = allocate_seats(1, units(("y", 5, 1), ("x", 5, 1)), member_weight=Fraction(1))
    assert result.seats_by_key() == {"y": 0, "x": 1}


def test_it_shows_its_working() -> None:
    result = allocate_seats(20, units(("甲", 1000, 10), ("乙", 500, 20), ("丙", 300, 3)), minimum=2)
    yi = result.units[1]
    assert yi.weighted_share == Fraction(4, 5) * Fraction(500, 1800) + Fraction(1, 5) * Fraction(
        20, 33
    )
    assert yi.quota == Fraction(476, 99)
    assert (yi.floor, yi.remainder, yi.remainder_seat, yi.rank) == (4, Fraction(80, 99), 1, 1)
    assert result.proportional_seats == 14
    assert (result.floor_seats, result.remainder_seats) == (13, 1)
    assert result.explanation[0] == (
        "代表总名额 20 名，选举单位 3 个，每单位保底 2 名，共 6 名；其余 14 名按比例分配。"
    )
    assert "乙：党员 500 名，党组织 20 个" in result.explanation[4]
    assert "按余数补 1 名；合计 7 名（保底 2 + 整数 4 + 余数 1）。" in result.explanation[4]
    assert "精确值 476/99" in result.explanation[4]


@pytest.mark.parametrize(
    ("total", "rows", "minimum", "weight", "message"),
    [
        (5, [], 0, Fraction(4, 5), "没有选举单位，无法分配名额"),
        (
            5,
            [("a", 1, 1), ("b", 1, 1), ("c", 1, 1)],
            2,
            Fraction(4, 5),
            "代表总名额 5 名，少于 3 个选举单位每单位最少 2 名所需的 6 名",
        ),
        (-1, [("a", 1, 1)], 0, Fraction(4, 5), "代表总名额为 -1，不能为负数"),
        (5, [("a", -3, 1)], 0, Fraction(4, 5), "选举单位“a”的党员数为 -3，不能为负数"),
        (5, [("a", 3, -1)], 0, Fraction(4, 5), "选举单位“a”的党组织数为 -1，不能为负数"),
        (5, [("a", 3, 1)], -1, Fraction(4, 5), "每单位最少名额为 -1，不能为负数"),
        (5, [("a", 3, 1)], 0, Fraction(6, 5), "党员数权重为 6/5，应在 0 与 1 之间"),
        (5, [("a", 3, 1), ("a", 3, 1)], 0, Fraction(4, 5), "选举单位“a”重复出现"),
        (
            5,
            [("a", 0, 0), ("b", 0, 0)],
            1,
            Fraction(4, 5),
            "各选举单位的党员数和党组织数均为 0，无法按比例分配名额",
        ),
    ],
)
def test_it_refuses_bad_input(
    total: int, rows: list[tuple[str, int, int]], minimum: int, weight: Fraction, message: str
) -> None:
    with pytest.raises(AllocationError) as info:
        allocate_seats(total, units(*rows), minimum=minimum, member_weight=weight)
    assert info.value.message == message
    assert isinstance(info.value, DomainError)


unit_lists = st.lists(
    st.tuples(st.integers(0, 50_000), st.integers(0, 300)), min_size=1, max_size=30
).filter(lambda rows: sum(m for m, _ in rows) > 0)


@settings(deadline=None)
@given(
    rows=unit_lists,
    extra=st.integers(0, 800),
    minimum=st.integers(0, 5),
    weight=st.fractions(0, 1, max_denominator=20),
)
def test_it_always_adds_up_and_respects_quotas(
    rows: list[tuple[int, int]], extra: int, minimum: int, weight: Fraction
) -> None:
    inputs = [UnitInput(f"u{i:02d}", m, o) for i, (m, o) in enumerate(rows)]
    total = minimum * len(inputs) + extra
    result = allocate_seats(total, inputs, member_weight=weight, minimum=minimum)
    assert sum(u.seats for u in result.units) == total
    assert sum(u.quota for u in result.units) == extra
    for u in result.units:
        assert u.seats >= minimum
        # Quota property of Hamilton: between floor and ceiling of the exact quota.
        assert minimum + u.quota.__floor__() <= u.seats <= minimum + u.quota.__ceil__()
        assert u.remainder == u.quota - u.floor
        assert 0 <= u.remainder < 1
    # Remainder seats go to the largest remainders: no unpaid remainder beats a paid one.
    paid = [u.remainder for u in result.units if u.remainder_seat]
    unpaid = [u.remainder for u in result.units if not u.remainder_seat]
    if paid and unpaid:
        assert min(paid) >= max(unpaid)


@settings(deadline=None)
@given(rows=unit_lists, extra=st.integers(0, 300))
def test_it_is_deterministic_whatever_the_input_order(
    rows: list[tuple[int, int]], extra: int
) -> None:
    inputs = [UnitInput(f"u{i:02d}", m, o) for i, (m, o) in enumerate(rows)]
    forward = allocate_seats(extra, inputs).seats_by_key()
    backward = allocate_seats(extra, list(reversed(inputs))).seats_by_key()
    assert forward == backward


@settings(deadline=None)
@given(rows=unit_lists, extra=st.integers(0, 300))
def test_it_never_takes_a_seat_from_a_larger_unit_with_organisations_equal(
    rows: list[tuple[int, int]], extra: int
) -> None:
    inputs = [UnitInput(f"u{i:02d}", m, 1) for i, (m, _) in enumerate(rows)]
    result = allocate_seats(extra, inputs)
    by_members = sorted(result.units, key=lambda u: u.members)
    for smaller, larger in itertools.pairwise(by_members):
        if smaller.members < larger.members:
            assert smaller.seats <= larger.seats


@pytest.mark.parametrize(
    ("seats", "kwargs", "expected"),
    [
        ({"a": 100, "b": 170}, {}, []),
        ({"a": 100, "b": 168}, {}, ["各选举单位名额合计 268，与代表总名额 270 不符（差 2 名）"]),
        ({"a": 100, "b": 172}, {}, ["各选举单位名额合计 272，与代表总名额 270 不符（多 2 名）"]),
        ({"a": -1, "b": 271}, {}, ["选举单位“a”的名额为 -1，不能为负数"]),
        (
            {"a": 1, "b": 269},
            {"minimum": 2},
            ["选举单位“a”的名额 1 名，少于每单位最少 2 名，须说明理由"],
        ),
        ({"a": 1, "b": 269}, {"minimum": 2, "reasons": {"a": "党员人数少，经研究同意"}}, []),
        (
            {"a": 1, "b": 269},
            {"minimum": 2, "reasons": {"a": "  "}},
            ["选举单位“a”的名额 1 名，少于每单位最少 2 名，须说明理由"],
        ),
        (
            {"a": 270, "x": 0},
            {"unit_keys": ["a", "b"]},
            ["选举单位“b”未分配名额", "“x”不是本次推选工作的选举单位"],
        ),
    ],
)
def test_it_validates_hand_adjusted_allocations(
    seats: dict[str, int], kwargs: dict[str, object], expected: list[str]
) -> None:
    assert validate_allocation(seats, total_seats=270, **kwargs) == expected  # type: ignore[arg-type]


@settings(deadline=None)
@given(rows=unit_lists, extra=st.integers(0, 300), minimum=st.integers(0, 3))
def test_it_accepts_its_own_allocations(
    rows: list[tuple[int, int]], extra: int, minimum: int
) -> None:
    inputs = [UnitInput(f"u{i:02d}", m, o) for i, (m, o) in enumerate(rows)]
    total = extra + minimum * len(inputs)
    result = allocate_seats(total, inputs, minimum=minimum)
    assert validate_allocation(result.seats_by_key(), total_seats=total, minimum=minimum) == []
