"""Services: state and the exact record events; refused input changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from tests.conftest import Tree
from tests.nomination.conftest import People, meeting, set_deadline
from tests.record import assert_events, capture_events
from tuixuan.campaign.models import Milestone, Stage
from tuixuan.core.errors import DomainError, PermissionDeniedError
from tuixuan.core.models import Organisation, Role, User
from tuixuan.nomination import selectors, services, tally
from tuixuan.nomination.models import (
    BranchReport,
    EntryMode,
    FormEntry,
    ListKind,
    NominationList,
    ReportStatus,
    Round,
    Tally,
)
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.registry.models import Deputy, Member

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, int, int, int, list[str]]:
    return (
        Event.objects.count(),
        FormEntry.objects.count(),
        Tally.objects.count(),
        NominationList.objects.count(),
        list(BranchReport.objects.order_by("pk").values_list("status", flat=True)),
    )


def _submitted_a1(round_: Round, tree: Tree, people: People, op: User) -> BranchReport:
    meeting(op, round_, tree.branch_a1)
    services.form_add(
        actor=op,
        round=round_,
        organisation=tree.branch_a1,
        candidate_ids=[people.a1[0].pk, people.a2[0].pk],
    )
    services.form_add(
        actor=op, round=round_, organisation=tree.branch_a1, candidate_ids=[people.a1[0].pk]
    )
    services.form_add(
        actor=op,
        round=round_,
        organisation=tree.branch_a1,
        candidate_ids=[people.a1[0].pk, people.sanctioned.pk],
        probationary=True,
    )
    report = BranchReport.objects.get(round=round_, organisation=tree.branch_a1)
    return services.report_submit(actor=op, report=report)


def _a2_reported(round_: Round, tree: Tree, people: People) -> BranchReport:
    """西岭村 reports too, so that every branch of unit A has reported."""
    op = factories.user(Role.UNIT_OPERATOR, tree.unit_a, username="unit_a_clerk")
    meeting(op, round_, tree.branch_a2)
    services.form_add(
        actor=op, round=round_, organisation=tree.branch_a2, candidate_ids=[people.a2[0].pk]
    )
    report = BranchReport.objects.get(round=round_, organisation=tree.branch_a2)
    return services.report_submit(actor=op, report=report)


def test_it_opens_the_round_once(round_: Round, convener: User) -> None:
    assert round_.campaign.nomination_round == round_
    with pytest.raises(DomainError, match="已经开始"), capture_events() as events:
        services.round_open(actor=convener, campaign=round_.campaign)
    assert events == []


def test_it_refuses_a_branch_operator_opening_the_round(
    seated: object, branch_operator: User
) -> None:
    with pytest.raises(PermissionDeniedError):
        services.round_open(actor=branch_operator, campaign=seated)  # type: ignore[arg-type]


def test_it_records_forms_and_submits_with_exact_events(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    with assert_events(
        [
            EventType.NOMINATION_REPORT_UPDATED,
            EventType.NOMINATION_PARTICIPATION_RECORDED,
            EventType.NOMINATION_FORM_ENTERED,
            EventType.NOMINATION_FORM_ENTERED,
            EventType.NOMINATION_FORM_ENTERED,
            EventType.NOMINATION_REPORT_SUBMITTED,
        ]
    ) as events:
        report = _submitted_a1(round_, tree, people, branch_operator)
    assert report.status == ReportStatus.SUBMITTED
    submitted = events[-1]
    assert submitted.accountable_organisation == tree.branch_a1
    assert submitted.accountable_person == "王书记"
    persons = set(submitted.persons.values_list("citizen_id", flat=True))
    assert persons == {
        people.a1[0].citizen_id,
        people.a2[0].citizen_id,
        people.sanctioned.citizen_id,
    }
    counts = {
        r["citizen_id"]: (r["votes"], r["probationary_votes"]) for r in submitted.inputs["counts"]
    }
    assert counts[people.a1[0].citizen_id] == (2, 1)
    assert counts[people.sanctioned.citizen_id] == (0, 1)
    assert "处分影响期" in submitted.inputs["flags"][people.sanctioned.citizen_id][0]
    # the tally of the branch, of the unit, and nothing at the city (not in the unit)
    for org in (tree.branch_a1, tree.unit_a):
        top = tally.top(round_id=round_.pk, organisation_id=org.pk)
        assert top[0] == (people.a1[0].pk, 2, 1, 1)
    assert tally.top(round_id=round_.pk, organisation_id=tree.city.pk) == []
    rows = selectors.ranked(round_, tree.unit_a)
    flagged = next(r for r in rows if r.member == people.sanctioned)
    assert flagged.vetoed
    assert flagged.recommenders[0].organisation == tree.branch_a1
    assert flagged.recommenders[0].accountable_person == "王书记"


def test_it_shows_the_submission_in_the_persons_book(
    round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    _submitted_a1(round_, tree, people, branch_operator)
    book = Event.objects.filter(persons__citizen_id=people.a2[0].citizen_id)
    assert [e.event_type for e in book] == [EventType.NOMINATION_REPORT_SUBMITTED]


@pytest.mark.parametrize(
    "case",
    ["too_many", "not_in_registry", "out_of_scope", "duplicate", "empty"],
)
def test_it_refuses_a_bad_form_and_changes_nothing(
    case: str, round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    meeting(branch_operator, round_, tree.branch_a1)
    ids = {
        "too_many": [m.pk for m in people.a1 + people.a2][: round_.campaign.names_per_form + 1],
        "not_in_registry": [people.a1[0].pk, 999_999],
        "out_of_scope": [people.b1[0].pk],
        "duplicate": [people.a1[0].pk, people.a1[0].pk],
        "empty": [],
    }[case]
    if case == "too_many":
        round_.campaign.names_per_form = 3
        round_.campaign.save()
        ids = [m.pk for m in people.a1[:4]]
    before = _state()
    message = {
        "too_many": "最多可填 3 人",
        "not_in_registry": "不在党员名册中",
        "out_of_scope": "不在本选举单位",
        "duplicate": "重复填写",
        "empty": "至少填写",
    }[case]
    with pytest.raises(DomainError, match=message):
        services.form_add(
            actor=branch_operator, round=round_, organisation=tree.branch_a1, candidate_ids=ids
        )
    assert _state() == before


def test_it_refuses_a_second_submission(
    round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    report = _submitted_a1(round_, tree, people, branch_operator)
    before = _state()
    tallies = list(Tally.objects.values_list("votes", flat=True))
    with pytest.raises(DomainError, match="不能重复报送"):
        services.report_submit(actor=branch_operator, report=report)
    with pytest.raises(DomainError, match="不能重复报送"):
        services.form_add(
            actor=branch_operator,
            round=round_,
            organisation=tree.branch_a1,
            candidate_ids=[people.a1[1].pk],
        )
    assert _state() == before
    assert list(Tally.objects.values_list("votes", flat=True)) == tallies


def test_it_refuses_a_late_submission_from_the_branch_and_takes_it_from_above(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    set_deadline(round_.campaign, timezone.localdate() - dt.timedelta(days=1))
    meeting(branch_operator, round_, tree.branch_a1)
    services.form_add(
        actor=branch_operator,
        round=round_,
        organisation=tree.branch_a1,
        candidate_ids=[people.a1[0].pk],
    )
    report = BranchReport.objects.get(round=round_, organisation=tree.branch_a1)
    before = _state()
    with pytest.raises(DomainError, match="已超过一上截止日期"):
        services.report_submit(actor=branch_operator, report=report)
    with pytest.raises(DomainError, match="须填写理由"):
        services.report_submit(actor=unit_operator, report=report)
    assert _state() == before
    with assert_events([EventType.NOMINATION_LATE_ACCEPTED]) as events:
        services.report_submit(actor=unit_operator, report=report, late_reason="暴雨断路，会议延期")
    assert events[0].inputs["late_reason"] == "暴雨断路，会议延期"
    assert BranchReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_it_lets_only_the_level_above_correct(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    report = _submitted_a1(round_, tree, people, branch_operator)
    with pytest.raises(PermissionDeniedError):
        services.report_correct(
            actor=branch_operator,
            report=report,
            rows=[(people.a1[0].pk, 1, 0)],
            reason="x",
            seen_version=report.version,
        )
    with assert_events([EventType.NOMINATION_REPORT_CORRECTED]) as events:
        services.report_correct(
            actor=unit_operator,
            report=report,
            rows=[(people.a1[1].pk, 3, 0)],
            reason="计票有误",
            seen_version=report.version,
        )
    assert events[0].inputs["after"][0]["votes"] == 3
    assert tally.top(round_id=round_.pk, organisation_id=tree.unit_a.pk) == [
        (people.a1[1].pk, 3, 0, 1)
    ]
    assert tally.fresh_group_by(round_id=round_.pk, path=tree.unit_a.path) == {
        people.a1[1].pk: (3, 0, 1)
    }


def test_it_takes_totals_with_probationary_counted_apart(
    round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    meeting(branch_operator, round_, tree.branch_a1, mode=EntryMode.TOTALS)
    with pytest.raises(DomainError, match="多于实到会党员"):
        services.totals_set(
            actor=branch_operator,
            round=round_,
            organisation=tree.branch_a1,
            rows=[(people.a1[0].pk, 7, 0)],
        )
    services.totals_set(
        actor=branch_operator,
        round=round_,
        organisation=tree.branch_a1,
        rows=[(people.a1[0].pk, 5, 1), (people.a1[1].pk, 0, 1)],
    )
    report = BranchReport.objects.get(round=round_, organisation=tree.branch_a1)
    services.report_submit(actor=branch_operator, report=report)
    assert tally.top(round_id=round_.pk, organisation_id=tree.unit_a.pk) == [
        (people.a1[0].pk, 5, 1, 1),
        (people.a1[1].pk, 0, 1, 1),
    ]


def test_it_refuses_participation_of_a_member_without_rights(
    round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    Member.objects.filter(pk=people.a1[5].pk).update(rights_status="detained")
    with pytest.raises(DomainError, match="被留置"), capture_events() as events:
        services.participation_set(
            actor=branch_operator,
            round=round_,
            organisation=tree.branch_a1,
            modes={people.a1[0].pk: "onsite", people.a1[5].pk: "phone"},
        )
    assert events == []
    services.participation_set(
        actor=branch_operator,
        round=round_,
        organisation=tree.branch_a1,
        modes={
            people.a1[0].pk: "onsite",
            people.a1[1].pk: "home",
            people.probationary.pk: "wechat",
        },
    )
    r = selectors.rates(round_, selectors.unit_of(round_.campaign, tree.unit_a), tree.branch_a1)  # type: ignore[arg-type]
    assert (r.members, r.members_reached) == (
        6,
        3,
    )  # 5 full + 1 probationary eligible; detained out


def _decide(
    actor: User, round_: Round, org: Organisation, ids: list[int], **kw: Any
) -> NominationList:
    fields: dict[str, Any] = {
        "decided_on": timezone.localdate(),
        "attendance_due": 9,
        "attendance_present": 8,
        "decision": "经党委会集体研究，确定考察对象",
        "accountable_person": "李书记",
    }
    fields.update(kw)
    return services.shortlist_decide(
        actor=actor, round=round_, organisation=org, candidate_ids=ids, **fields
    )


def test_it_fixes_hands_down_and_collects_the_second_up(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    _submitted_a1(round_, tree, people, branch_operator)
    _a2_reported(round_, tree, people)
    before = _state()
    with pytest.raises(DomainError, match="受处分乙"):
        _decide(unit_operator, round_, tree.unit_a, [people.a1[0].pk, people.sanctioned.pk])
    with pytest.raises(DomainError, match="未超过半数"):
        _decide(unit_operator, round_, tree.unit_a, [people.a1[0].pk], attendance_present=4)
    with pytest.raises(DomainError, match="未获推荐"):
        _decide(unit_operator, round_, tree.unit_a, [people.a1[3].pk])
    assert _state() == before
    # Deciding the 考察对象 closes the unit's 一上 (docs/domain.md §7.3).
    with assert_events(
        [
            EventType.NOMINATION_SHORTLIST_DECIDED,
            EventType.NOMINATION_ROUND_CLOSED,
            EventType.NOMINATION_SHORTLIST_HANDED_DOWN,
        ]
    ):
        sl = _decide(unit_operator, round_, tree.unit_a, [people.a1[0].pk, people.a2[0].pk])
        services.shortlist_hand_down(actor=unit_operator, shortlist=sl)
    with pytest.raises(DomainError, match="多于实到会"):
        services.feedback_submit(
            actor=branch_operator,
            shortlist=sl,
            organisation=tree.branch_a1,
            meeting_date=timezone.localdate(),
            members_due=7,
            members_present=6,
            accountable_person="王书记",
            views={people.a1[0].pk: (6, 1, 0), people.a2[0].pk: (5, 0, 1)},
        )
    with assert_events([EventType.NOMINATION_FEEDBACK_SUBMITTED]) as events:
        services.feedback_submit(
            actor=branch_operator,
            shortlist=sl,
            organisation=tree.branch_a1,
            meeting_date=timezone.localdate(),
            members_due=7,
            members_present=6,
            accountable_person="王书记",
            views={people.a1[0].pk: (5, 1, 0), people.a2[0].pk: (4, 1, 1)},
            write_ins=[(people.a1[2].pk, 1)],
        )
    assert people.a1[2].citizen_id in set(events[0].persons.values_list("citizen_id", flat=True))
    with pytest.raises(DomainError, match="不能重复报送"):
        services.feedback_submit(
            actor=branch_operator,
            shortlist=sl,
            organisation=tree.branch_a1,
            meeting_date=timezone.localdate(),
            members_due=7,
            members_present=6,
            accountable_person="王书记",
            views={people.a1[0].pk: (5, 1, 0), people.a2[0].pk: (4, 1, 1)},
        )


def test_it_caps_the_list_at_the_pool_limit(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    _submitted_a1(round_, tree, people, branch_operator)
    _a2_reported(round_, tree, people)
    round_.campaign.pool_multiple_numerator = 0
    round_.campaign.save()
    with pytest.raises(DomainError, match="超过推荐人选上限"):
        services.list_decide(
            actor=unit_operator,
            round=round_,
            organisation=tree.unit_a,
            candidate_ids=[people.a1[0].pk],
            decided_on=timezone.localdate(),
            attendance_due=9,
            attendance_present=8,
            decision="研究确定",
            accountable_person="李书记",
        )


def test_it_requires_an_exemption_for_a_same_level_deputy(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    m = people.a1[0]
    Deputy.objects.create(citizen_id=m.citizen_id, name=m.name, member=m, body="npc", level="city")
    _submitted_a1(round_, tree, people, branch_operator)
    _a2_reported(round_, tree, people)
    with pytest.raises(DomainError, match="须记录豁免决定"):
        _decide(unit_operator, round_, tree.unit_a, [m.pk])
    with assert_events([EventType.NOMINATION_EXEMPTION_DECIDED]):
        services.exemption_decide(
            actor=unit_operator,
            campaign=round_.campaign,
            candidate=m,
            decided_on=timezone.localdate(),
            decision="经研究，同意交叉",
            accountable_person="李书记",
        )
    _decide(unit_operator, round_, tree.unit_a, [m.pk])


def test_it_records_an_organisation_recommendation_with_its_accountable_person(
    round_: Round, tree: Tree, people: People, unit_operator: User
) -> None:
    with pytest.raises(DomainError, match="处分影响期"):
        services.org_recommend(
            actor=unit_operator,
            round=round_,
            organisation=tree.unit_a,
            candidate=people.sanctioned,
            accountable_person="李书记",
        )
    with assert_events([EventType.NOMINATION_ORG_RECOMMENDED]) as events:
        services.org_recommend(
            actor=unit_operator,
            round=round_,
            organisation=tree.unit_a,
            candidate=people.a1[4],
            accountable_person="李书记",
            reason="先进模范",
        )
    assert events[0].accountable_person == "李书记"
    rows = selectors.ranked(round_, tree.unit_a)
    assert rows[-1].member == people.a1[4] and rows[-1].org_recommended_by
    set_deadline(round_.campaign, timezone.localdate() - dt.timedelta(days=1))
    sl = _decide(
        unit_operator,
        round_,
        tree.unit_a,
        [people.a1[4].pk],
        overdue_reason="两个党支部逾期未报，按未报处理",
    )
    assert sl.kind == ListKind.SHORTLIST
    decided = Event.objects.get(event_type=EventType.NOMINATION_SHORTLIST_DECIDED)
    assert decided.inputs["overdue_branches"] == ["东河村党支部", "西岭村党支部"]


def test_a_late_second_up_is_refused_from_the_branch_and_taken_from_above(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    _submitted_a1(round_, tree, people, branch_operator)
    _a2_reported(round_, tree, people)
    sl = _decide(unit_operator, round_, tree.unit_a, [people.a1[0].pk, people.a2[0].pk])
    services.shortlist_hand_down(actor=unit_operator, shortlist=sl)
    Milestone.objects.update_or_create(
        campaign=round_.campaign,
        stage=Stage.SECOND_UP,
        defaults={"deadline": timezone.localdate() - dt.timedelta(days=1), "position": 3},
    )
    fields: dict[str, Any] = {
        "shortlist": sl,
        "organisation": tree.branch_a1,
        "meeting_date": timezone.localdate(),
        "members_due": 7,
        "members_present": 6,
        "accountable_person": "王书记",
        "views": {people.a1[0].pk: (5, 1, 0), people.a2[0].pk: (4, 1, 1)},
    }
    before = _state()
    with pytest.raises(DomainError, match="已超过二上截止日期"):
        services.feedback_submit(actor=branch_operator, **fields)
    with pytest.raises(DomainError, match="须填写理由"):
        services.feedback_submit(actor=unit_operator, **fields)
    assert _state() == before
    with assert_events([EventType.NOMINATION_FEEDBACK_SUBMITTED]) as events:
        services.feedback_submit(actor=unit_operator, late_reason="村部停电，会议顺延", **fields)
    assert events[0].inputs["late_reason"] == "村部停电，会议顺延"
