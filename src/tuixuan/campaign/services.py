"""Every change to a campaign's set-up, each with its record event in the same transaction.

Each service locks the campaign row first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
IMMEDIATE transactions admit one writer), re-reads its status from the locked row, validates,
and only then writes; a refused input raises before anything is written, so a bad input
changes nothing and writes no event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from tuixuan.campaign import schedule, selectors
from tuixuan.campaign.domain import (
    CampaignSetupError,
    check_transition,
    require_open,
    require_preparing,
)
from tuixuan.campaign.models import (
    STAGE_ORDER,
    AllocationProposal,
    AllocationStatus,
    CalendarOverride,
    Campaign,
    CampaignStatus,
    ElectionUnit,
    Level,
    Milestone,
    NonOverlapPolicy,
    RuleProfile,
    SeatAdjustment,
    Stage,
    TargetRule,
)
from tuixuan.campaign.rules import allocation, structure
from tuixuan.core import clock
from tuixuan.core.errors import ConcurrentChangeError, PermissionDeniedError
from tuixuan.core.models import Organisation, Role, User
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events

SUBJECT_CAMPAIGN = "campaign"
SUBJECT_UNIT = "election_unit"
SUBJECT_TARGET = "structure_target"
SUBJECT_MILESTONE = "milestone"
SUBJECT_CALENDAR = "calendar_day"

MAX_LIST_ITEM = 64


# --- helpers -----------------------------------------------------------------------------


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


# --- campaign ----------------------------------------------------------------------------


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
    if name in ("departments", "disqualification_reasons"):
        return _clean_list(label, raw)
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


# --- election units ----------------------------------------------------------------------


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


# --- seat allocation ---------------------------------------------------------------------


@writes_events(EventType.ALLOCATION_PROPOSED)
def allocation_propose(
    *,
    actor: User,
    campaign: Campaign,
    minimum: int | None = None,
    member_weight: Fraction | None = None,
) -> AllocationProposal:
    """Propose seats per unit by the allocation rule and store the proposal with its working.

    Membership and the number of subordinate organisations are read from the organisation
    tree as they are now, and snapshotted in the proposal and its event.
    """
    _require_convener(actor, campaign)
    locked = _lock(campaign)
    require_preparing(locked.status, "测算名额")
    if locked.allocation_status == AllocationStatus.CONFIRMED:
        raise CampaignSetupError("名额分配已确认，重新测算须先撤销确认")
    minimum = locked.allocation_minimum if minimum is None else minimum
    weight = locked.member_weight if member_weight is None else Fraction(member_weight)
    _clean_setting("allocation_minimum", minimum)
    _clean_setting("member_weight", weight)
    rows = list(selectors.units(locked))
    keys = selectors.unit_keys(rows)
    result = allocation.allocate_seats(
        locked.total_seats,
        [
            allocation.UnitInput(
                keys[u.pk], u.organisation.member_count, u.organisation.child_count
            )
            for u in rows
        ],
        member_weight=weight,
        minimum=minimum,
    )
    by_key = {a.key: a for a in result.units}
    table = [
        {
            "unit_id": u.pk,
            "key": keys[u.pk],
            "code": u.organisation.code,
            "members": by_key[keys[u.pk]].members,
            "organisations": by_key[keys[u.pk]].organisations,
            "weighted_share": str(by_key[keys[u.pk]].weighted_share),
            "quota": str(by_key[keys[u.pk]].quota),
            "floor": by_key[keys[u.pk]].floor,
            "remainder": str(by_key[keys[u.pk]].remainder),
            "rank": by_key[keys[u.pk]].rank,
            "remainder_seat": by_key[keys[u.pk]].remainder_seat,
            "seats": by_key[keys[u.pk]].seats,
        }
        for u in rows
    ]
    proposal = AllocationProposal.objects.create(
        campaign=locked,
        created_by=actor,
        total_seats=locked.total_seats,
        minimum=minimum,
        member_weight=str(weight),
        explanation=list(result.explanation),
        rows=table,
    )
    for u in rows:
        u.seats = u.proposed_seats = by_key[keys[u.pk]].seats
    ElectionUnit.objects.bulk_update(rows, ["seats", "proposed_seats"])
    locked.allocation_status = AllocationStatus.DRAFT
    locked.allocation_minimum = minimum
    locked.member_weight_numerator = weight.numerator
    locked.member_weight_denominator = weight.denominator
    locked.save(
        update_fields=[
            "allocation_status",
            "allocation_minimum",
            "member_weight_numerator",
            "member_weight_denominator",
        ]
    )
    _record(
        event_type=EventType.ALLOCATION_PROPOSED,
        actor=actor,
        campaign=locked,
        summary=f"按党员数和党组织数测算名额分配方案，共 {locked.total_seats} 名",
        subject_id=locked.pk,
        inputs={
            "proposal_id": proposal.pk,
            "total_seats": locked.total_seats,
            "minimum": minimum,
            "member_weight": weight,
            "units": [
                {k: r[k] for k in ("code", "key", "members", "organisations", "seats")}
                for r in table
            ],
        },
    )
    campaign.refresh_from_db()
    return proposal


@writes_events(EventType.ALLOCATION_ADJUSTED, may_skip=True)
def allocation_adjust(
    *, actor: User, campaign: Campaign, seats: Mapping[int, int], reason: str
) -> list[SeatAdjustment]:
    """Change units' seats by hand; the reason is kept with each change.

    The total may differ from the campaign's seats meanwhile; confirming refuses until it adds
    up.
    """
    _require_convener(actor, campaign)
    locked = _lock(campaign)
    require_preparing(locked.status, "调整名额")
    if locked.allocation_status == AllocationStatus.CONFIRMED:
        raise CampaignSetupError("名额分配已确认，调整名额须先撤销确认")
    reason = reason.strip()
    if not reason:
        raise CampaignSetupError("调整名额须填写理由")
    rows = {u.pk: u for u in selectors.units(locked)}
    keys = selectors.unit_keys(list(rows.values()))
    errors: list[str] = []
    for unit_id, value in seats.items():
        if unit_id not in rows:
            errors.append(f"编号 {unit_id} 不是本次推选工作的选举单位")
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors.append(f"选举单位“{keys[unit_id]}”的名额“{value}”应为不小于 0 的整数")
    _fail(errors)
    changed = [(rows[i], v) for i, v in seats.items() if rows[i].seats != v]
    if not changed:
        return []
    proposal = selectors.current_proposal(locked)
    made: list[SeatAdjustment] = []
    for unit, value in changed:
        made.append(
            SeatAdjustment.objects.create(
                unit=unit,
                proposal=proposal,
                old_seats=unit.seats,
                new_seats=value,
                reason=reason,
                actor=actor,
            )
        )
        unit.seats = value
    ElectionUnit.objects.bulk_update([u for u, _ in changed], ["seats"])
    if locked.allocation_status == AllocationStatus.NONE:
        locked.allocation_status = AllocationStatus.DRAFT
        locked.save(update_fields=["allocation_status"])
    total = sum(u.seats for u in rows.values())
    _record(
        event_type=EventType.ALLOCATION_ADJUSTED,
        actor=actor,
        campaign=locked,
        summary=(
            "调整名额："
            + "、".join(f"{keys[a.unit_id]} {a.old_seats}→{a.new_seats}" for a in made)
            + f"（理由：{reason}）"
        ),
        inputs={
            "reason": reason,
            "changes": {keys[a.unit_id]: {"old": a.old_seats, "new": a.new_seats} for a in made},
            "total": total,
            "total_seats": locked.total_seats,
        },
    )
    campaign.refresh_from_db()
    return made


@writes_events(EventType.ALLOCATION_CONFIRMED)
def allocation_confirm(*, actor: User, campaign: Campaign) -> Campaign:
    """Confirm the seats; refused unless every unit has its seats and they add up."""
    _require_convener(actor, campaign)
    locked = _lock(campaign)
    require_preparing(locked.status, "确认名额分配")
    if locked.allocation_status == AllocationStatus.CONFIRMED:
        raise CampaignSetupError("名额分配已经确认")
    errors = selectors.allocation_errors(locked)
    if errors:
        raise CampaignSetupError("名额分配不能确认：" + "；".join(errors) + "。")
    hit = Campaign.objects.filter(pk=locked.pk, allocation_status=locked.allocation_status).update(
        allocation_status=AllocationStatus.CONFIRMED
    )
    if hit != 1:
        raise ConcurrentChangeError
    rows = list(selectors.units(locked))
    keys = selectors.unit_keys(rows)
    _record(
        event_type=EventType.ALLOCATION_CONFIRMED,
        actor=actor,
        campaign=locked,
        summary=f"确认名额分配：{len(rows)} 个选举单位，共 {locked.total_seats} 名",
        inputs={
            "total_seats": locked.total_seats,
            "units": {keys[u.pk]: u.seats for u in rows},
        },
    )
    campaign.refresh_from_db()
    return campaign


@writes_events(EventType.ALLOCATION_REOPENED)
def allocation_reopen(*, actor: User, campaign: Campaign, reason: str) -> Campaign:
    _require_convener(actor, campaign)
    locked = _lock(campaign)
    require_preparing(locked.status, "撤销名额分配确认")
    reason = reason.strip()
    if not reason:
        raise CampaignSetupError("撤销确认须填写理由")
    hit = Campaign.objects.filter(
        pk=locked.pk, allocation_status=AllocationStatus.CONFIRMED
    ).update(allocation_status=AllocationStatus.DRAFT)
    if hit != 1:
        raise CampaignSetupError("名额分配尚未确认")
    _record(
        event_type=EventType.ALLOCATION_REOPENED,
        actor=actor,
        campaign=locked,
        summary=f"撤销名额分配确认（理由：{reason}）",
        inputs={"reason": reason},
    )
    campaign.refresh_from_db()
    return campaign


# --- structure targets -------------------------------------------------------------------


@writes_events(EventType.TARGET_ADDED)
def target_add(
    *,
    actor: User,
    campaign: Campaign,
    category: str,
    comparator: str,
    threshold: Fraction | int,
    base: str = structure.Base.SHARE,
    note: str = "",
    unit: ElectionUnit | None = None,
) -> TargetRule:
    """Add a target for the campaign or one unit; refused if it cannot hold with the others.

    A unit's own target on a category replaces the campaign's targets on that category, so the
    set checked is the one that will apply.
    """
    _require_convener(actor, campaign)
    locked = _lock(campaign)
    require_preparing(locked.status, "修改结构比例目标")
    if unit is not None and unit.campaign_id != locked.pk:
        raise CampaignSetupError("该选举单位不属于本次推选工作")
    try:
        rule = structure.StructureTarget(
            category=structure.Category(category),
            comparator=structure.Comparator(comparator),
            threshold=Fraction(threshold) if isinstance(threshold, int | Fraction) else threshold,
            base=structure.Base(base),
            note=note.strip(),
        )
    except ValueError as exc:
        raise CampaignSetupError(f"结构比例目标的类别、比较方式或口径无法识别：{exc}") from exc
    general = [t.as_rule() for t in selectors.target_rows(locked)]
    own = [t.as_rule() for t in selectors.target_rows(locked, unit)] if unit is not None else []
    if unit is not None:
        replaced = {t.category for t in own} | {rule.category}
        general = [t for t in general if t.category not in replaced]
    current = general + own
    list_size = (unit.seats if unit is not None else locked.total_seats) or None
    _fail(structure.validate_targets([*current, rule], list_size=list_size))
    target = TargetRule.objects.create(
        campaign=locked,
        unit=unit,
        category=rule.category.value,
        comparator=rule.comparator.value,
        threshold_numerator=rule.threshold.numerator,
        threshold_denominator=rule.threshold.denominator,
        base=rule.base.value,
        note=rule.note,
    )
    scope = unit.organisation.name if unit is not None else "全体"
    _record(
        event_type=EventType.TARGET_ADDED,
        actor=actor,
        campaign=locked,
        summary=f"增加结构比例目标（{scope}）：{rule.describe()}",
        subject_type=SUBJECT_TARGET,
        subject_id=target.pk,
        inputs={
            "unit": unit.organisation.code if unit is not None else None,
            "category": rule.category.value,
            "comparator": rule.comparator.value,
            "threshold": rule.threshold,
            "base": rule.base.value,
            "note": rule.note,
        },
    )
    return target


@writes_events(EventType.TARGET_REMOVED)
def target_remove(*, actor: User, target: TargetRule) -> None:
    campaign = target.campaign
    _require_convener(actor, campaign)
    locked = _lock(campaign)
    require_preparing(locked.status, "修改结构比例目标")
    described = target.as_rule().describe()
    target_id = target.pk
    target.delete()
    _record(
        event_type=EventType.TARGET_REMOVED,
        actor=actor,
        campaign=locked,
        summary=f"删除结构比例目标：{described}",
        subject_type=SUBJECT_TARGET,
        subject_id=target_id,
        inputs={"target": described},
    )


# --- milestones --------------------------------------------------------------------------


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


# --- working-day calendar ----------------------------------------------------------------


def _require_calendar_editor(actor: User) -> None:
    """The working-day calendar is one for the whole tree: only its owner level (a convener
    of a top organisation) changes it."""
    from tuixuan.campaign.access import can_edit_calendar

    if not can_edit_calendar(actor):
        raise PermissionDeniedError("只有最上级召集机关的工作人员可以录入节假日安排。")


@writes_events(EventType.CALENDAR_OVERRIDE_SET, may_skip=True)
def calendar_override_set(
    *, actor: User, date: dt.date, is_working_day: bool, name: str
) -> CalendarOverride:
    """Enter a holiday or make-up working day as announced by the State Council."""
    _require_calendar_editor(actor)
    name = name.strip()
    if not name:
        raise CampaignSetupError(f"{date.isoformat()} 须填写名称（如“国庆节”或“国庆节调休上班”）")
    if len(name) > 64:
        raise CampaignSetupError("名称过长（不超过 64 字）")
    row = CalendarOverride.objects.select_for_update().filter(date=date).first()
    old = {"is_working_day": row.is_working_day, "name": row.name} if row else None
    new = {"is_working_day": bool(is_working_day), "name": name}
    if old == new and row is not None:
        return row
    if row is None:
        row = CalendarOverride(date=date)
    row.is_working_day = bool(is_working_day)
    row.name = name
    row.save()
    record(
        event_type=EventType.CALENDAR_OVERRIDE_SET,
        actor=actor,
        summary=f"{date.isoformat()} 录入为{'工作日' if is_working_day else '休息日'}（{name}）",
        subject_type=SUBJECT_CALENDAR,
        subject_id=date.isoformat(),
        inputs={"date": date, "old": old, "new": new},
    )
    return row


@writes_events(EventType.CALENDAR_OVERRIDE_REMOVED)
def calendar_override_remove(*, actor: User, override: CalendarOverride) -> None:
    _require_calendar_editor(actor)
    state = {
        "date": override.date,
        "is_working_day": override.is_working_day,
        "name": override.name,
    }
    day = override.date
    override.delete()
    record(
        event_type=EventType.CALENDAR_OVERRIDE_REMOVED,
        actor=actor,
        summary=f"删除 {day.isoformat()} 的节假日安排（{state['name']}）",
        subject_type=SUBJECT_CALENDAR,
        subject_id=day.isoformat(),
        inputs=state,
    )
