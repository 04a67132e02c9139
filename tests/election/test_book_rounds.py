"""A person's book shows every round they stood in, lost or won."""

from __future__ import annotations

from tests import factories
from tests.conftest import Tree
from tests.election.meeting_setup import Meeting, enter_batch, fast_hashing, in_session, marks
from tuixuan.core.models import Role, User
from tuixuan.dossier import books
from tuixuan.dossier.selectors import events_for_person
from tuixuan.election import services
from tuixuan.election.models import Round, StaffRole
from tuixuan.registry.models import Member

__all__ = ["fast_hashing"]


def _meeting_of_members(tree: Tree, operator: User) -> tuple[Meeting, dict[str, str]]:
    voters = [factories.member(tree.branch_a1, f"选民{i:03d}") for i in range(4)]
    people = {name: factories.member(tree.branch_a1, name) for name in ("王明", "李华", "张伟")}
    chief = factories.user(Role.TELLER, tree.unit_a, username="chief")
    one = factories.user(Role.TELLER, tree.unit_a, username="teller_one")
    two = factories.user(Role.TELLER, tree.unit_a, username="teller_two")
    election = services.election_create(
        actor=operator,
        organisation=tree.unit_a,
        title="东河镇党员大会",
        body_type="members_meeting",
        profile="grassroots",
        seats=2,
    )
    services.candidates_enter(
        actor=operator,
        election=election,
        entries=[services.CandidateInput(n, member=m) for n, m in people.items()],
    )
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
    return Meeting(election, chief, one, two, voters), {n: m.citizen_id for n, m in people.items()}


def _vote(meeting: Meeting, round_: Round, ballots: list[dict[str, str]]) -> Round:
    enter_batch(meeting, round_, [marks(round_, b) for b in ballots])
    services.round_count(actor=meeting.chief, round_=round_)
    return services.round_release(actor=meeting.chief, round_=Round.objects.get(pk=round_.pk))


def test_a_person_elected_in_round_two_finds_round_one_in_the_book(
    tree: Tree, unit_operator: User
) -> None:
    meeting, ids = _meeting_of_members(tree, unit_operator)
    round_ = in_session(meeting, unit_operator)
    voters = len(meeting.voters) + 3  # the candidates have voting rights too
    first = _vote(meeting, round_, [{"王明": "1"}] * voters)
    assert first.outcome == "shortfall"
    separate = services.separate_election_start(actor=unit_operator, round_=first)
    services.ballots_issue(actor=unit_operator, round_=separate, issued=voters)
    second = _vote(meeting, Round.objects.get(pk=separate.pk), [{"李华": "1"}] * voters)
    assert second.outcome == "complete"

    events = list(events_for_person(ids["李华"]).prefetch_related("persons", "attachments"))
    member = Member.objects.get(citizen_id=ids["李华"])
    book = books.build_book(ids["李华"], member, events)
    election = next(s for s in book.sections if s.section is books.Section.ELECTION)
    lines = [f"{e.step}：{e.inputs}" for e in election.entries]
    counted = [line for line in lines if line.startswith("计票")]
    assert len(counted) == 2, lines
    assert "第 1 轮 正式选举" in counted[0] and "未当选" in counted[0]
    assert "第 2 轮 另行选举" in counted[1] and "当选" in counted[1]
    assert "本人赞成 0 票" in counted[0]
    assert "王明" not in counted[0]  # another candidate's figures stay in his own book
