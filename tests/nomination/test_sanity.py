"""Sanity rules in the nomination services, and corrections recorded beside the original.
Every refusal: the Chinese message, nothing changed, no event written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from tests.conftest import Tree
from tests.nomination.conftest import People, meeting, set_deadline
from tests.record import assert_events, capture_events
from tuixuan.core.errors import DomainError
from tuixuan.core.models import Role, User
from tuixuan.nomination import services
from tuixuan.nomination.models import BranchReport, NominationList, Round
from tuixuan.record.events import EventType


def _snapshot() -> tuple[Any, ...]:
    return (
        list(
            BranchReport.objects.order_by("pk").values_list(
                "meeting_date", "members_due", "members_present", "status"
            )
        ),
        list(
            NominationList.objects.order_by("pk").values_list(
                "decided_on", "attendance_due", "attendance_present", "decision"
            )
        ),
    )


def _refused(call: Any, message: str) -> DomainError:
    before = _snapshot()
    with capture_events() as events, pytest.raises(DomainError) as caught:
        call()
    assert message in caught.value.message
    assert events == []
    assert _snapshot() == before
    return caught.value


def _meeting(actor: User, round_: Round, org: Any, **kw: Any) -> None:
    fields: dict[str, Any] = {
        "meeting_date": timezone.localdate(),
        "meeting_place": "村部",
        "presider": "王书记",
        "members_due": 7,
        "members_present": 6,
        "accountable_person": "王书记",
    }
    fields.update(kw)
    services.report_update(actor=actor, round=round_, organisation=org, **fields)


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (dt.date(1990, 6, 1), "推荐会议日期1990-06-01早于本次推选工作开始的日期"),
        (dt.date(1999, 6, 1), "推荐会议日期1999-06-01早于本次推选工作开始的日期"),
        (None, "晚于今天"),
    ],
)
def test_a_meeting_dated_outside_the_stage_is_refused(
    round_: Round, tree: Tree, people: People, branch_operator: User, day: Any, message: str
) -> None:
    day = day or timezone.localdate() + dt.timedelta(days=365)
    err = _refused(
        lambda: _meeting(branch_operator, round_, tree.branch_a1, meeting_date=day), message
    )
    assert err.field == "meeting_date"


def test_more_present_than_due_and_more_due_than_members_are_refused(
    round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    err = _refused(
        lambda: _meeting(branch_operator, round_, tree.branch_a1, members_due=7, members_present=9),
        "实到 9 人多于应到 7 人",
    )
    assert err.field == "members_present"
    err = _refused(
        lambda: _meeting(
            branch_operator, round_, tree.branch_a1, members_due=120, members_present=110
        ),
        "应到 120 人多于“东河村党支部”有表决权的党员（含预备党员） 7 人",
    )
    assert err.field == "members_due"


def test_a_report_is_not_submitted_without_participation_of_those_present(
    round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    _meeting(branch_operator, round_, tree.branch_a1)
    services.form_add(
        actor=branch_operator,
        round=round_,
        organisation=tree.branch_a1,
        candidate_ids=[people.a1[0].pk],
    )
    report = BranchReport.objects.get(organisation=tree.branch_a1)
    _refused(
        lambda: services.report_submit(actor=branch_operator, report=report),
        "实到会党员 6 人，只登记了 0 人现场参与",
    )


def _decide(actor: User, round_: Round, org: Any, ids: list[int], **kw: Any) -> NominationList:
    fields: dict[str, Any] = {
        "decided_on": timezone.localdate(),
        "attendance_due": 9,
        "attendance_present": 8,
        "decision": "经党委会集体研究",
        "accountable_person": "李书记",
    }
    fields.update(kw)
    return services.shortlist_decide(
        actor=actor, round=round_, organisation=org, candidate_ids=ids, **fields
    )


def _all_reported(round_: Round, tree: Tree, people: People) -> None:
    op = factories.user(Role.UNIT_OPERATOR, tree.unit_a, username="unit_a_clerk")
    for org, person in ((tree.branch_a1, people.a1[0]), (tree.branch_a2, people.a2[0])):
        meeting(op, round_, org)
        services.form_add(actor=op, round=round_, organisation=org, candidate_ids=[person.pk])
        services.report_submit(
            actor=op, report=BranchReport.objects.get(round=round_, organisation=org)
        )


def test_the_absurd_collective_decision_of_the_issue_is_refused(
    round_: Round, tree: Tree, people: People, unit_operator: User
) -> None:
    """2030-01-01, 9 present of 7 due, while branches had not reported."""
    err = _refused(
        lambda: _decide(
            unit_operator,
            round_,
            tree.unit_a,
            [people.a1[0].pk],
            decided_on=dt.date(2030, 1, 1),
            attendance_due=7,
            attendance_present=9,
            decision="测试",
        ),
        "研究日期2030-01-01晚于今天",
    )
    fields = {f for f, _ in err.errors}
    assert {"decided_on", "attendance_present"} <= fields
    assert "实到 9 人多于应到 7 人" in err.message
    assert "尚有 2 个党支部未报送推荐结果（东河村党支部、西岭村党支部）" in err.message


def test_unreported_branches_after_the_deadline_need_a_recorded_reason(
    round_: Round, tree: Tree, people: People, unit_operator: User
) -> None:
    set_deadline(round_.campaign, timezone.localdate() - dt.timedelta(days=1))
    err = _refused(
        lambda: _decide(unit_operator, round_, tree.unit_a, [people.a1[0].pk]),
        "按逾期未报处理须填写说明",
    )
    assert err.field == "overdue_reason"


def test_a_decision_is_corrected_by_a_recorded_decision_beside_the_original(
    round_: Round, tree: Tree, people: People, unit_operator: User
) -> None:
    _all_reported(round_, tree, people)
    nl = _decide(unit_operator, round_, tree.unit_a, [people.a1[0].pk])
    _refused(
        lambda: services.list_correct(
            actor=unit_operator,
            nomination_list=nl,
            reason="",
            decided_on=nl.decided_on,
            attendance_due=9,
            attendance_present=7,
            decision=nl.decision,
        ),
        "请填写更正理由",
    )
    with assert_events([EventType.NOMINATION_LIST_CORRECTED]) as events:
        services.list_correct(
            actor=unit_operator,
            nomination_list=nl,
            reason="核对会议记录，实到 7 人",
            decided_on=nl.decided_on,
            attendance_due=9,
            attendance_present=7,
            decision=nl.decision,
        )
    inputs = events[0].inputs
    assert inputs["before"]["attendance_present"] == 8
    assert inputs["after"]["attendance_present"] == 7
    assert inputs["changed"] == ["attendance_present"]
    assert inputs["reason"] == "核对会议记录，实到 7 人"
    # The original decision is still in the record, unchanged.
    from tuixuan.record.models import Event

    original = Event.objects.get(event_type=EventType.NOMINATION_SHORTLIST_DECIDED)
    assert original.inputs["attendance_present"] == 8


def test_meeting_facts_of_a_submitted_report_are_corrected_by_the_level_above(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    _all_reported(round_, tree, people)
    report = BranchReport.objects.get(organisation=tree.branch_a1)
    _refused(
        lambda: services.meeting_correct(
            actor=branch_operator,
            report=report,
            reason="记错了",
            meeting_date=timezone.localdate(),
            meeting_place="村部",
            presider="王书记",
            members_due=7,
            members_present=5,
        ),
        "只有“东河村党支部”的上级党组织可以更正已报送的推荐会议情况",
    )
    _refused(
        lambda: services.meeting_correct(
            actor=unit_operator,
            report=report,
            reason="记错了",
            meeting_date=dt.date(1999, 1, 1),
            meeting_place="村部",
            presider="王书记",
            members_due=7,
            members_present=5,
        ),
        "推荐会议日期1999-01-01早于本次推选工作开始的日期",
    )
    with assert_events([EventType.NOMINATION_MEETING_CORRECTED]) as events:
        services.meeting_correct(
            actor=unit_operator,
            report=report,
            reason="签到表核对，实到 5 人",
            meeting_date=timezone.localdate(),
            meeting_place=report.meeting_place,
            presider=report.presider,
            members_due=report.members_due,
            members_present=5,
        )
    assert events[0].inputs["before"]["members_present"] == 6
    assert events[0].inputs["after"]["members_present"] == 5
    assert BranchReport.objects.get(pk=report.pk).members_present == 5


def test_a_second_up_meeting_before_the_hand_down_is_refused(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    _all_reported(round_, tree, people)
    nl = _decide(unit_operator, round_, tree.unit_a, [people.a1[0].pk])
    services.shortlist_hand_down(actor=unit_operator, shortlist=nl)
    err = _refused(
        lambda: services.feedback_submit(
            actor=branch_operator,
            shortlist=nl,
            organisation=tree.branch_a1,
            meeting_date=dt.date(1999, 12, 1),
            members_due=9,
            members_present=10,
            accountable_person="王书记",
            views={people.a1[0].pk: (5, 0, 0)},
        ),
        "会议日期1999-12-01早于考察对象名单下发的日期",
    )
    fields = {f for f, _ in err.errors}
    assert {"meeting_date", "members_present", "members_due"} <= fields
    assert "应到 9 人多于“东河村党支部”有表决权的党员（含预备党员） 7 人" in err.message


def test_an_exemption_dated_next_year_is_refused(
    round_: Round, tree: Tree, people: People, unit_operator: User
) -> None:
    day = timezone.localdate() + dt.timedelta(days=400)
    err = _refused(
        lambda: services.exemption_decide(
            actor=unit_operator,
            campaign=round_.campaign,
            candidate=people.a1[0],
            decided_on=day,
            decision="同意",
            accountable_person="李书记",
        ),
        f"决定日期{day.isoformat()}晚于今天",
    )
    assert err.field == "decided_on"


def test_a_second_up_meeting_is_corrected_by_the_level_above_with_a_reason(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    _all_reported(round_, tree, people)
    nl = _decide(unit_operator, round_, tree.unit_a, [people.a1[0].pk])
    services.shortlist_hand_down(actor=unit_operator, shortlist=nl)
    fb = services.feedback_submit(
        actor=branch_operator,
        shortlist=nl,
        organisation=tree.branch_a1,
        meeting_date=timezone.localdate(),
        members_due=7,
        members_present=6,
        accountable_person="王书记",
        views={people.a1[0].pk: (5, 1, 0)},
    )
    with capture_events() as events, pytest.raises(DomainError) as caught:
        services.feedback_correct(
            actor=branch_operator,
            feedback=fb,
            reason="记错",
            meeting_date=timezone.localdate(),
            members_due=7,
            members_present=7,
        )
    assert "只有“东河村党支部”的上级党组织可以更正已报送的二上会议情况" in caught.value.message
    assert events == []
    with assert_events([EventType.NOMINATION_FEEDBACK_CORRECTED]) as events:
        services.feedback_correct(
            actor=unit_operator,
            feedback=fb,
            reason="签到表核对，实到 7 人",
            meeting_date=timezone.localdate(),
            members_due=7,
            members_present=7,
        )
    assert events[0].inputs["before"]["members_present"] == 6
    assert events[0].inputs["after"]["members_present"] == 7
    fb.refresh_from_db()
    assert fb.members_present == 7
