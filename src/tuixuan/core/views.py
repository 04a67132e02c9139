from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from tuixuan.core import access
from tuixuan.core.auth import login_attempt
from tuixuan.core.models import Role, User
from tuixuan.core.next_steps import home_steps, page_steps


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput, max_length=128)


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        user, error = login_attempt(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            ip=_client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url or "core:home")
    return render(request, "core/login.html", {"form": form, "error": error, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "已安全退出。")
    return redirect("core:login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    waiting, steps = home_steps(user)
    org = user.organisation
    context: dict[str, object] = {"waiting": waiting, "steps": steps, "org": org}
    if org is not None and access.can_read_registry(user):
        context["children"] = list(
            access.organisations_in_scope(user).filter(parent=org).order_by("code")[:40]
        )
    return render(request, "core/home.html", context)


@login_required
def login_log(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    if user.role not in {Role.SUPERVISOR, Role.CONVENER}:
        return render(request, "core/forbidden.html", status=403)
    rows = access.login_log_in_scope(user).select_related("user")[:200]
    return render(request, "core/login_log.html", {"rows": rows, "next_steps": page_steps(user)})
