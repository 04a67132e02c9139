"""Personas: one user per role over a small city tree.

city (市委)
├── unit_a (乡镇党委)  ── branch_a1, branch_a2
└── unit_b (县直党工委) ── branch_b1
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client

from tests import factories
from tests.workers import JobQueue
from tuixuan.core import dbmark
from tuixuan.core.models import Organisation, OrgType, Role, User

# A second alias on the same test database (Django's TEST MIRROR), as DATABASE_REPLICA_URL
# adds one in production: tests/core/test_dbrouting.py turns READ_REPLICA on and checks where
# the router sends each query. Everywhere else READ_REPLICA is off and the alias is unused.
if "replica" not in django_settings.DATABASES:
    _primary: dict[str, Any] = django_settings.DATABASES["default"]
    django_settings.DATABASES["replica"] = {
        **_primary,
        "TEST": {**(_primary.get("TEST") or {}), "MIRROR": "default"},
    }


@dataclass
class Tree:
    city: Organisation
    unit_a: Organisation
    branch_a1: Organisation
    branch_a2: Organisation
    unit_b: Organisation
    branch_b1: Organisation


# The whole suite runs at 01:30 Beijing time, when the local date is one day ahead of the UTC
# date, so that any date taken from UTC instead of the local calendar shows up as a failure.
# The clock keeps ticking from there (idle timeouts, lockouts and waits still see time pass);
# threads (the live server of the browser tests) see the same clock.
SUITE_MOMENT = dt.datetime(2026, 12, 2, 1, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True, scope="session")
def _clock_at_an_hour_where_utc_is_yesterday() -> Iterator[None]:
    with time_machine.travel(SUITE_MOMENT, tick=True):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database, marked as one that ``flush`` may empty."""
    with django_db_blocker.unblock():
        dbmark.mark("tests")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The default hasher costs ~0.4 s per user; tests create many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_checkpoint_log(settings: Any, tmp_path: Path) -> None:
    # The checkpoint log outlives the test database; each test gets its own.
    settings.CHECKPOINT_LOG = tmp_path / "checkpoints.log"


@pytest.fixture
def jobs(
    db: None, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[JobQueue]:
    """Background jobs run through the real task backend: ``jobs.run()`` runs the queue."""
    queue = JobQueue(django_capture_on_commit_callbacks, monkeypatch)
    yield queue
    queue.close()


@pytest.fixture
def tree(db: None) -> Tree:
    city = factories.organisation("示范市委", org_type=OrgType.CITY, code="CITY")
    unit_a = factories.organisation("东河镇党委", parent=city, org_type=OrgType.COMMITTEE, code="A")
    unit_b = factories.organisation(
        "市直机关工委", parent=city, org_type=OrgType.WORKING_COMMITTEE, code="B"
    )
    return Tree(
        city=city,
        unit_a=unit_a,
        branch_a1=factories.organisation("东河村党支部", parent=unit_a, code="A1"),
        branch_a2=factories.organisation("西岭村党支部", parent=unit_a, code="A2"),
        unit_b=unit_b,
        branch_b1=factories.organisation("市财政局机关党支部", parent=unit_b, code="B1"),
    )


@pytest.fixture
def convener(tree: Tree) -> User:
    return factories.user(Role.CONVENER, tree.city, username="convener")


@pytest.fixture
def supervisor(tree: Tree) -> User:
    return factories.user(Role.SUPERVISOR, tree.city, username="supervisor")


@pytest.fixture
def unit_operator(tree: Tree) -> User:
    return factories.user(Role.UNIT_OPERATOR, tree.unit_a, username="unit_a_op")


@pytest.fixture
def other_unit_operator(tree: Tree) -> User:
    return factories.user(Role.UNIT_OPERATOR, tree.unit_b, username="unit_b_op")


@pytest.fixture
def branch_operator(tree: Tree) -> User:
    return factories.user(Role.BRANCH_OPERATOR, tree.branch_a1, username="branch_a1_op")


@pytest.fixture
def inspector(tree: Tree) -> User:
    return factories.user(Role.INSPECTOR, tree.city, username="inspector")


@pytest.fixture
def department_reviewer(tree: Tree) -> User:
    return factories.user(
        Role.DEPARTMENT_REVIEWER, tree.city, username="reviewer", department="纪检监察"
    )


@pytest.fixture
def teller(tree: Tree) -> User:
    return factories.user(Role.TELLER, tree.unit_a, username="teller")


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
