from __future__ import annotations

import itertools

import pytest

from tests import factories
from tests.conftest import Tree
from tests.record import assert_events, capture_events
from tuixuan.accounts.services import (
    NewUser,
    login_address_unlock,
    user_create,
    user_reset_password,
    user_set_active,
    user_unlock,
    user_update,
    users_import,
)
from tuixuan.core.auth import locked_until
from tuixuan.core.errors import DomainError, PermissionDeniedError, ValidationFailedError
from tuixuan.core.models import LoginThrottle, Organisation, Role, User
from tuixuan.record.events import EventType
from tuixuan.record.models import Event

pytestmark = pytest.mark.django_db

STRONG = "Strong-Passw0rd"

# What each role holds, written out here independently of the code: the convener holds every
# role over its subtree; a unit operator holds the unit's own operator, branch operator and
# teller roles over its subtree; every other role grants nothing.
HOLDS: dict[Role, set[Role]] = {
    Role.CONVENER: set(Role),
    Role.UNIT_OPERATOR: {Role.UNIT_OPERATOR, Role.BRANCH_OPERATOR, Role.TELLER},
}


def _orgs(tree: Tree) -> dict[str, Organisation]:
    return {
        "city": tree.city,
        "unit_a": tree.unit_a,
        "branch_a1": tree.branch_a1,
        "unit_b": tree.unit_b,
        "branch_b1": tree.branch_b1,
    }


def _within(org: Organisation, scope: Organisation) -> bool:
    node: Organisation | None = org
    while node is not None:
        if node.pk == scope.pk:
            return True
        node = node.parent
    return False


def test_it_creates_a_user_and_records_it(tree: Tree, convener: User) -> None:
    with assert_events([EventType.USER_CREATED]) as events:
        user = user_create(
            actor=convener,
            username="newop",
            password=STRONG,
            role=Role.UNIT_OPERATOR,
            organisation=tree.unit_a,
            phone="13900001111",
        )
    assert user.check_password(STRONG)
    assert user.organisation == tree.unit_a
    assert user.must_change_password
    assert events[0].inputs["role"] == "unit_operator"
    assert events[0].inputs["organisation"] == "A"
    assert STRONG not in str(events[0].inputs)


@pytest.mark.parametrize(
    ("username", "password", "role", "department", "phone", "reason"),
    [
        ("weak", "abc", Role.UNIT_OPERATOR, "", "", "密码太短"),
        ("convener", STRONG, Role.UNIT_OPERATOR, "", "", "已存在"),
        ("rev", STRONG, Role.DEPARTMENT_REVIEWER, "", "", "部门"),
        ("bad name", STRONG, Role.UNIT_OPERATOR, "", "", "用户名只能包含"),
        ("tel", STRONG, Role.UNIT_OPERATOR, "", "12345", "手机号码应为 11 位数字"),
    ],
)
def test_it_refuses_bad_users_and_writes_nothing(
    tree: Tree,
    convener: User,
    username: str,
    password: str,
    role: Role,
    department: str,
    phone: str,
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
            phone=phone,
        )
    assert (User.objects.count(), Event.objects.count()) == before


def test_a_branch_operator_cannot_create_a_city_convener(tree: Tree, branch_operator: User) -> None:
    before = (User.objects.count(), Event.objects.count())
    with pytest.raises(PermissionDeniedError) as caught:
        user_create(
            actor=branch_operator,
            username="forged",
            password=STRONG,
            role=Role.CONVENER,
            organisation=tree.city,
        )
    assert caught.value.message == "该党组织不在您的管理范围内。"
    assert (User.objects.count(), Event.objects.count()) == before


def test_nobody_grants_more_than_they_hold(tree: Tree) -> None:
    """Every (granter role, granter place, granted role, granted place): by creation and by
    changing an account, a grant succeeds exactly when the granter holds that role over
    that place, and a refusal writes nothing."""
    orgs = _orgs(tree)
    places = ["city", "unit_a", "branch_a1"]
    n = itertools.count()
    checked = 0
    for granter_role, place in itertools.product(Role, places):
        granter = factories.user(granter_role, orgs[place], department="纪检监察")
        # One account the granter manages, if any, to change into each combination.
        managed_role = next(iter(sorted(HOLDS.get(granter_role, set()))), None)
        for granted_role, target in itertools.product(Role, orgs):
            allowed = granted_role in HOLDS.get(granter_role, set()) and _within(
                orgs[target], orgs[place]
            )
            before = (User.objects.count(), Event.objects.count())
            username = f"g{next(n)}"
            try:
                user_create(
                    actor=granter,
                    username=username,
                    password=STRONG,
                    role=granted_role,
                    organisation=orgs[target],
                    department="纪检监察",
                )
                granted = True
            except PermissionDeniedError as exc:
                granted = False
                assert exc.message in {
                    "该党组织不在您的管理范围内。",
                    f"您无权授予“{granted_role.label}”角色。",
                }
                assert (User.objects.count(), Event.objects.count()) == before
            assert granted == allowed, (granter_role, place, granted_role, target)
            if managed_role is not None:
                account = factories.user(managed_role, orgs[place], department="纪检监察")
                kept = (Event.objects.count(), account.role, account.organisation_id)
                try:
                    user_update(
                        actor=granter,
                        user=account,
                        role=granted_role,
                        organisation=orgs[target],
                        display_name="改",
                        department="纪检监察",
                    )
                    changed = True
                except PermissionDeniedError:
                    changed = False
                    account.refresh_from_db()
                    after = (Event.objects.count(), account.role, account.organisation_id)
                    assert after == kept
                assert changed == allowed, ("update", granter_role, place, granted_role, target)
            checked += 1
    assert checked == len(Role) * len(places) * len(Role) * len(orgs)


def test_an_account_outside_ones_authority_cannot_be_touched(
    tree: Tree, unit_operator: User, convener: User
) -> None:
    outside = factories.user(Role.BRANCH_OPERATOR, tree.branch_b1)
    above = factories.user(Role.CONVENER, tree.unit_a)  # in the subtree, but a role above
    for target in (outside, above):
        for action in (
            lambda t: user_unlock(actor=unit_operator, user=t),
            lambda t: user_reset_password(actor=unit_operator, user=t),
            lambda t: user_set_active(actor=unit_operator, user=t, active=False, reason="x"),
        ):
            before = (Event.objects.count(), User.objects.get(pk=target.pk).password)
            with pytest.raises(PermissionDeniedError, match="不在您的管理范围内"):
                action(target)
            after = (Event.objects.count(), User.objects.get(pk=target.pk).password)
            assert after == before
    assert User.objects.get(pk=outside.pk).is_active


def test_no_one_changes_their_own_account_here(unit_operator: User, tree: Tree) -> None:
    before = Event.objects.count()
    with pytest.raises(PermissionDeniedError, match="不能在这里变更自己的账户"):
        user_update(
            actor=unit_operator,
            user=unit_operator,
            role=Role.UNIT_OPERATOR,
            organisation=tree.unit_a,
            display_name="我",
        )
    assert Event.objects.count() == before


def test_a_change_records_old_and_new(convener: User, branch_operator: User, tree: Tree) -> None:
    with assert_events([EventType.USER_CHANGED]) as events:
        user_update(
            actor=convener,
            user=branch_operator,
            role=Role.UNIT_OPERATOR,
            organisation=tree.unit_a,
            display_name="王五",
            phone="13811112222",
        )
    inputs = events[0].inputs
    assert inputs["before"]["role"] == "branch_operator"
    assert inputs["after"]["role"] == "unit_operator"
    assert inputs["before"]["organisation"] == "A1"
    assert inputs["after"]["organisation"] == "A"
    # Saving the same values again changes and records nothing.
    with assert_events([]):
        user_update(
            actor=convener,
            user=branch_operator,
            role=Role.UNIT_OPERATOR,
            organisation=tree.unit_a,
            display_name="王五",
            phone="13811112222",
        )


def _lock(username: str) -> None:
    LoginThrottle.objects.create(
        kind=LoginThrottle.Kind.PAIR,
        key=f"{username}\n10.0.0.1",
        lockouts=1,
        locked_until="2999-01-01T00:00:00Z",
    )
    LoginThrottle.objects.create(
        kind=LoginThrottle.Kind.ACCOUNT, key=username, failures=3, lockouts=0
    )


def test_the_convener_unlocks_an_account_and_it_is_recorded(
    convener: User, unit_operator: User
) -> None:
    _lock(unit_operator.username)
    assert locked_until(unit_operator.username) is not None
    with assert_events([EventType.USER_UNLOCKED]) as events:
        cleared = user_unlock(actor=convener, user=unit_operator)
    assert cleared == 2
    assert events[0].inputs["username"] == unit_operator.username
    assert locked_until(unit_operator.username) is None
    assert not LoginThrottle.objects.exists()


def test_only_the_convener_unlocks_an_address(convener: User, unit_operator: User) -> None:
    LoginThrottle.objects.create(
        kind=LoginThrottle.Kind.ADDRESS, key="10.6.6.6", locked_until="2999-01-01T00:00:00Z"
    )
    with pytest.raises(PermissionDeniedError, match="只有召集机关"):
        login_address_unlock(actor=unit_operator, address="10.6.6.6")
    assert LoginThrottle.objects.count() == 1
    with assert_events([EventType.LOGIN_ADDRESS_UNLOCKED]):
        login_address_unlock(actor=convener, address="10.6.6.6")
    assert not LoginThrottle.objects.exists()


def test_a_reset_gives_a_temporary_password_and_forces_a_change(
    unit_operator: User, branch_operator: User
) -> None:
    _lock(branch_operator.username)
    with assert_events([EventType.USER_PASSWORD_RESET]) as events:
        password = user_reset_password(actor=unit_operator, user=branch_operator)
    branch_operator.refresh_from_db()
    assert branch_operator.check_password(password)
    assert not branch_operator.check_password(factories.PASSWORD)
    assert branch_operator.must_change_password
    assert password not in str(events[0].inputs)
    assert locked_until(branch_operator.username) is None


def test_disabling_needs_a_reason_and_is_recorded(
    unit_operator: User, branch_operator: User
) -> None:
    before = Event.objects.count()
    with pytest.raises(ValidationFailedError, match="须说明原因"):
        user_set_active(actor=unit_operator, user=branch_operator, active=False)
    assert Event.objects.count() == before
    with assert_events([EventType.USER_DISABLED]) as events:
        user_set_active(actor=unit_operator, user=branch_operator, active=False, reason="调离")
    assert events[0].inputs["reason"] == "调离"
    assert not User.objects.get(pk=branch_operator.pk).is_active
    with pytest.raises(ValidationFailedError, match="已停用"):
        user_set_active(actor=unit_operator, user=branch_operator, active=False, reason="再")
    with assert_events([EventType.USER_ENABLED]):
        user_set_active(actor=unit_operator, user=branch_operator, active=True)


def test_an_import_creates_every_account_or_none(unit_operator: User, tree: Tree) -> None:
    rows = [
        NewUser("b1", Role.BRANCH_OPERATOR, tree.branch_a1, "甲"),
        NewUser("b2", Role.BRANCH_OPERATOR, tree.branch_a2, "乙"),
    ]
    with assert_events([EventType.USER_CREATED, EventType.USER_CREATED, EventType.USERS_IMPORTED]):
        created = users_import(actor=unit_operator, rows=rows, source="名单.xlsx")
    assert [u.username for u, _p in created] == ["b1", "b2"]
    assert all(u.check_password(p) and u.must_change_password for u, p in created)
    bad = [
        NewUser("b3", Role.BRANCH_OPERATOR, tree.branch_a1, "丙"),
        NewUser("b4", Role.BRANCH_OPERATOR, tree.branch_b1, "丁"),  # outside the unit
    ]
    before = (User.objects.count(), Event.objects.count())
    with capture_events() as events, pytest.raises(DomainError):
        users_import(actor=unit_operator, rows=bad)
    assert events == []
    assert (User.objects.count(), Event.objects.count()) == before
