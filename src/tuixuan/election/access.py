"""Who may see and act on an election; every election view fetches through these helpers.

Unit operators (and the convening committee) manage elections of organisations in their
subtree; tellers read them and enter ballots; supervisors read. Deciding a ballot and
releasing a result belong to the one user designated chief scrutineer of that election.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from tuixuan.campaign.models import CampaignStatus, ElectionUnit
from tuixuan.core.access import in_scope
from tuixuan.core.models import Role
from tuixuan.election.models import Batch, Election, Round

if TYPE_CHECKING:
    from tuixuan.core.models import User

MANAGERS = frozenset({Role.CONVENER, Role.UNIT_OPERATOR})
READERS = MANAGERS | {Role.TELLER, Role.SUPERVISOR}


def _user(user: Any) -> User:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    return user  # type: ignore[no-any-return]


def can_manage(user: User, election: Election) -> bool:
    return user.role in MANAGERS and in_scope(user, election.organisation)


def can_enter(user: User, election: Election) -> bool:
    return user.role == Role.TELLER and in_scope(user, election.organisation)


def is_chief_scrutineer(user: User, election: Election) -> bool:
    return election.chief_scrutineer_id is not None and election.chief_scrutineer_id == user.pk


def can_check_credentials(user: User, election: Election) -> bool:
    """资格审查 is the convening committee's: a convener above the electing unit."""
    return user.role == Role.CONVENER and in_scope(user, election.organisation)


def elections_in_scope(user: Any) -> QuerySet[Election]:
    u = _user(user)
    if u.role not in READERS or u.organisation is None:
        return Election.objects.none()
    return Election.objects.filter(organisation__path__startswith=u.organisation.path)


def require_reader(user: Any) -> User:
    u = _user(user)
    if u.role not in READERS:
        raise PermissionDenied("当前角色无权查看选举。")
    return u


def get_election_for_user(user: Any, pk: int, *, write: bool = False) -> Election:
    u = require_reader(user)  # before the lookup: a refusal tells nothing
    try:
        election = Election.objects.select_related("organisation").get(pk=pk)
    except Election.DoesNotExist as exc:
        raise Http404 from exc
    if not in_scope(u, election.organisation):
        raise Http404
    if write and not can_manage(u, election):
        raise PermissionDenied("当前角色无权管理该选举。")
    return election


def get_round_for_user(user: Any, pk: int, *, write: bool = False) -> Round:
    require_reader(user)
    try:
        round_ = Round.objects.select_related("election").get(pk=pk)
    except Round.DoesNotExist as exc:
        raise Http404 from exc
    round_.election = get_election_for_user(user, round_.election_id, write=write)
    return round_


def get_batch_for_user(user: Any, pk: int) -> Batch:
    require_reader(user)
    try:
        batch = Batch.objects.select_related("round").get(pk=pk)
    except Batch.DoesNotExist as exc:
        raise Http404 from exc
    batch.round = get_round_for_user(user, batch.round_id)
    return batch


def require_teller(user: Any, election: Election) -> User:
    u = _user(user)
    if not can_enter(u, election):
        raise PermissionDenied("只有本选举范围内的计票人可以录入选票。")
    return u


def require_chief_scrutineer(user: Any, election: Election) -> User:
    u = _user(user)
    if not is_chief_scrutineer(u, election):
        raise PermissionDenied("只有本次选举的总监票人可以进行此操作。")
    return u


def require_credentials_checker(user: Any, election: Election) -> User:
    u = _user(user)
    if not can_check_credentials(u, election):
        raise PermissionDenied("代表资格审查由召集机关进行。")
    return u


def units_to_elect(user: Any) -> QuerySet[ElectionUnit]:
    """Election units of live campaigns whose organisation lies in the manager's subtree:
    the units whose election the user may create from the campaign."""
    u = _user(user)
    if u.role not in MANAGERS or u.organisation is None:
        return ElectionUnit.objects.none()
    return (
        ElectionUnit.objects.filter(organisation__path__startswith=u.organisation.path)
        .exclude(campaign__status=CampaignStatus.WITHDRAWN)
        .select_related("campaign", "organisation")
        .order_by("campaign_id", "organisation__code", "pk")
    )


def get_unit_to_elect(user: Any, pk: int) -> ElectionUnit:
    """A unit for "从推选工作创建": 403 for a role that creates no election (before the
    lookup), 404 for a unit outside the subtree exactly like a missing one."""
    u = _user(user)
    if u.role not in MANAGERS:
        raise PermissionDenied("当前角色无权创建选举。")
    unit = units_to_elect(u).filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit
