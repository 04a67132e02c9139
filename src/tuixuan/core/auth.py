"""Password login with lockout and a log of every attempt (security log, not the record)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tuixuan.core.models import LoginLog, User


def _locked(user: User, now: dt.datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def login_attempt(
    *, username: str, password: str, ip: str | None, user_agent: str = ""
) -> tuple[User | None, str]:
    """Check a password with lockout; log every attempt. Returns (user, Chinese error)."""
    from django.contrib.auth import authenticate

    now = timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is not None and _locked(user, now):
            locked_until = user.locked_until or now
            minutes = int((locked_until - now).total_seconds() // 60) + 1
            LoginLog.objects.create(
                username=username,
                user=user,
                success=False,
                reason=LoginLog.Reason.LOCKED,
                ip=ip,
                user_agent=user_agent[:255],
            )
            return None, f"密码错误次数过多，账户已锁定，请 {minutes} 分钟后再试。"
        authenticated = authenticate(username=username, password=password)
        if authenticated is None or not authenticated.is_active:
            reason = (
                LoginLog.Reason.BAD_PASSWORD if user is not None else LoginLog.Reason.UNKNOWN_USER
            )
            message = "用户名或密码错误。"
            if user is not None:
                user.failed_logins += 1
                if user.failed_logins >= settings.LOGIN_MAX_FAILURES:
                    user.locked_until = now + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
                    user.failed_logins = 0
                    reason = LoginLog.Reason.LOCKED_NOW
                    message = (
                        f"密码连续错误 {settings.LOGIN_MAX_FAILURES} 次，账户已锁定 "
                        f"{settings.LOGIN_LOCKOUT_MINUTES} 分钟。"
                    )
                user.save(update_fields=["failed_logins", "locked_until"])
            LoginLog.objects.create(
                username=username,
                user=user,
                success=False,
                reason=reason,
                ip=ip,
                user_agent=user_agent[:255],
            )
            return None, message
        if not isinstance(authenticated, User):
            raise TypeError("unexpected user model")
        authenticated.failed_logins = 0
        authenticated.locked_until = None
        authenticated.save(update_fields=["failed_logins", "locked_until"])
        LoginLog.objects.create(
            username=username,
            user=authenticated,
            success=True,
            ip=ip,
            user_agent=user_agent[:255],
        )
        return authenticated, ""
