"""Password rules: Django's validators with messages written in Chinese, plus complexity.

Django's own messages are English unless a Chinese translation is active at the moment of
validation (a management command, a background thread or a test may have none), so every
message here is our own Chinese text, wrapped in gettext like the rest of the interface.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.contrib.auth import password_validation as django_validators
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ATTRIBUTE_LABELS = {
    "username": "用户名",
    "display_name": "姓名",
    "phone": "手机号码",
    "email": "电子邮箱",
}


class MinimumLengthValidator(django_validators.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return _("密码太短，至少需要 %(min_length)d 个字符。")

    def get_help_text(self) -> str:
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}


class CommonPasswordValidator(django_validators.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return _("密码过于常见，容易被猜到。")

    def get_help_text(self) -> str:
        return _("不能使用常见密码。")


class NumericPasswordValidator(django_validators.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return _("密码不能全部是数字。")

    def get_help_text(self) -> str:
        return _("密码不能全部是数字。")


class UserAttributeSimilarityValidator(django_validators.UserAttributeSimilarityValidator):
    """Too close to the username, name, phone or e-mail; the field is named in Chinese."""

    DEFAULT_USER_ATTRIBUTES = ("username", "display_name", "phone", "email")

    def __init__(
        self,
        user_attributes: tuple[str, ...] = DEFAULT_USER_ATTRIBUTES,
        max_similarity: float = 0.7,
    ) -> None:
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def validate(self, password: str, user: Any = None) -> None:
        for attribute in self.user_attributes:
            one = django_validators.UserAttributeSimilarityValidator(
                user_attributes=[attribute], max_similarity=self.max_similarity
            )
            try:
                one.validate(password, user)
            except ValidationError as exc:
                raise ValidationError(
                    _("密码与%(label)s过于相似。"),
                    code="password_too_similar",
                    params={"label": _ATTRIBUTE_LABELS.get(attribute, attribute)},
                ) from exc

    def get_help_text(self) -> str:
        return _("密码不能与用户名、姓名、手机号码过于相似。")


class ComplexityValidator:
    """At least three of: lower-case, upper-case, digit, other character."""

    def validate(self, password: str, user: object | None = None) -> None:
        kinds = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(kinds) < 3:
            raise ValidationError(
                _("密码须至少包含小写字母、大写字母、数字、符号中的三类。"),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须至少包含小写字母、大写字母、数字、符号中的三类。")


def temporary_password() -> str:
    """A random password that passes every rule, to hand over once; the user must change it."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(10))
        candidate = f"{body[:5]}-{body[5:]}#{secrets.randbelow(90) + 10}"
        kinds = [any(c.islower() for c in body), any(c.isupper() for c in body)]
        if all(kinds):
            return candidate
