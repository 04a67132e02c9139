"""Re-deriving the election tables from the record, for ``tuixuan verify-record``.

- each counted round (``election.round_counted``): the round's stored result and outcome,
  its ``election_resultrow`` rows, the digest of its settled ballots (``election_settledballot``)
  and its hand-counted group totals (``election_grouptotal``), as the count recorded them;
- each settled batch (``election.batch_settled``, ``inputs.state.settled_digest``): its
  settled ballots;
- each released round (``election.result_released``): the delegates it made
  (``election_delegate``: names and votes).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

from tuixuan.election import aggregate
from tuixuan.election.models import (
    Batch,
    Delegate,
    GroupTotal,
    ResultRow,
    Round,
    RoundKind,
    SettledBallot,
)
from tuixuan.record import hashing
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.record.verification import Problem

_TYPES = (
    EventType.ELECTION_ROUND_COUNTED,
    EventType.ELECTION_BATCH_SETTLED,
    EventType.ELECTION_RESULT_RELEASED,
)


def _problem(event: Event, message: str) -> Problem:
    return Problem(event.chain, event.seq, event.pk, message)


def check(chain: str | None) -> list[Problem]:
    events = Event.objects.filter(event_type__in=_TYPES).order_by("chain", "seq")
    if chain is not None:
        events = events.filter(chain=chain)
    latest: dict[tuple[str, int], Event] = {}
    for event in events.only("id", "chain", "seq", "event_type", "subject_id", "inputs"):
        latest[(event.event_type, int(event.subject_id))] = event
    rounds = Round.objects.in_bulk(
        [i for (t, i) in latest if t != EventType.ELECTION_BATCH_SETTLED]
    )
    problems: list[Problem] = []
    for (event_type, subject), event in sorted(latest.items(), key=lambda kv: kv[1].pk):
        if event_type == EventType.ELECTION_BATCH_SETTLED:
            problems += _check_batch(event, subject)
            continue
        round_ = rounds.get(subject)
        if round_ is None:
            problems.append(
                _problem(
                    event, f"数据表 {Round._meta.db_table} 缺少行 ID {subject}（已计票的轮次）。"
                )
            )
        elif event_type == EventType.ELECTION_ROUND_COUNTED:
            problems += _check_count(event, round_)
        else:
            problems += _check_release(event, round_)
    return problems


def _check_batch(event: Event, batch_id: int) -> list[Problem]:
    want = (event.inputs.get("state") or {}).get("settled_digest")
    if want is None:
        return []
    if not Batch.objects.filter(pk=batch_id).exists():
        return [
            _problem(event, f"数据表 {Batch._meta.db_table} 缺少行 ID {batch_id}（已核定的批次）。")
        ]
    if aggregate.settled_digest(batch_id) != want:
        return [
            _problem(
                event,
                f"数据表 {SettledBallot._meta.db_table} 中批次 ID {batch_id}"
                f"（第 {event.inputs.get('batch')} 批）的核定选票与纪实记录不符。",
            )
        ]
    return []


def _check_count(event: Event, round_: Round) -> list[Problem]:
    problems: list[Problem] = []
    inputs = event.inputs
    result: dict[str, Any] = inputs.get("result") or {}
    where = f"行 ID {round_.pk}（{round_}）"
    table = Round._meta.db_table
    if hashing.plain(round_.result or {}) != result:
        problems.append(_problem(event, f"数据表 {table} {where}的计票结果与纪实记录不符。"))
    if round_.outcome != result.get("outcome"):
        problems.append(
            _problem(
                event,
                f"数据表 {table} {where}的结果为“{round_.outcome}”，"
                f"纪实记录为“{result.get('outcome')}”。",
            )
        )
    elected = set(result.get("elected", []))
    want = [
        (
            i,
            r["name"],
            r["in_favour"],
            r["against"],
            r["abstain"],
            r["write_in"],
            r["name"] in elected,
        )
        for i, r in enumerate(result.get("results", []), start=1)
    ]
    got = list(
        ResultRow.objects.filter(round=round_)
        .order_by("rank", "pk")
        .values_list("pk", "rank", "name", "in_favour", "against", "abstain", "write_in", "elected")
    )
    rows_table = ResultRow._meta.db_table
    for i in range(max(len(want), len(got))):
        w = want[i] if i < len(want) else None
        g = got[i] if i < len(got) else None
        if w is not None and g is not None and tuple(g[1:]) == w:
            continue
        if g is None:
            message = (
                f"数据表 {rows_table} 缺少{round_}第 {w[0] if w else i + 1} 名"
                f"（{w[1] if w else ''}）的计票结果行。"
            )
        elif w is None:
            message = (
                f"数据表 {rows_table} 行 ID {g[0]}（{round_}，{g[2]}）不在纪实记录的计票结果中。"
            )
        else:
            message = (
                f"数据表 {rows_table} 行 ID {g[0]}（{round_}第 {g[1]} 名，{g[2]}）"
                f"为赞成 {g[3]}、不赞成 {g[4]}、弃权 {g[5]}{'、当选' if g[7] else ''}，"
                f"纪实记录为赞成 {w[2]}、不赞成 {w[3]}、弃权 {w[4]}"
                f"{'、当选' if w[6] else ''}。"
            )
        problems.append(_problem(event, message))
    names = [str(n) for n in inputs.get("candidates", [])]
    if "ballots_digest" in inputs:
        try:
            digest = aggregate.ballots_digest(aggregate.round_ballots(round_, names))
        except (IndexError, ValueError):
            digest = ""
        if digest != inputs["ballots_digest"]:
            problems.append(
                _problem(
                    event,
                    f"数据表 {SettledBallot._meta.db_table} 中{round_}的核定选票"
                    "与计票时记录的不符。",
                )
            )
    if "group_tallies" in inputs:
        try:
            tallies = hashing.plain(
                [dataclasses.asdict(t) for t in aggregate.round_tallies(round_, names)]
            )
        except Exception:
            tallies = None
        if tallies != inputs["group_tallies"]:
            problems.append(
                _problem(
                    event,
                    f"数据表 {GroupTotal._meta.db_table} 中{round_}的分组计票结果"
                    "与计票时记录的不符。",
                )
            )
    return problems


def _check_release(event: Event, round_: Round) -> list[Problem]:
    if round_.kind == RoundKind.PRELIMINARY:
        return []
    counted = (
        Event.objects.filter(
            chain=event.chain,
            event_type=EventType.ELECTION_ROUND_COUNTED,
            subject_id=event.subject_id,
            seq__lt=event.seq,
        )
        .order_by("-seq")
        .first()
    )
    votes: dict[str, int] = {}
    if counted is not None:
        votes = {
            r["name"]: int(r["in_favour"])
            for r in (counted.inputs.get("result") or {}).get("results", [])
        }
    want: dict[str, int | None] = {
        str(n): votes.get(str(n)) for n in event.inputs.get("elected", [])
    }
    got: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for pk, name, v in Delegate.objects.filter(round=round_).values_list("pk", "name", "votes"):
        got[name].append((pk, v))
    problems: list[Problem] = []
    table = Delegate._meta.db_table
    for name in sorted(want.keys() | got.keys()):
        rows = got.get(name, [])
        if name not in want:
            for pk, _v in rows:
                problems.append(
                    _problem(
                        event, f"数据表 {table} 行 ID {pk}（{name}）不是{round_}宣布的当选人。"
                    )
                )
        elif not rows:
            problems.append(_problem(event, f"数据表 {table} 缺少{round_}当选的“{name}”。"))
        else:
            for pk, v in rows:
                if want[name] is not None and v != want[name]:
                    problems.append(
                        _problem(
                            event,
                            f"数据表 {table} 行 ID {pk}（{name}）得票为 {v}，"
                            f"纪实记录为 {want[name]}。",
                        )
                    )
    return problems
