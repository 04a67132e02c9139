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


# What each role does next, in the order of the procedure (docs/domain.md §2).
_NEXT_STEPS: dict[str, list[tuple[str, str, str]]] = {
    Role.CONVENER: [
        ("核对党组织和党员", "registry:tree", "核对各选举单位的党组织和党员数量"),
        (
            "导入党员名册和外部名单",
            "registry:import",
            "党员名册、同级人大代表、政协委员、处分和立案名单",
        ),
        ("部署推选工作", "campaign:list", "代表名额、选举单位、名额分配、结构比例、时间节点"),
        ("推荐提名", "nomination:index", "开启一上，跟踪各单位报送进度、参与率和推荐汇总"),
        ("组织选举", "election:list", "选举大会：签到、选票、计票、结果、资格审查"),
    ],
    Role.UNIT_OPERATOR: [
        ("查看本单位名额和时间节点", "campaign:list", "市委分配的代表名额、结构比例和时间节点"),
        ("推荐提名汇总", "nomination:index", "各支部报送情况、得票排序、集体研究确定名单"),
        ("核对本单位党员名册", "registry:members", "核对党员信息、表决权状态"),
        ("导入或更新党员名册", "registry:import", "上传 Excel 或 CSV 文件"),
        ("组织本单位选举", "election:list", "签到、选票、计票、结果"),
    ],
    Role.BRANCH_OPERATOR: [
        ("填报推荐（一上）", "nomination:index", "支部党员大会、推荐票、参与方式，按时报送"),
        ("查看推选工作安排", "campaign:list", "本单位的时间节点"),
        ("核对本支部党员名册", "registry:members", "核对每名党员的信息和参与方式"),
        ("导入或更新党员名册", "registry:import", "上传 Excel 或 CSV 文件"),
    ],
    Role.TELLER: [
        ("选举计票", "election:list", "录入选票、双人录入核对、计票"),
    ],
    Role.SUPERVISOR: [
        ("查看推选工作", "campaign:list", "各选举单位名额、结构和时间节点"),
        ("查看推荐提名", "nomination:index", "各单位推荐进度、参与率、资格预警"),
        ("查看党组织和党员", "registry:tree", "监督检查各单位名册"),
        ("查看选举", "election:list", "选举过程和结果"),
        ("查看登录日志", "core:login_log", "检查账户登录情况"),
    ],
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    steps = _NEXT_STEPS.get(user.role, [])
    org = user.organisation
    context: dict[str, object] = {"steps": steps, "org": org}
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
    return render(request, "core/login_log.html", {"rows": rows})
