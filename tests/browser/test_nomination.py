"""End to end in headless Chromium: a branch enters its forms by keyboard and submits, the
unit sees the tally and fixes the shortlist by a decision and hands it down, the branch
reports its 二上 view; each step is in the person's book."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from tests.campaign.conftest import _fast, campaign, with_units  # noqa: F401 -- fixtures
from tests.conftest import Tree
from tests.nomination.conftest import (  # noqa: F401 -- fixtures
    People,
    meeting,
    people,
    round_,
    seated,
)
from tuixuan.core.models import User
from tuixuan.nomination import services
from tuixuan.nomination.models import BranchReport, Round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _confirm(page: Any, button: str) -> None:
    """Click an irreversible step and accept its dialog."""
    page.click(button)
    page.wait_for_selector("dialog.confirm[open]")
    page.click("dialog.confirm button[data-role=confirm-yes]")
    page.wait_for_load_state()


def _pick(page: Any, box: str, text: str, results: str) -> None:
    page.fill(box, "")
    page.type(box, text)
    page.wait_for_selector(f"{results} button.pick")
    page.press(box, "Enter")


def test_branch_unit_and_second_up_in_the_browser(
    page: Any,
    live_server: Any,
    tree: Tree,
    people: People,  # noqa: F811
    round_: Round,  # noqa: F811
    branch_operator: User,
    unit_operator: User,
) -> None:
    base = live_server.url
    first, second = people.a1[0], people.a2[0]
    for m, initials in ((first, "jl"), (second, "yl")):
        m.name_initials = initials
        m.save()

    # 一上 at the branch: meeting, one form by keyboard, submit
    _login(page, base, branch_operator.username)
    page.goto(f"{base}/nomination/round/{round_.pk}/")
    page.wait_for_selector("#meeting-form")
    page.fill("input[name=meeting_date]", timezone.localdate().isoformat())
    page.fill("input[name=meeting_place]", "村部会议室")
    page.fill("input[name=presider]", "王书记")
    page.fill("input[name=members_due]", "7")
    page.fill("input[name=members_present]", "6")
    page.fill("input[name=accountable_person]", "王书记")
    page.click("#meeting-form button[type=submit]")
    page.wait_for_selector("#entry-form")
    _pick(page, "#entry-form input.search", "jl", "#results-entry")
    _pick(page, "#entry-form input.search", "yl", "#results-entry")
    assert page.locator("#entry-form input[name=candidate]").count() == 2
    page.press("#entry-form input.search", "Enter")  # empty box: save the form
    page.wait_for_selector("#forms")
    assert "第 1 张" in page.inner_text("#forms")
    for select in page.locator("select[name^=mode_]").all()[:6]:
        select.select_option("onsite")
    page.click("#participation-form button:has-text('保存参与情况')")
    page.wait_for_selector("text=参与情况已保存")
    _confirm(page, "#submit-report")
    page.wait_for_selector("#status:has-text('已报送')")
    meeting(unit_operator, round_, tree.branch_a2)
    services.form_add(
        actor=unit_operator, round=round_, organisation=tree.branch_a2, candidate_ids=[second.pk]
    )
    services.report_submit(
        actor=unit_operator, report=BranchReport.objects.get(organisation=tree.branch_a2)
    )

    # the unit sees the tally and fixes the shortlist by a recorded decision, hands it down
    _login(page, base, unit_operator.username)
    page.goto(f"{base}/nomination/round/{round_.pk}/level/{tree.unit_a.pk}/")
    ranking = page.inner_text("#ranking")
    assert first.name in ranking and second.name in ranking
    page.fill("#decide-form input[name=decided_on]", timezone.localdate().isoformat())
    page.fill("#decide-form input[name=attendance_due]", "9")
    page.fill("#decide-form input[name=attendance_present]", "8")
    page.fill("#decide-form textarea[name=decision]", "经党委会集体研究，确定考察对象")
    page.fill("#decide-form input[name=accountable_person]", "李书记")
    _confirm(page, "#decide-button")
    page.wait_for_selector("#entries")
    _confirm(page, "#hand-down")
    page.wait_for_selector("#list-status:has-text('已下发')")
    list_url = page.url

    # 二上: the branch reports its view
    _login(page, base, branch_operator.username)
    page.goto(list_url)
    page.click("#feedback-link")
    page.wait_for_selector("#feedback-form")
    page.fill("input[name=meeting_date]", timezone.localdate().isoformat())
    page.fill("input[name=members_due]", "7")
    page.fill("input[name=members_present]", "6")
    page.fill("input[name=accountable_person]", "王书记")
    page.fill(f"input[name=agree_{first.pk}]", "5")
    page.fill(f"input[name=disagree_{first.pk}]", "1")
    page.fill(f"input[name=agree_{second.pk}]", "6")
    page.click("#feedback-submit")
    page.wait_for_selector("#entries")
    assert "二上意见已报送" in page.content()

    # each step is in the person's book
    _login(page, base, unit_operator.username)
    page.goto(f"{base}/record/member/{first.pk}/")  # the member link, to the opaque person URL
    assert first.citizen_id not in page.url
    book = page.inner_text("main")
    for step in ("报送一上推荐结果", "集体研究确定考察对象", "下发考察对象名单", "报送二上意见"):
        assert step in book, step
