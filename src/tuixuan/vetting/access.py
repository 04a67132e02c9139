"""Who may see and change which part of the vetting. Views get everything through here.

- Unit operators: the cases, teams and requests of their unit's subtree (read and write).
- Conveners: everything in the campaigns they convene, within their subtree (read and write).
- Supervisors: read everything in their subtree, the notes of talks included; never write.
- Inspectors: the cases of the teams they lead or sit on, nothing else; they write the
  inspection of those cases.
- Department reviewers (``User.department`` names the department): the persons sent to
  their department — name, citizen ID, organisation and post, nothing else — and their own
  department's answers; never another department's answers, never a case.
- Branch operators and tellers have no vetting pages (403).

A role that may never use a page gets 403 before any lookup; an object outside the reader's
scope answers 404 exactly like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from tuixuan.campaign import access as campaign_access
from tuixuan.campaign.models import ElectionUnit
from tuixuan.core.access import scope_path
from tuixuan.core.models import Role, User
from tuixuan.vetting.models import (
    Case,
    DepartmentReply,
    DepartmentRequest,
    InspectionNotice,
    TalkNote,
    Team,
    Veto,
)

CASE_READERS = frozenset({Role.UNIT_OPERATOR, Role.CONVENER, Role.SUPERVISOR, Role.INSPECTOR})
CASE_WRITERS = frozenset({Role.UNIT_OPERATOR, Role.CONVENER, Role.INSPECTOR})
OPERATORS = frozenset({Role.UNIT_OPERATOR, Role.CONVENER})
REQUEST_READERS = OPERATORS | {Role.SUPERVISOR, Role.DEPARTMENT_REVIEWER}
REQUEST_WRITERS = OPERATORS | {Role.DEPARTMENT_REVIEWER}
BOARD_READERS = OPERATORS | {Role.SUPERVISOR}
HOME_READERS = CASE_READERS | {Role.DEPARTMENT_REVIEWER}


def _user(user: Any, roles: frozenset[Role]) -> User:
    if not getattr(user, "is_authenticated", False) or not isinstance(user, User):
        raise PermissionDenied
    if user.role not in roles or user.organisation is None:
        raise PermissionDenied("当前角色无权使用考察审查。")
    return user


def can_read_cases(user: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and getattr(user, "role", "") in CASE_READERS
        and getattr(user, "organisation_id", None) is not None
    )


def can_answer_requests(user: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and getattr(user, "role", "") == Role.DEPARTMENT_REVIEWER
        and bool(getattr(user, "department", ""))
        and getattr(user, "organisation_id", None) is not None
    )


def can_use_vetting(user: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and getattr(user, "role", "") in HOME_READERS
        and getattr(user, "organisation_id", None) is not None
    )


def require_home(user: Any) -> User:
    """The vetting home: every role that has a part in vetting (403 for the others)."""
    return _user(user, HOME_READERS)


def units_in_scope(user: Any) -> QuerySet[ElectionUnit]:
    """The election units whose vetting board the user may read: unit operators their own
    unit's (inside their subtree), conveners those of their campaigns, supervisors those in
    their subtree."""
    u = _user(user, BOARD_READERS)
    path = scope_path(u) or "-"
    qs = ElectionUnit.objects.filter(organisation__path__startswith=path)
    if u.role == Role.CONVENER:
        qs = qs.filter(campaign__in=campaign_access.campaigns_for_user(u))
    return qs.select_related("organisation", "campaign")


def get_unit_for_user(user: Any, pk: int, *, write: bool = False) -> ElectionUnit:
    u = _user(user, OPERATORS if write else BOARD_READERS)
    try:
        return units_in_scope(u).get(pk=pk)
    except ElectionUnit.DoesNotExist as exc:
        raise Http404 from exc


def get_notice_for_user(user: Any, pk: int) -> InspectionNotice:
    u = _user(user, CASE_READERS)
    try:
        return (
            InspectionNotice.objects.filter(team__in=teams_in_scope(u))
            .select_related("team__unit__organisation", "team__campaign", "team__leader")
            .get(pk=pk)
        )
    except InspectionNotice.DoesNotExist as exc:
        raise Http404 from exc


def _team_filter(user: User) -> Q:
    return Q(team__leader=user) | Q(team__members__user=user)


def cases_in_scope(user: Any) -> QuerySet[Case]:
    """The cases the user may read."""
    u = _user(user, CASE_READERS)
    path = scope_path(u) or "-"
    qs = Case.objects.filter(unit__organisation__path__startswith=path)
    if u.role == Role.CONVENER:
        qs = qs.filter(campaign__in=campaign_access.campaigns_for_user(u))
    elif u.role == Role.INSPECTOR:
        qs = Case.objects.filter(
            pk__in=Case.objects.filter(_team_filter(u)).values("pk"),
            unit__organisation__path__startswith=path,
        )
    return qs


def get_case_for_user(user: Any, pk: int, *, write: bool = False) -> Case:
    u = _user(user, CASE_WRITERS if write else CASE_READERS)
    try:
        return (
            cases_in_scope(u)
            .select_related(
                "member__organisation", "unit__organisation", "campaign", "team__leader", "notice"
            )
            .get(pk=pk)
        )
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def can_read_talk_notes(user: Any, case: Case) -> bool:
    """The notes of talks: the case's team and supervisors in scope, nobody else."""
    if not can_read_cases(user) or user.role not in (Role.INSPECTOR, Role.SUPERVISOR):
        return False
    return cases_in_scope(user).filter(pk=case.pk).exists()


def talk_notes_for_user(user: Any, case: Case) -> QuerySet[TalkNote]:
    _user(user, frozenset({Role.INSPECTOR, Role.SUPERVISOR}))
    if not can_read_talk_notes(user, case):
        raise Http404
    return TalkNote.objects.filter(case=case).order_by("talked_on", "pk")


def teams_in_scope(user: Any) -> QuerySet[Team]:
    u = _user(user, CASE_READERS)
    path = scope_path(u) or "-"
    qs = Team.objects.filter(unit__organisation__path__startswith=path)
    if u.role == Role.INSPECTOR:
        qs = qs.filter(pk__in=Team.objects.filter(Q(leader=u) | Q(members__user=u)).values("pk"))
    elif u.role == Role.CONVENER:
        qs = qs.filter(campaign__in=campaign_access.campaigns_for_user(u))
    return qs


def get_team_for_user(
    user: Any, pk: int, *, write: bool = False, team_writes: bool = False
) -> Team:
    """``write``: the unit changes the team; ``team_writes``: the team's own work (its
    operators or its inspectors)."""
    roles = OPERATORS if write else CASE_WRITERS if team_writes else CASE_READERS
    u = _user(user, roles)
    try:
        return teams_in_scope(u).select_related("unit__organisation", "leader").get(pk=pk)
    except Team.DoesNotExist as exc:
        raise Http404 from exc


def get_veto_for_user(user: Any, pk: int, *, write: bool = False) -> Veto:
    u = _user(user, OPERATORS if write else CASE_READERS)
    try:
        veto = Veto.objects.select_related("case").get(pk=pk)
    except Veto.DoesNotExist as exc:
        raise Http404 from exc
    if not cases_in_scope(u).filter(pk=veto.case_id).exists():
        raise Http404
    return veto


# --- departments ---------------------------------------------------------------------------


def requests_in_scope(user: Any) -> QuerySet[DepartmentRequest]:
    """Department requests: a reviewer's own department only, in the reviewer's subtree."""
    u = _user(user, REQUEST_READERS)
    path = scope_path(u) or "-"
    qs = DepartmentRequest.objects.filter(unit__organisation__path__startswith=path)
    if u.role == Role.DEPARTMENT_REVIEWER:
        qs = qs.filter(department=u.department) if u.department else qs.none()
    elif u.role == Role.CONVENER:
        qs = qs.filter(campaign__in=campaign_access.campaigns_for_user(u))
    return qs


def get_request_for_user(user: Any, pk: int, *, write: bool = False) -> DepartmentRequest:
    u = _user(user, REQUEST_WRITERS if write else REQUEST_READERS)
    try:
        return requests_in_scope(u).select_related("unit__organisation", "campaign").get(pk=pk)
    except DepartmentRequest.DoesNotExist as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class QueueRow:
    """What a department sees of one person it was asked about, and its own answer."""

    reply_id: int
    case_id: int
    name: str
    citizen_id: str
    organisation: str
    post: str
    outcome: str
    detail: str
    replied_on: Any


def department_queue(user: Any, request: DepartmentRequest) -> list[QueueRow]:
    """The persons of one request as the reader may see them: for a department reviewer,
    name, citizen ID, organisation, post and the department's own answer — nothing else."""
    u = _user(user, REQUEST_READERS)
    if not requests_in_scope(u).filter(pk=request.pk).exists():
        raise Http404
    rows = (
        DepartmentReply.objects.filter(request=request)
        .order_by("case__list_entry__position", "pk")
        .values_list(
            "pk",
            "case_id",
            "case__member__name",
            "case__member__citizen_id",
            "case__member__organisation__name",
            "case__post",
            "outcome",
            "detail",
            "replied_on",
        )
    )
    return [QueueRow(*r) for r in rows]
