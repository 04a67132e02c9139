"""Pages for one's own password and for the accounts a convener or unit operator manages."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tuixuan.accounts import services
from tuixuan.accounts.user_import import read_users, write_template
from tuixuan.core import access
from tuixuan.core.auth import locked_addresses, locked_until, locked_usernames
from tuixuan.core.errors import DomainError
from tuixuan.core.forms import ask_first
from tuixuan.core.models import Organisation, Role, User
from tuixuan.core.passwords import temporary_password
from tuixuan.registry.importing.common import ImportFileError


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _manager(request: HttpRequest) -> User:
    user = _user(request)
    if not access.can_manage_accounts(user):
        raise PermissionDenied("当前角色无权管理账户。")
    return user


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput, max_length=128)
    new_password = forms.CharField(label="新密码", widget=forms.PasswordInput, max_length=128)
    new_password2 = forms.CharField(
        label="再次输入新密码", widget=forms.PasswordInput, max_length=128
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.password_change(
                actor=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            field = "old_password" if "原密码" in exc.message else "new_password"
            form.add_error(field, exc.message)
        else:
            update_session_auth_hash(request, changed)
            messages.success(request, "密码已修改。")
            return redirect("core:home")
    return render(
        request,
        "core/password_change.html",
        {
            "form": form,
            "forced": user.must_change_password,
            "rules": password_validators_help_texts(),
        },
    )


# --- account management -------------------------------------------------------------------


class AccountForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    display_name = forms.CharField(label="姓名", max_length=64)
    role = forms.ChoiceField(label="角色")
    organisation = forms.CharField(label="所属党组织代码", max_length=64)
    department = forms.CharField(
        label="所属部门（联审部门审查人必填）", max_length=64, required=False
    )
    phone = forms.CharField(label="手机", max_length=20, required=False)

    def __init__(self, *args: Any, actor: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        grantable = access.grantable_roles(actor)
        role_field = cast(forms.ChoiceField, self.fields["role"])
        role_field.choices = [(r.value, r.label) for r in Role if r in grantable]
        if editing:
            del self.fields["username"]

    def clean_organisation(self) -> Organisation:
        code = self.cleaned_data["organisation"].strip()
        org = access.organisations_in_scope(self.actor).filter(code=code).first()
        if org is None:
            raise forms.ValidationError("组织代码不存在或不在您的管理范围内。")
        return org


def _show_error(form: forms.Form, message: str) -> None:
    for field, words in (
        ("username", "用户名"),
        ("phone", "手机"),
        ("department", "部门"),
        ("organisation", "党组织"),
        ("role", "角色"),
    ):
        if words in message and field in form.fields:
            form.add_error(field, message)
            return
    form.add_error(None, message)


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    actor = _manager(request)
    q = request.GET.get("q", "").strip()
    users = (
        access.users_in_scope(actor)
        .select_related("organisation")
        .order_by("organisation__path", "username")
    )
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(display_name__icontains=q) | Q(organisation__code=q)
        )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    locked = locked_usernames([u.username for u in rows])
    addresses = locked_addresses() if actor.role == Role.CONVENER else []
    return render(
        request,
        "accounts/account_list.html",
        {"page": page, "rows": rows, "locked": locked, "q": q, "addresses": addresses},
    )


@login_required
@require_POST
def address_unlock(request: HttpRequest) -> HttpResponse:
    actor = _manager(request)
    address = request.POST.get("address", "").strip()
    try:
        services.login_address_unlock(actor=actor, address=address)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已解除客户端地址 {address} 的登录锁定。")
    return redirect("accounts:account_list")


@login_required
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    actor = _manager(request)
    form = AccountForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        password = temporary_password()
        try:
            created = services.user_create(
                actor=actor,
                username=form.cleaned_data["username"].strip(),
                password=password,
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                display_name=form.cleaned_data["display_name"].strip(),
                department=form.cleaned_data["department"].strip(),
                phone=form.cleaned_data["phone"].strip(),
            )
        except DomainError as exc:
            _show_error(form, exc.message)
        else:
            return render(
                request,
                "accounts/account_password.html",
                {"accounts": [(created, password)], "title": "账户已创建"},
            )
    return render(request, "accounts/account_form.html", {"form": form, "title": "新建账户"})


class ImportForm(forms.Form):
    file = forms.FileField(label="用户名单（.xlsx 或 .csv）")

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if Path(f.name).suffix.lower() not in {".xlsx", ".csv"}:
            raise forms.ValidationError("只支持 .xlsx 和 .csv 文件。")
        return f


@login_required
@require_http_methods(["GET", "POST"])
def account_import(request: HttpRequest) -> HttpResponse:
    actor = _manager(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"users{suffix}"
            with path.open("wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            try:
                rows, errors = read_users(path, actor=actor)
            except ImportFileError as exc:
                form.add_error("file", exc.message)
                rows = []
        if not errors and form.is_valid() and not form.errors:
            try:
                created = services.users_import(actor=actor, rows=rows, source=upload.name)
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                return render(
                    request,
                    "accounts/account_password.html",
                    {"accounts": created, "title": f"已导入 {len(created)} 个账户"},
                )
    return render(request, "accounts/account_import.html", {"form": form, "errors": errors})


@login_required
def account_import_template(request: HttpRequest) -> FileResponse:
    _manager(request)
    buffer = io.BytesIO()
    write_template(buffer)  # type: ignore[arg-type]
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename="用户导入模板.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _manager(request)
    target = access.get_managed_user_for_user(actor, pk)
    initial = {
        "display_name": target.display_name,
        "role": target.role,
        "organisation": target.organisation.code if target.organisation else "",
        "department": target.department,
        "phone": target.phone,
    }
    form = AccountForm(request.POST or None, actor=actor, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(
                actor=actor,
                user=target,
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                display_name=form.cleaned_data["display_name"].strip(),
                department=form.cleaned_data["department"].strip(),
                phone=form.cleaned_data["phone"].strip(),
            )
        except DomainError as exc:
            _show_error(form, exc.message)
        else:
            messages.success(request, "账户信息已保存。")
            return redirect("accounts:account_detail", pk=target.pk)
    return render(
        request,
        "accounts/account_detail.html",
        {"target": target, "form": form, "locked_until": locked_until(target.username)},
    )


def _action(request: HttpRequest, pk: int) -> tuple[User, User]:
    actor = _manager(request)
    return actor, access.get_managed_user_for_user(actor, pk)


@login_required
@require_POST
def account_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    actor, target = _action(request, pk)
    try:
        services.user_unlock(actor=actor, user=target)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已解除 {target.username} 的登录锁定。")
    return redirect("accounts:account_detail", pk=target.pk)


@login_required
@require_POST
def account_reset(request: HttpRequest, pk: int) -> HttpResponse:
    actor, target = _action(request, pk)
    page, step = ask_first(
        request,
        lambda: services.user_reset_password(actor=actor, user=target),
        title="重置密码",
        effect=f"将重置 {target.username} 的密码：原密码立即失效，新的一次性密码只显示一次。",
        button="重置",
        back=reverse("accounts:account_detail", args=[target.pk]),
    )
    if page is not None:
        return page
    try:
        password = step()
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:account_detail", pk=target.pk)
    return render(
        request,
        "accounts/account_password.html",
        {"accounts": [(target, password)], "title": "密码已重置"},
    )


@login_required
@require_POST
def account_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    actor, target = _action(request, pk)
    active = request.POST.get("active") == "1"

    def step() -> object:
        return services.user_set_active(
            actor=actor, user=target, active=active, reason=request.POST.get("reason", "")
        )

    run: Callable[[], object] = step
    if not active:
        page, run = ask_first(
            request,
            step,
            title="停用账户",
            effect=f"将停用 {target.username}：停用后该账户不能再登录。",
            button="停用",
            back=reverse("accounts:account_detail", args=[target.pk]),
        )
        if page is not None:
            return page
    try:
        run()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{'启用' if active else '停用'} {target.username}。")
    return redirect("accounts:account_detail", pk=target.pk)
