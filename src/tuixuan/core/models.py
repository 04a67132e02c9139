from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

PATH_WIDTH = 9  # ids up to 999,999,999; path segment is the zero-padded id plus "."


def path_segment(pk: int) -> str:
    return f"{pk:0{PATH_WIDTH}d}."


class OrgType(models.TextChoices):
    PROVINCE = "province", _("省委")
    CITY = "city", _("市委")
    COUNTY = "county", _("县（区）委")
    COMMITTEE = "committee", _("党委")
    WORKING_COMMITTEE = "working_committee", _("党工委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")


class Organisation(models.Model):
    """A node of the party organisation tree.

    ``path`` is a materialised path of zero-padded ids so that a subtree is one indexed
    prefix range; member counts are kept on the node so the tree renders without counting
    millions of rows.
    """

    code = models.CharField(_("组织代码"), max_length=64, unique=True)
    name = models.CharField(_("党组织名称"), max_length=128, db_index=True)
    org_type = models.CharField(_("组织类别"), max_length=32, choices=OrgType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(default=0)
    direct_member_count = models.PositiveIntegerField(_("直属党员数"), default=0)
    member_count = models.PositiveIntegerField(_("党员数（含下级）"), default=0)
    child_count = models.PositiveIntegerField(_("下级组织数"), default=0)

    class Meta:
        # The table keeps the name it had when the registry app held the model
        # (core/migrations/0007_organisation_from_registry.py).
        db_table = "registry_organisation"
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering: ClassVar = ["path"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(org_type__in=OrgType.values), name="registry_org_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestor_ids(self) -> list[int]:
        return [int(seg) for seg in self.path.split(".") if seg]


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
        Organisation,
        verbose_name=_("所属党组织"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    department = models.CharField(_("所属部门"), max_length=64, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    # Set when someone else chose the password (creation, import, reset): every page sends
    # the user to the password-change page until they pick their own.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

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
        """What ``core.auth`` writes for a failed attempt (docs/accounts.md)."""

        BAD_PASSWORD = "bad_password", _("密码错误")
        UNKNOWN_USER = "unknown_user", _("用户名不存在")
        BAD_PASSWORD_LOCKED = "bad_password_locked", _("密码错误，触发锁定")
        UNKNOWN_USER_LOCKED = "unknown_user_locked", _("用户名不存在，触发锁定")
        LOCKED_PAIR = "locked_pair", _("本机对该账户已锁定")
        LOCKED_ADDRESS = "locked_address", _("本机已锁定")
        LOCKED_ACCOUNT = "locked_account", _("账户已锁定")

    success = models.BooleanField()
    reason = models.CharField(max_length=64, blank=True, choices=Reason.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering: ClassVar = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {'ok' if self.success else 'fail'}"

    @property
    def reason_display(self) -> str:
        return str(self.get_reason_display())


class LoginThrottle(models.Model):
    """Failed logins counted per client address, per (username, address) and per username.

    The username is the text typed, whether or not such a user exists, so that known and
    unknown usernames are throttled alike. ``lockouts`` counts the lockouts in a row; each
    one lasts twice as long as the one before (docs/accounts.md).
    """

    class Kind(models.TextChoices):
        ADDRESS = "address", _("客户端地址")
        PAIR = "pair", _("用户名和地址")
        ACCOUNT = "account", _("用户名")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=255)
    failures = models.PositiveIntegerField(default=0)
    lockouts = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True, db_index=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "key"], name="core_login_throttle_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["address", "pair", "account"]),
                name="core_login_throttle_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} {self.failures}"


class FormSubmission(models.Model):
    """A one-time form key, stored in the transaction that created what the form asked for;
    the same key sent again finds this row and creates nothing."""

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    result_url = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("表单提交记录")
        verbose_name_plural = _("表单提交记录")

    def __str__(self) -> str:
        return self.key
