"""Access to the member registry: members are seen and changed inside the user's subtree.

The organisation tree's own checks (who reads or writes the registry, which organisations a
user sees) are in ``tuixuan.core.access``, beside the tree.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from tuixuan.core.access import (
    REGISTRY_READERS,
    authenticated,
    in_scope,
    require_registry_write,
    scope_path,
)
from tuixuan.registry.models import Member


def members_in_scope(user: Any) -> QuerySet[Member]:
    u = authenticated(user)
    path = scope_path(u)
    if path is None or u.role not in REGISTRY_READERS:
        return Member.objects.none()
    return Member.objects.filter(organisation__path__startswith=path)


def get_member_for_user(user: Any, pk: int, *, write: bool = False) -> Member:
    u = authenticated(user)
    if u.role not in REGISTRY_READERS:
        raise PermissionDenied("当前角色无权查看党组织和党员信息。")
    try:
        member = Member.objects.select_related("organisation").get(pk=pk)
    except Member.DoesNotExist as exc:
        raise Http404 from exc
    if not in_scope(u, member.organisation):
        raise Http404
    if write:
        require_registry_write(u, member.organisation)
    return member
