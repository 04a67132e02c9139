"""The pages of 公示, objections, 二下 and 报批. Every object comes through
``notice.access``; every POST calls one service and redirects, or shows the refusal beside
the form with what was typed (status 400)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import ElectionUnit
from tuixuan.core import clock
from tuixuan.core.access import in_scope
from tuixuan.core.errors import DomainError
from tuixuan.core.forms import AlreadySubmittedError, ask_first, attempt, once
from tuixuan.core.models import Role, User
from tuixuan.notice import access, documents, domain, next_steps, selectors, services
from tuixuan.notice.forms import (
    AssignForm,
    ConcludeForm,
    DecisionForm,
    ExtendForm,
    InvestigateForm,
    NoticeForm,
    ObjectionForm,
    PlacementForm,
    PublishForm,
    ReviewForm,
    SubmitForm,
)
from tuixuan.notice.models import CandidateList, Notice, Objection
from tuixuan.notice.rules.slate import SlateSuggestion
from tuixuan.record.events import EventType
from tuixuan.record.models import Attachment, Event
from tuixuan.record.services import AttachmentFile
from tuixuan.registry.models import Member
from tuixuan.vetting import domain as vetting_domain

DECIDE_EFFECT = "将以集体研究决定的名义确定候选人预备人选，记入全程纪实；确定后只能重新研究。"
PUBLISH_EFFECT = "发布后不能撤回，公示期不能缩短。"


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _writer(user: User) -> bool:
    return user.role in access.WRITERS


def _convener(user: User, unit: ElectionUnit) -> bool:
    return user.role == Role.CONVENER and in_scope(user, unit.campaign.convening_organisation)


# --- index and the unit ------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    units = list(access.units_in_scope(user)[:200])
    return render(
        request,
        "notice/index.html",
        {"units": units, "next_steps": next_steps.waiting_for(user)},
    )


def _unit_page(
    request: HttpRequest,
    unit: ElectionUnit,
    *,
    status: int = 200,
    notice_form: NoticeForm | None = None,
    placement_form: PlacementForm | None = None,
) -> HttpResponse:
    user = _user(request)
    state = selectors.unit_state(unit)
    return render(
        request,
        "notice/unit.html",
        {
            "unit": unit,
            "state": state,
            "writer": _writer(user),
            "convener": _convener(user, unit),
            "notice_form": notice_form
            or NoticeForm(
                initial={
                    "scope": domain.Scope.UNIT.value,
                    "channels": ["公示栏", "内网"],
                    "working_days": unit.campaign.notice_working_days,
                }
            ),
            "placement_form": placement_form or PlacementForm(initial={"placed_on": clock.today()}),
            "next_steps": next_steps.unit_steps(
                unit, writer=_writer(user), convener=_convener(user, unit)
            ),
        },
        status=status,
    )


@login_required
@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _unit_page(request, access.get_unit_for_user(request.user, pk))


@login_required
@require_POST
def notice_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk, write=True)
    user = _user(request)
    form = NoticeForm(request.POST)
    kind = request.POST.get("kind", domain.NoticeKind.PRELIMINARY)
    if form.is_valid():
        made = attempt(
            form,
            lambda: services.notice_prepare(actor=user, unit=unit, kind=kind, **form.cleaned_data),
        )
        if made is not None:
            messages.success(request, "公示已拟定，请核对内容后发布。")
            return redirect("notice:notice", pk=made.pk)
    if kind == domain.NoticeKind.CANDIDATES:
        current = selectors.current_list(unit)
        if current is not None:
            return _list_page(request, current, status=400, notice_form=form)
    return _unit_page(request, unit, status=400, notice_form=form)


@login_required
@require_POST
def placement_add(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk, write=True)
    user = _user(request)
    form = PlacementForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        member = Member.objects.filter(citizen_id=d["citizen_id"].strip().upper()).first()
        if member is None or not in_scope(user, member.organisation):
            form.add_error("citizen_id", "未找到该党员。")
        elif attempt(
            form,
            lambda: services.placement_add(
                actor=user,
                unit=unit,
                member=member,
                nominated_by=unit.campaign.convening_organisation,
                placed_on=d["placed_on"],
                reason=d["reason"],
                post=d["post"],
            ),
        ):
            messages.success(request, "上级提名人选已安排。")
            return redirect("notice:unit", pk=unit.pk)
    return _unit_page(request, unit, status=400, placement_form=form)


# --- the notice ----------------------------------------------------------------------------


def _objection_form(notice: Notice, data: Any = None, files: Any = None) -> ObjectionForm:
    entries = [(e.pk, e.member.name) for e in notice.entries.select_related("member")]
    return ObjectionForm(data, files, entries=entries, initial={"received_on": clock.today()})


def _notice_page(
    request: HttpRequest,
    notice: Notice,
    *,
    status: int = 200,
    form: NoticeForm | None = None,
    publish_form: PublishForm | None = None,
    extend_form: ExtendForm | None = None,
    objection_form: ObjectionForm | None = None,
) -> HttpResponse:
    user = _user(request)
    today = clock.today()
    blockers: list[str] = []
    if notice.status == domain.NoticeStatus.DRAFT:
        blockers = domain.notice_publish_blockers(
            status=notice.status,
            persons=notice.entries.count(),
            working_days=notice.working_days,
            minimum=max(domain.MIN_WORKING_DAYS, notice.campaign.notice_working_days),
            channels=list(notice.channels),
            contact_phone=notice.contact_phone,
            contact_address=notice.contact_address,
        )
    elif notice.status == domain.NoticeStatus.PUBLISHED:
        blockers = domain.notice_close_blockers(
            status=notice.status, ends_on=notice.ends_on, today=today
        )
    return render(
        request,
        "notice/notice.html",
        {
            "notice": notice,
            "text": selectors.notice_text(notice),
            "kind_label": domain.NOTICE_KIND_LABELS[domain.NoticeKind(notice.kind)],
            "status_label": domain.NOTICE_STATUS_LABELS[domain.NoticeStatus(notice.status)],
            "scope_label": domain.SCOPE_LABELS[domain.Scope(notice.scope)],
            "blockers": blockers,
            "writer": _writer(user),
            "form": form
            or NoticeForm(
                initial={
                    "scope": notice.scope,
                    "channels": notice.channels,
                    "working_days": notice.working_days,
                    "contact_phone": notice.contact_phone,
                    "contact_address": notice.contact_address,
                }
            ),
            "publish_form": publish_form or PublishForm(initial={"published_on": today}),
            "extend_form": extend_form or ExtendForm(initial={"working_days": notice.working_days}),
            "objection_form": objection_form or _objection_form(notice),
            "objections": access.objections_in_scope(user)
            .filter(notice=notice)
            .select_related("entry__member", "handler")
            .order_by("received_on", "pk"),
            "publish_effect": (
                f"将发布公示（{notice.entries.count()} 人），"
                f"公示期 {notice.working_days} 个工作日，截止日期按工作日计算；{PUBLISH_EFFECT}"
            ),
            "close_effect": "将结束公示并记入全程纪实；结束后不能再登记本次公示期间的举报。",
            "next_steps": next_steps.unit_steps(
                notice.unit, writer=_writer(user), convener=_convener(user, notice.unit)
            ),
        },
        status=status,
    )


@login_required
@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_page(request, access.get_notice_for_user(request.user, pk))


@login_required
@require_POST
def notice_revise(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access.get_notice_for_user(request.user, pk, write=True)
    user = _user(request)
    form = NoticeForm(request.POST)
    if form.is_valid() and attempt(
        form, lambda: services.notice_revise(actor=user, notice=notice, **form.cleaned_data)
    ):
        messages.success(request, "公示已修改。")
        return redirect("notice:notice", pk=notice.pk)
    return _notice_page(request, notice, status=400, form=form)


@login_required
@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access.get_notice_for_user(request.user, pk, write=True)
    user = _user(request)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _notice_page(request, notice, status=400, publish_form=form)
    page, step = ask_first(
        request,
        lambda: services.notice_publish(actor=user, notice=notice, **form.cleaned_data),
        title="发布公示",
        effect=f"将发布公示，公示期 {notice.working_days} 个工作日；{PUBLISH_EFFECT}",
        button="发布",
        back=reverse("notice:notice", args=[notice.pk]),
    )
    if page is not None:
        return page
    if attempt(form, step) is None:
        return _notice_page(request, notice, status=400, publish_form=form)
    messages.success(request, "公示已发布。")
    return redirect("notice:notice", pk=notice.pk)


@login_required
@require_POST
def notice_extend(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access.get_notice_for_user(request.user, pk, write=True)
    user = _user(request)
    form = ExtendForm(request.POST)
    if form.is_valid() and attempt(
        form, lambda: services.notice_extend(actor=user, notice=notice, **form.cleaned_data)
    ):
        messages.success(request, "公示期已延长。")
        return redirect("notice:notice", pk=notice.pk)
    return _notice_page(request, notice, status=400, extend_form=form)


@login_required
@require_POST
def notice_close(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access.get_notice_for_user(request.user, pk, write=True)
    user = _user(request)
    page, step = ask_first(
        request,
        lambda: services.notice_close(actor=user, notice=notice),
        title="结束公示",
        effect="将结束公示并记入全程纪实，结束后不能恢复。",
        button="结束公示",
        back=reverse("notice:notice", args=[notice.pk]),
    )
    if page is not None:
        return page
    try:
        step()
    except DomainError as exc:
        messages.error(request, exc.message)
        return _notice_page(request, notice, status=400)
    messages.success(request, "公示已结束。")
    return redirect("notice:notice", pk=notice.pk)


@login_required
@require_GET
def notice_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    notice = access.get_notice_for_user(request.user, pk)
    if fmt not in ("pdf", "docx"):
        raise Http404
    return documents.response(documents.notice_file(notice, fmt), f"公示-{notice.pk}.{fmt}")


@login_required
@require_POST
def objection_add(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access.get_notice_for_user(request.user, pk, write=True)
    user = _user(request)
    form = _objection_form(notice, request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        entry = notice.entries.filter(pk=d["entry"]).first()
        upload = d.get("attachment")
        files = (
            [AttachmentFile(upload.name, upload, upload.content_type or "")]
            if upload is not None
            else []
        )
        if entry is None:
            form.add_error("entry", "被反映人不在该公示名单中。")
        else:
            try:
                with once(form, user) as row:
                    made = attempt(
                        form,
                        lambda: services.objection_record(
                            actor=user,
                            notice=notice,
                            entry=entry,
                            received_on=d["received_on"],
                            channel=d["channel"],
                            anonymous=d["anonymous"],
                            complainant=d["complainant"],
                            complainant_contact=d["complainant_contact"],
                            content=d["content"],
                            attachments=files,
                        ),
                    )
                    if made is None:
                        raise _Refused
                    row.result_url = reverse("notice:objection", args=[made.pk])
            except _Refused:
                pass
            except AlreadySubmittedError as exc:
                return redirect(exc.result_url or reverse("notice:notice", args=[notice.pk]))
            else:
                messages.success(request, "举报已登记。")
                return redirect(row.result_url)
    return _notice_page(request, notice, status=400, objection_form=form)


class _Refused(Exception):
    """Rolls the one-time key back with a refused creation."""


# --- objections ----------------------------------------------------------------------------


def _handlers(objection: Objection) -> list[User]:
    org = objection.notice.unit.organisation
    prefixes = [org.path[: i + 1] for i, ch in enumerate(org.path) if ch == "."]
    return list(
        User.objects.filter(
            role__in=[Role.SUPERVISOR, Role.DEPARTMENT_REVIEWER, Role.CONVENER],
            is_active=True,
            organisation__path__in=prefixes,
        ).order_by("role", "username")[:200]
    )


def _objection_page(
    request: HttpRequest,
    objection: Objection,
    *,
    status: int = 200,
    assign_form: AssignForm | None = None,
    investigate_form: InvestigateForm | None = None,
    conclude_form: ConcludeForm | None = None,
) -> HttpResponse:
    user = _user(request)
    unit = objection.notice.unit
    reader = access.can_read_objection_content(user, objection)
    attachments: list[Attachment] = (
        list(Attachment.objects.filter(event_id=objection.received_event_id))
        if reader and objection.received_event_id
        else []
    )
    reasons = list(
        objection.notice.campaign.disqualification_reasons or vetting_domain.DISQUALIFICATIONS
    )
    today = clock.today()
    return render(
        request,
        "notice/objection.html",
        {
            "o": objection,
            "reader": reader,
            "attachments": attachments,
            "status_label": domain.OBJECTION_STATUS_LABELS[
                domain.ObjectionStatus(objection.status)
            ],
            "channel_label": domain.CHANNEL_LABELS[domain.Channel(objection.channel)],
            "conclusion_label": domain.CONCLUSION_LABELS[domain.Conclusion(objection.conclusion)]
            if objection.conclusion
            else "",
            "can_assign": _writer(user)
            and objection.status
            in (domain.ObjectionStatus.RECEIVED, domain.ObjectionStatus.ASSIGNED),
            "can_investigate": objection.handler_id == user.pk
            and objection.status == domain.ObjectionStatus.ASSIGNED,
            "can_conclude": _convener(user, unit)
            and objection.status == domain.ObjectionStatus.INVESTIGATED,
            "assign_form": assign_form
            or AssignForm(handlers=_handlers(objection), initial={"assigned_on": today}),
            "investigate_form": investigate_form
            or InvestigateForm(initial={"investigated_on": today}),
            "conclude_form": conclude_form
            or ConcludeForm(reasons=reasons, initial={"concluded_on": today}),
            "next_steps": next_steps.unit_steps(
                unit, writer=_writer(user), convener=_convener(user, unit)
            )
            if user.role in access.READERS
            else [],
        },
        status=status,
    )


@login_required
@require_GET
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _objection_page(request, access.get_objection_for_user(request.user, pk))


@login_required
@require_POST
def objection_assign(request: HttpRequest, pk: int) -> HttpResponse:
    objection = access.get_objection_for_user(request.user, pk, write=True)
    user = _user(request)
    if user.role not in access.WRITERS:
        raise PermissionDenied
    handlers = _handlers(objection)
    form = AssignForm(request.POST, handlers=handlers)
    if form.is_valid():
        handler = next(u for u in handlers if u.pk == form.cleaned_data["handler"])
        if attempt(
            form,
            lambda: services.objection_assign(
                actor=user,
                objection=objection,
                handler=handler,
                assigned_on=form.cleaned_data["assigned_on"],
            ),
        ):
            messages.success(request, "已交办核查。")
            return redirect("notice:objection", pk=objection.pk)
    return _objection_page(request, objection, status=400, assign_form=form)


@login_required
@require_POST
def objection_investigate(request: HttpRequest, pk: int) -> HttpResponse:
    objection = access.get_objection_for_user(request.user, pk, write=True)
    user = _user(request)
    form = InvestigateForm(request.POST)
    if form.is_valid() and attempt(
        form,
        lambda: services.objection_investigate(
            actor=user, objection=objection, **form.cleaned_data
        ),
    ):
        messages.success(request, "核查情况已登记。")
        return redirect("notice:objection", pk=objection.pk)
    return _objection_page(request, objection, status=400, investigate_form=form)


@login_required
@require_POST
def objection_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    objection = access.get_objection_for_user(request.user, pk, write=True)
    user = _user(request)
    reasons = list(
        objection.notice.campaign.disqualification_reasons or vetting_domain.DISQUALIFICATIONS
    )
    form = ConcludeForm(request.POST, reasons=reasons)
    if not form.is_valid():
        return _objection_page(request, objection, status=400, conclude_form=form)
    page, step = ask_first(
        request,
        lambda: services.objection_conclude(actor=user, objection=objection, **form.cleaned_data),
        title="举报办结",
        effect="将作出办结结论并记入全程纪实；结论为属实的，该人选不予考虑（一票否决），不能撤回。",
        button="办结",
        back=reverse("notice:objection", args=[objection.pk]),
    )
    if page is not None:
        return page
    if attempt(form, step) is None:
        return _objection_page(request, objection, status=400, conclude_form=form)
    messages.success(request, "举报已办结。")
    return redirect("notice:objection", pk=objection.pk)


@login_required
@require_GET
def objection_attachment(request: HttpRequest, pk: int, position: int) -> HttpResponseBase:
    objection = access.get_objection_for_user(request.user, pk)
    if not access.can_read_objection_content(request.user, objection):
        raise Http404
    if objection.received_event_id is None:
        raise Http404
    found = Attachment.objects.filter(
        event_id=objection.received_event_id, position=position
    ).first()
    if found is None:
        raise Http404
    path = Path(settings.MEDIA_ROOT) / found.stored_path
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=found.name)


# --- 二下 ------------------------------------------------------------------------------------


def _decision_persons(unit: ElectionUnit) -> list[tuple[int, str]]:
    rows = [(r.case.member_id, r.case.member.name) for r in selectors.pool(unit) if r.eligible]
    rows += [(p.member_id, f"{p.member.name}（上级提名）") for p in selectors.placements(unit)]
    return rows


def _adopted(unit: ElectionUnit, raw: str | None) -> list[int]:
    """The member ids of a recorded suggestion of this unit (``?adopt=<event>``)."""
    if not raw or not raw.isdigit():
        return []
    event = Event.objects.filter(
        pk=int(raw),
        event_type=EventType.NOTICE_SLATE_SUGGESTED,
        subject_type="campaign.unit",
        subject_id=str(unit.pk),
    ).first()
    if event is None:
        return []
    return [int(i) for i in event.inputs.get("suggested", [])]


def _decide_page(
    request: HttpRequest,
    unit: ElectionUnit,
    *,
    status: int = 200,
    form: DecisionForm | None = None,
    suggestion: SlateSuggestion | None = None,
    suggestion_event: int | None = None,
) -> HttpResponse:
    user = _user(request)
    persons = _decision_persons(unit)
    if form is None:
        adopted = _adopted(unit, request.GET.get("adopt"))
        initial: dict[str, Any] = {"decided_on": clock.today()}
        if adopted:
            initial["adopted_suggestion"] = True
            initial.update({f"v_{pk}": "" for pk in adopted})
        form = DecisionForm(persons=persons, initial=initial)
        form.adopted = adopted  # type: ignore[attr-defined]
    names = dict(persons)
    pool = selectors.pool(unit)
    support: dict[int, int | str] = {r.case.member_id: r.support for r in pool}
    blockers = [b for r in pool for b in r.blockers]
    earliest = selectors.decision_earliest(unit)
    if earliest is None:
        blockers.insert(0, "初步人选的公示尚未结束，不能研究确定预备人选")
    current = selectors.current_list(unit)
    if current is not None and current.status != domain.ListStatus.DECIDED:
        blockers.insert(
            0,
            f"本单位的预备人选名单{domain.LIST_STATUS_LABELS[domain.ListStatus(current.status)]}，"
            "不能重新研究",
        )
    return render(
        request,
        "notice/decide.html",
        {
            "unit": unit,
            "form": form,
            "persons": [(pk, name, form[f"v_{pk}"], support.get(pk, "—")) for pk, name in persons],
            "pool": pool,
            "blockers": blockers,
            "minimum": campaign_selectors.minimum_candidates(unit.campaign, unit),
            "targets": campaign_selectors.effective_targets(unit.campaign, unit),
            "suggestion": suggestion,
            "suggested_names": [names.get(i, str(i)) for i in suggestion.chosen or ()]
            if suggestion is not None
            else [],
            "suggestion_event": suggestion_event,
            "adopted": set(getattr(form, "adopted", [])),
            "writer": _writer(user),
            "effect": DECIDE_EFFECT,
            "next_steps": next_steps.unit_steps(
                unit, writer=_writer(user), convener=_convener(user, unit)
            ),
        },
        status=status,
    )


@login_required
@require_GET
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide_page(request, access.get_unit_for_user(request.user, pk))


@login_required
@require_POST
def suggest(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk, write=True)
    user = _user(request)
    try:
        suggestion = services.slate_suggest(actor=user, unit=unit)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _decide_page(request, unit, status=400)
    event = (
        Event.objects.filter(event_type=EventType.NOTICE_SLATE_SUGGESTED, subject_id=str(unit.pk))
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return _decide_page(request, unit, suggestion=suggestion, suggestion_event=event)


@login_required
@require_POST
def decide_post(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk, write=True)
    user = _user(request)
    form = DecisionForm(request.POST, persons=_decision_persons(unit))
    if not form.is_valid():
        return _decide_page(request, unit, status=400, form=form)
    d = form.cleaned_data
    call: Callable[[], CandidateList] = lambda: services.list_decide(  # noqa: E731
        actor=user,
        unit=unit,
        decided_on=d["decided_on"],
        attendance_due=d["attendance_due"],
        attendance_present=d["attendance_present"],
        decision=d["decision"],
        accountable_person=d["accountable_person"],
        votes=form.votes(),
        adopted_suggestion=bool(d.get("adopted_suggestion")),
    )
    page, step = ask_first(
        request,
        call,
        title="集体研究确定候选人预备人选",
        effect=DECIDE_EFFECT,
        button="记录",
        back=reverse("notice:decide", args=[unit.pk]),
    )
    if page is not None:
        return page
    made = attempt(form, step)
    if made is None:
        return _decide_page(request, unit, status=400, form=form)
    messages.success(request, "候选人预备人选已集体研究确定。")
    return redirect("notice:list", pk=made.pk)


# --- the list and 报批 -------------------------------------------------------------------------


def _list_page(
    request: HttpRequest,
    cl: CandidateList,
    *,
    status: int = 200,
    submit_form: SubmitForm | None = None,
    review_form: ReviewForm | None = None,
    notice_form: NoticeForm | None = None,
) -> HttpResponse:
    user = _user(request)
    entries = selectors.entries(cl)
    persons = [(e.member_id, e.member.name) for e in entries]
    members = [e.member for e in entries]
    try:
        structure = selectors.structure_rows(cl.unit, members)
        blockers = selectors.list_blockers(cl) if cl.status == domain.ListStatus.DECIDED else []
    except DomainError as exc:
        structure, blockers = [], [exc.message]
    second = selectors.second_notice(cl)
    return render(
        request,
        "notice/list.html",
        {
            "cl": cl,
            "unit": cl.unit,
            "entries": [(e, domain.ORIGIN_LABELS[domain.Origin(e.origin)]) for e in entries],
            "status_label": domain.LIST_STATUS_LABELS[domain.ListStatus(cl.status)],
            "structure": structure,
            "blockers": blockers,
            "second_notice": second,
            "needs_second": cl.campaign.second_notice and second is None,
            "writer": _writer(user),
            "convener": _convener(user, cl.unit),
            "submit_form": submit_form or SubmitForm(initial={"submitted_on": clock.today()}),
            "review_form": review_form
            or ReviewForm(persons=persons, initial={"reviewed_on": clock.today()}),
            "notice_form": notice_form
            or NoticeForm(
                initial={
                    "scope": domain.Scope.UNIT.value,
                    "channels": ["公示栏", "内网"],
                    "working_days": cl.campaign.notice_working_days,
                }
            ),
            "next_steps": next_steps.list_steps(
                cl, writer=_writer(user), convener=_convener(user, cl.unit)
            ),
        },
        status=status,
    )


@login_required
@require_GET
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _list_page(request, access.get_list_for_user(request.user, pk))


@login_required
@require_POST
def list_submit(request: HttpRequest, pk: int) -> HttpResponse:
    cl = access.get_list_for_user(request.user, pk, write=True)
    user = _user(request)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return _list_page(request, cl, status=400, submit_form=form)
    page, step = ask_first(
        request,
        lambda: services.list_submit(actor=user, candidate_list=cl, **form.cleaned_data),
        title="报批",
        effect="将把候选人预备人选名单报召集机关审批，报批后不能修改。",
        button="报批",
        back=reverse("notice:list", args=[cl.pk]),
    )
    if page is not None:
        return page
    if attempt(form, step) is None:
        return _list_page(request, cl, status=400, submit_form=form)
    messages.success(request, "已报召集机关审批。")
    return redirect("notice:list", pk=cl.pk)


@login_required
@require_POST
def list_review(request: HttpRequest, pk: int) -> HttpResponse:
    cl = access.get_list_for_user(request.user, pk, write=True)
    user = _user(request)
    persons = [(e.member_id, e.member.name) for e in selectors.entries(cl)]
    form = ReviewForm(request.POST, persons=persons)
    if not form.is_valid():
        return _list_page(request, cl, status=400, review_form=form)
    d = form.cleaned_data
    page, step = ask_first(
        request,
        lambda: services.list_review(
            actor=user,
            candidate_list=cl,
            outcome=d["outcome"],
            reviewed_on=d["reviewed_on"],
            reason=d["reason"],
            person_reasons=form.person_reasons(),
        ),
        title="审批候选人预备人选",
        effect="将记录召集机关的审批意见；批准的名单即为选举的候选人名单，退回的名单须重新研究。",
        button="确定",
        back=reverse("notice:list", args=[cl.pk]),
    )
    if page is not None:
        return page
    if attempt(form, step) is None:
        return _list_page(request, cl, status=400, review_form=form)
    messages.success(request, "审批意见已记录。")
    return redirect("notice:list", pk=cl.pk)


@login_required
@require_GET
def list_file(request: HttpRequest, pk: int, doc: str, fmt: str) -> HttpResponse:
    cl = access.get_list_for_user(request.user, pk)
    unit = cl.unit.organisation.name
    if doc == "forms" and fmt in ("pdf", "docx"):
        data, name = documents.registration_forms(cl, fmt), f"{unit}预备人选登记表.{fmt}"
    elif doc == "roster" and fmt == "xlsx":
        data, name = documents.roster_xlsx(cl), f"{unit}预备人选名册.xlsx"
    elif doc == "roster" and fmt == "docx":
        data, name = documents.roster_docx(cl), f"{unit}预备人选名册.docx"
    elif doc == "report" and fmt == "docx":
        data, name = documents.report_docx(cl), f"{unit}关于预备人选的报告.docx"
    else:
        raise Http404
    return documents.response(data, name)


@login_required
@require_GET
def list_person_form(request: HttpRequest, pk: int, member_pk: int, fmt: str) -> HttpResponse:
    cl = access.get_list_for_user(request.user, pk)
    if fmt not in ("pdf", "docx") or not cl.entries.filter(member_id=member_pk).exists():
        raise Http404
    return documents.response(
        documents.registration_forms(cl, fmt, member_pk), f"预备人选登记表-{member_pk}.{fmt}"
    )
