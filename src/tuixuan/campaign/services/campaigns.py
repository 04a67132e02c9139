"""Services on the campaign itself: creating it, its settings and its status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tuixuan.campaign import selectors
from tuixuan.campaign.domain import (
    CampaignSetupError,
    check_transition,
    require_open,
    require_preparing,
)
from tuixuan.campaign.models import AllocationStatus, Campaign, CampaignStatus, Level
from tuixuan.campaign.services._common import (
    _clean_setting,
    _fail,
    _lock,
    _record,
    _require_convener,
)
from tuixuan.core.errors import ConcurrentChangeError, PermissionDeniedError
from tuixuan.core.models import Organisation, User
from tuixuan.record.events import EventType
from tuixuan.record.services import writes_events


@writes_events(EventType.CAMPAIGN_CREATED)
def campaign_create(
    *,
    actor: User,
    name: str,
    level: str,
    total_seats: int,
    convening_organisation: Organisation,
    term: str = "",
) -> Campaign:
    _require_convener(actor)
    if actor.organisation is None or not convening_organisation.path.startswith(
        actor.organisation.path
    ):
        raise PermissionDeniedError("召集机关不在您的管理范围内。")
    name = name.strip()
    errors: list[str] = []
    if not name:
        errors.append("名称不能为空")
    if level not in Level.values:
        errors.append(f"层级“{level}”无法识别")
    if total_seats <= 0:
        errors.append(f"代表名额 {total_seats} 名，应为正整数")
    members = convening_organisation.member_count
    if members and total_seats > members:
        errors.append(
            f"代表名额 {total_seats} 名，多于“{convening_organisation.name}”的党员总数 {members} 名"
        )
    _fail(errors)
    campaign = Campaign.objects.create(
        name=name,
        level=level,
        term=term.strip(),
        total_seats=total_seats,
        convening_organisation=convening_organisation,
        created_by=actor,
    )
    _record(
        event_type=EventType.CAMPAIGN_CREATED,
        actor=actor,
        campaign=campaign,
        summary=f"创建推选工作“{name}”，代表名额 {total_seats} 名",
        inputs={"settings": selectors.settings_snapshot(campaign)},
    )
    return campaign


@writes_events(EventType.CAMPAIGN_SETTINGS_CHANGED, may_skip=True)
def campaign_change_settings(
    *, actor: User, campaign: Campaign, changes: Mapping[str, object]
) -> list[str]:
    """Change any of the settings at once; one event lists each old and new value.

    Returns the names of the settings that changed (none: nothing is written).
    """
    _require_convener(actor, campaign)
    locked = _lock(campaign)
    require_open(locked.status, "修改设置")
    unknown = [k for k in changes if k not in selectors.SETTING_LABELS]
    if unknown:
        raise CampaignSetupError(f"未知的设置项：{'、'.join(unknown)}")
    cleaned = {name: _clean_setting(name, raw) for name, raw in changes.items()}
    diff = {
        name: {"old": selectors.setting_value(locked, name), "new": value}
        for name, value in cleaned.items()
        if selectors.setting_value(locked, name) != value
    }
    if not diff:
        return []
    seat_changes = sorted(set(diff) & selectors.SEAT_SETTINGS)
    if seat_changes:
        labels = "、".join(selectors.SETTING_LABELS[n] for n in seat_changes)
        require_preparing(locked.status, f"修改{labels}")
        if locked.allocation_status == AllocationStatus.CONFIRMED:
            raise CampaignSetupError(f"名额分配已确认，修改{labels}须先撤销确认")
    for name, change in diff.items():
        value = change["new"]
        if name in selectors.FRACTION_FIELDS:
            prefix = selectors.FRACTION_FIELDS[name]
            setattr(locked, f"{prefix}_numerator", value.numerator)
            setattr(locked, f"{prefix}_denominator", value.denominator)
        else:
            setattr(locked, name, value)
    locked.save()
    _record(
        event_type=EventType.CAMPAIGN_SETTINGS_CHANGED,
        actor=actor,
        campaign=locked,
        summary="变更设置：" + "、".join(selectors.SETTING_LABELS[n] for n in diff),
        inputs={"changes": diff},
    )
    campaign.refresh_from_db()
    return list(diff)


def _change_status(
    actor: User, campaign: Campaign, target: CampaignStatus, summary: str, inputs: dict[str, Any]
) -> Campaign:
    locked = _lock(campaign)
    check_transition(locked.status, target)
    hit = Campaign.objects.filter(pk=locked.pk, status=locked.status).update(status=target)
    if hit != 1:
        raise ConcurrentChangeError
    _record(
        event_type=EventType.CAMPAIGN_STATUS_CHANGED,
        actor=actor,
        campaign=locked,
        summary=summary,
        inputs={"from": locked.status, "to": target.value, **inputs},
    )
    campaign.refresh_from_db()
    return campaign


@writes_events(EventType.CAMPAIGN_STATUS_CHANGED)
def campaign_start(*, actor: User, campaign: Campaign) -> Campaign:
    """Start the work once the set-up is complete; the set-up is snapshotted in the event."""
    _require_convener(actor, campaign)
    locked = _lock(campaign)
    check_transition(locked.status, CampaignStatus.RUNNING)
    blockers = selectors.start_blockers(locked)
    if blockers:
        raise CampaignSetupError("推选工作还不能启动：" + "；".join(blockers) + "。")
    unit_rows = list(selectors.units(locked))
    snapshot = {
        "settings": selectors.settings_snapshot(locked),
        "units": {u.organisation.code: u.seats for u in unit_rows},
        "milestones": {m.stage: m.deadline for m in locked.milestones.all()},
    }
    return _change_status(actor, campaign, CampaignStatus.RUNNING, "启动推选工作", snapshot)


@writes_events(EventType.CAMPAIGN_STATUS_CHANGED)
def campaign_withdraw(*, actor: User, campaign: Campaign, reason: str) -> Campaign:
    """Withdraw a campaign still in 筹备 (created by mistake, or twice): it is never deleted;
    its status becomes 已撤销 and the decision with its reason stays in the record."""
    _require_convener(actor, campaign)
    if not reason.strip():
        raise CampaignSetupError("撤销推选工作须填写理由。", field="reason")
    return _change_status(
        actor,
        campaign,
        CampaignStatus.WITHDRAWN,
        f"撤销推选工作“{campaign.name}”，理由：{reason.strip()}",
        {"reason": reason.strip()},
    )


@writes_events(EventType.CAMPAIGN_STATUS_CHANGED)
def campaign_complete(*, actor: User, campaign: Campaign, note: str = "") -> Campaign:
    _require_convener(actor, campaign)
    return _change_status(
        actor, campaign, CampaignStatus.COMPLETED, "推选工作完成", {"note": note.strip()}
    )
