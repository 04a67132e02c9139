from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CONVENER = "convener", _("组织部/机关工委（召集机关）")
    UNIT_OPERATOR = "unit_operator", _("选举单位操作员")
    BRANCH_OPERATOR = "branch_operator", _("基层党组织操作员")
    INSPECTOR = "inspector", _("考察组成员")
    DEPARTMENT_REVIEWER = "department_reviewer", _("联审部门审查人")
    SUPERVISOR = "supervisor", _("监督保卫组")
    TELLER = "teller", _("监票/计票人员")


class User(AbstractUser):
    """A person who logs in. Every user acts for one organisation subtree in one role."""

    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("所属党组织"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    department = models.CharField(_("所属部门"), max_length=64, blank=True)
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(role__in=[*Role.values, ""]), name="core_user_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username


class LoginLog(models.Model):
    """One row per login attempt, kept for the supervisors."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)

    class Reason(models.TextChoices):
        UNKNOWN_USER = "unknown_user", _("用户名不存在")
        BAD_PASSWORD = "bad_password", _("密码错误")
        LOCKED = "locked", _("账户已锁定，拒绝登录")
        LOCKED_NOW = "locked_now", _("密码连续错误，账户被锁定")

    success = models.BooleanField()
    reason = models.CharField(max_length=64, blank=True, choices=Reason.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering: ClassVar = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {'ok' if self.success else 'fail'}"
