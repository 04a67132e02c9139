"""Helpers shared by the notice services: who may act, locking, dates, the record call."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any

from django.db.models import Model

from tuixuan.campaign.models import Campaign, ElectionUnit
from tuixuan.core import clock, sanity
from tuixuan.core.access import in_scope
from tuixuan.core.errors import ConcurrentChangeError, PermissionDeniedError
from tuixuan.core.models import Role, User
from tuixuan.notice.domain import NoticeError

OPERATORS = frozenset({Role.UNIT_OPERATOR, Role.CONVENER})
HANDLER_ROLES = frozenset({Role.SUPERVISOR, Role.DEPARTMENT_REVIEWER, Role.CONVENER})
"""Who may investigate an objection: 纪检 (a supervisor or a department's reviewer) or the
organisation department itself."""


def _fail(problems: Sequence[str | sanity.Problem]) -> None:
    sanity.fail(problems, NoticeError)


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return user.display_name or user.get_username()


def _require_operator(actor: User, unit: ElectionUnit) -> None:
    """A unit operator of the unit, or a convener above it."""
    org = unit.organisation
    if actor.role not in OPERATORS or actor.organisation is None or not in_scope(actor, org):
        raise PermissionDeniedError(f"“{org.name}”不在您的管理范围内。")


def _require_convener(actor: User, campaign: Campaign, what: str) -> None:
    org = campaign.convening_organisation
    if actor.role != Role.CONVENER or actor.organisation is None or not in_scope(actor, org):
        raise PermissionDeniedError(f"只有召集机关可以{what}。")


def _bump(obj: Model, **changes: Any) -> None:
    """Save ``changes`` only if nobody changed the row since it was read."""
    model = type(obj)
    version = obj.version  # type: ignore[attr-defined]
    hit = model._default_manager.filter(pk=obj.pk, version=version).update(
        version=version + 1, **changes
    )
    if hit != 1:
        raise ConcurrentChangeError()
    for key, value in changes.items():
        setattr(obj, key, value)
    obj.version = version + 1  # type: ignore[attr-defined]


def _text(value: str, *, field: str, what: str, limit: int | None = None) -> list[sanity.Problem]:
    text = value.strip()
    if not text:
        return [(field, f"请填写{what}")]
    if limit is not None and len(text) > limit:
        return [(field, f"{what}过长（最多{limit}字）")]
    return []


def _date(
    day: dt.date, *, field: str, what: str, earliest: dt.date | None, since: str
) -> list[sanity.Problem]:
    return sanity.date_problems(day, field=field, what=what, earliest=earliest, since=since)


def _digest(text: str) -> str:
    """What the record keeps of an objection's content and findings: their digest only."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _today() -> dt.date:
    return clock.today()
