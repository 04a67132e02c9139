"""Password login with throttling and a log of every attempt (security log, not the record).

Failed attempts are counted three ways (``LoginThrottle.Kind``): per client address, per
(username, address) pair and per username. The pair locks first, so someone who guesses
from one machine locks only their own machine out of that account; the address locks after
a few more failures on any usernames, so one client cannot walk through every account; the
username alone locks only at a much higher count, reached by guessing from many machines.
Each lockout lasts twice as long as the one before. The username counted is the text typed,
so unknown and known usernames behave and answer alike; Django's model backend runs the
password hasher for an unknown username too, so both take the same time.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tuixuan.core.models import LoginLog, LoginThrottle, User

Kind = LoginThrottle.Kind


def _thresholds() -> dict[str, int]:
    return {
        Kind.PAIR: settings.LOGIN_MAX_FAILURES,
        Kind.ADDRESS: settings.LOGIN_ADDRESS_MAX_FAILURES,
        Kind.ACCOUNT: settings.LOGIN_ACCOUNT_MAX_FAILURES,
    }


def _keys(username: str, ip: str | None) -> dict[str, str]:
    address = ip or "-"
    return {
        Kind.ADDRESS: address,
        Kind.PAIR: f"{username}\n{address}",
        Kind.ACCOUNT: username,
    }


def lockout_delay(lockouts: int) -> dt.timedelta:
    """The length of the n-th lockout in a row: the base, doubled each time, capped."""
    minutes = settings.LOGIN_LOCKOUT_MINUTES * 2 ** max(0, min(lockouts, 20) - 1)
    return dt.timedelta(minutes=min(minutes, settings.LOGIN_LOCKOUT_MAX_MINUTES))


def _locked_message(until: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return _("登录失败次数过多，请 {minutes} 分钟后再试。").format(minutes=minutes)


def _query(keys: dict[str, str]) -> Q:
    condition = Q(pk__in=[])
    for kind, key in keys.items():
        condition |= Q(kind=kind, key=key)
    return condition


def _current_lock(keys: dict[str, str], now: dt.datetime) -> tuple[str, dt.datetime] | None:
    rows = LoginThrottle.objects.filter(_query(keys), locked_until__gt=now)
    latest = max(rows, key=lambda r: r.locked_until or now, default=None)
    if latest is None or latest.locked_until is None:
        return None
    return latest.kind, latest.locked_until


def _count_failure(keys: dict[str, str], now: dt.datetime) -> dt.datetime | None:
    """Add one failure to each counter; return the end of a lockout this failure started."""
    window = dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    quiet = dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MAX_MINUTES)
    thresholds = _thresholds()
    started: dt.datetime | None = None
    with transaction.atomic():
        for kind, key in keys.items():
            row, _created = LoginThrottle.objects.select_for_update().get_or_create(
                kind=kind, key=key
            )
            last = row.last_failure_at
            if last is not None and now - last > window:
                row.failures = 0
            if last is not None and now - last > quiet:
                row.lockouts = 0
            row.failures += 1
            row.last_failure_at = now
            if row.failures >= thresholds[kind]:
                row.failures = 0
                row.lockouts += 1
                row.locked_until = now + lockout_delay(row.lockouts)
                started = max(started or row.locked_until, row.locked_until)
            row.save()
        # Counters quiet for a whole maximum lockout are worth nothing: drop them, so that
        # guessed usernames do not pile up.
        LoginThrottle.objects.filter(
            last_failure_at__lt=now - quiet, locked_until__lt=now - quiet
        ).delete()
        LoginThrottle.objects.filter(
            last_failure_at__lt=now - quiet, locked_until__isnull=True
        ).delete()
    return started


def _log(
    username: str, user: User | None, ip: str | None, agent: str, reason: str, ok: bool = False
) -> None:
    LoginLog.objects.create(
        username=username[:150],
        user=user,
        success=ok,
        reason=reason,
        ip=ip,
        user_agent=agent[:255],
    )


def login_attempt(
    *, username: str, password: str, ip: str | None, user_agent: str = ""
) -> tuple[User | None, str]:
    """Check a password under the throttles; log every attempt. Returns (user, Chinese error).

    The answer never tells whether the username exists.
    """
    from django.contrib.auth import authenticate

    now = timezone.now()
    keys = _keys(username[:150], ip)
    lock = _current_lock(keys, now)
    known = User.objects.filter(username=username).first()
    if lock is not None:
        kind, lock_end = lock
        _log(username, known, ip, user_agent, f"locked_{kind}")
        return None, _locked_message(lock_end, now)
    authenticated = authenticate(username=username, password=password)
    if not isinstance(authenticated, User) or not authenticated.is_active:
        until = _count_failure(keys, now)
        reason = "bad_password" if known is not None else "unknown_user"
        _log(username, known, ip, user_agent, reason if until is None else f"{reason}_locked")
        return None, _("用户名或密码错误。") if until is None else _locked_message(until, now)
    with transaction.atomic():
        LoginThrottle.objects.filter(
            Q(kind=Kind.PAIR, key=keys[Kind.PAIR]) | Q(kind=Kind.ACCOUNT, key=keys[Kind.ACCOUNT])
        ).delete()
        _log(username, authenticated, ip, user_agent, "", ok=True)
    return authenticated, ""


def locked_until(username: str) -> dt.datetime | None:
    """When the latest lockout naming this username ends (any address), or None."""
    now = timezone.now()
    rows = LoginThrottle.objects.filter(
        Q(kind=Kind.ACCOUNT, key=username) | Q(kind=Kind.PAIR, key__startswith=f"{username}\n"),
        locked_until__gt=now,
    ).values_list("locked_until", flat=True)
    return max((r for r in rows if r is not None), default=None)


def locked_usernames(usernames: list[str]) -> set[str]:
    """Those of ``usernames`` under a lockout now (any address); one query."""
    now = timezone.now()
    locked: set[str] = set()
    for kind, key in LoginThrottle.objects.filter(
        kind__in=[Kind.ACCOUNT, Kind.PAIR], locked_until__gt=now
    ).values_list("kind", "key"):
        locked.add(key if kind == Kind.ACCOUNT else key.split("\n", 1)[0])
    return locked & set(usernames)


def locked_addresses() -> list[LoginThrottle]:
    """Client addresses under a lockout now, latest lockout first."""
    return list(
        LoginThrottle.objects.filter(kind=Kind.ADDRESS, locked_until__gt=timezone.now()).order_by(
            "-locked_until"
        )[:100]
    )
