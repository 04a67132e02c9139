"""In headless Chromium: the unit drafts the notice of its 初步人选, publishes it through the
dialog and sees the end date on the working-day calendar; after the notice it asks for the
suggested list, takes it into the decision form, and a list short of the margin is refused
beside the form with everything typed kept."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_nomination import _login
from tests.campaign.conftest import _fast, campaign, with_units  # noqa: F401 -- fixtures
from tests.notice.conftest import PUBLISHED, World, closed, published, world  # noqa: F401
from tuixuan.core.models import User
from tuixuan.notice.models import CandidateList, Notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("TUIXUAN_SCREENSHOTS", "var/screenshots"))


def test_the_notice_is_drafted_and_published_after_the_dialog(
    page: Any,
    live_server: Any,
    world: World,  # noqa: F811
    unit_operator: User,
) -> None:
    base = live_server.url
    _login(page, base, unit_operator.username)
    page.goto(f"{base}/notice/unit/{world.unit.pk}/")
    page.click("#prepare summary")
    page.fill("#prepare-form input[name=contact_phone]", "0735-2223333")
    page.fill("#prepare-form input[name=contact_address]", "东河镇党委组织办")
    page.click("#prepare-form button[type=submit]")
    page.wait_for_selector("#notice-status:has-text('草拟')")
    assert "按姓氏笔画为序" in page.inner_text("#notice-text")
    page.fill("#publish-form input[name=published_on]", PUBLISHED.isoformat())
    page.click("#publish-form button[type=submit]")
    dialog = page.wait_for_selector("dialog.confirm[open]")
    assert "发布后不能撤回，公示期不能缩短" in dialog.inner_text()
    page.click("dialog.confirm button[data-role=confirm-yes]")
    page.wait_for_selector("#notice-status:has-text('公示中')")
    assert page.inner_text("#ends-on") == "2026-11-18"
    assert "2026年11月18日止" in page.inner_text("#notice-text")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "notice-published.png"), full_page=True)
    assert Notice.objects.get().status == "published"


def test_the_suggestion_is_taken_into_the_form_and_a_short_list_is_refused(
    page: Any,
    live_server: Any,
    world: World,  # noqa: F811
    closed: Notice,  # noqa: F811
    unit_operator: User,
) -> None:
    base = live_server.url
    _login(page, base, unit_operator.username)
    page.goto(f"{base}/notice/unit/{world.unit.pk}/decide/")
    page.click("#suggest-form button[type=submit]")
    page.wait_for_selector("#suggestion")
    assert page.inner_text("#suggested") == "王芳、丁一、李四、张三"
    page.click("#adopt")
    page.wait_for_selector("#votes tr.suggested")
    assert page.locator("#votes tr.suggested").count() == 4
    page.fill("#decide-form input[name=decided_on]", "2026-12-01")
    page.fill("#decide-form input[name=attendance_due]", "9")
    page.fill("#decide-form input[name=attendance_present]", "8")
    page.fill("#decide-form textarea[name=decision]", "同意以下同志为候选人预备人选")
    page.fill("#decide-form input[name=accountable_person]", "李书记")
    for name in ("王芳", "丁一", "张三"):
        page.fill(f"#decide-form input[name=v_{world.member(name).pk}]", "8")
    page.click("#decide-form button[type=submit]")
    page.wait_for_selector(".form-summary")
    assert "差额：候选人 3 名，少于应有的 4 名" in page.inner_text(".form-summary")
    assert (
        page.input_value("#decide-form textarea[name=decision]") == "同意以下同志为候选人预备人选"
    )
    assert page.input_value(f"#decide-form input[name=v_{world.member('丁一').pk}]") == "8"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "decision-short.png"), full_page=True)
    assert not CandidateList.objects.exists()
