"""The set-up pages. Every object comes through ``campaign.access``; every POST calls one
service and redirects, or shows the page again with the form's or the rule's error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuixuan.campaign import access, documents, selectors, services
from tuixuan.campaign.forms import (
    AdjustForm,
    CampaignCreateForm,
    CompleteForm,
    MilestoneForm,
    OverrideForm,
    PlanForm,
    ProposeForm,
    ReasonForm,
    SettingsForm,
    TargetForm,
    UnitAddForm,
    UnitForm,
)
from tuixuan.campaign.models import (
    AllocationStatus,
    CalendarOverride,
    Campaign,
    CampaignStatus,
    ElectionUnit,
    Milestone,
)
from tuixuan.campaign.rules import structure
from tuixuan.core import clock
from tuixuan.core.access import organisations_in_scope
from tuixuan.core.errors import DomainError
from tuixuan.core.forms import AlreadySubmittedError, ask_first, attempt, once, refuse
from tuixuan.core.models import Role, User
from tuixuan.core.next_steps import Step, home_steps


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _attempt(form: forms.Form, call: Callable[[], Any]) -> bool:
    """Run the service; a refusal becomes the form's error and the page is shown again."""
    try:
        call()
    except DomainError as exc:
        refuse(form, exc)
        return False
    return True


def _base(request: HttpRequest, campaign: Campaign, tab: str) -> dict[str, Any]:
    steps = selectors.next_steps(campaign)
    manage = access.can_manage(request.user, campaign)
    return {
        "campaign": campaign,
        "tab": tab,
        "can_manage": manage,
        "steps": steps,
        "next_steps": _what_next(campaign, steps, manage=manage),
    }


def _what_next(campaign: Campaign, steps: list[Any], *, manage: bool) -> list[Step]:
    """The "下一步" box: the first set-up step left, then starting, then 一上."""
    who = campaign.convening_organisation.name
    if campaign.status == CampaignStatus.PREPARING:
        if steps:
            first = steps[0]
            url = reverse(f"campaign:{first.view}", args=[campaign.pk]) if manage else ""
            return [Step(first.text, url, f"部署尚余 {len(steps)} 项", who)]
        url = reverse("campaign:detail", args=[campaign.pk]) if manage else ""
        return [Step("部署已齐备：启动推选工作", url, "启动后名额、选举单位不再变动", who)]
    if campaign.status == CampaignStatus.RUNNING:
        round_ = getattr(campaign, "nomination_round", None)
        if round_ is None:
            return [Step("开启一上推荐", reverse("nomination:index") if manage else "", "", who)]
        return [
            Step(
                "推荐提名进行中：各党支部填报一上，选举单位汇总研究",
                reverse("nomination:round", args=[round_.pk]),
                "",
                "各选举单位、党支部",
            )
        ]
    return []


# --- list and create ---------------------------------------------------------------------


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    campaigns = access.campaigns_for_user(user)
    my_units = (
        access.units_for_user(user).order_by("-campaign__created_at")
        if user.role in (Role.UNIT_OPERATOR, Role.BRANCH_OPERATOR)
        else ElectionUnit.objects.none()
    )
    if user.role not in (
        Role.CONVENER,
        Role.SUPERVISOR,
        Role.UNIT_OPERATOR,
        Role.BRANCH_OPERATOR,
    ):
        raise PermissionDenied("当前角色无权查看推选工作。")
    return render(
        request,
        "campaign/list.html",
        {
            "campaigns": campaigns,
            "my_units": my_units,
            "can_create": user.role == Role.CONVENER,
            "next_steps": home_steps(user)[0],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role != Role.CONVENER or user.organisation is None:
        raise PermissionDenied("只有召集机关的工作人员可以创建推选工作。")
    orgs = organisations_in_scope(user).filter(depth__lte=user.organisation.depth + 1)
    form = CampaignCreateForm(
        request.POST or None,
        organisations=orgs,
        initial={"convening_organisation": user.organisation},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def create() -> Campaign:
            with once(form, user) as submission:
                campaign = services.campaign_create(
                    actor=user,
                    name=d["name"],
                    level=d["level"],
                    term=d["term"],
                    total_seats=d["total_seats"],
                    convening_organisation=d["convening_organisation"],
                )
                submission.result_url = reverse("campaign:units", args=[campaign.pk])
            return campaign

        try:
            made = attempt(form, create)
        except AlreadySubmittedError as exc:
            messages.info(request, exc.message)
            return redirect(exc.result_url or "campaign:list")
        if made is not None:
            messages.success(request, "推选工作已创建，下一步：选定选举单位。")
            return redirect("campaign:units", pk=made.pk)
    return render(
        request, "campaign/create.html", {"form": form}, status=400 if form.errors else 200
    )


# --- detail and settings -----------------------------------------------------------------


def _detail_page(
    request: HttpRequest, campaign: Campaign, form: SettingsForm | None = None, status: int = 200
) -> HttpResponse:
    context = _base(request, campaign, "detail")
    context.update(
        {
            "form": form or SettingsForm(initial=SettingsForm.initial_for(campaign)),
            "blockers": selectors.start_blockers(campaign),
            "units_count": campaign.units.count(),
            "seats_total": selectors.seats_total(campaign),
            "minimum_candidates": selectors.minimum_candidates(campaign),
            "overdue": selectors.overdue_milestones(campaign),
            "status_form": ReasonForm(),
        }
    )
    return render(request, "campaign/detail.html", context, status=status)


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_campaign_for_user(request.user, pk)
    return _detail_page(request, campaign)


@login_required
@require_POST
def campaign_settings(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_campaign_for_user(request.user, pk, write=True)
    user = _user(request)
    form = SettingsForm(request.POST)
    if form.is_valid() and _attempt(
        form,
        lambda: services.campaign_change_settings(
            actor=user, campaign=campaign, changes=form.cleaned_data
        ),
    ):
        messages.success(request, "设置已保存。")
        return redirect("campaign:detail", pk=campaign.pk)
    return _detail_page(request, campaign, form, status=400)


@login_required
@require_POST
def campaign_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    campaign = access.get_campaign_for_user(request.user, pk, write=True)
    user = _user(request)
    reason = request.POST.get("reason", "")
    steps: dict[str, tuple[Callable[[], object], str, str]] = {
        "start": (
            lambda: services.campaign_start(actor=user, campaign=campaign),
            "推选工作已启动。",
            "",
        ),
        "withdraw": (
            lambda: services.campaign_withdraw(actor=user, campaign=campaign, reason=reason),
            "推选工作已撤销。",
            f"将撤销推选工作“{campaign.name}”：不删除，状态变为已撤销，撤销决定和理由"
            "记入全程纪实；撤销后不能恢复。",
        ),
        "complete": (
            lambda: services.campaign_complete(actor=user, campaign=campaign, note=reason),
            "推选工作已完成。",
            f"将把推选工作“{campaign.name}”标记为已完成，记入全程纪实；完成后不能恢复。",
        ),
    }
    if action not in steps:
        raise Http404
    step, done, effect = steps[action]
    if effect:  # irreversible: rehearsed, then confirmed
        page, step = ask_first(
            request,
            step,
            title="撤销推选工作" if action == "withdraw" else "完成推选工作",
            effect=effect,
            button="撤销" if action == "withdraw" else "完成",
            back=reverse("campaign:detail", args=[campaign.pk]),
        )
        if page is not None:
            return page
    try:
        step()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("campaign:detail", pk=campaign.pk)


# --- units -------------------------------------------------------------------------------


def _units_page(
    request: HttpRequest, campaign: Campaign, form: UnitAddForm | None = None, status: int = 200
) -> HttpResponse:
    context = _base(request, campaign, "units")
    candidates = selectors.candidate_organisations(campaign)
    context.update(
        {
            "units": selectors.units(campaign).prefetch_related("recommending_organisations"),
            "form": form or UnitAddForm(candidates=candidates),
            "seats_total": selectors.seats_total(campaign),
        }
    )
    return render(request, "campaign/units.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_units(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        return _units_page(request, access.get_campaign_for_user(request.user, pk))
    campaign = access.get_campaign_for_user(request.user, pk, write=True)
    user = _user(request)
    form = UnitAddForm(request.POST, candidates=selectors.candidate_organisations(campaign))
    if form.is_valid() and _attempt(
        form,
        lambda: services.units_add(
            actor=user,
            campaign=campaign,
            organisations=list(form.cleaned_data["organisations"]),
            rule_profile=form.cleaned_data["rule_profile"] or None,
        ),
    ):
        messages.success(request, f"已增加 {len(form.cleaned_data['organisations'])} 个选举单位。")
        return redirect("campaign:units", pk=campaign.pk)
    return _units_page(request, campaign, form, status=400)


def _unit_page(
    request: HttpRequest, unit: ElectionUnit, form: UnitForm | None = None, status: int = 200
) -> HttpResponse:
    campaign = unit.campaign
    can_manage = access.can_manage(request.user, campaign)
    context = {
        "campaign": campaign,
        "unit": unit,
        "can_manage": can_manage,
        "form": (form or UnitForm(initial=UnitForm.initial_for(unit), unit=unit))
        if can_manage
        else None,
        "recommenders": unit.recommending_organisations.order_by("path"),
        "milestones": selectors.milestones(campaign),
        "targets": selectors.effective_targets(campaign, unit),
        "minimum_candidates": selectors.minimum_candidates(campaign, unit),
        "pool_limit": selectors.pool_limit(campaign, unit),
        "adjustments": unit.adjustments.select_related("actor"),
        "confirmed": campaign.allocation_status == AllocationStatus.CONFIRMED,
    }
    return render(request, "campaign/unit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        return _unit_page(request, access.get_unit_for_user(request.user, pk))
    unit = access.get_unit_for_user(request.user, pk, write=True)
    user = _user(request)
    form = UnitForm(request.POST, unit=unit)
    if form.is_valid():
        d = form.cleaned_data
        if _attempt(
            form,
            lambda: services.unit_update(
                actor=user,
                unit=unit,
                secretary_name=d["secretary_name"],
                secretary_post=d["secretary_post"],
                deputy_name=d["deputy_name"],
                deputy_post=d["deputy_post"],
                rule_profile=d["rule_profile"],
                recommending_organisations=list(d["recommending_organisations"]),
            ),
        ):
            messages.success(request, "选举单位信息已保存。")
            return redirect("campaign:unit", pk=unit.pk)
    return _unit_page(request, unit, form, status=400)


@login_required
@require_POST
def unit_remove(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk, write=True)
    campaign_pk = unit.campaign_id
    try:
        services.unit_remove(actor=_user(request), unit=unit)
        messages.success(request, "选举单位已删除。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("campaign:units", pk=campaign_pk)


# --- allocation --------------------------------------------------------------------------


def _allocation_page(
    request: HttpRequest,
    campaign: Campaign,
    *,
    propose_form: ProposeForm | None = None,
    adjust_form: AdjustForm | None = None,
    confirm_error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = _base(request, campaign, "allocation")
    rows = list(selectors.units(campaign))
    proposal = selectors.current_proposal(campaign)
    context.update(
        {
            "units": rows,
            "proposal": proposal,
            "propose_form": propose_form
            or ProposeForm(
                initial={
                    "minimum": campaign.allocation_minimum,
                    "member_weight": campaign.member_weight,
                }
            ),
            "adjust_form": adjust_form or AdjustForm(units=rows),
            "reopen_form": ReasonForm(),
            "errors": selectors.allocation_errors(campaign),
            "confirm_error": confirm_error,
            "seats_total": sum(u.seats for u in rows),
            "adjustments": selectors.adjustments(campaign).order_by("-at", "-id")[:50],
            "confirmed": campaign.allocation_status == AllocationStatus.CONFIRMED,
        }
    )
    return render(request, "campaign/allocation.html", context, status=status)


@login_required
@require_GET
def allocation(request: HttpRequest, pk: int) -> HttpResponse:
    return _allocation_page(request, access.get_campaign_for_user(request.user, pk))


@login_required
@require_POST
def allocation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    campaign = access.get_campaign_for_user(request.user, pk, write=True)
    user = _user(request)
    if action == "propose":
        propose = ProposeForm(request.POST)
        if propose.is_valid() and _attempt(
            propose,
            lambda: services.allocation_propose(
                actor=user,
                campaign=campaign,
                minimum=propose.cleaned_data["minimum"],
                member_weight=propose.cleaned_data["member_weight"],
            ),
        ):
            messages.success(request, "已按党员数和党组织数测算名额，请核对后确认。")
            return redirect("campaign:allocation", pk=campaign.pk)
        return _allocation_page(request, campaign, propose_form=propose, status=400)
    if action == "adjust":
        adjust = AdjustForm(request.POST, units=list(selectors.units(campaign)))
        if adjust.is_valid() and _attempt(
            adjust,
            lambda: services.allocation_adjust(
                actor=user,
                campaign=campaign,
                seats=adjust.seats(),
                reason=adjust.cleaned_data["reason"],
            ),
        ):
            messages.success(request, "名额调整已保存。")
            return redirect("campaign:allocation", pk=campaign.pk)
        return _allocation_page(request, campaign, adjust_form=adjust, status=400)
    if action == "confirm":
        try:
            services.allocation_confirm(actor=user, campaign=campaign)
        except DomainError as exc:
            return _allocation_page(request, campaign, confirm_error=exc.message, status=400)
        messages.success(request, "名额分配已确认。")
        return redirect("campaign:allocation", pk=campaign.pk)
    if action == "reopen":
        reopen = ReasonForm(request.POST)
        if reopen.is_valid():
            try:
                services.allocation_reopen(
                    actor=user, campaign=campaign, reason=reopen.cleaned_data["reason"]
                )
                messages.success(request, "已撤销名额分配确认。")
            except DomainError as exc:
                messages.error(request, exc.message)
        else:
            messages.error(request, "撤销确认须填写理由。")
        return redirect("campaign:allocation", pk=campaign.pk)
    raise Http404


# --- structure targets -------------------------------------------------------------------


def _targets_page(
    request: HttpRequest, campaign: Campaign, form: TargetForm | None = None, status: int = 200
) -> HttpResponse:
    context = _base(request, campaign, "targets")
    rows = campaign.targets.select_related("unit__organisation").order_by(
        "unit__organisation__code", "id"
    )
    context.update(
        {
            "general": [t for t in rows if t.unit_id is None],
            "by_unit": [t for t in rows if t.unit_id is not None],
            "form": form or TargetForm(campaign=campaign),
        }
    )
    return render(request, "campaign/targets.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        return _targets_page(request, access.get_campaign_for_user(request.user, pk))
    campaign = access.get_campaign_for_user(request.user, pk, write=True)
    user = _user(request)
    form = TargetForm(request.POST, campaign=campaign)
    if form.is_valid():
        d = form.cleaned_data

        def add() -> None:
            threshold = d["threshold"]
            note = d["note"]
            comparator = d["comparator"]
            if d["women_share"]:
                threshold = selectors.women_share_among_members(campaign.convening_organisation)
                note = note or "党员中妇女比例"
                comparator = structure.Comparator.GT.value
            services.target_add(
                actor=user,
                campaign=campaign,
                unit=d["unit"],
                category=d["category"],
                comparator=comparator,
                threshold=threshold,
                base=structure.Base.SHARE.value if d["women_share"] else d["base"],
                note=note,
            )

        if _attempt(form, add):
            messages.success(request, "结构比例目标已增加。")
            return redirect("campaign:targets", pk=campaign.pk)
    return _targets_page(request, campaign, form, status=400)


@login_required
@require_POST
def target_remove(request: HttpRequest, pk: int) -> HttpResponse:
    target = access.get_target_for_user(request.user, pk, write=True)
    campaign_pk = target.campaign_id
    try:
        services.target_remove(actor=_user(request), target=target)
        messages.success(request, "结构比例目标已删除。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("campaign:targets", pk=campaign_pk)


# --- milestones --------------------------------------------------------------------------


def _milestones_page(
    request: HttpRequest,
    campaign: Campaign,
    *,
    plan_form: PlanForm | None = None,
    milestone_form: MilestoneForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _base(request, campaign, "milestones")
    context.update(
        {
            "rows": selectors.milestones(campaign),
            "today": clock.today(),
            "plan_form": plan_form or PlanForm(initial={"start": clock.today()}),
            "milestone_form": milestone_form,
        }
    )
    return render(request, "campaign/milestones.html", context, status=status)


@login_required
@require_GET
def milestones(request: HttpRequest, pk: int) -> HttpResponse:
    return _milestones_page(request, access.get_campaign_for_user(request.user, pk))


@login_required
@require_POST
def milestones_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    campaign = access.get_campaign_for_user(request.user, pk, write=True)
    user = _user(request)
    if action == "plan":
        plan = PlanForm(request.POST)
        if plan.is_valid() and _attempt(
            plan,
            lambda: services.milestones_plan(
                actor=user,
                campaign=campaign,
                start=plan.cleaned_data["start"],
                confirm_past=plan.cleaned_data["confirm_past"],
            ),
        ):
            messages.success(request, "已按工作日编排各阶段时间节点。")
            return redirect("campaign:milestones", pk=campaign.pk)
        return _milestones_page(request, campaign, plan_form=plan, status=400)
    if action == "set":
        form = MilestoneForm(request.POST)
        if form.is_valid() and _attempt(
            form,
            lambda: services.milestone_set(
                actor=user,
                campaign=campaign,
                stage=form.cleaned_data["stage"],
                deadline=form.cleaned_data["deadline"],
                note=form.cleaned_data["note"],
            ),
        ):
            messages.success(request, "时间节点已保存。")
            return redirect("campaign:milestones", pk=campaign.pk)
        return _milestones_page(request, campaign, milestone_form=form, status=400)
    raise Http404


@login_required
@require_POST
def milestone_complete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        milestone = Milestone.objects.get(pk=pk)
    except Milestone.DoesNotExist as exc:
        raise Http404 from exc
    campaign = access.get_campaign_for_user(request.user, milestone.campaign_id, write=True)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写完成日期。")
    else:
        try:
            services.milestone_complete(
                actor=_user(request),
                milestone=milestone,
                completed_on=form.cleaned_data["completed_on"],
            )
            messages.success(request, "已登记完成。")
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("campaign:milestones", pk=campaign.pk)


# --- calendar ----------------------------------------------------------------------------


def _calendar_page(
    request: HttpRequest, form: OverrideForm | None = None, status: int = 200
) -> HttpResponse:
    calendar = selectors.working_calendar()
    today = clock.today()
    years = list(range(today.year - 1, today.year + 3))
    context = {
        "overrides": CalendarOverride.objects.all(),
        "form": form or OverrideForm(),
        "can_edit": access.can_edit_calendar(request.user),
        "years": [(y, calendar.is_known_year(y)) for y in years],
    }
    return render(request, "campaign/calendar.html", context, status=status)


def _require_calendar_reader(request: HttpRequest) -> User:
    user = _user(request)
    if user.role not in (Role.CONVENER, Role.SUPERVISOR, Role.UNIT_OPERATOR):
        raise PermissionDenied("当前角色无权查看节假日安排。")
    return user


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    user = _require_calendar_reader(request)
    if request.method == "GET":
        return _calendar_page(request)
    if not access.can_edit_calendar(user):
        raise PermissionDenied("只有最上级召集机关的工作人员可以录入节假日安排。")
    form = OverrideForm(request.POST)
    if form.is_valid() and _attempt(
        form,
        lambda: services.calendar_override_set(
            actor=user,
            date=form.cleaned_data["date"],
            is_working_day=form.cleaned_data["is_working_day"],
            name=form.cleaned_data["name"],
        ),
    ):
        messages.success(request, "节假日安排已录入。")
        return redirect("campaign:calendar")
    return _calendar_page(request, form, status=400)


@login_required
@require_POST
def calendar_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not access.can_edit_calendar(user):
        raise PermissionDenied("只有最上级召集机关的工作人员可以录入节假日安排。")
    try:
        override = CalendarOverride.objects.get(pk=pk)
    except CalendarOverride.DoesNotExist as exc:
        raise Http404 from exc
    try:
        services.calendar_override_remove(actor=user, override=override)
        messages.success(request, "已删除。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("campaign:calendar")


# --- documents ---------------------------------------------------------------------------


@login_required
@require_GET
def document(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    campaign = access.get_campaign_for_user(request.user, pk)
    built = documents.build(campaign, name)
    if built is None:
        raise Http404
    content, filename, content_type = built
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = documents.content_disposition(filename)
    return response
