from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from tuixuan.core.errors import DomainError, PermissionDeniedError

_KEY = "tuixuan_last_seen"
_PRECISION_SECONDS = 60


def _precision() -> float:
    """How stale the stored last-action time may be: a minute, or a tenth of a short timeout."""
    return min(_PRECISION_SECONDS, settings.SESSION_IDLE_TIMEOUT_SECONDS / 10)


_POLLING = "tuixuan_polling"

V = TypeVar("V", bound=Callable[..., Any])


def polling(view: V) -> V:
    """Mark a view that pages call on a timer (progress, counters, the hall screen).

    Such requests are not user actions: they do not renew the idle timeout.
    """
    setattr(view, _POLLING, True)
    return view


def _redirect(request: HttpRequest, to: str) -> HttpResponse:
    """A redirect; to htmx (whose requests follow a 302 unseen) the whole page is sent away."""
    response = redirect(to)
    if request.headers.get("HX-Request"):
        sent_away = HttpResponse(status=200)
        sent_away["HX-Redirect"] = response["Location"]
        return sent_away
    return response


class IdleTimeoutMiddleware:
    """Log a user out after a period without user actions (polling does not count)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        last = request.session.get(_KEY)
        if last is not None and now - float(last) > settings.SESSION_IDLE_TIMEOUT_SECONDS:
            logout(request)
            messages.info(request, "长时间未操作，已自动退出，请重新登录。")
            return _redirect(request, settings.LOGIN_URL)
        response = self.get_response(request)
        if request.user.is_authenticated and (
            last is None
            or (not getattr(request, _POLLING, False) and now - float(last) >= _precision())
        ):
            # Kept to the minute: page views within a minute do not write the session row.
            request.session[_KEY] = int(now)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        setattr(request, _POLLING, getattr(view, _POLLING, False))


class PasswordChangeRequiredMiddleware:
    """Send a user whose password someone else chose to the password-change page first."""

    ALLOWED = ("accounts:password_change", "core:logout")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path_info not in allowed:
                return _redirect(request, "accounts:password_change")
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer Django itself gives (pages and files).

    Static files are answered by WhiteNoise before this point and stay cacheable; everything
    else may carry personal data or a CSRF token, so no browser or proxy may keep a copy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response


class DomainErrorMiddleware:
    """A rule that refused the action, raised anywhere in a view, answers with a Chinese page:
    400 with the rule's message (403 when the rule is about who may act), never a 500.

    Views that can show the message beside the form still catch the error themselves; this
    is for the paths where nothing else would (downloads, small POST actions)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, PermissionDeniedError):
            return render(request, "403.html", {"exception": exception.message}, status=403)
        return render(request, "400.html", {"message": exception.message}, status=400)
