"""Who may read which book, form and account. Every dossier view goes through here.

docs/domain.md §9.4 puts the books in the hands of supervision and the convening committee;
a unit keeps the books of its own people; a joint-review department answers only for its
own opinions. So:

- supervisors and conveners read every book in their subtree; unit and branch operators the
  books of their unit's subtree: the whole book of a member of the subtree, and of anyone
  else the steps taken by or answerable to the subtree;
- department reviewers read the steps their department took, and nothing else of the book;
- every other role is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from tuixuan.core.access import in_scope
from tuixuan.core.models import Organisation, Role, User
from tuixuan.dossier import selectors
from tuixuan.record.models import Event, EventPerson
from tuixuan.registry.models import Member

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from tuixuan.dossier.books import Book, EventCheck

SUBTREE_READERS = frozenset({Role.SUPERVISOR, Role.CONVENER})
UNIT_READERS = frozenset({Role.UNIT_OPERATOR, Role.BRANCH_OPERATOR})
BOOK_KEEPERS = SUBTREE_READERS | UNIT_READERS
_BATCH = 200


def _user(user: Any) -> User:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied
    return user  # type: ignore[no-any-return]


def is_keeper(user: User) -> bool:
    """Keeps books for a subtree (as opposed to a reviewer who sees single steps)."""
    return user.role in BOOK_KEEPERS and user.organisation_id is not None


def can_read_books(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_keeper(user) or (user.role == Role.DEPARTMENT_REVIEWER and bool(user.department))


def can_verify(user: Any) -> bool:
    """Running the chain check is the supervisors' and the convening committee's tool."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in SUBTREE_READERS


def require_reader(user: Any) -> User:
    u = _user(user)
    if not can_read_books(u):
        raise PermissionDenied(_("当前角色无权查看全程纪实。"))
    return u


def scope_events(user: User) -> QuerySet[Event]:
    """The events the user may see in anyone's book."""
    if user.role in SUBTREE_READERS or user.role == Role.DEPARTMENT_REVIEWER:
        return selectors.events_visible_to(user)
    if user.role in UNIT_READERS and user.organisation is not None:
        subtree = selectors.events_for_organisation(user.organisation, subtree=True)
        return (subtree | Event.objects.filter(actor=user)).order_by()
    return Event.objects.none()


def _member_scope(user: User) -> Q | None:
    """Persons whose whole book the user keeps: members of the user's subtree."""
    if not is_keeper(user) or user.organisation is None:
        return None
    members = Member.objects.filter(organisation__path__startswith=user.organisation.path)
    return Q(citizen_id__in=members.values("citizen_id"))


def persons_visible_to(user: Any) -> QuerySet[EventPerson]:
    """Rows of persons the user may open a book for (one row per event: use distinct values)."""
    u = require_reader(user)
    condition = Q(event__in=scope_events(u).values("pk"))
    members = _member_scope(u)
    if members is not None:
        condition |= members
    return EventPerson.objects.filter(condition)


def keeps_whole_book(user: User | None, member: Member | None) -> bool:
    if user is None:  # the command line: the operator of the installation
        return True
    return member is not None and is_keeper(user) and in_scope(user, member.organisation)


@dataclass(frozen=True)
class PersonBookSource:
    citizen_id: str
    member: Member | None
    events: list[Event]
    whole: bool


def build_book_for(
    source: PersonBookSource, checks: Mapping[int, EventCheck] | None = None
) -> Book:
    """The book as the reader may see it. A partial book (a person outside the reader's
    subtree) keeps the name only: the registry record belongs to the person's own subtree."""
    from tuixuan.dossier import books

    book = books.build_book(source.citizen_id, source.member, source.events, checks)
    if source.whole or source.member is None:
        return book
    person = books.PersonInfo(
        citizen_id=source.citizen_id, name=source.member.name, in_registry=True
    )
    return replace(book, person=person)


def normalise_citizen_id(raw: str) -> str:
    return raw.strip().upper()


def _book_events() -> QuerySet[Event]:
    return Event.objects.prefetch_related("persons", "attachments").order_by("at", "id")


def get_person_book_for_user(user: Any, citizen_id: str) -> PersonBookSource:
    """The person's member row and the events of their book the user may see, or refusal."""
    u = require_reader(user)
    cid = normalise_citizen_id(citizen_id)
    member = Member.objects.select_related("organisation").filter(citizen_id=cid).first()
    events = _book_events().filter(persons__citizen_id=cid)
    whole = keeps_whole_book(u, member)
    if not whole:
        events = events.filter(pk__in=scope_events(u).values("pk"))
    found = list(events)
    if not found and not whole:
        raise Http404  # out of scope answers exactly like nobody
    return PersonBookSource(citizen_id=cid, member=member, events=found, whole=whole)


# Person URLs carry a signed reference to a member row ("m<id>") or to one of the person's
# record rows ("e<id>"), never the citizen ID: the signature makes the ids unguessable, so
# nobody can walk them, and the ID itself stays out of addresses, logs and browser history.
_PERSON_SIGNER = signing.Signer(salt="tuixuan.dossier.person")


def person_token(*, member_id: int | None = None, person_id: int | None = None) -> str:
    """The opaque id of a person's book: from their member row or one of their record rows."""
    if member_id is not None:
        return _PERSON_SIGNER.sign(f"m{member_id}")
    if person_id is not None:
        return _PERSON_SIGNER.sign(f"e{person_id}")
    raise ValueError("person_token needs a member or a record row")


def token_for_citizen_id(citizen_id: str) -> str | None:
    """The opaque id for a citizen ID known to the registry or the record, else None."""
    member_id = Member.objects.filter(citizen_id=citizen_id).values_list("pk", flat=True).first()
    if member_id is not None:
        return person_token(member_id=member_id)
    row = (
        EventPerson.objects.filter(citizen_id=citizen_id)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return None if row is None else person_token(person_id=row)


def citizen_id_for_token(token: str) -> str:
    """The citizen ID behind an opaque person id; a forged or unknown id answers 404."""
    try:
        ref = _PERSON_SIGNER.unsign(token)
    except signing.BadSignature as exc:
        raise Http404 from exc
    kind, number = ref[:1], ref[1:]
    if not number.isdigit():
        raise Http404
    model: type[Member] | type[EventPerson] = Member if kind == "m" else EventPerson
    if kind not in ("m", "e"):
        raise Http404
    cid = model.objects.filter(pk=int(number)).values_list("citizen_id", flat=True).first()
    if cid is None:
        raise Http404
    return str(cid)


def get_book_for_token(user: Any, token: str) -> PersonBookSource:
    """The book behind an opaque person id, cut down for the user (404 when out of scope)."""
    require_reader(user)
    return get_person_book_for_user(user, citizen_id_for_token(token))


def get_member_for_record(user: Any, pk: int) -> Member:
    """A member looked up by id whose book the user may open; others answer 404."""
    u = require_reader(user)
    try:
        member = Member.objects.get(pk=pk)
    except Member.DoesNotExist as exc:
        raise Http404 from exc
    get_person_book_for_user(u, member.citizen_id)
    return member


def get_organisation_for_record(user: Any, pk: int) -> Organisation:
    """An organisation whose form or account the user may read: inside a keeper's subtree."""
    u = require_reader(user)
    if not is_keeper(u):  # before the lookup: a refusal tells nothing
        raise PermissionDenied(_("当前角色无权查看党组织的纪实。"))
    try:
        org = Organisation.objects.get(pk=pk)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc
    if not in_scope(u, org):
        raise Http404
    return org


def books_for_user(user: User | None, citizen_ids: Iterable[str]) -> list[PersonBookSource]:
    """Many books at once, each cut down for the user exactly as a single book would be.

    Events shared by several persons (a round's result) are fetched once per batch.
    """
    ids = sorted({normalise_citizen_id(c) for c in citizen_ids})
    scope = None if user is None else scope_events(user)
    result: list[PersonBookSource] = []
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        members = {
            m.citizen_id: m
            for m in Member.objects.select_related("organisation").filter(citizen_id__in=chunk)
        }
        links = (
            EventPerson.objects.filter(citizen_id__in=chunk)
            .values_list("citizen_id", "event_id")
            .order_by("event_id")
        )
        per_person: dict[str, list[int]] = {}
        for cid, event_id in links:
            per_person.setdefault(cid, []).append(event_id)
        all_ids = sorted({e for ev in per_person.values() for e in ev})
        events: dict[int, Event] = {}
        for s in range(0, len(all_ids), 1000):
            for ev in _book_events().filter(pk__in=all_ids[s : s + 1000]):
                events[ev.pk] = ev
        allowed: set[int] | None = None
        if scope is not None:
            allowed = set()
            for s in range(0, len(all_ids), 1000):
                allowed.update(
                    scope.filter(pk__in=all_ids[s : s + 1000]).values_list("pk", flat=True)
                )
        for cid in chunk:
            member = members.get(cid)
            whole = keeps_whole_book(user, member)
            chosen = [
                events[e]
                for e in per_person.get(cid, [])
                if e in events and (whole or (allowed is not None and e in allowed))
            ]
            chosen.sort(key=lambda ev: (ev.at, ev.pk))
            if chosen or (whole and member is not None):
                result.append(PersonBookSource(cid, member, chosen, whole))
    return result


def persons_of_unit(user: User | None, organisation: Organisation) -> list[str]:
    """Persons with a step in the unit's subtree, or members of it, that the user may see."""
    path = organisation.path
    qs = EventPerson.objects.filter(
        Q(event__organisation__path__startswith=path)
        | Q(event__accountable_organisation__path__startswith=path)
        | Q(
            citizen_id__in=Member.objects.filter(organisation__path__startswith=path).values(
                "citizen_id"
            )
        )
    )
    if user is not None:
        qs = qs.filter(pk__in=persons_visible_to(user).values("pk"))
    return sorted(set(qs.values_list("citizen_id", flat=True)))


def persons_of_campaign(user: User | None, campaign_id: int) -> list[str]:
    qs = EventPerson.objects.filter(event__campaign_id=campaign_id)
    if user is not None:
        qs = qs.filter(pk__in=persons_visible_to(user).values("pk"))
    return sorted(set(qs.values_list("citizen_id", flat=True)))
