"""Election pages: creation once, the meeting date set and corrected as records, the method
step that says why, and the irreversible steps that ask first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import Tree, login
from tests.election.meeting_setup import prepared
from tests.record import assert_events, capture_events
from tuixuan.core.errors import DomainError
from tuixuan.core.models import User
from tuixuan.election import forms, services
from tuixuan.election.models import Election, ElectionStatus
from tuixuan.record.events import EventType


def test_an_election_form_sent_twice_creates_one_election(tree: Tree, unit_operator: User) -> None:
    client = login(unit_operator)
    data = {
        "title": "东河镇党员大会",
        "body_type": "members_meeting",
        "profile": "grassroots",
        "seats": "3",
        "meeting_date": "2026-12-20",
        "once": "twice",
    }
    first = client.post(reverse("election:list"), data)
    election = Election.objects.get()
    assert first["Location"] == reverse("election:detail", args=[election.pk])
    with capture_events() as events:
        again = client.post(reverse("election:list"), data, follow=True)
    assert events == [] and Election.objects.count() == 1
    assert again.redirect_chain[0][0] == reverse("election:detail", args=[election.pk])
    assert "该表单已经提交过" in again.content.decode()


def test_the_meeting_date_is_set_after_creation_and_corrected_with_a_reason(
    tree: Tree, unit_operator: User
) -> None:
    m = prepared(tree, unit_operator, voters=3)
    assert m.election.meeting_date is None
    day = timezone.localdate() + dt.timedelta(days=10)
    with assert_events([EventType.ELECTION_MEETING_DATE_SET]) as events:
        services.meeting_date_set(actor=unit_operator, election=m.election, meeting_date=day)
    assert events[0].inputs["previous_date"] is None
    with capture_events() as events, pytest.raises(DomainError) as caught:
        services.meeting_date_set(
            actor=unit_operator, election=m.election, meeting_date=day + dt.timedelta(days=1)
        )
    assert "更正已确定的会议日期须填写理由" in caught.value.message and events == []
    assert Election.objects.get(pk=m.election.pk).meeting_date == day
    client = login(unit_operator)
    r = client.post(
        reverse("election:meeting_date", args=[m.election.pk]),
        {"meeting_date": (day + dt.timedelta(days=1)).isoformat(), "reason": "会场调整"},
    )
    assert r.status_code == 302
    corrected = Election.objects.get(pk=m.election.pk)
    assert corrected.meeting_date == day + dt.timedelta(days=1)
    page = client.get(reverse("election:detail", args=[m.election.pk])).content.decode()
    assert (day + dt.timedelta(days=1)).isoformat() in page and "更正会议日期" in page


def test_the_method_reads_not_voted_and_an_empty_method_says_why(
    tree: Tree, unit_operator: User
) -> None:
    m = prepared(tree, unit_operator, voters=3)
    services.election_open(actor=unit_operator, election=m.election)
    client = login(unit_operator)
    page = client.get(reverse("election:detail", args=[m.election.pk])).content.decode()
    assert "<dd>未表决</dd>" in page and "未通过" not in page
    assert "选举办法经大会表决通过后才能开始投票" in page
    with capture_events() as events:
        r = client.post(reverse("election:method_adopt", args=[m.election.pk]), {"text": ""})
    assert r.status_code == 400 and events == []
    assert "选举办法（大会表决通过的文本）" in r.content.decode()
    assert "这个字段是必填项" in r.content.decode()
    r = client.post(reverse("election:round_open", args=[m.election.pk]), {"kind": "formal"})
    follow = client.get(r["Location"]).content.decode()
    assert "选举办法尚未经大会表决通过，不能开始投票" in follow


def test_opening_the_sign_in_asks_first_and_happens_only_when_confirmed(
    tree: Tree, unit_operator: User
) -> None:
    m = prepared(tree, unit_operator, voters=3)
    client = login(unit_operator)
    url = reverse("election:open", args=[m.election.pk])
    with capture_events() as events:
        ask = client.post(url).content.decode()
    assert events == []
    assert "请确认：确定名单，开始签到" in ask and "应到 3 人" in ask
    assert 'name="confirm" value="1"' in ask
    assert Election.objects.get(pk=m.election.pk).status == ElectionStatus.PREPARING
    client.post(url, {"confirm": "1"})
    assert Election.objects.get(pk=m.election.pk).status == ElectionStatus.IN_SESSION


def test_a_step_the_rules_refuse_is_refused_before_anyone_is_asked_to_confirm(
    tree: Tree, unit_operator: User
) -> None:
    m = prepared(tree, unit_operator, voters=3)
    client = login(unit_operator)
    url = reverse("election:open", args=[m.election.pk])
    # Would succeed: the dialog's question is answered with the confirmation page, marked for
    # the script, and the rehearsal leaves nothing behind.
    with capture_events() as events:
        asked = client.post(url, headers={"X-Tuixuan-Rehearse": "1"})
    assert events == [] and asked.status_code == 200
    assert asked["X-Tuixuan-Confirm"] == "1"
    assert Election.objects.get(pk=m.election.pk).status == ElectionStatus.PREPARING
    client.post(url, {"confirm": "1"})
    assert Election.objects.get(pk=m.election.pk).status == ElectionStatus.IN_SESSION
    # Would be refused (the sign-in is already open): no dialog, no confirmation page; the
    # page says why.
    with capture_events() as events:
        rehearsed = client.post(url, headers={"X-Tuixuan-Rehearse": "1"})
        sent = client.post(url, follow=True)
    assert events == []
    assert rehearsed.status_code == 204 and "X-Tuixuan-Confirm" not in rehearsed
    page = sent.content.decode()
    assert "请确认" not in page and 'name="confirm" value="1"' not in page
    assert "不能" in page


def test_the_removal_reason_has_no_default() -> None:
    form = forms.RemovalForm()
    html = str(form["reason"])
    assert '<option value="" selected>（请选择）</option>' in html
    assert not forms.RemovalForm({"detail": "x"}).is_valid()


def test_a_print_request_sent_twice_prints_one_run(tree: Tree, unit_operator: User) -> None:
    from tests.election.meeting_setup import voting_open
    from tuixuan.election.models import PrintRun

    m = prepared(tree, unit_operator, voters=3)
    round_ = voting_open(m, unit_operator)
    client = login(unit_operator)
    page = client.get(reverse("election:round", args=[round_.pk])).content.decode()
    assert 'name="once"' in page
    url = reverse("election:ballots_print", args=[round_.pk])
    first = client.post(url, {"copies": "3", "once": "print-a"})
    with capture_events() as events:
        again = client.post(url, {"copies": "3", "once": "print-a"})
    assert events == []
    assert PrintRun.objects.filter(round=round_).count() == 1
    assert again["Location"] == first["Location"]


def test_more_seats_than_members_is_refused(tree: Tree, unit_operator: User) -> None:
    tree.unit_a.member_count = 40
    tree.unit_a.save()
    with capture_events() as events, pytest.raises(DomainError) as caught:
        services.election_create(
            actor=unit_operator,
            organisation=tree.unit_a,
            title="东河镇党员大会",
            body_type="members_meeting",
            profile="grassroots",
            seats=41,
        )
    assert "应选名额 41 名，多于“东河镇党委”的党员总数 40 名" in caught.value.message
    assert caught.value.field == "seats"
    assert events == [] and not Election.objects.exists()
