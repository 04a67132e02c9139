"""Services on a campaign's milestones: planning, setting and completing stage deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from tuixuan.campaign import schedule, selectors
from tuixuan.campaign.domain import CampaignSetupError, require_open
from tuixuan.campaign.models import STAGE_ORDER, Campaign, Milestone, Stage
from tuixuan.campaign.services._common import (
    SUBJECT_MILESTONE,
    _fail,
    _lock,
    _record,
    _require_convener,
)
from tuixuan.core import clock
from tuixuan.core.models import User
from tuixuan.record.events import EventType
from tuixuan.record.services import writes_events


@writes_events(EventType.MILESTONES_PLANNED)
def milestones_plan(
    *,
    actor: User,
    campaign: Campaign,
    start: dt.date,
    spans: Mapping[Stage, int] | None = None,
    confirm_past: bool = False,
) -> list[Milestone]:
    """Lay out every stage's deadline from ``start`` on the working-day calendar. A start
    before today makes the early stages overdue at once, so it needs ``confirm_past``."""
    _require_convener(actor, campaign)
    today = clock.today()
    if start < today and not confirm_past:
        raise CampaignSetupError(
            f"部署开始日期 {start.isoformat()} 早于今天（{today.isoformat()}），"
            "按此编排，已过的节点将立即显示为逾期；如确需按此编排，请勾选确认后再提交。",
            field="start",
        )
    locked = _lock(campaign)
    require_open(locked.status, "编排时间节点")
    if locked.milestones.filter(completed_on__isnull=False).exists():
        raise CampaignSetupError("已有完成的时间节点，不能整体重新编排，请逐项调整")
    calendar = selectors.working_calendar()
    chosen = {**schedule.DEFAULT_SPANS, **(spans or {})}
    deadlines = schedule.plan_deadlines(
        start, calendar=calendar, spans=chosen, notice_working_days=locked.notice_working_days
    )
    _fail(
        schedule.schedule_errors(
            deadlines, calendar=calendar, notice_working_days=locked.notice_working_days
        )
    )
    existing = {Stage(m.stage): m for m in locked.milestones.all()}
    result: list[Milestone] = []
    for position, stage in enumerate(STAGE_ORDER):
        m = existing.get(stage)
        if m is None:
            m = Milestone(campaign=locked, stage=stage, position=position)
        m.deadline = deadlines[stage]
        m.position = position
        m.save()
        result.append(m)
    _record(
        event_type=EventType.MILESTONES_PLANNED,
        actor=actor,
        campaign=locked,
        summary=f"自 {start.isoformat()} 起按工作日编排各阶段时间节点",
        inputs={
            "start": start,
            "spans": {s.value: chosen[s] for s in STAGE_ORDER},
            "deadlines": {s.value: d for s, d in deadlines.items()},
        },
    )
    return result


@writes_events(EventType.MILESTONE_CHANGED, may_skip=True)
def milestone_set(
    *,
    actor: User,
    campaign: Campaign,
    stage: str,
    deadline: dt.date,
    note: str | None = None,
) -> Milestone:
    """Set one stage's deadline; refused on a non-working day or out of order."""
    _require_convener(actor, campaign)
    locked = _lock(campaign)
    require_open(locked.status, "调整时间节点")
    try:
        the_stage = Stage(stage)
    except ValueError as exc:
        raise CampaignSetupError(f"阶段“{stage}”无法识别") from exc
    existing = {Stage(m.stage): m for m in locked.milestones.all()}
    deadlines = {s: m.deadline for s, m in existing.items()}
    deadlines[the_stage] = deadline
    calendar = selectors.working_calendar()
    _fail(
        schedule.schedule_errors(
            deadlines,
            calendar=calendar,
            notice_working_days=locked.notice_working_days,
            only=the_stage,
        )
    )
    m = existing.get(the_stage)
    old = {"deadline": m.deadline, "note": m.note} if m is not None else None
    if m is None:
        m = Milestone(campaign=locked, stage=the_stage, position=STAGE_ORDER.index(the_stage))
    new_note = m.note if note is None else note.strip()
    if old is not None and old == {"deadline": deadline, "note": new_note}:
        return m
    m.deadline = deadline
    m.note = new_note
    m.save()
    _record(
        event_type=EventType.MILESTONE_CHANGED,
        actor=actor,
        campaign=locked,
        summary=f"“{the_stage.label}”截止日期定为 {deadline.isoformat()}",
        subject_type=SUBJECT_MILESTONE,
        subject_id=m.pk,
        inputs={
            "stage": the_stage.value,
            "old": old,
            "new": {"deadline": deadline, "note": m.note},
        },
    )
    return m


@writes_events(EventType.MILESTONE_COMPLETED)
def milestone_complete(
    *, actor: User, milestone: Milestone, completed_on: dt.date | None = None
) -> Milestone:
    campaign = milestone.campaign
    _require_convener(actor, campaign)
    locked = _lock(campaign)
    require_open(locked.status, "登记时间节点完成")
    day = completed_on or clock.today()
    hit = Milestone.objects.filter(pk=milestone.pk, completed_on__isnull=True).update(
        completed_on=day
    )
    if hit != 1:
        raise CampaignSetupError(f"“{milestone.get_stage_display()}”已登记完成")
    milestone.refresh_from_db()
    late = day > milestone.deadline
    _record(
        event_type=EventType.MILESTONE_COMPLETED,
        actor=actor,
        campaign=locked,
        summary=(
            f"“{milestone.get_stage_display()}”于 {day.isoformat()} 完成"
            + ("（逾期）" if late else "")
        ),
        subject_type=SUBJECT_MILESTONE,
        subject_id=milestone.pk,
        inputs={"stage": milestone.stage, "deadline": milestone.deadline, "completed_on": day},
    )
    return milestone
