"""Services on a campaign's election units: adding, removing and changing them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tuixuan.campaign import selectors
from tuixuan.campaign.domain import CampaignSetupError, require_open, require_preparing
from tuixuan.campaign.models import AllocationStatus, Campaign, ElectionUnit, RuleProfile
from tuixuan.campaign.services._common import SUBJECT_UNIT, _lock, _record, _require_convener
from tuixuan.core.models import Organisation, User
from tuixuan.record.events import EventType
from tuixuan.record.services import writes_events


def _unit_state(unit: ElectionUnit) -> dict[str, Any]:
    return {
        "organisation": unit.organisation.code,
        "name": unit.organisation.name,
        "seats": unit.seats,
        "rule_profile": unit.rule_profile,
        "secretary_name": unit.secretary_name,
        "secretary_post": unit.secretary_post,
        "deputy_name": unit.deputy_name,
        "deputy_post": unit.deputy_post,
        "recommending_organisations": sorted(o.code for o in unit.recommending_organisations.all()),
    }


def _check_new_unit(campaign: Campaign, org: Organisation, taken: list[Organisation]) -> None:
    root = campaign.convening_organisation
    if org.pk == root.pk or not org.path.startswith(root.path):
        raise CampaignSetupError(f"“{org.name}”不在召集机关“{root.name}”的下级党组织中")
    for other in taken:
        if other.pk == org.pk:
            raise CampaignSetupError(f"“{org.name}”已经是选举单位")
        if org.path.startswith(other.path) or other.path.startswith(org.path):
            raise CampaignSetupError(
                f"“{org.name}”与选举单位“{other.name}”相互包含，选举单位不能相互包含"
            )


@writes_events(EventType.UNIT_ADDED)
def units_add(
    *,
    actor: User,
    campaign: Campaign,
    organisations: Sequence[Organisation],
    rule_profile: str | None = None,
) -> list[ElectionUnit]:
    """Add election units; each recommends through all its child organisations by default."""
    _require_convener(actor, campaign)
    locked = _lock(campaign)
    require_preparing(locked.status, "增加选举单位")
    if locked.allocation_status == AllocationStatus.CONFIRMED:
        raise CampaignSetupError("名额分配已确认，增加选举单位须先撤销确认")
    if not organisations:
        raise CampaignSetupError("请选择要增加的选举单位")
    profile = rule_profile or locked.default_rule_profile
    if profile not in RuleProfile.values:
        raise CampaignSetupError(f"选举规则“{profile}”无法识别")
    taken = [u.organisation for u in selectors.units(locked)]
    for org in organisations:
        _check_new_unit(locked, org, taken)
        taken.append(org)
    created: list[ElectionUnit] = []
    for org in organisations:
        unit = ElectionUnit.objects.create(campaign=locked, organisation=org, rule_profile=profile)
        unit.recommending_organisations.set(org.children.all())
        _record(
            event_type=EventType.UNIT_ADDED,
            actor=actor,
            campaign=locked,
            summary=f"增加选举单位“{org.name}”",
            subject_type=SUBJECT_UNIT,
            subject_id=unit.pk,
            inputs=_unit_state(unit)
            | {"members": org.member_count, "organisations": org.child_count},
            accountable=org,
        )
        created.append(unit)
    return created


@writes_events(EventType.UNIT_REMOVED)
def unit_remove(*, actor: User, unit: ElectionUnit) -> None:
    campaign = unit.campaign
    _require_convener(actor, campaign)
    locked = _lock(campaign)
    require_preparing(locked.status, "删除选举单位")
    if locked.allocation_status == AllocationStatus.CONFIRMED:
        raise CampaignSetupError("名额分配已确认，删除选举单位须先撤销确认")
    state = _unit_state(unit)
    unit_id = unit.pk
    unit.delete()
    _record(
        event_type=EventType.UNIT_REMOVED,
        actor=actor,
        campaign=locked,
        summary=f"删除选举单位“{state['name']}”",
        subject_type=SUBJECT_UNIT,
        subject_id=unit_id,
        inputs=state,
    )


_UNIT_TEXT_FIELDS = ("secretary_name", "secretary_post", "deputy_name", "deputy_post")


@writes_events(EventType.UNIT_CHANGED, may_skip=True)
def unit_update(
    *,
    actor: User,
    unit: ElectionUnit,
    secretary_name: str | None = None,
    secretary_post: str | None = None,
    deputy_name: str | None = None,
    deputy_post: str | None = None,
    rule_profile: str | None = None,
    recommending_organisations: Sequence[Organisation] | None = None,
) -> list[str]:
    """Change the unit's responsible persons, rule profile or recommending organisations."""
    campaign = unit.campaign
    _require_convener(actor, campaign)
    locked = _lock(campaign)
    require_open(locked.status, "修改选举单位")
    unit = ElectionUnit.objects.select_related("organisation").get(pk=unit.pk)
    before = _unit_state(unit)
    texts = {
        "secretary_name": secretary_name,
        "secretary_post": secretary_post,
        "deputy_name": deputy_name,
        "deputy_post": deputy_post,
    }
    for field, value in texts.items():
        if value is not None:
            setattr(unit, field, value.strip())
    if rule_profile is not None:
        if rule_profile not in RuleProfile.values:
            raise CampaignSetupError(f"选举规则“{rule_profile}”无法识别")
        if rule_profile != unit.rule_profile:
            require_preparing(locked.status, "修改选举规则")
        unit.rule_profile = rule_profile
    if recommending_organisations is not None:
        if not recommending_organisations:
            raise CampaignSetupError(f"“{unit.organisation.name}”至少要有一个参与推荐的党组织")
        for org in recommending_organisations:
            if org.pk == unit.organisation.pk or not org.path.startswith(unit.organisation.path):
                raise CampaignSetupError(f"“{org.name}”不是“{unit.organisation.name}”的下级党组织")
    unit.save()
    if recommending_organisations is not None:
        unit.recommending_organisations.set(recommending_organisations)
    after = _unit_state(unit)
    diff = {k: {"old": before[k], "new": after[k]} for k in after if before[k] != after[k]}
    if not diff:
        return []
    _record(
        event_type=EventType.UNIT_CHANGED,
        actor=actor,
        campaign=locked,
        summary=f"变更选举单位“{unit.organisation.name}”的信息",
        subject_type=SUBJECT_UNIT,
        subject_id=unit.pk,
        inputs={"changes": diff},
        accountable=unit.organisation,
    )
    return list(diff)
