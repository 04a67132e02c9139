from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tuixuan.core.errors import DomainError, PermissionDeniedError

_KEY = "tuixuan_last_seen"


class IdleTimeoutMiddleware:
    """Log a user out after a period without requests."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(_KEY)
            if last is not None and now - float(last) > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.info(request, "长时间未操作，已自动退出，请重新登录。")
                return redirect(settings.LOGIN_URL)
            request.session[_KEY] = now
        return self.get_response(request)


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
