"""Who may see and change which part of the nomination. Views get everything through here.

- A branch operator works on the reports of its own subtree (its branch) and sees the
  roll-up of its subtree when it is a level (a 基层党委 operator).
- A unit operator works on everything in its unit's subtree: its branches, levels, lists.
- Conveners and supervisors read every unit of the campaigns in their scope; conveners open
  the round.
Nobody sees a branch, a level or a list outside their subtree, whatever their role: a
township supervisor reads the township's units only, not the rest of the city campaign. An
organisation outside the round's election units, or outside the reader's subtree, answers
404 exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tuixuan.campaign import access as campaign_access
from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import Campaign
from tuixuan.core.access import in_scope
from tuixuan.core.models import Organisation, Role, User
from tuixuan.nomination.models import BranchReport, NominationList, Round

WRITERS = frozenset({Role.BRANCH_OPERATOR, Role.UNIT_OPERATOR})
READERS = WRITERS | {Role.CONVENER, Role.SUPERVISOR}
OPERATORS = WRITERS | {Role.CONVENER}
"""Who may enter and change nomination data (conveners too, acting above every unit)."""


def _user(user: Any) -> User:
    if not getattr(user, "is_authenticated", False) or not isinstance(user, User):
        raise PermissionDenied
    if user.role not in READERS or user.organisation is None:
        raise PermissionDenied("当前角色无权查看推荐提名。")
    return user


def can_read(user: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and getattr(user, "role", "") in READERS
        and getattr(user, "organisation_id", None) is not None
    )


def _sees(user: User, round: Round, org: Organisation) -> bool:
    """Everybody sees their own subtree only, and only organisations of the round's units."""
    if not in_scope(user, org):
        return False
    if campaign_selectors.unit_for_organisation(round.campaign, org) is None:
        return False
    if user.role in WRITERS:
        return True
    return campaign_access.campaigns_for_user(user).filter(pk=round.campaign_id).exists()


def rounds_for_user(user: Any) -> list[Round]:
    u = _user(user)
    if u.role in WRITERS:
        campaigns = {unit.campaign_id for unit in campaign_access.units_for_user(u)}
        qs = Round.objects.filter(campaign_id__in=campaigns)
    else:
        qs = Round.objects.filter(campaign__in=campaign_access.campaigns_for_user(u))
    return list(qs.select_related("campaign").order_by("-opened_at"))


def campaigns_to_open(user: Any) -> list[Campaign]:
    u = _user(user)
    if u.role != Role.CONVENER:
        return []
    return list(campaign_access.campaigns_for_user(u).filter(nomination_round__isnull=True))


def is_above(actor: User, org: Organisation) -> bool:
    """The actor acts for an organisation strictly above ``org``: the level above, which alone
    may correct a submitted report or accept a late one."""
    return (
        actor.role in OPERATORS
        and actor.organisation is not None
        and in_scope(actor, org)
        and actor.organisation.pk != org.pk
    )


def get_round_for_user(user: Any, pk: int) -> Round:
    u = _user(user)
    try:
        round = Round.objects.select_related("campaign__convening_organisation").get(pk=pk)
    except Round.DoesNotExist as exc:
        raise Http404 from exc
    if round not in rounds_for_user(u):
        raise Http404
    return round


def get_org_for_user(user: Any, round: Round, org_pk: int, *, write: bool = False) -> Organisation:
    """A branch or level of the round, in the user's scope."""
    u = _user(user)
    try:
        org = Organisation.objects.get(pk=org_pk)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc
    if not _sees(u, round, org):
        raise Http404
    if write and (u.role not in WRITERS or not in_scope(u, org)):
        raise PermissionDenied("当前角色只能查看，不能填报。")
    return org


def get_report_for_user(user: Any, pk: int, *, write: bool = False) -> BranchReport:
    u = _user(user)
    try:
        report = BranchReport.objects.select_related(
            "organisation", "round__campaign", "unit__organisation"
        ).get(pk=pk)
    except BranchReport.DoesNotExist as exc:
        raise Http404 from exc
    get_org_for_user(u, report.round, report.organisation_id, write=write)
    return report


def get_list_for_user(user: Any, pk: int, *, write: bool = False) -> NominationList:
    """A decided list: its level's operators (write), the branches below it (read, and 二上),
    conveners and supervisors (read)."""
    u = _user(user)
    try:
        nl = NominationList.objects.select_related(
            "organisation", "round__campaign", "unit__organisation"
        ).get(pk=pk)
    except NominationList.DoesNotExist as exc:
        raise Http404 from exc
    org = nl.organisation
    below = u.organisation is not None and u.organisation.path.startswith(org.path)
    if not (_sees(u, nl.round, org) or (u.role in WRITERS and below)):
        raise Http404
    if write and (u.role not in WRITERS or not in_scope(u, org)):
        raise PermissionDenied("当前角色只能查看该名单。")
    return nl
