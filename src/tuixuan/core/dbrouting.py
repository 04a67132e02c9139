"""Reads of read-only pages from a replica, everything else from the primary.

With ``DATABASE_REPLICA_URL`` set (PostgreSQL streaming replica, docs/performance.md "超出一台
服务器") settings add the alias ``replica`` and ``READ_REPLICA`` is on. Then ``ReplicaRouter``
sends a read to ``replica`` only when all of these hold:

- the request is being answered by a view marked ``@read_replica`` (boards, reports, lists:
  pages that show and change nothing);
- nothing was written in this request so far (a write goes to ``default``, and from then on
  every read of the request does too, so a page reads what it wrote);
- the read is not inside a transaction on ``default`` (a service's ``transaction.atomic()``
  reads what it checks from the primary, where it will write);
- the browser wrote nothing in the last ``REPLICA_PIN_SECONDS`` (a short cookie set by
  ``ReplicaMiddleware`` after a request that wrote), so the page after a form's redirect shows
  the change even while the replica is a little behind.

Every write, and every read outside a marked view (commands, workers, services, every other
page), goes to ``default``. Without a replica the router always answers ``default``.
The rule: docs/domain.md §9.1.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

DEFAULT = "default"
REPLICA = "replica"
PIN_COOKIE = "tuixuan_primary"
_MARK = "tuixuan_read_replica"

V = TypeVar("V", bound=Callable[..., Any])


@dataclass
class _Request:
    read_only: bool = False
    wrote: bool = False
    pinned: bool = False


_state: contextvars.ContextVar[_Request | None] = contextvars.ContextVar(
    "tuixuan_db_request", default=None
)


def replica_enabled() -> bool:
    return bool(getattr(settings, "READ_REPLICA", False)) and REPLICA in settings.DATABASES


@contextmanager
def request_scope(*, pinned: bool = False) -> Iterator[_Request]:
    """One request's routing state (the middleware opens it; a marked view opens its own
    when called without the middleware)."""
    state = _Request(pinned=pinned)
    token = _state.set(state)
    try:
        yield state
    finally:
        _state.reset(token)


def read_replica(view: V) -> V:
    """Mark a view whose page only reads: its reads may be served by the replica."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        state = _state.get()
        if state is None:
            with request_scope() as own:
                own.read_only = True
                return view(request, *args, **kwargs)
        before = state.read_only
        state.read_only = True
        try:
            return view(request, *args, **kwargs)
        finally:
            state.read_only = before

    setattr(wrapped, _MARK, True)
    return wrapped  # type: ignore[return-value]


def is_read_replica(view: Any) -> bool:
    return bool(getattr(view, _MARK, False))


def choose_for_read() -> str:
    """The alias the next read goes to (the router's rule, usable on its own)."""
    if not replica_enabled():
        return DEFAULT
    state = _state.get()
    if state is None or not state.read_only or state.wrote or state.pinned:
        return DEFAULT
    if connections[DEFAULT].in_atomic_block:
        return DEFAULT
    return REPLICA


# Read from the primary whatever the page: a session or a login must never be stale.
_PRIMARY_ONLY = frozenset({"sessions", "auth", "jobs", "django_tasks_database"})


def note_write() -> None:
    state = _state.get()
    if state is not None:
        state.wrote = True


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: see the module docstring."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        if model._meta.app_label in _PRIMARY_ONLY:
            return DEFAULT
        return choose_for_read()

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        note_write()
        return DEFAULT

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT  # a replica gets its schema by replication


class ReplicaMiddleware:
    """Opens each request's routing state, and after a request that wrote keeps that browser
    on the primary for ``REPLICA_PIN_SECONDS`` (a cookie without meaning elsewhere: it can
    only ask for the primary)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_enabled():
            return self.get_response(request)
        with request_scope(pinned=PIN_COOKIE in request.COOKIES) as state:
            response = self.get_response(request)
        if state.wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
