"""Settled ballots and hand-counted group totals turned into the counting module's input."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from tuixuan.core.errors import ValidationFailedError
from tuixuan.election.counting import Ballot, GroupTally, RoundResult, WriteIn, check_tally
from tuixuan.election.domain import MARK_AGAINST, MARK_FOR
from tuixuan.election.models import GroupTotal, Round, SettledBallot


def group_tally(
    names: Sequence[str],
    *,
    seats: int,
    valid: int,
    void: int,
    tallies: Mapping[int, tuple[int, int]],
    write_ins: Mapping[str, int],
) -> GroupTally:
    """A hand-counted group's totals as the counting module's input, counted as they are.

    The result of a round depends only on the sums per person, the valid and the void
    ballots, so the totals need no conversion into made-up ballots. Totals that no pile of
    valid paper ballots can give are refused here with the row that is wrong; the counting
    module refuses them again (``check_tally``).
    """
    if valid < 0 or void < 0:
        raise ValidationFailedError(_("有效票和废票张数不能为负数。"))
    in_favour: list[tuple[str, int]] = []
    against: list[tuple[str, int]] = []
    for index, name in enumerate(names):
        votes_for, votes_against = tallies.get(index, (0, 0))
        if votes_for < 0 or votes_against < 0:
            raise ValidationFailedError(
                _("第 %(row)d 行（%(name)s）：票数不能为负数。") % {"row": index + 1, "name": name}
            )
        if votes_for + votes_against > valid:
            raise ValidationFailedError(
                _("第 %(row)d 行（%(name)s）：赞成票与不赞成票之和超过有效票 %(valid)d 张。")
                % {"row": index + 1, "name": name, "valid": valid}
            )
        if votes_for:
            in_favour.append((name, votes_for))
        if votes_against:
            against.append((name, votes_against))
    known = set(names)
    for written, votes in write_ins.items():
        if written in known:
            raise ValidationFailedError(
                _("另选的“%(name)s”是本轮候选人，不能作为另选他人。") % {"name": written}
            )
        if votes < 0 or votes > valid:
            raise ValidationFailedError(
                _("另选他人“%(name)s”的 %(votes)d 票超过有效票 %(valid)d 张。")
                % {"name": written, "votes": votes, "valid": valid}
            )
    written_total = sum(write_ins.values())
    against_total = sum(v for _n, v in against)
    if written_total > against_total:
        raise ValidationFailedError(
            _(
                "另选他人共 %(written)d 票，多于各候选人的不赞成票之和 %(against)d 票"
                "（只有划“不赞成”的才能另选他人），请核对。"
            )
            % {"written": written_total, "against": against_total}
        )
    favour_total = sum(v for _n, v in in_favour) + written_total
    if favour_total > valid * seats:
        raise ValidationFailedError(
            _(
                "赞成票（含另选他人）共 %(n)d 票，超过有效票 %(valid)d 张乘以应选名额 "
                "%(seats)d 名，请核对。"
            )
            % {"n": favour_total, "valid": valid, "seats": seats}
        )
    tally = GroupTally(
        valid=valid,
        void=void,
        in_favour=tuple(in_favour),
        against=tuple(against),
        write_ins=tuple(sorted((k, v) for k, v in write_ins.items() if v)),
    )
    check_tally(tally, candidates=tuple(names), seats=seats)
    return tally


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
    return tuple(ballots)


def round_tallies(round_: Round, names: Sequence[str]) -> tuple[GroupTally, ...]:
    return tuple(
        group_tally(
            names,
            seats=round_.seats,
            valid=group.ballots_collected - group.ballots_void,
            void=group.ballots_void,
            tallies={int(k): (v[0], v[1]) for k, v in group.tallies.items()},
            write_ins=group.write_ins,
        )
        for group in GroupTotal.objects.filter(round=round_).order_by("id")
    )


def result_payload(result: RoundResult) -> dict[str, Any]:
    payload = dataclasses.asdict(result)
    payload["outcome"] = result.outcome.value
    return payload


def digest(payload: Any) -> str:
    """SHA-256 of the canonical JSON of ``payload`` (sorted keys, no spaces)."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ballots_digest(ballots: Sequence[Ballot]) -> str:
    """The digest of a round's ballot kinds that its count event records."""
    return digest(
        sorted(
            [
                sorted(b.in_favour),
                sorted(b.against),
                [[w.in_place_of, w.name] for w in b.write_ins],
                b.void,
                b.count,
            ]
            for b in ballots
        )
    )


def settled_digest(batch_id: int) -> str:
    """The digest of a batch's settled ballots that its settle event records."""
    rows = SettledBallot.objects.filter(batch_id=batch_id).order_by("seq")
    return digest(
        [
            [seq, marks, sorted((write_ins or {}).items()), void, decided]
            for seq, marks, write_ins, void, decided in rows.values_list(
                "seq", "marks", "write_ins", "void", "decided"
            )
        ]
    )
