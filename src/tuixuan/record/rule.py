"""The service rule: every state-changing service writes its record events itself.

A service declares the event types it writes with ``@writes_events``. The decorator runs
the service in one transaction and, when it returns, checks what it actually wrote:
nothing, or a type it did not declare, is a programming error raised before the
transaction commits, so a change without its record cannot reach the database.
``undeclared_services`` is what the test suite uses to find services without the
decorator.
"""

from __future__ import annotations

import contextvars
import functools
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, ParamSpec, TypeVar

from django.db import transaction

from tuixuan.record.events import EventType

P = ParamSpec("P")
R = TypeVar("R")

# Qualified service name -> the event types it declares.
SERVICE_EVENTS: dict[str, frozenset[EventType]] = {}
# Public functions of services modules that are not services.
EXEMPT = frozenset({"tuixuan.record.services.record"})


class ServiceRuleError(RuntimeError):
    """A service broke the rule; raised inside its transaction so nothing is committed."""


@dataclass
class _Frame:
    name: str
    written: list[EventType] = field(default_factory=list)


_frames: contextvars.ContextVar[tuple[_Frame, ...]] = contextvars.ContextVar(
    "dossier_service_frames", default=()
)


def note_event(event_type: EventType) -> None:
    """Called by ``record``: the innermost running service wrote this event."""
    frames = _frames.get()
    if frames:
        frames[-1].written.append(event_type)


def writes_events(
    *event_types: EventType, may_skip: bool = False
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare the events a service writes; ``may_skip`` for services that can change nothing."""
    if not event_types:
        raise ValueError("writes_events needs at least one event type")
    declared = frozenset(EventType(t) for t in event_types)

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        name = f"{fn.__module__}.{fn.__qualname__}"

        @functools.wraps(fn)
        def service(*args: P.args, **kwargs: P.kwargs) -> R:
            frame = _Frame(name)
            with transaction.atomic():
                token = _frames.set((*_frames.get(), frame))
                try:
                    result = fn(*args, **kwargs)
                finally:
                    _frames.reset(token)
                undeclared = sorted({t for t in frame.written if t not in declared})
                if undeclared:
                    raise ServiceRuleError(f"{name} wrote undeclared events {undeclared}")
                if not frame.written and not may_skip:
                    raise ServiceRuleError(f"{name} changed state without writing its event")
            return result

        service.__writes_events__ = declared  # type: ignore[attr-defined]  # read by the rule check
        SERVICE_EVENTS[name] = declared
        return service

    return decorate


def service_modules(package: ModuleType) -> Iterator[ModuleType]:
    """Every ``<app>.services`` module of the package, imported."""
    for info in pkgutil.iter_modules(package.__path__):
        if not info.ispkg:
            continue
        name = f"{package.__name__}.{info.name}.services"
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def public_functions(module: ModuleType) -> Iterator[tuple[str, Callable[..., Any]]]:
    for attr, value in vars(module).items():
        if attr.startswith("_") or not inspect.isfunction(value):
            continue
        if getattr(value, "__module__", None) != module.__name__:
            continue
        yield f"{module.__name__}.{attr}", value


def undeclared_services(modules: Iterator[ModuleType] | list[ModuleType]) -> list[str]:
    """Public functions of services modules that do not declare the events they write."""
    missing = []
    for module in modules:
        for name, fn in public_functions(module):
            if name in EXEMPT:
                continue
            if not getattr(fn, "__writes_events__", None):
                missing.append(name)
    return missing
