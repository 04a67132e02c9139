"""Services on the seat allocation: proposing, adjusting, confirming and reopening it."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from tuixuan.campaign import selectors
from tuixuan.campaign.domain import CampaignSetupError, require_preparing
from tuixuan.campaign.models import (
    AllocationProposal,
    AllocationStatus,
    Campaign,
    ElectionUnit,
    SeatAdjustment,
)
from tuixuan.campaign.rules import allocation
from tuixuan.campaign.services._common import (
    _clean_setting,
    _fail,
    _lock,
    _record,
    _require_convener,
)
from tuixuan.core.errors import ConcurrentChangeError
from tuixuan.core.models import User
from tuixuan.record.events import EventType
from tuixuan.record.services import writes_events


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
