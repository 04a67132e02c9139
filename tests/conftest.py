"""Personas: one user per role over a small city tree.

city (市委)
├── unit_a (乡镇党委)  ── branch_a1, branch_a2
└── unit_b (县直党工委) ── branch_b1
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from tests import factories
from tests.workers import JobQueue
from tuixuan.core.models import Role, User
from tuixuan.registry.models import Organisation, OrgType


@dataclass
class Tree:
    city: Organisation
    unit_a: Organisation
    branch_a1: Organisation
    branch_a2: Organisation
    unit_b: Organisation
    branch_b1: Organisation


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The default hasher costs ~0.4 s per user; tests create many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
