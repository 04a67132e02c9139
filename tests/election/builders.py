"""Build ballot sets that give chosen vote totals, so worked cases read as numbers."""

from __future__ import annotations

from tuixuan.election.counting import Ballot, Profile, Round


def ballots_giving(votes: dict[str, int], voters: int) -> tuple[Ballot, ...]:
    """Deal each candidate's votes to consecutive voters (wrapping round), so one voter
    never gets the same candidate twice and marks are spread as evenly as possible."""
    marks: list[set[str]] = [set() for _ in range(voters)]
    position = 0
    for name, count in votes.items():
        assert count <= voters, f"{name} has more votes than voters"
        for _ in range(count):
            marks[position % voters].add(name)
            position += 1
    return tuple(Ballot(in_favour=frozenset(chosen)) for chosen in marks)


def round_of(
    votes: dict[str, int],
    *,
    seats: int,
    profile: Profile = Profile.GRASSROOTS,
    due: int | None = None,
    present: int = 40,
    issued: int | None = None,
    extra: tuple[Ballot, ...] = (),
) -> Round:
    return Round(
        profile=profile,
        seats=seats,
        due_voters=due if due is not None else present,
        present_voters=present,
        ballots_issued=issued if issued is not None else present,
        candidates=tuple(votes),
        ballots=ballots_giving(votes, present - sum(b.count for b in extra)) + extra,
    )
