"""Properties that must hold for any ballot box, not just the worked cases."""

from __future__ import annotations

from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from tuixuan.election.counting import (
    Ballot,
    Outcome,
    Profile,
    Round,
    WriteIn,
    count_round,
    threshold_base,
)

CANDIDATES = ("甲", "乙", "丙", "丁", "王五")
OUTSIDERS = ("李新", "张新")


@st.composite
def ballots(draw: st.DrawFn) -> Ballot:
    marks = draw(st.lists(st.sampled_from(("for", "against", "none")), min_size=5, max_size=5))
    in_favour = frozenset(n for n, m in zip(CANDIDATES, marks, strict=True) if m == "for")
    against = frozenset(n for n, m in zip(CANDIDATES, marks, strict=True) if m == "against")
    places = draw(st.lists(st.sampled_from(CANDIDATES), max_size=2, unique=True))
    names = draw(
        st.lists(st.sampled_from(OUTSIDERS), min_size=len(places), max_size=2, unique=True)
    )
    return Ballot(
        in_favour=in_favour,
        against=against,
        write_ins=tuple(WriteIn(p, n) for p, n in zip(places, names, strict=False)),
        void=draw(st.booleans()),
        count=draw(st.integers(min_value=0, max_value=12)),
    )


@st.composite
def rounds(draw: st.DrawFn) -> Round:
    due = draw(st.integers(min_value=0, max_value=60))
    present = draw(st.integers(min_value=0, max_value=due))
    return Round(
        profile=draw(st.sampled_from(Profile)),
        seats=draw(st.integers(min_value=0, max_value=4)),
        due_voters=due,
        present_voters=present,
        ballots_issued=draw(st.integers(min_value=0, max_value=present + 5)),
        candidates=CANDIDATES,
        ballots=tuple(draw(st.lists(ballots(), max_size=8))),
    )


@settings(max_examples=100)
@given(rounds(), st.randoms(use_true_random=False))
def test_permuting_ballots_never_changes_the_result(round_: Round, random: Random) -> None:
    shuffled = list(round_.ballots)
    random.shuffle(shuffled)
    assert count_round(Round(**{**round_.__dict__, "ballots": tuple(shuffled)})) == count_round(
        round_
    )


@settings(max_examples=100)
@given(rounds())
def test_nobody_at_or_below_half_is_elected(round_: Round) -> None:
    result = count_round(round_)
    base = threshold_base(
        round_.profile, due_voters=round_.due_voters, present_voters=round_.present_voters
    )
    votes = {person.name: person.in_favour for person in result.results}
    for name in result.elected:
        assert 2 * votes[name] > base
    if result.runoff is not None:
        for name in result.runoff.candidates:
            assert 2 * votes[name] > base


@settings(max_examples=100)
@given(rounds())
def test_never_more_elected_than_seats(round_: Round) -> None:
    result = count_round(round_)
    pending = result.runoff.seats if result.runoff else 0
    assert len(result.elected) + pending <= round_.seats
    assert result.unfilled_seats == round_.seats - len(result.elected)
    assert result.ballots_valid + result.ballots_void == result.ballots_collected


@settings(max_examples=100)
@given(rounds())
def test_collecting_more_than_issued_always_voids(round_: Round) -> None:
    result = count_round(round_)
    collected = sum(ballot.count for ballot in round_.ballots)
    assert result.vote_valid is (collected <= round_.ballots_issued)
    if collected > round_.ballots_issued:
        assert result.elected == ()
        assert result.outcome in {Outcome.NO_QUORUM, Outcome.VOTE_VOID}


@settings(max_examples=100)
@given(rounds())
def test_every_valid_ballot_is_one_mark_per_candidate(round_: Round) -> None:
    result = count_round(round_)
    for person in result.results:
        if not person.write_in:
            assert person.in_favour + person.against + person.abstain == result.ballots_valid
