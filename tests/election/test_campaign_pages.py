# ruff: noqa: F811 -- the notice fixtures are imported by name
"""The pages of the campaign link: 从推选工作创建, taking the approved list, the campaign's
选举结果 and its exports."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse

from tests import factories
from tests.campaign.conftest import _fast, campaign, with_units  # noqa: F401 -- fixtures
from tests.conftest import login
from tests.election.meeting_setup import fast_hashing
from tests.election.test_campaign_link import ON_LIST, approve
from tests.notice.conftest import World, closed, published, world  # noqa: F401
from tuixuan.core.models import Role, User
from tuixuan.election.models import Candidate, Election
from tuixuan.notice.models import Notice

__all__ = ["fast_hashing"]


def test_the_unit_is_chosen_and_its_figures_come_locked_from_the_campaign(
    world: World, unit_operator: User, other_unit_operator: User
) -> None:
    client = login(unit_operator)
    url = reverse("election:create_from_unit")
    listing = client.get(url)
    assert listing.status_code == 200 and f"?unit={world.unit.pk}" in listing.content.decode()
    page = client.get(url, {"unit": world.unit.pk})
    text = page.content.decode()
    assert "3 名" in text and "20.0%（候选人不少于 4 名）" in text
    assert 'name="seats"' not in text and 'name="profile"' not in text
    refused = client.post(
        url, {"unit": world.unit.pk, "title": "", "body_type": "members_meeting", "once": "k1"}
    )
    assert refused.status_code == 400 and not Election.objects.exists()
    made = client.post(
        url,
        {
            "unit": world.unit.pk,
            "title": "东河镇党员大会",
            "body_type": "members_meeting",
            "once": "k2",
        },
    )
    election = Election.objects.get()
    assert made.status_code == 302 and made["Location"].endswith(f"/election/{election.pk}/")
    assert (election.seats, election.unit_id) == (3, world.unit.pk)
    detail = client.get(made["Location"]).content.decode()
    # Nothing approved yet: the next step is the convening committee's.
    assert (
        '等待召集机关批准候选人预备人选名单（报批） <span class="muted">由 示范市委 办理' in detail
    )
    # Another unit's operator finds no such unit.
    assert login(other_unit_operator).get(url, {"unit": world.unit.pk}).status_code == 404


def test_the_approved_list_is_taken_after_asking_and_hand_entry_is_refused(
    world: World, closed: Notice, unit_operator: User, convener: User
) -> None:
    approve(world, unit_operator, convener, ON_LIST)
    client = login(unit_operator)
    client.post(
        reverse("election:create_from_unit"),
        {
            "unit": world.unit.pk,
            "title": "东河镇党员大会",
            "body_type": "members_meeting",
            "once": "k",
        },
    )
    election = Election.objects.get()
    detail = client.get(reverse("election:detail", args=[election.pk])).content.decode()
    assert "采用批准的候选人预备人选" in detail and 'id="candidates-form"' not in detail
    assert (
        '采用召集机关批准的候选人预备人选名单</a> <span class="muted">由 东河镇党委 办理' in detail
    )
    take = reverse("election:candidates_take", args=[election.pk])
    asked = client.post(take)
    assert (
        asked.status_code == 200
        and "将采用召集机关批准的候选人预备人选名单" in asked.content.decode()
    )
    assert not Candidate.objects.exists()
    assert client.post(take, {"confirm": "1"}).status_code == 302
    assert Candidate.objects.filter(election=election).count() == 4
    detail = client.get(reverse("election:detail", args=[election.pk])).content.decode()
    assert "本单位推荐" in detail and "候选人来源" in detail
    typed = client.post(reverse("election:candidates_add", args=[election.pk]), {"lines": "路人甲"})
    assert typed.status_code == 400 and "不能直接录入" in typed.content.decode()
    assert not Candidate.objects.filter(name="路人甲").exists()


def test_the_campaign_results_page_and_its_exports(
    world: World, closed: Notice, unit_operator: User, convener: User
) -> None:
    client = login(convener)
    url = reverse("election:campaign_results", args=[world.campaign.pk])
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "选举结果" in text and "东河镇党委" in text
    assert "尚未创建选举会议" in text and '<svg class="structure-chart"' in text
    assert login(unit_operator).get(url).status_code == 403
    # A township supervisor reads the city's campaign, but only its own unit's result.
    township = factories.user(Role.SUPERVISOR, world.unit.organisation, username="sup_a")
    own = login(township).get(url).content.decode()
    assert "东河镇党委" in own and "市直机关工委" not in own
    assert "市直机关工委" in text
    xlsx = client.get(reverse("election:campaign_results_file", args=[world.campaign.pk, "xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    cells = [str(c.value) for row in book["选举结果"].iter_rows() for c in row if c.value]
    assert "东河镇党委" in cells and "合计" in cells
    docx = client.get(reverse("election:campaign_results_file", args=[world.campaign.pk, "docx"]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert (
        client.get(
            reverse("election:campaign_results_file", args=[world.campaign.pk, "pdf"])
        ).status_code
        == 404
    )
