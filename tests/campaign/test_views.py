"""Set-up pages: who may see and change what, form errors, and the unit's read-only view."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import Tree, login
from tests.record import capture_events
from tuixuan.campaign import services
from tuixuan.campaign.models import AllocationStatus, CalendarOverride, Campaign, ElectionUnit
from tuixuan.core.models import User
from tuixuan.record.events import EventType

pytestmark = pytest.mark.django_db


def _ready(campaign: Campaign, convener: User) -> Campaign:
    services.allocation_propose(actor=convener, campaign=campaign)
    services.milestones_plan(
        actor=convener, campaign=campaign, start=dt.date(2026, 9, 1), confirm_past=True
    )
    return campaign


def test_a_convener_creates_a_campaign_on_the_page(tree: Tree, convener: User) -> None:
    client = login(convener)
    assert client.get(reverse("campaign:create")).status_code == 200
    response = client.post(
        reverse("campaign:create"),
        {
            "name": "市第五次党代会",
            "level": "city",
            "term": "第五次",
            "total_seats": "300",
            "convening_organisation": str(tree.city.pk),
            "once": "create-1",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("campaign:units", args=[campaign.pk])
    body = client.get(reverse("campaign:detail", args=[campaign.pk])).content.decode()
    assert "下一步" in body and "从党组织中选定选举单位" in body


def test_the_unit_select_offers_children_and_grandchildren(
    campaign: Campaign, tree: Tree, convener: User
) -> None:
    client = login(convener)
    body = client.get(reverse("campaign:units", args=[campaign.pk])).content.decode()
    assert "东河镇党委" in body and "东河村党支部" in body
    response = client.post(
        reverse("campaign:units", args=[campaign.pk]),
        {"organisations": [str(tree.unit_a.pk), str(tree.unit_b.pk)], "rule_profile": ""},
    )
    assert response.status_code == 302
    assert campaign.units.count() == 2


def test_a_nested_unit_is_refused_with_its_reason(
    with_units: Campaign, tree: Tree, convener: User
) -> None:
    client = login(convener)
    with capture_events() as events:
        response = client.post(
            reverse("campaign:units", args=[with_units.pk]),
            {"organisations": [str(tree.branch_a1.pk)]},
        )
    assert response.status_code == 400
    assert "相互包含" in response.content.decode()
    assert events == []
    assert with_units.units.count() == 2


@pytest.mark.parametrize(
    "name", ["unit_operator", "other_unit_operator", "supervisor", "branch_operator"]
)
def test_only_the_convener_changes_settings(
    request: pytest.FixtureRequest, campaign: Campaign, name: str
) -> None:
    user: User = request.getfixturevalue(name)
    response = login(user).post(reverse("campaign:settings", args=[campaign.pk]), {"name": "改名"})
    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.name == "市第五次党代会"


def test_the_supervisor_reads_every_page_but_sees_no_forms(
    with_units: Campaign, supervisor: User, convener: User
) -> None:
    _ready(with_units, convener)
    client = login(supervisor)
    for view in ("detail", "units", "allocation", "targets", "milestones"):
        response = client.get(reverse(f"campaign:{view}", args=[with_units.pk]))
        assert response.status_code == 200, view
        body = response.content.decode()
        assert "只读" in body
        assert '<form method="post" id=' not in body, view
    unit = with_units.units.first()
    assert unit is not None
    assert client.post(reverse("campaign:unit", args=[unit.pk]), {}).status_code == 403


def test_a_unit_operator_reads_own_unit_only(
    with_units: Campaign, tree: Tree, unit_operator: User, convener: User
) -> None:
    _ready(with_units, convener)
    own = with_units.units.get(organisation=tree.unit_a)
    other = with_units.units.get(organisation=tree.unit_b)
    client = login(unit_operator)
    listing = client.get(reverse("campaign:list")).content.decode()
    assert "东河镇党委" in listing and "市直机关工委" not in listing
    page = client.get(reverse("campaign:unit", args=[own.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "22 名" in body and "一上" in body and "2026-09-29" in body
    assert "unit-form" not in body
    assert client.get(reverse("campaign:unit", args=[other.pk])).status_code == 404
    assert client.get(reverse("campaign:detail", args=[with_units.pk])).status_code == 403
    assert client.get(reverse("campaign:allocation", args=[with_units.pk])).status_code == 403
    assert client.post(reverse("campaign:unit", args=[own.pk]), {}).status_code == 403
    assert (
        client.post(
            reverse("campaign:allocation_action", args=[with_units.pk, "confirm"])
        ).status_code
        == 403
    )


def test_a_convener_of_another_city_is_refused(campaign: Campaign) -> None:
    from tests import factories
    from tuixuan.core.models import Role

    elsewhere = factories.organisation("外市委", org_type="city")
    stranger = factories.user(Role.CONVENER, elsewhere)
    assert login(stranger).get(reverse("campaign:detail", args=[campaign.pk])).status_code == 404


def test_settings_form_errors_are_shown_and_change_nothing(
    campaign: Campaign, convener: User
) -> None:
    client = login(convener)
    data = {
        "name": "市第五次党代会",
        "term": "",
        "level": "city",
        "total_seats": "30",
        "margin_ratio": "abc",
        "pool_multiple": "8",
        "names_per_form": "10",
        "default_rule_profile": "grassroots",
        "notice_working_days": "5",
        "non_overlap_policy": "warn",
        "departments": "纪检\n公安",
        "disqualification_reasons": "政治上不合格",
        "org_participation_target": "100%",
        "member_participation_target": "120%",
        "reduction_threshold": "2/3",
        "allocation_minimum": "1",
        "member_weight": "80%",
    }
    with capture_events() as events:
        response = client.post(reverse("campaign:settings", args=[campaign.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "“abc”不是有效的比例或数值" in body
    assert events == []
    data["margin_ratio"] = "15%"
    with capture_events() as events:
        response = client.post(reverse("campaign:settings", args=[campaign.pk]), data)
    assert response.status_code == 400
    assert "党员参与率目标应大于 0 且不超过 100%" in response.content.decode()
    assert events == []
    data["member_participation_target"] = "95%"
    response = client.post(reverse("campaign:settings", args=[campaign.pk]), data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.margin_ratio == Fraction(3, 20)
    assert campaign.departments == ["纪检", "公安"]


def test_allocation_page_proposes_adjusts_and_refuses_a_wrong_total(
    with_units: Campaign, convener: User
) -> None:
    client = login(convener)
    url = reverse("campaign:allocation_action", args=[with_units.pk, "propose"])
    assert client.post(url, {"minimum": "1", "member_weight": "4/5"}).status_code == 302
    body = client.get(reverse("campaign:allocation", args=[with_units.pk])).content.decode()
    assert "308/15" in body  # the working is shown
    a = with_units.units.get(organisation__code="A")
    b = with_units.units.get(organisation__code="B")
    response = client.post(
        reverse("campaign:allocation_action", args=[with_units.pk, "adjust"]),
        {f"seats_{a.pk}": "21", f"seats_{b.pk}": "8", "reason": ""},
    )
    assert response.status_code == 400
    assert a.seats == ElectionUnit.objects.get(pk=a.pk).seats
    client.post(
        reverse("campaign:allocation_action", args=[with_units.pk, "adjust"]),
        {f"seats_{a.pk}": "21", f"seats_{b.pk}": "8", "reason": "常委会研究"},
    )
    with capture_events() as events:
        response = client.post(
            reverse("campaign:allocation_action", args=[with_units.pk, "confirm"])
        )
    assert response.status_code == 400
    assert "与代表总名额 30 不符（差 1 名）" in response.content.decode()
    assert events == []
    with_units.refresh_from_db()
    assert with_units.allocation_status == AllocationStatus.DRAFT


def test_a_target_above_100_percent_is_refused_on_the_page(
    campaign: Campaign, convener: User
) -> None:
    client = login(convener)
    with capture_events() as events:
        response = client.post(
            reverse("campaign:targets", args=[campaign.pk]),
            {"category": "women", "comparator": ">=", "base": "share", "threshold": "120%"},
        )
    assert response.status_code == 400
    assert "超过 100%" in response.content.decode()
    assert events == [] and not campaign.targets.exists()
    response = client.post(
        reverse("campaign:targets", args=[campaign.pk]),
        {"category": "front_line", "comparator": ">=", "base": "share", "threshold": "1/3"},
    )
    assert response.status_code == 302
    assert str(campaign.targets.get()) == "生产和工作第一线不低于 33.3%"


def test_a_holiday_deadline_is_refused_on_the_page(campaign: Campaign, convener: User) -> None:
    client = login(convener)
    with capture_events() as events:
        response = client.post(
            reverse("campaign:milestones_action", args=[campaign.pk, "set"]),
            {"stage": "deployment", "deadline": "2026-10-05", "note": ""},
        )
    assert response.status_code == 400
    assert "2026-10-05（国庆节）不是工作日" in response.content.decode()
    assert events == [] and not campaign.milestones.exists()


def test_calendar_overrides_are_entered_by_a_convener_only(
    convener: User, unit_operator: User
) -> None:
    url = reverse("campaign:calendar")
    assert login(unit_operator).get(url).status_code == 200
    refused = login(unit_operator).post(
        url, {"date": "2027-10-01", "is_working_day": "0", "name": "国庆节"}
    )
    assert refused.status_code == 403
    client: Client = login(convener)
    with capture_events() as events:
        response = client.post(url, {"date": "2027-10-01", "is_working_day": "0", "name": "国庆节"})
    assert response.status_code == 302
    assert [e.event_type for e in events] == [EventType.CALENDAR_OVERRIDE_SET]
    assert CalendarOverride.objects.get().name == "国庆节"
    body = client.get(url).content.decode()
    assert "2027-10-01" in body


def test_documents_download_for_readers(
    with_units: Campaign, supervisor: User, unit_operator: User, convener: User
) -> None:
    _ready(with_units, convener)
    client = login(supervisor)
    for name, kind in [
        ("allocation.xlsx", "spreadsheetml"),
        ("allocation.docx", "wordprocessingml"),
        ("workplan.docx", "wordprocessingml"),
    ]:
        response = client.get(reverse("campaign:document", args=[with_units.pk, name]))
        assert response.status_code == 200
        assert kind in response["Content-Type"]
        assert "attachment" in response["Content-Disposition"]
    missing = client.get(reverse("campaign:document", args=[with_units.pk, "other.pdf"]))
    assert missing.status_code == 404
    assert (
        login(unit_operator)
        .get(reverse("campaign:document", args=[with_units.pk, "allocation.xlsx"]))
        .status_code
        == 403
    )


def test_every_page_renders_for_the_convener_through_to_running(
    with_units: Campaign, convener: User
) -> None:
    client = login(convener)
    pages = ("detail", "units", "allocation", "targets", "milestones")
    for view in pages:
        assert client.get(reverse(f"campaign:{view}", args=[with_units.pk])).status_code == 200
    _ready(with_units, convener)
    services.allocation_confirm(actor=convener, campaign=with_units)
    services.target_add(
        actor=convener,
        campaign=with_units,
        category="front_line",
        comparator=">=",
        threshold=Fraction(1, 3),
    )
    body = client.get(reverse("campaign:detail", args=[with_units.pk])).content.decode()
    assert "启动推选工作" in body and "next-steps" not in body
    response = client.post(reverse("campaign:status", args=[with_units.pk, "start"]))
    assert response.status_code == 302
    with_units.refresh_from_db()
    assert with_units.status == "running"
    for view in pages:
        assert client.get(reverse(f"campaign:{view}", args=[with_units.pk])).status_code == 200
    unit = with_units.units.first()
    assert unit is not None
    assert "unit-form" in client.get(reverse("campaign:unit", args=[unit.pk])).content.decode()
    assert client.get(reverse("campaign:list")).status_code == 200
    assert client.get(reverse("campaign:calendar")).status_code == 200


def test_the_campaign_pages_end_with_the_first_set_up_step_left(
    client: Client, convener: User, with_units: Campaign
) -> None:
    client.force_login(convener)
    page = client.get(reverse("campaign:detail", args=[with_units.pk])).content.decode()
    box = page[page.index('id="next-step"') :]
    assert "测算各选举单位的代表名额" in box
    assert f'href="{reverse("campaign:allocation", args=[with_units.pk])}"' in box
