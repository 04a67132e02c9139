"""The satisfaction survey of a unit's 一上, entered from the paper forms (docs/domain.md §8)."""

from __future__ import annotations

import datetime as dt

from tuixuan.campaign.models import ElectionUnit
from tuixuan.core import clock, sanity
from tuixuan.core.access import in_scope
from tuixuan.core.errors import PermissionDeniedError
from tuixuan.core.models import Role, User
from tuixuan.nomination.models import Participation, Round
from tuixuan.oversight.models import SatisfactionSurvey
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events


@writes_events(EventType.OVERSIGHT_SURVEY_ENTERED)
def survey_enter(
    *,
    actor: User,
    round: Round,
    unit: ElectionUnit,
    held_on: dt.date | None,
    participants: int,
    satisfied: int,
    basic: int,
    dissatisfied: int,
    reason: str = "",
) -> SatisfactionSurvey:
    """Enter (or, with a reason, correct) the unit's totals. Checked: the three counts do not
    add up to more than those surveyed, and no more were surveyed than members took part in
    the unit's 一上."""
    if actor.role not in (Role.CONVENER, Role.UNIT_OPERATOR) or not in_scope(
        actor, unit.organisation
    ):
        raise PermissionDeniedError("只有选举单位或召集机关可以录入满意度测评结果。")
    existing = (
        SatisfactionSurvey.objects.select_for_update(of=("self",))
        .filter(round=round, unit=unit)
        .first()
    )
    problems: list[sanity.Problem] = []
    if held_on is None:
        problems.append(("held_on", "请填写测评日期"))
    problems += sanity.date_problems(
        held_on,
        field="held_on",
        what="测评日期",
        earliest=clock.local_date(round.opened_at),
        since="一上开始的日期",
    )
    took_part = Participation.objects.filter(report__round=round, report__unit=unit).count()
    if participants < 1:
        problems.append(("participants", "参加测评人数至少 1 人"))
    elif participants > took_part:
        problems.append(
            ("participants", f"参加测评 {participants} 人多于参加一上推荐的党员 {took_part} 人")
        )
    total = satisfied + basic + dissatisfied
    if total > participants:
        problems.append(
            (
                "dissatisfied",
                f"满意、基本满意、不满意共 {total} 票，多于参加测评的 {participants} 人",
            )
        )
    if existing is not None and not reason.strip():
        problems.append(("reason", "已录入过测评结果，更正须填写理由"))
    sanity.fail(problems)
    if held_on is None:  # refused above; for the type checker
        raise PermissionDeniedError("请填写测评日期。")
    before = (
        None
        if existing is None
        else {
            "held_on": existing.held_on,
            "participants": existing.participants,
            "satisfied": existing.satisfied,
            "basic": existing.basic,
            "dissatisfied": existing.dissatisfied,
        }
    )
    survey, _created = SatisfactionSurvey.objects.update_or_create(
        round=round,
        unit=unit,
        defaults={
            "held_on": held_on,
            "participants": participants,
            "satisfied": satisfied,
            "basic": basic,
            "dissatisfied": dissatisfied,
            "entered_by": actor,
        },
    )
    record(
        event_type=EventType.OVERSIGHT_SURVEY_ENTERED,
        actor=actor,
        summary=f"{unit.organisation.name}党员满意度测评：满意 {satisfied}，基本满意 {basic}，"
        f"不满意 {dissatisfied}（参加 {participants} 人）",
        subject_type="satisfaction_survey",
        subject_id=survey.pk,
        organisation=actor.organisation,
        accountable_organisation=unit.organisation,
        campaign_id=round.campaign_id,
        inputs={
            "unit": unit.organisation.name,
            "held_on": held_on,
            "participants": participants,
            "satisfied": satisfied,
            "basic": basic,
            "dissatisfied": dissatisfied,
            "before": before,
            "reason": reason.strip(),
        },
    )
    return survey
