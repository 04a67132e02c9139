from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def login_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def logout_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
