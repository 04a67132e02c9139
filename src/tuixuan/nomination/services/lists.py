"""Collective decisions fixing a level's list and the election unit's shortlist (一下)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Max

from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import ElectionUnit
from tuixuan.core import clock, sanity
from tuixuan.core.models import Organisation, User
from tuixuan.nomination import domain, selectors, tally
from tuixuan.nomination.models import (
    BranchReport,
    ListEntry,
    ListKind,
    ListStatus,
    NominationList,
    OrgRecommendation,
    ReportStatus,
    Round,
    RoundStage,
)
from tuixuan.nomination.services._common import (
    SUBJECT_LIST,
    _check_candidates,
    _close_stage,
    _fail,
    _members,
    _require_open,
    _require_operator,
    _stage_start,
    _unit_and_level,
    _veto_errors,
)
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events


def _decide(
    *,
    actor: User,
    round: Round,
    organisation: Organisation,
    kind: ListKind,
    candidate_ids: Sequence[int],
    decided_on: dt.date,
    attendance_due: int,
    attendance_present: int,
    decision: str,
    accountable_person: str,
    overdue_reason: str = "",
) -> NominationList:
    _require_operator(actor, organisation)
    _require_open(round)
    round = Round.objects.select_for_update().select_related("campaign").get(pk=round.pk)
    unit = _unit_and_level(round, organisation)
    campaign = round.campaign
    limit = campaign_selectors.pool_limit(campaign, unit)
    found = _members(candidate_ids)
    errors: list[str | sanity.Problem] = []
    counted = selectors.counted(round, organisation)
    earliest, since = _earliest(round, organisation, kind, counted)
    errors += sanity.date_problems(
        decided_on, field="decided_on", what="研究日期", earliest=earliest, since=since
    )
    above = _decided_above(round, unit, organisation)
    if above is not None:
        errors.append(
            f"上级“{above.organisation.name}”已集体研究确定{ListKind(above.kind).label}，"
            "本级不能再确定名单；须先由上级决定重新研究"
        )
    errors += sanity.attendance_problems(
        due=attendance_due,
        present=attendance_present,
        due_field="attendance_due",
        present_field="attendance_present",
    )
    overdue = selectors.not_reported_counted(round, unit, organisation)
    overdue_reason = overdue_reason.strip()
    if overdue:
        names = "、".join(o.name for o in overdue[:3]) + ("等" if len(overdue) > 3 else "")
        due = selectors.deadline(campaign)
        if not domain.is_late(due, clock.today()):
            errors.append(
                f"尚有 {len(overdue)} 个党支部未报送推荐结果（{names}），"
                "须全部报送后才能集体研究决定"
            )
        elif not overdue_reason:
            errors.append(
                (
                    "overdue_reason",
                    f"尚有 {len(overdue)} 个党支部未报送推荐结果（{names}），已过一上截止日期；"
                    "按逾期未报处理须填写说明",
                )
            )
    if kind == ListKind.SHORTLIST and organisation.pk != unit.organisation_id:
        errors.append("考察对象由选举单位党组织集体研究确定")
    if selectors.list_for(round, organisation, kind) is not None:
        errors.append(f"本级{ListKind(kind).label}已经集体研究确定，不能重复确定")
    if attendance_present <= attendance_due and not domain.quorum_met(
        attendance_due, attendance_present
    ):
        errors.append(
            (
                "attendance_present",
                f"应到会 {attendance_due} 人、实到会 {attendance_present} 人，"
                "未超过半数，不能集体研究决定",
            )
        )
    if not decision.strip():
        errors.append(("decision", "请填写研究决定"))
    if not accountable_person.strip():
        errors.append("请填写责任人")
    if not candidate_ids:
        errors.append("名单不能为空")
    if len(candidate_ids) > limit:
        errors.append(
            f"名单 {len(candidate_ids)} 人，超过推荐人选上限 {limit} 人"
            f"（名额 {unit.seats} × 倍数 {campaign.pool_multiple}）"
        )
    if len(set(candidate_ids)) != len(candidate_ids):
        errors.append("名单中有重复的人选")
    errors += _check_candidates(unit, candidate_ids, found)
    votes = {
        r[0]: r[1]
        for r in tally.top(round_id=round.pk, organisation_id=organisation.pk, limit=None)
    }
    org_recs = set(
        OrgRecommendation.objects.filter(
            round=round, organisation__path__startswith=organisation.path
        ).values_list("candidate_id", flat=True)
    )
    standing = {s.person: s for s in selectors.decision_standings(round, organisation)}
    source = selectors.decision_source(round, organisation)
    if kind == ListKind.SHORTLIST:
        pool = selectors.list_for(round, organisation, ListKind.POOL)
        if pool is not None:
            source = set(pool.entries.values_list("candidate_id", flat=True))
    for pk in candidate_ids:
        if pk in found and pk not in source:
            errors.append(f"“{found[pk].name}”未获推荐，或不在下级党组织确定的名单中，不能列入名单")
    _fail(errors)
    _fail(_veto_errors(campaign, unit, [found[pk] for pk in candidate_ids]))
    nl = NominationList.objects.create(
        round=round,
        organisation=organisation,
        unit=unit,
        kind=kind,
        decided_on=decided_on,
        attendance_due=attendance_due,
        attendance_present=attendance_present,
        decision=decision.strip(),
        accountable_person=accountable_person.strip(),
        created_by=actor,
    )
    ListEntry.objects.bulk_create(
        ListEntry(
            nomination_list=nl,
            candidate_id=pk,
            position=i,
            votes=votes.get(pk, 0),
            org_recommended=pk in org_recs,
        )
        for i, pk in enumerate(candidate_ids, start=1)
    )
    event = (
        EventType.NOMINATION_SHORTLIST_DECIDED
        if kind == ListKind.SHORTLIST
        else EventType.NOMINATION_LIST_DECIDED
    )
    record(
        event_type=event,
        actor=actor,
        summary=(
            f"{organisation.name}集体研究确定{ListKind(kind).label} "
            f"{len(candidate_ids)} 人（{decided_on}）"
        ),
        subject_type=SUBJECT_LIST,
        subject_id=nl.pk,
        organisation=organisation,
        accountable_organisation=organisation,
        accountable_person=nl.accountable_person,
        person_citizen_ids=[found[pk].citizen_id for pk in candidate_ids],
        inputs={
            "kind": kind,
            "decided_on": decided_on,
            "attendance_due": attendance_due,
            "attendance_present": attendance_present,
            "decision": nl.decision,
            "overdue_branches": [o.name for o in overdue],
            "counted_lists": [n.organisation.name for n in counted.lists],
            "overdue_reason": overdue_reason if overdue else "",
            "seats": unit.seats,
            "pool_limit": limit,
            "minimum_candidates": campaign_selectors.minimum_candidates(campaign, unit),
            "list": [
                {
                    "citizen_id": found[pk].citizen_id,
                    "name": found[pk].name,
                    "votes": votes.get(pk, 0),
                    "organisations": standing[pk].organisations if pk in standing else 0,
                    "org_recommended": pk in org_recs,
                }
                for pk in candidate_ids
            ],
        },
        campaign_id=campaign.pk,
    )
    if kind == ListKind.SHORTLIST:
        _close_stage(
            actor=actor,
            round=round,
            unit=unit,
            stage=RoundStage.FIRST_UP,
            closed_on=decided_on,
            reason="考察对象已集体研究确定",
            pending=[o.name for o in overdue],
            when_open_only=True,
        )
    return nl


def _earliest(
    round: Round, org: Organisation, kind: ListKind, counted: selectors.Counted
) -> tuple[dt.date, str]:
    """The first day the decision can carry: not before the stage began, the last branch
    meeting and the child lists it counts, the pool list (for the 考察对象), nor the
    decision that reopened the level's earlier list (docs/domain.md §3.3)."""
    days: list[tuple[dt.date, str]] = [(_stage_start(round), "本次推选工作开始的日期")]
    meetings = BranchReport.objects.filter(
        round=round, status=ReportStatus.SUBMITTED, organisation__path__startswith=org.path
    )
    if counted.covered:
        meetings = meetings.exclude(counted.reports_q("organisation__"))
    last = meetings.aggregate(last=Max("meeting_date"))["last"]
    if last is not None:
        days.append((last, "所计入的党支部推荐会议的日期"))
    for nl in counted.lists:
        days.append((nl.decided_on, f"所计入的“{nl.organisation.name}”名单的研究日期"))
    if kind == ListKind.SHORTLIST:
        pool = selectors.list_for(round, org, ListKind.POOL)
        if pool is not None:
            days.append((pool.decided_on, "推荐人选名单的研究日期"))
    for old in selectors.reopened_lists(round, org):
        if old.kind == kind and old.reopened_on is not None:
            days.append((old.reopened_on, "决定重新研究原名单的日期"))
            break
    return max(days, key=lambda d: d[0])


def _decided_above(round: Round, unit: ElectionUnit, org: Organisation) -> NominationList | None:
    """A list in force of a level above ``org`` within its unit: it already counted ``org``'s
    branches, so ``org`` can no longer fix a list of its own."""
    above = [i for i in selectors.level_ids(unit, org) if i != org.pk]
    return (
        NominationList.objects.filter(round=round, organisation_id__in=above)
        .exclude(status=ListStatus.REOPENED)
        .select_related("organisation")
        .first()
    )


@writes_events(EventType.NOMINATION_LIST_DECIDED)
def list_decide(
    *,
    actor: User,
    round: Round,
    organisation: Organisation,
    candidate_ids: Sequence[int],
    decided_on: dt.date,
    attendance_due: int,
    attendance_present: int,
    decision: str,
    accountable_person: str,
    overdue_reason: str = "",
) -> NominationList:
    """A level fixes the list it sends up, by collective decision; at most the pool ceiling."""
    return _decide(
        actor=actor,
        round=round,
        organisation=organisation,
        kind=ListKind.POOL,
        candidate_ids=candidate_ids,
        decided_on=decided_on,
        attendance_due=attendance_due,
        attendance_present=attendance_present,
        decision=decision,
        accountable_person=accountable_person,
        overdue_reason=overdue_reason,
    )


@writes_events(EventType.NOMINATION_SHORTLIST_DECIDED, EventType.NOMINATION_ROUND_CLOSED)
def shortlist_decide(
    *,
    actor: User,
    round: Round,
    organisation: Organisation,
    candidate_ids: Sequence[int],
    decided_on: dt.date,
    attendance_due: int,
    attendance_present: int,
    decision: str,
    accountable_person: str,
    overdue_reason: str = "",
) -> NominationList:
    """一下: the election unit's committee fixes the 考察对象/初步人选 from the majority view;
    the unit's 一上 closes with it if it is still open (docs/domain.md §7.3)."""
    return _decide(
        actor=actor,
        round=round,
        organisation=organisation,
        kind=ListKind.SHORTLIST,
        candidate_ids=candidate_ids,
        decided_on=decided_on,
        attendance_due=attendance_due,
        attendance_present=attendance_present,
        decision=decision,
        accountable_person=accountable_person,
        overdue_reason=overdue_reason,
    )
