"""Reading a campaign: its calendar, units, targets, milestones and what blocks it.

Later stages read the campaign through these functions (``unit_for_organisation``,
``effective_targets``, ``evaluate_structure``, ``working_calendar``) rather than the models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import QuerySet, Sum

from tuixuan.campaign.models import (
    STAGE_ORDER,
    Activity,
    ActivityKind,
    AllocationProposal,
    AllocationStatus,
    CalendarOverride,
    Campaign,
    CampaignStatus,
    ElectionUnit,
    Milestone,
    SeatAdjustment,
    Stage,
    TargetRule,
)
from tuixuan.campaign.rules import allocation, margin, structure
from tuixuan.core import clock
from tuixuan.core.models import Organisation
from tuixuan.core.workdays import Calendar, DayOverride
from tuixuan.registry.models import Gender, Member

DUE_SOON_WORKING_DAYS = 3
"""A milestone this many working days ahead or fewer is flagged as due soon."""


# --- settings ----------------------------------------------------------------------------

FRACTION_FIELDS: dict[str, str] = {
    "margin_ratio": "margin",
    "pool_multiple": "pool_multiple",
    "org_participation_target": "org_participation",
    "member_participation_target": "member_participation",
    "reduction_threshold": "reduction",
    "member_weight": "member_weight",
}

SETTING_LABELS: dict[str, str] = {
    "name": "名称",
    "term": "届次",
    "level": "层级",
    "total_seats": "代表名额",
    "margin_ratio": "差额比例",
    "pool_multiple": "推荐人选倍数",
    "names_per_form": "每张推荐表可填人数",
    "default_rule_profile": "选举单位默认选举规则",
    "notice_working_days": "公示期（工作日）",
    "second_notice": "预备人选再次公示",
    "equal_by_election": "补选可等额选举",
    "non_overlap_policy": "与人大代表、政协委员交叉",
    "departments": "联审部门",
    "disqualification_reasons": "一票否决情形",
    "org_participation_target": "党组织参与率目标",
    "member_participation_target": "党员参与率目标",
    "reduction_threshold": "减少名额的接近程度",
    "allocation_minimum": "每单位保底名额",
    "member_weight": "名额分配中党员数权重",
    "required_activities": "一上开始前须开展的活动",
}

# Settings that decide the seats; fixed once the allocation is confirmed or the work runs.
SEAT_SETTINGS = frozenset({"total_seats", "allocation_minimum", "member_weight"})


def setting_value(campaign: Campaign, name: str) -> Any:
    """A setting's current value; ratios as exact ``Fraction``."""
    value = getattr(campaign, name)
    return list(value) if isinstance(value, list) else value


def settings_snapshot(campaign: Campaign) -> dict[str, Any]:
    """Every setting, for the record of a decision made on them."""
    return {name: setting_value(campaign, name) for name in SETTING_LABELS}


# --- calendar ----------------------------------------------------------------------------


def working_calendar() -> Calendar:
    """The Chinese working-day calendar with the overrides entered in the system.

    A year with at least one override counts as entered: its other days follow the plain
    week, so the whole announcement of the year must be entered at once.
    """
    rows = list(CalendarOverride.objects.all())
    return Calendar(
        [DayOverride(r.date, r.is_working_day, r.name) for r in rows],
        known_years={r.date.year for r in rows},
    )


def day_text(calendar: Calendar, day: dt.date) -> str:
    """E.g. "2026-10-03（国庆节）" or "2026-10-10（星期六）"; for error messages."""
    info = calendar.day_info(day)
    if info.name:
        return f"{day.isoformat()}（{info.name}）"
    weekday = "一二三四五六日"[day.weekday()]
    return f"{day.isoformat()}（星期{weekday}）"


# --- units -------------------------------------------------------------------------------


def units(campaign: Campaign) -> QuerySet[ElectionUnit]:
    return campaign.units.select_related("organisation").order_by("organisation__code", "id")


def unit_for_organisation(campaign: Campaign, organisation: Organisation) -> ElectionUnit | None:
    """The election unit that covers the organisation (itself or its nearest ancestor unit)."""
    path = organisation.path
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "."]
    return (
        campaign.units.select_related("organisation")
        .filter(organisation__path__in=prefixes)
        .order_by("-organisation__depth")
        .first()
    )


def candidate_organisations(campaign: Campaign) -> QuerySet[Organisation]:
    """Children and grandchildren of the convening organisation not yet election units."""
    root = campaign.convening_organisation
    taken = campaign.units.values("organisation_id")
    return (
        Organisation.objects.filter(
            path__startswith=root.path, depth__in=(root.depth + 1, root.depth + 2)
        )
        .exclude(pk__in=taken)
        .select_related("parent")
        .order_by("path")
    )


def seats_total(campaign: Campaign) -> int:
    return int(campaign.units.aggregate(total=Sum("seats"))["total"] or 0)


def current_proposal(campaign: Campaign) -> AllocationProposal | None:
    return campaign.allocation_proposals.order_by("-created_at", "-id").first()


def adjustments(campaign: Campaign) -> QuerySet[SeatAdjustment]:
    return SeatAdjustment.objects.filter(unit__campaign=campaign).select_related(
        "unit__organisation", "actor"
    )


def unit_keys(rows: Sequence[ElectionUnit]) -> dict[int, str]:
    """The name each unit goes by in the allocation's working (code added when names clash)."""
    names = [u.organisation.name for u in rows]
    return {
        u.pk: (
            u.organisation.name
            if names.count(u.organisation.name) == 1
            else f"{u.organisation.name}（{u.organisation.code}）"
        )
        for u in rows
    }


def allocation_errors(campaign: Campaign) -> list[str]:
    """What stops the allocation from being confirmed; empty when it can be."""
    rows = list(units(campaign))
    if not rows:
        return ["尚未添加选举单位"]
    keys = unit_keys(rows)
    proposal = current_proposal(campaign)
    made = adjustments(campaign)
    if proposal is not None:
        made = made.filter(proposal=proposal)
    reasons = {keys[adj.unit_id]: adj.reason for adj in made if adj.unit_id in keys}
    return allocation.validate_allocation(
        {keys[u.pk]: u.seats for u in rows},
        total_seats=campaign.total_seats,
        minimum=campaign.allocation_minimum,
        reasons=reasons,
        unit_keys=[keys[u.pk] for u in rows],
    )


def minimum_candidates(campaign: Campaign, unit: ElectionUnit | None = None) -> int:
    """Candidates needed for the margin (差额), for a unit or the whole congress."""
    seats = unit.seats if unit is not None else campaign.total_seats
    return margin.minimum_candidates(seats, campaign.margin_ratio)


def pool_limit(campaign: Campaign, unit: ElectionUnit) -> int:
    """Ceiling of the unit's recommendation pool (推荐人选), from the pool multiple."""
    return margin.pool_limit(unit.seats, campaign.pool_multiple)


# --- structure targets -------------------------------------------------------------------


def target_rows(campaign: Campaign, unit: ElectionUnit | None = None) -> QuerySet[TargetRule]:
    qs = campaign.targets.all()
    return qs.filter(unit=unit) if unit is not None else qs.filter(unit__isnull=True)


def effective_targets(
    campaign: Campaign, unit: ElectionUnit | None = None
) -> list[structure.StructureTarget]:
    """The targets that apply: the campaign's, where a unit's own target on a category
    replaces the campaign's targets on that category."""
    general = [t.as_rule() for t in target_rows(campaign)]
    if unit is None:
        return general
    own = [t.as_rule() for t in target_rows(campaign, unit)]
    overridden = {t.category for t in own}
    return [t for t in general if t.category not in overridden] + own


def evaluate_structure(
    campaign: Campaign,
    people: Sequence[structure.PersonLike],
    *,
    unit: ElectionUnit | None = None,
    reference_date: dt.date | None = None,
) -> list[structure.TargetResult]:
    """Evaluate a list of people (candidates, elected) against the applicable targets.

    Each person offers gender, ethnicity, birth_date, category (领导干部/专业技术人员/先进模范/
    解放军武警/其他) and front_line; ages are computed on ``reference_date`` (today when not
    given). Missing data raises ``StructureError`` naming the person.
    """
    return structure.evaluate(
        effective_targets(campaign, unit),
        people,
        reference_date=reference_date or clock.today(),
    )


def women_share_among_members(organisation: Organisation) -> Fraction:
    """Share of women among the full and probationary members of the subtree."""
    members = Member.objects.filter(organisation__path__startswith=organisation.path)
    total = members.count()
    women = members.filter(gender=Gender.FEMALE).count()
    return structure.women_share_among_members(women, total)


# --- milestones --------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneView:
    stage: Stage
    milestone: Milestone | None
    status: str
    """"done", "overdue", "due_soon", "pending" or "missing"."""
    label: str
    working_days_left: int | None


_STATUS_LABELS = {
    "done": "已完成",
    "overdue": "已逾期",
    "due_soon": "即将到期",
    "pending": "未到期",
    "missing": "未设置",
}


def milestone_status(
    milestone: Milestone, *, today: dt.date, calendar: Calendar
) -> tuple[str, int | None]:
    if milestone.completed_on is not None:
        return "done", None
    if milestone.deadline < today:
        return "overdue", -calendar.working_days_between(milestone.deadline, today)
    left = calendar.working_days_between(today, milestone.deadline)
    return ("due_soon" if left <= DUE_SOON_WORKING_DAYS else "pending"), left


def milestones(campaign: Campaign, *, today: dt.date | None = None) -> list[MilestoneView]:
    """Every stage in order with its milestone (or none yet) and its status today."""
    today = today or clock.today()
    calendar = working_calendar()
    by_stage = {Stage(m.stage): m for m in campaign.milestones.all()}
    views: list[MilestoneView] = []
    for stage in STAGE_ORDER:
        m = by_stage.get(stage)
        if m is None:
            views.append(MilestoneView(stage, None, "missing", _STATUS_LABELS["missing"], None))
            continue
        status, left = milestone_status(m, today=today, calendar=calendar)
        views.append(MilestoneView(stage, m, status, _STATUS_LABELS[status], left))
    return views


def overdue_milestones(campaign: Campaign, *, today: dt.date | None = None) -> list[Milestone]:
    return [
        v.milestone
        for v in milestones(campaign, today=today)
        if v.status == "overdue" and v.milestone
    ]


# --- what comes next ---------------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    text: str
    view: str
    """URL name under the ``campaign`` namespace, taking the campaign's pk."""


def next_steps(campaign: Campaign) -> list[NextStep]:
    """What remains to set up, in the order the work is done; empty when ready to start."""
    steps: list[NextStep] = []
    unit_count = campaign.units.count()
    if unit_count == 0:
        steps.append(NextStep("从党组织中选定选举单位", "units"))
    if campaign.allocation_status == AllocationStatus.NONE:
        steps.append(NextStep("测算各选举单位的代表名额", "allocation"))
    elif campaign.allocation_status == AllocationStatus.DRAFT:
        errors = allocation_errors(campaign)
        if errors:
            steps.append(NextStep("调整名额：" + "；".join(errors), "allocation"))
        else:
            steps.append(NextStep("确认名额分配方案", "allocation"))
    if not target_rows(campaign).exists():
        steps.append(NextStep("设置结构比例目标", "targets"))
    have = set(campaign.milestones.values_list("stage", flat=True))
    missing = [str(s.label) for s in STAGE_ORDER if s.value not in have]
    if missing:
        steps.append(NextStep("设置时间节点：" + "、".join(missing), "milestones"))
    if not campaign.departments:
        steps.append(NextStep("设置联审部门", "detail"))
    return steps


def start_blockers(campaign: Campaign) -> list[str]:
    """Why the campaign cannot start yet; the service refuses while this is not empty."""
    if campaign.status != CampaignStatus.PREPARING:
        return [f"推选工作已处于“{CampaignStatus(campaign.status).label}”状态"]
    return [s.text for s in next_steps(campaign)]


# --- publicity and warning education -----------------------------------------------------


def missing_activities(
    campaign: Campaign, units: Sequence[ElectionUnit] | None = None
) -> dict[int, list[ActivityKind]]:
    """Per unit, the required kinds (``required_activities``) not yet held in the unit's
    subtree or above it (an activity of the convening organisation counts for every unit).
    One query for the activities, whatever the number of units."""
    required = [ActivityKind(k) for k in campaign.required_activities if k in ActivityKind.values]
    units = list(units if units is not None else campaign.units.select_related("organisation"))
    if not required:
        return {u.pk: [] for u in units}
    held = list(
        Activity.objects.filter(campaign=campaign, kind__in=required).values_list(
            "organisation__path", "kind"
        )
    )
    missing: dict[int, list[ActivityKind]] = {}
    for unit in units:
        path = unit.organisation.path
        done = {k for p, k in held if p.startswith(path) or path.startswith(p)}
        missing[unit.pk] = [k for k in required if k.value not in done]
    return missing


def activity_blockers(campaign: Campaign) -> list[str]:
    """Why 一上 cannot open yet for want of a required activity; empty when none."""
    units = list(campaign.units.select_related("organisation").order_by("organisation__code"))
    missing = missing_activities(campaign, units)
    return [
        f"{u.organisation.name}尚未开展{'、'.join(str(k.label) for k in missing[u.pk])}"
        for u in units
        if missing.get(u.pk)
    ]
