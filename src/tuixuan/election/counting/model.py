"""Inputs and outputs of one counting round, immutable so a result can be snapshotted as is."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from tuixuan.election.counting.profiles import Profile


@dataclass(frozen=True)
class WriteIn:
    """另选他人: ``name`` written in the place of candidate ``in_place_of``."""

    in_place_of: str
    name: str


@dataclass(frozen=True)
class Ballot:
    """One kind of ballot and how many identical ones were cast (``count``).

    A candidate in neither ``in_favour`` nor ``against`` is an abstention. ``void`` is the
    scrutineers' ruling on a doubtful ballot (extra marks, unreadable …).
    """

    in_favour: frozenset[str] = frozenset()
    against: frozenset[str] = frozenset()
    write_ins: tuple[WriteIn, ...] = ()
    void: bool = False
    count: int = 1


@dataclass(frozen=True)
class GroupTally:
    """The totals of a group of ballots counted by hand (唱票): the tellers of the group
    already ruled each ballot valid or void (over-votes, write-ins beside anything but
    不赞成), so only valid ballots are in the figures.

    ``in_favour`` / ``against`` map a candidate to his votes (missing means 0; abstentions
    are ``valid - for - against``); ``write_ins`` maps a written-in person to his votes.
    The result of a round depends on these sums alone, so they are counted as they are,
    never spread back onto made-up ballots.
    """

    valid: int
    void: int = 0
    in_favour: tuple[tuple[str, int], ...] = ()
    against: tuple[tuple[str, int], ...] = ()
    write_ins: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Round:
    profile: Profile
    seats: int
    due_voters: int
    present_voters: int
    ballots_issued: int
    candidates: tuple[str, ...]
    ballots: tuple[Ballot, ...] = ()
    tallies: tuple[GroupTally, ...] = ()


class Outcome(StrEnum):
    NO_QUORUM = "no_quorum"
    VOTE_VOID = "vote_void"
    RUNOFF = "runoff"
    SHORTFALL = "shortfall"
    COMPLETE = "complete"


@dataclass(frozen=True)
class PersonResult:
    name: str
    in_favour: int
    against: int
    abstain: int
    write_in: bool = False


@dataclass(frozen=True)
class Runoff:
    """再次投票 among those tied across the last seat, for the seats still open."""

    candidates: tuple[str, ...]
    seats: int


@dataclass(frozen=True)
class RoundResult:
    quorum_met: bool
    vote_valid: bool
    ballots_collected: int
    ballots_valid: int
    ballots_void: int
    threshold_base: int
    votes_needed: int
    results: tuple[PersonResult, ...]
    elected: tuple[str, ...]
    runoff: Runoff | None
    unfilled_seats: int
    outcome: Outcome
    rules_version: str = field(default="")
