"""Alerts: raised exactly once per cause, only to the users whose subtree holds the unit,
when the event that causes them is committed and by the daily job; acknowledged in the
inbox; a failed verify-record is kept and alerted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from tests import factories
from tests.conftest import Tree, login
from tests.dossier.test_verify import behind_the_back
from tests.nomination.conftest import People
from tests.nomination.test_views import _submit_a1
from tests.oversight.conftest import set_deadline
from tuixuan.campaign.models import Stage
from tuixuan.core import clock
from tuixuan.core.models import OrgType, Role, User
from tuixuan.nomination.models import Round
from tuixuan.oversight import alerts
from tuixuan.oversight.models import Alert, AlertKind, AlertReceipt, VerifyRun
from tuixuan.record.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone(tree: Tree, convener: User, supervisor: User, unit_operator: User) -> dict[str, User]:
    other_city = factories.organisation("外市委", org_type=OrgType.CITY, code="X")
    return {
        "convener": convener,
        "supervisor": supervisor,
        "unit_a": unit_operator,
        "unit_b": factories.user(Role.UNIT_OPERATOR, tree.unit_b),
        "supervisor_b": factories.user(Role.SUPERVISOR, tree.unit_b),
        "convener_b": factories.user(Role.CONVENER, tree.unit_b),
        "branch_a1": factories.user(Role.BRANCH_OPERATOR, tree.branch_a1),
        "other_city": factories.user(Role.SUPERVISOR, other_city),
        "other_convener": factories.user(Role.CONVENER, other_city),
    }


def _recipients(alert: Alert) -> set[int]:
    return set(alert.receipts.values_list("user_id", flat=True))


def test_a_missed_milestone_is_alerted_once_and_only_in_scope(
    late_round: Round, tree: Tree, everyone: dict[str, User]
) -> None:
    campaign = late_round.campaign
    first = alerts.evaluate_campaign(campaign)
    missed = [a for a in first if a.kind == AlertKind.MILESTONE_MISSED]
    assert {a.organisation for a in missed} == {tree.unit_a, tree.unit_b}
    assert alerts.evaluate_campaign(campaign) == []  # the same causes: nothing new
    assert alerts.daily()["alerts"] == 0
    a = next(a for a in missed if a.organisation == tree.unit_a)
    assert _recipients(a) == {
        everyone["convener"].pk,
        everyone["supervisor"].pk,
        everyone["unit_a"].pk,
    }
    b = next(a for a in missed if a.organisation == tree.unit_b)
    assert _recipients(b) == {
        everyone["convener"].pk,
        everyone["supervisor"].pk,
        everyone["unit_b"].pk,
        everyone["supervisor_b"].pk,
        everyone["convener_b"].pk,
    }
    outside = {everyone[k].pk for k in ("other_city", "other_convener", "branch_a1")}
    assert not AlertReceipt.objects.filter(user_id__in=outside).exists()
    assert "已逾期" in a.title and "东河镇党委" in a.title


def test_a_changed_deadline_is_a_new_cause(late_round: Round, convener: User) -> None:
    campaign = late_round.campaign
    assert alerts.evaluate_campaign(campaign)
    set_deadline(campaign, Stage.FIRST_UP, clock.today() - dt.timedelta(days=2))
    again = alerts.evaluate_campaign(campaign)
    assert again and all(a.kind == AlertKind.MILESTONE_MISSED for a in again)


SOON = dt.date(2026, 12, 4)  # a Friday: two working days after the suite's Wednesday


def test_alerts_follow_the_committed_event(
    round_: Round,
    tree: Tree,
    people: People,
    branch_operator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Submitting a branch report commits an event; the rules run after the commit."""
    set_deadline(round_.campaign, Stage.FIRST_UP, SOON)
    with django_capture_on_commit_callbacks(execute=True):
        _submit_a1(round_, tree, people, branch_operator)
    soon = Alert.objects.get(kind=AlertKind.MILESTONE_SOON, organisation=tree.unit_a)
    assert soon.title == "东河镇党委一上截止 12月4日，还有 2 个工作日"
    count = Alert.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        alerts.evaluate_campaign(round_.campaign)
    assert Alert.objects.count() == count


def test_nothing_runs_before_the_commit(
    round_: Round,
    tree: Tree,
    people: People,
    branch_operator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    set_deadline(round_.campaign, Stage.FIRST_UP, SOON)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _submit_a1(round_, tree, people, branch_operator)
    assert callbacks  # queued for after the commit, never run inside the transaction
    assert not Alert.objects.exists()


def test_low_participation_once_the_round_is_past_for_the_unit(
    round_: Round, tree: Tree, people: People, branch_operator: User, convener: User
) -> None:
    _submit_a1(round_, tree, people, branch_operator)  # 6 of the branch's members take part
    set_deadline(round_.campaign, Stage.FIRST_UP, clock.today() - dt.timedelta(days=7))
    raised = alerts.evaluate_campaign(round_.campaign)
    low = [a for a in raised if a.kind == AlertKind.PARTICIPATION_LOW]
    unit_a_low = [a for a in low if a.organisation == tree.unit_a]
    assert any("党员参与" in a.title for a in unit_a_low)
    assert alerts.evaluate_campaign(round_.campaign) == []


def test_the_inbox_reads_and_acknowledges(
    late_round: Round, tree: Tree, convener: User, unit_operator: User
) -> None:
    alerts.evaluate_campaign(late_round.campaign)
    alert = Alert.objects.filter(organisation=tree.unit_a).first()
    assert alert is not None
    client = login(convener)
    page = client.get("/oversight/alerts/")
    assert alert.title in page.content.decode()
    assert client.post(f"/oversight/alert/{alert.pk}/read/").status_code == 302
    receipt = AlertReceipt.objects.get(alert=alert, user=convener)
    assert receipt.read_at is not None and receipt.acknowledged_at is None
    assert client.post(f"/oversight/alert/{alert.pk}/acknowledge/").status_code == 302
    receipt.refresh_from_db()
    assert receipt.acknowledged_at is not None
    assert Event.objects.filter(event_type="oversight.alert_acknowledged").count() == 1
    # the other recipients' marks are their own; an outsider finds no such alert
    assert AlertReceipt.objects.get(alert=alert, user=unit_operator).read_at is None
    outsider = factories.user(Role.UNIT_OPERATOR, tree.unit_b)
    assert login(outsider).post(f"/oversight/alert/{alert.pk}/acknowledge/").status_code == 404


def test_alerts_go_out_by_mail_only_when_switched_on(
    late_round: Round,
    tree: Tree,
    convener: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    convener.email = "convener@example.org"
    convener.save()
    with django_capture_on_commit_callbacks(execute=True):
        alerts.evaluate_campaign(late_round.campaign)
    assert mail.outbox == []
    settings.ALERT_EMAIL = True
    set_deadline(late_round.campaign, Stage.FIRST_UP, clock.today() - dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        alerts.evaluate_campaign(late_round.campaign)
    assert mail.outbox and mail.outbox[0].to == ["convener@example.org"]


def test_the_daily_verify_is_kept_and_a_failure_alerted_once(
    late_round: Round, tree: Tree, supervisor: User
) -> None:
    assert alerts.daily()["verified"] is True
    assert VerifyRun.objects.first().ok  # type: ignore[union-attr]
    page = login(supervisor).get("/oversight/supervision/")
    assert "通过" in page.content.decode()
    event = Event.objects.order_by("pk").first()
    assert event is not None
    behind_the_back("UPDATE dossier_event SET summary = %s WHERE id = %s", ["无", event.pk])
    assert alerts.daily()["verified"] is False
    alerts.daily()
    broken = Alert.objects.filter(kind=AlertKind.RECORD_BROKEN)
    assert broken.count() == 1
    assert supervisor.pk in _recipients(broken.get())
    page = login(supervisor).get("/oversight/supervision/")
    assert "未通过" in page.content.decode()
