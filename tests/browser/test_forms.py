"""In headless Chromium: a refused 一上 meeting form keeps every value, shows the message
beside the field with a summary in view and focuses the bad field; an irreversible step
happens only after its dialog is confirmed, and cancelling the dialog changes nothing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.test_nomination import _login
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
from tuixuan.nomination.models import BranchReport, ReportStatus, Round
from tuixuan.record.events import EventType
from tuixuan.record.models import Event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("TUIXUAN_SCREENSHOTS", "var/screenshots"))


def test_a_refused_meeting_form_keeps_what_was_typed(
    page: Any,
    live_server: Any,
    tree: Tree,
    people: People,  # noqa: F811
    round_: Round,  # noqa: F811
    branch_operator: User,
) -> None:
    base = live_server.url
    today = timezone.localdate().isoformat()
    _login(page, base, branch_operator.username)
    page.goto(f"{base}/nomination/round/{round_.pk}/branch/{tree.branch_a1.pk}/")
    page.wait_for_selector("#meeting-form")
    page.fill("#meeting-form input[name=meeting_date]", today)
    page.fill("#meeting-form input[name=meeting_place]", "村部会议室")
    page.fill("#meeting-form input[name=presider]", "王书记")
    page.fill("#meeting-form input[name=members_due]", "7")
    page.fill("#meeting-form input[name=members_present]", "9")
    page.fill("#meeting-form input[name=accountable_person]", "李支书")
    page.fill("#meeting-form input[name=survey_total]", "6")
    page.click("#meeting-form button[type=submit]")
    page.wait_for_selector(".form-summary")
    assert page.input_value("#meeting-form input[name=meeting_date]") == today
    assert page.input_value("#meeting-form input[name=meeting_place]") == "村部会议室"
    assert page.input_value("#meeting-form input[name=presider]") == "王书记"
    assert page.input_value("#meeting-form input[name=accountable_person]") == "李支书"
    assert page.input_value("#meeting-form input[name=members_due]") == "7"
    assert page.input_value("#meeting-form input[name=members_present]") == "9"
    assert page.input_value("#meeting-form input[name=survey_total]") == "6"
    row = page.locator("#meeting-form .form-row.invalid")
    assert "实到 9 人多于应到 7 人" in row.inner_text()
    focused = page.evaluate("document.activeElement && document.activeElement.name")
    assert focused == "members_present"
    summary = page.locator(".form-summary")
    assert summary.is_visible() and summary.bounding_box()["y"] < 768
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "meeting-form-refused.png"), full_page=False)
    assert not BranchReport.objects.exists()


def test_submitting_the_report_happens_only_after_the_dialog(
    page: Any,
    live_server: Any,
    tree: Tree,
    people: People,  # noqa: F811
    round_: Round,  # noqa: F811
    branch_operator: User,
) -> None:
    base = live_server.url
    meeting(branch_operator, round_, tree.branch_a1)
    services.form_add(
        actor=branch_operator,
        round=round_,
        organisation=tree.branch_a1,
        candidate_ids=[people.a1[0].pk],
    )
    _login(page, base, branch_operator.username)
    page.goto(f"{base}/nomination/round/{round_.pk}/branch/{tree.branch_a1.pk}/")
    page.click("#submit-report")
    dialog = page.wait_for_selector("dialog.confirm[open]")
    assert "将报送东河村党支部的推荐结果" in dialog.inner_text()
    assert "报送后不能修改" in dialog.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "confirm-dialog.png"), full_page=False)
    page.click("dialog.confirm button[data-role=confirm-no]")
    page.wait_for_timeout(300)
    assert BranchReport.objects.get(organisation=tree.branch_a1).status == ReportStatus.DRAFT
    assert not Event.objects.filter(event_type=EventType.NOMINATION_REPORT_SUBMITTED).exists()
    page.click("#submit-report")
    page.wait_for_selector("dialog.confirm[open]")
    page.click("dialog.confirm button[data-role=confirm-yes]")
    page.wait_for_selector("#status:has-text('已报送')")
    assert BranchReport.objects.get(organisation=tree.branch_a1).status == ReportStatus.SUBMITTED


def test_without_script_the_server_asks_on_its_own_page(
    browser: Any,
    live_server: Any,
    tree: Tree,
    people: People,  # noqa: F811
    round_: Round,  # noqa: F811
    branch_operator: User,
) -> None:
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        base = live_server.url
        meeting(branch_operator, round_, tree.branch_a1)
        services.form_add(
            actor=branch_operator,
            round=round_,
            organisation=tree.branch_a1,
            candidate_ids=[people.a1[0].pk],
        )
        _login(page, base, branch_operator.username)
        page.goto(f"{base}/nomination/round/{round_.pk}/branch/{tree.branch_a1.pk}/")
        page.click("#submit-report")
        page.wait_for_selector("#confirm-yes")
        assert "请确认：报送推荐结果" in page.inner_text("main")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "confirm-page.png"))
        assert BranchReport.objects.get(organisation=tree.branch_a1).status == ReportStatus.DRAFT
        page.click("#confirm-yes")
        page.wait_for_selector("#status:has-text('已报送')")
    finally:
        context.close()


def test_each_role_sees_its_refused_form_kept(
    page: Any,
    live_server: Any,
    tree: Tree,
    people: People,  # noqa: F811
    round_: Round,  # noqa: F811
    unit_operator: User,
    convener: User,
) -> None:
    """The unit's collective decision and the convener's new campaign, each with one bad
    value: refused before any dialog asks to confirm it, the message by the field, everything
    else as typed."""
    base = live_server.url
    for org, person in ((tree.branch_a1, people.a1[0]), (tree.branch_a2, people.a2[0])):
        meeting(unit_operator, round_, org)
        services.form_add(
            actor=unit_operator, round=round_, organisation=org, candidate_ids=[person.pk]
        )
        services.report_submit(
            actor=unit_operator, report=BranchReport.objects.get(organisation=org)
        )
    _login(page, base, unit_operator.username)
    page.goto(f"{base}/nomination/round/{round_.pk}/level/{tree.unit_a.pk}/")
    page.fill("#decide-form input[name=decided_on]", "2030-01-01")
    page.fill("#decide-form input[name=attendance_due]", "9")
    page.fill("#decide-form input[name=attendance_present]", "8")
    page.fill("#decide-form textarea[name=decision]", "经党委会集体研究")
    page.fill("#decide-form input[name=accountable_person]", "李书记")
    page.click("#decide-button")
    page.wait_for_selector("#decide-form .form-row.invalid")
    assert page.locator("dialog.confirm").count() == 0  # the rules refused it first
    assert "研究日期2030-01-01晚于今天" in page.inner_text("#decide-form .form-row.invalid")
    assert page.input_value("#decide-form input[name=attendance_present]") == "8"
    assert page.input_value("#decide-form textarea[name=decision]") == "经党委会集体研究"
    assert page.input_value("#decide-form input[name=accountable_person]") == "李书记"
    assert page.evaluate("document.activeElement.name") == "decided_on"
    assert not Event.objects.filter(event_type=EventType.NOMINATION_SHORTLIST_DECIDED).exists()

    tree.city.member_count = 40_000
    tree.city.save()
    _login(page, base, convener.username)
    page.goto(f"{base}/campaign/new/")
    page.fill("#campaign-form input[name=name]", "市第六次党代会")
    page.fill("#campaign-form input[name=term]", "第六次")
    page.fill("#campaign-form input[name=total_seats]", "999999")
    page.click("#campaign-form button[type=submit]")
    page.wait_for_selector("#campaign-form .form-summary")
    assert "多于“示范市委”的党员总数 40000 名" in page.inner_text(".form-summary")
    assert page.input_value("#campaign-form input[name=name]") == "市第六次党代会"
    assert page.input_value("#campaign-form input[name=term]") == "第六次"
    assert page.input_value("#campaign-form input[name=total_seats]") == "999999"
