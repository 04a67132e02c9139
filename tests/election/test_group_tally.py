"""A hand-counted group's totals count exactly like the ballots they were added up from."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.election.test_counting_properties import CANDIDATES, ballots
from tuixuan.election.counting import (
    Ballot,
    GroupTally,
    Profile,
    Round,
    ballot_valid,
    check_tally,
    count_round,
    effective_write_ins,
)


def _tally(pile: list[Ballot], seats: int) -> GroupTally:
    """What the tellers of a 唱票 group write down: valid ballots only, summed."""
    valid = [b for b in pile if ballot_valid(b, seats)]
    in_favour: Counter[str] = Counter()
    against: Counter[str] = Counter()
    written: Counter[str] = Counter()
    for b in valid:
        for name in b.in_favour:
            in_favour[name] += b.count
        for name in b.against:
            against[name] += b.count
        for w in effective_write_ins(b):
            written[w.name] += b.count
    return GroupTally(
        valid=sum(b.count for b in valid),
        void=sum(b.count for b in pile if not ballot_valid(b, seats)),
        in_favour=tuple(in_favour.items()),
        against=tuple(against.items()),
        write_ins=tuple(written.items()),
    )


@settings(max_examples=150, deadline=None)
@given(
    st.lists(ballots(), max_size=8),
    st.lists(ballots(), max_size=8),
    st.integers(min_value=1, max_value=4),
    st.sampled_from(list(Profile)),
)
def test_a_group_counted_by_hand_gives_the_result_of_its_ballots(
    entered: list[Ballot], by_hand: list[Ballot], seats: int, profile: Profile
) -> None:
    voters = sum(b.count for b in entered + by_hand)

    def round_of(pile: list[Ballot], tallies: tuple[GroupTally, ...] = ()) -> Round:
        return Round(
            profile=profile,
            seats=seats,
            due_voters=voters + 3,
            present_voters=voters + 1,
            ballots_issued=voters + 1,
            candidates=CANDIDATES,
            ballots=tuple(pile),
            tallies=tallies,
        )

    one_by_one = count_round(round_of(entered + by_hand))
    tally = _tally(by_hand, seats)
    check_tally(tally, candidates=CANDIDATES, seats=seats)
    assert count_round(round_of(entered, (tally,))) == one_by_one


@pytest.mark.parametrize(
    "tally",
    [
        GroupTally(valid=2, in_favour=(("甲", 3),)),
        GroupTally(valid=2, in_favour=(("甲", 2),), against=(("甲", 1),)),
        GroupTally(valid=2, in_favour=(("甲", 2), ("乙", 2))),  # 4 > 2 valid x 1 seat
        GroupTally(valid=2, against=(("甲", 1),), write_ins=(("新人", 2),)),
        GroupTally(valid=2, in_favour=(("无名", 1),)),
        GroupTally(valid=2, write_ins=(("甲", 1),)),
        GroupTally(valid=-1),
    ],
)
def test_impossible_totals_are_refused_by_the_rules(tally: GroupTally) -> None:
    with pytest.raises(ValueError, match="group"):
        check_tally(tally, candidates=("甲", "乙"), seats=1)
    with pytest.raises(ValueError, match="group"):
        count_round(
            Round(
                profile=Profile.GRASSROOTS,
                seats=1,
                due_voters=5,
                present_voters=5,
                ballots_issued=5,
                candidates=("甲", "乙"),
                tallies=(tally,),
            )
        )
