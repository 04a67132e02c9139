"""Settled ballots and hand-counted totals turned into the counting module's input."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from tuixuan.core.errors import ValidationFailedError
from tuixuan.election.counting import Ballot, RoundResult, WriteIn
from tuixuan.election.domain import MARK_AGAINST, MARK_FOR
from tuixuan.election.models import GroupTotal, Round, SettledBallot


def group_ballots(
    names: Sequence[str],
    *,
    seats: int,
    valid: int,
    void: int,
    tallies: Mapping[int, tuple[int, int]],
    write_ins: Mapping[str, int],
) -> tuple[Ballot, ...]:
    """Ballots that add up to a hand-counted group's totals, so the counting rules decide
    on them like on any other ballots.

    Votes in favour of each candidate are dealt round the valid ballots from a running
    position, so no ballot receives more than ``ceil(total / valid)`` of them; the votes
    against a candidate follow on the ballots just after his votes in favour. Totals that
    no set of valid paper ballots can give are refused.
    """
    if valid == 0:
        if any(f or a for f, a in tallies.values()) or any(write_ins.values()):
            raise ValidationFailedError(_("有效票为 0，各候选人票数应均为 0。"))
        return (Ballot(void=True, count=void),) if void else ()
    in_favour: list[set[str]] = [set() for _ in range(valid)]
    against: list[set[str]] = [set() for _ in range(valid)]
    cursor = 0
    for index, name in enumerate(names):
        votes_for, votes_against = tallies.get(index, (0, 0))
        if votes_for < 0 or votes_against < 0 or votes_for + votes_against > valid:
            raise ValidationFailedError(
                _("%(name)s：赞成票与不赞成票之和超过有效票 %(valid)d 张。")
                % {"name": name, "valid": valid}
            )
        for k in range(votes_for):
            in_favour[(cursor + k) % valid].add(name)
        for k in range(votes_against):
            against[(cursor + votes_for + k) % valid].add(name)
        cursor = (cursor + votes_for) % valid
    placed: list[list[WriteIn]] = [[] for _ in range(valid)]
    for written, votes in sorted(write_ins.items()):
        remaining = votes
        for i in range(valid):
            if remaining == 0:
                break
            if len(in_favour[i]) + len(placed[i]) >= seats:
                continue
            used = {w.in_place_of for w in placed[i]}
            free = sorted((n for n in against[i] if n not in used), key=names.index)
            if free:
                placed[i].append(WriteIn(in_place_of=free[0], name=written))
                remaining -= 1
        if remaining:
            raise ValidationFailedError(
                _(
                    "另选他人“%(name)s”的 %(votes)d 票"
                    "无法与各候选人的不赞成票和应选名额对应，请核对。"
                )
                % {"name": written, "votes": votes}
            )
    if any(len(s) > seats for s in in_favour):
        raise ValidationFailedError(_("赞成票总数超过有效票张数乘以应选名额，请核对。"))
    kinds: Counter[tuple[frozenset[str], frozenset[str], tuple[WriteIn, ...]]] = Counter(
        (frozenset(f), frozenset(a), tuple(w))
        for f, a, w in zip(in_favour, against, placed, strict=True)
    )
    ballots = [
        Ballot(in_favour=f, against=a, write_ins=w, count=n) for (f, a, w), n in kinds.items()
    ]
    if void:
        ballots.append(Ballot(void=True, count=void))
    return tuple(ballots)


def round_ballots(round_: Round, names: Sequence[str]) -> tuple[Ballot, ...]:
    """The settled ballots as kinds with counts: one pass over plain values, no objects."""
    kinds: Counter[tuple[str, tuple[tuple[str, str], ...], bool]] = Counter()
    rows = SettledBallot.objects.filter(batch__round=round_).values_list(
        "marks", "write_ins", "void"
    )
    for marks, write_ins, void in rows.iterator(chunk_size=5000):
        kinds[(marks, tuple(sorted((write_ins or {}).items())), void)] += 1
    ballots: list[Ballot] = []
    for (marks, write_ins, void), n in kinds.items():
        ballots.append(
            Ballot(
                in_favour=frozenset(names[i] for i, m in enumerate(marks) if m == MARK_FOR),
                against=frozenset(names[i] for i, m in enumerate(marks) if m == MARK_AGAINST),
                write_ins=tuple(WriteIn(in_place_of=names[int(p)], name=w) for p, w in write_ins),
                void=void,
                count=n,
            )
        )
    for group in GroupTotal.objects.filter(round=round_):
        ballots.extend(
            group_ballots(
                names,
                seats=round_.seats,
                valid=group.ballots_collected - group.ballots_void,
                void=group.ballots_void,
                tallies={int(k): (v[0], v[1]) for k, v in group.tallies.items()},
                write_ins=group.write_ins,
            )
        )
    return tuple(ballots)


def result_payload(result: RoundResult) -> dict[str, Any]:
    payload = dataclasses.asdict(result)
    payload["outcome"] = result.outcome.value
    return payload
