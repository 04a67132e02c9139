"""Oversight's pages. Every object comes through ``oversight.access``; every POST calls one
service (or, for the read mark of an alert, the inbox's operational update) and redirects,
or shows the page again with the form and the rule's message beside its field."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign import services as campaign_services
from tuixuan.campaign.models import Activity, ElectionUnit
from tuixuan.campaign.services.activities import RECORDERS
from tuixuan.core.forms import AlreadySubmittedError, ask_first, attempt, once
from tuixuan.core.models import Organisation, User
from tuixuan.core.next_steps import Step, page_steps
from tuixuan.core.uploads import form_valid
from tuixuan.election.models import Batch, Election, ElectionStatus, SettledBallot
from tuixuan.nomination import selectors as nomination_selectors
from tuixuan.nomination.models import Round
from tuixuan.oversight import access, alerts, analysis, board, documents, services
from tuixuan.oversight.forms import (
    ActivityForm,
    AnswerForm,
    ConcludeForm,
    FindingForm,
    ReportSendForm,
    SurveyForm,
)
from tuixuan.oversight.models import Finding, FindingStatus, SatisfactionSurvey, VerifyRun
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.record.services import AttachmentFile
from tuixuan.registry.models import Member


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# --- the board ---------------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    campaigns = (
        list(access.campaigns_for_board(user).order_by("-pk"))
        if access.can_read_board(user)
        else []
    )
    return render(
        request,
        "oversight/index.html",
        {
            "campaigns": campaigns,
            "can_board": access.can_read_board(user),
            "is_supervisor": access.is_supervisor(user),
            "next_steps": page_steps(user),
        },
    )


def _board_for(request: HttpRequest, pk: int) -> board.Board:
    user = _user(request)
    campaign = access.get_campaign_for_board(user, pk)
    return board.build(campaign, access.board_units(user, campaign))


@login_required
@require_GET
def board_page(request: HttpRequest, pk: int) -> HttpResponse:
    b = _board_for(request, pk)
    return _render_board(request, b, ReportSendForm())


def _render_board(
    request: HttpRequest, b: board.Board, form: ReportSendForm, status: int = 200
) -> HttpResponse:
    steps: list[Step] = []
    if b.overdue_rows:
        first = b.overdue_rows[0]
        steps.append(
            Step(
                f"督促{first.unit.organisation.name}等逾期单位",
                reverse("oversight:unit", args=[first.unit.pk]),
                f"逾期单位 {len(b.overdue_rows)} 个",
                "召集机关",
            )
        )
    steps.append(Step("报送进度报告", "#send", "生成带日期的 Word 进度报告并登记报送", "召集机关"))
    return render(
        request,
        "oversight/board.html",
        {
            "board": b,
            "campaign": b.campaign,
            "form": form,
            "next_steps": steps,
            "provided": board.provided_stages(),
            "can_send": access.can_send_report(_user(request), b.campaign),
        },
        status=status,
    )


@login_required
@require_GET
def board_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    b = _board_for(request, pk)
    buffer = io.BytesIO()
    documents.write_board_xlsx(b, buffer)
    name = f"{b.campaign.name}-进度-{b.today.isoformat()}.xlsx"
    return _download(buffer.getvalue(), name, documents.XLSX_CONTENT_TYPE)


@login_required
@require_GET
def board_chart(request: HttpRequest, pk: int) -> HttpResponse:
    b = _board_for(request, pk)
    return HttpResponse(documents.stage_chart(b), content_type="image/svg+xml")


@login_required
@require_GET
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    b = _board_for(request, pk)
    buffer = io.BytesIO()
    documents.write_report_docx(b, buffer, author=str(_user(request)))
    name = f"{b.campaign.name}-进度报告-{b.today.isoformat()}.docx"
    return _download(buffer.getvalue(), name, documents.DOCX_CONTENT_TYPE)


@login_required
@require_POST
def report_send(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    b = _board_for(request, pk)
    if not access.can_send_report(user, b.campaign):
        raise PermissionDenied("进度报告由召集机关报送。")
    form = ReportSendForm(request.POST)
    if form.is_valid():
        recipient = form.cleaned_data["recipient"]
        event = attempt(
            form, lambda: services.report_send(actor=user, board=b, recipient=recipient)
        )
        if event is not None:
            messages.success(request, f"进度报告已登记报送{recipient}（纪实事件 {event.pk}）。")
            return redirect("oversight:board", pk=b.campaign.pk)
    return _render_board(request, b, form, status=400)


@login_required
@require_GET
def analysis_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = access.get_campaign_for_board(user, pk)
    units = list(access.board_units(user, campaign))
    b = board.build(campaign, units)
    stages = analysis.structure_by_stage(campaign, units)
    return render(
        request,
        "oversight/analysis.html",
        {
            "campaign": campaign,
            "board": b,
            "nomination_headers": analysis.NOMINATION_HEADERS,
            "nomination_rows": analysis.nomination_rows(b, campaign),
            "composition_headers": analysis.COMPOSITION_HEADERS,
            "composition_rows": analysis.composition_rows(stages),
            "target_headers": analysis.TARGET_HEADERS,
            "target_rows": analysis.target_rows(stages),
            "next_steps": [
                Step(
                    "导出统计表", reverse("oversight:analysis_file", args=[pk, "xlsx"]), "Excel", ""
                ),
            ],
        },
    )


_ANALYSIS_FILES = {"xlsx", "docx", "svg"}


@login_required
@require_GET
def analysis_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user = _user(request)
    campaign = access.get_campaign_for_board(user, pk)
    if fmt not in _ANALYSIS_FILES:
        raise Http404
    units = list(access.board_units(user, campaign))
    b = board.build(campaign, units)
    if fmt == "svg":
        return HttpResponse(documents.participation_chart(b), content_type="image/svg+xml")
    stages = analysis.structure_by_stage(campaign, units)
    buffer = io.BytesIO()
    name = f"{campaign.name}-推荐提名和代表构成-{b.today.isoformat()}.{fmt}"
    if fmt == "xlsx":
        documents.write_analysis_xlsx(b, stages, buffer)
        return _download(buffer.getvalue(), name, documents.XLSX_CONTENT_TYPE)
    documents.write_analysis_docx(b, stages, buffer, author=str(user))
    return _download(buffer.getvalue(), name, documents.DOCX_CONTENT_TYPE)


@login_required
@require_GET
def unit_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _unit_page(request, pk)


def _unit_page(
    request: HttpRequest, pk: int, survey_form: SurveyForm | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    unit = access.get_unit_for_board(user, pk)
    b = board.build(unit.campaign, [unit])
    row = b.rows[0]
    round_ = Round.objects.filter(campaign=unit.campaign).first()
    children = (
        nomination_selectors.children_status(round_, unit, unit.organisation) if round_ else []
    )
    missing = (
        nomination_selectors.not_reported(round_, unit, unit.organisation, limit=50)
        if round_
        else []
    )
    findings = access.findings_in_scope(user).filter(
        organisation__path__startswith=unit.organisation.path
    )
    steps = [
        Step(c.stage.label + "：" + c.state_label, c.url, c.time_text, unit.organisation.name)
        for c in row.cells
        if c.provided and not c.done and c.url
    ][:1]
    return render(
        request,
        "oversight/unit.html",
        {
            "unit": unit,
            "campaign": unit.campaign,
            "row": row,
            "round": round_,
            "children": children,
            "missing": missing,
            "findings": findings[:50],
            "is_supervisor": access.is_supervisor(user),
            "next_steps": steps or page_steps(user),
            "survey": SatisfactionSurvey.objects.filter(unit=unit).first(),
            "survey_form": survey_form or SurveyForm(),
            "can_survey": round_ is not None and access.can_enter_survey(user, unit),
        },
        status=status,
    )


@login_required
@require_POST
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    unit = access.get_unit_for_board(user, pk)
    round_ = Round.objects.filter(campaign=unit.campaign).first()
    if round_ is None or not access.can_enter_survey(user, unit):
        raise PermissionDenied("只有选举单位或召集机关可以在一上开始后录入满意度测评结果。")
    form = SurveyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = attempt(
            form,
            lambda: services.survey_enter(
                actor=user,
                round=round_,
                unit=unit,
                held_on=data["held_on"],
                participants=data["participants"],
                satisfied=data["satisfied"],
                basic=data["basic"],
                dissatisfied=data["dissatisfied"],
                reason=data["reason"],
            ),
        )
        if done is not None:
            messages.success(request, "满意度测评结果已录入。")
            return redirect("oversight:unit", pk=unit.pk)
    return _unit_page(request, pk, form, status=400)


# --- publicity and warning education ----------------------------------------------------


def _activity_organisations(user: User, unit: ElectionUnit) -> list[tuple[int, str]]:
    """Where the user may record an activity for this unit: their own organisation when it
    is the unit's or above it, the unit's, and the organisations directly below it."""
    org = user.organisation
    choices: list[tuple[int, str]] = []
    if org is not None and unit.organisation.path.startswith(org.path) and org != unit.organisation:
        choices.append((org.pk, org.name))
    choices.append((unit.organisation.pk, unit.organisation.name))
    choices += [(o.pk, o.name) for o in unit.organisation.children.order_by("path")]
    return choices


@login_required
@require_http_methods(["GET", "POST"])
def activities(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    unit = access.get_unit_for_board(user, pk)
    campaign = unit.campaign
    writer = user.role in RECORDERS
    choices = _activity_organisations(user, unit)
    form = ActivityForm(request.POST or None, request.FILES or None, organisations=choices)
    if request.method == "POST":
        if not writer:
            raise PermissionDenied("监督保卫组只查看活动登记。")
        if form_valid(form, request):
            data = form.cleaned_data
            org = Organisation.objects.get(pk=data["organisation"])
            upload = data.get("file")
            files = (
                [
                    AttachmentFile(
                        upload.name, upload, upload.content_type or "application/octet-stream"
                    )
                ]
                if upload
                else []
            )
            try:
                with once(form, user) as submission:
                    done = attempt(
                        form,
                        lambda: campaign_services.activity_record(
                            actor=user,
                            campaign=campaign,
                            organisation=org,
                            kind=data["kind"],
                            held_on=data["held_on"],
                            title=data["title"],
                            participants=data["participants"],
                            note=data["note"],
                            attachments=files,
                        ),
                    )
                    if done is None:
                        raise _Refused
                    submission.result_url = reverse("oversight:activities", args=[unit.pk])
            except AlreadySubmittedError as exc:
                return redirect(exc.result_url or reverse("oversight:activities", args=[unit.pk]))
            except _Refused:
                pass
            else:
                messages.success(request, "活动已登记。")
                return redirect("oversight:activities", pk=unit.pk)
    path = unit.organisation.path
    rows = [
        a
        for a in Activity.objects.filter(campaign=campaign)
        .select_related("organisation")
        .order_by("-held_on", "-pk")
        if a.organisation.path.startswith(path) or path.startswith(a.organisation.path)
    ]
    missing = campaign_selectors.missing_activities(campaign, [unit]).get(unit.pk, [])
    steps = (
        [
            Step(
                "开展并登记" + "、".join(str(k.label) for k in missing),
                "#activity-form" if writer else "",
                "一上开始前须开展",
                unit.organisation.name,
            )
        ]
        if missing
        else page_steps(user)
    )
    return render(
        request,
        "oversight/activities.html",
        {
            "unit": unit,
            "campaign": campaign,
            "rows": rows,
            "missing": missing,
            "form": form,
            "writer": writer,
            "next_steps": steps,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- alerts ------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    receipts = list(access.receipts_for(user)[:200])
    waiting = [r for r in receipts if r.acknowledged_at is None]
    steps = (
        [Step(f"确认 {len(waiting)} 条预警", "#alerts", "逐条处理后点“确认知悉”", "本人")]
        if waiting
        else page_steps(user)
    )
    return render(
        request,
        "oversight/inbox.html",
        {"receipts": receipts, "waiting": len(waiting), "next_steps": steps},
    )


@login_required
@require_POST
def alert_read(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = access.get_receipt_for_user(_user(request), pk)
    alerts.mark_read(receipt)
    if receipt.alert.url:
        return redirect(receipt.alert.url)
    return redirect("oversight:inbox")


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    receipt = access.get_receipt_for_user(user, pk)
    services.alert_acknowledge(actor=user, receipt=receipt)
    messages.success(request, f"已确认知悉：{receipt.alert.title}")
    return redirect("oversight:inbox")


# --- findings ----------------------------------------------------------------------------


@login_required
@require_GET
def findings(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = access.findings_in_scope(user).order_by("status", "due_on", "pk")
    status = request.GET.get("status", "")
    if status in FindingStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "oversight/findings.html",
        {
            "findings": rows[:300],
            "status": status,
            "statuses": FindingStatus.choices,
            "is_supervisor": access.is_supervisor(user),
            "next_steps": page_steps(user),
        },
    )


def _member_for(user: User, org_path: str, citizen_id: str) -> Member | None:
    cid = citizen_id.strip().upper()
    if not cid:
        return None
    return (
        Member.objects.filter(citizen_id=cid, organisation__path__startswith=org_path)
        .select_related("organisation")
        .first()
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    org = access.get_organisation_for_finding(user, pk)
    raw_campaign = request.GET.get("campaign") or request.POST.get("campaign") or ""
    campaign_id = int(raw_campaign) if raw_campaign.isdigit() else None
    form = FindingForm(request.POST or None, initial={"event": request.GET.get("event")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = _member_for(user, org.path, data["person"])
        if data["person"] and member is None:
            form.add_error("person", f"“{org.name}”范围内没有该公民身份号码的党员。")
        event = None
        if data["event"]:
            event = Event.objects.filter(pk=data["event"]).first()
            if event is None:
                form.add_error("event", "没有该编号的纪实事件。")
        if not form.errors:
            try:
                with once(form, user) as submission:
                    finding = attempt(
                        form,
                        lambda: services.finding_raise(
                            actor=user,
                            organisation=org,
                            kind=data["kind"],
                            title=data["title"],
                            text=data["text"],
                            due_on=data["due_on"],
                            campaign_id=campaign_id,
                            member=member,
                            event=event,
                        ),
                    )
                    if finding is None:
                        raise _Refused
                    submission.result_url = reverse("oversight:finding", args=[finding.pk])
            except AlreadySubmittedError as exc:
                return redirect(exc.result_url or reverse("oversight:findings"))
            except _Refused:
                pass
            else:
                messages.success(request, "监督意见已提出，已送达责任党组织。")
                return redirect("oversight:finding", pk=finding.pk)
    return render(
        request,
        "oversight/finding_new.html",
        {"org": org, "form": form, "campaign_id": campaign_id or ""},
        status=400 if request.method == "POST" else 200,
    )


class _Refused(Exception):
    """A refused creation: leave ``once`` by an exception so that its key rolls back."""


def _finding_context(user: User, finding: Finding, **forms: Any) -> dict[str, Any]:
    can_answer = access.can_answer(user, finding) and finding.status == FindingStatus.OPEN
    can_conclude = access.can_conclude(user, finding) and finding.status in (
        FindingStatus.OPEN,
        FindingStatus.ANSWERED,
    )
    steps: list[Step] = []
    if finding.status == FindingStatus.OPEN:
        steps.append(
            Step(
                "答复监督意见",
                "#answer" if can_answer else "",
                f"答复期限 {finding.due_on.isoformat()}",
                finding.organisation.name,
            )
        )
    elif finding.status == FindingStatus.ANSWERED:
        steps.append(
            Step(
                "审核答复：办结、退回或提级处理",
                "#conclude" if can_conclude else "",
                "",
                "监督保卫组",
            )
        )
    history = Event.objects.filter(subject_type="finding", subject_id=str(finding.pk)).order_by(
        "at", "pk"
    )
    return {
        "finding": finding,
        "history": history,
        "can_answer": can_answer,
        "can_conclude": can_conclude,
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "conclude_form": forms.get("conclude_form") or ConcludeForm(),
        "next_steps": steps,
    }


@login_required
@require_GET
def finding_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    finding = access.get_finding_for_user(user, pk)
    return render(request, "oversight/finding.html", _finding_context(user, finding))


@login_required
@require_POST
def finding_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    finding = access.get_finding_for_user(user, pk)
    if not access.can_answer(user, finding):
        raise PermissionDenied("只有责任党组织可以答复这条监督意见。")
    form = AnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = attempt(
            form,
            lambda: services.finding_answer(
                actor=user,
                finding=finding,
                answer=data["answer"],
                accountable_person=data["accountable_person"],
            ),
        )
        if done is not None:
            messages.success(request, "答复已报送监督保卫组。")
            return redirect("oversight:finding", pk=finding.pk)
    return render(
        request,
        "oversight/finding.html",
        _finding_context(user, finding, answer_form=form),
        status=400,
    )


_CONCLUDE = {
    "close": (services.finding_close, "办结监督意见", "办结后不能再答复或退回。", "办结"),
    "return": (services.finding_return, "退回答复", "责任党组织须重新答复。", "退回"),
    "escalate": (
        services.finding_escalate,
        "提级处理",
        "提级处理后本条意见在本级办结，不能再答复或退回。",
        "提级处理",
    ),
}


@login_required
@require_POST
def finding_conclude(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _user(request)
    access.require_supervisor(user)  # before the lookup
    finding = access.get_finding_for_user(user, pk)
    if action not in _CONCLUDE:
        raise PermissionDenied
    if not access.can_conclude(user, finding):
        raise PermissionDenied("只有本范围的监督保卫组可以办结、退回或提级处理。")
    service, title, effect, button = _CONCLUDE[action]
    form = ConcludeForm(request.POST)
    if form.is_valid():
        text = form.cleaned_data["conclusion"]

        def step() -> Finding:
            return service(actor=user, finding=finding, conclusion=text)

        back = reverse("oversight:finding", args=[finding.pk])
        page, call = ask_first(
            request,
            step,
            title=title,
            effect=f"{finding.title}：{effect}",
            button=button,
            back=back,
        )
        if page is not None:
            return page
        if attempt(form, call) is not None:
            messages.success(request, f"监督意见已{button}。")
            return redirect("oversight:finding", pk=finding.pk)
    return render(
        request,
        "oversight/finding.html",
        _finding_context(user, finding, conclude_form=form),
        status=400,
    )


# --- the supervisor's pages --------------------------------------------------------------


@login_required
@require_GET
def supervision(request: HttpRequest) -> HttpResponse:
    user = access.require_supervisor(_user(request))
    from_scope = access.findings_in_scope(user)
    counts = {s: from_scope.filter(status=s).count() for s in FindingStatus.values}
    elections = _elections_in_scope(user)
    return render(
        request,
        "oversight/supervision.html",
        {
            "last_run": VerifyRun.objects.first(),
            "counts": [(FindingStatus(s).label, n) for s, n in counts.items()],
            "campaigns": access.campaigns_for_board(user).order_by("-pk")[:20],
            "elections": elections,
            "next_steps": page_steps(user),
        },
    )


def _elections_in_scope(user: User) -> list[Election]:
    path = user.organisation.path if user.organisation else "-"
    return list(
        Election.objects.filter(organisation__path__startswith=path)
        .exclude(status=ElectionStatus.PREPARING)
        .select_related("organisation")
        .order_by("-pk")[:50]
    )


@login_required
@require_GET
def rulings(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_supervision(user, pk)
    decided = (
        SettledBallot.objects.filter(batch__round__election=election, decided=True)
        .select_related("batch__round")
        .order_by("batch__round__number", "batch__number", "seq")
    )
    batches = Batch.objects.filter(round__election=election).values_list("pk", flat=True)
    events = Event.objects.filter(
        event_type=EventType.ELECTION_BALLOT_DECIDED,
        subject_type="election_batch",
        subject_id__in=[str(b) for b in batches],
    ).order_by("at", "pk")
    return render(
        request,
        "oversight/rulings.html",
        {
            "election": election,
            "decided": decided,
            "events": events,
            "next_steps": [
                Step(
                    "对裁定提出监督意见",
                    reverse("oversight:finding_new", args=[election.organisation_id]),
                    "针对某一裁定，可在意见中写明批次和序号",
                    "监督保卫组",
                )
            ],
        },
    )
