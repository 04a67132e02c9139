"""The ranking a level decides from (层层集中多数党员和党组织的意见), docs/domain.md §3.2.

Pure: integers only, no Django. A level counts the organisations directly below it that put
a name forward — each child level by the list it fixed, each branch by its submitted report
(a name with at least one full member's vote) — and ranks the names:

1. by the number of those organisations that put the name forward, most first;
2. then by the full members' votes of the level's whole subtree (the raw votes);
3. then by the probationary members' votes of the subtree (shown apart, used only to
   order names still tied), then by the person's id, so that the order is total.

A name put forward by no counted organisation is not ranked: a child level that left it off
its list has spoken for its branches.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Standing:
    person: int
    organisations: int
    votes: int
    probationary_votes: int

    @property
    def key(self) -> tuple[int, int, int, int]:
        return (-self.organisations, -self.votes, -self.probationary_votes, self.person)


def rank(
    put_forward: Iterable[Collection[int]], votes: Mapping[int, tuple[int, int]]
) -> list[Standing]:
    """Each counted organisation's names (a name listed twice by one organisation counts
    once) and the subtree's (full, probationary) votes per person, ranked by the rule."""
    organisations: Counter[int] = Counter()
    for names in put_forward:
        organisations.update(set(names))
    return ranked_counts(organisations, votes)


def ranked_counts(
    organisations: Mapping[int, int], votes: Mapping[int, tuple[int, int]]
) -> list[Standing]:
    """The same from the number of organisations per person, already counted."""
    standings = [
        Standing(pk, n, *votes.get(pk, (0, 0))) for pk, n in organisations.items() if n > 0
    ]
    return sorted(standings, key=lambda s: s.key)


def top(standings: Sequence[Standing], k: int, *, excluded: Collection[int] = ()) -> list[int]:
    """The first ``k`` people of the ranking, leaving out those who cannot be listed."""
    return [s.person for s in standings if s.person not in excluded][:k]


def changes(
    before: Sequence[Standing],
    after: Sequence[Standing],
    k: int,
    *,
    excluded: Collection[int] = (),
) -> tuple[list[int], list[int]]:
    """Who leaves and who enters the first ``k`` places between two rankings: a decided list
    of ``k`` names needs review when either is not empty."""
    old, new = top(before, k, excluded=excluded), top(after, k, excluded=excluded)
    return [p for p in old if p not in new], [p for p in new if p not in old]
