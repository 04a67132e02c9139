"""Re-deriving the recommendation tables from the record, for ``tuixuan verify-record``.

The record holds, for every branch report, the counts it was submitted with and every
correction of them, and which tally rows each of them moved (``inputs.state``); for every
list decided by a level, its entries. From these the maintained tables are computed again
and compared row by row: ``nomination_reportcount`` of each submitted report,
``nomination_tally`` of each round and ``nomination_listentry`` of each decided list. A row
changed, added or removed in the database without its service shows here by table and id.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tuixuan.core.models import Organisation
from tuixuan.nomination import selectors
from tuixuan.nomination.models import (
    BranchReport,
    ListEntry,
    NominationList,
    ReportCount,
    ReportStatus,
    Round,
    Tally,
)
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.record.verification import Problem
from tuixuan.registry.models import Member

COUNT_EVENTS = (
    EventType.NOMINATION_REPORT_SUBMITTED,
    EventType.NOMINATION_LATE_ACCEPTED,
    EventType.NOMINATION_LATE_REPORT_ADMITTED,
    EventType.NOMINATION_REPORT_CORRECTED,
)
LIST_EVENTS = (EventType.NOMINATION_LIST_DECIDED, EventType.NOMINATION_SHORTLIST_DECIDED)

Counts = dict[str, tuple[int, int]]


def _problem(event: Event | None, message: str) -> Problem:
    if event is None:
        return Problem("", None, None, message)
    return Problem(event.chain, event.seq, event.pk, message)


def _counts(event: Event) -> Counts:
    rows = event.inputs.get(
        "after" if event.event_type == EventType.NOMINATION_REPORT_CORRECTED else "counts", []
    )
    return {str(r["citizen_id"]): (int(r["votes"]), int(r["probationary_votes"])) for r in rows}


def _events(types: tuple[EventType, ...], chain: str | None) -> list[Event]:
    events = Event.objects.filter(event_type__in=types).order_by("chain", "seq")
    if chain is not None:
        events = events.filter(chain=chain)
    return list(
        events.only("id", "chain", "seq", "event_type", "subject_id", "inputs", "campaign_id")
    )


def _levels(event: Event, report: BranchReport | None) -> list[int]:
    state = event.inputs.get("state") or {}
    if "tally_levels" in state:
        return [int(i) for i in state["tally_levels"]]
    if report is None:
        return []
    # Events written before the levels were recorded: the tree as it stands.
    return selectors.level_ids(report.unit, report.organisation)


def check(chain: str | None) -> list[Problem]:
    problems: list[Problem] = []
    problems += _check_counts(chain)
    problems += _check_lists(chain)
    return problems


def _check_counts(chain: str | None) -> list[Problem]:
    problems: list[Problem] = []
    latest: dict[int, Event] = {}
    for event in _events(COUNT_EVENTS, chain):
        latest[int(event.subject_id)] = event
    reports = {
        r.pk: r
        for r in BranchReport.objects.filter(pk__in=list(latest)).select_related(
            "organisation", "unit__organisation"
        )
    }
    rounds = Round.objects.all()
    if chain is not None:
        if not chain.startswith("campaign:"):
            return problems
        rounds = rounds.filter(campaign_id=int(chain.split(":", 1)[1]))
    round_of_campaign = dict(rounds.values_list("campaign_id", "pk"))
    expected: dict[tuple[int, int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    where: dict[tuple[int, int, str], Event] = {}
    stored_counts: dict[int, Counts] = defaultdict(dict)
    for report_id, cid, v, p in ReportCount.objects.filter(report_id__in=list(latest)).values_list(
        "report_id", "candidate__citizen_id", "votes", "probationary_votes"
    ):
        stored_counts[report_id][cid] = (v, p)
    for report_id, event in sorted(latest.items()):
        counts = _counts(event)
        report = reports.get(report_id)
        table = BranchReport._meta.db_table
        if report is None:
            problems.append(
                _problem(event, f"数据表 {table} 缺少行 ID {report_id}（已报送的支部推荐结果）。")
            )
        elif report.status != ReportStatus.SUBMITTED:
            problems.append(
                _problem(
                    event,
                    f"数据表 {table} 行 ID {report_id}（{report.organisation.name}）"
                    f"状态为“{report.get_status_display()}”，纪实记录为已报送。",
                )
            )
        if report is not None and stored_counts.get(report_id, {}) != counts:
            got = stored_counts.get(report_id, {})
            diff = sorted(c for c in counts.keys() | got.keys() if counts.get(c) != got.get(c))
            problems.append(
                _problem(
                    event,
                    f"数据表 {ReportCount._meta.db_table} 中报告 ID {report_id}"
                    f"（{report.organisation.name}）的票数与纪实记录不符："
                    + "；".join(
                        f"{c} 现为 {_pair(got.get(c))}，记录为 {_pair(counts.get(c))}"
                        for c in diff[:5]
                    )
                    + "。",
                )
            )
        state = event.inputs.get("state") or {}
        round_id = state.get("round") or round_of_campaign.get(event.campaign_id or 0)
        if round_id is None:
            continue
        for org_id in _levels(event, report):
            for cid, (v, p) in counts.items():
                if v + p <= 0:
                    continue
                key = (int(round_id), org_id, cid)
                row = expected[key]
                row[0] += v
                row[1] += p
                row[2] += 1
                where[key] = event
    tally = Tally.objects.filter(round_id__in=list(round_of_campaign.values()))
    seen: set[tuple[int, int, str]] = set()
    table = Tally._meta.db_table
    rows = list(
        tally.values_list(
            "pk",
            "round_id",
            "organisation_id",
            "candidate__citizen_id",
            "candidate__name",
            "votes",
            "probationary_votes",
            "reports",
        )
    )
    org_names = dict(
        Organisation.objects.filter(
            pk__in={r[2] for r in rows} | {k[1] for k in expected}
        ).values_list("pk", "name")
    )
    for pk, round_id, org_id, cid, name, v, p, n in rows:
        key = (round_id, org_id, cid)
        seen.add(key)
        want = expected.get(key, [0, 0, 0])
        if [v, p, n] != want:
            problems.append(
                _problem(
                    where.get(key),
                    f"数据表 {table} 行 ID {pk}（{org_names.get(org_id, org_id)}，{name}）"
                    f"为 {v} 票（预备党员 {p} 票，{n} 个支部），"
                    f"按纪实记录应为 {want[0]} 票（预备党员 {want[1]} 票，{want[2]} 个支部）。",
                )
            )
    missing = sorted(set(expected) - seen)
    if missing:
        who = dict(
            Member.objects.filter(citizen_id__in={k[2] for k in missing}).values_list(
                "citizen_id", "name"
            )
        )
        for key in missing:
            want = expected[key]
            problems.append(
                _problem(
                    where.get(key),
                    f"数据表 {table} 缺少一行（{org_names.get(key[1], key[1])}，"
                    f"{who.get(key[2], key[2])}）：按纪实记录应为 {want[0]} 票。",
                )
            )
    return problems


def _pair(value: tuple[int, int] | None) -> str:
    if value is None:
        return "无"
    return f"{value[0]} 票（预备党员 {value[1]} 票）"


def _check_lists(chain: str | None) -> list[Problem]:
    problems: list[Problem] = []
    events = _events(LIST_EVENTS, chain)
    lists = {
        nl.pk: nl
        for nl in NominationList.objects.filter(
            pk__in=[int(e.subject_id) for e in events]
        ).select_related("organisation")
    }
    entries: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in (
        ListEntry.objects.filter(nomination_list_id__in=list(lists))
        .order_by("nomination_list_id", "position")
        .values_list(
            "nomination_list_id", "pk", "candidate__citizen_id", "votes", "org_recommended"
        )
    ):
        entries[row[0]].append(row[1:])
    table = ListEntry._meta.db_table
    for event in events:
        list_id = int(event.subject_id)
        nl = lists.get(list_id)
        if nl is None:
            problems.append(
                _problem(
                    event,
                    f"数据表 {NominationList._meta.db_table} 缺少行 ID {list_id}"
                    "（集体研究确定的名单）。",
                )
            )
            continue
        want = [
            (str(r["citizen_id"]), int(r["votes"]), bool(r["org_recommended"]))
            for r in event.inputs.get("list", [])
        ]
        got = entries.get(list_id, [])
        for i in range(max(len(want), len(got))):
            w = want[i] if i < len(want) else None
            g = got[i] if i < len(got) else None
            if g is not None and w is not None and tuple(g[1:]) == w:
                continue
            if g is None:
                message = (
                    f"数据表 {table} 缺少名单 ID {list_id} 第 {i + 1} 位（{w[0] if w else ''}）。"
                )
            elif w is None:
                message = (
                    f"数据表 {table} 行 ID {g[0]}（名单 ID {list_id} 第 {i + 1} 位）"
                    "不在纪实记录的名单中。"
                )
            else:
                message = (
                    f"数据表 {table} 行 ID {g[0]}（名单 ID {list_id} 第 {i + 1} 位）"
                    f"为 {g[1]}、{g[2]} 票，纪实记录为 {w[0]}、{w[1]} 票。"
                )
            problems.append(_problem(event, message))
    return problems
