"""State changes of users: creation, import, role and scope, unlock, reset, disable, password.

Every function checks the actor's authority here (``access.may_grant``): nobody gives a role
above theirs or an organisation outside their subtree. ``actor=None`` is the system acting
from the command line on the server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tuixuan.accounts.rules import check_grant, check_phone, check_username
from tuixuan.core import access
from tuixuan.core.errors import PermissionDeniedError, ValidationFailedError
from tuixuan.core.models import LoginThrottle, Organisation, Role, User
from tuixuan.core.passwords import temporary_password
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events


@dataclass(frozen=True)
class NewUser:
    """One account to create, as typed or read from one row of an import file."""

    username: str
    role: Role
    organisation: Organisation
    display_name: str = ""
    department: str = ""
    phone: str = ""


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailedError("；".join(exc.messages)) from exc


def _check_new(actor: User | None, new: NewUser) -> None:
    for reason in (check_username(new.username), check_phone(new.phone)):
        if reason:
            raise ValidationFailedError(reason)
    reason = check_grant(actor, new.role, new.organisation)
    if reason:
        raise PermissionDeniedError(reason)
    if new.role == Role.DEPARTMENT_REVIEWER and not new.department:
        raise ValidationFailedError(_("联审部门审查人必须指定所属部门。"))


def _create(actor: User | None, new: NewUser, password: str, *, must_change_password: bool) -> User:
    _check_new(actor, new)
    _check_password(password, User(username=new.username, display_name=new.display_name))
    if User.objects.filter(username=new.username).exists():
        raise ValidationFailedError(_("用户名“{username}”已存在。").format(username=new.username))
    user = User.objects.create_user(
        username=new.username,
        password=password,
        role=new.role,
        organisation=new.organisation,
        display_name=new.display_name,
        department=new.department,
        phone=new.phone,
        must_change_password=must_change_password,
    )
    record(
        event_type=EventType.USER_CREATED,
        actor=actor,
        summary=f"创建用户 {new.username}（{new.role.label}，{new.organisation.name}）",
        subject_type="user",
        subject_id=user.pk,
        organisation=new.organisation,
        inputs={
            "username": new.username,
            "display_name": new.display_name,
            "role": new.role.value,
            "organisation": new.organisation.code,
            "department": new.department,
            "phone": new.phone,
            "must_change_password": must_change_password,
        },
    )
    return user


@writes_events(EventType.USER_CREATED)
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: Role | str,
    organisation: Organisation,
    display_name: str = "",
    department: str = "",
    phone: str = "",
    must_change_password: bool = True,
) -> User:
    """Create a login bound to one role and one organisation subtree.

    The password is one someone else chose, so by default the user must change it at the
    first login.
    """
    new = NewUser(
        username=username,
        role=Role(role),
        organisation=organisation,
        display_name=display_name,
        department=department,
        phone=phone,
    )
    with transaction.atomic():
        return _create(actor, new, password, must_change_password=must_change_password)


@writes_events(EventType.USERS_IMPORTED, EventType.USER_CREATED)
def users_import(
    *, actor: User | None, rows: Sequence[NewUser], source: str = ""
) -> list[tuple[User, str]]:
    """Create every account of an import file, each with a temporary password; all or none."""
    if not rows:
        raise ValidationFailedError(_("文件中没有用户。"))
    created: list[tuple[User, str]] = []
    with transaction.atomic():
        for new in rows:
            password = temporary_password()
            created.append((_create(actor, new, password, must_change_password=True), password))
        record(
            event_type=EventType.USERS_IMPORTED,
            actor=actor,
            summary=f"导入用户 {len(created)} 个",
            subject_type="user_import",
            subject_id=source or "-",
            inputs={"source": source, "usernames": [u.username for u, _p in created]},
        )
    return created


def _managed(actor: User | None, user: User) -> None:
    """Refuse unless ``actor`` manages this account (and it is not their own)."""
    if actor is not None and actor.pk == user.pk:
        raise PermissionDeniedError(_("不能在这里变更自己的账户。"))
    if user.organisation is None or not user.role:
        if actor is None:
            return
        raise PermissionDeniedError(_("该用户不在您的管理范围内。"))
    if not access.may_grant(actor, user.role, user.organisation):
        raise PermissionDeniedError(_("该用户不在您的管理范围内。"))


@writes_events(EventType.USER_CHANGED, may_skip=True)
def user_update(
    *,
    actor: User | None,
    user: User,
    role: Role | str,
    organisation: Organisation,
    display_name: str,
    department: str = "",
    phone: str = "",
) -> User:
    """Change an account's role, scope, name, department or phone; records old and new."""
    role = Role(role)
    with transaction.atomic():
        locked = (
            User.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=user.pk)
        )
        _managed(actor, locked)
        _check_new(
            actor,
            NewUser(locked.username, role, organisation, display_name, department, phone),
        )
        before = {
            "role": locked.role,
            "organisation": locked.organisation.code if locked.organisation else "",
            "display_name": locked.display_name,
            "department": locked.department,
            "phone": locked.phone,
        }
        after = {
            "role": role.value,
            "organisation": organisation.code,
            "display_name": display_name,
            "department": department,
            "phone": phone,
        }
        if before == after:
            return locked
        locked.role = role
        locked.organisation = organisation
        locked.display_name = display_name
        locked.department = department
        locked.phone = phone
        locked.save(update_fields=["role", "organisation", "display_name", "department", "phone"])
        changed = sorted(k for k in after if before[k] != after[k])
        record(
            event_type=EventType.USER_CHANGED,
            actor=actor,
            summary=f"变更用户 {locked.username}：{'、'.join(changed)}",
            subject_type="user",
            subject_id=locked.pk,
            organisation=locked.organisation,
            inputs={"username": locked.username, "before": before, "after": after},
        )
    return locked


def _clear_locks(username: str) -> int:
    deleted, _detail = LoginThrottle.objects.filter(
        Q(kind=LoginThrottle.Kind.ACCOUNT, key=username)
        | Q(kind=LoginThrottle.Kind.PAIR, key__startswith=f"{username}\n")
    ).delete()
    return deleted


@writes_events(EventType.USER_UNLOCKED)
def user_unlock(*, actor: User | None, user: User) -> int:
    """Clear every login counter and lockout naming this username (all addresses)."""
    with transaction.atomic():
        _managed(actor, user)
        cleared = _clear_locks(user.username)
        record(
            event_type=EventType.USER_UNLOCKED,
            actor=actor,
            summary=f"解除用户 {user.username} 的登录锁定",
            subject_type="user",
            subject_id=user.pk,
            organisation=user.organisation,
            inputs={"username": user.username, "counters_cleared": cleared},
        )
    return cleared


@writes_events(EventType.LOGIN_ADDRESS_UNLOCKED)
def login_address_unlock(*, actor: User | None, address: str) -> int:
    """Clear the counter and lockout of one client address; the convener's (or the system's)."""
    if actor is not None and actor.role != Role.CONVENER:
        raise PermissionDeniedError(_("只有召集机关可以解除客户端地址的锁定。"))
    with transaction.atomic():
        cleared, _detail = LoginThrottle.objects.filter(
            kind=LoginThrottle.Kind.ADDRESS, key=address
        ).delete()
        if not cleared:
            raise ValidationFailedError(_("该地址没有登录锁定。"))
        record(
            event_type=EventType.LOGIN_ADDRESS_UNLOCKED,
            actor=actor,
            summary=f"解除客户端地址 {address} 的登录锁定",
            subject_type="login_address",
            subject_id=address,
            inputs={"address": address},
        )
    return cleared


@writes_events(EventType.USER_PASSWORD_RESET)
def user_reset_password(*, actor: User | None, user: User) -> str:
    """Give the account a temporary password (returned once) and force a change at login.

    The login counters of the username are cleared too, so the person can log in at once.
    """
    password = temporary_password()
    with transaction.atomic():
        locked = (
            User.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=user.pk)
        )
        _managed(actor, locked)
        locked.set_password(password)
        locked.must_change_password = True
        locked.save(update_fields=["password", "must_change_password"])
        cleared = _clear_locks(locked.username)
        record(
            event_type=EventType.USER_PASSWORD_RESET,
            actor=actor,
            summary=f"重置用户 {locked.username} 的密码",
            subject_type="user",
            subject_id=locked.pk,
            organisation=locked.organisation,
            inputs={"username": locked.username, "counters_cleared": cleared},
        )
    return password


@writes_events(EventType.USER_DISABLED, EventType.USER_ENABLED)
def user_set_active(*, actor: User | None, user: User, active: bool, reason: str = "") -> User:
    """Disable an account (it can no longer log in; open sessions end) or enable it again."""
    with transaction.atomic():
        locked = (
            User.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=user.pk)
        )
        _managed(actor, locked)
        if locked.is_active == active:
            raise ValidationFailedError(
                _("该用户已是启用状态。") if active else _("该用户已停用。")
            )
        if not active and not reason.strip():
            raise ValidationFailedError(_("停用账户须说明原因。"))
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        record(
            event_type=EventType.USER_ENABLED if active else EventType.USER_DISABLED,
            actor=actor,
            summary=f"{'启用' if active else '停用'}用户 {locked.username}",
            subject_type="user",
            subject_id=locked.pk,
            organisation=locked.organisation,
            inputs={"username": locked.username, "reason": reason.strip()},
        )
    return locked


@writes_events(EventType.USER_PASSWORD_CHANGED)
def password_change(*, actor: User, old_password: str, new_password: str) -> User:
    """The user changes their own password; clears the forced-change flag."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=actor.pk)
        if not locked.check_password(old_password):
            raise ValidationFailedError(_("原密码不正确。"))
        if old_password == new_password:
            raise ValidationFailedError(_("新密码不能与原密码相同。"))
        _check_password(new_password, locked)
        forced = locked.must_change_password
        locked.set_password(new_password)
        locked.must_change_password = False
        locked.save(update_fields=["password", "must_change_password"])
        record(
            event_type=EventType.USER_PASSWORD_CHANGED,
            actor=locked,
            summary=f"用户 {locked.username} 修改密码",
            subject_type="user",
            subject_id=locked.pk,
            organisation=locked.organisation,
            inputs={"username": locked.username, "was_required": forced},
        )
    return locked
