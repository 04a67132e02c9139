from __future__ import annotations

import datetime as dt
import re
import statistics
import time
from typing import Any

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher, PBKDF2PasswordHasher
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import Tree, login
from tuixuan.core.auth import lockout_delay
from tuixuan.core.models import LoginLog, LoginThrottle, Role, User

pytestmark = pytest.mark.django_db

WRONG = "Wrong-Passw0rd!"


def _post(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(
        reverse("core:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _error(response: Any) -> str:
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', response.content.decode())
    return found.group(1) if found else ""


def _logged_in(client: Client) -> bool:
    return bool(client.session.get("_auth_user_id"))


def test_it_shows_a_chinese_login_page(client: Client) -> None:
    response = client.get(reverse("core:login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_it_redirects_anonymous_users_to_login(client: Client) -> None:
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("core:login") in response["Location"]


def test_it_logs_in_and_logs_the_attempt(client: Client, unit_operator: User) -> None:
    response = _post(client, unit_operator.username, factories.PASSWORD)
    assert response.status_code == 302
    home = client.get(reverse("core:home"))
    assert "选举单位操作员工作台" in home.content.decode()
    log = LoginLog.objects.get()
    assert log.success and log.user == unit_operator


def test_it_refuses_a_wrong_password_and_logs_it(client: Client, unit_operator: User) -> None:
    response = _post(client, unit_operator.username, WRONG)
    assert _error(response) == "用户名或密码错误。"
    assert LoginLog.objects.filter(success=False, reason="bad_password").count() == 1


def test_unknown_and_known_usernames_get_the_same_answers(
    client: Client, unit_operator: User
) -> None:
    answers: dict[str, list[str]] = {"known": [], "unknown": []}
    for who, username in (("known", unit_operator.username), ("unknown", "nobody_here")):
        for _ in range(6):
            answers[who].append(_error(_post(Client(), username, WRONG)))
    assert answers["known"] == answers["unknown"]
    assert answers["known"][0] == "用户名或密码错误。"
    assert answers["known"][4].startswith("登录失败次数过多，请 15 分钟后再试")
    assert answers["known"][5] == answers["known"][4]
    assert not _logged_in(client)


def test_the_password_hasher_runs_for_unknown_usernames_too(
    unit_operator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original_encode = MD5PasswordHasher.encode

    def counting_encode(self: MD5PasswordHasher, password: str, salt: str) -> str:
        calls.append("encode")
        return original_encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting_encode)
    _post(Client(), "nobody_here", WRONG)
    unknown = len(calls)
    calls.clear()
    _post(Client(), unit_operator.username, WRONG)
    known = len(calls)
    assert unknown >= 1
    assert unknown == known


class _SlowHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sha256"
    iterations = 150_000


def test_unknown_and_known_usernames_take_comparable_time(tree: Tree, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["tests.core.test_login._SlowHasher"]
    settings.LOGIN_MAX_FAILURES = 100
    settings.LOGIN_ADDRESS_MAX_FAILURES = 100
    user = factories.user(Role.UNIT_OPERATOR, tree.unit_a, username="timed")
    assert user.password.startswith("pbkdf2_sha256$150000$")
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    for _round in range(5):
        for who, username in (("known", "timed"), ("unknown", "nobody_here")):
            start = time.perf_counter()
            _post(Client(), username, WRONG)
            timings[who].append(time.perf_counter() - start)
    # The fastest of five is the least disturbed by other work on the machine.
    known, unknown = min(timings["known"]), min(timings["unknown"])
    assert 0.5 < unknown / known < 2.0, timings
    # Without the hasher an unknown username would answer in a small fraction of the time.
    assert unknown > statistics.median(timings["known"]) / 4, timings


def test_a_lockout_binds_the_pair_not_the_account(client: Client, unit_operator: User) -> None:
    for _ in range(5):
        _post(client, unit_operator.username, WRONG, ip="10.0.0.9")
    refused = _post(client, unit_operator.username, factories.PASSWORD, ip="10.0.0.9")
    assert _error(refused).startswith("登录失败次数过多")
    assert not _logged_in(client)
    # The owner, on another machine, is not locked out by someone guessing elsewhere.
    other = Client()
    _post(other, unit_operator.username, factories.PASSWORD, ip="10.0.0.20")
    assert _logged_in(other)


def test_a_client_with_no_login_cannot_lock_all_accounts(tree: Tree) -> None:
    users = [factories.user(Role.BRANCH_OPERATOR, tree.branch_a1) for _ in range(18)]
    attacker = Client()
    answers = [
        _error(_post(attacker, u.username, WRONG, ip="10.6.6.6")) for u in users for _ in range(5)
    ]
    # The address is stopped after 20 failures; later attempts are not even counted.
    assert answers[19].startswith("登录失败次数过多")
    assert all(a.startswith("登录失败次数过多") for a in answers[19:])
    address = LoginThrottle.objects.get(kind=LoginThrottle.Kind.ADDRESS, key="10.6.6.6")
    assert address.locked_until is not None
    assert not LoginThrottle.objects.filter(
        kind=LoginThrottle.Kind.ACCOUNT, locked_until__isnull=False
    ).exists()
    # Even the right password is refused from that address now ...
    _post(attacker, users[-1].username, factories.PASSWORD, ip="10.6.6.6")
    assert not _logged_in(attacker)
    # ... while every owner logs in from their own machine.
    for u in users:
        owner = Client()
        _post(owner, u.username, factories.PASSWORD, ip="10.1.1.1")
        assert _logged_in(owner), u.username


def test_an_account_locks_globally_only_at_the_high_threshold(
    unit_operator: User, settings: Any
) -> None:
    settings.LOGIN_ACCOUNT_MAX_FAILURES = 12
    for n in range(11):
        _post(Client(), unit_operator.username, WRONG, ip=f"10.9.0.{n + 1}")
    owner = Client()
    _post(owner, unit_operator.username, factories.PASSWORD, ip="10.2.2.2")
    assert _logged_in(owner)  # 11 failures from 11 machines: still open (and now reset)
    for n in range(12):
        _post(Client(), unit_operator.username, WRONG, ip=f"10.9.1.{n + 1}")
    late = Client()
    refused = _post(late, unit_operator.username, factories.PASSWORD, ip="10.2.2.3")
    assert _error(refused).startswith("登录失败次数过多")
    assert not _logged_in(late)


def test_lockouts_grow_longer_each_time(client: Client, unit_operator: User) -> None:
    assert [lockout_delay(n) for n in (1, 2, 3)] == [
        dt.timedelta(minutes=15),
        dt.timedelta(minutes=30),
        dt.timedelta(minutes=60),
    ]
    assert lockout_delay(30) == dt.timedelta(hours=24)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _post(client, unit_operator.username, WRONG)
        first = LoginThrottle.objects.get(kind=LoginThrottle.Kind.PAIR)
        assert first.locked_until == start + dt.timedelta(minutes=15)
    later = start + dt.timedelta(minutes=16)
    with time_machine.travel(later, tick=False):
        for _ in range(5):
            _post(client, unit_operator.username, WRONG)
        second = LoginThrottle.objects.get(kind=LoginThrottle.Kind.PAIR)
        assert second.lockouts == 2
        assert second.locked_until == later + dt.timedelta(minutes=30)
        assert "30 分钟" in _error(_post(client, unit_operator.username, factories.PASSWORD))


def test_old_failures_are_forgotten(client: Client, unit_operator: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            _post(client, unit_operator.username, WRONG)
    with time_machine.travel(start + dt.timedelta(minutes=61), tick=False):
        _post(client, unit_operator.username, WRONG)
        pair = LoginThrottle.objects.get(kind=LoginThrottle.Kind.PAIR)
        assert (pair.failures, pair.locked_until) == (1, None)


def test_a_success_clears_the_pair_and_account_counters(
    client: Client, unit_operator: User
) -> None:
    for _ in range(4):
        _post(client, unit_operator.username, WRONG)
    _post(client, unit_operator.username, factories.PASSWORD)
    assert _logged_in(client)
    assert not LoginThrottle.objects.filter(
        kind__in=[LoginThrottle.Kind.PAIR, LoginThrottle.Kind.ACCOUNT]
    ).exists()


def test_a_disabled_account_gets_the_usual_answer(client: Client, unit_operator: User) -> None:
    User.objects.filter(pk=unit_operator.pk).update(is_active=False)
    response = _post(client, unit_operator.username, factories.PASSWORD)
    assert _error(response) == "用户名或密码错误。"
    assert not _logged_in(client)


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


def test_the_login_log_gives_reasons_in_chinese(
    client: Client, supervisor: User, unit_operator: User
) -> None:
    _post(client, unit_operator.username, WRONG)
    _post(client, "nobody_here", WRONG)
    page = login(supervisor).get(reverse("core:login_log")).content.decode()
    assert "<td>密码错误</td>" in page
    assert "<td>用户名不存在</td>" in page
    assert "bad_password" not in page


def test_counters_quiet_for_a_day_are_dropped(client: Client, unit_operator: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _post(client, "typo_name", WRONG, ip="10.3.3.3")
    assert LoginThrottle.objects.filter(key__startswith="typo_name").count() == 2
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        _post(client, unit_operator.username, WRONG, ip="10.4.4.4")
    assert not LoginThrottle.objects.filter(key__startswith="typo_name").exists()
    assert not LoginThrottle.objects.filter(key="10.3.3.3").exists()
    assert LoginThrottle.objects.filter(key=unit_operator.username).exists()
