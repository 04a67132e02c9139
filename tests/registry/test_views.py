"""The registry pages: each user sees and reaches only their own part of the tree."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.conftest import Tree
from tuixuan.core.models import User
from tuixuan.registry.models import MemberType

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_unit_operator_sees_own_unit_tree(tree: Tree, unit_operator: User) -> None:
    response = _client(unit_operator).get(reverse("registry:tree"), follow=True)
    body = response.content.decode()
    assert "东河镇党委" in body
    assert "东河村党支部" in body and "西岭村党支部" in body
    assert "市财政局机关党支部" not in body


@pytest.mark.parametrize("name", ["unit_b", "branch_b1", "city"])
def test_unit_operator_cannot_open_another_units_page(
    tree: Tree, unit_operator: User, name: str
) -> None:
    org = getattr(tree, name)
    response = _client(unit_operator).get(reverse("registry:org", args=[org.pk]))
    assert response.status_code == 404  # exactly like an organisation that does not exist


def test_unit_operator_cannot_open_another_units_member(tree: Tree, unit_operator: User) -> None:
    other = factories.member(tree.branch_b1, "外单位人")
    own = factories.member(tree.branch_a1, "本单位人")
    client = _client(unit_operator)
    assert client.get(reverse("registry:member", args=[other.pk])).status_code == 404
    assert client.get(reverse("registry:member", args=[own.pk])).status_code == 200


def test_member_list_holds_only_the_scope(tree: Tree, branch_operator: User) -> None:
    factories.member(tree.branch_a1, "张三")
    factories.member(tree.branch_a2, "李四")
    factories.member(tree.branch_b1, "王五")
    body = _client(branch_operator).get(reverse("registry:members")).content.decode()
    assert "张三" in body
    assert "李四" not in body and "王五" not in body


def test_member_list_refuses_an_org_filter_outside_the_scope(
    tree: Tree, branch_operator: User
) -> None:
    url = reverse("registry:members") + f"?org={tree.branch_b1.pk}"
    assert _client(branch_operator).get(url).status_code == 404


def test_member_list_filters_and_searches(tree: Tree, convener: User) -> None:
    factories.member(tree.branch_a1, "张三", name_initials="zs")
    factories.member(
        tree.branch_a1, "李四", member_type=MemberType.PROBATIONARY, full_member_date=None
    )
    client = _client(convener)
    body = client.get(reverse("registry:members") + "?member_type=probationary").content.decode()
    assert "李四" in body and "张三" not in body
    body = client.get(reverse("registry:members") + "?q=zs").content.decode()
    assert "张三" in body and "李四" not in body
    body = client.get(reverse("registry:members") + "?q=李").content.decode()
    assert "李四" in body and "张三" not in body


def test_member_list_paginates(tree: Tree, convener: User) -> None:
    for i in range(55):
        factories.member(tree.branch_a1, f"成员{i:02d}")
    body = _client(convener).get(reverse("registry:members")).content.decode()
    assert "第 1 / 2 页，共 55 条" in body


@pytest.mark.parametrize("role", ["teller", "inspector", "department_reviewer"])
def test_roles_without_registry_access_are_refused(
    request: pytest.FixtureRequest, tree: Tree, role: str
) -> None:
    user = request.getfixturevalue(role)
    client = _client(user)
    assert client.get(reverse("registry:members")).status_code == 403
    assert client.get(reverse("registry:org", args=[tree.unit_a.pk])).status_code == 403


def test_supervisor_reads_everything_but_cannot_import(tree: Tree, supervisor: User) -> None:
    client = _client(supervisor)
    assert client.get(reverse("registry:org", args=[tree.branch_b1.pk])).status_code == 200
    assert client.get(reverse("registry:import")).status_code == 403


def test_home_shows_next_steps_per_role(tree: Tree, unit_operator: User, teller: User) -> None:
    body = _client(unit_operator).get(reverse("core:home")).content.decode()
    assert "下一步要做的事" in body and "导入或更新党员名册" in body
    body = _client(teller).get(reverse("core:home")).content.decode()
    assert "选举计票" in body
