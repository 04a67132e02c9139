"""The vetting pages: the home of each role, the unit's board, the case page, the
department's queue. Every object comes through ``vetting.access``; every POST calls one
service and redirects, or shows the page again with the form bound and the refusal beside
its field (status 400)."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from tuixuan.campaign.models import ElectionUnit
from tuixuan.core import clock, uploads
from tuixuan.core.citizen_id import masked
from tuixuan.core.errors import DomainError
from tuixuan.core.forms import AlreadySubmittedError, ask_first, attempt, once
from tuixuan.core.models import Role, User
from tuixuan.nomination import documents as nomination_documents
from tuixuan.nomination.models import ListKind, ListStatus, NominationList
from tuixuan.record.services import AttachmentFile
from tuixuan.vetting import access, documents, domain, selectors, services, sheets
from tuixuan.vetting.forms import (
    CadreCheckForm,
    CheckForm,
    CollectiveForm,
    DecisionForm,
    EvaluationForm,
    ExemptionForm,
    ImportForm,
    NoticeForm,
    RemindForm,
    ReplyForm,
    ReportForm,
    RequestForm,
    SetAsideForm,
    SignForm,
    TalkNoteForm,
    TeamChangeForm,
    TeamForm,
    WithdrawForm,
)
from tuixuan.vetting.models import (
    Case,
    DepartmentReply,
    DepartmentRequest,
    Evaluation,
    InspectionReport,
    Settings,
    TalkCount,
    Team,
    TeamMember,
    Veto,
)
from tuixuan.vetting.next_steps import waiting_for


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


def _name(user: User) -> str:
    return user.display_name or user.get_username()


@contextmanager
def _upload(form: forms.Form) -> Iterator[Path]:
    """The uploaded file, written to a temporary file for the sheet readers."""
    upload = form.cleaned_data["file"]
    suffix = Path(upload.name or "").suffix.lower() or ".xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        yield path


# --- the home of each role ----------------------------------------------------------------


def _overview(user: User) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Counts per unit and per department across the units the reader sees, overdue first."""
    today = clock.today()
    cases = access.cases_in_scope(user)
    per_unit: dict[int, dict[str, Any]] = {}
    for unit_id, status, n in cases.values_list("unit_id", "status").annotate(n=Count("pk")):
        row = per_unit.setdefault(unit_id, {"counts": defaultdict(int), "overdue": 0})
        row["counts"][status] += n
    late = (
        DepartmentReply.objects.filter(
            request__in=access.requests_in_scope(user), outcome="", request__due_on__lt=today
        )
        .values_list("request__unit_id", "request__department")
        .annotate(n=Count("pk"))
    )
    per_dept: dict[str, dict[str, int]] = defaultdict(lambda: {"sent": 0, "answered": 0, "late": 0})
    for unit_id, _dept, n in late:
        per_unit.setdefault(unit_id, {"counts": defaultdict(int), "overdue": 0})["overdue"] += n
    for dept, outcome, due_on in DepartmentReply.objects.filter(
        request__in=access.requests_in_scope(user)
    ).values_list("request__department", "outcome", "request__due_on"):
        d = per_dept[dept]
        d["sent"] += 1
        if outcome:
            d["answered"] += 1
        elif due_on < today:
            d["late"] += 1
    units = {
        u.pk: u
        for u in ElectionUnit.objects.filter(pk__in=list(per_unit)).select_related(
            "organisation", "campaign"
        )
    }
    unit_rows = [
        {
            "unit": units[pk],
            "total": sum(v["counts"].values()),
            "counts": [v["counts"].get(s.value, 0) for s in domain.Status],
            "overdue": v["overdue"],
        }
        for pk, v in per_unit.items()
        if pk in units
    ]
    unit_rows.sort(key=lambda r: (-r["overdue"], r["unit"].organisation.code))
    dept_rows: list[dict[str, Any]] = [{"name": k, **v} for k, v in per_dept.items()]
    dept_rows.sort(key=lambda r: (-int(r["late"]), str(r["name"])))
    return unit_rows, dept_rows


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    access.require_home(user)
    context: dict[str, Any] = {
        "next_steps": waiting_for(user),
        "statuses": [domain.STATUS_LABELS[s] for s in domain.Status],
    }
    if user.role == Role.INSPECTOR:
        teams = list(access.teams_in_scope(user).select_related("unit__organisation", "leader"))
        context["teams"] = teams
        context["cases"] = list(
            access.cases_in_scope(user)
            .select_related("member__organisation", "team", "notice")
            .order_by("team_id", "list_entry__position")
        )
    elif user.role == Role.DEPARTMENT_REVIEWER:
        context["requests"] = _reviewer_requests(user)
    else:
        context["units"] = list(
            access.units_in_scope(user)
            .filter(Q(vetting_cases__isnull=False) | Q(organisation=user.organisation))
            .distinct()
            .order_by("campaign_id", "organisation__code")
        )
        if user.role in (Role.CONVENER, Role.SUPERVISOR):
            context["unit_rows"], context["dept_rows"] = _overview(user)
    return render(request, "vetting/index.html", context)


def _reviewer_requests(user: User) -> list[dict[str, Any]]:
    today = clock.today()
    out: list[dict[str, Any]] = []
    for r in (
        access.requests_in_scope(user)
        .select_related("unit__organisation", "campaign")
        .annotate(total=Count("replies"), waiting=Count("replies", filter=Q(replies__outcome="")))
        .order_by("due_on", "pk")
    ):
        out.append({"request": r, "late": bool(r.waiting) and r.due_on < today})
    out.sort(key=lambda d: (not d["late"], d["request"].due_on))
    return out


# --- the unit's board ---------------------------------------------------------------------


def _shortlist(unit: ElectionUnit) -> NominationList | None:
    return (
        NominationList.objects.filter(
            round__campaign=unit.campaign,
            organisation=unit.organisation,
            kind=ListKind.SHORTLIST,
            status__in=[ListStatus.DECIDED, ListStatus.HANDED_DOWN],
        )
        .order_by("-pk")
        .first()
    )


def _inspectors(unit: ElectionUnit) -> list[tuple[int, str]]:
    """Inspector accounts that may sit on the unit's teams: active, in or above the unit."""
    path = unit.organisation.path
    return [
        (u.pk, f"{_name(u)}（{u.organisation.name if u.organisation else ''}）")
        for u in User.objects.filter(role=Role.INSPECTOR, is_active=True)
        .select_related("organisation")
        .order_by("username")
        if u.organisation is not None
        and (path.startswith(u.organisation.path) or u.organisation.path.startswith(path))
    ]


def _settings_of(unit: ElectionUnit) -> Settings | None:
    return selectors.settings_for(unit.campaign)


def _reasons(campaign: Any) -> list[str]:
    return list(campaign.disqualification_reasons or domain.DISQUALIFICATIONS)


def _outside_members(text: str) -> list[services.OutsideMember]:
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _sep, post = line.replace("，", ",").partition(",")
        out.append(services.OutsideMember(name.strip(), post.strip()))
    return out


def _board_page(
    request: HttpRequest, unit: ElectionUnit, *, status: int = 200, **forms_: Any
) -> HttpResponse:
    user = _user(request)
    writer = user.role in access.OPERATORS
    cases = Case.objects.filter(unit=unit)
    rows = selectors.board_rows(cases)
    settings = _settings_of(unit)
    inspectors = _inspectors(unit) if writer else []
    teams = list(
        Team.objects.filter(unit=unit)
        .select_related("leader")
        .prefetch_related("members")
        .order_by("pk")
    )
    requests = list(
        DepartmentRequest.objects.filter(unit=unit)
        .annotate(waiting=Count("replies", filter=Q(replies__outcome="")), total=Count("replies"))
        .order_by("department")
    )
    today = clock.today()
    sent = {r.department for r in requests}
    open_cases = [
        (r.case.pk, r.case.member.name) for r in rows if domain.Status(r.case.status) in domain.OPEN
    ]
    departments = [d for d in (settings.departments if settings else []) if d not in sent]
    pending = [(r.case.pk, r.case.member.name) for r in rows if r.case.status == "pending"]
    to_decide = [r for r in rows if r.case.status == domain.Status.TO_DECIDE]
    votes_posted = {
        k[len("votes_") :]: v for k, v in request.POST.items() if k.startswith("votes_")
    }
    checked = set(request.POST.getlist("case"))
    decide_rows = [
        {
            "row": r,
            "ok": not r.blockers,
            "checked": str(r.case.pk) in checked or (not checked and not r.blockers),
            "votes": votes_posted.get(str(r.case.pk), ""),
        }
        for r in to_decide
    ]
    label = documents.STATE_TEXT
    board = [
        {
            "row": r,
            "inspection": label[r.inspection],
            "checks": [(v, label[v]) for v in r.checks.values()],
            "departments": [(v, label[v]) for v in r.departments.values()],
            "four_musts": documents.count_text(r.four_musts),
        }
        for r in rows
    ]
    context = {
        "unit": unit,
        "rows": rows,
        "board": board,
        "decide_rows": decide_rows,
        "settings": settings,
        "check_items": list(settings.check_items) if settings else list(domain.CHECK_ITEMS),
        "departments": list(settings.departments) if settings else [],
        "four_musts": domain.FOUR_MUSTS,
        "teams": [
            (
                t,
                forms_.get(f"team_change_{t.pk}")
                or TeamChangeForm(
                    inspectors=inspectors,
                    key=str(t.pk),
                    initial={
                        "leader": t.leader_id,
                        "members": [m.user_id for m in t.members.all() if m.user_id],
                        "outside": "\n".join(
                            f"{m.name}，{m.post}" if m.post else m.name
                            for m in t.members.all()
                            if m.user_id is None
                        ),
                    },
                ),
            )
            for t in teams
        ],
        "requests": [
            (
                r,
                r.waiting and r.due_on < today,
                forms_.get(f"remind_{r.pk}")
                or RemindForm(key=str(r.pk), initial={"reminded_on": today}),
            )
            for r in requests
        ],
        "writer": writer,
        "shortlist": _shortlist(unit) if writer and not rows else None,
        "team_form": forms_.get("team_form")
        or TeamForm(inspectors=inspectors, initial={"formed_on": today}),
        "pending": pending,
        "request_form": forms_.get("request_form")
        or RequestForm(
            departments=departments,
            cases=open_cases,
            initial={
                "sent_on": today,
                "working_days": settings.reply_working_days if settings else 5,
                "cases": [c for c, _n in open_cases],
            },
        ),
        "unsent": departments,
        "to_decide": to_decide,
        "decision_form": forms_.get("decision_form") or DecisionForm(initial={"decided_on": today}),
        "votes_posted": votes_posted,
        "assign_error": forms_.get("assign_error"),
        "decide_effect": f"将以{unit.organisation.name}集体研究决定的名义确定初步人选，"
        "记入全程纪实和每名人选的一人一册；确定后不能修改。",
        "next_steps": waiting_for(user),
    }
    return render(request, "vetting/board.html", context, status=status)


@login_required
@require_GET
def board(request: HttpRequest, pk: int) -> HttpResponse:
    return _board_page(request, access.get_unit_for_user(request.user, pk))


def _unit_post(request: HttpRequest, pk: int) -> tuple[User, ElectionUnit]:
    unit = access.get_unit_for_user(request.user, pk, write=True)
    return _user(request), unit


def _to_board(unit: ElectionUnit, anchor: str = "") -> HttpResponse:
    url = reverse("vetting:board", args=[unit.pk])
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _try(request: HttpRequest, call: Callable[[], Any], ok: str) -> Any:
    try:
        result = call()
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, ok)
    return result if result is not None else True


@login_required
@require_POST
def cases_open(request: HttpRequest, pk: int) -> HttpResponse:
    user, unit = _unit_post(request, pk)
    shortlist = _shortlist(unit)
    if shortlist is None:
        messages.error(request, "本单位的考察对象名单尚未集体研究确定。")
        return _to_board(unit)
    page, step = ask_first(
        request,
        lambda: services.cases_open(actor=user, shortlist=shortlist),
        title="建立考察对象档案",
        effect=f"将为{unit.organisation.name}考察对象名单上的 {shortlist.entries.count()} 人"
        "建立考察审查档案，记入全程纪实。",
        button="建立",
        back=reverse("vetting:board", args=[unit.pk]),
    )
    if page is not None:
        return page
    _try(request, step, "已建立考察对象档案。")
    return _to_board(unit)


def _users(ids: list[int]) -> list[User]:
    found = {u.pk: u for u in User.objects.filter(pk__in=ids).select_related("organisation")}
    return [found[i] for i in ids if i in found]


@login_required
@require_POST
def team_form(request: HttpRequest, pk: int) -> HttpResponse:
    user, unit = _unit_post(request, pk)
    form = TeamForm(request.POST, inspectors=_inspectors(unit))
    if form.is_valid():
        d = form.cleaned_data
        leader = _users([d["leader"]])
        try:
            with once(form, user) as row:
                team = attempt(
                    form,
                    lambda: services.team_form(
                        actor=user,
                        unit=unit,
                        name=d["name"],
                        leader=leader[0],
                        members=_users([i for i in d["members"] if i != d["leader"]]),
                        outside_members=_outside_members(d["outside"]),
                        formed_on=d["formed_on"],
                    ),
                )
                if team is None:
                    raise _Refused
                row.result_url = reverse("vetting:board", args=[unit.pk]) + "#teams"
        except _Refused:
            pass
        except AlreadySubmittedError as exc:
            messages.info(request, exc.message)
            return redirect(exc.result_url or reverse("vetting:board", args=[unit.pk]))
        else:
            messages.success(request, f"已组建{d['name']}。")
            return _to_board(unit, "teams")
    return _board_page(request, unit, status=400, team_form=form)


class _Refused(Exception):
    """Rolls back the one-time key of a refused creation."""


def _team_post(request: HttpRequest, pk: int) -> tuple[User, Team]:
    team = access.get_team_for_user(request.user, pk, write=True)
    return _user(request), team


@login_required
@require_POST
def team_change(request: HttpRequest, pk: int) -> HttpResponse:
    user, team = _team_post(request, pk)
    form = TeamChangeForm(request.POST, inspectors=_inspectors(team.unit), key=str(team.pk))
    if form.is_valid():
        d = form.cleaned_data
        if attempt(
            form,
            lambda: services.team_change(
                actor=user,
                team=team,
                leader=_users([d["leader"]])[0],
                members=_users([i for i in d["members"] if i != d["leader"]]),
                outside_members=_outside_members(d["outside"]),
                reason=d["reason"],
            ),
        ):
            messages.success(request, f"{team.name}成员已调整。")
            return _to_board(team.unit, "teams")
    return _board_page(request, team.unit, status=400, **{f"team_change_{team.pk}": form})


@login_required
@require_POST
def cases_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user, team = _team_post(request, pk)
    ids = [i for i in (_int(v) for v in request.POST.getlist("cases")) if i is not None]
    cases = list(Case.objects.filter(pk__in=ids, unit=team.unit))
    try:
        services.cases_assign(actor=user, team=team, cases=cases)
    except DomainError as exc:
        return _board_page(request, team.unit, status=400, assign_error=exc.message)
    messages.success(request, f"已将 {len(cases)} 名考察对象交由{team.name}考察。")
    return _to_board(team.unit, "teams")


@login_required
@require_POST
def request_send(request: HttpRequest, pk: int) -> HttpResponse:
    user, unit = _unit_post(request, pk)
    settings = _settings_of(unit)
    rows = Case.objects.filter(unit=unit).select_related("member")
    form = RequestForm(
        request.POST,
        departments=list(settings.departments) if settings else [],
        cases=[(c.pk, c.member.name) for c in rows],
    )
    if not form.is_valid():
        return _board_page(request, unit, status=400, request_form=form)
    d = form.cleaned_data
    cases = [c for c in rows if c.pk in set(d["cases"])]

    def send() -> DepartmentRequest:
        return services.department_request_send(
            actor=user,
            unit=unit,
            department=d["department"],
            cases=cases,
            sent_on=d["sent_on"],
            working_days=d["working_days"],
        )

    page, step = ask_first(
        request,
        send,
        title="函请联审部门审查",
        effect=f"将函请{d['department']}部门审查 {len(cases)} 名考察对象，"
        f"{d['working_days']} 个工作日内回复；发函后不能撤回。",
        button="发函",
        back=reverse("vetting:board", args=[unit.pk]),
    )
    if page is not None:
        return page
    try:
        with once(form, user) as row:
            made = attempt(form, step)
            if made is None:
                raise _Refused
            row.result_url = reverse("vetting:request", args=[made.pk])
    except _Refused:
        return _board_page(request, unit, status=400, request_form=form)
    except AlreadySubmittedError as exc:
        messages.info(request, exc.message)
        return redirect(exc.result_url or reverse("vetting:board", args=[unit.pk]))
    messages.success(request, f"已函请{d['department']}部门审查，{made.due_on.isoformat()}前回复。")
    return _to_board(unit, "departments")


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    req = access.get_request_for_user(request.user, pk, write=True)
    user = _user(request)
    if user.role not in access.OPERATORS:
        raise PermissionDenied("只有选举单位可以催办。")
    form = RemindForm(request.POST, key=str(req.pk))
    if form.is_valid():
        d = form.cleaned_data
        if attempt(
            form,
            lambda: services.department_remind(
                actor=user, request=req, reminded_on=d["reminded_on"], note=d["note"]
            ),
        ):
            messages.success(request, f"已催办{req.department}部门。")
            return _to_board(req.unit, "departments")
    return _board_page(request, req.unit, status=400, **{f"remind_{req.pk}": form})


def _votes(request: HttpRequest, allowed: set[int]) -> tuple[dict[int, int], list[str]]:
    votes: dict[int, int] = {}
    problems: list[str] = []
    for raw in request.POST.getlist("case"):
        pk = _int(raw)
        if pk is None or pk not in allowed:
            problems.append("所选考察对象不能研究")
            continue
        n = _int(request.POST.get(f"votes_{pk}"))
        if n is None:
            problems.append("请为每名所选考察对象填写同意票数（非负整数）")
            continue
        votes[pk] = n
    return votes, problems


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    user, unit = _unit_post(request, pk)
    form = DecisionForm(request.POST)
    cases = Case.objects.filter(unit=unit, status=domain.Status.TO_DECIDE)
    votes, problems = _votes(request, set(cases.values_list("pk", flat=True)))
    if not form.is_valid() or problems:
        for p in problems:
            form.add_error("votes", p)
        return _board_page(request, unit, status=400, decision_form=form)
    d = form.cleaned_data
    page, step = ask_first(
        request,
        lambda: services.candidates_decide(
            actor=user,
            unit=unit,
            decided_on=d["decided_on"],
            attendance_due=d["attendance_due"],
            attendance_present=d["attendance_present"],
            decision=d["decision"],
            accountable_person=d["accountable_person"],
            votes=votes,
        ),
        title="集体研究确定初步人选",
        effect=f"将以{unit.organisation.name}集体研究决定的名义研究 {len(votes)} 名考察对象，"
        "得票超过实到会人数半数的列为初步人选，其余不予考虑；确定后不能修改。",
        button="记录",
        back=reverse("vetting:board", args=[unit.pk]),
    )
    if page is not None:
        return page
    if attempt(form, step) is None:
        return _board_page(request, unit, status=400, decision_form=form)
    messages.success(request, "初步人选已集体研究确定。")
    return _to_board(unit)


@login_required
@require_GET
def summary(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk)
    if fmt not in ("xlsx", "docx"):
        raise Http404
    rows = selectors.board_rows(Case.objects.filter(unit=unit))
    if fmt == "xlsx":
        data = documents.summary_xlsx(unit, rows)
    else:
        data = documents.summary_docx(unit, rows)
    return nomination_documents.response(data, f"{unit.organisation.name}考察审查汇总表.{fmt}")


# --- the case page --------------------------------------------------------------------------


def _on_team(user: User, case: Case) -> bool:
    if user.role != Role.INSPECTOR or case.team is None:
        return False
    return (
        case.team.leader_id == user.pk
        or TeamMember.objects.filter(team=case.team, user=user).exists()
    )


def _evaluation_counts(
    request: HttpRequest, dims: list[str]
) -> tuple[dict[str, dict[str, int]], list[str]]:
    counts: dict[str, dict[str, int]] = {}
    problems: list[str] = []
    for i, dim in enumerate(dims):
        counts[dim] = {}
        for j, grade in enumerate(domain.GRADES):
            raw = request.POST.get(f"g_{i}_{j}", "").strip()
            n = _int(raw) if raw else 0
            if n is None:
                problems.append(f"“{dim}-{grade}”应为非负整数")
                continue
            counts[dim][grade] = n
    return counts, problems


def _case_page(
    request: HttpRequest, case: Case, *, status: int = 200, **forms_: Any
) -> HttpResponse:
    user = _user(request)
    today = clock.today()
    team_member = _on_team(user, case)
    operator = user.role in access.OPERATORS
    leader = team_member and case.team is not None and case.team.leader_id == user.pk
    settings = selectors.settings_for(case.campaign)
    dims = list(settings.evaluation_dimensions) if settings else list(domain.EVALUATION_DIMENSIONS)
    items = list(settings.check_items) if settings else list(domain.CHECK_ITEMS)
    reasons = _reasons(case.campaign)
    evaluation = Evaluation.objects.filter(case=case).first()
    report = InspectionReport.objects.filter(case=case).select_related("signed_by").first()
    talks = dict(TalkCount.objects.filter(case=case).values_list("category", "count"))
    posted = request.method == "POST"
    grid = []
    for i, dim in enumerate(dims):
        cells = []
        for j, grade in enumerate(domain.GRADES):
            name = f"g_{i}_{j}"
            if posted and name in request.POST:
                value: Any = request.POST.get(name, "")
            elif evaluation is not None:
                value = evaluation.counts.get(dim, {}).get(grade, 0)
            else:
                value = ""
            cells.append((name, grade, value))
        grid.append((dim, cells))
    talk_cells = [
        (
            f"talk_{i}",
            c,
            request.POST.get(f"talk_{i}", "")
            if posted and f"talk_{i}" in request.POST
            else talks.get(c, ""),
        )
        for i, c in enumerate(domain.TALK_CATEGORIES)
    ]
    report_form = forms_.get("report_form") or ReportForm(
        initial={
            "material": report.material if report else documents.material_template(case),
            "opinion": report.opinion if report else "",
            "reasons": report.reasons if report else "",
        }
    )
    checks = {r.item: r for r in case.check_results.all()}
    cadre = {r.item: r for r in case.cadre_checks.all()}
    vetoes = list(case.vetoes.order_by("pk"))
    replies = list(
        DepartmentReply.objects.filter(case=case)
        .select_related("request")
        .order_by("request__department")
    )
    blockers = selectors.blockers_for(case) if domain.Status(case.status) in domain.OPEN else []
    inspecting = case.status == domain.Status.INSPECTING and not (report and report.signed_on)
    context = {
        "case": case,
        "member": case.member,
        "status_label": domain.STATUS_LABELS[domain.Status(case.status)],
        "team_member": team_member,
        "leader": leader,
        "operator": operator,
        "inspecting": inspecting,
        "open": domain.Status(case.status) in domain.OPEN,
        "is_cadre": bool(case.member.cadre_rank),
        "blockers": blockers,
        "talks": talks,
        "talks_total": sum(talks.values()),
        "talk_cells": talk_cells,
        "talks_error": forms_.get("talks_error"),
        "notes": (
            access.talk_notes_for_user(user, case)
            if access.can_read_talk_notes(user, case)
            else None
        ),
        "note_form": forms_.get("note_form") or TalkNoteForm(initial={"talked_on": today}),
        "evaluation": evaluation,
        "evaluation_rows": documents.evaluation_rows(evaluation),
        "evaluation_headers": documents.EVALUATION_HEADERS,
        "grid": grid,
        "grades": domain.GRADES,
        "evaluation_form": forms_.get("evaluation_form")
        or EvaluationForm(
            initial={
                "held_on": evaluation.held_on if evaluation else today,
                "due": evaluation.due if evaluation else "",
                "participants": evaluation.participants if evaluation else "",
            }
        ),
        "import_form": forms_.get("import_form") or ImportForm(),
        "report": report,
        "report_form": report_form,
        "sign_form": forms_.get("sign_form") or SignForm(initial={"signed_on": today}),
        "checks": [(i, checks.get(i)) for i in items],
        "check_form": forms_.get("check_form")
        or CheckForm(
            items=items, reasons=reasons, initial={"checked_on": today, "checked_by": _name(user)}
        ),
        "cadre": [(i, cadre.get(i)) for i in domain.FOUR_MUSTS],
        "cadre_form": forms_.get("cadre_form")
        or CadreCheckForm(reasons=reasons, initial={"done_on": today, "done_by": _name(user)}),
        "replies": replies if (operator or user.role == Role.SUPERVISOR) else [],
        "vetoes": [
            (
                v,
                forms_.get(f"lift_{v.pk}")
                or CollectiveForm(key=str(v.pk), initial={"decided_on": today}),
            )
            for v in vetoes
        ],
        "exemption_form": forms_.get("exemption_form")
        or ExemptionForm(initial={"decided_on": today}),
        "aside_form": forms_.get("aside_form")
        or SetAsideForm(
            reasons=list(settings.not_considered_reasons)
            if settings
            else list(domain.NOT_CONSIDERED_REASONS),
            initial={"decided_on": today},
        ),
        "withdraw_form": forms_.get("withdraw_form")
        or WithdrawForm(initial={"withdrawn_on": today}),
        "sign_effect": f"签署后{case.member.name}的考察情况不能再修改，转入待研究。",
        "next_steps": waiting_for(user),
    }
    return render(request, "vetting/case.html", context, status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, access.get_case_for_user(request.user, pk))


def _case_post(request: HttpRequest, pk: int) -> tuple[User, Case]:
    case = access.get_case_for_user(request.user, pk, write=True)
    return _user(request), case


def _to_case(case: Case, anchor: str = "") -> HttpResponse:
    return redirect(reverse("vetting:case", args=[case.pk]) + (f"#{anchor}" if anchor else ""))


@login_required
@require_POST
def talks(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case_post(request, pk)
    counts: dict[str, int] = {}
    bad = []
    for i, c in enumerate(domain.TALK_CATEGORIES):
        raw = request.POST.get(f"talk_{i}", "").strip()
        n = _int(raw) if raw else 0
        if n is None:
            bad.append(f"“{c}”人数应为非负整数")
        else:
            counts[c] = n
    if not bad:
        try:
            services.talks_record(actor=user, case=case, counts=counts)
        except DomainError as exc:
            bad = [m for _f, m in exc.errors]
    if bad:
        return _case_page(request, case, status=400, talks_error="；".join(bad))
    messages.success(request, "个别谈话人数已登记。")
    return _to_case(case, "talks")


@login_required
@require_POST
def talk_note(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case_post(request, pk)
    form = TalkNoteForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            with once(form, user) as row:
                if (
                    attempt(
                        form,
                        lambda: services.talk_note_add(
                            actor=user,
                            case=case,
                            category=d["category"],
                            talked_on=d["talked_on"],
                            interviewee=d["interviewee"],
                            note=d["note"],
                        ),
                    )
                    is None
                ):
                    raise _Refused
                row.result_url = reverse("vetting:case", args=[case.pk]) + "#talks"
        except _Refused:
            pass
        except AlreadySubmittedError as exc:
            messages.info(request, exc.message)
            return redirect(exc.result_url or reverse("vetting:case", args=[case.pk]))
        else:
            messages.success(request, "谈话记录已保存。")
            return _to_case(case, "talks")
    return _case_page(request, case, status=400, note_form=form)


@login_required
@require_POST
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case_post(request, pk)
    form = EvaluationForm(request.POST)
    settings = selectors.settings_for(case.campaign)
    dims = list(settings.evaluation_dimensions) if settings else list(domain.EVALUATION_DIMENSIONS)
    counts, problems = _evaluation_counts(request, dims)
    if form.is_valid() and not problems:
        d = form.cleaned_data
        if attempt(
            form,
            lambda: services.evaluation_enter(
                actor=user,
                case=case,
                held_on=d["held_on"],
                due=d["due"],
                participants=d["participants"],
                counts=counts,
            ),
        ):
            messages.success(request, "民主测评结果已录入。")
            return _to_case(case, "evaluation")
    for p in problems:
        form.add_error("counts", p)
    return _case_page(request, case, status=400, evaluation_form=form)


@login_required
@require_GET
def evaluation_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    team = access.get_team_for_user(request.user, pk)
    settings = selectors.settings_for(team.campaign)
    dims = list(settings.evaluation_dimensions) if settings else list(domain.EVALUATION_DIMENSIONS)
    persons = [
        sheets.PersonRow(c.member.name, c.member.citizen_id, c.member.organisation.name, c.post)
        for c in team.cases.select_related("member__organisation").order_by("list_entry__position")
    ]
    data = sheets.evaluation_sheet(
        title=f"{team.name}民主测评结果", persons=persons, dimensions=dims
    )
    return nomination_documents.response(data, f"{team.name}民主测评表.xlsx")


@login_required
@require_POST
def evaluation_import(request: HttpRequest, pk: int) -> HttpResponse:
    team = access.get_team_for_user(request.user, pk, team_writes=True)
    user = _user(request)
    form = ImportForm(request.POST, request.FILES)
    back = request.POST.get("case")
    case = (
        access.cases_in_scope(user).filter(pk=_int(back) or 0, team=team).first() if back else None
    )
    if uploads.form_valid(form, request):
        with _upload(form) as path:
            if attempt(
                form,
                lambda: services.evaluation_import(
                    actor=user, team=team, path=path, file_name=form.cleaned_data["file"].name
                ),
            ):
                messages.success(request, "民主测评结果已导入。")
                return _to_case(case, "evaluation") if case else redirect("vetting:index")
    elif uploads.refusal(request) is None and "file" not in form.errors:
        form.add_error("file", "请选择要导入的 Excel 文件。")
    if case is None:
        messages.error(request, "；".join(str(e) for e in form.errors.get("file", [])))
        return redirect("vetting:index")
    return _case_page(
        request, access.get_case_for_user(user, case.pk), status=400, import_form=form
    )


@login_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case_post(request, pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        if attempt(
            form,
            lambda: services.report_write(
                actor=user,
                case=case,
                material=d["material"],
                opinion=d["opinion"],
                reasons=d["reasons"],
            ),
        ):
            messages.success(request, "考察材料和考察组意见已保存。")
            return _to_case(case, "report")
    return _case_page(request, case, status=400, report_form=form)


@login_required
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case_post(request, pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, status=400, sign_form=form)
    day = form.cleaned_data["signed_on"]
    page, step = ask_first(
        request,
        lambda: services.report_sign(actor=user, case=case, signed_on=day),
        title="签署考察意见",
        effect=f"签署后{case.member.name}的考察情况不能再修改，转入待研究。",
        button="签署",
        back=reverse("vetting:case", args=[case.pk]),
    )
    if page is not None:
        return page
    if attempt(form, step) is None:
        return _case_page(request, case, status=400, sign_form=form)
    messages.success(request, "考察意见已签署。")
    return _to_case(case, "report")


@login_required
@require_GET
def material(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    case = access.get_case_for_user(request.user, pk)
    if fmt not in documents.FORMATS:
        raise Http404
    data = documents.material_document(case, fmt)
    return nomination_documents.response(data, f"{case.member.name}考察材料.{fmt}")


def _attachments(form: forms.Form) -> list[AttachmentFile]:
    upload = form.cleaned_data.get("attachment")
    if not upload:
        return []
    return [AttachmentFile(name=upload.name, content=upload.read())]


@login_required
@require_POST
def check(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case_post(request, pk)
    settings = selectors.settings_for(case.campaign)
    items = list(settings.check_items) if settings else list(domain.CHECK_ITEMS)
    form = CheckForm(request.POST, request.FILES, items=items, reasons=_reasons(case.campaign))
    if not uploads.form_valid(form, request, field="attachment"):
        return _case_page(request, case, status=400, check_form=form)
    d = form.cleaned_data
    files = _attachments(form)

    def step() -> Any:
        return services.check_record(
            actor=user,
            case=case,
            item=d["item"],
            checked_on=d["checked_on"],
            checked_by=d["checked_by"],
            finding=d["finding"],
            detail=d["detail"],
            disqualification=d["disqualification"],
            attachments=files,
        )

    if d["disqualification"]:
        page, step = ask_first(
            request,
            step,
            title="认定一票否决",
            effect=f"将认定{case.member.name}“{d['disqualification']}”，一票否决；"
            "只有集体研究才能解除。",
            button="认定",
            back=reverse("vetting:case", args=[case.pk]),
        )
        if page is not None:
            return page
    if attempt(form, step) is None:
        return _case_page(request, case, status=400, check_form=form)
    messages.success(request, f"六必查“{d['item']}”已登记。")
    return _to_case(case, "checks")


@login_required
@require_POST
def cadre_check(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case_post(request, pk)
    form = CadreCheckForm(request.POST, reasons=_reasons(case.campaign))
    if not form.is_valid():
        return _case_page(request, case, status=400, cadre_form=form)
    d = form.cleaned_data

    def step() -> Any:
        return services.cadre_check_record(
            actor=user,
            case=case,
            item=d["item"],
            done_on=d["done_on"],
            done_by=d["done_by"],
            finding=d["finding"],
            detail=d["detail"],
            disqualification=d["disqualification"],
        )

    if d["disqualification"]:
        page, step = ask_first(
            request,
            step,
            title="认定一票否决",
            effect=f"将认定{case.member.name}“{d['disqualification']}”，一票否决；"
            "只有集体研究才能解除。",
            button="认定",
            back=reverse("vetting:case", args=[case.pk]),
        )
        if page is not None:
            return page
    if attempt(form, step) is None:
        return _case_page(request, case, status=400, cadre_form=form)
    messages.success(request, f"四必“{d['item']}”已登记。")
    return _to_case(case, "four-musts")


def _operator_case(request: HttpRequest, pk: int) -> tuple[User, Case]:
    user, case = _case_post(request, pk)
    if user.role not in access.OPERATORS:
        raise PermissionDenied("只有选举单位可以作出该决定。")
    return user, case


@login_required
@require_POST
def veto_lift(request: HttpRequest, pk: int) -> HttpResponse:
    veto: Veto = access.get_veto_for_user(request.user, pk, write=True)
    user = _user(request)
    case = access.get_case_for_user(user, veto.case_id, write=True)
    form = CollectiveForm(request.POST, key=str(veto.pk))
    if not form.is_valid():
        return _case_page(request, case, status=400, **{f"lift_{veto.pk}": form})
    d = form.cleaned_data
    page, step = ask_first(
        request,
        lambda: services.veto_lift(
            actor=user,
            veto=veto,
            decided_on=d["decided_on"],
            attendance_due=d["attendance_due"],
            attendance_present=d["attendance_present"],
            reason=d["reason"],
            accountable_person=d["accountable_person"],
        ),
        title="集体研究解除一票否决",
        effect=f"将以集体研究决定的名义解除{case.member.name}的一票否决（{veto.reason}），"
        "记入全程纪实；解除后不能撤回。",
        button="解除",
        back=reverse("vetting:case", args=[case.pk]),
    )
    if page is not None:
        return page
    if attempt(form, step) is None:
        return _case_page(request, case, status=400, **{f"lift_{veto.pk}": form})
    messages.success(request, "一票否决已由集体研究解除。")
    return _to_case(case, "vetoes")


@login_required
@require_POST
def exemption(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _operator_case(request, pk)
    form = ExemptionForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, status=400, exemption_form=form)
    d = form.cleaned_data
    page, step = ask_first(
        request,
        lambda: services.exemption_decide(actor=user, case=case, **d),
        title="交叉任职豁免决定",
        effect=f"将记录{case.member.name}可不受“一般不交叉”限制的决定；记录后不能撤回。",
        button="记录",
        back=reverse("vetting:case", args=[case.pk]),
    )
    if page is not None:
        return page
    if attempt(form, step) is None:
        return _case_page(request, case, status=400, exemption_form=form)
    messages.success(request, "豁免决定已记录。")
    return _to_case(case)


@login_required
@require_POST
def set_aside(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _operator_case(request, pk)
    settings = selectors.settings_for(case.campaign)
    form = SetAsideForm(
        request.POST,
        reasons=list(settings.not_considered_reasons)
        if settings
        else list(domain.NOT_CONSIDERED_REASONS),
    )
    if not form.is_valid():
        return _case_page(request, case, status=400, aside_form=form)
    d = form.cleaned_data
    page, step = ask_first(
        request,
        lambda: services.case_set_aside(actor=user, case=case, **d),
        title="不予考虑",
        effect=f"{case.member.name}将不予考虑（{d['reason']}），不能恢复。",
        button="确定",
        back=reverse("vetting:case", args=[case.pk]),
    )
    if page is not None:
        return page
    if attempt(form, step) is None:
        return _case_page(request, case, status=400, aside_form=form)
    messages.success(request, "已记录不予考虑。")
    return _to_case(case)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _operator_case(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, status=400, withdraw_form=form)
    d = form.cleaned_data
    page, step = ask_first(
        request,
        lambda: services.case_withdraw(actor=user, case=case, **d),
        title="本人退出",
        effect=f"{case.member.name}将记为本人退出（{d['reason']}），不能恢复。",
        button="确定",
        back=reverse("vetting:case", args=[case.pk]),
    )
    if page is not None:
        return page
    if attempt(form, step) is None:
        return _case_page(request, case, status=400, withdraw_form=form)
    messages.success(request, "已记录本人退出。")
    return _to_case(case)


# --- notices --------------------------------------------------------------------------------


@login_required
@require_POST
def notice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    team = access.get_team_for_user(request.user, pk, team_writes=True)
    user = _user(request)
    if user.role == Role.INSPECTOR and team.leader_id != user.pk:
        raise PermissionDenied("考察预告由选举单位或考察组组长发布。")
    form = NoticeForm(request.POST)
    ids = [i for i in (_int(v) for v in request.POST.getlist("cases")) if i is not None]
    cases = list(Case.objects.filter(pk__in=ids, team=team))
    back = (
        reverse("vetting:index")
        if user.role == Role.INSPECTOR
        else reverse("vetting:board", args=[team.unit_id])
    )
    if form.is_valid():
        d = {k: v for k, v in form.cleaned_data.items() if k != "once"}
        page, step = ask_first(
            request,
            lambda: services.notice_issue(actor=user, team=team, cases=cases, **d),
            title="发布考察预告",
            effect=f"将发布{team.name}的考察预告（{len(cases)} 人），考察对象转入考察中；"
            "发布后不能撤回。",
            button="发布",
            back=back,
        )
        if page is not None:
            return page
        try:
            with once(form, user) as row:
                made = attempt(form, step)
                if made is None:
                    raise _Refused
                row.result_url = back
        except _Refused:
            pass
        except AlreadySubmittedError as exc:
            messages.info(request, exc.message)
            return redirect(exc.result_url or back)
        else:
            messages.success(request, "考察预告已发布。")
            return redirect(back)
    return _team_page(request, team, status=400, notice_form=form)


def _team_page(
    request: HttpRequest, team: Team, *, status: int = 200, **forms_: Any
) -> HttpResponse:
    user = _user(request)
    cases = list(
        team.cases.select_related("member__organisation", "notice").order_by("list_entry__position")
    )
    may_issue = (user.role in access.OPERATORS) or (
        user.role == Role.INSPECTOR and team.leader_id == user.pk
    )
    return render(
        request,
        "vetting/team.html",
        {
            "team": team,
            "cases": cases,
            "members": list(team.members.all()),
            "notices": list(team.notices.order_by("-pk")),
            "may_issue": may_issue,
            "pending": [c for c in cases if c.status == domain.Status.PENDING],
            "notice_form": forms_.get("notice_form")
            or NoticeForm(
                initial={
                    "issued_on": clock.today(),
                    "starts_on": clock.today(),
                    "ends_on": clock.today(),
                    "contact_person": _name(user),
                }
            ),
            "posted_cases": {_int(v) for v in request.POST.getlist("cases")},
            "next_steps": waiting_for(user),
        },
        status=status,
    )


@login_required
@require_GET
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _team_page(request, access.get_team_for_user(request.user, pk))


@login_required
@require_GET
def notice_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    notice = access.get_notice_for_user(request.user, pk)
    if fmt not in documents.FORMATS:
        raise Http404
    data = documents.notice_document(notice, fmt)
    return nomination_documents.response(data, f"{notice.team.name}考察预告.{fmt}")


# --- the department's queue -----------------------------------------------------------------


def _request_page(
    request: HttpRequest, req: DepartmentRequest, *, status: int = 200, **forms_: Any
) -> HttpResponse:
    user = _user(request)
    rows = access.department_queue(user, req)
    may_answer = user.role in access.REQUEST_WRITERS and (
        user.role != Role.DEPARTMENT_REVIEWER or user.department == req.department
    )
    reasons = _reasons(req.campaign)
    today = clock.today()
    shown = []
    for r in rows:
        waiting = not r.outcome or r.outcome == domain.Reply.FURTHER
        form = forms_.get(f"reply_{r.reply_id}")
        if form is None and may_answer and waiting:
            form = ReplyForm(
                reasons=reasons,
                key=str(r.reply_id),
                initial={"replied_on": today, "reviewer": _name(user)},
            )
        shown.append(
            {
                "row": r,
                "masked": masked(r.citizen_id),
                "outcome": domain.REPLY_LABELS[domain.Reply(r.outcome)] if r.outcome else "",
                "form": form,
            }
        )
    return render(
        request,
        "vetting/request.html",
        {
            "req": req,
            "rows": shown,
            "may_answer": may_answer,
            "late": any(not r.outcome for r in rows) and req.due_on < today,
            "import_form": forms_.get("import_form") or ImportForm(),
            "next_steps": waiting_for(user),
        },
        status=status,
    )


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_page(request, access.get_request_for_user(request.user, pk))


@login_required
@require_POST
def reply(request: HttpRequest, pk: int, reply_pk: int) -> HttpResponse:
    req = access.get_request_for_user(request.user, pk, write=True)
    user = _user(request)
    row = (
        DepartmentReply.objects.filter(request=req, pk=reply_pk)
        .select_related("case__member", "case__campaign", "case__unit__organisation")
        .first()
    )
    if row is None:
        raise Http404
    form = ReplyForm(request.POST, reasons=_reasons(req.campaign), key=str(row.pk))
    if not form.is_valid():
        return _request_page(request, req, status=400, **{f"reply_{row.pk}": form})
    d = form.cleaned_data
    page, step = ask_first(
        request,
        lambda: services.department_reply(actor=user, request=req, case=row.case, **d),
        title="回复审查意见",
        effect=f"将以{req.department}部门的名义回复{row.case.member.name}的审查意见"
        f"（{domain.REPLY_LABELS[domain.Reply(d['outcome'])]}），回复后不能修改。",
        button="回复",
        back=reverse("vetting:request", args=[req.pk]),
    )
    if page is not None:
        return page
    if attempt(form, step) is None:
        return _request_page(request, req, status=400, **{f"reply_{row.pk}": form})
    messages.success(request, f"已回复{row.case.member.name}的审查意见。")
    return redirect("vetting:request", pk=req.pk)


@login_required
@require_GET
def reply_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    req = access.get_request_for_user(request.user, pk)
    rows = access.department_queue(request.user, req)
    persons = [
        sheets.PersonRow(r.name, r.citizen_id, r.organisation, r.post)
        for r in rows
        if not r.outcome or r.outcome == domain.Reply.FURTHER
    ]
    data = sheets.reply_sheet(
        title=f"{req.unit.organisation.name}考察对象{req.department}部门审查意见", persons=persons
    )
    return nomination_documents.response(data, f"{req.department}部门审查意见回复表.xlsx")


@login_required
@require_POST
def reply_import(request: HttpRequest, pk: int) -> HttpResponse:
    req = access.get_request_for_user(request.user, pk, write=True)
    user = _user(request)
    form = ImportForm(request.POST, request.FILES)
    if not uploads.form_valid(form, request):
        if uploads.refusal(request) is None and "file" not in form.errors:
            form.add_error("file", "请选择要导入的 Excel 文件。")
        return _request_page(request, req, status=400, import_form=form)
    with _upload(form) as path:
        name = form.cleaned_data["file"].name
        page, step = ask_first(
            request,
            lambda: services.department_replies_import(
                actor=user, request=req, path=path, file_name=name
            ),
            title="导入审查意见",
            effect=f"将导入{req.department}部门的审查意见，导入后不能修改。",
            button="导入",
            back=reverse("vetting:request", args=[req.pk]),
        )
        if page is not None:
            # The dialog (confirm.js) sends the file again with confirm=1; the page without
            # script cannot carry a file, so the form there asks for it once more.
            return page
        done = attempt(form, step)
    if done is None:
        return _request_page(request, req, status=400, import_form=form)
    messages.success(request, f"已导入 {len(done)} 人的审查意见。")
    return redirect("vetting:request", pk=req.pk)


@login_required
@require_GET
def letter(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    req = access.get_request_for_user(request.user, pk)
    if fmt not in documents.FORMATS:
        raise Http404
    data = documents.letter_document(req, fmt)
    return nomination_documents.response(data, f"{req.department}部门征求意见函.{fmt}")
