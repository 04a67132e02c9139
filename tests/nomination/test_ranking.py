"""The ranking a level decides from (docs/domain.md §3.2): organisations first, then votes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuixuan.nomination import ranking

# (the names each counted organisation put forward, the subtree's votes) → the order
CASES = [
    pytest.param([{1}, {2}], {1: (3, 0), 2: (5, 0)}, [2, 1], id="one organisation each: votes"),
    pytest.param(
        [{1, 2}, {1}], {1: (3, 0), 2: (50, 0)}, [1, 2], id="more organisations beat more votes"
    ),
    pytest.param(
        [{1}, {2}], {1: (4, 0), 2: (4, 2)}, [2, 1], id="probationary votes only break a tie"
    ),
    pytest.param(
        [{7}, {3}], {7: (4, 0), 3: (4, 0)}, [3, 7], id="then the person, for a total order"
    ),
    pytest.param([{1}], {1: (2, 0), 9: (80, 0)}, [1], id="a name nobody counted put forward"),
    pytest.param([[1, 1], {2}], {1: (2, 0), 2: (1, 0)}, [1, 2], id="a name twice on a list"),
    pytest.param([], {1: (5, 0)}, [], id="nothing counted"),
]


@pytest.mark.parametrize(("put_forward", "votes", "order"), CASES)
def test_the_rule(
    put_forward: list[set[int]], votes: dict[int, tuple[int, int]], order: list[int]
) -> None:
    assert [s.person for s in ranking.rank(put_forward, votes)] == order


def test_the_counts_are_kept() -> None:
    got = ranking.rank([{1, 2}, {1}, {1}], {1: (9, 1), 2: (4, 0)})
    assert got == [ranking.Standing(1, 3, 9, 1), ranking.Standing(2, 1, 4, 0)]


def test_changes_name_who_leaves_and_enters_the_first_places() -> None:
    before = ranking.rank([{1}, {2}, {3}], {1: (9, 0), 2: (8, 0), 3: (1, 0)})
    after = ranking.rank([{1}, {2}, {3}, {3}, {3}], {1: (9, 0), 2: (8, 0), 3: (3, 0)})
    assert ranking.changes(before, after, 2) == ([2], [3])
    assert ranking.changes(before, after, 3) == ([], [])
    # A person who cannot be listed takes no place.
    assert ranking.changes(before, after, 2, excluded={3}) == ([], [])


people = st.integers(min_value=1, max_value=12)
lists = st.lists(st.sets(people, max_size=6), min_size=1, max_size=8)
tallies = st.dictionaries(people, st.tuples(st.integers(0, 500), st.integers(0, 50)), max_size=12)


@given(lists, tallies, people, people)
def test_a_name_on_every_child_list_ranks_above_a_name_on_fewer_or_none(
    put_forward: list[set[int]],
    votes: dict[int, tuple[int, int]],
    everywhere: int,
    nowhere: int,
) -> None:
    if everywhere == nowhere:
        return
    children = [(names - {nowhere}) | {everywhere} for names in put_forward]
    # ``nowhere`` on one list, ``everywhere`` on all: it ranks higher whatever the votes.
    children.append({nowhere, everywhere})
    order = [s.person for s in ranking.rank(children, votes)]
    assert order.index(everywhere) < order.index(nowhere)
    only_on_none = ranking.rank([(n - {nowhere}) | {everywhere} for n in put_forward], votes)
    assert nowhere not in [s.person for s in only_on_none]


@given(lists, tallies)
def test_the_order_is_by_organisations_then_votes(
    put_forward: list[set[int]], votes: dict[int, tuple[int, int]]
) -> None:
    got = ranking.rank(put_forward, votes)
    keys = [(-s.organisations, -s.votes, -s.probationary_votes, s.person) for s in got]
    assert keys == sorted(keys)
    assert {s.person for s in got} == set().union(*put_forward)
    for s in got:
        assert s.organisations == sum(s.person in names for names in put_forward)
