"""In headless Chromium: the unit creates its meeting from the campaign (the campaign's
figures shown, not typed), takes the approved list through the dialog, and the convening
committee reads the campaign's 选举结果 with its chart."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_nomination import _login
from tests.campaign.conftest import _fast, campaign, with_units  # noqa: F401 -- fixtures
from tests.election.test_campaign_link import ON_LIST, approve
from tests.notice.conftest import World, closed, published, world  # noqa: F401
from tuixuan.core.models import User
from tuixuan.election.models import Candidate, Election
from tuixuan.notice.models import Notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("TUIXUAN_SCREENSHOTS", "var/screenshots"))


def test_the_meeting_is_created_from_the_unit_and_takes_the_approved_list(
    page: Any,
    live_server: Any,
    world: World,  # noqa: F811
    closed: Notice,  # noqa: F811
    unit_operator: User,
    convener: User,
) -> None:
    approve(world, unit_operator, convener, ON_LIST)
    base = live_server.url
    _login(page, base, unit_operator.username)
    page.goto(f"{base}/election/")
    page.click("a:has-text('从推选工作创建')")
    page.click(f"a[href='?unit={world.unit.pk}']")
    facts = page.inner_text("#unit-facts")
    assert "3 名" in facts and "候选人不少于 4 名" in facts
    assert page.locator("#from-unit-form input[name=seats]").count() == 0
    page.fill("#from-unit-form input[name=title]", "东河镇党员大会")
    page.click("#from-unit-form button[type=submit]")
    page.wait_for_selector("#candidate-source")
    assert "名额、选举规则和差额比例取自推选工作" in page.inner_text("#candidate-source")
    page.click("#candidate-source button[type=submit]")
    dialog = page.wait_for_selector("dialog.confirm[open]")
    assert "按姓氏笔画为序" in dialog.inner_text()
    page.click("dialog.confirm button[data-role=confirm-yes]")
    page.wait_for_selector("#candidate-source:has-text('候选人来源')")
    assert page.locator("td:has-text('本单位推荐')").count() == 4
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "election-from-campaign.png"), full_page=True)
    election = Election.objects.get()
    assert Candidate.objects.filter(election=election).count() == 4

    _login(page, base, convener.username)
    page.goto(f"{base}/election/campaign/{world.campaign.pk}/results/")
    assert "东河镇党委" in page.inner_text("#unit-results")
    assert page.locator("svg.structure-chart").first.is_visible()
    page.screenshot(path=str(SHOTS / "campaign-results.png"), full_page=True)
