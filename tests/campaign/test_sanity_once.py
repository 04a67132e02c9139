"""Campaign sanity rules, creation that happens once, and withdrawal by a recorded decision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import Tree, login
from tests.record import assert_events, capture_events
from tuixuan.campaign import services
from tuixuan.campaign.models import Campaign, CampaignStatus, Level
from tuixuan.core.errors import DomainError
from tuixuan.core.models import FormSubmission, User
from tuixuan.record.events import EventType


def test_more_seats_than_members_is_refused(tree: Tree, convener: User) -> None:
    tree.city.member_count = 40_000
    tree.city.save()
    with capture_events() as events, pytest.raises(DomainError) as caught:
        services.campaign_create(
            actor=convener,
            name="市第五次党代会",
            level=Level.CITY,
            total_seats=999_999,
            convening_organisation=tree.city,
        )
    assert "代表名额 999999 名，多于“示范市委”的党员总数 40000 名" in caught.value.message
    assert events == [] and not Campaign.objects.exists()


def test_a_schedule_starting_in_the_past_needs_a_confirmation(
    campaign: Campaign, convener: User
) -> None:
    start = timezone.localdate() - dt.timedelta(days=300)
    with capture_events() as events, pytest.raises(DomainError) as caught:
        services.milestones_plan(actor=convener, campaign=campaign, start=start)
    assert f"部署开始日期 {start.isoformat()} 早于今天" in caught.value.message
    assert caught.value.field == "start"
    assert events == [] and not campaign.milestones.exists()
    with assert_events([EventType.MILESTONES_PLANNED]):
        services.milestones_plan(actor=convener, campaign=campaign, start=start, confirm_past=True)
    assert campaign.milestones.count() == 8


def test_a_campaign_form_sent_twice_creates_one_campaign(tree: Tree, convener: User) -> None:
    client = login(convener)
    form = client.get(reverse("campaign:create")).content.decode()
    assert 'name="once"' in form
    data = {
        "name": "市第五次党代会",
        "level": "city",
        "total_seats": "300",
        "convening_organisation": str(tree.city.pk),
        "once": "same-key",
    }
    first = client.post(reverse("campaign:create"), data)
    campaign = Campaign.objects.get()
    assert first.status_code == 302
    with capture_events() as events:
        again = client.post(reverse("campaign:create"), data, follow=True)
    assert events == []
    assert Campaign.objects.count() == 1
    assert again.redirect_chain[0][0] == reverse("campaign:units", args=[campaign.pk])
    assert "该表单已经提交过，没有重复创建" in again.content.decode()
    assert FormSubmission.objects.get(key="same-key").user == convener
    # A fresh form (a new key) creates a second campaign, as asked.
    data["once"] = "another-key"
    client.post(reverse("campaign:create"), data)
    assert Campaign.objects.count() == 2


def test_a_refused_creation_leaves_the_key_free_for_the_corrected_form(
    tree: Tree, convener: User
) -> None:
    client = login(convener)
    data = {
        "name": "  ",
        "level": "city",
        "total_seats": "300",
        "convening_organisation": str(tree.city.pk),
        "once": "k1",
    }
    assert client.post(reverse("campaign:create"), data).status_code == 400
    assert not FormSubmission.objects.exists()
    data["name"] = "市第五次党代会"
    assert client.post(reverse("campaign:create"), data).status_code == 302
    assert Campaign.objects.count() == 1


def test_a_preparing_campaign_is_withdrawn_with_a_reason_never_deleted(
    campaign: Campaign, convener: User
) -> None:
    with capture_events() as events, pytest.raises(DomainError) as caught:
        services.campaign_withdraw(actor=convener, campaign=campaign, reason=" ")
    assert "撤销推选工作须填写理由" in caught.value.message
    assert events == []
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PREPARING
    with assert_events([EventType.CAMPAIGN_STATUS_CHANGED]) as events:
        services.campaign_withdraw(actor=convener, campaign=campaign, reason="重复创建")
    assert events[0].inputs["to"] == "withdrawn" and events[0].inputs["reason"] == "重复创建"
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.WITHDRAWN
    assert campaign.get_status_display() == "已撤销"
    with capture_events() as events, pytest.raises(DomainError) as caught:
        services.campaign_start(actor=convener, campaign=campaign)
    assert "不能变为" in caught.value.message and events == []
    page = login(convener).get(reverse("campaign:detail", args=[campaign.pk])).content.decode()
    assert "已撤销" in page
