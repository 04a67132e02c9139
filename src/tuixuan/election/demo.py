"""A demo election set up through the services, ready to be held in the browser.

Staff accounts are teller-role users created here in the organisation (``demo_chief``,
``demo_teller1``, ``demo_teller2``); the caller sets their passwords for the demo.
"""

from __future__ import annotations

from collections.abc import Sequence

from tuixuan.core.models import Role, User
from tuixuan.election import services
from tuixuan.election.models import BodyType, Election, ProfileChoice, StaffRole
from tuixuan.registry.models import Member, Organisation

DEMO_STAFF = (
    ("demo_chief", StaffRole.CHIEF_SCRUTINEER, "总监票人"),
    ("demo_teller1", StaffRole.TELLER, "计票人一"),
    ("demo_teller2", StaffRole.TELLER, "计票人二"),
)


def _staff_user(username: str, display: str, organisation: Organisation) -> User:
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={"role": Role.TELLER, "organisation": organisation, "display_name": display},
    )
    return user


def build_demo_election(
    *,
    actor: User,
    organisation: Organisation,
    members: Sequence[Member],
    seats: int = 3,
    candidates: int = 5,
) -> Election:
    """Candidates are the first ``candidates`` members given; the scrutineer and staff
    are other members; the electorate is drawn from the registry as for a real meeting."""
    if len(members) < candidates + 2:
        raise ValueError("build_demo_election needs at least candidates + 2 members")
    election = services.election_create(
        actor=actor,
        organisation=organisation,
        title=f"{organisation.name}党员大会",
        body_type=BodyType.MEMBERS_MEETING,
        profile=ProfileChoice.GRASSROOTS,
        seats=seats,
    )
    services.candidates_enter(
        actor=actor,
        election=election,
        entries=[services.CandidateInput(m.name, m) for m in members[:candidates]],
    )
    services.electorate_draw(actor=actor, election=election)
    scrutineer = members[candidates]
    services.staff_assign(
        actor=actor,
        election=election,
        role=StaffRole.SCRUTINEER,
        name=scrutineer.name,
        member=scrutineer,
    )
    for username, role, display in DEMO_STAFF:
        services.staff_assign(
            actor=actor,
            election=election,
            role=role,
            name=display,
            user=_staff_user(username, display, organisation),
        )
    election.refresh_from_db()
    return election
