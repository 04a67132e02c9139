"""The login log shows the accounts of the reader's subtree only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from tests.conftest import Tree, login
from tuixuan.core.auth import login_attempt
from tuixuan.core.models import Role, User

pytestmark = pytest.mark.django_db


def test_a_township_supervisor_sees_only_its_township(
    tree: Tree, unit_operator: User, other_unit_operator: User, supervisor: User
) -> None:
    township = factories.user(Role.SUPERVISOR, tree.unit_b, username="unit_b_supervisor")
    for user in (unit_operator, other_unit_operator):
        login_attempt(username=user.username, password="wrong", ip="10.0.0.1")
    login_attempt(username="no_such_account", password="wrong", ip="10.0.0.2")

    page = login(township).get(reverse("core:login_log")).content.decode()
    assert "unit_b_op" in page
    assert "unit_a_op" not in page and "no_such_account" not in page

    top = login(supervisor).get(reverse("core:login_log")).content.decode()
    assert "unit_a_op" in top and "unit_b_op" in top and "no_such_account" in top
