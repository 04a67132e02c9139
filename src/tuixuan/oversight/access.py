"""Who may read the board, the alerts and the findings (docs/oversight.md "Access").

- The board: conveners, supervisors and election-unit operators, for the election units that
  lie in their own subtree. Other roles get 403 before any lookup; a campaign or unit with no
  unit in the reader's subtree answers 404, like a missing one.
- Findings: raised by supervisors on organisations of their subtree; read by supervisors and
  conveners whose subtree holds the organisation and by the operators of the organisation
  (and above it); answered by the operators and conveners of the organisation itself.
- Alerts: each user reads only the alerts addressed to them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from tuixuan.campaign.models import Campaign, ElectionUnit
from tuixuan.core.access import in_scope, scope_path
from tuixuan.core.models import Organisation, Role, User
from tuixuan.election.models import Election
from tuixuan.oversight.models import AlertReceipt, Finding

BOARD_READERS = frozenset({Role.CONVENER, Role.SUPERVISOR, Role.UNIT_OPERATOR})
FINDING_READERS = frozenset(
    {Role.CONVENER, Role.SUPERVISOR, Role.UNIT_OPERATOR, Role.BRANCH_OPERATOR}
)
ANSWERERS = frozenset({Role.CONVENER, Role.UNIT_OPERATOR, Role.BRANCH_OPERATOR})


def _user(user: Any) -> User:
    if not getattr(user, "is_authenticated", False) or not isinstance(user, User):
        raise PermissionDenied
    return user


def can_read_board(user: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and getattr(user, "role", "") in BOARD_READERS
        and getattr(user, "organisation_id", None) is not None
    )


def require_board_reader(user: Any) -> User:
    u = _user(user)
    if not can_read_board(u):
        raise PermissionDenied("当前角色无权查看推选工作进度。")
    return u


def board_units(user: User, campaign: Campaign) -> QuerySet[ElectionUnit]:
    """The campaign's units in the reader's subtree."""
    path = scope_path(user) or "-"
    return (
        ElectionUnit.objects.filter(campaign=campaign, organisation__path__startswith=path)
        .select_related("organisation")
        .order_by("organisation__code", "id")
    )


def campaigns_for_board(user: Any) -> QuerySet[Campaign]:
    u = require_board_reader(user)
    path = scope_path(u) or "-"
    ids = ElectionUnit.objects.filter(organisation__path__startswith=path).values("campaign_id")
    return Campaign.objects.filter(pk__in=ids).select_related("convening_organisation")


def get_campaign_for_board(user: Any, pk: int) -> Campaign:
    u = require_board_reader(user)  # before the lookup: a refusal tells nothing
    try:
        return campaigns_for_board(u).get(pk=pk)
    except Campaign.DoesNotExist as exc:
        raise Http404 from exc


def get_unit_for_board(user: Any, pk: int) -> ElectionUnit:
    u = require_board_reader(user)
    try:
        unit = ElectionUnit.objects.select_related(
            "campaign", "campaign__convening_organisation", "organisation"
        ).get(pk=pk)
    except ElectionUnit.DoesNotExist as exc:
        raise Http404 from exc
    if not in_scope(u, unit.organisation):
        raise Http404
    return unit


def can_send_report(user: User, campaign: Campaign) -> bool:
    """The progress report is the convening committee's: its conveners and the supervisors
    whose subtree holds the convening organisation send it; a unit reads and exports."""
    return user.role in (Role.CONVENER, Role.SUPERVISOR) and in_scope(
        user, campaign.convening_organisation
    )


def can_enter_survey(user: User, unit: ElectionUnit) -> bool:
    """The unit's own operators and the conveners above it enter its survey."""
    return (user.role == Role.UNIT_OPERATOR and user.organisation_id == unit.organisation_id) or (
        user.role == Role.CONVENER and in_scope(user, unit.organisation)
    )


# --- findings ----------------------------------------------------------------------------


def is_supervisor(user: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and getattr(user, "role", "") == Role.SUPERVISOR
        and getattr(user, "organisation_id", None) is not None
    )


def require_supervisor(user: Any) -> User:
    u = _user(user)
    if not is_supervisor(u):
        raise PermissionDenied("只有监督保卫组可以提出和办结监督意见。")
    return u


def require_finding_reader(user: Any) -> User:
    u = _user(user)
    if u.role not in FINDING_READERS or u.organisation_id is None:
        raise PermissionDenied("当前角色无权查看监督意见。")
    return u


def findings_in_scope(user: Any) -> QuerySet[Finding]:
    u = require_finding_reader(user)
    path = scope_path(u) or "-"
    return Finding.objects.filter(organisation__path__startswith=path).select_related(
        "organisation", "raised_by", "answered_by"
    )


def get_finding_for_user(user: Any, pk: int) -> Finding:
    u = require_finding_reader(user)
    try:
        return findings_in_scope(u).get(pk=pk)
    except Finding.DoesNotExist as exc:
        raise Http404 from exc


def can_answer(user: User, finding: Finding) -> bool:
    """The organisation responsible answers: its own operators or conveners."""
    return user.role in ANSWERERS and user.organisation_id == finding.organisation_id


def can_conclude(user: User, finding: Finding) -> bool:
    return is_supervisor(user) and in_scope(user, finding.organisation)


def get_organisation_for_finding(user: Any, pk: int) -> Organisation:
    """An organisation a supervisor may raise a finding on (their subtree)."""
    u = require_supervisor(user)
    try:
        org = Organisation.objects.get(pk=pk)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc
    if not in_scope(u, org):
        raise Http404
    return org


def get_election_for_supervision(user: Any, pk: int) -> Election:
    """An election whose ballot rulings a supervisor reads (their subtree)."""
    u = require_supervisor(user)
    try:
        election = Election.objects.select_related("organisation").get(pk=pk)
    except Election.DoesNotExist as exc:
        raise Http404 from exc
    if not in_scope(u, election.organisation):
        raise Http404
    return election


# --- alerts ------------------------------------------------------------------------------


def receipts_for(user: Any) -> QuerySet[AlertReceipt]:
    u = _user(user)
    return AlertReceipt.objects.filter(user=u).select_related("alert", "alert__organisation")


def get_receipt_for_user(user: Any, pk: int) -> AlertReceipt:
    """An alert of the user's inbox, by the alert's id; anyone else's answers 404."""
    try:
        return receipts_for(user).get(alert_id=pk)
    except AlertReceipt.DoesNotExist as exc:
        raise Http404 from exc
