"""Services on structure targets: adding and removing them for a campaign or a unit."""

from __future__ import annotations

from fractions import Fraction

from tuixuan.campaign import selectors
from tuixuan.campaign.domain import CampaignSetupError, require_preparing
from tuixuan.campaign.models import Campaign, ElectionUnit, TargetRule
from tuixuan.campaign.rules import structure
from tuixuan.campaign.services._common import (
    SUBJECT_TARGET,
    _fail,
    _lock,
    _record,
    _require_convener,
)
from tuixuan.core.models import User
from tuixuan.record.events import EventType
from tuixuan.record.services import writes_events


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
