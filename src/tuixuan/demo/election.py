"""A demo election set up through the services, ready to be held in the browser.

The caller passes the staff accounts (teller-role users, created through
``tuixuan.accounts.services.user_create``): the first is the chief scrutineer, the rest tellers.
"""

from __future__ import annotations

from collections.abc import Sequence

from tuixuan.core.models import Organisation, User
from tuixuan.election import services
from tuixuan.election.models import BodyType, Election, ProfileChoice, StaffRole
from tuixuan.registry.models import Member


def build_demo_election(
    *,
    actor: User,
    organisation: Organisation,
    members: Sequence[Member],
    staff: Sequence[User],
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
    for index, user in enumerate(staff):
        services.staff_assign(
            actor=actor,
            election=election,
            role=StaffRole.CHIEF_SCRUTINEER if index == 0 else StaffRole.TELLER,
            name=user.display_name or user.username,
            user=user,
        )
    election.refresh_from_db()
    return election
