from __future__ import annotations

import importlib
import pkgutil
import sys
import types
from pathlib import Path

import pytest

import tuixuan
from tests import factories
from tests.record import assert_events
from tuixuan.core.models import Organisation
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.record.rule import (
    EXEMPT,
    SERVICE_EVENTS,
    public_functions,
    undeclared_services,
)
from tuixuan.record.services import ServiceRuleError, record, writes_events


def _write(event_type: EventType) -> None:
    record(event_type=event_type, actor=None, summary="测试", subject_type="test", subject_id=1)


@writes_events(EventType.ORGANISATIONS_IMPORTED)
def organisation_add(*, name: str, event_type: EventType | None) -> Organisation:
    org = factories.organisation(name)
    if event_type is not None:
        _write(event_type)
    return org


@writes_events(EventType.MEMBER_CHANGED, may_skip=True)
def member_touch(*, write: bool) -> None:
    if write:
        _write(EventType.MEMBER_CHANGED)


# How many services the rule checked when it began to walk services packages; a split of a
# services.py into a package must not lose any of them. Raise it as services are added.
SERVICES_FLOOR = 115


def all_service_modules(package: types.ModuleType) -> list[types.ModuleType]:
    """Every app's ``services`` module, and when it is a package, each of its submodules."""
    modules = []
    for info in pkgutil.iter_modules(package.__path__):
        if not info.ispkg:
            continue
        name = f"{package.__name__}.{info.name}.services"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        modules.append(module)
        if hasattr(module, "__path__"):
            for sub in pkgutil.walk_packages(module.__path__, prefix=f"{name}."):
                modules.append(importlib.import_module(sub.name))
    return modules


def check_services(package: types.ModuleType) -> tuple[int, list[str]]:
    """The number of services checked, and those that do not declare their events."""
    modules = all_service_modules(package)
    checked = [n for m in modules for n, _ in public_functions(m) if n not in EXEMPT]
    return len(checked), undeclared_services(modules)


def test_every_service_declares_the_events_it_writes() -> None:
    checked, missing = check_services(tuixuan)
    assert missing == [], (
        "every public function in <app>/services.py or <app>/services/*.py is a state change "
        "and must be decorated with @writes_events(EventType...) from tuixuan.record.services"
    )
    assert checked >= SERVICES_FLOOR, f"only {checked} services checked, fewer than before"


def test_the_walk_finds_an_undecorated_service_in_a_services_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "fakeproject"
    (root / "ballots" / "services").mkdir(parents=True)
    (root / "notes").mkdir()
    for init in ("", "ballots/", "notes/"):
        (root / f"{init}__init__.py").write_text("")
    (root / "notes" / "services.py").write_text(
        "from tuixuan.record.events import EventType\n"
        "from tuixuan.record.services import writes_events\n\n"
        "@writes_events(EventType.MEMBER_CHANGED)\n"
        "def note_add() -> None: ...\n"
    )
    (root / "ballots" / "services" / "__init__.py").write_text(
        "from fakeproject.ballots.services.rounds import *  # noqa: F403\n"
    )
    (root / "ballots" / "services" / "_shared.py").write_text("def helper() -> None: ...\n")
    (root / "ballots" / "services" / "rounds.py").write_text(
        "from tuixuan.record.events import EventType\n"
        "from tuixuan.record.services import writes_events\n\n"
        "@writes_events(EventType.MEMBER_CHANGED)\n"
        "def round_open() -> None: ...\n\n"
        "def round_close() -> None: ...\n\n"
        "def _private() -> None: ...\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        checked, missing = check_services(importlib.import_module("fakeproject"))
    finally:
        for name in [m for m in sys.modules if m.partition(".")[0] == "fakeproject"]:
            del sys.modules[name]

    # The private module's public function counts too: only leading underscores on a
    # function name exempt it, never the module it sits in.
    assert missing == [
        "fakeproject.ballots.services._shared.helper",
        "fakeproject.ballots.services.rounds.round_close",
    ]
    assert checked == 4  # note_add, round_open, round_close, helper; re-exports count once


def test_the_declared_types_are_in_the_enumeration() -> None:
    for name, types_ in SERVICE_EVENTS.items():
        assert types_, name
        assert all(isinstance(t, EventType) for t in types_), name


def test_the_check_finds_an_undecorated_service() -> None:
    module = types.ModuleType("tuixuan.fake.services")

    def nomination_submit() -> None: ...

    def _helper() -> None: ...

    for fn in (nomination_submit, _helper):
        fn.__module__ = module.__name__
        setattr(module, fn.__name__, fn)
    # Imported, not defined here: not services of this module.
    module.__dict__.update(record=record, organisation_add=organisation_add)
    declared = writes_events(EventType.MEMBER_CHANGED)(nomination_submit)
    module.__dict__["declared"] = declared
    assert undeclared_services([module]) == ["tuixuan.fake.services.nomination_submit"]
    assert [name for name, _ in public_functions(module)] == [
        "tuixuan.fake.services.nomination_submit",
        "tuixuan.fake.services.declared",
    ]


def test_record_is_the_only_exemption() -> None:
    assert frozenset({"tuixuan.record.services.record"}) == EXEMPT


def test_a_service_that_writes_its_event_passes(db: None) -> None:
    with assert_events([EventType.ORGANISATIONS_IMPORTED]):
        organisation_add(name="新支部", event_type=EventType.ORGANISATIONS_IMPORTED)
    assert Organisation.objects.filter(name="新支部").exists()


def test_a_service_that_writes_no_event_is_rolled_back(db: None) -> None:
    with pytest.raises(ServiceRuleError, match="without writing its event"):
        organisation_add(name="无纪实支部", event_type=None)
    assert not Organisation.objects.filter(name="无纪实支部").exists()


def test_a_service_that_writes_an_undeclared_event_is_rolled_back(db: None) -> None:
    with pytest.raises(ServiceRuleError, match="undeclared"):
        organisation_add(name="错类支部", event_type=EventType.USER_CREATED)
    assert not Organisation.objects.filter(name="错类支部").exists()
    assert not Event.objects.exists()


def test_may_skip_allows_a_service_that_changed_nothing(db: None) -> None:
    with assert_events([]):
        member_touch(write=False)
    with assert_events([EventType.MEMBER_CHANGED]):
        member_touch(write=True)


def test_events_of_a_nested_service_count_for_that_service(db: None) -> None:
    @writes_events(EventType.MEMBER_CHANGED)
    def member_change_and_add() -> None:
        _write(EventType.MEMBER_CHANGED)
        organisation_add(name="嵌套支部", event_type=EventType.ORGANISATIONS_IMPORTED)

    with assert_events([EventType.MEMBER_CHANGED, EventType.ORGANISATIONS_IMPORTED]):
        member_change_and_add()


def test_a_declaration_needs_a_type() -> None:
    with pytest.raises(ValueError, match="at least one"):
        writes_events()
    with pytest.raises(ValueError, match="not a valid"):
        writes_events("registry.made_up")  # type: ignore[arg-type]
