"""Counting one round by docs/domain.md §6.

Outcome precedence: ``no_quorum`` (the meeting cannot elect), then ``vote_void`` (more
ballots collected than issued: the whole vote is re-run), then ``runoff`` (a tie across the
last seat), then ``shortfall`` (fewer above the threshold than seats), else ``complete``.
A void round still reports the tellers' per-person figures, but elects nobody.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from tuixuan.core.strokes import name_key
from tuixuan.election.counting.model import (
    Ballot,
    GroupTally,
    Outcome,
    PersonResult,
    Round,
    RoundResult,
    Runoff,
    WriteIn,
)
from tuixuan.election.counting.profiles import (
    quorum_met,
    threshold_base,
    votes_needed,
    wins,
)

COUNTING_RULES_VERSION = "1"


def check_round(round_: Round) -> None:
    """Reject an input no real ballot box can produce; the caller shows it to the user."""
    for label, number in (
        ("seats", round_.seats),
        ("due_voters", round_.due_voters),
        ("present_voters", round_.present_voters),
        ("ballots_issued", round_.ballots_issued),
    ):
        if number < 0:
            raise ValueError(f"{label} is negative")
    if round_.present_voters > round_.due_voters:
        raise ValueError("present_voters exceeds due_voters")
    candidates = set(round_.candidates)
    if len(candidates) != len(round_.candidates):
        raise ValueError("duplicate candidate")
    for ballot in round_.ballots:
        if ballot.count < 0:
            raise ValueError("ballot count is negative")
        if not (ballot.in_favour | ballot.against) <= candidates:
            raise ValueError("ballot marks an unknown candidate")
        if ballot.in_favour & ballot.against:
            raise ValueError("candidate both for and against")
        places = [write_in.in_place_of for write_in in ballot.write_ins]
        names = [write_in.name for write_in in ballot.write_ins]
        if not set(places) <= candidates or len(set(places)) != len(places):
            raise ValueError("write-in place is not a distinct candidate")
        if set(names) & candidates or len(set(names)) != len(names) or "" in names:
            raise ValueError("write-in name is empty, repeated or a candidate")
    for tally in round_.tallies:
        check_tally(tally, candidates=round_.candidates, seats=round_.seats)


def check_tally(tally: GroupTally, *, candidates: Sequence[str], seats: int) -> None:
    """Refuse totals that no pile of valid paper ballots can give: per candidate more
    marks than valid ballots; more people in favour than ``valid * seats`` (every valid
    ballot is within the seats, write-ins included); more write-ins than 不赞成 marks
    (a write-in counts only beside 不赞成); one person written in on more ballots than
    there are (a ballot names a person once)."""
    known = set(candidates)
    if tally.valid < 0 or tally.void < 0:
        raise ValueError("group ballot count is negative")
    for label, pairs in (
        ("in_favour", tally.in_favour),
        ("against", tally.against),
        ("write_ins", tally.write_ins),
    ):
        names = [name for name, _votes in pairs]
        if len(set(names)) != len(names):
            raise ValueError(f"group {label} names a person twice")
        if any(votes < 0 for _name, votes in pairs):
            raise ValueError(f"group {label} votes are negative")
        if label != "write_ins" and not set(names) <= known:
            raise ValueError(f"group {label} names an unknown candidate")
        if label == "write_ins" and (set(names) & known or "" in names):
            raise ValueError("group write-in name is empty or a candidate")
        if any(votes > tally.valid for _name, votes in pairs):
            raise ValueError(f"group {label} votes exceed the valid ballots")
    against = dict(tally.against)
    for name, votes in tally.in_favour:
        if votes + against.get(name, 0) > tally.valid:
            raise ValueError("group marks for a candidate exceed the valid ballots")
    written = sum(votes for _name, votes in tally.write_ins)
    if sum(votes for _name, votes in tally.in_favour) + written > tally.valid * seats:
        raise ValueError("group votes in favour exceed valid ballots times seats")
    if written > sum(against.values()):
        raise ValueError("group write-ins exceed the votes against")


def effective_write_ins(ballot: Ballot) -> tuple[WriteIn, ...]:
    """Only a voter who marked a candidate 不赞成 may write in another person there; any
    other write-in is void and the candidate's own mark stands."""
    return tuple(w for w in ballot.write_ins if w.in_place_of in ballot.against)


def ballot_valid(ballot: Ballot, seats: int) -> bool:
    """A ballot in favour of more people than seats (write-ins included) is 废票."""
    if ballot.void:
        return False
    return len(ballot.in_favour) + len(effective_write_ins(ballot)) <= seats


def rank(results: Iterable[PersonResult]) -> list[PersonResult]:
    """Votes in favour, most first; equal votes in surname-stroke order."""
    ordered = sorted(results, key=lambda result: name_key(result.name))
    return sorted(ordered, key=lambda result: -result.in_favour)


def select_elected(
    ranked: Sequence[PersonResult], *, seats: int, base: int
) -> tuple[list[str], Runoff | None]:
    """Fill the seats in ranking order from those above the threshold. When the votes of the
    last seat are shared by someone beyond it, nobody with those votes is elected: they go to
    a run-off for the seats left (never by lot, never by stroke order)."""
    above = [person for person in ranked if wins(person.in_favour, base)]
    if len(above) <= seats:
        return [person.name for person in above], None
    if seats == 0:
        return [], None
    last = above[seats - 1].in_favour
    if above[seats].in_favour != last:
        return [person.name for person in above[:seats]], None
    elected = [person.name for person in above if person.in_favour > last]
    tied = tuple(person.name for person in above if person.in_favour == last)
    return elected, Runoff(candidates=tied, seats=seats - len(elected))


def count_round(round_: Round) -> RoundResult:
    check_round(round_)
    collected = sum(ballot.count for ballot in round_.ballots) + sum(
        tally.valid + tally.void for tally in round_.tallies
    )
    quorum = quorum_met(
        round_.profile, due_voters=round_.due_voters, present_voters=round_.present_voters
    )
    vote_valid = collected <= round_.ballots_issued
    base = threshold_base(
        round_.profile, due_voters=round_.due_voters, present_voters=round_.present_voters
    )

    in_favour: Counter[str] = Counter()
    against: Counter[str] = Counter()
    written: Counter[str] = Counter()
    valid = 0
    for ballot in round_.ballots:
        if not ballot_valid(ballot, round_.seats):
            continue
        valid += ballot.count
        for name in ballot.in_favour:
            in_favour[name] += ballot.count
        for name in ballot.against:
            against[name] += ballot.count
        for write_in in effective_write_ins(ballot):
            written[write_in.name] += ballot.count
    for tally in round_.tallies:
        valid += tally.valid
        in_favour.update(dict(tally.in_favour))
        against.update(dict(tally.against))
        written.update(dict(tally.write_ins))

    people = [
        PersonResult(
            name=name,
            in_favour=in_favour[name],
            against=against[name],
            abstain=valid - in_favour[name] - against[name],
        )
        for name in round_.candidates
    ]
    people += [
        PersonResult(name=name, in_favour=votes, against=0, abstain=0, write_in=True)
        for name, votes in written.items()
        if votes > 0
    ]
    ranked = rank(people)

    elected: list[str] = []
    runoff: Runoff | None = None
    if quorum and vote_valid:
        elected, runoff = select_elected(ranked, seats=round_.seats, base=base)

    if not quorum:
        outcome = Outcome.NO_QUORUM
    elif not vote_valid:
        outcome = Outcome.VOTE_VOID
    elif runoff is not None:
        outcome = Outcome.RUNOFF
    elif len(elected) < round_.seats:
        outcome = Outcome.SHORTFALL
    else:
        outcome = Outcome.COMPLETE

    return RoundResult(
        quorum_met=quorum,
        vote_valid=vote_valid,
        ballots_collected=collected,
        ballots_valid=valid,
        ballots_void=collected - valid,
        threshold_base=base,
        votes_needed=votes_needed(base),
        results=tuple(ranked),
        elected=tuple(sorted(elected, key=name_key)),
        runoff=runoff,
        unfilled_seats=round_.seats - len(elected),
        outcome=outcome,
        rules_version=COUNTING_RULES_VERSION,
    )
