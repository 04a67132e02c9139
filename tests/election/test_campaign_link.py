# ruff: noqa: F811 -- the notice fixtures are imported by name
"""The election takes the approved candidate list and gives its result back to the campaign.

Built on the notice fixtures (tests/notice/conftest.py): unit A of the city campaign has 3
seats (at 20% a ballot of at least 4), a target of at least one woman in four, and six
persons 列为初步人选 whose notice the tests close.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from tests import factories
from tests.campaign.conftest import _fast, campaign, with_units  # noqa: F401 -- fixtures
from tests.conftest import Tree
from tests.election.meeting_setup import Meeting, enter_batch, fast_hashing, marks
from tests.notice.conftest import TODAY, World, closed, published, world  # noqa: F401
from tests.record import assert_events
from tuixuan.campaign import services as campaign_services
from tuixuan.campaign.rules import structure
from tuixuan.core.errors import InvalidTransitionError, ValidationFailedError
from tuixuan.core.models import Role, User
from tuixuan.dossier import books
from tuixuan.dossier.selectors import events_for_person
from tuixuan.election import selectors, services
from tuixuan.election.counting import ballot_size
from tuixuan.election.models import (
    Candidate,
    DueVoter,
    Election,
    Round,
    RoundKind,
    StaffRole,
)
from tuixuan.nomination.selectors import as_person
from tuixuan.notice import services as notice_services
from tuixuan.notice.models import CandidateList, Notice
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.registry.models import Gender

__all__ = ["fast_hashing"]

ON_LIST = ("王芳", "丁一", "张三", "赵六")


def approve(world: World, operator: User, convener: User, names: tuple[str, ...]) -> CandidateList:
    """二下, 报批 and the approval of a list of ``names`` (the notice already closed)."""
    cl = notice_services.list_decide(
        actor=operator,
        unit=world.unit,
        decided_on=TODAY,
        attendance_due=9,
        attendance_present=8,
        decision="同意",
        accountable_person="李书记",
        votes={world.member(n).pk: 8 for n in names},
    )
    notice_services.list_submit(
        actor=operator,
        candidate_list=cl,
        submitted_on=TODAY,
        method="集体研究",
        principles="坚持差额",
    )
    return notice_services.list_review(
        actor=convener, candidate_list=cl, outcome="approve", reviewed_on=TODAY
    )


def from_unit(world: World, operator: User, **kw: object) -> Election:
    args: dict[str, object] = {"title": "东河镇党员大会", "body_type": "members_meeting"}
    args.update(kw)
    return services.election_create_for_unit(actor=operator, unit=world.unit, **args)  # type: ignore[arg-type]


# -- creation from the campaign ------------------------------------------------------------


def test_an_election_created_from_the_unit_takes_seats_rules_and_ratios(
    world: World, unit_operator: User, convener: User
) -> None:
    campaign_services.campaign_change_settings(
        actor=convener,
        campaign=world.campaign,
        changes={"margin_ratio": Fraction(1, 4), "reduction_threshold": Fraction(3, 4)},
    )
    with assert_events([EventType.ELECTION_CREATED]) as events:
        election = from_unit(world, unit_operator, meeting_date=dt.date(2026, 12, 20))
    assert (election.seats, election.profile) == (3, world.unit.rule_profile)
    assert election.campaign_id == world.campaign.pk and election.unit_id == world.unit.pk
    assert selectors.margin_ratio(election) == Fraction(1, 4)
    assert selectors.reduction_ratio(election) == Fraction(3, 4)
    assert events[0].inputs["from_campaign"] is True
    with pytest.raises(ValidationFailedError, match="已有选举会议"):
        from_unit(world, unit_operator)
    assert Election.objects.count() == 1


def test_the_body_must_suit_the_units_rules(world: World, unit_operator: User) -> None:
    with assert_events([]), pytest.raises(ValidationFailedError, match="会议类型不能为"):
        from_unit(world, unit_operator, body_type="plenary")


def test_hand_entry_is_refused_for_a_campaign_election_and_allowed_alone(
    tree: Tree, world: World, unit_operator: User
) -> None:
    election = from_unit(world, unit_operator)
    with assert_events([]), pytest.raises(InvalidTransitionError, match="不能直接录入"):
        services.candidates_enter(
            actor=unit_operator, election=election, entries=[services.CandidateInput("路人甲")]
        )
    assert not Candidate.objects.filter(election=election).exists()
    alone = services.election_create(
        actor=unit_operator,
        organisation=tree.unit_a,
        title="东河村党支部党员大会",
        body_type="members_meeting",
        profile="grassroots",
        seats=1,
    )
    made = services.candidates_enter(
        actor=unit_operator,
        election=alone,
        entries=[services.CandidateInput("路人甲"), services.CandidateInput("路人乙")],
    )
    assert [c.origin for c in made] == ["", ""]


# -- taking the approved list ----------------------------------------------------------------


def test_the_approved_list_is_taken_in_stroke_order_with_its_origin(
    tree: Tree, world: World, closed: Notice, unit_operator: User, convener: User
) -> None:
    placed = factories.member(tree.branch_a2, "上官明", gender=Gender.FEMALE)
    notice_services.placement_add(
        actor=convener,
        unit=world.unit,
        member=placed,
        nominated_by=world.campaign.convening_organisation,
        placed_on=TODAY,
        reason="市委提名",
        post="市委办公室副主任",
    )
    world.members.append(placed)
    election = from_unit(world, unit_operator)
    with pytest.raises(ValidationFailedError, match="尚未批准"):
        services.candidates_take_approved(actor=unit_operator, election=election)
    assert selectors.campaign_open_blockers(election) == []
    approved = approve(world, unit_operator, convener, (*ON_LIST, "上官明"))
    assert "尚未采用" in "".join(selectors.open_blockers(election))
    with assert_events([EventType.ELECTION_CANDIDATES_TAKEN]) as events:
        services.candidates_take_approved(actor=unit_operator, election=election)
    election.refresh_from_db()
    assert election.candidate_list_id == approved.pk
    taken = selectors.ballot_order(list(election.candidates.all()))
    # Surname strokes: 丁 2, 上 3, 王 4, 张 7, 赵 9.
    assert [c.name for c in taken] == ["丁一", "上官明", "王芳", "张三", "赵六"]
    assert {c.name: c.origin for c in taken} == {
        "丁一": "unit",
        "上官明": "higher",
        "王芳": "unit",
        "张三": "unit",
        "赵六": "unit",
    }
    assert next(c for c in taken if c.name == "上官明").nominated_by == "示范市委"
    assert all(c.member is not None for c in taken)
    event = events[0]
    assert event.inputs["list"] == approved.pk and event.inputs["reviewed_on"] == "2026-12-02"
    assert sorted(p.citizen_id for p in event.persons.all()) == sorted(
        c.member.citizen_id for c in taken if c.member is not None
    )
    with assert_events([]), pytest.raises(ValidationFailedError, match="名单没有变化"):
        services.candidates_take_approved(actor=unit_operator, election=election)
    assert selectors.campaign_open_blockers(election) == []


def test_a_list_approved_again_replaces_the_candidates_until_the_meeting_opens(
    world: World, closed: Notice, unit_operator: User, convener: User
) -> None:
    first = approve(world, unit_operator, convener, ON_LIST)
    election = from_unit(world, unit_operator)
    services.candidates_take_approved(actor=unit_operator, election=election)
    # The list comes back (returned) and the unit's committee decides and reports again.
    CandidateList.objects.filter(pk=first.pk).update(status="returned")
    second = approve(world, unit_operator, convener, ("王芳", "丁一", "李四", "赵六"))
    election.refresh_from_db()
    assert "已变更" in "".join(selectors.open_blockers(election))
    with assert_events([EventType.ELECTION_CANDIDATES_TAKEN]) as events:
        services.candidates_take_approved(actor=unit_operator, election=election)
    election.refresh_from_db()
    assert election.candidate_list_id == second.pk
    assert sorted(election.candidates.values_list("name", flat=True)) == sorted(
        ["王芳", "丁一", "李四", "赵六"]
    )
    assert events[0].inputs["replaced_list"] == first.pk
    # 张三, dropped from the list, finds it in the book.
    assert world.member("张三").citizen_id in {p.citizen_id for p in events[0].persons.all()}

    meeting = _staffed(world, election)
    services.election_open(actor=unit_operator, election=meeting.election)
    CandidateList.objects.filter(pk=second.pk).update(status="returned")
    approve(world, unit_operator, convener, ON_LIST)
    with assert_events([]), pytest.raises(InvalidTransitionError, match="不能再更换"):
        services.candidates_take_approved(actor=unit_operator, election=election)


# -- the margin, and 等额 ----------------------------------------------------------------------


def test_the_margin_rule_is_exact_and_equal_only_where_allowed() -> None:
    assert ballot_size(11, 13).ok is False and ballot_size(11, 14).ok
    assert ballot_size(270, 323).needed == 324
    assert ballot_size(48, 55, Fraction(3, 20)).needed == 56
    assert not ballot_size(1, 1).ok
    assert ballot_size(1, 1, equal_allowed=True).ok
    assert not ballot_size(2, 1, equal_allowed=True).ok


def test_a_formal_round_for_11_seats_with_3_candidates_does_not_open(
    tree: Tree, unit_operator: User
) -> None:
    election = _standalone_in_session(tree, unit_operator, seats=11, names=("甲", "乙", "丙"))
    with assert_events([]), pytest.raises(ValidationFailedError) as refused:
        services.round_open(actor=unit_operator, election=election)
    assert "少于应选名额 11 名" in refused.value.message
    with assert_events([]), pytest.raises(ValidationFailedError, match="按差额比例 20% 应有 14 名"):
        services.round_open(actor=unit_operator, election=election, kind="preliminary")
    assert not Round.objects.filter(election=election).exists()


def test_an_equal_formal_round_is_refused_even_where_the_campaign_allows_equal(
    tree: Tree, unit_operator: User
) -> None:
    election = _standalone_in_session(tree, unit_operator, seats=3, names=("甲", "乙", "丙"))
    with assert_events([]), pytest.raises(ValidationFailedError, match="等额选举"):
        services.round_open(actor=unit_operator, election=election)
    assert not Round.objects.filter(election=election).exists()


# -- the whole path: approved list, vote, result back, by-election, the book --------------------


def test_results_go_back_to_the_campaign_and_a_by_election_is_equal_only_if_allowed(
    world: World, closed: Notice, unit_operator: User, convener: User
) -> None:
    approve(world, unit_operator, convener, ON_LIST)
    election = from_unit(world, unit_operator, meeting_date=TODAY)
    services.candidates_take_approved(actor=unit_operator, election=election)
    meeting = _staffed(world, election)
    round_ = _in_session(meeting, unit_operator)
    voters = round_.ballots_issued or 0
    first = _vote(meeting, round_, [{"王芳": "1", "丁一": "1", "张三": "1"}] * voters)
    assert first.outcome == "complete"

    results = selectors.campaign_results(world.campaign)
    mine = next(u for u in results.units if u.unit.pk == world.unit.pk)
    assert (mine.seats, mine.filled, mine.shortfall) == (3, 3, 0)
    assert [d.name for d in mine.elected] == ["丁一", "王芳", "张三"]
    other = next(u for u in results.units if u.unit.pk != world.unit.pk)
    assert other.election is None and other.filled == 0 and other.shortfall == other.seats
    elected = [world.member(n) for n in ("丁一", "王芳", "张三")]
    for row in mine.structure:
        fresh = structure.count_in(
            [as_person(m) for m in elected], row.target.category, reference_date=TODAY
        )
        assert (row.count, row.total) == (fresh, 3)
    assert mine.structure and all(r.met for r in mine.structure)

    removed = next(d for d in selectors.active_delegates(election) if d.name == "张三")
    by_election = services.delegate_remove(actor=convener, delegate=removed, reason="党员身份存疑")
    assert by_election.kind == RoundKind.BY_ELECTION
    zhao = list(Candidate.objects.filter(election=election, name="赵六"))
    with assert_events([]), pytest.raises(ValidationFailedError, match="未允许补选实行等额选举"):
        services.round_candidates_set(actor=unit_operator, round_=by_election, candidates=zhao)
    campaign_services.campaign_change_settings(
        actor=convener, campaign=world.campaign, changes={"equal_by_election": True}
    )
    with assert_events([EventType.ELECTION_CANDIDATES_ENTERED]):
        services.round_candidates_set(actor=unit_operator, round_=by_election, candidates=zhao)
    for voter in DueVoter.objects.filter(election=election, exclusion=""):
        services.attendance_mark(actor=unit_operator, due_voter=voter, present=True)
    services.method_adopt(actor=unit_operator, election=election, text="补选办法（等额）")
    issued = services.ballots_issue(
        actor=unit_operator, round_=Round.objects.get(pk=by_election.pk), issued=voters
    )
    second = _vote(meeting, issued, [{"赵六": "1"}] * voters)
    assert second.outcome == "complete"
    mine = next(
        u for u in selectors.campaign_results(world.campaign).units if u.unit.pk == world.unit.pk
    )
    assert [d.name for d in mine.elected] == ["丁一", "王芳", "赵六"]

    # 赵六's book: the round lost, the by-election won, and where the candidacy came from.
    me = world.member("赵六")
    events = list(events_for_person(me.citizen_id).prefetch_related("persons", "attachments"))
    book = books.build_book(me.citizen_id, me, events)
    section = next(s for s in book.sections if s.section is books.Section.ELECTION)
    lines = [f"{e.step}：{e.inputs}" for e in section.entries]
    counted = [line for line in lines if line.startswith("计票")]
    assert len(counted) == 2, lines
    assert "第 1 轮 正式选举" in counted[0] and "本人赞成 0 票" in counted[0]
    assert "未当选" in counted[0]
    assert "第 2 轮 补选" in counted[1] and "，当选" in counted[1]
    released = [line for line in lines if line.startswith("宣布选举结果")]
    assert "本人未当选" in released[0] and "本人当选" in released[1]
    taken = next(line for line in lines if line.startswith("采用批准的候选人预备人选"))
    assert "示范市委2026年12月2日批准" in taken and "产生方式：本单位推荐" in taken
    for kind in (
        EventType.ELECTION_ROUND_OPENED,
        EventType.ELECTION_BALLOTS_ISSUED,
        EventType.ELECTION_ROUND_COUNTED,
        EventType.ELECTION_RESULT_RELEASED,
    ):
        for event in Event.objects.filter(event_type=kind, subject_type="election_round"):
            named = {p.citizen_id for p in event.persons.all()}
            # The ballot as the event saw it (a 补选 opens empty; its names come later).
            round_ = Round.objects.get(pk=event.subject_id)
            ballot = event.inputs.get("candidates", selectors.round_names(round_))
            on_ballot = set(
                Candidate.objects.filter(
                    election=election, name__in=ballot, member__isnull=False
                ).values_list("member__citizen_id", flat=True)
            )
            assert on_ballot <= named, (kind, event.subject_id)


# -- helpers ---------------------------------------------------------------------------------


def _staffed(world: World, election: Election) -> Meeting:
    unit = world.unit.organisation
    chief = factories.user(Role.TELLER, unit, username="chief")
    one = factories.user(Role.TELLER, unit, username="teller_one")
    two = factories.user(Role.TELLER, unit, username="teller_two")
    operator = User.objects.get(role=Role.UNIT_OPERATOR, organisation=unit)
    services.electorate_draw(actor=operator, election=election)
    services.staff_assign(
        actor=operator, election=election, role=StaffRole.CHIEF_SCRUTINEER, name="", user=chief
    )
    services.staff_assign(actor=operator, election=election, role=StaffRole.SCRUTINEER, name="孙监")
    services.staff_assign(
        actor=operator, election=election, role=StaffRole.TELLER, name="", user=one
    )
    services.staff_assign(
        actor=operator, election=election, role=StaffRole.TELLER, name="", user=two
    )
    election.refresh_from_db()
    return Meeting(election, chief, one, two, [])


def _in_session(meeting: Meeting, operator: User) -> Round:
    election = services.election_open(actor=operator, election=meeting.election)
    due = list(DueVoter.objects.filter(election=election, exclusion=""))
    for voter in due:
        services.attendance_mark(actor=operator, due_voter=voter, present=True)
    election = services.method_adopt(actor=operator, election=election, text="差额选举办法")
    round_ = services.round_open(actor=operator, election=election)
    return services.ballots_issue(actor=operator, round_=round_, issued=len(due))


def _vote(meeting: Meeting, round_: Round, ballots: list[dict[str, str]]) -> Round:
    enter_batch(meeting, round_, [marks(round_, b) for b in ballots])
    services.round_count(actor=meeting.chief, round_=round_)
    return services.round_release(actor=meeting.chief, round_=Round.objects.get(pk=round_.pk))


def _standalone_in_session(
    tree: Tree, operator: User, *, seats: int, names: tuple[str, ...]
) -> Election:
    for i in range(max(seats, 5)):
        factories.member(tree.branch_a1, f"选民{i:03d}")
    election = services.election_create(
        actor=operator,
        organisation=tree.unit_a,
        title="东河镇党员大会",
        body_type="members_meeting",
        profile="grassroots",
        seats=seats,
    )
    services.candidates_enter(
        actor=operator, election=election, entries=[services.CandidateInput(n) for n in names]
    )
    meeting = _staffed_alone(tree, operator, election)
    election = services.election_open(actor=operator, election=meeting)
    for voter in DueVoter.objects.filter(election=election, exclusion=""):
        services.attendance_mark(actor=operator, due_voter=voter, present=True)
    return services.method_adopt(actor=operator, election=election, text="选举办法")


def _staffed_alone(tree: Tree, operator: User, election: Election) -> Election:
    chief = factories.user(Role.TELLER, tree.unit_a, username="chief")
    teller = factories.user(Role.TELLER, tree.unit_a, username="teller_one")
    services.electorate_draw(actor=operator, election=election)
    services.staff_assign(
        actor=operator, election=election, role=StaffRole.CHIEF_SCRUTINEER, name="", user=chief
    )
    services.staff_assign(actor=operator, election=election, role=StaffRole.SCRUTINEER, name="孙监")
    services.staff_assign(
        actor=operator, election=election, role=StaffRole.TELLER, name="", user=teller
    )
    election.refresh_from_db()
    return election
