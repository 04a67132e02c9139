"""domain.md §4: every worked case, then the rules one by one."""

from __future__ import annotations

import pytest

from tests.election.builders import ballots_giving, round_of
from tuixuan.election.counting import (
    COUNTING_RULES_VERSION,
    Ballot,
    Outcome,
    PersonResult,
    Profile,
    Round,
    Runoff,
    WriteIn,
    ballot_valid,
    count_round,
    quorum_met,
    select_elected,
    threshold_base,
    votes_needed,
)

G, LC, LP = Profile.GRASSROOTS, Profile.LOCAL_CONGRESS, Profile.LOCAL_PLENARY


@pytest.mark.parametrize(
    ("profile", "due", "present", "expected"),
    [
        (G, 50, 40, True),  # exactly 4/5 counts
        (G, 50, 39, False),
        (G, 5, 4, True),
        (G, 5, 3, False),
        (LC, 300, 151, True),
        (LC, 300, 150, False),  # exactly half is not more than half
        (LC, 1, 1, True),
        (LP, 31, 21, True),
        (LP, 31, 20, False),
        (LP, 30, 20, False),  # exactly 2/3 is not more than 2/3
        (LP, 30, 21, True),
        (G, 0, 0, True),
        (LC, 0, 0, False),
    ],
)
def test_quorum(profile: Profile, due: int, present: int, expected: bool) -> None:
    assert quorum_met(profile, due_voters=due, present_voters=present) is expected


@pytest.mark.parametrize(
    ("profile", "due", "present", "base", "needed"),
    [
        (G, 50, 40, 40, 21),
        (G, 50, 41, 41, 21),
        (LC, 300, 280, 300, 151),
        (LP, 31, 25, 31, 16),
        (G, 1, 1, 1, 1),
        (G, 0, 0, 0, 1),
    ],
)
def test_threshold_base_and_votes_needed(
    profile: Profile, due: int, present: int, base: int, needed: int
) -> None:
    assert threshold_base(profile, due_voters=due, present_voters=present) == base
    assert votes_needed(base) == needed
    assert 2 * needed > base >= 2 * (needed - 1)


def test_it_voids_the_vote_when_more_ballots_are_collected_than_issued() -> None:
    round_ = round_of({"甲": 30}, seats=1, present=40, issued=40)
    round_ = Round(**{**round_.__dict__, "ballots": (*round_.ballots, Ballot())})
    result = count_round(round_)
    assert result.ballots_collected == 41
    assert not result.vote_valid
    assert result.outcome is Outcome.VOTE_VOID
    assert result.elected == ()
    assert result.unfilled_seats == 1


def test_it_accepts_as_many_ballots_as_issued() -> None:
    result = count_round(round_of({"甲": 30}, seats=1, present=40, issued=40))
    assert result.vote_valid and result.outcome is Outcome.COMPLETE


def test_it_reports_no_quorum_before_a_void_vote() -> None:
    round_ = round_of({"甲": 30}, seats=1, due=50, present=39, issued=10)
    result = count_round(round_)
    assert not result.quorum_met and not result.vote_valid
    assert result.outcome is Outcome.NO_QUORUM
    assert result.elected == ()


def test_it_voids_only_the_over_voted_ballot() -> None:
    names = ["甲", "乙", "丙", "丁", "戊", "己"]
    over = Ballot(in_favour=frozenset(names))
    round_ = round_of(dict.fromkeys(names[:5], 30), seats=5, present=40, extra=(over,))
    round_ = Round(**{**round_.__dict__, "candidates": tuple(names)})
    result = count_round(round_)
    assert result.ballots_void == 1
    assert result.ballots_valid == 39
    assert {p.name: p.in_favour for p in result.results}["己"] == 0
    assert set(result.elected) == set(names[:5])


def test_it_counts_write_ins_toward_the_over_vote() -> None:
    ballot = Ballot(
        in_favour=frozenset({"甲", "乙"}),
        against=frozenset({"丙"}),
        write_ins=(WriteIn(in_place_of="丙", name="王某"),),
    )
    assert ballot_valid(ballot, seats=3)
    assert not ballot_valid(ballot, seats=2)


def test_it_ignores_a_void_write_in_when_checking_the_over_vote() -> None:
    ballot = Ballot(in_favour=frozenset({"甲", "乙"}), write_ins=(WriteIn("丙", "王某"),))
    assert ballot_valid(ballot, seats=2)


def test_it_honours_the_scrutineers_ruling() -> None:
    assert not ballot_valid(Ballot(void=True), seats=3)


def test_it_never_elects_on_exactly_half() -> None:
    result = count_round(round_of({"甲": 20, "乙": 21}, seats=2, present=40))
    assert result.votes_needed == 21
    assert result.elected == ("乙",)
    assert result.outcome is Outcome.SHORTFALL


def test_it_uses_due_voters_as_the_local_base() -> None:
    round_ = round_of({"甲": 145, "乙": 151}, seats=2, profile=LC, due=300, present=280)
    result = count_round(round_)
    assert result.threshold_base == 300
    assert result.elected == ("乙",)  # 甲: 290 <= 300


def test_it_uses_voters_present_as_the_grassroots_base_not_ballots_collected() -> None:
    # 40 present, only 30 ballots come back: 16 of 30 is not a majority of 40.
    round_ = round_of({"甲": 16}, seats=1, present=40)
    round_ = Round(**{**round_.__dict__, "ballots": ballots_giving({"甲": 16}, 30)})
    result = count_round(round_)
    assert result.ballots_collected == 30
    assert result.threshold_base == 40
    assert result.elected == ()


def _people(votes: dict[str, int]) -> list[PersonResult]:
    return [PersonResult(name, count, 0, 0) for name, count in votes.items()]


@pytest.mark.parametrize(
    ("votes", "seats", "base", "elected", "runoff"),
    [
        # ranking: grassroots, present 40, 3 seats
        ({"甲": 35, "乙": 30, "丙": 28, "丁": 25, "戊": 10}, 3, 40, ["甲", "乙", "丙"], None),
        # tie across the last seat
        ({"甲": 35, "乙": 30, "丙": 28, "丁": 28}, 3, 40, ["甲", "乙"], Runoff(("丁", "丙"), 1)),
        # a tie inside the seats is no tie across the last seat
        ({"甲": 35, "乙": 28, "丙": 28}, 3, 40, ["甲", "乙", "丙"], None),
        # three tied for two seats
        ({"甲": 35, "乙": 28, "丙": 28, "丁": 28}, 3, 40, ["甲"], Runoff(("乙", "丁", "丙"), 2)),
        # all tied for one seat
        ({"甲": 30, "乙": 30}, 1, 40, [], Runoff(("乙", "甲"), 1)),
        # a tie below the threshold does not matter
        ({"甲": 35, "乙": 20, "丙": 20}, 2, 40, ["甲"], None),
        # shortfall: 5 seats, three above half
        ({"甲": 35, "乙": 30, "丙": 28, "丁": 20, "戊": 10}, 5, 40, ["甲", "乙", "丙"], None),
        ({"甲": 35}, 0, 40, [], None),
    ],
)
def test_select_elected(
    votes: dict[str, int],
    seats: int,
    base: int,
    elected: list[str],
    runoff: Runoff | None,
) -> None:
    from tuixuan.election.counting import rank

    got_elected, got_runoff = select_elected(rank(_people(votes)), seats=seats, base=base)
    assert got_elected == elected
    assert got_runoff == runoff


def test_it_elects_the_first_three_of_a_ranking() -> None:
    # The worked case's 35/30/28/25/10 exceeds what 40 ballots of three marks can carry
    # (128 > 120); the same ranking with 22 for the fourth fits and keeps the point:
    # the fourth is above the threshold but beyond the seats.
    votes = {"甲": 35, "乙": 30, "丙": 28, "丁": 22, "戊": 5}
    result = count_round(round_of(votes, seats=3, present=40))
    assert result.elected == ("乙", "丙", "甲")  # stroke order: 乙 1; 丙 横 before 甲 竖
    assert [p.name for p in result.results] == ["甲", "乙", "丙", "丁", "戊"]
    assert result.outcome is Outcome.COMPLETE
    assert result.unfilled_seats == 0
    assert result.rules_version == COUNTING_RULES_VERSION


def test_it_sends_a_tie_for_the_last_seat_to_a_runoff() -> None:
    votes = {"甲": 35, "乙": 30, "丙": 28, "丁": 28}
    result = count_round(round_of(votes, seats=3, due=50, present=45))
    assert result.elected == ("乙", "甲")  # stroke order: 乙 1 stroke, 甲 5
    assert result.runoff == Runoff(candidates=("丁", "丙"), seats=1)
    assert result.outcome is Outcome.RUNOFF
    assert result.unfilled_seats == 1


def test_it_reports_a_shortfall() -> None:
    votes = {"甲": 35, "乙": 30, "丙": 28, "丁": 20, "戊": 10, "己": 5}
    result = count_round(round_of(votes, seats=5, present=40))
    assert set(result.elected) == {"甲", "乙", "丙"}
    assert result.outcome is Outcome.SHORTFALL
    assert result.unfilled_seats == 2
    assert result.runoff is None


def test_it_elects_a_write_in_above_the_threshold_within_the_seats() -> None:
    write_in = Ballot(
        in_favour=frozenset({"甲"}),
        against=frozenset({"丙"}),
        write_ins=(WriteIn(in_place_of="丙", name="王新"),),
        count=22,
    )
    others = Ballot(in_favour=frozenset({"甲", "乙"}), count=18)
    result = count_round(Round(G, 2, 40, 40, 40, ("甲", "乙", "丙"), (write_in, others)))
    by_name = {p.name: p for p in result.results}
    assert by_name["王新"] == PersonResult("王新", 22, 0, 0, write_in=True)
    assert by_name["丙"] == PersonResult("丙", 0, 22, 18)
    assert [p.name for p in result.results] == ["甲", "王新", "乙", "丙"]
    assert result.elected == ("王新", "甲")
    assert result.outcome is Outcome.COMPLETE


def test_it_does_not_elect_a_write_in_beyond_the_seats() -> None:
    def writing_in(voted_for: str, count: int) -> Ballot:
        return Ballot(
            in_favour=frozenset({voted_for}),
            against=frozenset({"丙"}),
            write_ins=(WriteIn(in_place_of="丙", name="王新"),),
            count=count,
        )

    ballots = (
        writing_in("甲", 12),
        writing_in("乙", 10),
        Ballot(frozenset({"甲", "乙"}), count=18),
    )
    result = count_round(Round(G, 2, 40, 40, 40, ("甲", "乙", "丙"), ballots))
    assert [(p.name, p.in_favour) for p in result.results][:3] == [
        ("甲", 30),
        ("乙", 28),
        ("王新", 22),
    ]
    assert result.elected == ("乙", "甲")


def test_it_voids_a_write_in_beside_an_abstention_and_counts_the_rest() -> None:
    ballot = Ballot(in_favour=frozenset({"甲"}), write_ins=(WriteIn("乙", "王新"),), count=25)
    round_ = Round(G, 1, 40, 40, 40, ("甲", "乙"), (ballot,))
    result = count_round(round_)
    by_name = {p.name: p for p in result.results}
    assert "王新" not in by_name
    assert by_name["乙"] == PersonResult("乙", 0, 0, 25)
    assert by_name["甲"].in_favour == 25
    assert result.ballots_valid == 25
    assert result.elected == ("甲",)


def test_it_voids_a_write_in_beside_a_vote_in_favour() -> None:
    ballot = Ballot(in_favour=frozenset({"甲"}), write_ins=(WriteIn("甲", "王新"),), count=25)
    result = count_round(Round(G, 1, 40, 40, 40, ("甲",), (ballot,)))
    assert [p.name for p in result.results] == ["甲"]
    assert result.results[0].in_favour == 25


def test_it_counts_abstentions_per_candidate() -> None:
    ballots = (
        Ballot(in_favour=frozenset({"甲"}), against=frozenset({"乙"}), count=3),
        Ballot(against=frozenset({"甲"}), count=2),
        Ballot(count=4),
        Ballot(void=True, count=1),
    )
    result = count_round(Round(G, 1, 10, 10, 10, ("甲", "乙"), ballots))
    assert {p.name: (p.in_favour, p.against, p.abstain) for p in result.results} == {
        "甲": (3, 2, 4),
        "乙": (0, 3, 6),
    }
    assert (result.ballots_collected, result.ballots_valid, result.ballots_void) == (10, 9, 1)


@pytest.mark.parametrize(
    "ballot",
    [
        Ballot(in_favour=frozenset({"外人"})),
        Ballot(in_favour=frozenset({"甲"}), against=frozenset({"甲"})),
        Ballot(count=-1),
        Ballot(against=frozenset({"甲"}), write_ins=(WriteIn("甲", "乙"),)),
        Ballot(against=frozenset({"甲"}), write_ins=(WriteIn("外人", "王新"),)),
        Ballot(
            against=frozenset({"甲", "乙"}), write_ins=(WriteIn("甲", "王"), WriteIn("乙", "王"))
        ),
    ],
)
def test_it_rejects_impossible_ballots(ballot: Ballot) -> None:
    with pytest.raises(ValueError):
        count_round(Round(G, 1, 10, 10, 10, ("甲", "乙"), (ballot,)))


def test_it_rejects_more_present_than_due() -> None:
    with pytest.raises(ValueError):
        count_round(Round(G, 1, 10, 11, 10, ("甲",), ()))
