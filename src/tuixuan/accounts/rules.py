"""Checks of an account's fields and of a grant, shared by the services and the import."""

from __future__ import annotations

import re

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tuixuan.core import access
from tuixuan.core.models import Organisation, Role, User

PHONE = re.compile(r"^1\d{10}$")


def check_username(username: str) -> str:
    """The Chinese reason a username is not acceptable, or ''."""
    if not username:
        return _("用户名不能为空。")
    if len(username) > 150:
        return _("用户名不能超过 150 个字符。")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        return _("用户名只能包含字母、数字和 @ . + - _。")
    return ""


def check_phone(phone: str) -> str:
    if phone and not PHONE.match(phone):
        return _("手机号码应为 11 位数字，以 1 开头。")
    return ""


def check_grant(actor: User | None, role: Role, organisation: Organisation) -> str:
    """The Chinese reason ``actor`` may not give this role at this organisation, or ''."""
    if access.may_grant(actor, role, organisation):
        return ""
    if actor is not None and not access.in_scope(actor, organisation):
        return _("该党组织不在您的管理范围内。")
    return _("您无权授予“{role}”角色。").format(role=role.label)
