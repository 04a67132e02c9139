from __future__ import annotations

import pytest

from tests.conftest import Tree
from tests.record import assert_events
from tuixuan.core.errors import ValidationFailedError
from tuixuan.core.models import Role, User
from tuixuan.core.services import user_create
from tuixuan.dossier.events import EventType
from tuixuan.dossier.models import Event

pytestmark = pytest.mark.django_db


def test_it_creates_a_user_and_records_it(tree: Tree, convener: User) -> None:
    with assert_events([EventType.USER_CREATED]):
        user = user_create(
            actor=convener,
            username="newop",
            password="Strong-Passw0rd",
            role=Role.UNIT_OPERATOR,
            organisation=tree.unit_a,
        )
    assert user.check_password("Strong-Passw0rd")
    assert user.organisation == tree.unit_a


@pytest.mark.parametrize(
    ("username", "password", "role", "department", "reason"),
    [
        ("weak", "abc", Role.UNIT_OPERATOR, "", "密码"),
        ("convener", "Strong-Passw0rd", Role.UNIT_OPERATOR, "", "已存在"),
        ("rev", "Strong-Passw0rd", Role.DEPARTMENT_REVIEWER, "", "部门"),
    ],
)
def test_it_refuses_bad_users_and_writes_nothing(
    tree: Tree,
    convener: User,
    username: str,
    password: str,
    role: Role,
    department: str,
    reason: str,
) -> None:
    before = (User.objects.count(), Event.objects.count())
    with pytest.raises(ValidationFailedError, match=reason):
        user_create(
            actor=convener,
            username=username,
            password=password,
            role=role,
            organisation=tree.unit_a,
            department=department,
        )
    assert (User.objects.count(), Event.objects.count()) == before
