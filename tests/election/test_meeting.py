from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import Tree
from tests.election.meeting_setup import fast_hashing, in_session, prepared, voting_open
from tests.record import assert_events, capture_events
from tuixuan.core.errors import (
    InvalidTransitionError,
    PermissionDeniedError,
    ValidationFailedError,
)
from tuixuan.core.models import Role, User
from tuixuan.core.strokes import sort_names
from tuixuan.election import selectors, services
from tuixuan.election.models import (
    DueVoter,
    ElectionStatus,
    ExclusionReason,
    Round,
    RoundStatus,
    StaffRole,
)
from tuixuan.record.events import EventType
from tuixuan.record.rule import undeclared_services
from tuixuan.registry.models import MemberType, RightsStatus

__all__ = ["fast_hashing"]


def test_every_public_service_declares_its_events() -> None:
    assert undeclared_services([services]) == []


def test_it_creates_an_election_and_records_it(tree: Tree, unit_operator: User) -> None:
    with assert_events([EventType.ELECTION_CREATED]) as events:
        election = services.election_create(
            actor=unit_operator,
            organisation=tree.unit_a,
            title="东河镇党员大会",
            body_type="members_meeting",
            profile="grassroots",
            seats=3,
        )
    assert election.status == ElectionStatus.PREPARING
    assert events[0].inputs["profile"] == "grassroots"
    assert events[0].inputs["counting_rules_version"]


def test_another_unit_cannot_create_an_election_here(tree: Tree, other_unit_operator: User) -> None:
    with pytest.raises(PermissionDeniedError):
        services.election_create(
            actor=other_unit_operator,
            organisation=tree.unit_a,
            title="x",
            body_type="members_meeting",
            profile="grassroots",
            seats=1,
        )


def test_due_voters_are_full_members_with_voting_rights(tree: Tree, unit_operator: User) -> None:
    meeting = prepared(tree, unit_operator, voters=3)
    factories.member(tree.branch_a1, "预备党员甲", member_type=MemberType.PROBATIONARY)
    factories.member(
        tree.branch_a2, "察看中", rights_status=RightsStatus.PROBATION, rights_until="2999-01-01"
    )
    factories.member(
        tree.branch_a2, "察看期满", rights_status=RightsStatus.PROBATION, rights_until="2001-01-01"
    )
    factories.member(tree.branch_a2, "留置者", rights_status=RightsStatus.DETAINED)
    factories.member(tree.branch_b1, "别单位党员")
    with assert_events([EventType.ELECTION_ELECTORATE_DRAWN]) as events:
        n = services.electorate_draw(actor=unit_operator, election=meeting.election)
    names = set(DueVoter.objects.filter(election=meeting.election).values_list("name", flat=True))
    assert n == 4
    assert "察看期满" in names
    assert not names & {"预备党员甲", "察看中", "留置者", "别单位党员"}
    assert events[0].inputs["without_voting_rights"] == 3


def test_an_exclusion_needs_its_approval_and_lowers_the_due_count(
    tree: Tree, unit_operator: User
) -> None:
    meeting = prepared(tree, unit_operator, voters=5)
    voter = DueVoter.objects.filter(election=meeting.election).first()
    assert voter is not None
    with pytest.raises(ValidationFailedError):
        services.voter_exclude(
            actor=unit_operator, due_voter=voter, reason=ExclusionReason.ABROAD, approval=" "
        )
    with assert_events([EventType.ELECTION_VOTER_EXCLUDED]) as events:
        services.voter_exclude(
            actor=unit_operator,
            due_voter=voter,
            reason=ExclusionReason.ABROAD,
            approval="镇党委批准，大会表决通过",
        )
    assert selectors.attendance(meeting.election).due == 4
    assert events[0].inputs["reason"] == "abroad"
    assert events[0].persons.count() == 1


def test_a_candidate_cannot_be_a_scrutineer_or_teller(tree: Tree, unit_operator: User) -> None:
    meeting = prepared(tree, unit_operator)
    with pytest.raises(ValidationFailedError, match="候选人"):
        services.staff_assign(
            actor=unit_operator,
            election=meeting.election,
            role=StaffRole.SCRUTINEER,
            name="王明",
        )
    with pytest.raises(ValidationFailedError, match="监票计票"):
        services.candidates_enter(
            actor=unit_operator,
            election=meeting.election,
            entries=[services.CandidateInput("孙监")],
        )


def test_the_chief_scrutineer_must_be_a_teller_account(
    tree: Tree, unit_operator: User, supervisor: User
) -> None:
    meeting = prepared(tree, unit_operator)
    with pytest.raises(ValidationFailedError):
        services.staff_assign(
            actor=unit_operator,
            election=meeting.election,
            role=StaffRole.CHIEF_SCRUTINEER,
            name="",
            user=supervisor,
        )


def test_opening_is_blocked_until_the_meeting_is_prepared(tree: Tree, unit_operator: User) -> None:
    election = services.election_create(
        actor=unit_operator,
        organisation=tree.unit_a,
        title="会",
        body_type="members_meeting",
        profile="grassroots",
        seats=1,
    )
    assert len(selectors.open_blockers(election)) == 5
    with pytest.raises(ValidationFailedError, match="候选人"):
        services.election_open(actor=unit_operator, election=election)


def test_opening_snapshots_the_electorate(tree: Tree, unit_operator: User) -> None:
    meeting = prepared(tree, unit_operator, voters=4)
    with assert_events([EventType.ELECTION_OPENED]) as events:
        election = services.election_open(actor=unit_operator, election=meeting.election)
    assert election.status == ElectionStatus.IN_SESSION
    snapshot = events[0].inputs["electorate"]
    assert snapshot["due"] == 4
    assert sorted(snapshot["citizen_ids"]) == sorted(m.citizen_id for m in meeting.voters)
    assert events[0].inputs["candidate_list"][0] == "王明"
    with pytest.raises(InvalidTransitionError):
        services.electorate_draw(actor=unit_operator, election=election)


def test_the_live_count_tells_whether_the_quorum_holds(tree: Tree, unit_operator: User) -> None:
    meeting = prepared(tree, unit_operator, voters=10)
    election = services.election_open(actor=unit_operator, election=meeting.election)
    voters = list(DueVoter.objects.filter(election=election).order_by("id"))
    for voter in voters[:7]:
        services.attendance_mark(actor=unit_operator, due_voter=voter, present=True)
    now = selectors.attendance(election)
    assert (now.due, now.present, now.quorum_met) == (10, 7, False)
    with pytest.raises(ValidationFailedError, match="法定人数"):
        services.method_adopt(actor=unit_operator, election=election, text="办法")
    with assert_events([EventType.ELECTION_ATTENDANCE_CHANGED]):
        services.attendance_mark(actor=unit_operator, due_voter=voters[7], present=True)
    assert selectors.attendance(election).quorum_met  # 8 of 10 is exactly four fifths
    with assert_events([]):
        services.attendance_mark(actor=unit_operator, due_voter=voters[7], present=True)


def test_voting_cannot_start_before_the_method_is_adopted(tree: Tree, unit_operator: User) -> None:
    meeting = prepared(tree, unit_operator, voters=5)
    election = services.election_open(actor=unit_operator, election=meeting.election)
    for voter in DueVoter.objects.filter(election=election):
        services.attendance_mark(actor=unit_operator, due_voter=voter, present=True)
    with (
        capture_events() as events,
        pytest.raises(InvalidTransitionError, match="选举办法尚未经大会表决通过，不能开始投票"),
    ):
        services.round_open(actor=unit_operator, election=election)
    assert events == []
    assert not Round.objects.filter(election=election).exists()


def test_issuing_ballots_fixes_the_base_of_the_round(tree: Tree, unit_operator: User) -> None:
    meeting = prepared(tree, unit_operator, voters=10)
    with capture_events() as events:
        round_ = in_session(meeting, unit_operator, present=9)
    assert round_.status == RoundStatus.VOTING
    assert (round_.due_voters, round_.present_voters, round_.ballots_issued) == (10, 9, 9)
    issued = next(e for e in events if e.event_type == EventType.ELECTION_BALLOTS_ISSUED)
    assert issued.inputs["candidates"] == sort_names(["赵静", "张伟", "王明", "李华"])
    assert issued.inputs["candidates"][0] == "王明"
    assert issued.inputs["profile"] == "grassroots"
    opened = next(e for e in events if e.event_type == EventType.ELECTION_ROUND_OPENED)
    assert opened.inputs["seats"] == 2


def test_printing_numbers_ballots_across_runs(tree: Tree, unit_operator: User) -> None:
    meeting = prepared(tree, unit_operator, voters=3)
    round_ = voting_open(meeting, unit_operator)
    first = services.ballots_print(actor=unit_operator, round_=round_, copies=3)
    with assert_events([EventType.ELECTION_BALLOTS_PRINTED]) as events:
        second = services.ballots_print(actor=unit_operator, round_=round_, copies=2)
    assert (first.first, second.first) == (1, 4)
    assert Round.objects.get(pk=round_.pk).ballots_printed == 5
    assert events[0].inputs["printed_total"] == 5


def test_the_demo_election_is_ready_to_open(tree: Tree, unit_operator: User) -> None:
    from tests import factories
    from tuixuan.demo.election import build_demo_election

    members = [factories.member(tree.branch_a2, f"示范{i}") for i in range(10)]
    staff = [factories.user(Role.TELLER, tree.unit_a) for _ in range(3)]
    election = build_demo_election(
        actor=unit_operator, organisation=tree.unit_a, members=members, staff=staff
    )
    assert selectors.open_blockers(election) == []
    assert selectors.attendance(election).due == 10
    assert services.election_open(actor=unit_operator, election=election).status == "in_session"
