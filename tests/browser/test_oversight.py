"""End to end in headless Chromium: the convener finds a missed milestone and a unit below
its participation target on the board and in the inbox; a supervisor raises a finding on the
unit, the unit answers, the supervisor closes it, and the finding is in the unit's 纪实登记表."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.browser.test_nomination import _confirm, _login
from tests.campaign.conftest import _fast, campaign, with_units  # noqa: F401 -- fixtures
from tests.conftest import Tree
from tests.nomination.conftest import People, people, round_, seated  # noqa: F401 -- fixtures
from tests.nomination.test_views import _submit_a1
from tests.oversight.conftest import set_deadline
from tuixuan.campaign.models import Stage
from tuixuan.core import clock
from tuixuan.core.models import User
from tuixuan.nomination.models import Round
from tuixuan.oversight import alerts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_board_the_inbox_and_a_finding_in_the_browser(
    page: Any,
    live_server: Any,
    tree: Tree,
    people: People,  # noqa: F811
    round_: Round,  # noqa: F811
    branch_operator: User,
    unit_operator: User,
    convener: User,
    supervisor: User,
) -> None:
    base = live_server.url
    the_campaign = round_.campaign
    _submit_a1(round_, tree, people, branch_operator)  # 6 of its 7 members: below 95%
    set_deadline(the_campaign, Stage.FIRST_UP, clock.today() - dt.timedelta(days=7))
    alerts.daily()  # what the worker runs once a day

    # the convener: the board puts the overdue units first and names the low one
    _login(page, base, convener.username)
    page.click("text=进度与监督")
    page.click(f"text={the_campaign.name}")
    page.wait_for_selector("#board")
    assert "东河镇党委" in page.inner_text("#overdue-summary")
    assert "东河镇党委" in page.inner_text("#low-summary")
    first_row = page.locator("#board tbody tr").first
    assert "逾期" in first_row.inner_text()
    assert "已逾期" in page.inner_text("#board .stage-first_up")
    assert "未开始" in page.inner_text("#board .stage-vetting")  # no case opened yet
    # and in the inbox
    page.goto(f"{base}/oversight/alerts/")
    inbox = page.inner_text("#alerts")
    assert "东河镇党委一上已逾期" in inbox
    assert "党员参与未达目标" in inbox
    page.locator("#alerts form[action$='/acknowledge/'] button").first.click()
    page.wait_for_selector("text=已确认知悉")

    # the supervisor raises a finding on the unit from its drill-down page
    _login(page, base, supervisor.username)
    page.goto(f"{base}/oversight/campaign/{the_campaign.pk}/")
    page.click("#board a:has-text('东河镇党委')")
    page.click("text=提出监督意见")
    page.select_option("select[name=kind]", "opinion")
    page.fill("input[name=title]", "一上参与率未达目标")
    page.fill("textarea[name=text]", "请说明东河村党支部未参加推荐的党员情况并补充联系。")
    page.fill("input[name=due_on]", (clock.today() + dt.timedelta(days=5)).isoformat())
    page.click("#finding-form button[type=submit]")
    page.wait_for_selector("#finding-status:has-text('待答复')")
    finding_url = page.url

    # the unit answers
    _login(page, base, unit_operator.username)
    page.goto(finding_url)
    page.fill("#answer-form textarea[name=answer]", "一名党员长期外出务工，已电话联系补充参与。")
    page.fill("#answer-form input[name=accountable_person]", "李书记")
    page.click("#answer-form button[type=submit]")
    page.wait_for_selector("#finding-status:has-text('已答复')")

    # the supervisor closes it, after the dialog
    _login(page, base, supervisor.username)
    page.goto(finding_url)
    page.fill("#conclude-form textarea[name=conclusion]", "整改到位，同意办结。")
    _confirm(page, "#conclude-form button.primary")
    page.wait_for_selector("#finding-status:has-text('已办结')")

    # the unit's 纪实登记表 shows the finding's steps
    page.goto(f"{base}/record/org/{tree.unit_a.pk}/form/")
    form = page.inner_text("main")
    for step in ("提出监督意见", "答复监督意见", "办结监督意见"):
        assert step in form, step
