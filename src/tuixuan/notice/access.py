"""Who may see and change 公示, objections and the candidate lists. Views get everything
through here.

- Unit operators: their unit's notices, objections (that one was received, about whom, how,
  its status and conclusion — never what it says), lists; they write all of it except the
  investigation, the conclusion, placements from above and the approval.
- Conveners: everything of the campaigns they convene, within their subtree, objection
  content included; they conclude objections, place candidates from above and approve.
- Supervisors: read everything in their subtree, objection content included; they write
  nothing, except as an objection's handler.
- A handler (a supervisor, a department's reviewer or a convener given the objection): that
  objection, its content, and its investigation.
- Branch operators, inspectors, tellers: 403; department reviewers: only objections given
  to them.

A role that may never use a page gets 403 before any lookup; an object outside the reader's
scope answers 404 exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from tuixuan.campaign import access as campaign_access
from tuixuan.campaign.models import ElectionUnit
from tuixuan.core.access import scope_path
from tuixuan.core.models import Role, User
from tuixuan.notice.models import CandidateList, Notice, Objection

READERS = frozenset({Role.UNIT_OPERATOR, Role.CONVENER, Role.SUPERVISOR})
WRITERS = frozenset({Role.UNIT_OPERATOR, Role.CONVENER})
OBJECTION_READERS = READERS | {Role.DEPARTMENT_REVIEWER}
CONTENT_READERS = frozenset({Role.CONVENER, Role.SUPERVISOR})


def _user(user: Any, roles: frozenset[Role]) -> User:
    if not getattr(user, "is_authenticated", False) or not isinstance(user, User):
        raise PermissionDenied
    if user.role not in roles or user.organisation is None:
        raise PermissionDenied("当前角色无权使用公示和预备人选。")
    return user


def can_read(user: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and getattr(user, "role", "") in READERS
        and getattr(user, "organisation_id", None) is not None
    )


def _unit_filter(u: User, prefix: str = "") -> Q:
    path = scope_path(u) or "-"
    q = Q(**{f"{prefix}organisation__path__startswith": path})
    if u.role == Role.CONVENER:
        q &= Q(**{f"{prefix}campaign__in": campaign_access.campaigns_for_user(u)})
    return q


def units_in_scope(user: Any) -> QuerySet[ElectionUnit]:
    u = _user(user, READERS)
    return (
        ElectionUnit.objects.filter(_unit_filter(u))
        .select_related("campaign__convening_organisation", "organisation")
        .order_by("campaign_id", "organisation__code")
    )


def get_unit_for_user(user: Any, pk: int, *, write: bool = False) -> ElectionUnit:
    u = _user(user, WRITERS if write else READERS)
    try:
        return units_in_scope(u).get(pk=pk)
    except ElectionUnit.DoesNotExist as exc:
        raise Http404 from exc


def notices_in_scope(user: Any) -> QuerySet[Notice]:
    u = _user(user, READERS)
    return Notice.objects.filter(_unit_filter(u, "unit__"))


def get_notice_for_user(user: Any, pk: int, *, write: bool = False) -> Notice:
    u = _user(user, WRITERS if write else READERS)
    try:
        return (
            notices_in_scope(u)
            .select_related("unit__organisation", "campaign", "candidate_list")
            .get(pk=pk)
        )
    except Notice.DoesNotExist as exc:
        raise Http404 from exc


def lists_in_scope(user: Any) -> QuerySet[CandidateList]:
    u = _user(user, READERS)
    return CandidateList.objects.filter(_unit_filter(u, "unit__"))


def get_list_for_user(user: Any, pk: int, *, write: bool = False) -> CandidateList:
    u = _user(user, WRITERS if write else READERS)
    try:
        return (
            lists_in_scope(u)
            .select_related("unit__organisation", "campaign__convening_organisation")
            .get(pk=pk)
        )
    except CandidateList.DoesNotExist as exc:
        raise Http404 from exc


# --- objections ----------------------------------------------------------------------------


def objections_in_scope(user: Any) -> QuerySet[Objection]:
    """The objections whose existence, person, channel, status and conclusion the user may
    read: those of the user's units, and those given to the user to investigate."""
    u = _user(user, OBJECTION_READERS)
    mine = Q(handler=u)
    if u.role == Role.DEPARTMENT_REVIEWER:
        return Objection.objects.filter(mine)
    return Objection.objects.filter(_unit_filter(u, "notice__unit__") | mine)


def get_objection_for_user(user: Any, pk: int, *, write: bool = False) -> Objection:
    u = _user(user, OBJECTION_READERS)
    try:
        objection = (
            objections_in_scope(u)
            .select_related(
                "notice__unit__organisation",
                "notice__campaign__convening_organisation",
                "entry__member__organisation",
                "entry__case",
                "handler",
                "recorded_by",
            )
            .get(pk=pk)
        )
    except Objection.DoesNotExist as exc:
        raise Http404 from exc
    if write and u.role not in WRITERS and objection.handler_id != u.pk:
        raise PermissionDenied("当前角色无权办理该举报。")
    return objection


def can_read_objection_content(user: Any, objection: Objection) -> bool:
    """What an objection says (and what its investigation found): the convener, the
    handler and the supervisors, in scope — nobody else, the unit's operators included."""
    if not getattr(user, "is_authenticated", False) or not isinstance(user, User):
        return False
    if user.organisation is None:
        return False
    if objection.handler_id == user.pk:
        return True
    if user.role not in CONTENT_READERS:
        return False
    return objections_in_scope(user).filter(pk=objection.pk).exists()


def objection_content_for_user(user: Any, objection: Objection) -> tuple[str, str]:
    """(content, findings), or 404 for anyone who may not read them."""
    if not can_read_objection_content(user, objection):
        raise Http404
    return objection.content, objection.findings
