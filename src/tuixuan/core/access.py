"""Access is checked here and only here.

A user acts in one role for one organisation subtree. Views fetch every object through the
``get_<thing>_for_user`` helpers below, and lists through the ``*_in_scope`` selectors, so
that no view can forget the check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from tuixuan.core.models import LoginLog, Organisation, Role

if TYPE_CHECKING:
    from tuixuan.core.models import User

# Roles that may change the registry (imports, member edits) inside their subtree.
REGISTRY_WRITERS = frozenset({Role.CONVENER, Role.UNIT_OPERATOR, Role.BRANCH_OPERATOR})
# Roles that may read the member registry of their subtree.
REGISTRY_READERS = REGISTRY_WRITERS | {Role.SUPERVISOR}


def authenticated(user: Any) -> User:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    return user  # type: ignore[no-any-return]


def scope_path(user: User) -> str | None:
    """The materialised path of the user's subtree, or None for no scope at all."""
    org = user.organisation
    return None if org is None else org.path


def can_read_registry(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in REGISTRY_READERS


def can_write_registry(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in REGISTRY_WRITERS


def organisations_in_scope(user: Any) -> QuerySet[Organisation]:
    u = authenticated(user)
    path = scope_path(u)
    if path is None or u.role not in REGISTRY_READERS:
        return Organisation.objects.none()
    return Organisation.objects.filter(path__startswith=path)


def in_scope(user: User, org: Organisation) -> bool:
    path = scope_path(user)
    return path is not None and org.path.startswith(path)


def require_registry_write(user: Any, org: Organisation | None = None) -> User:
    """Raise unless the user may change the registry (at ``org`` when given)."""
    u = authenticated(user)
    if u.role not in REGISTRY_WRITERS or u.organisation_id is None:
        raise PermissionDenied("当前角色无权修改党组织和党员信息。")
    if org is not None and not in_scope(u, org):
        raise PermissionDenied("该党组织不在您的管理范围内。")
    return u


def get_organisation_for_user(user: Any, pk: int, *, write: bool = False) -> Organisation:
    u = authenticated(user)
    if u.role not in REGISTRY_READERS:  # before the lookup: a refusal tells nothing
        raise PermissionDenied("当前角色无权查看党组织和党员信息。")
    try:
        org = Organisation.objects.get(pk=pk)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc
    if not in_scope(u, org):
        raise Http404
    if write:
        require_registry_write(u, org)
    return org


def login_log_in_scope(user: Any) -> QuerySet[LoginLog]:
    """Login attempts of the users of the reader's subtree. Attempts under a name that is no
    account are shown at the top of the tree only (they belong to no subtree)."""
    u = authenticated(user)
    path = scope_path(u)
    if path is None:
        return LoginLog.objects.none()
    condition = Q(user__organisation__path__startswith=path)
    if u.organisation is not None and u.organisation.parent_id is None:
        condition |= Q(user__isnull=True)
    return LoginLog.objects.filter(condition)


# Account management: the roles each role may grant, and so manage, inside its own subtree.
# Nobody grants more than they hold: never a role outside this set, never an organisation
# outside the granter's subtree. Branch operators and the reading roles manage no accounts.
GRANTABLE_ROLES: dict[str, frozenset[Role]] = {
    Role.CONVENER: frozenset(Role),
    Role.UNIT_OPERATOR: frozenset({Role.UNIT_OPERATOR, Role.BRANCH_OPERATOR, Role.TELLER}),
}


def grantable_roles(user: Any) -> frozenset[Role]:
    """Roles the user may give; none without an organisation."""
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return frozenset()
    return GRANTABLE_ROLES.get(user.role, frozenset())


def can_manage_accounts(user: Any) -> bool:
    return bool(grantable_roles(user))


def may_grant(actor: User | None, role: str, organisation: Organisation) -> bool:
    """Whether ``actor`` (None: the system, from the command line) may give this role here."""
    if actor is None:
        return True
    return role in grantable_roles(actor) and in_scope(actor, organisation)


def users_in_scope(user: Any) -> QuerySet[User]:
    """The accounts the user manages: in their subtree, in a role they may grant."""
    from tuixuan.core.models import User

    u = authenticated(user)
    roles = grantable_roles(u)
    path = scope_path(u)
    if not roles or path is None:
        return User.objects.none()
    return User.objects.filter(
        organisation__path__startswith=path, role__in=[r.value for r in roles]
    )


def get_managed_user_for_user(user: Any, pk: int) -> User:
    """One account the user manages; any other answers like a missing one."""
    from tuixuan.core.models import User

    try:
        return users_in_scope(user).select_related("organisation").get(pk=pk)
    except User.DoesNotExist as exc:
        raise Http404 from exc
