from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

_KEY = "tuixuan_last_seen"
_PRECISION_SECONDS = 60


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
            if last is None or now - float(last) >= _PRECISION_SECONDS:
                # Kept to the minute: page views within a minute do not write the session row.
                request.session[_KEY] = int(now)
        return self.get_response(request)
