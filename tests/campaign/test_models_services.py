"""Campaign set-up services: state and record events, and refusals that change nothing."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.db import IntegrityError, transaction

from tests import factories
from tests.conftest import Tree
from tests.record import assert_events, capture_events
from tuixuan.campaign import selectors, services
from tuixuan.campaign.domain import CampaignTransitionError, check_transition
from tuixuan.campaign.models import (
    DEFAULT_DEPARTMENTS,
    DEFAULT_DISQUALIFICATIONS,
    AllocationStatus,
    Campaign,
    CampaignStatus,
    ElectionUnit,
    Milestone,
    Stage,
)
from tuixuan.campaign.rules.structure import Person, StructureError
from tuixuan.core.errors import DomainError, PermissionDeniedError
from tuixuan.core.models import OrgType, User
from tuixuan.record.events import EventType
from tuixuan.record.rule import undeclared_services
from tuixuan.registry.models import Gender

pytestmark = pytest.mark.django_db


def _snapshot(campaign: Campaign) -> tuple[object, ...]:
    campaign.refresh_from_db()
    return (
        campaign.status,
        campaign.allocation_status,
        tuple(campaign.units.order_by("id").values_list("seats", flat=True)),
        tuple(campaign.targets.values_list("id", flat=True)),
        tuple(campaign.milestones.order_by("position").values_list("deadline", flat=True)),
        selectors.settings_snapshot(campaign).__repr__(),
    )


def _refused(campaign: Campaign, message: str, call: object) -> None:
    """The call raises a DomainError containing ``message``, changes nothing, writes nothing."""
    before = _snapshot(campaign)
    with capture_events() as events, pytest.raises(DomainError) as info:
        call()  # type: ignore[operator]
    assert message in info.value.message
    assert events == []
    assert _snapshot(campaign) == before


# --- campaign and settings ---------------------------------------------------------------


def test_it_creates_a_campaign_with_the_domain_defaults(tree: Tree, convener: User) -> None:
    with assert_events([EventType.CAMPAIGN_CREATED]) as events:
        c = services.campaign_create(
            actor=convener,
            name="市第五次党代会",
            level="city",
            total_seats=300,
            convening_organisation=tree.city,
        )
    assert c.status == CampaignStatus.PREPARING
    assert c.margin_ratio == Fraction(1, 5)
    assert c.pool_multiple == 8
    assert c.names_per_form == 10
    assert c.notice_working_days == 5
    assert c.departments == list(DEFAULT_DEPARTMENTS)
    assert c.disqualification_reasons == list(DEFAULT_DISQUALIFICATIONS)
    assert c.org_participation_target == 1
    assert c.member_participation_target == Fraction(95, 100)
    assert c.reduction_threshold == Fraction(2, 3)
    assert events[0].campaign_id == c.pk
    assert events[0].inputs["settings"]["margin_ratio"] == "1/5"


def test_only_a_convener_creates_a_campaign(tree: Tree, unit_operator: User) -> None:
    with pytest.raises(PermissionDeniedError):
        services.campaign_create(
            actor=unit_operator,
            name="x",
            level="city",
            total_seats=10,
            convening_organisation=tree.unit_a,
        )


def test_a_settings_change_is_one_event_with_old_and_new(
    campaign: Campaign, convener: User
) -> None:
    with assert_events([EventType.CAMPAIGN_SETTINGS_CHANGED]) as events:
        changed = services.campaign_change_settings(
            actor=convener,
            campaign=campaign,
            changes={
                "margin_ratio": Fraction(3, 20),
                "departments": ["纪检监察", "政法", "统战", "信访"],
                "notice_working_days": 7,
                "names_per_form": 10,
            },
        )
    assert sorted(changed) == ["departments", "margin_ratio", "notice_working_days"]
    campaign.refresh_from_db()
    assert campaign.margin_ratio == Fraction(3, 20)
    assert campaign.departments == ["纪检监察", "政法", "统战", "信访"]
    changes = events[0].inputs["changes"]
    assert changes["margin_ratio"] == {"old": "1/5", "new": "3/20"}
    assert changes["notice_working_days"] == {"old": 5, "new": 7}
    assert "names_per_form" not in changes


def test_an_unchanged_setting_writes_nothing(campaign: Campaign, convener: User) -> None:
    with assert_events([]):
        assert (
            services.campaign_change_settings(
                actor=convener, campaign=campaign, changes={"pool_multiple": Fraction(8)}
            )
            == []
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"member_participation_target": Fraction(6, 5)}, "党员参与率目标应大于 0 且不超过 100%"),
        ({"notice_working_days": 3}, "公示期（工作日）为 3，不能少于 5"),
        ({"departments": []}, "联审部门至少要有一项"),
        ({"departments": ["公安", "公安"]}, "联审部门中“公安”重复"),
        ({"pool_multiple": Fraction(1, 2)}, "推荐人选倍数"),
        ({"total_seats": 0}, "代表名额为 0，不能少于 1"),
        ({"colour": "red"}, "未知的设置项"),
    ],
)
def test_a_bad_setting_changes_nothing(
    campaign: Campaign, convener: User, changes: dict[str, object], message: str
) -> None:
    _refused(
        campaign,
        message,
        lambda: services.campaign_change_settings(
            actor=convener, campaign=campaign, changes={"margin_ratio": Fraction(1, 4), **changes}
        ),
    )


def test_the_status_table_goes_forward_only() -> None:
    check_transition("preparing", "running")
    check_transition("running", "completed")
    for old, new in [
        ("running", "preparing"),
        ("completed", "running"),
        ("preparing", "completed"),
    ]:
        with pytest.raises(CampaignTransitionError):
            check_transition(old, new)


def test_the_database_refuses_an_unknown_status(campaign: Campaign) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(status="abandoned")


# --- units -------------------------------------------------------------------------------


def test_units_recommend_through_their_children_by_default(
    campaign: Campaign, tree: Tree, convener: User
) -> None:
    with assert_events([EventType.UNIT_ADDED, EventType.UNIT_ADDED]):
        unit_a, unit_b = services.units_add(
            actor=convener, campaign=campaign, organisations=[tree.unit_a, tree.unit_b]
        )
    assert set(unit_a.recommending_organisations.all()) == {tree.branch_a1, tree.branch_a2}
    assert list(unit_b.recommending_organisations.all()) == [tree.branch_b1]
    assert unit_a.rule_profile == campaign.default_rule_profile
    assert selectors.unit_for_organisation(campaign, tree.branch_a2) == unit_a
    assert selectors.unit_for_organisation(campaign, tree.city) is None


def test_a_unit_must_lie_inside_the_convening_subtree(
    campaign: Campaign, tree: Tree, convener: User
) -> None:
    elsewhere = factories.organisation("外市委", org_type=OrgType.CITY)
    for org, message in [
        (elsewhere, "不在召集机关"),
        (tree.city, "不在召集机关"),
    ]:
        _refused(
            campaign,
            message,
            lambda org=org: services.units_add(
                actor=convener, campaign=campaign, organisations=[org]
            ),
        )
    services.units_add(actor=convener, campaign=campaign, organisations=[tree.unit_a])
    _refused(
        campaign,
        "已经是选举单位",
        lambda: services.units_add(actor=convener, campaign=campaign, organisations=[tree.unit_a]),
    )
    _refused(
        campaign,
        "相互包含",
        lambda: services.units_add(
            actor=convener, campaign=campaign, organisations=[tree.branch_a1]
        ),
    )
    assert ElectionUnit.objects.filter(campaign=campaign).count() == 1


def test_unit_update_records_responsible_persons_and_recommenders(
    with_units: Campaign, tree: Tree, convener: User
) -> None:
    unit = with_units.units.get(organisation=tree.unit_a)
    with assert_events([EventType.UNIT_CHANGED]) as events:
        services.unit_update(
            actor=convener,
            unit=unit,
            secretary_name="张书记",
            secretary_post="镇党委书记",
            deputy_name="李委员",
            deputy_post="组织委员",
            recommending_organisations=[tree.branch_a1],
        )
    assert list(unit.recommending_organisations.all()) == [tree.branch_a1]
    changes = events[0].inputs["changes"]
    assert changes["secretary_name"] == {"old": "", "new": "张书记"}
    assert changes["recommending_organisations"]["new"] == ["A1"]
    with pytest.raises(DomainError, match="不是“东河镇党委”的下级党组织"):
        services.unit_update(actor=convener, unit=unit, recommending_organisations=[tree.branch_b1])


# --- allocation --------------------------------------------------------------------------


def test_the_proposal_is_stored_with_its_working(with_units: Campaign, convener: User) -> None:
    with assert_events([EventType.ALLOCATION_PROPOSED]) as events:
        proposal = services.allocation_propose(actor=convener, campaign=with_units)
    seats = dict(with_units.units.values_list("organisation__code", "seats"))
    # 28 seats beyond the minimum of 1 each; shares 11/15 and 4/15 -> 20.53 and 7.47.
    assert seats == {"A": 22, "B": 8}
    assert with_units.allocation_status == AllocationStatus.DRAFT
    assert any("东河镇党委" in line and "308/15" in line for line in proposal.explanation)
    assert {r["code"]: r["seats"] for r in events[0].inputs["units"]} == seats


def test_seats_not_adding_up_cannot_be_confirmed(with_units: Campaign, convener: User) -> None:
    services.allocation_propose(actor=convener, campaign=with_units)
    unit_a = with_units.units.get(organisation__code="A")
    unit_b = with_units.units.get(organisation__code="B")
    with assert_events([EventType.ALLOCATION_ADJUSTED]) as events:
        services.allocation_adjust(
            actor=convener, campaign=with_units, seats={unit_a.pk: 20}, reason="照顾市直机关"
        )
    assert events[0].inputs["changes"] == {"东河镇党委": {"old": 22, "new": 20}}
    assert events[0].inputs["reason"] == "照顾市直机关"
    _refused(
        with_units,
        "各选举单位名额合计 28，与代表总名额 30 不符（差 2 名）",
        lambda: services.allocation_confirm(actor=convener, campaign=with_units),
    )
    services.allocation_adjust(
        actor=convener, campaign=with_units, seats={unit_b.pk: 10}, reason="照顾市直机关"
    )
    with assert_events([EventType.ALLOCATION_CONFIRMED]):
        services.allocation_confirm(actor=convener, campaign=with_units)
    assert with_units.allocation_status == AllocationStatus.CONFIRMED
    _refused(
        with_units,
        "名额分配已确认",
        lambda: services.allocation_adjust(
            actor=convener, campaign=with_units, seats={unit_b.pk: 9}, reason="x"
        ),
    )


def test_an_adjustment_needs_a_reason(with_units: Campaign, convener: User) -> None:
    services.allocation_propose(actor=convener, campaign=with_units)
    unit_a = with_units.units.get(organisation__code="A")
    _refused(
        with_units,
        "调整名额须填写理由",
        lambda: services.allocation_adjust(
            actor=convener, campaign=with_units, seats={unit_a.pk: 1}, reason="  "
        ),
    )


def test_reopening_a_confirmed_allocation_needs_a_reason(
    with_units: Campaign, convener: User
) -> None:
    services.allocation_propose(actor=convener, campaign=with_units)
    services.allocation_confirm(actor=convener, campaign=with_units)
    with assert_events([EventType.ALLOCATION_REOPENED]):
        services.allocation_reopen(actor=convener, campaign=with_units, reason="新增选举单位")
    assert with_units.allocation_status == AllocationStatus.DRAFT


# --- structure targets -------------------------------------------------------------------


def test_targets_are_added_and_evaluated(with_units: Campaign, convener: User) -> None:
    with assert_events([EventType.TARGET_ADDED, EventType.TARGET_ADDED]):
        services.target_add(
            actor=convener,
            campaign=with_units,
            category="front_line",
            comparator=">=",
            threshold=Fraction(1, 3),
        )
        services.target_add(
            actor=convener,
            campaign=with_units,
            category="women",
            comparator=">=",
            threshold=Fraction(27, 100),
        )
    people = [
        Person("F", "汉族", dt.date(1980, 1, 1), "其他", True),
        Person("M", "汉族", dt.date(1980, 1, 1), "领导干部", False),
        Person("M", "汉族", dt.date(1980, 1, 1), "领导干部", False),
        Person("M", "汉族", dt.date(1980, 1, 1), "领导干部", False),
    ]
    results = selectors.evaluate_structure(with_units, people)
    assert [r.met for r in results] == [False, False]
    assert "还差 1 人" in results[0].explanation
    assert "妇女 1 人，占 25.0%" in results[1].explanation


@pytest.mark.parametrize(
    ("category", "comparator", "threshold", "message"),
    [
        ("women", ">=", Fraction(6, 5), "超过 100%"),
        ("leading_cadre", ">=", Fraction(3, 4), "两条目标互相矛盾"),
        ("professional", ">=", Fraction(1, 2), "最低比例合计"),
    ],
)
def test_a_bad_target_changes_nothing(
    with_units: Campaign,
    convener: User,
    category: str,
    comparator: str,
    threshold: Fraction,
    message: str,
) -> None:
    services.target_add(
        actor=convener,
        campaign=with_units,
        category="leading_cadre",
        comparator="<=",
        threshold=Fraction(2, 3),
    )
    services.target_add(
        actor=convener,
        campaign=with_units,
        category="model_worker",
        comparator=">=",
        threshold=Fraction(3, 5),
    )
    _refused(
        with_units,
        message,
        lambda: services.target_add(
            actor=convener,
            campaign=with_units,
            category=category,
            comparator=comparator,
            threshold=threshold,
        ),
    )


def test_a_units_target_replaces_the_campaigns_on_its_category(
    with_units: Campaign, convener: User
) -> None:
    unit = with_units.units.get(organisation__code="A")
    services.target_add(
        actor=convener,
        campaign=with_units,
        category="women",
        comparator=">=",
        threshold=Fraction(3, 10),
    )
    services.target_add(
        actor=convener,
        campaign=with_units,
        unit=unit,
        category="women",
        comparator="<=",
        threshold=Fraction(1, 5),
    )
    rules = selectors.effective_targets(with_units, unit)
    assert [(r.comparator.value, r.threshold) for r in rules] == [("<=", Fraction(1, 5))]
    assert len(selectors.effective_targets(with_units)) == 1


def test_evaluation_names_a_person_with_missing_data(with_units: Campaign, convener: User) -> None:
    services.target_add(
        actor=convener,
        campaign=with_units,
        category="minority",
        comparator=">=",
        threshold=1,
        base="count",
    )
    with pytest.raises(StructureError, match="王五"):
        selectors.evaluate_structure(
            with_units, [{"name": "王五", "gender": Gender.MALE, "ethnicity": ""}]
        )


# --- milestones and start ----------------------------------------------------------------


def test_milestones_are_planned_on_working_days_across_national_day(
    campaign: Campaign, convener: User
) -> None:
    with assert_events([EventType.MILESTONES_PLANNED]):
        rows = services.milestones_plan(
            actor=convener, campaign=campaign, start=dt.date(2026, 9, 1), confirm_past=True
        )
    calendar = selectors.working_calendar()
    deadlines = [m.deadline for m in rows]
    assert deadlines == sorted(deadlines)
    assert all(calendar.is_working_day(d) for d in deadlines)
    assert [m.stage for m in rows] == [s.value for s in Stage]
    # 部署 5 working days after 1 September; 一上 15 more: 9-11, 14-18, Sunday 20 (make-up
    # day), 21-24, then 25 September (Mid-autumn Festival) skipped, 28, 29.
    assert deadlines[0] == dt.date(2026, 9, 8)
    assert deadlines[1] == dt.date(2026, 9, 29)


def test_a_deadline_on_a_holiday_or_before_the_previous_is_refused(
    campaign: Campaign, convener: User
) -> None:
    services.milestones_plan(
        actor=convener, campaign=campaign, start=dt.date(2026, 8, 3), confirm_past=True
    )
    for stage, day, message in [
        (
            Stage.SECOND_DOWN,
            dt.date(2026, 10, 3),
            "“二下”的截止日期 2026-10-03（国庆节）不是工作日",
        ),
        (Stage.SECOND_DOWN, dt.date(2026, 10, 11), "2026-10-11（星期日）不是工作日"),
        (Stage.FIRST_DOWN, dt.date(2026, 8, 4), "早于上一节点“一上”的截止日期"),
    ]:
        _refused(
            campaign,
            message,
            lambda stage=stage, day=day: services.milestone_set(
                actor=convener, campaign=campaign, stage=stage, deadline=day
            ),
        )


def test_the_notice_period_counts_working_days_across_national_day(
    campaign: Campaign, convener: User
) -> None:
    services.milestones_plan(
        actor=convener, campaign=campaign, start=dt.date(2026, 6, 1), confirm_past=True
    )
    for stage, day in [
        (Stage.CREDENTIALS, dt.date(2026, 12, 31)),
        (Stage.ELECTION, dt.date(2026, 12, 30)),
        (Stage.NOTICE, dt.date(2026, 12, 29)),
        (Stage.SECOND_DOWN, dt.date(2026, 9, 30)),
    ]:
        services.milestone_set(actor=convener, campaign=campaign, stage=stage, deadline=day)
    # After 30 September: 8, 9, 10 (Saturday make-up day), 12 October = 4 working days.
    _refused(
        campaign,
        "只有 4 个工作日，公示期不少于 5 个工作日",
        lambda: services.milestone_set(
            actor=convener, campaign=campaign, stage=Stage.NOTICE, deadline=dt.date(2026, 10, 12)
        ),
    )
    with assert_events([EventType.MILESTONE_CHANGED]):
        services.milestone_set(
            actor=convener, campaign=campaign, stage=Stage.NOTICE, deadline=dt.date(2026, 10, 13)
        )


def test_overdue_milestones_are_visible(campaign: Campaign, convener: User) -> None:
    services.milestones_plan(
        actor=convener, campaign=campaign, start=dt.date(2026, 9, 1), confirm_past=True
    )
    views = selectors.milestones(campaign, today=dt.date(2026, 9, 10))
    assert views[0].status == "overdue"
    assert views[1].status == "pending"
    first = Milestone.objects.get(campaign=campaign, stage=Stage.DEPLOYMENT)
    with assert_events([EventType.MILESTONE_COMPLETED]):
        services.milestone_complete(
            actor=convener, milestone=first, completed_on=dt.date(2026, 9, 9)
        )
    assert selectors.milestones(campaign, today=dt.date(2026, 9, 10))[0].status == "done"
    assert selectors.overdue_milestones(campaign, today=dt.date(2026, 9, 10)) == []


def test_start_waits_for_the_set_up_then_snapshots_it(with_units: Campaign, convener: User) -> None:
    with pytest.raises(DomainError, match="测算各选举单位的代表名额"):
        services.campaign_start(actor=convener, campaign=with_units)
    services.allocation_propose(actor=convener, campaign=with_units)
    services.allocation_confirm(actor=convener, campaign=with_units)
    services.target_add(
        actor=convener,
        campaign=with_units,
        category="front_line",
        comparator=">=",
        threshold=Fraction(1, 3),
    )
    services.milestones_plan(
        actor=convener, campaign=with_units, start=dt.date(2026, 9, 1), confirm_past=True
    )
    assert selectors.start_blockers(with_units) == []
    with assert_events([EventType.CAMPAIGN_STATUS_CHANGED]) as events:
        services.campaign_start(actor=convener, campaign=with_units)
    assert with_units.status == CampaignStatus.RUNNING
    assert events[0].inputs["units"] == {"A": 22, "B": 8}
    with pytest.raises(CampaignTransitionError):
        services.campaign_start(actor=convener, campaign=with_units)
    with pytest.raises(DomainError, match="不能再增加选举单位"):
        services.units_add(actor=convener, campaign=with_units, organisations=[])


def test_every_public_service_declares_its_events() -> None:
    assert undeclared_services([services]) == []


def test_the_demo_campaign_is_built_through_the_services(convener: User, tree: Tree) -> None:
    from tuixuan.core.models import Organisation
    from tuixuan.demo.campaign import build_demo_campaign

    for n in range(27):
        org = factories.organisation(f"第{n + 1}党委", parent=tree.city, org_type=OrgType.COMMITTEE)
        Organisation.objects.filter(pk=org.pk).update(member_count=100 + 37 * n, child_count=n % 5)
    factories.member(tree.branch_a1, gender=Gender.FEMALE)
    factories.member(tree.branch_a1)
    tree.city.refresh_from_db()
    with capture_events() as events:
        c = build_demo_campaign(
            actor=convener, convening_org=tree.city, start=dt.date(2026, 11, 25)
        )
    assert c.units.count() == 29
    assert selectors.seats_total(c) == 300 == c.total_seats
    assert c.allocation_status == AllocationStatus.CONFIRMED
    assert c.targets.count() == 5
    assert selectors.start_blockers(c) == []
    calendar = selectors.working_calendar()
    assert all(calendar.is_working_day(m.deadline) for m in c.milestones.all())
    assert c.milestones.count() == 8
    assert {e.event_type for e in events} >= {
        EventType.CAMPAIGN_CREATED,
        EventType.ALLOCATION_CONFIRMED,
        EventType.MILESTONES_PLANNED,
    }
