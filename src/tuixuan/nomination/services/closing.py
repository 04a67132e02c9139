"""Closing a unit's 一上 and 二上, admitting a report after 一上 closed, reopening a list.

Closing and late reports: docs/domain.md §7.3; reopening a decided list: docs/domain.md §3.3.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tuixuan.campaign.models import ElectionUnit, Stage
from tuixuan.core import clock, sanity
from tuixuan.core.models import Organisation, User
from tuixuan.nomination import access, domain, ranking, selectors
from tuixuan.nomination.domain import NominationError
from tuixuan.nomination.models import (
    BranchReport,
    Feedback,
    ListKind,
    ListStatus,
    NominationList,
    ReportStatus,
    Round,
    RoundStage,
    UnitRound,
)
from tuixuan.nomination.services._common import (
    SUBJECT_LIST,
    _close_stage,
    _fail,
    _report_record,
    _require_above,
    _require_open,
    _require_operator,
    _stage_start,
)
from tuixuan.nomination.services.reports import _fix_counts
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events
from tuixuan.registry.models import Member


@writes_events(EventType.NOMINATION_ROUND_CLOSED)
def round_close(
    *,
    actor: User,
    round: Round,
    unit: ElectionUnit,
    stage: RoundStage,
    closed_on: dt.date,
    reason: str = "",
) -> UnitRound:
    """The unit closes its 一上 or 二上: every branch has reported (answered), or the
    deadline has passed and the unit writes why the rest are 逾期未报."""
    _require_operator(actor, unit.organisation)
    _require_open(round)
    stage = RoundStage(stage)
    campaign = round.campaign
    errors: list[str | sanity.Problem] = []
    earliest, since = _stage_start(round), "本次推选工作开始的日期"
    handed_down = True
    if stage == RoundStage.FIRST_UP:
        pending = [o.name for o in selectors.not_reported(round, unit, unit.organisation)]
        deadline = selectors.deadline(campaign, Stage.FIRST_UP)
    else:
        shortlist = selectors.list_for(round, unit.organisation, ListKind.SHORTLIST)
        handed_down = shortlist is not None and shortlist.status == ListStatus.HANDED_DOWN
        answered: set[int] = set()
        if shortlist is not None and handed_down:
            answered = set(shortlist.feedback.values_list("organisation_id", flat=True))
            earliest = clock.local_date(shortlist.handed_down_at or shortlist.created_at)
            since = "考察对象名单下发的日期"
        pending = [o.name for o in selectors.branches(unit) if o.pk not in answered]
        deadline = selectors.deadline(campaign, Stage.SECOND_UP)
    row = selectors.unit_round(round, unit, stage)
    if row is not None:
        domain.check_unit_round_transition(stage, row.status, "closed")
    errors += sanity.date_problems(
        closed_on, field="closed_on", what="结束日期", earliest=earliest, since=since
    )
    errors += domain.close_blockers(
        domain.StageFacts(
            stage=stage,
            pending=pending,
            late=domain.is_late(deadline, clock.today()),
            reason=reason,
            handed_down=handed_down,
        )
    )
    _fail(errors)
    row = _close_stage(
        actor=actor,
        round=round,
        unit=unit,
        stage=stage,
        closed_on=closed_on,
        reason=reason,
        pending=pending,
    )
    if row is None:  # pragma: no cover -- a stage still open is always closed here
        raise NominationError(f"本选举单位的{stage.label}已经结束。")
    return row


@dataclass
class _Before:
    nomination_list: NominationList
    level: Organisation
    standings: list[ranking.Standing]


def _decided_lists(report: BranchReport) -> list[_Before]:
    """The lists in force of the levels whose tally the branch's report moves."""
    levels = selectors.level_ids(report.unit, report.organisation)
    out: list[_Before] = []
    for nl in (
        NominationList.objects.filter(round=report.round, organisation_id__in=levels)
        .exclude(status=ListStatus.REOPENED)
        .select_related("organisation")
        .order_by("organisation__path", "kind")
    ):
        out.append(_Before(nl, nl.organisation, []))
    return out


def _review(
    report: BranchReport, before: list[_Before], after: dict[int, list[ranking.Standing]]
) -> list[dict[str, Any]]:
    """Flag each decided list whose first places the late report changes (docs/domain.md §7.3)."""
    flagged: list[dict[str, Any]] = []
    people = {s.person for b in before for s in b.standings} | {
        s.person for rows in after.values() for s in rows
    }
    members = Member.objects.select_related("organisation").in_bulk(list(people))
    flags = selectors.findings_for(report.round.campaign, list(members.values()), unit=report.unit)
    blocked = {pk for pk, fs in flags.items() if fs}
    for b in before:
        k = b.nomination_list.entries.count()
        out, into = ranking.changes(b.standings, after[b.level.pk], k, excluded=blocked)
        if not out and not into:
            continue
        kind = ListKind(b.nomination_list.kind).label
        note = (
            f"受理“{report.organisation.name}”一上结束后的逾期报送后，按排名规则前 {k} 名有变化："
            + "；".join(
                part
                for part in (
                    "移出 " + "、".join(members[p].name for p in out) if out else "",
                    "移入 " + "、".join(members[p].name for p in into) if into else "",
                )
                if part
            )
            + f"。{kind}须复核，需要改变的由{b.level.name}决定重新研究。"
        )
        NominationList.objects.filter(pk=b.nomination_list.pk).update(review_note=note)
        flagged.append(
            {
                "organisation": b.level.name,
                "kind": b.nomination_list.kind,
                "out": [
                    {"citizen_id": members[p].citizen_id, "name": members[p].name} for p in out
                ],
                "in": [
                    {"citizen_id": members[p].citizen_id, "name": members[p].name} for p in into
                ],
            }
        )
    return flagged


@writes_events(EventType.NOMINATION_LATE_REPORT_ADMITTED)
def late_report_admit(*, actor: User, report: BranchReport, reason: str) -> BranchReport:
    """After the unit's 一上 closed, the level above decides to admit a branch's report,
    with its reason. The report is submitted as usual (counts, every level's tally); a
    decided list of a level it counts for is flagged for review when the ranking with the
    report puts other names in the list's places."""
    report = (
        BranchReport.objects.select_for_update(of=("self",))
        .select_related("organisation", "unit__organisation", "round__campaign")
        .get(pk=report.pk)
    )
    org = report.organisation
    _require_above(actor, org, "决定受理逾期报送")
    _require_open(report.round)
    errors: list[str | sanity.Problem] = []
    if report.status == ReportStatus.SUBMITTED:
        errors.append(f"“{org.name}”已报送推荐结果，无需受理")
    if not selectors.stage_closed(report.round, report.unit, RoundStage.FIRST_UP):
        errors.append(
            f"{report.unit.organisation.name}的一上尚未结束，"
            "逾期报送在报送时由上级党组织填写受理理由即可"
        )
    if not reason.strip():
        errors.append(("reason", "请填写受理逾期报送的理由"))
    _fail(errors)
    before = _decided_lists(report)
    for b in before:
        b.standings = selectors.decision_standings(report.round, b.level)
    deadline = selectors.deadline(report.round.campaign)
    fixed = _fix_counts(actor=actor, report=report, late_reason=reason.strip(), deadline=deadline)
    after = {b.level.pk: selectors.decision_standings(report.round, b.level) for b in before}
    review = _review(report, before, after)
    inputs = {**fixed.inputs, "late_reason": reason.strip(), "review": review}
    above = actor.organisation.name if actor.organisation else ""
    _report_record(
        event_type=EventType.NOMINATION_LATE_REPORT_ADMITTED,
        actor=actor,
        report=report,
        summary=(
            f"{above}决定受理{org.name}在一上结束后逾期报送的推荐结果（理由：{reason.strip()}）"
            + (f"；{len(review)} 份已确定的名单须复核" if review else "")
        ),
        inputs=inputs,
        persons=[m.citizen_id for m in fixed.members.values()],
    )
    return report


@writes_events(EventType.NOMINATION_LIST_REOPENED)
def list_reopen(
    *, actor: User, nomination_list: NominationList, reopened_on: dt.date, reason: str
) -> NominationList:
    """The deciding level decides to reconsider its list, with its reason; it can then decide
    a new list. Once a branch has answered 二上 on a handed-down list, only a level above
    the deciding one may reopen it. A pool list that a level above has counted in its own
    decision cannot be reopened while that decision stands."""
    nl = (
        NominationList.objects.select_for_update(of=("self",))
        .select_related("organisation", "round__campaign", "unit__organisation")
        .get(pk=nomination_list.pk)
    )
    _require_operator(actor, nl.organisation)
    _require_open(nl.round)
    domain.check_list_transition(nl.status, ListStatus.REOPENED)
    errors: list[str | sanity.Problem] = []
    answers = Feedback.objects.filter(shortlist=nl).count()
    if answers and not access.is_above(actor, nl.organisation):
        errors.append(
            f"已有 {answers} 个党支部报送二上意见，只有{nl.organisation.name}的上级党组织"
            "可以决定重新研究该名单"
        )
    above_ids = [
        i for i in selectors.level_ids(nl.unit, nl.organisation) if i != nl.organisation_id
    ]
    above = (
        NominationList.objects.filter(round=nl.round, organisation_id__in=above_ids)
        .exclude(status=ListStatus.REOPENED)
        .select_related("organisation")
        .first()
    )
    if above is not None:
        errors.append(
            f"上级“{above.organisation.name}”已据此集体研究确定{ListKind(above.kind).label}，"
            "须先由上级决定重新研究"
        )
    errors += sanity.date_problems(
        reopened_on,
        field="reopened_on",
        what="决定日期",
        earliest=nl.decided_on,
        since="原名单的研究日期",
    )
    if not reason.strip():
        errors.append(("reason", "请填写重新研究的理由"))
    _fail(errors)
    hit = NominationList.objects.filter(pk=nl.pk, status=nl.status).update(
        status=ListStatus.REOPENED, reopened_on=reopened_on, reopen_reason=reason.strip()
    )
    if hit != 1:
        raise NominationError("该名单刚被他人修改，请刷新页面后再试。")
    was = ListStatus(nl.status).label
    nl.refresh_from_db()
    people = list(nl.entries.select_related("candidate"))
    record(
        event_type=EventType.NOMINATION_LIST_REOPENED,
        actor=actor,
        summary=(
            f"{nl.organisation.name}决定重新研究{nl.decided_on}确定的"
            f"{ListKind(nl.kind).label}（理由：{nl.reopen_reason}）"
        ),
        subject_type=SUBJECT_LIST,
        subject_id=nl.pk,
        organisation=nl.organisation,
        accountable_organisation=nl.organisation,
        accountable_person=nl.accountable_person,
        person_citizen_ids=[e.candidate.citizen_id for e in people],
        inputs={
            "kind": nl.kind,
            "level": nl.organisation.name,
            "decided_on": nl.decided_on,
            "was": str(was),
            "reopened_on": reopened_on,
            "reason": nl.reopen_reason,
            "feedback_count": answers,
            "review_note": nl.review_note,
            "list": [
                {"citizen_id": e.candidate.citizen_id, "name": e.candidate.name} for e in people
            ],
        },
        campaign_id=nl.round.campaign_id,
    )
    return nl
