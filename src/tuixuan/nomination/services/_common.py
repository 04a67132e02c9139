"""Helpers shared by the nomination services: access checks, lookups, checks and records."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from tuixuan.campaign.models import Campaign, ElectionUnit, Stage
from tuixuan.core import clock, sanity
from tuixuan.core.access import in_scope
from tuixuan.core.errors import ConcurrentChangeError, PermissionDeniedError
from tuixuan.core.models import Organisation, User
from tuixuan.nomination import access, domain, selectors
from tuixuan.nomination.domain import NominationError
from tuixuan.nomination.models import (
    BranchReport,
    Round,
    RoundStage,
    RoundStatus,
    UnitRound,
    UnitRoundStatus,
)
from tuixuan.record.events import EventType
from tuixuan.record.services import record
from tuixuan.registry.models import Member

OPERATORS = access.OPERATORS
SUBJECT_ROUND = "nomination.round"
SUBJECT_REPORT = "nomination.report"
SUBJECT_LIST = "nomination.list"
SUBJECT_UNIT_ROUND = "nomination.unit_round"


def _fail(errors: Sequence[str | sanity.Problem]) -> None:
    sanity.fail(errors, NominationError)


def _entitled(org: Organisation) -> int:
    """Members of the branch who may attend its meeting: all but those whose rights are
    suspended (probationary members attend; their views are counted apart)."""
    return selectors.eligible_members(org.path).filter(organisation=org).count()


def _stage_start(round: Round) -> dt.date:
    """The first day a 一上 meeting or decision can carry: the day the campaign was set up."""
    return clock.local_date(round.campaign.created_at)


def _require_operator(actor: User, org: Organisation) -> None:
    if actor.role not in OPERATORS or not in_scope(actor, org):
        raise PermissionDeniedError(f"“{org.name}”不在您的管理范围内。")


def _require_above(actor: User, org: Organisation, what: str) -> None:
    if not access.is_above(actor, org):
        raise PermissionDeniedError(f"只有“{org.name}”的上级党组织可以{what}。")


def _require_open(round: Round) -> None:
    if round.status != RoundStatus.OPEN:
        raise NominationError("一上推荐已结束，不能再修改。")


def _unit_and_level(round: Round, org: Organisation) -> ElectionUnit:
    unit = selectors.unit_of(round.campaign, org)
    if unit is None:
        raise NominationError(f"“{org.name}”不属于本次推选工作的任何选举单位。")
    if selectors.is_leaf(org) and org.pk != unit.organisation_id:
        raise NominationError(f"“{org.name}”是党支部，没有下级汇总。")
    return unit


def _members(ids: Sequence[int]) -> dict[int, Member]:
    return Member.objects.select_related("organisation").in_bulk(list(ids))


def _check_candidates(
    unit: ElectionUnit, ids: Sequence[int], found: Mapping[int, Member], where: str = ""
) -> list[str]:
    errors: list[str] = []
    for i, pk in enumerate(ids, start=1):
        m = found.get(pk)
        if m is None:
            errors.append(f"{where}第 {i} 名推荐人选不在党员名册中")
        elif not selectors.in_unit(unit, m):
            errors.append(f"{where}“{m.name}”不在本选举单位（{unit.organisation.name}）范围内")
    return errors


def _report_record(
    *,
    event_type: EventType,
    actor: User,
    report: BranchReport,
    summary: str,
    inputs: dict[str, Any],
    persons: list[str] | None = None,
    organisation: Organisation | None = None,
) -> None:
    record(
        event_type=event_type,
        actor=actor,
        summary=summary,
        subject_type=SUBJECT_REPORT,
        subject_id=report.pk,
        organisation=organisation,
        accountable_organisation=report.organisation,
        accountable_person=report.accountable_person,
        person_citizen_ids=persons,
        inputs={
            "branch": report.organisation.name,
            "unit": report.unit.organisation.name,
            **inputs,
        },
        campaign_id=report.round.campaign_id,
    )


def _count_rows(
    counts: Mapping[int, tuple[int, int]], members: Mapping[int, Member]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "citizen_id": members[pk].citizen_id,
            "name": members[pk].name,
            "votes": v,
            "probationary_votes": p,
        }
        for pk, (v, p) in counts.items()
    ]
    rows.sort(key=lambda r: (-r["votes"], -r["probationary_votes"], r["citizen_id"]))
    return rows


def _check_totals(
    report: BranchReport, rows: Sequence[tuple[int, int, int]], where: str = ""
) -> tuple[list[str], dict[int, Member]]:
    found = _members([r[0] for r in rows])
    errors = _check_candidates(report.unit, [r[0] for r in rows], found, where)
    twice = [
        found[pk].name for pk, n in Counter(r[0] for r in rows).items() if n > 1 and pk in found
    ]
    if twice:
        errors.append(f"{where}重复填写：" + "、".join(twice))
    for pk, votes, pvotes in rows:
        name = found[pk].name if pk in found else str(pk)
        if votes < 0 or pvotes < 0:
            errors.append(f"{where}“{name}”的票数不能为负数")
        elif report.members_present and votes + pvotes > report.members_present:
            errors.append(
                f"{where}“{name}”得票 {votes + pvotes} 张，"
                f"多于实到会党员 {report.members_present} 人"
            )
    return errors, found


def _veto_errors(campaign: Campaign, unit: ElectionUnit, members: Sequence[Member]) -> list[str]:
    flags = selectors.findings_for(campaign, members, unit=unit)
    return [
        f"“{m.name}”{'；'.join(f.reason for f in flags[m.pk])}，不能列入"
        for m in members
        if flags[m.pk]
    ]


def _close_stage(
    *,
    actor: User,
    round: Round,
    unit: ElectionUnit,
    stage: RoundStage,
    closed_on: dt.date,
    reason: str,
    pending: Sequence[str],
    when_open_only: bool = False,
) -> UnitRound | None:
    """Move the unit's 一上 or 二上 to 已结束 and record it (docs/domain.md §7.3).

    ``when_open_only``: a stage already closed is left as it is (the 考察对象 decision
    closes 一上 only if the unit has not closed it before)."""
    row, _created = UnitRound.objects.get_or_create(round=round, unit=unit, stage=stage)
    row = UnitRound.objects.select_for_update(of=("self",)).get(pk=row.pk)
    if when_open_only and row.status == UnitRoundStatus.CLOSED:
        return None
    domain.check_unit_round_transition(stage, row.status, UnitRoundStatus.CLOSED)
    hit = UnitRound.objects.filter(pk=row.pk, status=UnitRoundStatus.OPEN).update(
        status=UnitRoundStatus.CLOSED,
        closed_on=closed_on,
        closed_at=timezone.now(),
        closed_by=actor,
        reason=reason.strip(),
    )
    if hit != 1:
        raise ConcurrentChangeError()
    row.refresh_from_db()
    label = RoundStage(stage).label
    deadline = selectors.deadline(
        round.campaign, Stage.FIRST_UP if stage == RoundStage.FIRST_UP else Stage.SECOND_UP
    )
    record(
        event_type=EventType.NOMINATION_ROUND_CLOSED,
        actor=actor,
        summary=f"{unit.organisation.name}的{label}结束（{closed_on}）"
        + (f"，{len(pending)} 个党支部按逾期未报处理" if pending else ""),
        subject_type=SUBJECT_UNIT_ROUND,
        subject_id=row.pk,
        organisation=unit.organisation,
        accountable_organisation=unit.organisation,
        accountable_person=str(actor),
        inputs={
            "unit": unit.organisation.name,
            "stage": str(stage),
            "closed_on": closed_on,
            "deadline": deadline,
            "reason": row.reason,
            "overdue_branches": list(pending),
        },
        campaign_id=round.campaign_id,
    )
    return row
