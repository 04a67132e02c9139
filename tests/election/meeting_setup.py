"""Elections built through the services, ready for a round, for the election tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests import factories
from tests.conftest import Tree
from tuixuan.core.models import Role, User
from tuixuan.election import services
from tuixuan.election.models import DueVoter, Election, Round, StaffRole
from tuixuan.registry.models import Member


@dataclass
class Meeting:
    election: Election
    chief: User
    teller_one: User
    teller_two: User
    voters: list[Member]


@pytest.fixture(autouse=True)
def fast_hashing(settings: Any) -> None:
    """Users are created per test; the production hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


CANDIDATES = ("王明", "李华", "张伟", "赵静")


def prepared(
    tree: Tree,
    operator: User,
    *,
    voters: int = 10,
    seats: int = 2,
    candidates: tuple[str, ...] = CANDIDATES,
    profile: str = "grassroots",
) -> Meeting:
    members = [factories.member(tree.branch_a1, f"选民{i:03d}") for i in range(voters)]
    chief = factories.user(Role.TELLER, tree.unit_a, username="chief")
    teller_one = factories.user(Role.TELLER, tree.unit_a, username="teller_one")
    teller_two = factories.user(Role.TELLER, tree.unit_a, username="teller_two")
    election = services.election_create(
        actor=operator,
        organisation=tree.unit_a,
        title="东河镇党员大会",
        body_type="members_meeting",
        profile=profile,
        seats=seats,
    )
    services.candidates_enter(
        actor=operator,
        election=election,
        entries=[services.CandidateInput(name) for name in candidates],
    )
    services.electorate_draw(actor=operator, election=election)
    services.staff_assign(
        actor=operator, election=election, role=StaffRole.CHIEF_SCRUTINEER, name="", user=chief
    )
    services.staff_assign(actor=operator, election=election, role=StaffRole.SCRUTINEER, name="孙监")
    services.staff_assign(
        actor=operator, election=election, role=StaffRole.TELLER, name="", user=teller_one
    )
    services.staff_assign(
        actor=operator, election=election, role=StaffRole.TELLER, name="", user=teller_two
    )
    election.refresh_from_db()
    return Meeting(election, chief, teller_one, teller_two, members)


def voting_open(meeting: Meeting, operator: User) -> Round:
    """Open, sign every voter in, adopt the method and open round 1 (no ballot issued)."""
    election = services.election_open(actor=operator, election=meeting.election)
    for voter in DueVoter.objects.filter(election=election, exclusion=""):
        services.attendance_mark(actor=operator, due_voter=voter, present=True)
    election = services.method_adopt(actor=operator, election=election, text="选举办法")
    return services.round_open(actor=operator, election=election)


def in_session(meeting: Meeting, operator: User, *, present: int | None = None) -> Round:
    """Open, sign in ``present`` voters (all by default), adopt the method, open round 1
    and issue a ballot to each voter present."""
    election = services.election_open(actor=operator, election=meeting.election)
    due = list(DueVoter.objects.filter(election=election, exclusion="").order_by("id"))
    for voter in due[: present if present is not None else len(due)]:
        services.attendance_mark(actor=operator, due_voter=voter, present=True)
    election = services.method_adopt(actor=operator, election=election, text="差额选举办法")
    round_ = services.round_open(actor=operator, election=election)
    n = present if present is not None else len(due)
    return services.ballots_issue(actor=operator, round_=round_, issued=n)


def enter_batch(
    meeting: Meeting,
    round_: Round,
    readings: list[str],
    *,
    second: list[str] | None = None,
    write_ins: dict[int, dict[str | int, str]] | None = None,
) -> None:
    """Both tellers enter the same pile; ``second`` lets the second read differently."""
    batch = services.batch_create(
        actor=meeting.teller_one, round_=round_, ballot_count=len(readings)
    )
    for teller, pile in ((meeting.teller_one, readings), (meeting.teller_two, second or readings)):
        for seq, marks in enumerate(pile, start=1):
            services.ballot_enter(
                actor=teller,
                batch=batch,
                seq=seq,
                marks=marks,
                write_ins=(write_ins or {}).get(seq),
            )
        services.entry_submit(actor=teller, batch=batch)


def marks(round_: Round, votes: dict[str, str]) -> str:
    """A ballot's marks from ``{name: "1" | "2"}``; everyone else abstains."""
    from tuixuan.election.selectors import round_names

    return "".join(votes.get(name, "0") for name in round_names(round_))
