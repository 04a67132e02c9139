"""Closing a unit's 一上 and 二上, a late report after 一上 closed, reopening a decided list,
and the ranking a level decides from (docs/domain.md §3.2, §3.3, §7.3).

Every refusal: the Chinese message, nothing changed, no event written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from tests.conftest import Tree
from tests.nomination.conftest import People, meeting, set_deadline
from tests.record import assert_events, capture_events
from tuixuan.campaign.models import Campaign, Milestone, Stage
from tuixuan.core.errors import DomainError, PermissionDeniedError
from tuixuan.core.models import Organisation, OrgType, Role, User
from tuixuan.nomination import selectors, services
from tuixuan.nomination.models import (
    BranchReport,
    EntryMode,
    ListKind,
    ListStatus,
    NominationList,
    ReportStatus,
    Round,
    RoundStage,
    Tally,
    UnitRound,
)
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.registry.models import Member

pytestmark = pytest.mark.django_db


def _state() -> tuple[Any, ...]:
    return (
        Event.objects.count(),
        Tally.objects.count(),
        sorted(UnitRound.objects.values_list("unit_id", "stage", "status")),
        sorted(NominationList.objects.values_list("pk", "status", "review_note")),
        sorted(BranchReport.objects.values_list("pk", "status")),
    )


def _refused(call: Any, message: str, error: type[Exception] = DomainError) -> None:
    """The call is refused with ``message``, changes nothing and writes no event."""
    before = _state()
    with capture_events() as events, pytest.raises(error, match=message):
        call()
    assert events == []
    assert _state() == before


def _report(
    op: User, round_: Round, org: Organisation, rows: Sequence[tuple[Member, int]]
) -> BranchReport:
    """A branch's draft in totals mode: its meeting and each person's full members' votes."""
    meeting(op, round_, org, mode=EntryMode.TOTALS)
    services.totals_set(
        actor=op, round=round_, organisation=org, rows=[(m.pk, v, 0) for m, v in rows]
    )
    return BranchReport.objects.get(round=round_, organisation=org)


def _submitted(
    op: User, round_: Round, org: Organisation, rows: Sequence[tuple[Member, int]]
) -> BranchReport:
    return services.report_submit(actor=op, report=_report(op, round_, org, rows))


def _decide(
    actor: User, round_: Round, org: Organisation, people: Sequence[Member], **kw: Any
) -> NominationList:
    fields: dict[str, Any] = {
        "decided_on": timezone.localdate(),
        "attendance_due": 9,
        "attendance_present": 8,
        "decision": "经集体研究确定",
        "accountable_person": "李书记",
    }
    fields.update(kw)
    return services.shortlist_decide(
        actor=actor,
        round=round_,
        organisation=org,
        candidate_ids=[m.pk for m in people],
        **fields,
    )


def _unit(round_: Round, tree: Tree) -> Any:
    unit = selectors.unit_of(round_.campaign, tree.unit_a)
    assert unit is not None
    return unit


@dataclass
class Late:
    """Unit A with a third branch that has not reported; 一上's deadline was yesterday, A1
    and A2 reported and the unit fixed its 考察对象 (one name), which closed 一上."""

    branch: Organisation
    branch_op: User
    members: list[Member]
    shortlist: NominationList


@pytest.fixture
def late(
    round_: Round, tree: Tree, people: People, unit_operator: User, branch_operator: User
) -> Late:
    a3 = factories.organisation("南坡村党支部", parent=tree.unit_a, code="A3")
    members = [factories.member(a3, f"丁{i}") for i in range(3)]
    a3_op = factories.user(Role.BRANCH_OPERATOR, a3, username="branch_a3_op")
    _submitted(branch_operator, round_, tree.branch_a1, [(people.a1[0], 3)])
    _submitted(unit_operator, round_, tree.branch_a2, [(people.a2[0], 2)])
    _report(a3_op, round_, a3, [(people.a2[0], 1)])
    set_deadline(round_.campaign, timezone.localdate() - dt.timedelta(days=1))
    shortlist = _decide(
        unit_operator, round_, tree.unit_a, [people.a1[0]], overdue_reason="南坡村经催报未报"
    )
    return Late(a3, a3_op, members, shortlist)


# --- closing ---------------------------------------------------------------------------


def test_deciding_the_shortlist_closes_the_units_first_up(
    late: Late, round_: Round, tree: Tree
) -> None:
    row = selectors.unit_round(round_, _unit(round_, tree), RoundStage.FIRST_UP)
    assert row is not None and row.status == "closed"
    assert row.closed_on == timezone.localdate()
    closed = Event.objects.get(event_type=EventType.NOMINATION_ROUND_CLOSED)
    assert closed.inputs["overdue_branches"] == ["南坡村党支部"]
    assert closed.inputs["stage"] == "first_up"
    # Unit B is not touched.
    assert UnitRound.objects.count() == 1


def test_closing_first_up_waits_for_every_branch_before_the_deadline(
    round_: Round, tree: Tree, people: People, unit_operator: User, branch_operator: User
) -> None:
    _submitted(branch_operator, round_, tree.branch_a1, [(people.a1[0], 3)])
    unit = _unit(round_, tree)
    today = timezone.localdate()

    def close(reason: str = "") -> Any:
        return services.round_close(
            actor=unit_operator,
            round=round_,
            unit=unit,
            stage=RoundStage.FIRST_UP,
            closed_on=today,
            reason=reason,
        )

    _refused(close, "尚有 1 个党支部未报送推荐结果（西岭村党支部），一上截止日期前不能结束一上")
    set_deadline(round_.campaign, today - dt.timedelta(days=1))
    _refused(close, "按逾期未报处理须填写说明")
    with assert_events([EventType.NOMINATION_ROUND_CLOSED]) as events:
        close("经两次催报仍未报送")
    assert events[0].inputs["overdue_branches"] == ["西岭村党支部"]
    assert events[0].inputs["reason"] == "经两次催报仍未报送"
    _refused(close, "本选举单位的一上已经结束")
    # After the close a branch cannot submit, nor can the level above through the deadline
    # route: only the recorded decision to admit.
    draft = _report(unit_operator, round_, tree.branch_a2, [(people.a2[0], 1)])
    _refused(
        lambda: services.report_submit(actor=unit_operator, report=draft, late_reason="补报"),
        "东河镇党委的一上推荐已经结束，不能再报送",
    )


def test_closing_is_refused_out_of_scope_and_in_the_future(
    round_: Round, tree: Tree, other_unit_operator: User, unit_operator: User
) -> None:
    unit = _unit(round_, tree)
    _refused(
        lambda: services.round_close(
            actor=other_unit_operator,
            round=round_,
            unit=unit,
            stage=RoundStage.FIRST_UP,
            closed_on=timezone.localdate(),
        ),
        "不在您的管理范围内",
        PermissionDeniedError,
    )
    _refused(
        lambda: services.round_close(
            actor=unit_operator,
            round=round_,
            unit=unit,
            stage=RoundStage.FIRST_UP,
            closed_on=timezone.localdate() + dt.timedelta(days=1),
        ),
        "结束日期.*晚于今天",
    )


def test_second_up_closes_after_the_hand_down_and_then_takes_no_answer(
    late: Late, round_: Round, tree: Tree, people: People, unit_operator: User, convener: User
) -> None:
    unit = _unit(round_, tree)
    today = timezone.localdate()

    def close(reason: str = "") -> Any:
        return services.round_close(
            actor=unit_operator,
            round=round_,
            unit=unit,
            stage=RoundStage.SECOND_UP,
            closed_on=today,
            reason=reason,
        )

    _refused(close, "考察对象名单尚未下发征求意见，不能结束二上")
    services.shortlist_hand_down(actor=unit_operator, shortlist=late.shortlist)
    _refused(close, "尚有 3 个党支部未报送二上意见.*二上截止日期前不能结束二上")
    Milestone.objects.create(
        campaign=round_.campaign,
        stage=Stage.SECOND_UP,
        position=2,
        deadline=today - dt.timedelta(days=1),
    )
    with assert_events([EventType.NOMINATION_ROUND_CLOSED]):
        close("逾期未报")
    _refused(
        lambda: services.feedback_submit(
            actor=convener,
            shortlist=late.shortlist,
            organisation=tree.branch_a1,
            meeting_date=today,
            members_due=7,
            members_present=6,
            accountable_person="王书记",
            views={people.a1[0].pk: (5, 1, 0)},
            late_reason="补报",
        ),
        "东河镇党委的二上已经结束，不能再报送二上意见",
    )


# --- a late report after 一上 closed ------------------------------------------------------


def test_a_late_report_is_only_a_recorded_decision_of_the_level_above(
    late: Late, round_: Round, unit_operator: User
) -> None:
    report = BranchReport.objects.get(round=round_, organisation=late.branch)
    _refused(
        lambda: services.report_submit(actor=late.branch_op, report=report),
        "一上推荐已经结束，不能再报送；逾期报送须由上级党组织作出受理决定",
    )
    _refused(
        lambda: services.late_report_admit(actor=late.branch_op, report=report, reason="补报"),
        "只有“南坡村党支部”的上级党组织可以决定受理逾期报送",
        PermissionDeniedError,
    )
    _refused(
        lambda: services.late_report_admit(actor=unit_operator, report=report, reason="  "),
        "请填写受理逾期报送的理由",
    )


def test_a_late_report_that_changes_the_first_places_flags_the_list(
    late: Late, round_: Round, people: People, unit_operator: User
) -> None:
    # 南坡村 puts forward 乙0, whom 西岭村 put forward too: two organisations now, above 甲0's
    # one, so the single place of the 考察对象 list goes to 乙0 by the rule.
    report = BranchReport.objects.get(round=round_, organisation=late.branch)
    with assert_events([EventType.NOMINATION_LATE_REPORT_ADMITTED]) as events:
        services.late_report_admit(actor=unit_operator, report=report, reason="会议按时召开，漏报")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.late_reason == "会议按时召开，漏报"
    late.shortlist.refresh_from_db()
    assert "须复核" in late.shortlist.review_note
    assert "移出 甲0" in late.shortlist.review_note and "移入 乙0" in late.shortlist.review_note
    review = events[0].inputs["review"]
    assert review == [
        {
            "organisation": "东河镇党委",
            "kind": "shortlist",
            "out": [{"citizen_id": people.a1[0].citizen_id, "name": "甲0"}],
            "in": [{"citizen_id": people.a2[0].citizen_id, "name": "乙0"}],
        }
    ]
    # The tally moved like any submission's.
    unit_row = Tally.objects.get(organisation=late.shortlist.organisation, candidate=people.a2[0])
    assert unit_row.votes == 3


def test_a_late_report_that_changes_nothing_flags_nothing(
    round_: Round, tree: Tree, people: People, unit_operator: User, branch_operator: User
) -> None:
    a3 = factories.organisation("南坡村党支部", parent=tree.unit_a, code="A3")
    factories.member(a3, "丁0")
    _submitted(branch_operator, round_, tree.branch_a1, [(people.a1[0], 3)])
    _submitted(unit_operator, round_, tree.branch_a2, [(people.a2[0], 2)])
    draft = _report(unit_operator, round_, a3, [(people.a1[0], 1)])
    set_deadline(round_.campaign, timezone.localdate() - dt.timedelta(days=1))
    shortlist = _decide(unit_operator, round_, tree.unit_a, [people.a1[0]], overdue_reason="未报")
    with assert_events([EventType.NOMINATION_LATE_REPORT_ADMITTED]) as events:
        services.late_report_admit(actor=unit_operator, report=draft, reason="漏报")
    shortlist.refresh_from_db()
    assert shortlist.review_note == ""
    assert events[0].inputs["review"] == []


def test_admitting_while_first_up_is_open_is_refused(
    round_: Round, tree: Tree, people: People, unit_operator: User
) -> None:
    draft = _report(unit_operator, round_, tree.branch_a2, [(people.a2[0], 1)])
    _refused(
        lambda: services.late_report_admit(actor=unit_operator, report=draft, reason="漏报"),
        "东河镇党委的一上尚未结束",
    )


# --- reopening a decided list -----------------------------------------------------------


def test_a_list_is_reopened_with_a_reason_then_decided_again_differently(
    late: Late, round_: Round, tree: Tree, people: People, unit_operator: User
) -> None:
    today = timezone.localdate()

    def reopen(actor: User = unit_operator, reason: str = "受理逾期报送后重新研究") -> Any:
        return services.list_reopen(
            actor=actor, nomination_list=late.shortlist, reopened_on=today, reason=reason
        )

    _refused(lambda: reopen(reason=" "), "请填写重新研究的理由")
    with assert_events([EventType.NOMINATION_LIST_REOPENED]) as events:
        reopen()
    late.shortlist.refresh_from_db()
    assert late.shortlist.status == ListStatus.REOPENED
    assert events[0].inputs["reason"] == "受理逾期报送后重新研究"
    assert selectors.list_for(round_, tree.unit_a, ListKind.SHORTLIST) is None
    _refused(reopen, "名单当前为“已决定重新研究”，不能变为“已决定重新研究”")
    # 一上 stays closed; the new decision is recorded beside the old one, with a new list.
    with assert_events([EventType.NOMINATION_SHORTLIST_DECIDED]):
        again = _decide(
            unit_operator, round_, tree.unit_a, [people.a2[0]], overdue_reason="南坡村未报"
        )
    assert again.pk != late.shortlist.pk
    assert list(again.entries.values_list("candidate_id", flat=True)) == [people.a2[0].pk]
    assert NominationList.objects.filter(organisation=tree.unit_a).count() == 2


def test_reopening_is_refused_out_of_scope(
    late: Late, other_unit_operator: User, branch_operator: User
) -> None:
    for actor in (other_unit_operator, branch_operator):
        _refused(
            lambda a=actor: services.list_reopen(
                actor=a,
                nomination_list=late.shortlist,
                reopened_on=timezone.localdate(),
                reason="越权",
            ),
            "不在您的管理范围内",
            PermissionDeniedError,
        )


def test_after_second_up_answers_only_the_level_above_reopens(
    late: Late,
    round_: Round,
    tree: Tree,
    people: People,
    unit_operator: User,
    branch_operator: User,
    convener: User,
) -> None:
    services.shortlist_hand_down(actor=unit_operator, shortlist=late.shortlist)
    services.feedback_submit(
        actor=branch_operator,
        shortlist=late.shortlist,
        organisation=tree.branch_a1,
        meeting_date=timezone.localdate(),
        members_due=7,
        members_present=6,
        accountable_person="王书记",
        views={people.a1[0].pk: (5, 1, 0)},
    )

    def reopen(actor: User) -> Any:
        return services.list_reopen(
            actor=actor,
            nomination_list=late.shortlist,
            reopened_on=timezone.localdate(),
            reason="二上意见分歧较大",
        )

    _refused(
        lambda: reopen(unit_operator),
        "已有 1 个党支部报送二上意见，只有东河镇党委的上级党组织可以决定重新研究该名单",
    )
    with assert_events([EventType.NOMINATION_LIST_REOPENED]) as events:
        reopen(convener)
    assert events[0].inputs["feedback_count"] == 1
    # The answers stay with the list they answered.
    assert late.shortlist.feedback.count() == 1


# --- the ranking a level decides from, and what a decision must hold ------------------


@dataclass
class Deep:
    committee: Organisation
    c1: Organisation
    c2: Organisation
    x: Member
    y: Member


@pytest.fixture
def deep(
    round_: Round, tree: Tree, people: People, unit_operator: User, branch_operator: User
) -> Deep:
    """Unit A with a 基层党委 of two branches below it besides A1 and A2."""
    committee = factories.organisation(
        "河东片区党委", parent=tree.unit_a, org_type=OrgType.COMMITTEE, code="A4"
    )
    c1 = factories.organisation("河东一支部", parent=committee, code="A41")
    c2 = factories.organisation("河东二支部", parent=committee, code="A42")
    x = factories.member(c1, "戊甲")
    y = factories.member(c2, "戊乙")
    for org in (c1, c2):
        for i in range(3):
            factories.member(org, f"{org.code}党员{i}")
    _submitted(unit_operator, round_, c1, [(x, 3)])
    _submitted(unit_operator, round_, c2, [(y, 4), (x, 3)])
    _submitted(branch_operator, round_, tree.branch_a1, [(people.a1[0], 3)])
    _submitted(unit_operator, round_, tree.branch_a2, [(people.a2[0], 2)])
    return Deep(committee, c1, c2, x, y)


def _pool(actor: User, round_: Round, org: Organisation, people: Sequence[Member]) -> Any:
    return services.list_decide(
        actor=actor,
        round=round_,
        organisation=org,
        candidate_ids=[m.pk for m in people],
        decided_on=timezone.localdate(),
        attendance_due=5,
        attendance_present=5,
        decision="集体研究确定上报",
        accountable_person="赵书记",
    )


def test_a_level_ranks_from_the_list_its_child_fixed(
    deep: Deep, round_: Round, tree: Tree, people: People, unit_operator: User
) -> None:
    # Before the committee fixes its list, it is looked through: its branches count directly.
    before = [
        (s.person, s.organisations) for s in selectors.decision_standings(round_, tree.unit_a)
    ]
    assert before[0] == (deep.x.pk, 2)
    # The committee sends up 戊乙 only: at the unit 戊甲's six raw votes no longer rank.
    _pool(unit_operator, round_, deep.committee, [deep.y])
    rows = selectors.decision_ranking(round_, tree.unit_a)
    assert [(r.member.name, r.organisations, r.votes) for r in rows] == [
        ("戊乙", 1, 4),
        ("甲0", 1, 3),
        ("乙0", 1, 2),
    ]
    assert rows[0].on_lists == [deep.committee]
    raw = selectors.ranked(round_, tree.unit_a)
    assert raw[0].member == deep.x and raw[0].votes == 6  # the raw votes, shown beside
    _refused(
        lambda: _decide(unit_operator, round_, tree.unit_a, [deep.x]),
        "“戊甲”未获推荐，或不在下级党组织确定的名单中，不能列入名单",
    )
    shortlist = _decide(unit_operator, round_, tree.unit_a, [deep.y, people.a1[0]])
    entry = shortlist.entries.get(candidate=deep.y)
    assert entry.votes == 4
    # The committee's list was counted: it cannot be reopened while the unit's stands.
    pool = selectors.list_for(round_, deep.committee, ListKind.POOL)
    assert pool is not None
    _refused(
        lambda: services.list_reopen(
            actor=unit_operator,
            nomination_list=pool,
            reopened_on=timezone.localdate(),
            reason="重议",
        ),
        "上级“东河镇党委”已据此集体研究确定考察对象（初步人选）名单，须先由上级决定重新研究",
    )


def test_a_level_below_cannot_decide_after_the_level_above(
    deep: Deep, round_: Round, tree: Tree, people: People, unit_operator: User
) -> None:
    _decide(unit_operator, round_, tree.unit_a, [deep.x, people.a1[0]])
    _refused(
        lambda: _pool(unit_operator, round_, deep.committee, [deep.y]),
        "上级“东河镇党委”已集体研究确定考察对象（初步人选）名单，本级不能再确定名单",
    )


def test_a_decision_is_not_dated_before_what_it_counts(
    deep: Deep, round_: Round, tree: Tree, people: People, unit_operator: User
) -> None:
    # The campaign was set up ten days ago and A1 met yesterday (corrected by the level above).
    Campaign.objects.filter(pk=round_.campaign_id).update(
        created_at=timezone.now() - dt.timedelta(days=10)
    )
    round_.campaign.refresh_from_db()
    report = BranchReport.objects.get(round=round_, organisation=tree.branch_a1)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    BranchReport.objects.filter(pk=report.pk).update(meeting_date=yesterday)
    BranchReport.objects.exclude(pk=report.pk).update(meeting_date=yesterday - dt.timedelta(days=3))
    earlier = yesterday - dt.timedelta(days=1)
    _refused(
        lambda: _decide(unit_operator, round_, tree.unit_a, [people.a1[0]], decided_on=earlier),
        f"研究日期{earlier}早于所计入的党支部推荐会议的日期（{yesterday}）",
    )
    _refused(
        lambda: _decide(unit_operator, round_, tree.unit_a, [people.a1[0]], attendance_present=10),
        "实到 10 人多于应到 9 人",
    )


def test_a_decision_waits_only_for_the_branches_it_counts(
    round_: Round, tree: Tree, people: People, unit_operator: User, branch_operator: User
) -> None:
    committee = factories.organisation(
        "河东片区党委", parent=tree.unit_a, org_type=OrgType.COMMITTEE, code="A4"
    )
    c1 = factories.organisation("河东一支部", parent=committee, code="A41")
    c2 = factories.organisation("河东二支部", parent=committee, code="A42")
    x = factories.member(c1, "戊甲")
    for i in range(3):
        factories.member(c1, f"河东一党员{i}")
    factories.member(c2, "河东二党员")
    _submitted(unit_operator, round_, c1, [(x, 3)])
    _submitted(branch_operator, round_, tree.branch_a1, [(people.a1[0], 3)])
    _submitted(unit_operator, round_, tree.branch_a2, [(people.a2[0], 2)])
    _refused(
        lambda: _decide(unit_operator, round_, tree.unit_a, [people.a1[0]]),
        "尚有 1 个党支部未报送推荐结果（河东二支部），须全部报送后才能集体研究决定",
    )
    # The committee treats 河东二支部 as overdue in its own decision; the unit then counts the
    # committee's list and waits for nobody.
    set_deadline(round_.campaign, timezone.localdate() - dt.timedelta(days=1))
    services.list_decide(
        actor=unit_operator,
        round=round_,
        organisation=committee,
        candidate_ids=[x.pk],
        decided_on=timezone.localdate(),
        attendance_due=5,
        attendance_present=5,
        decision="集体研究确定上报",
        accountable_person="赵书记",
        overdue_reason="河东二支部经催报未报",
    )
    with capture_events() as events:
        _decide(unit_operator, round_, tree.unit_a, [x, people.a1[0]])
    decided = events[0]
    assert decided.inputs["overdue_branches"] == []
    assert decided.inputs["counted_lists"] == ["河东片区党委"]
