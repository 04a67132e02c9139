"""The nomination pages. Every object comes through ``nomination.access``; every POST calls
one service and redirects, or shows the refusal."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuixuan.campaign import access as campaign_access
from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import ElectionUnit
from tuixuan.core import clock, uploads
from tuixuan.core.access import in_scope
from tuixuan.core.dbrouting import read_replica
from tuixuan.core.errors import DomainError
from tuixuan.core.forms import ask_first, attempt
from tuixuan.core.models import Organisation, User
from tuixuan.nomination import (
    access,
    charts,
    documents,
    domain,
    eligibility,
    importing,
    next_steps,
    selectors,
    services,
)
from tuixuan.nomination.forms import (
    AdmitForm,
    CloseForm,
    CorrectForm,
    DecisionForm,
    ExemptionForm,
    FeedbackCorrectForm,
    FeedbackForm,
    ImportForm,
    LateForm,
    ListCorrectForm,
    MeetingCorrectForm,
    MeetingForm,
    OrgRecommendForm,
    ReopenForm,
)
from tuixuan.nomination.models import (
    BranchReport,
    EntryMode,
    Feedback,
    ListKind,
    ListStatus,
    Participation,
    ParticipationMode,
    ReportStatus,
    Round,
    RoundStage,
    UnitRoundStatus,
)
from tuixuan.registry.models import Member

SEARCH_LIMIT = 15


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _try(request: HttpRequest, call: Callable[[], Any], ok: str) -> bool:
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, ok)
    return True


def submit_effect(org: Organisation) -> str:
    return (
        f"将报送{org.name}的推荐结果，票数计入各级汇总并记入被推荐人的一人一册；"
        "报送后不能修改，只能由上级党组织记录更正。"
    )


def hand_down_effect(nl: Any) -> str:
    return (
        f"将向 {selectors.branches(nl.unit).count()} 个党支部下发考察对象名单"
        f"（{nl.entries.count()} 人）征求意见，下发后不能修改。"
    )


def decide_effect(kind: ListKind, people: int, org: Organisation) -> str:
    return (
        f"将以{org.name}集体研究决定的名义确定{kind.label} {people} 人，"
        "记入全程纪实和每名人选的一人一册；确定后不能修改，只能记录更正。"
    )


def _int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


def _unit(round: Round, org: Organisation) -> ElectionUnit:
    unit = selectors.unit_of(round.campaign, org)
    if unit is None:
        raise Http404("该党组织不属于本次推选工作的选举单位。")
    return unit


# --- index and round ---------------------------------------------------------------------


@read_replica
@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not access.can_read(user):
        raise PermissionDenied("当前角色无权查看推荐提名。")
    to_open = access.campaigns_to_open(user)
    return render(
        request,
        "nomination/index.html",
        {
            "rounds": access.rounds_for_user(user),
            "to_open": [(c, campaign_selectors.activity_blockers(c)) for c in to_open],
            "next_steps": next_steps.waiting_for(user),
        },
    )


@login_required
@require_POST
def round_open(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    user = _user(request)
    campaign = campaign_access.get_campaign_for_user(user, campaign_pk)
    result: list[Round] = []
    if _try(
        request,
        lambda: result.append(services.round_open(actor=user, campaign=campaign)),
        "一上推荐已开始。",
    ):
        return redirect("nomination:round", pk=result[0].pk)
    return redirect("nomination:index")


@read_replica
@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    round = access.get_round_for_user(user, pk)
    campaign = round.campaign
    if user.organisation is None:
        raise PermissionDenied
    if user.role in access.WRITERS:
        if selectors.is_leaf(user.organisation):
            return redirect("nomination:branch", pk=round.pk, org_pk=user.organisation.pk)
        unit = selectors.unit_of(campaign, user.organisation)
        units = [unit] if unit else []
    else:
        units = list(campaign_selectors.units(campaign))
    rows = []
    for unit in units:
        if unit is None:
            continue
        # Every reader sees the part of a unit inside their own subtree, and nothing else.
        mine = user.organisation.path.startswith(unit.organisation.path)
        if not mine and not in_scope(user, unit.organisation):
            continue
        start = user.organisation if mine else unit.organisation
        rows.append(
            (
                unit,
                start,
                selectors.rates(round, unit, start),
                campaign_selectors.pool_limit(campaign, unit),
            )
        )
    return render(
        request,
        "nomination/round.html",
        {
            "round": round,
            "campaign": campaign,
            "rows": rows,
            "overall": selectors.total_rates([r[2] for r in rows], campaign) if rows else None,
            "deadline": selectors.deadline(campaign),
            "org_target": domain.percent(campaign.org_participation_target),
            "member_target": domain.percent(campaign.member_participation_target),
            "next_steps": next_steps.waiting_for(user),
        },
    )


# --- the branch --------------------------------------------------------------------------


def _forms_of(report: BranchReport | None) -> list[dict[str, Any]]:
    if report is None:
        return []
    forms: dict[int, dict[str, Any]] = {}
    for e in report.entries.select_related("candidate").order_by("form_no", "id"):
        forms.setdefault(e.form_no, {"no": e.form_no, "probationary": e.probationary, "names": []})
        forms[e.form_no]["names"].append(e.candidate.name)
    return list(forms.values())


def _branch_page(
    request: HttpRequest,
    round: Round,
    org: Organisation,
    status: int = 200,
    import_form: ImportForm | None = None,
    meeting: MeetingForm | None = None,
    meeting_correct: MeetingCorrectForm | None = None,
    totals: list[Any] | None = None,
    totals_error: str = "",
    entry: dict[str, Any] | None = None,
) -> HttpResponse:
    user = _user(request)
    unit = _unit(round, org)
    if not selectors.is_leaf(org):
        return redirect("nomination:level", pk=round.pk, org_pk=org.pk)
    report = selectors.report_for(round, org)
    members = list(Member.objects.filter(organisation=org).order_by("name"))
    parts = (
        dict(Participation.objects.filter(report=report).values_list("member_id", "mode"))
        if report
        else {}
    )
    rights: dict[int, tuple[bool, str]] = {}
    for m in members:
        rights[m.pk] = eligibility.has_voting_rights(
            m.member_type, m.rights_status, m.rights_until, today=clock.today()
        )
    counts: list[Any] = []
    if report is not None:
        ids = selectors.current_counts(report)
        found = Member.objects.in_bulk(list(ids))
        flags = selectors.findings_for(round.campaign, list(found.values()), unit=unit)
        counts = sorted(
            ((found[pk], v, p, flags[pk]) for pk, (v, p) in ids.items()),
            key=lambda r: (-r[1], -r[2], r[0].name),
        )
    editable = report is None or report.status == ReportStatus.DRAFT
    writable = user.role in access.WRITERS
    meeting = meeting or MeetingForm(
        initial={f: getattr(report, f) for f in MeetingForm.base_fields}
        if report
        else {
            "mode": EntryMode.FORMS,
            # The same count the service holds the due number to.
            "members_due": selectors.eligible_members(org.path).filter(organisation=org).count(),
        },
    )
    return render(
        request,
        "nomination/branch.html",
        {
            "round": round,
            "campaign": round.campaign,
            "unit": unit,
            "org": org,
            "report": report,
            "forms": _forms_of(report),
            "counts": counts,
            "totals": counts if totals is None else totals,
            "totals_error": totals_error,
            "entry": entry or {},
            "members": [(m, parts.get(m.pk, ""), rights[m.pk]) for m in members],
            "modes": ParticipationMode.choices,
            "meeting": meeting,
            "editable": editable and writable,
            "is_above": writable and access.is_above(user, org),
            "deadline": selectors.deadline(round.campaign),
            "submit_effect": submit_effect(org),
            "late_form": LateForm(),
            "correct_form": CorrectForm(),
            "meeting_correct": meeting_correct
            or MeetingCorrectForm(
                initial={f: getattr(report, f) for f in services.MEETING_FACTS} if report else None
            ),
            "import_form": import_form or ImportForm(),
            "names_per_form": round.campaign.names_per_form,
            "next_steps": next_steps.branch_steps(
                round, org, writer=user.role in access.WRITERS and in_scope(user, org), here=True
            ),
            "slots": range(round.campaign.names_per_form),
        },
        status=status,
    )


@login_required
@require_GET
def branch(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    round = access.get_round_for_user(request.user, pk)
    org = access.get_org_for_user(request.user, round, org_pk)
    return _branch_page(request, round, org)


def _branch_post(request: HttpRequest, pk: int, org_pk: int) -> tuple[User, Round, Organisation]:
    round = access.get_round_for_user(request.user, pk)
    org = access.get_org_for_user(request.user, round, org_pk, write=True)
    return _user(request), round, org


def _back(round: Round, org: Organisation, anchor: str = "") -> HttpResponse:
    return redirect(
        reverse("nomination:branch", args=[round.pk, org.pk]) + (f"#{anchor}" if anchor else "")
    )


@login_required
@require_POST
def branch_meeting(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    user, round, org = _branch_post(request, pk, org_pk)
    form = MeetingForm(request.POST)
    if form.is_valid() and attempt(
        form,
        lambda: services.report_update(
            actor=user, round=round, organisation=org, **form.cleaned_data
        ),
    ):
        messages.success(request, "会议情况已保存。")
        return _back(round, org, "meeting")
    return _branch_page(request, round, org, status=400, meeting=form)


@login_required
@require_POST
def branch_form_add(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    user, round, org = _branch_post(request, pk, org_pk)
    ids = [i for i in (_int(v) for v in request.POST.getlist("candidate")) if i is not None]
    prob = request.POST.get("probationary") == "1"
    try:
        services.form_add(
            actor=user, round=round, organisation=org, candidate_ids=ids, probationary=prob
        )
    except DomainError as exc:
        # Refused: the form comes back with the names picked, to correct rather than retype.
        found = Member.objects.in_bulk(ids)
        return _branch_page(
            request,
            round,
            org,
            status=400,
            entry={
                "picks": [found[i] for i in ids if i in found],
                "probationary": prob,
                "error": exc.message,
            },
        )
    messages.success(request, "推荐表已录入。")
    return _back(round, org, "entry")


@login_required
@require_POST
def branch_form_remove(request: HttpRequest, pk: int, org_pk: int, form_no: int) -> HttpResponse:
    user, round, org = _branch_post(request, pk, org_pk)
    _try(
        request,
        lambda: services.form_remove(actor=user, round=round, organisation=org, form_no=form_no),
        f"第 {form_no} 张推荐表已删除。",
    )
    return _back(round, org, "entry")


def _rows_from_post(request: HttpRequest, prefix: str = "") -> list[tuple[int, int, int]] | str:
    rows: list[tuple[int, int, int]] = []
    for i, raw in enumerate(request.POST.getlist(f"{prefix}candidate"), start=1):
        pk = _int(raw)
        votes = _int(
            request.POST.getlist(f"{prefix}votes")[i - 1]
            if len(request.POST.getlist(f"{prefix}votes")) >= i
            else "0"
        )
        pv = _int(
            request.POST.getlist(f"{prefix}pvotes")[i - 1]
            if len(request.POST.getlist(f"{prefix}pvotes")) >= i
            else "0"
        )
        if pk is None:
            continue
        if votes is None or pv is None:
            return f"第 {i} 行：票数应为非负整数"
        rows.append((pk, votes, pv))
    return rows


@login_required
@require_POST
def branch_totals(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    user, round, org = _branch_post(request, pk, org_pk)
    rows = _rows_from_post(request)
    if isinstance(rows, str):
        error = rows
    else:
        try:
            services.totals_set(actor=user, round=round, organisation=org, rows=rows)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "汇总票数已保存。")
            return _back(round, org, "entry")
    # Refused: the grid comes back with every cell as typed and the message above it.
    typed = list(
        zip(
            request.POST.getlist("candidate"),
            request.POST.getlist("votes"),
            request.POST.getlist("pvotes"),
            strict=False,
        )
    )
    found = Member.objects.in_bulk([i for i in (_int(r[0]) for r in typed) if i is not None])
    grid: list[tuple[Member, str, str, list[Any]]] = [
        (found[i], v, p, []) for raw, v, p in typed if (i := _int(raw)) in found
    ]
    return _branch_page(request, round, org, status=400, totals=grid, totals_error=error)


@login_required
@require_POST
def branch_participation(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    user, round, org = _branch_post(request, pk, org_pk)
    modes: dict[int, str] = {}
    for key in request.POST:
        if key.startswith("mode_") and (mpk := _int(key[5:])) is not None:
            modes[mpk] = request.POST.get(key, "")
    if request.POST.get("all") == ParticipationMode.ONSITE:
        # 全部设为现场 without the page script: every listed member, then change the few.
        modes = dict.fromkeys(modes, ParticipationMode.ONSITE.value)
    _try(
        request,
        lambda: services.participation_set(actor=user, round=round, organisation=org, modes=modes),
        "参与情况已保存。",
    )
    return _back(round, org, "participation")


@login_required
@require_POST
def branch_import(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    user, round, org = _branch_post(request, pk, org_pk)
    form = ImportForm(request.POST, request.FILES)
    if not uploads.form_valid(form, request):
        if uploads.refusal(request) is None:
            form.errors["file"] = form.error_class(["请选择要导入的 Excel 文件。"])
        return _branch_page(request, round, org, import_form=form)
    upload = form.cleaned_data["file"]
    content = upload.read()
    try:
        services.report_import(
            actor=user, round=round, organisation=org, filename=upload.name, content=content
        )
    except DomainError as exc:
        # The reason next to the file field (a hostile file, a bad row, a closed report).
        form.add_error("file", exc.message)
        return _branch_page(request, round, org, import_form=form)
    messages.success(request, "导入完成。")
    return _back(round, org, "entry")


@login_required
@require_GET
def branch_template(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    round = access.get_round_for_user(request.user, pk)
    org = access.get_org_for_user(request.user, round, org_pk)
    buf = io.BytesIO()
    importing.template(buf, branch=org.name, names_per_form=round.campaign.names_per_form)
    return documents.response(buf.getvalue(), f"{org.name}推荐票录入模板.xlsx")


@login_required
@require_POST
def branch_submit(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    user, round, org = _branch_post(request, pk, org_pk)
    report = selectors.report_for(round, org)
    if report is None:
        messages.error(request, "尚未填报任何内容，不能报送。")
        return _back(round, org)
    reason = request.POST.get("late_reason", "")
    page, step = ask_first(
        request,
        lambda: services.report_submit(actor=user, report=report, late_reason=reason),
        title="报送推荐结果",
        effect=submit_effect(org),
        button="报送",
        back=reverse("nomination:branch", args=[round.pk, org.pk]),
    )
    if page is not None:
        return page
    _try(request, step, "推荐结果已报送。")
    return _back(round, org)


@login_required
@require_POST
def report_correct(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk, write=False)
    user = _user(request)
    form = CorrectForm(request.POST)
    rows = _rows_from_post(request)
    if isinstance(rows, str):
        messages.error(request, rows)
    elif not form.is_valid():
        messages.error(
            request,
            "页面缺少推荐结果的版本，请刷新页面后再更正。"
            if "version" in form.errors
            else "请填写更正理由。",
        )
    else:
        _try(
            request,
            lambda: services.report_correct(
                actor=user,
                report=report,
                rows=rows,
                reason=form.cleaned_data["reason"],
                seen_version=form.cleaned_data["version"],
            ),
            "推荐结果已更正。",
        )
    return _back(report.round, report.organisation)


@login_required
@require_POST
def meeting_correct(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk, write=False)
    user = _user(request)
    form = MeetingCorrectForm(request.POST)
    if form.is_valid() and attempt(
        form, lambda: services.meeting_correct(actor=user, report=report, **form.cleaned_data)
    ):
        messages.success(request, "推荐会议情况已更正，原报送的情况和更正理由均已记入全程纪实。")
        return _back(report.round, report.organisation, "submit")
    return _branch_page(
        request, report.round, report.organisation, status=400, meeting_correct=form
    )


@login_required
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    """Candidates in the election unit by pinyin initials, name or citizen ID (htmx). The
    pages send the text by POST, so a citizen ID typed in never stands in a URL or a log."""
    round = access.get_round_for_user(request.user, pk)
    org = access.get_org_for_user(request.user, round, org_pk)
    unit = _unit(round, org)
    q = (request.POST if request.method == "POST" else request.GET).get("q", "").strip()
    people: list[Member] = []
    if q:
        qs = Member.objects.filter(organisation__path__startswith=unit.organisation.path)
        if q.isascii() and q.isalpha():
            qs = qs.filter(name_initials__istartswith=q.lower())
        elif q[:1].isdigit():
            qs = qs.filter(citizen_id__startswith=q.upper())
        else:
            qs = qs.filter(name__contains=q)
        # The page's own branch (or level) first: that is whom a branch usually recommends.
        own = Case(When(organisation__path__startswith=org.path, then=0), default=1)
        people = list(
            qs.select_related("organisation")
            .annotate(own=own)
            .order_by("own", "name", "pk")[:SEARCH_LIMIT]
        )
    flags = selectors.findings_for(round.campaign, people, unit=unit)
    return render(
        request,
        "nomination/_candidates.html",
        {
            "people": [(m, flags[m.pk]) for m in people],
            "q": q,
            "target": request.GET.get("target", ""),
        },
    )


# --- levels ------------------------------------------------------------------------------


@read_replica
@login_required
@require_GET
def level(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    user = _user(request)
    round = access.get_round_for_user(user, pk)
    org = access.get_org_for_user(user, round, org_pk)
    return _level_page(request, round, org)


def _level_page(
    request: HttpRequest,
    round: Round,
    org: Organisation,
    status: int = 200,
    decision_form: DecisionForm | None = None,
    recommend_form: OrgRecommendForm | None = None,
    picked: Member | None = None,
    exemption_form: ExemptionForm | None = None,
    close_forms: dict[str, CloseForm] | None = None,
    reopen_forms: dict[str, ReopenForm] | None = None,
    admit_forms: dict[int, AdmitForm] | None = None,
) -> HttpResponse:
    user = _user(request)
    if (
        selectors.is_leaf(org)
        and not ElectionUnit.objects.filter(campaign=round.campaign, organisation=org).exists()
    ):
        return redirect("nomination:branch", pk=round.pk, org_pk=org.pk)
    unit = _unit(round, org)
    campaign = round.campaign
    limit = campaign_selectors.pool_limit(campaign, unit)
    ranked = selectors.ranked(round, org, limit=max(limit, 50))
    deciding = selectors.decision_ranking(round, org, limit=max(limit, 50))
    pool = selectors.list_for(round, org, ListKind.POOL)
    shortlist = (
        selectors.list_for(round, org, ListKind.SHORTLIST)
        if org.pk == unit.organisation_id
        else None
    )
    preview_people = [r.member for r in deciding if not r.blocked][:limit]
    preview_title = "推荐得票靠前的人选（不含有否决或提示情形者）"
    if shortlist is not None:
        preview_people = [e.candidate for e in shortlist.entries.select_related("candidate")]
        preview_title = "考察对象名单"
    elif pool is not None:
        preview_people = [e.candidate for e in pool.entries.select_related("candidate")]
        preview_title = "推荐人选名单"
    try:
        structure = selectors.structure_preview(campaign, unit, preview_people)
        structure_error = ""
    except DomainError as exc:
        structure, structure_error = [], exc.message
    writable = user.role in access.WRITERS
    rates = selectors.rates(round, unit, org)
    acts = user.role in access.OPERATORS and in_scope(user, org)
    closing = _closing(round, unit, org, user, acts, close_forms, reopen_forms, admit_forms)
    return render(
        request,
        "nomination/level.html",
        {
            "round": round,
            "campaign": campaign,
            "unit": unit,
            "org": org,
            "is_unit": org.pk == unit.organisation_id,
            "children": selectors.children_status(round, unit, org),
            "missing": selectors.not_reported(round, unit, org, limit=200),
            "ranked": ranked,
            "deciding": deciding,
            "counted_lists": selectors.counted(round, org).lists,
            "pool_limit": limit,
            "minimum_candidates": campaign_selectors.minimum_candidates(campaign, unit),
            "preselect": (
                {i for i in (_int(v) for v in request.POST.getlist("candidate")) if i}
                if decision_form is not None
                else {r.member.pk for r in [x for x in deciding if not x.blocked][:limit]}
            ),
            "pool": pool,
            "shortlist": shortlist,
            "rates": rates,
            "missing_count": rates.organisations - rates.organisations_reporting,
            "satisfaction": selectors.satisfaction(round, org),
            "not_reached": selectors.members_not_reached(round, org, limit=100),
            "next_steps": next_steps.unit_steps(
                round, org, writer=writable and in_scope(user, org), here=True
            ),
            "structure": structure,
            "structure_error": structure_error,
            "structure_title": preview_title,
            "chart": charts.structure_bars(structure),
            "reports": selectors.report_rows(round, org),
            "writable": writable and in_scope(user, org),
            "decision_form": decision_form or DecisionForm(),
            "recommend_form": recommend_form or OrgRecommendForm(),
            "picked": picked,
            "exemption_form": exemption_form or ExemptionForm(),
            "exemption_for": exemption_form["candidate"].value() if exemption_form else None,
            **closing,
        },
        status=status,
    )


def close_effect(unit: ElectionUnit, stage: RoundStage) -> str:
    label = RoundStage(stage).label
    after = (
        "逾期报送只能由上级党组织作出受理决定"
        if stage == RoundStage.FIRST_UP
        else "不能再报送二上意见"
    )
    return f"将结束{unit.organisation.name}的{label}，记入全程纪实；结束后{after}。"


def reopen_effect(nl: Any) -> str:
    return (
        f"将记录{nl.organisation.name}决定重新研究{nl.decided_on:%Y-%m-%d}确定的"
        f"{ListKind(nl.kind).label}（{nl.entries.count()} 人）；原名单留在全程纪实中，"
        "本级须重新集体研究确定名单。"
    )


def admit_effect(report: BranchReport) -> str:
    return (
        f"将以上级党组织决定的名义受理{report.organisation.name}在一上结束后的逾期报送，"
        "票数计入各级汇总；按排名规则已确定的名单会有变化时，名单标为须复核。"
    )


def _closing(
    round: Round,
    unit: ElectionUnit,
    org: Organisation,
    user: User,
    acts: bool,
    close_forms: dict[str, CloseForm] | None,
    reopen_forms: dict[str, ReopenForm] | None,
    admit_forms: dict[int, AdmitForm] | None,
) -> dict[str, Any]:
    """The level page's part on closing the unit's 一上/二上, late reports and reopening."""
    is_unit = org.pk == unit.organisation_id
    today = clock.today()
    stages = []
    for stage in RoundStage:
        row = selectors.unit_round(round, unit, stage)
        closed = row is not None and row.status == UnitRoundStatus.CLOSED
        form = (close_forms or {}).get(stage) or CloseForm(
            initial={"closed_on": today}, key=str(stage)
        )
        stages.append(
            {
                "stage": str(stage),
                "label": RoundStage(stage).label,
                "row": row,
                "closed": closed,
                "form": form if is_unit and acts and not closed else None,
                "effect": close_effect(unit, stage),
            }
        )
    lists = []
    for kind in (ListKind.POOL, ListKind.SHORTLIST):
        nl = selectors.list_for(round, org, kind)
        if nl is None:
            continue
        reopen = (reopen_forms or {}).get(kind) or ReopenForm(
            initial={"reopened_on": today}, key=str(kind)
        )
        lists.append({"list": nl, "form": reopen if acts else None, "effect": reopen_effect(nl)})
    late: list[dict[str, Any]] = []
    if acts and selectors.stage_closed(round, unit, RoundStage.FIRST_UP):
        for report in (
            BranchReport.objects.filter(
                round=round, status=ReportStatus.DRAFT, organisation__path__startswith=org.path
            )
            .select_related("organisation")
            .order_by("organisation__path")
        ):
            if not access.is_above(user, report.organisation):
                continue
            late.append(
                {
                    "report": report,
                    "form": (admit_forms or {}).get(report.pk) or AdmitForm(key=str(report.pk)),
                    "effect": admit_effect(report),
                }
            )
    return {
        "stages": stages,
        "current_lists": lists,
        "late_reports": late,
        "reopened": selectors.reopened_lists(round, org),
    }


def _level_post(request: HttpRequest, pk: int, org_pk: int) -> tuple[User, Round, Organisation]:
    round = access.get_round_for_user(request.user, pk)
    org = access.get_org_for_user(request.user, round, org_pk, write=True)
    return _user(request), round, org


def _to_level(round: Round, org: Organisation, anchor: str = "") -> HttpResponse:
    return redirect(
        reverse("nomination:level", args=[round.pk, org.pk]) + (f"#{anchor}" if anchor else "")
    )


@login_required
@require_POST
def level_recommend(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    user, round, org = _level_post(request, pk, org_pk)
    form = OrgRecommendForm(request.POST)
    member = None
    if form.is_valid():
        member = (
            Member.objects.select_related("organisation")
            .filter(pk=form.cleaned_data["candidate"])
            .first()
        )
        if member is None:
            form.add_error(None, "该党员不在党员名册中。")
    elif "candidate" in form.errors:
        form.add_error(None, "请先在搜索结果中选择党员。")
    if member is not None:
        d = form.cleaned_data
        picked = member
        if attempt(
            form,
            lambda: services.org_recommend(
                actor=user,
                round=round,
                organisation=org,
                candidate=picked,
                accountable_person=d["accountable_person"],
                reason=d["reason"],
            ),
        ):
            messages.success(request, f"已组织推荐{member.name}。")
            return _to_level(round, org, "org-recommend")
    return _level_page(request, round, org, status=400, recommend_form=form, picked=member)


@login_required
@require_POST
def level_decide(request: HttpRequest, pk: int, org_pk: int, kind: str) -> HttpResponse:
    user, round, org = _level_post(request, pk, org_pk)
    if kind not in ListKind.values:
        raise Http404
    form = DecisionForm(request.POST)
    ids = [i for i in (_int(v) for v in request.POST.getlist("candidate")) if i is not None]
    service = services.shortlist_decide if kind == ListKind.SHORTLIST else services.list_decide
    if not form.is_valid():
        return _level_page(request, round, org, status=400, decision_form=form)
    page, step = ask_first(
        request,
        lambda: service(
            actor=user, round=round, organisation=org, candidate_ids=ids, **form.cleaned_data
        ),
        title="记录集体研究决定",
        effect=decide_effect(ListKind(kind), len(ids), org),
        button="记录",
        back=reverse("nomination:level", args=[round.pk, org.pk]),
    )
    if page is not None:
        return page
    made = attempt(form, step)
    if made is None:
        return _level_page(request, round, org, status=400, decision_form=form)
    messages.success(request, f"{ListKind(kind).label}已集体研究确定。")
    return redirect("nomination:list", pk=made.pk)


@login_required
@require_POST
def exemption(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    user, round, org = _level_post(request, pk, org_pk)
    form = ExemptionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        member = Member.objects.select_related("organisation").filter(pk=d["candidate"]).first()
        if member is None:
            raise Http404
        if attempt(
            form,
            lambda: services.exemption_decide(
                actor=user,
                campaign=round.campaign,
                candidate=member,
                decided_on=d["decided_on"],
                decision=d["decision"],
                accountable_person=d["accountable_person"],
            ),
        ):
            messages.success(request, "豁免决定已记录。")
            return _to_level(round, org, "tally")
    return _level_page(request, round, org, status=400, exemption_form=form)


def _acting(request: HttpRequest, pk: int, org_pk: int) -> tuple[User, Round, Organisation]:
    """A level page's action that the level itself or a level above takes (conveners too):
    the wrong role is refused before any lookup, an organisation out of scope is 404."""
    user = _user(request)
    if user.role not in access.OPERATORS:
        raise PermissionDenied("当前角色只能查看，不能办理。")
    round = access.get_round_for_user(user, pk)
    org = access.get_org_for_user(user, round, org_pk)
    return user, round, org


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int, org_pk: int, stage: str) -> HttpResponse:
    user, round, org = _acting(request, pk, org_pk)
    if stage not in RoundStage.values:
        raise Http404
    unit = _unit(round, org)
    if unit.organisation_id != org.pk:
        raise Http404
    form = CloseForm(request.POST, key=stage)
    if form.is_valid():
        d = form.cleaned_data
        page, step = ask_first(
            request,
            lambda: services.round_close(
                actor=user,
                round=round,
                unit=unit,
                stage=RoundStage(stage),
                closed_on=d["closed_on"],
                reason=d["reason"],
            ),
            title=f"结束{RoundStage(stage).label}",
            effect=close_effect(unit, RoundStage(stage)),
            button="结束",
            back=reverse("nomination:level", args=[round.pk, org.pk]),
        )
        if page is not None:
            return page
        if attempt(form, step):
            messages.success(request, f"{RoundStage(stage).label}已结束。")
            return _to_level(round, org, "closing")
    return _level_page(request, round, org, status=400, close_forms={stage: form})


@login_required
@require_POST
def level_reopen(request: HttpRequest, pk: int, org_pk: int, kind: str) -> HttpResponse:
    user, round, org = _acting(request, pk, org_pk)
    if kind not in ListKind.values:
        raise Http404
    nl = selectors.list_for(round, org, ListKind(kind))
    if nl is None:
        raise Http404
    form = ReopenForm(request.POST, key=kind)
    if form.is_valid():
        d = form.cleaned_data
        page, step = ask_first(
            request,
            lambda: services.list_reopen(
                actor=user, nomination_list=nl, reopened_on=d["reopened_on"], reason=d["reason"]
            ),
            title="决定重新研究名单",
            effect=reopen_effect(nl),
            button="记录",
            back=reverse("nomination:level", args=[round.pk, org.pk]),
        )
        if page is not None:
            return page
        if attempt(form, step):
            messages.success(request, f"已记录重新研究{ListKind(kind).label}的决定。")
            return _to_level(round, org, "decide")
    return _level_page(request, round, org, status=400, reopen_forms={kind: form})


@login_required
@require_POST
def late_admit(request: HttpRequest, pk: int, org_pk: int, report_pk: int) -> HttpResponse:
    user, round, org = _acting(request, pk, org_pk)
    report = get_object_or_404(
        BranchReport.objects.select_related("organisation", "unit__organisation"),
        pk=report_pk,
        round=round,
        organisation__path__startswith=org.path,
    )
    form = AdmitForm(request.POST, key=str(report.pk))
    if form.is_valid():
        page, step = ask_first(
            request,
            lambda: services.late_report_admit(
                actor=user, report=report, reason=form.cleaned_data["reason"]
            ),
            title="受理逾期报送",
            effect=admit_effect(report),
            button="受理",
            back=reverse("nomination:level", args=[round.pk, org.pk]),
        )
        if page is not None:
            return page
        if attempt(form, step):
            messages.success(request, f"已受理{report.organisation.name}的逾期报送。")
            return _to_level(round, org, "closing")
    return _level_page(request, round, org, status=400, admit_forms={report.pk: form})


# --- lists and 二上 -----------------------------------------------------------------------


@login_required
@require_GET
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _list_page(request, access.get_list_for_user(request.user, pk))


@login_required
@require_POST
def list_correct(request: HttpRequest, pk: int) -> HttpResponse:
    nl = access.get_list_for_user(request.user, pk, write=True)
    user = _user(request)
    form = ListCorrectForm(request.POST)
    if form.is_valid() and attempt(
        form,
        lambda: services.list_correct(actor=user, nomination_list=nl, **form.cleaned_data),
    ):
        messages.success(request, "集体研究决定已更正，原决定和更正理由均已记入全程纪实。")
        return redirect("nomination:list", pk=nl.pk)
    return _list_page(request, nl, status=400, correct_form=form)


@login_required
@require_POST
def feedback_correct(request: HttpRequest, pk: int, fb_pk: int) -> HttpResponse:
    nl = access.get_list_for_user(request.user, pk)
    user = _user(request)
    fb = get_object_or_404(Feedback.objects.select_related("organisation"), pk=fb_pk, shortlist=nl)
    if not access.is_above(user, fb.organisation):
        raise Http404
    form = FeedbackCorrectForm(request.POST, key=str(fb.pk))
    if form.is_valid() and attempt(
        form, lambda: services.feedback_correct(actor=user, feedback=fb, **form.cleaned_data)
    ):
        messages.success(request, "二上会议情况已更正，原报送的情况和更正理由均已记入全程纪实。")
        return redirect("nomination:list", pk=nl.pk)
    return _list_page(request, nl, status=400, feedback_forms={fb.pk: form})


def _typed_write_ins(request: HttpRequest) -> list[tuple[Member, str]]:
    """The write-in proposals as sent, to show them again when the 二上 form is refused."""
    typed = list(
        zip(request.POST.getlist("writein"), request.POST.getlist("writein_votes"), strict=False)
    )
    found = Member.objects.in_bulk([i for i in (_int(r[0]) for r in typed) if i is not None])
    return [(found[i], votes) for raw, votes in typed if (i := _int(raw)) in found]


def _list_page(
    request: HttpRequest,
    nl: Any,
    status: int = 200,
    correct_form: ListCorrectForm | None = None,
    feedback_forms: dict[int, FeedbackCorrectForm] | None = None,
) -> HttpResponse:
    user = _user(request)
    entries = list(nl.entries.select_related("candidate__organisation"))
    summary: dict[int, list[int]] = {e.candidate_id: [0, 0, 0] for e in entries}
    feedback = list(
        nl.feedback.select_related("organisation").prefetch_related("views", "write_ins__candidate")
    )
    write_ins: dict[int, list[Any]] = {}
    for fb in feedback:
        for v in fb.views.all():
            s = summary.setdefault(v.candidate_id, [0, 0, 0])
            s[0] += v.agree
            s[1] += v.disagree
            s[2] += v.abstain
        for w in fb.write_ins.all():
            write_ins.setdefault(w.candidate_id, [w.candidate, 0])[1] += w.votes
    done = {fb.organisation_id for fb in feedback}
    branches = list(selectors.branches(nl.unit)) if nl.kind == ListKind.SHORTLIST else []
    own_branch = (
        user.organisation
        if user.organisation is not None
        and user.role in access.WRITERS
        and selectors.is_leaf(user.organisation)
        and user.organisation.path.startswith(nl.unit.organisation.path)
        else None
    )
    return render(
        request,
        "nomination/list.html",
        {
            "nl": nl,
            "round": nl.round,
            "entries": [(e, summary.get(e.candidate_id, [0, 0, 0])) for e in entries],
            "feedback": feedback,
            "write_ins": sorted(write_ins.values(), key=lambda r: -r[1]),
            "pending": [b for b in branches if b.pk not in done],
            "hand_down_effect": hand_down_effect(nl),
            "can_correct": user.role in access.WRITERS and in_scope(user, nl.organisation),
            "feedback_rows": [
                (
                    fb,
                    (feedback_forms or {}).get(fb.pk)
                    or FeedbackCorrectForm(
                        initial={f: getattr(fb, f) for f in services.FEEDBACK_FACTS},
                        key=str(fb.pk),
                    ),
                )
                for fb in feedback
                if user.role in access.WRITERS and access.is_above(user, fb.organisation)
            ],
            "correct_form": correct_form
            or ListCorrectForm(initial={f: getattr(nl, f) for f in services.LIST_FACTS}),
            "can_hand_down": nl.kind == ListKind.SHORTLIST
            and nl.status == ListStatus.DECIDED
            and user.role in access.WRITERS
            and in_scope(user, nl.organisation),
            "own_branch": own_branch,
            "own_done": own_branch is not None and own_branch.pk in done,
            "next_steps": (
                next_steps.branch_steps(nl.round, own_branch, writer=True)
                if own_branch is not None
                else next_steps.unit_steps(
                    nl.round,
                    nl.organisation,
                    writer=user.role in access.WRITERS and in_scope(user, nl.organisation),
                )
            ),
        },
        status=status,
    )


@login_required
@require_POST
def list_hand_down(request: HttpRequest, pk: int) -> HttpResponse:
    nl = access.get_list_for_user(request.user, pk, write=True)
    user = _user(request)
    page, step = ask_first(
        request,
        lambda: services.shortlist_hand_down(actor=user, shortlist=nl),
        title="下发征求意见",
        effect=hand_down_effect(nl),
        button="下发",
        back=reverse("nomination:list", args=[nl.pk]),
    )
    if page is not None:
        return page
    _try(request, step, "考察对象名单已下发各党支部征求意见。")
    return redirect("nomination:list", pk=nl.pk)


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    user = _user(request)
    nl = access.get_list_for_user(user, pk)
    org = access.get_org_for_user(user, nl.round, org_pk, write=request.method == "POST")
    entries = list(nl.entries.select_related("candidate"))
    sheet = request.FILES.get("sheet") if request.method == "POST" else None
    form = FeedbackForm(
        entries, request.POST if request.method == "POST" and sheet is None else None
    )
    status = 400 if request.method == "POST" else 200
    if sheet is not None:
        # The sheet the system handed out fills the vote grid, for the branch to check and submit.
        try:
            read = importing.read_feedback(sheet.read(), names=[e.candidate.name for e in entries])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            for e, (a, d, b) in zip(entries, read, strict=True):
                pk_ = e.candidate_id
                form.initial.update({f"agree_{pk_}": a, f"disagree_{pk_}": d, f"abstain_{pk_}": b})
            messages.success(
                request, "已从 Excel 读入各考察对象的票数，请填写会议情况、核对后报送。"
            )
            status = 200
    elif request.method == "POST":
        write_ins: list[tuple[int, int]] = []
        for raw_pk, raw_v in zip(
            request.POST.getlist("writein"), request.POST.getlist("writein_votes"), strict=False
        ):
            wpk, wv = _int(raw_pk), _int(raw_v)
            if wpk is not None:
                if wv is None:
                    form.add_error(None, "另提人选的票数应为正整数")
                else:
                    write_ins.append((wpk, wv))
        if form.is_valid() and attempt(
            form,
            lambda: services.feedback_submit(
                actor=user,
                shortlist=nl,
                organisation=org,
                views=form.views(),
                write_ins=write_ins,
                **form.meeting(),
            ),
        ):
            messages.success(request, "二上意见已报送。")
            return redirect("nomination:list", pk=nl.pk)
    return render(
        request,
        "nomination/feedback.html",
        {
            "nl": nl,
            "round": nl.round,
            "org": org,
            "entries": entries,
            "form": form,
            "write_ins": _typed_write_ins(request),
            "next_steps": next_steps.branch_steps(
                nl.round, org, writer=user.role in access.WRITERS and in_scope(user, org)
            ),
        },
        status=status,
    )


@login_required
@require_GET
def feedback_sheet(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    """The 二上 sheet: the handed-down list with columns for the branch's votes."""
    nl = access.get_list_for_user(request.user, pk)
    org = access.get_org_for_user(request.user, nl.round, org_pk)
    buf = io.BytesIO()
    names = [e.candidate.name for e in nl.entries.select_related("candidate")]
    importing.feedback_template(buf, branch=org.name, names=names)
    return documents.response(buf.getvalue(), f"{org.name}二上意见表.xlsx")


# --- documents ---------------------------------------------------------------------------


@login_required
@require_GET
def branch_pdf(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    round = access.get_round_for_user(request.user, pk)
    org = access.get_org_for_user(request.user, round, org_pk)
    data = documents.branch_pdf(round, org)
    return documents.response(data, f"{org.name}推荐表和计票单.pdf")


@login_required
@require_GET
def level_xlsx(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    round = access.get_round_for_user(request.user, pk)
    org = access.get_org_for_user(request.user, round, org_pk)
    _unit(round, org)
    return documents.response(documents.rollup_xlsx(round, org), f"{org.name}推荐情况汇总表.xlsx")


@login_required
@require_GET
def unit_docx(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    round = access.get_round_for_user(request.user, pk)
    org = access.get_org_for_user(request.user, round, org_pk)
    unit = _unit(round, org)
    if unit.organisation_id != org.pk:
        raise Http404
    return documents.response(
        documents.unit_report_docx(round, unit), f"{org.name}推荐情况报告.docx"
    )
