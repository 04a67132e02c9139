"""Who may see and change a campaign and its election units.

Conveners manage the campaigns whose convening organisation lies in their subtree;
supervisors read every campaign that touches their subtree; a unit operator reads the
allocation and deadlines of the election units that cover their own organisation. Views get
every campaign object through these helpers.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from tuixuan.campaign.models import Campaign, ElectionUnit, TargetRule
from tuixuan.core.access import in_scope, scope_path
from tuixuan.core.models import Role, User


def _user(user: Any) -> User:
    if not getattr(user, "is_authenticated", False) or not isinstance(user, User):
        raise PermissionDenied
    return user


def _covers_user(user: User) -> Q:
    """Units whose organisation is the user's own organisation or one of its ancestors."""
    path = scope_path(user)
    if path is None:
        return Q(pk__in=[])
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "."]
    return Q(organisation__path__in=prefixes)


def can_manage(user: Any, campaign: Campaign) -> bool:
    u = getattr(user, "is_authenticated", False) and user
    return (
        isinstance(u, User)
        and u.role == Role.CONVENER
        and in_scope(u, campaign.convening_organisation)
    )


def require_manage(user: Any, campaign: Campaign) -> User:
    u = _user(user)
    if not can_manage(u, campaign):
        raise PermissionDenied("只有召集机关的工作人员可以修改推选工作的设置。")
    return u


def can_edit_calendar(user: Any) -> bool:
    """The calendar serves every campaign of the tree, so it belongs to the top level: a
    convener whose organisation has no parent. A township convener reads it only."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and isinstance(user, User)
        and user.role == Role.CONVENER
        and user.organisation is not None
        and user.organisation.parent_id is None
    )


def campaigns_for_user(user: Any) -> QuerySet[Campaign]:
    """Campaigns the user may open as a whole (not unit operators: they see their unit)."""
    u = _user(user)
    path = scope_path(u)
    if path is None:
        return Campaign.objects.none()
    qs = Campaign.objects.select_related("convening_organisation")
    if u.role == Role.CONVENER:
        return qs.filter(convening_organisation__path__startswith=path)
    if u.role == Role.SUPERVISOR:
        prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "."]
        return qs.filter(
            Q(convening_organisation__path__startswith=path)
            | Q(convening_organisation__path__in=prefixes)
        )
    return Campaign.objects.none()


def units_for_user(user: Any) -> QuerySet[ElectionUnit]:
    """Election units whose allocation and deadlines the user may read as a unit."""
    u = _user(user)
    qs = ElectionUnit.objects.select_related("campaign", "organisation")
    if u.role in (Role.UNIT_OPERATOR, Role.BRANCH_OPERATOR):
        return qs.filter(_covers_user(u))
    if u.role == Role.CONVENER:
        return qs.filter(campaign__in=campaigns_for_user(u))
    if u.role == Role.SUPERVISOR:
        # A township supervisor reads its own unit, not every unit of the city campaign.
        path = scope_path(u) or "-"
        return qs.filter(campaign__in=campaigns_for_user(u)).filter(
            Q(organisation__path__startswith=path) | _covers_user(u)
        )
    return qs.none()


def get_campaign_for_user(user: Any, pk: int, *, write: bool = False) -> Campaign:
    u = _user(user)
    if u.role not in (Role.CONVENER, Role.SUPERVISOR):  # before the lookup: tells nothing
        raise PermissionDenied("当前角色只能查看本单位的名额和时间节点。")
    try:
        campaign = Campaign.objects.select_related("convening_organisation").get(pk=pk)
    except Campaign.DoesNotExist as exc:
        raise Http404 from exc
    if not campaigns_for_user(u).filter(pk=campaign.pk).exists():
        raise Http404
    if write:
        require_manage(u, campaign)
    return campaign


def get_unit_for_user(user: Any, pk: int, *, write: bool = False) -> ElectionUnit:
    u = _user(user)
    try:
        unit = ElectionUnit.objects.select_related(
            "campaign", "campaign__convening_organisation", "organisation"
        ).get(pk=pk)
    except ElectionUnit.DoesNotExist as exc:
        raise Http404 from exc
    if not units_for_user(u).filter(pk=unit.pk).exists():
        raise Http404
    if write:
        require_manage(u, unit.campaign)
    return unit


def get_target_for_user(user: Any, pk: int, *, write: bool = False) -> TargetRule:
    u = _user(user)
    try:
        target = TargetRule.objects.select_related("campaign").get(pk=pk)
    except TargetRule.DoesNotExist as exc:
        raise Http404 from exc
    get_campaign_for_user(u, target.campaign_id, write=write)
    return target
