from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests import factories
from tests.conftest import Tree, login
from tests.record import assert_events
from tuixuan.accounts.services import user_create
from tuixuan.core.models import Role, User
from tuixuan.core.passwords import temporary_password
from tuixuan.record.events import EventType
from tuixuan.record.models import Event

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def _is_chinese(message: str) -> bool:
    return bool(CHINESE.search(message)) and not ENGLISH_WORD.search(message)


@pytest.mark.parametrize(
    "password",
    ["short1A!", "alllowercaseletters", "ALLUPPER12345", "1234567890123"],
)
def test_it_rejects_weak_passwords(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Tuixuan@2026", "Strong-Passw0rd", "zhong.guo.2026X"])
def test_it_accepts_strong_passwords(password: str) -> None:
    validate_password(password)


@pytest.mark.parametrize("language", [None, "en", "zh-hans"])
@pytest.mark.parametrize(
    ("password", "user", "code"),
    [
        ("Ab1!", None, "password_too_short"),
        ("qwertyuiop", None, "password_too_common"),
        ("98765432109876", None, "password_entirely_numeric"),
        ("abcdefghijkl", None, "password_too_simple"),
        ("Wangxiaoming1", User(username="wangxiaoming1"), "password_too_similar"),
        ("Zhangsanfeng1", User(username="u", display_name="zhangsanfeng"), "password_too_similar"),
    ],
)
def test_every_password_message_is_chinese_whatever_the_active_language(
    language: str | None, password: str, user: User | None, code: str
) -> None:
    with translation.override(language), pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    errors = caught.value.error_list
    assert errors
    if code:
        assert code in {e.code for e in errors}
    for message in caught.value.messages:
        assert _is_chinese(message), message


def test_the_similarity_message_names_the_field_in_chinese() -> None:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validate_password("Wangxiaoming1", User(username="wangxiaoming1"))
    assert "密码与用户名过于相似。" in caught.value.messages


@pytest.mark.parametrize("language", [None, "en"])
def test_the_rules_shown_are_chinese(language: str | None) -> None:
    with translation.override(language):
        texts = password_validators_help_texts()
    assert len(texts) == len(settings.AUTH_PASSWORD_VALIDATORS)
    assert all(_is_chinese(t) for t in texts), texts


def test_temporary_passwords_pass_every_rule() -> None:
    for _ in range(50):
        validate_password(temporary_password())


# --- the password-change page ------------------------------------------------------------

ROLES_FIXTURES = [
    "convener",
    "unit_operator",
    "branch_operator",
    "inspector",
    "department_reviewer",
    "supervisor",
    "teller",
]


def _change(client: Client, old: str, new: str, again: str | None = None) -> object:
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password": new, "new_password2": again or new},
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ROLES_FIXTURES)
def test_every_user_can_change_their_password(persona: str, request: pytest.FixtureRequest) -> None:
    user: User = request.getfixturevalue(persona)
    client = login(user)
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    assert "修改密码" in page.content.decode()
    with assert_events([EventType.USER_PASSWORD_CHANGED]):
        response = _change(client, factories.PASSWORD, "New-Passw0rd-2026")
    assert response.status_code == 302  # type: ignore[attr-defined]
    user.refresh_from_db()
    assert user.check_password("New-Passw0rd-2026")
    # The session survives the change.
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new", "again", "message"),
    [
        ("Not-The-0ld-One", "New-Passw0rd-2026", None, "原密码不正确。"),
        (
            factories.PASSWORD,
            "New-Passw0rd-2026",
            "Other-Passw0rd-2026",
            "两次输入的新密码不一致。",
        ),
        (factories.PASSWORD, "short", None, "密码太短，至少需要 10 个字符。"),
        (
            factories.PASSWORD,
            "abcdefghijklmn",
            None,
            "密码须至少包含小写字母、大写字母、数字、符号中的三类。",
        ),
        (factories.PASSWORD, factories.PASSWORD, None, "新密码不能与原密码相同。"),
    ],
)
def test_a_refused_change_says_why_in_chinese_and_changes_nothing(
    unit_operator: User, old: str, new: str, again: str | None, message: str
) -> None:
    client = login(unit_operator)
    before = (User.objects.get(pk=unit_operator.pk).password, Event.objects.count())
    response = _change(client, old, new, again)
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert message in response.content.decode()  # type: ignore[attr-defined]
    assert (User.objects.get(pk=unit_operator.pk).password, Event.objects.count()) == before


@pytest.mark.django_db
def test_a_new_account_must_change_its_password_before_anything_else(
    tree: Tree, convener: User
) -> None:
    user = user_create(
        actor=convener,
        username="fresh",
        password="Given-Passw0rd-1",
        role=Role.UNIT_OPERATOR,
        organisation=tree.unit_a,
    )
    assert user.must_change_password
    client = Client()
    client.post(reverse("core:login"), {"username": "fresh", "password": "Given-Passw0rd-1"})
    for url in (reverse("core:home"), reverse("registry:members"), reverse("core:login_log")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:password_change")
    polled = client.get(reverse("core:home"), HTTP_HX_REQUEST="true")
    assert (polled.status_code, polled["HX-Redirect"]) == (200, reverse("accounts:password_change"))
    page = client.get(reverse("accounts:password_change"))
    assert "请先设置自己的密码" in page.content.decode()
    with assert_events([EventType.USER_PASSWORD_CHANGED]) as events:
        _change(client, "Given-Passw0rd-1", "Own-Passw0rd-2026")
    assert events[0].inputs["was_required"] is True
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.django_db
def test_logout_stays_reachable_during_a_forced_change(unit_operator: User) -> None:
    User.objects.filter(pk=unit_operator.pk).update(must_change_password=True)
    client = login(unit_operator)
    response = client.post(reverse("core:logout"))
    assert response["Location"] == reverse("core:login")
    assert not client.session.get("_auth_user_id")
