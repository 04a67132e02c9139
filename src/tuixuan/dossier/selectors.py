"""Reading the record: a person's book, an organisation's account, who may see what.

Visibility follows docs/domain.md §9.4: the supervision group and the convening
committee see every book of their subtree; an election unit sees the steps taken by or
answerable to its subtree; a joint-review department sees what it reviewed; anyone else
sees the steps they took themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from tuixuan.core.models import Role
from tuixuan.record.events import ACCOUNTABILITY, Accountability, EventType
from tuixuan.record.models import Event

if TYPE_CHECKING:
    from tuixuan.core.models import Organisation

SUBTREE_READERS = frozenset({Role.SUPERVISOR, Role.CONVENER})
UNIT_READERS = frozenset({Role.UNIT_OPERATOR})


def events_for_person(citizen_id: str) -> QuerySet[Event]:
    """The person's book (一人一册): every event that concerns them, in the order it happened."""
    return Event.objects.filter(persons__citizen_id=citizen_id.strip().upper()).order_by("at", "id")


def events_for_organisation(
    organisation: Organisation, *, subtree: bool = False
) -> QuerySet[Event]:
    """What the organisation did or answers for: recommended, inspected, reviewed, decided."""
    if subtree:
        condition = Q(organisation__path__startswith=organisation.path) | Q(
            accountable_organisation__path__startswith=organisation.path
        )
    else:
        condition = Q(organisation=organisation) | Q(accountable_organisation=organisation)
    return Event.objects.filter(condition).order_by("at", "id")


def events_visible_to(user: Any) -> QuerySet[Event]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Event.objects.none()
    role = user.role
    own = Q(actor=user)
    if role in SUBTREE_READERS | UNIT_READERS and user.organisation_id is not None:
        path = user.organisation.path
        scope = (
            own
            | Q(organisation__path__startswith=path)
            | Q(accountable_organisation__path__startswith=path)
        )
        if role in SUBTREE_READERS and user.organisation.parent_id is None:
            # Steps taken from the command line or by the system belong to no organisation;
            # only the top of the tree oversees them.
            scope |= Q(organisation__isnull=True, accountable_organisation__isnull=True)
        return Event.objects.filter(scope)
    if role == Role.DEPARTMENT_REVIEWER and user.department:
        return Event.objects.filter(
            own | Q(actor_role=Role.DEPARTMENT_REVIEWER, actor_department=user.department)
        )
    return Event.objects.filter(own)


def can_view_event(user: Any, event: Event) -> bool:
    return events_visible_to(user).filter(pk=event.pk).exists()


@dataclass(frozen=True)
class AccountabilityStep:
    """One step of a person's path and who answers for it."""

    event_id: int
    at: dt.datetime
    event_type: EventType
    responsibility: Accountability | None
    accountable_organisation: str
    accountable_person: str
    actor: str
    acting_organisation: str
    summary: str


def accountability_for_person(citizen_id: str, *, user: Any = None) -> list[AccountabilityStep]:
    """The chain of organisations and persons accountable for each step of a person's path.

    With ``user``, only the steps that user may see.
    """
    events = events_for_person(citizen_id)
    if user is not None:
        events = events.filter(pk__in=events_visible_to(user).values("pk"))
    steps = []
    for event in events:
        event_type = EventType(event.event_type)
        steps.append(
            AccountabilityStep(
                event_id=event.pk,
                at=event.at,
                event_type=event_type,
                responsibility=ACCOUNTABILITY.get(event_type),
                accountable_organisation=event.accountable_organisation_name,
                accountable_person=event.accountable_person,
                actor=event.actor_name,
                acting_organisation=event.organisation_name,
                summary=event.summary,
            )
        )
    return steps
