from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import Tree
from tuixuan.core.models import LoginLog, User

pytestmark = pytest.mark.django_db


def _post_login(client: Client, username: str, password: str) -> object:
    return client.post(reverse("core:login"), {"username": username, "password": password})


def test_it_shows_a_chinese_login_page(client: Client) -> None:
    response = client.get(reverse("core:login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_it_redirects_anonymous_users_to_login(client: Client) -> None:
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("core:login") in response["Location"]


def test_it_logs_in_and_logs_the_attempt(client: Client, unit_operator: User) -> None:
    response = _post_login(client, unit_operator.username, factories.PASSWORD)
    assert response.status_code == 302  # type: ignore[attr-defined]
    home = client.get(reverse("core:home"))
    assert "选举单位操作员工作台" in home.content.decode()
    log = LoginLog.objects.get()
    assert log.success and log.user == unit_operator


def test_it_refuses_a_wrong_password_and_logs_it(client: Client, unit_operator: User) -> None:
    response = _post_login(client, unit_operator.username, "wrong")
    assert "用户名或密码错误" in response.content.decode()  # type: ignore[attr-defined]
    assert LoginLog.objects.filter(success=False, reason="bad_password").count() == 1


def test_it_locks_the_account_after_repeated_failures(
    client: Client, unit_operator: User, settings: object
) -> None:
    for _ in range(5):
        _post_login(client, unit_operator.username, "wrong")
    unit_operator.refresh_from_db()
    assert unit_operator.locked_until is not None
    response = _post_login(client, unit_operator.username, factories.PASSWORD)
    assert "已锁定" in response.content.decode()  # type: ignore[attr-defined]
    assert not client.session.get("_auth_user_id")
    # After the lockout expires the right password works again.
    User.objects.filter(pk=unit_operator.pk).update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    _post_login(client, unit_operator.username, factories.PASSWORD)
    assert client.session.get("_auth_user_id") == str(unit_operator.pk)


def test_it_logs_out_after_idle_timeout(client: Client, unit_operator: User) -> None:
    client.force_login(unit_operator)
    assert client.get(reverse("core:home")).status_code == 200
    session = client.session
    session["tuixuan_last_seen"] = timezone.now().timestamp() - 31 * 60
    session.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_it_does_not_redirect_off_site_after_login(client: Client, unit_operator: User) -> None:
    response = client.post(
        reverse("core:login"),
        {
            "username": unit_operator.username,
            "password": factories.PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("core:home")


def test_it_requires_post_to_log_out(client: Client, unit_operator: User) -> None:
    client.force_login(unit_operator)
    assert client.get(reverse("core:logout")).status_code == 405


def test_login_log_is_for_supervisors_only(
    client: Client, supervisor: User, unit_operator: User, tree: Tree
) -> None:
    client.force_login(unit_operator)
    assert client.get(reverse("core:login_log")).status_code == 403
    client.force_login(supervisor)
    assert client.get(reverse("core:login_log")).status_code == 200


def test_login_log_names_each_failure_in_chinese(
    client: Client, supervisor: User, unit_operator: User
) -> None:
    _post_login(client, unit_operator.username, "wrong")
    _post_login(client, "nobody", "wrong")
    client.force_login(supervisor)
    page = client.get(reverse("core:login_log")).content.decode()
    assert "密码错误" in page and "用户名不存在" in page
    assert "bad_password" not in page and "unknown_user" not in page
