"""Private helpers the campaign services share: permission, locking, recording, cleaning."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from tuixuan.campaign import selectors
from tuixuan.campaign.domain import CampaignSetupError
from tuixuan.campaign.models import ActivityKind, Campaign, Level, NonOverlapPolicy, RuleProfile
from tuixuan.core.errors import PermissionDeniedError
from tuixuan.core.models import Organisation, Role, User
from tuixuan.record.events import EventType
from tuixuan.record.services import record

SUBJECT_CAMPAIGN = "campaign"
SUBJECT_UNIT = "election_unit"
SUBJECT_TARGET = "structure_target"
SUBJECT_MILESTONE = "milestone"
SUBJECT_CALENDAR = "calendar_day"

MAX_LIST_ITEM = 64


def _require_convener(actor: User, campaign: Campaign | None = None) -> None:
    if actor.role != Role.CONVENER or actor.organisation is None:
        raise PermissionDeniedError("只有召集机关的工作人员可以设置推选工作。")
    if campaign is not None and not campaign.convening_organisation.path.startswith(
        actor.organisation.path
    ):
        raise PermissionDeniedError("该推选工作不在您的管理范围内。")


def _lock(campaign: Campaign) -> Campaign:
    locked = (
        Campaign.objects.select_for_update()
        .select_related("convening_organisation")
        .get(pk=campaign.pk)
    )
    return locked


def _record(
    *,
    event_type: EventType,
    actor: User,
    campaign: Campaign,
    summary: str,
    subject_type: str = SUBJECT_CAMPAIGN,
    subject_id: int | str | None = None,
    inputs: dict[str, Any] | None = None,
    accountable: Organisation | None = None,
) -> None:
    record(
        event_type=event_type,
        actor=actor,
        summary=summary,
        subject_type=subject_type,
        subject_id=campaign.pk if subject_id is None else subject_id,
        accountable_organisation=accountable or campaign.convening_organisation,
        accountable_person=str(actor),
        inputs=inputs,
        campaign_id=campaign.pk,
    )


def _fail(errors: Sequence[str]) -> None:
    if errors:
        raise CampaignSetupError("；".join(errors) + "。")


def _clean_list(label: str, raw: object) -> list[str]:
    if isinstance(raw, str):
        raw = raw.splitlines()
    if not isinstance(raw, list | tuple):
        raise CampaignSetupError(f"{label}应为名称列表")
    items: list[str] = []
    for item in raw:
        text = str(item).strip()
        if not text:
            continue
        if len(text) > MAX_LIST_ITEM:
            raise CampaignSetupError(f"{label}中“{text[:20]}…”过长（不超过 {MAX_LIST_ITEM} 字）")
        if text in items:
            raise CampaignSetupError(f"{label}中“{text}”重复")
        items.append(text)
    if not items:
        raise CampaignSetupError(f"{label}至少要有一项")
    return items


def _clean_setting(name: str, raw: object) -> Any:
    label = selectors.SETTING_LABELS[name]
    if name in ("name", "term"):
        text = str(raw).strip()
        if name == "name" and not text:
            raise CampaignSetupError("名称不能为空")
        return text
    if name == "level":
        if raw not in Level.values:
            raise CampaignSetupError(f"{label}“{raw}”无法识别")
        return raw
    if name == "default_rule_profile":
        if raw not in RuleProfile.values:
            raise CampaignSetupError(f"{label}“{raw}”无法识别")
        return raw
    if name == "non_overlap_policy":
        if raw not in NonOverlapPolicy.values:
            raise CampaignSetupError(f"{label}“{raw}”无法识别")
        return raw
    if name in ("second_notice", "equal_by_election"):
        if not isinstance(raw, bool):
            raise CampaignSetupError(f"{label}须为“是”或“否”")
        return raw
    if name in ("departments", "disqualification_reasons"):
        return _clean_list(label, raw)
    if name == "required_activities":
        kinds = [str(k) for k in raw] if isinstance(raw, list | tuple) else None
        if kinds is None or any(k not in ActivityKind.values for k in kinds):
            raise CampaignSetupError(f"{label}无法识别")
        return [k for k in ActivityKind.values if k in kinds]
    if name in selectors.FRACTION_FIELDS:
        if isinstance(raw, bool) or not isinstance(raw, int | Fraction):
            raise CampaignSetupError(f"{label}须为整数或分数")
        value = Fraction(raw)
        if name == "pool_multiple":
            if value < 1:
                raise CampaignSetupError(f"{label} {value} 倍，不能少于 1 倍")
        elif name in ("margin_ratio", "member_weight"):
            if not 0 <= value <= 1:
                raise CampaignSetupError(f"{label}应在 0 与 100% 之间")
        elif not 0 < value <= 1:
            raise CampaignSetupError(f"{label}应大于 0 且不超过 100%")
        return value
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise CampaignSetupError(f"{label}须为整数")
    minimum = {"total_seats": 1, "names_per_form": 1, "notice_working_days": 5}.get(name, 0)
    if raw < minimum:
        raise CampaignSetupError(f"{label}为 {raw}，不能少于 {minimum}")
    return raw
