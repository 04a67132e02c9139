"""Helpers shared by the vetting services: who may act, locking, dates, the record call.

Private: nothing here writes state by itself except ``_apply_veto``, which is only ever
called from inside a service that declares ``VETTING_VETO_APPLIED``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from tuixuan.campaign.models import Campaign, ElectionUnit
from tuixuan.core import clock, sanity
from tuixuan.core.access import in_scope
from tuixuan.core.errors import ConcurrentChangeError, PermissionDeniedError
from tuixuan.core.models import Organisation, Role, User
from tuixuan.nomination.models import NominationList
from tuixuan.record.events import EventType
from tuixuan.record.services import AttachmentFile, record
from tuixuan.vetting import domain
from tuixuan.vetting.domain import VettingError
from tuixuan.vetting.models import Case, Settings, Team, Veto, VetoSource

OPERATORS = frozenset({Role.UNIT_OPERATOR, Role.CONVENER})
SUBJECT_CASE = "vetting.case"


def _fail(problems: Sequence[str | sanity.Problem]) -> None:
    sanity.fail(problems, VettingError)


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return user.display_name or user.get_username()


def _require_operator(actor: User, unit: ElectionUnit) -> None:
    """A unit operator of the unit, or a convener above it."""
    org = unit.organisation
    if actor.role not in OPERATORS or actor.organisation is None or not in_scope(actor, org):
        raise PermissionDeniedError(f"“{org.name}”不在您的管理范围内。")


def _require_convener(actor: User, campaign: Campaign) -> None:
    org = campaign.convening_organisation
    if actor.role != Role.CONVENER or actor.organisation is None or not in_scope(actor, org):
        raise PermissionDeniedError("只有召集机关可以变更考察审查设置。")


def _team_user_ids(team: Team) -> set[int]:
    ids = {team.leader_id}
    ids.update(uid for uid in team.members.values_list("user_id", flat=True) if uid is not None)
    return ids


def _require_team(actor: User, case: Case) -> Team:
    """An inspector on the case's team (谁考察谁负责)."""
    team = case.team
    if team is None or actor.role != Role.INSPECTOR or actor.pk not in _team_user_ids(team):
        raise PermissionDeniedError("只有承担该考察任务的考察组成员可以登记考察情况。")
    return team


def _lock_case(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related(
            "member__organisation", "unit__organisation", "campaign", "team__leader", "notice"
        )
        .get(pk=case.pk)
    )


def _bump(case: Case, **changes: Any) -> None:
    """Save ``changes`` only if nobody changed the case since it was read."""
    hit = Case.objects.filter(pk=case.pk, version=case.version).update(
        version=case.version + 1, **changes
    )
    if hit != 1:
        raise ConcurrentChangeError()
    for key, value in changes.items():
        setattr(case, key, value)
    case.version += 1


def _require_status(case: Case, allowed: Sequence[domain.Status], what: str) -> None:
    if domain.Status(case.status) not in allowed:
        label = domain.STATUS_LABELS[domain.Status(case.status)]
        raise domain.VettingTransitionError(f"“{case.member.name}”当前为“{label}”，不能{what}。")


def _require_open(case: Case, what: str) -> None:
    _require_status(case, sorted(domain.OPEN), what)


def _settings(campaign: Campaign) -> Settings:
    try:
        return Settings.objects.get(campaign=campaign)
    except Settings.DoesNotExist as exc:
        raise VettingError("本次推选工作尚未开始考察。") from exc


def _earliest(case: Case) -> dt.date:
    """The first day a vetting fact about the case can carry: the day its 考察对象 list was
    decided."""
    decided: dt.date = (
        NominationList.objects.filter(entries__pk=case.list_entry_id)
        .values_list("decided_on", flat=True)
        .get()
    )
    return decided


def _date_problems(day: dt.date, *, field: str, what: str, case: Case) -> list[sanity.Problem]:
    return sanity.date_problems(
        day, field=field, what=what, earliest=_earliest(case), since="考察对象名单确定的日期"
    )


def _text(value: str, *, field: str, what: str, limit: int | None = None) -> list[sanity.Problem]:
    text = value.strip()
    if not text:
        return [(field, f"请填写{what}")]
    if limit is not None and len(text) > limit:
        return [(field, f"{what}过长（最多{limit}字）")]
    return []


def _leader_name(case: Case) -> str:
    return _name(case.team.leader) if case.team is not None else ""


def _record_case(
    *,
    event_type: EventType,
    actor: User | None,
    case: Case,
    summary: str,
    inputs: dict[str, Any],
    accountable_person: str,
    accountable_organisation: Organisation | None = None,
    attachments: Sequence[AttachmentFile] = (),
) -> int:
    event = record(
        event_type=event_type,
        actor=actor,
        summary=summary,
        subject_type=SUBJECT_CASE,
        subject_id=case.pk,
        organisation=actor.organisation if actor is not None else None,
        accountable_organisation=accountable_organisation or case.unit.organisation,
        accountable_person=accountable_person,
        person_citizen_ids=[case.member.citizen_id],
        inputs={"case": case.pk, "name": case.member.name, **inputs},
        campaign_id=case.campaign_id,
        attachments=attachments,
    )
    return int(event.pk)


def _disqualification_problems(
    case: Case, disqualification: str, finding: str, field: str = "disqualification"
) -> list[sanity.Problem]:
    if not disqualification:
        return []
    allowed = list(case.campaign.disqualification_reasons or domain.DISQUALIFICATIONS)
    if disqualification not in allowed:
        return [(field, f"“{disqualification}”不是本次推选的一票否决情形")]
    if finding != domain.Finding.PROBLEM:
        return [(field, "只有“有问题”的结论可以认定为一票否决情形")]
    return []


def _apply_veto(
    *,
    actor: User | None,
    case: Case,
    reason: str,
    source: VetoSource,
    source_label: str,
    finding: str,
    accountable_person: str,
) -> Veto:
    """Put a veto on the case, naming the finding and where it came from, and record it."""
    veto = Veto.objects.create(
        case=case,
        reason=reason,
        source=source,
        source_label=source_label,
        finding=finding,
        applied_at=timezone.now(),
    )
    record(
        event_type=EventType.VETTING_VETO_APPLIED,
        actor=actor,
        summary=f"{case.member.name}：{reason}（{source_label}：{finding}），一票否决",
        subject_type=SUBJECT_CASE,
        subject_id=case.pk,
        organisation=actor.organisation if actor is not None else None,
        accountable_organisation=case.unit.organisation,
        accountable_person=accountable_person,
        person_citizen_ids=[case.member.citizen_id],
        inputs={
            "case": case.pk,
            "name": case.member.name,
            "veto": veto.pk,
            "reason": reason,
            "source": str(source),
            "source_label": source_label,
            "finding": finding,
        },
        campaign_id=case.campaign_id,
    )
    return veto


def _today() -> dt.date:
    return clock.today()
