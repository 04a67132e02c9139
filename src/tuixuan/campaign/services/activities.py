"""Publicity and warning education (宣传发动, 警示教育) recorded per organisation
(docs/domain.md §3.1); the campaign can require some kinds before 一上 opens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tuixuan.campaign.models import Activity, ActivityKind, Campaign, CampaignStatus
from tuixuan.core import clock, sanity
from tuixuan.core.errors import PermissionDeniedError
from tuixuan.core.models import Organisation, Role, User
from tuixuan.record.events import EventType
from tuixuan.record.services import AttachmentFile, record, writes_events

RECORDERS = frozenset({Role.CONVENER, Role.UNIT_OPERATOR, Role.BRANCH_OPERATOR})


@writes_events(EventType.ACTIVITY_RECORDED)
def activity_record(
    *,
    actor: User,
    campaign: Campaign,
    organisation: Organisation,
    kind: str,
    held_on: dt.date | None,
    title: str,
    participants: int,
    note: str = "",
    attachments: Sequence[AttachmentFile] = (),
) -> Activity:
    """An activity held by ``organisation`` (the actor's own or below it, inside the
    campaign's tree), dated not in the future and not before the campaign was set up."""
    if (
        actor.role not in RECORDERS
        or actor.organisation is None
        or not organisation.path.startswith(actor.organisation.path)
    ):
        raise PermissionDeniedError("只能登记本单位或下级党组织开展的活动。")
    problems: list[sanity.Problem] = []
    if not organisation.path.startswith(campaign.convening_organisation.path):
        problems.append(("organisation", f"“{organisation.name}”不在本次推选工作范围内"))
    if campaign.status in (CampaignStatus.COMPLETED, CampaignStatus.WITHDRAWN):
        problems.append((None, f"推选工作已{CampaignStatus(campaign.status).label}"))
    if kind not in ActivityKind.values:
        problems.append(("kind", "请选择活动类别"))
    if held_on is None:
        problems.append(("held_on", "请填写活动日期"))
    problems += sanity.date_problems(
        held_on,
        field="held_on",
        what="活动日期",
        earliest=clock.local_date(campaign.created_at),
        since="推选工作建立的日期",
    )
    title = title.strip()
    if not title:
        problems.append(("title", "请填写活动主题"))
    elif len(title) > 128:
        problems.append(("title", "活动主题不能超过 128 个字"))
    if participants < 1:
        problems.append(("participants", "参加人数至少 1 人"))
    sanity.fail(problems)
    if held_on is None:  # refused above; for the type checker
        raise PermissionDeniedError("请填写活动日期。")
    activity = Activity.objects.create(
        campaign=campaign,
        organisation=organisation,
        kind=kind,
        held_on=held_on,
        title=title,
        participants=participants,
        note=note.strip(),
        created_by=actor,
    )
    event = record(
        event_type=EventType.ACTIVITY_RECORDED,
        actor=actor,
        summary=f"{ActivityKind(kind).label}：{title}（{organisation.name}）",
        subject_type="activity",
        subject_id=activity.pk,
        organisation=organisation,
        accountable_organisation=organisation,
        campaign_id=campaign.pk,
        inputs={
            "kind": kind,
            "held_on": held_on,
            "title": title,
            "participants": participants,
            "note": activity.note,
            "organisation": organisation.name,
        },
        attachments=attachments,
    )
    activity.event_id = event.pk
    activity.save(update_fields=["event_id"])
    return activity
