"""Election pages. Every object comes through ``tuixuan.election.access``; every change
goes through one service; domain errors become messages naming the reason."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from tuixuan.campaign import access as campaign_access
from tuixuan.campaign.models import Campaign, ElectionUnit
from tuixuan.core import clock
from tuixuan.core.errors import DomainError, ValidationFailedError
from tuixuan.core.forms import AlreadySubmittedError, ask_first, attempt, once
from tuixuan.core.middleware import polling
from tuixuan.core.models import User
from tuixuan.core.next_steps import home_steps
from tuixuan.election import access, documents, domain, forms, next_steps, selectors, services
from tuixuan.election import jobs as election_jobs
from tuixuan.election.counting import (
    minimum_candidates,
    reduction_permissible,
)
from tuixuan.election.models import (
    Batch,
    BatchEntry,
    Candidate,
    Delegate,
    DueVoter,
    Election,
    EnteredBallot,
    PrintRun,
    ProfileChoice,
    ResultRow,
    Round,
    RoundKind,
    RoundStatus,
    SeatReduction,
    Staff,
)
from tuixuan.jobs import views as job_views
from tuixuan.jobs.models import Job
from tuixuan.nomination.charts import structure_bars
from tuixuan.nomination.domain import percent
from tuixuan.registry.models import Member

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _attempt(request: HttpRequest, action: Callable[[], Any], success: str = "") -> bool:
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    if success:
        messages.success(request, success)
    return True


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))


def release_effect(round_: Round) -> str:
    return f"将宣布{round_}的结果并在大屏幕显示，记入当选人的一人一册；宣布后不能撤回。"


def removal_effect(name: str, reason: str) -> str:
    return (
        f"将以“{reason}”为由终止{name}的代表资格，记入其一人一册，并在本选举单位开启补选；"
        "终止后不能撤回。"
    )


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


# -- elections --------------------------------------------------------------------------


@login_required
def election_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    elections = access.elections_in_scope(user).select_related("organisation")
    can_create = user.role in access.MANAGERS and user.organisation is not None
    form = forms.ElectionForm(request.POST or None)
    if request.method == "POST":
        if not can_create or user.organisation is None:
            raise PermissionDenied("当前角色无权创建选举。")
        if form.is_valid():
            data = form.cleaned_data
            organisation = user.organisation

            def create() -> Election:
                with once(form, user) as submission:
                    election = services.election_create(
                        actor=user,
                        organisation=organisation,
                        title=data["title"],
                        body_type=data["body_type"],
                        profile=data["profile"],
                        seats=data["seats"],
                        meeting_date=data["meeting_date"],
                    )
                    submission.result_url = reverse("election:detail", args=[election.pk])
                return election

            try:
                made = attempt(form, create)
            except AlreadySubmittedError as exc:
                messages.info(request, exc.message)
                return redirect(exc.result_url or "election:list")
            if made is not None:
                return redirect("election:detail", pk=made.pk)
    return render(
        request,
        "election/list.html",
        {
            "elections": elections,
            "form": form,
            "can_create": can_create,
            "next_steps": home_steps(user)[0],
        },
        status=400 if form.errors else 200,
    )


def _detail_context(user: User, election: Election) -> dict[str, Any]:
    return {
        "election": election,
        "can_manage": access.can_manage(user, election),
        "is_chief": access.is_chief_scrutineer(user, election),
        "can_enter": access.can_enter(user, election),
        "can_check": access.can_check_credentials(user, election),
        "attendance": selectors.attendance(election),
        "candidates": selectors.ballot_order(list(election.candidates.select_related("member"))),
        "staff": Staff.objects.filter(election=election),
        "rounds": Round.objects.filter(election=election).order_by("number"),
        "blockers": selectors.open_blockers(election) if election.status == "preparing" else [],
        "delegates": selectors.elected_in_stroke_order(election),
        "open_seats": selectors.open_seats(election),
        "seats_in_force": selectors.seats_in_force(election),
        "active_round": selectors.active_round(election),
        "next_steps": next_steps.election_steps(user, election),
        "from_campaign": election.campaign_id is not None,
        "campaign": selectors.campaign_of(election),
        "taken_list": election.candidate_list,
        "newer_list": selectors.approved_list_changed(election),
        "take_effect": take_effect(election),
    }


@login_required
def election_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk)
    return _detail_page(request, user, election)


def _detail_page(
    request: HttpRequest, user: User, election: Election, status: int = 200, **bound: Any
) -> HttpResponse:
    """The election page; a refused form comes back bound, with what was typed."""
    context = _detail_context(user, election)
    context.update(
        candidates_form=forms.CandidatesForm(),
        staff_form=forms.StaffForm(),
        method_form=forms.MethodForm(initial={"text": election.method_text}),
        date_form=forms.MeetingDateForm(initial={"meeting_date": election.meeting_date}),
        open_effect=open_effect(election),
    )
    context.update(bound)
    return render(request, "election/detail.html", context, status=status)


def open_effect(election: Election) -> str:
    due = selectors.attendance(election)
    people = election.candidates.count()
    return (
        f"将确定应到会名单（应到 {due.due} 人）和候选人名单（{people} 人），开始签到；"
        "开始后名单不能再修改。"
    )


@login_required
@require_POST
def meeting_date(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk, write=True)
    form = forms.MeetingDateForm(request.POST)
    if form.is_valid() and attempt(
        form,
        lambda: services.meeting_date_set(
            actor=user,
            election=election,
            meeting_date=form.cleaned_data["meeting_date"],
            reason=form.cleaned_data["reason"],
        ),
    ):
        messages.success(request, "会议日期已记录。")
        return redirect("election:detail", pk=pk)
    return _detail_page(request, user, election, status=400, date_form=form)


def _parse_candidates(user: User, election: Election, text: str) -> list[services.CandidateInput]:
    entries = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace("，", ",").strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split(",")]
        member = None
        note = ""
        if len(parts) > 1 and parts[1]:
            member = Member.objects.filter(
                citizen_id=parts[1].upper(),
                organisation__path__startswith=election.organisation.path,
            ).first()
            if member is None:
                raise ValidationFailedError(
                    f"第 {number} 行：本选举单位没有身份证号为 {parts[1]} 的党员。"
                )
        if len(parts) > 2:
            note = parts[2]
        entries.append(services.CandidateInput(parts[0], member, note))
    return entries


@login_required
@require_POST
def candidates_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk, write=True)
    form = forms.CandidatesForm(request.POST)
    if form.is_valid() and attempt(
        form,
        lambda: (
            services.candidates_enter(
                actor=user,
                election=election,
                entries=_parse_candidates(user, election, form.cleaned_data["lines"]),
            )
            or True
        ),
    ):
        messages.success(request, "候选人已录入。")
        return redirect("election:detail", pk=pk)
    return _detail_page(request, user, election, status=400, candidates_form=form)


@login_required
@require_POST
def electorate_draw(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk, write=True)
    day = election.meeting_date or clock.today()
    members = selectors.voting_members(election, on=day).count()
    if members >= settings.ELECTORATE_JOB_MIN_MEMBERS:  # a unit this large: a job, with progress
        job = election_jobs.start_electorate_draw(actor=user, election=election, members=members)
        return redirect("election:draw_progress", pk=job.pk)
    _attempt(
        request,
        lambda: services.electorate_draw(actor=user, election=election),
        "应到会名单已生成。",
    )
    return redirect("election:voters", pk=pk)


@polling
@login_required
def draw_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a large draw; once done, the voters page."""
    user = _user(request)
    access.require_reader(user)
    job = job_views.job_for_user(user, pk, Job.Kind.ELECTORATE_DRAW)
    election = access.get_election_for_user(user, job.params["election"])
    if job.status == Job.Status.DONE:
        messages.success(request, "应到会名单已生成。")
        target = reverse("election:voters", args=[election.pk])
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    return render(request, "election/draw_progress.html", {"job": job, "election": election})


@login_required
def voters(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk)
    rows = DueVoter.objects.filter(election=election).order_by("organisation_name", "name", "id")
    return render(
        request,
        "election/voters.html",
        {
            "election": election,
            "voters": rows,
            "attendance": selectors.attendance(election),
            "can_manage": access.can_manage(user, election),
            "exclusion_form": forms.ExclusionForm(),
        },
    )


@login_required
@require_POST
def voter_exclude(request: HttpRequest, pk: int, voter_pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk, write=True)
    voter = get_object_or_404(DueVoter, pk=voter_pk, election=election)
    voter.election = election
    form = forms.ExclusionForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.voter_exclude(
                actor=user,
                due_voter=voter,
                reason=form.cleaned_data["reason"],
                approval=form.cleaned_data["approval"],
            ),
            f"{voter.name} 已不计入应到会人数。",
        )
    else:
        _form_errors(request, form)
    return redirect("election:voters", pk=pk)


@login_required
@require_POST
def staff_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk, write=True)
    form = forms.StaffForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        account = None
        if data["username"]:
            account = User.objects.filter(username=data["username"].strip()).first()
            if account is None:
                form.add_error("username", f"系统账号“{data['username']}”不存在。")
                return _detail_page(request, user, election, status=400, staff_form=form)
        if attempt(
            form,
            lambda: (
                services.staff_assign(
                    actor=user,
                    election=election,
                    role=data["role"],
                    name=data["name"],
                    user=account,
                )
                or True
            ),
        ):
            messages.success(request, "人员已确定。")
            return redirect("election:detail", pk=pk)
    return _detail_page(request, user, election, status=400, staff_form=form)


@login_required
@require_POST
def election_open(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk, write=True)
    page, step = ask_first(
        request,
        lambda: services.election_open(actor=user, election=election),
        title="确定名单，开始签到",
        effect=open_effect(election),
        button="开始签到",
        back=reverse("election:detail", args=[pk]),
    )
    if page is not None:
        return page
    if _attempt(request, step):
        return redirect("election:signin", pk=pk)
    return redirect("election:detail", pk=pk)


@login_required
@require_POST
def method_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk, write=True)
    form = forms.MethodForm(request.POST)
    if form.is_valid() and attempt(
        form,
        lambda: services.method_adopt(
            actor=user, election=election, text=form.cleaned_data["text"]
        ),
    ):
        messages.success(request, "选举办法已通过。")
        return redirect("election:detail", pk=pk)
    return _detail_page(request, user, election, status=400, method_form=form)


@login_required
@require_POST
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk, write=True)
    kind = request.POST.get("kind", "formal")
    created: list[Round] = []
    if _attempt(
        request,
        lambda: created.append(services.round_open(actor=user, election=election, kind=kind)),
    ):
        return redirect("election:round", pk=created[0].pk)
    return redirect("election:detail", pk=pk)


@login_required
@require_POST
def election_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk, write=True)
    _attempt(
        request,
        lambda: services.election_report(actor=user, election=election),
        "选举结果已报召集机关。",
    )
    return redirect("election:detail", pk=pk)


# -- sign-in ----------------------------------------------------------------------------


@login_required
def signin(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk)
    query = request.GET.get("q", "").strip()
    rows = DueVoter.objects.filter(election=election, exclusion="")
    if query:
        rows = rows.filter(name__contains=query)
    return render(
        request,
        "election/signin.html",
        {
            "election": election,
            "voters": rows.order_by("organisation_name", "name", "id")[:2000],
            "query": query,
            "attendance": selectors.attendance(election),
            "can_sign": access.can_manage(user, election) or access.can_enter(user, election),
            "next_steps": next_steps.election_steps(user, election),
        },
    )


@login_required
@require_POST
def signin_toggle(request: HttpRequest, pk: int, voter_pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk)
    voter = get_object_or_404(DueVoter, pk=voter_pk, election=election)
    voter.election = election
    present = request.POST.get("present") == "1"
    ok = _attempt(
        request,
        lambda: services.attendance_mark(actor=user, due_voter=voter, present=present),
    )
    if request.headers.get("HX-Request"):
        voter.refresh_from_db()
        response = render(
            request,
            "election/_signin_row.html",
            {"v": voter, "election": election, "can_sign": True},
        )
        if ok:
            response["HX-Trigger"] = "attendance-changed"
        return response
    return redirect("election:signin", pk=pk)


@polling
@login_required
@require_GET
def signin_count(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk)
    return render(
        request,
        "election/_attendance.html",
        {"election": election, "attendance": selectors.attendance(election)},
    )


# -- rounds -----------------------------------------------------------------------------


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    round_ = access.get_round_for_user(user, pk)
    election = round_.election
    batches = list(Batch.objects.filter(round=round_).order_by("number"))
    passes: dict[int, list[BatchEntry]] = {}
    for entry in BatchEntry.objects.filter(batch__round=round_).select_related("teller"):
        passes.setdefault(entry.batch_id, []).append(entry)
    for batch in batches:
        batch.passes = sorted(passes.get(batch.pk, []), key=lambda e: e.pass_number)  # type: ignore[attr-defined]
    result_visible = (
        round_.status == RoundStatus.RELEASED
        or access.is_chief_scrutineer(user, election)
        or access.can_manage(user, election)
    )
    return render(
        request,
        "election/round.html",
        {
            "round": round_,
            "election": election,
            "names": selectors.round_names(round_),
            "batches": batches,
            "groups": round_.group_totals.all(),
            "print_runs": PrintRun.objects.filter(round=round_),
            "print_form": forms.PrintForm(),
            "batch_form": forms.BatchForm(),
            "rows": ResultRow.objects.filter(round=round_) if result_visible else [],
            "outcome": domain.outcome_label(round_.outcome) if round_.outcome else "",
            "can_manage": access.can_manage(user, election),
            "is_chief": access.is_chief_scrutineer(user, election),
            "can_enter": access.can_enter(user, election),
            "next_steps": next_steps.election_steps(user, election),
            "issue_blockers": selectors.issue_blockers(round_)
            if round_.status == RoundStatus.PREPARING
            else [],
            "count_blockers": selectors.count_blockers(round_)
            if round_.status == RoundStatus.VOTING
            else [],
            "attendance": selectors.attendance(election),
            "all_candidates": selectors.ballot_order(list(election.candidates.all())),
            **_shortfall_context(round_),
        },
    )


def _shortfall_context(round_: Round) -> dict[str, Any]:
    if round_.outcome != "shortfall" or round_.status != RoundStatus.RELEASED:
        return {}
    election = round_.election
    elected = selectors.active_delegates(election).count()
    return {
        "reduction": SeatReduction.objects.filter(round=round_).first(),
        "reduction_allowed": reduction_permissible(
            seats=selectors.seats_in_force(election),
            elected=elected,
            ratio=selectors.reduction_ratio(election),
        ),
        "reduction_ratio_text": str(selectors.reduction_ratio(election)),
        "elected_count": elected,
        "reduction_form": forms.ReductionForm(
            initial={"agreed_by": "electors", "voters": round_.present_voters}
        ),
    }


@login_required
@require_POST
def seats_reduce(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    round_ = access.get_round_for_user(user, pk, write=True)
    form = forms.ReductionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _attempt(
            request,
            lambda: services.seats_reduce(
                actor=user,
                round_=round_,
                agreed_by=data["agreed_by"],
                voters=data["voters"],
                votes_for=data["votes_for"],
                votes_against=data["votes_against"],
                votes_abstain=data["votes_abstain"],
            ),
            "应选名额已减少。",
        )
    else:
        _form_errors(request, form)
    return redirect("election:round", pk=pk)


@login_required
@require_POST
def round_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The one-button steps of a round; each calls its service."""
    user = _user(request)
    round_ = access.get_round_for_user(user, pk)
    election = round_.election
    created: list[Round] = []
    actions: dict[str, tuple[Callable[[], Any], str]] = {
        "count": (lambda: services.round_count(actor=user, round_=round_), "计票完成。"),
        "release": (
            lambda: services.round_release(actor=user, round_=round_),
            "结果已宣布。",
        ),
        "runoff": (
            lambda: created.append(services.runoff_start(actor=user, round_=round_)),
            "已发起再次投票。",
        ),
        "separate": (
            lambda: created.append(services.separate_election_start(actor=user, round_=round_)),
            "已发起另行选举。",
        ),
        "revote": (
            lambda: created.append(services.revote_start(actor=user, round_=round_)),
            "已发起重新投票。",
        ),
    }
    if action == "release":
        access.require_chief_scrutineer(user, election)
    if action not in actions:
        raise PermissionDenied
    fn, success = actions[action]
    if action == "release":
        page, fn = ask_first(
            request,
            fn,
            title="宣布结果",
            effect=release_effect(round_),
            button="宣布",
            back=reverse("election:round", args=[pk]),
        )
        if page is not None:
            return page
    _attempt(request, fn, success)
    if created:
        return redirect("election:round", pk=created[0].pk)
    return redirect("election:round", pk=pk)


@login_required
def formal_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """After a 预选: choose the formal candidates, by default the top of the preliminary
    count down to the margin's minimum."""
    user = _user(request)
    preliminary = access.get_round_for_user(user, pk, write=True)
    election = preliminary.election
    if preliminary.kind != RoundKind.PRELIMINARY:
        raise Http404
    on_ballot = {c.name: c for c in selectors.round_candidates(preliminary)}
    rows = [r for r in ResultRow.objects.filter(round=preliminary) if r.name in on_ballot]
    seats = selectors.open_seats(election)
    needed = minimum_candidates(seats, selectors.margin_ratio(election))
    errors: list[str] = []
    chosen_ids = {int(x) for x in request.POST.getlist("candidate") if x.isdigit()}
    if request.method == "POST":
        chosen = [c for c in on_ballot.values() if c.pk in chosen_ids]
        created: list[Round] = []
        try:
            created.append(
                services.formal_round_start(actor=user, preliminary=preliminary, candidates=chosen)
            )
        except DomainError as exc:
            errors.append(exc.message)
        else:
            messages.success(request, "正式候选人已确定，已开始正式选举。")
            return redirect("election:round", pk=created[0].pk)
    else:
        chosen_ids = {on_ballot[r.name].pk for r in rows[:needed]}
    return render(
        request,
        "election/formal.html",
        {
            "round": preliminary,
            "election": election,
            "rows": [
                {
                    "row": r,
                    "candidate": on_ballot[r.name],
                    "checked": on_ballot[r.name].pk in chosen_ids,
                }
                for r in rows
            ],
            "seats": seats,
            "needed": needed,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def round_issue(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    round_ = access.get_round_for_user(user, pk, write=True)
    form = forms.IssueForm(request.POST)
    if form.is_valid():
        page, step = ask_first(
            request,
            lambda: services.ballots_issue(
                actor=user, round_=round_, issued=form.cleaned_data["issued"]
            ),
            title="发出选票",
            effect=f"将发出选票 {form.cleaned_data['issued']} 张，{round_}开始投票；"
            "发出后张数不能修改。",
            button="发出选票",
            back=reverse("election:round", args=[pk]),
        )
        if page is not None:
            return page
        _attempt(request, step, "选票已发出。")
    else:
        _form_errors(request, form)
    return redirect("election:round", pk=pk)


@login_required
@require_POST
def round_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    round_ = access.get_round_for_user(user, pk, write=True)
    election = round_.election
    ids = [int(x) for x in request.POST.getlist("candidate") if x.isdigit()]
    new_names = [n for n in request.POST.get("new_names", "").splitlines() if n.strip()]

    def run() -> None:
        if new_names:
            added = services.candidates_enter(
                actor=user,
                election=election,
                entries=[services.CandidateInput(n) for n in new_names],
            )
            ids.extend(c.pk for c in added)
        chosen = list(Candidate.objects.filter(election=election, pk__in=ids))
        services.round_candidates_set(actor=user, round_=round_, candidates=chosen)

    _attempt(request, run, "本轮候选人已确定。")
    return redirect("election:round", pk=pk)


@login_required
@require_POST
def ballots_print(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    round_ = access.get_round_for_user(user, pk, write=True)
    form = forms.PrintForm(request.POST)
    if form.is_valid():

        def print_run() -> PrintRun:
            with once(form, user) as submission:
                run = services.ballots_print(
                    actor=user, round_=round_, copies=form.cleaned_data["copies"]
                )
                submission.result_url = reverse("election:ballots_pdf", args=[pk, run.pk])
            return run

        runs: list[PrintRun] = []
        try:
            if _attempt(request, lambda: runs.append(print_run())):
                return redirect("election:ballots_pdf", pk=pk, run=runs[0].pk)
        except AlreadySubmittedError as exc:
            # The same print request again: the run already made, not a second run.
            return redirect(exc.result_url or reverse("election:round", args=[pk]))
    else:
        _form_errors(request, form)
    return redirect("election:round", pk=pk)


@login_required
def ballots_pdf(request: HttpRequest, pk: int, run: int) -> HttpResponse:
    user = _user(request)
    round_ = access.get_round_for_user(user, pk, write=True)
    print_run = get_object_or_404(PrintRun, pk=run, round=round_)
    buffer = io.BytesIO()
    documents.ballot_pdf(round_, print_run, buffer)
    name = f"选票-{round_.election.title}-第{round_.number}轮-{print_run.first}.pdf"
    return _file(buffer.getvalue(), PDF, name)


@login_required
def count_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user = _user(request)
    round_ = access.get_round_for_user(user, pk)
    if round_.status not in (RoundStatus.COUNTED, RoundStatus.RELEASED):
        messages.error(request, "本轮尚未计票。")
        return redirect("election:round", pk=pk)
    if round_.status != RoundStatus.RELEASED and not (
        access.is_chief_scrutineer(user, round_.election)
        or access.can_manage(user, round_.election)
    ):
        raise PermissionDenied("结果宣布前只有总监票人和选举单位可以查看。")
    buffer = io.BytesIO()
    name = f"计票结果报告单-{round_.election.title}-第{round_.number}轮"
    if fmt == "docx":
        documents.count_report_docx(round_, buffer)
        return _file(buffer.getvalue(), DOCX, name + ".docx")
    documents.count_report_pdf(round_, buffer)
    return _file(buffer.getvalue(), PDF, name + ".pdf")


@login_required
def result_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk)
    buffer = io.BytesIO()
    name = f"选举结果报告-{election.title}"
    if fmt == "docx":
        documents.result_report_docx(election, buffer)
        return _file(buffer.getvalue(), DOCX, name + ".docx")
    documents.result_report_pdf(election, buffer)
    return _file(buffer.getvalue(), PDF, name + ".pdf")


@login_required
def group_totals(request: HttpRequest, pk: int) -> HttpResponse:
    """Totals of a group counted by hand (唱票计票), entered instead of each ballot."""
    user = _user(request)
    round_ = access.get_round_for_user(user, pk)
    election = round_.election
    if not (access.can_enter(user, election) or access.is_chief_scrutineer(user, election)):
        raise PermissionDenied("只有计票人或总监票人可以录入分组计票结果。")
    names = selectors.round_names(round_)
    form = forms.GroupTotalsForm(names, request.POST or None)
    errors: list[str] = []
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.group_totals_enter(
                    actor=user,
                    round_=round_,
                    label=data["label"],
                    ballots_collected=data["ballots_collected"],
                    ballots_void=data["ballots_void"],
                    tallies=data["tallies"],
                    write_ins=data["written"],
                )
            except DomainError as exc:
                errors.append(exc.message)
            else:
                messages.success(request, f"计票组“{data['label']}”的结果已录入。")
                return redirect("election:round", pk=pk)
        else:
            for field, field_errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                errors += [f"{label}：{e}" if label else str(e) for e in field_errors]
    return render(
        request,
        "election/groups.html",
        {
            "round": round_,
            "election": election,
            "form": form,
            "errors": errors,
            "groups": round_.group_totals.order_by("id"),
        },
        status=400 if errors else 200,
    )


# -- batches and entry ------------------------------------------------------------------


@login_required
@require_POST
def batch_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    round_ = access.get_round_for_user(user, pk)
    form = forms.BatchForm(request.POST)
    if form.is_valid():

        def create() -> None:
            with once(form, user):
                services.batch_create(
                    actor=user, round_=round_, ballot_count=form.cleaned_data["ballot_count"]
                )

        try:
            _attempt(request, create, "批次已建立。")
        except AlreadySubmittedError as exc:
            messages.info(request, exc.message)
    else:
        _form_errors(request, form)
    return redirect("election:round", pk=pk)


@login_required
def batch_enter(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    batch = access.get_batch_for_user(user, pk)
    access.require_teller(user, batch.round.election)
    entry = BatchEntry.objects.filter(batch=batch, teller=user).first()
    readings: dict[int, dict[str, Any]] = {}
    if entry is not None:
        for seq, marks, write_ins, doubtful in EnteredBallot.objects.filter(
            entry=entry
        ).values_list("seq", "marks", "write_ins", "doubtful"):
            readings[seq] = {"marks": marks, "write_ins": write_ins, "doubtful": doubtful}
    return render(
        request,
        "election/enter.html",
        {
            "batch": batch,
            "round": batch.round,
            "election": batch.round.election,
            "names": selectors.round_names(batch.round),
            "entry": entry,
            "readings": readings,
        },
    )


@login_required
@require_POST
def batch_enter_save(request: HttpRequest, pk: int) -> JsonResponse:
    user = _user(request)
    batch = access.get_batch_for_user(user, pk)
    access.require_teller(user, batch.round.election)
    try:
        seq = int(request.POST.get("seq", "0"))
        write_ins = json.loads(request.POST.get("write_ins") or "{}")
        if not isinstance(write_ins, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"error": "提交的数据格式不正确。"}, status=400)
    try:
        services.ballot_enter(
            actor=user,
            batch=batch,
            seq=seq,
            marks=request.POST.get("marks", ""),
            write_ins={str(k): str(v) for k, v in write_ins.items()},
            doubtful=request.POST.get("doubtful") == "1",
        )
    except DomainError as exc:
        return JsonResponse({"error": exc.message}, status=400)
    entry = BatchEntry.objects.get(batch=batch, teller=user)
    entered = set(EnteredBallot.objects.filter(entry=entry).values_list("seq", flat=True))
    remaining = [n for n in range(1, batch.ballot_count + 1) if n not in entered]
    return JsonResponse(
        {"ok": True, "entered": len(entered), "next": remaining[0] if remaining else None}
    )


@login_required
@require_POST
def batch_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    batch = access.get_batch_for_user(user, pk)
    access.require_teller(user, batch.round.election)
    page, step = ask_first(
        request,
        lambda: services.entry_submit(actor=user, batch=batch),
        title="提交本遍录入",
        effect="提交后不能再修改本遍录入。",
        button="提交",
        back=reverse("election:batch_enter", args=[pk]),
    )
    if page is not None:
        return page
    if _attempt(request, step, "本遍录入已提交。"):
        return redirect("election:round", pk=batch.round_id)
    return redirect("election:batch_enter", pk=pk)


@login_required
def batch_differences(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    batch = access.get_batch_for_user(user, pk)
    election = batch.round.election
    if not (access.is_chief_scrutineer(user, election) or user.role == "supervisor"):
        raise PermissionDenied("只有总监票人可以核对差异。")
    names = selectors.round_names(batch.round)
    if request.method == "POST":
        access.require_chief_scrutineer(user, election)
        post = request.POST.copy()
        post["marks"] = "".join(post.get(f"m{i}", "0") for i in range(len(names)))
        form = forms.DecideForm(post)
        if form.is_valid():
            data = form.cleaned_data
            write_ins: dict[str | int, str] = {
                key.removeprefix("w"): value
                for key in request.POST
                if key.startswith("w")
                and key[1:].isdigit()
                and (value := request.POST.get(key, "").strip())
            }
            _attempt(
                request,
                lambda: services.ballot_decide(
                    actor=user,
                    batch=batch,
                    seq=data["seq"],
                    marks=data["marks"],
                    write_ins=write_ins,
                    void=data["void"],
                    reason=data["reason"],
                ),
                f"第 {data['seq']} 张已裁定。",
            )
        else:
            _form_errors(request, form)
        return redirect("election:batch_differences", pk=pk)
    items = [
        {"d": d, "rows": _difference_rows(names, d)} for d in selectors.pending_differences(batch)
    ]
    return render(
        request,
        "election/differences.html",
        {
            "batch": batch,
            "round": batch.round,
            "election": election,
            "items": items,
            "mark_choices": list(MARK_LABELS.items()),
            "is_chief": access.is_chief_scrutineer(user, election),
        },
    )


MARK_LABELS = {"1": "赞成", "2": "不赞成", "0": "弃权"}


def _difference_rows(names: list[str], d: selectors.Difference) -> list[dict[str, Any]]:
    rows = []
    for i, name in enumerate(names):
        first = d.first.marks[i : i + 1] if d.first else ""
        second = d.second.marks[i : i + 1] if d.second else ""
        first_w = d.first.write_ins.get(str(i), "") if d.first else ""
        second_w = d.second.write_ins.get(str(i), "") if d.second else ""

        def show(mark: str, written: str, present: bool) -> str:
            if not present:
                return "未录入"
            return MARK_LABELS.get(mark, "") + (f"（另选 {written}）" if written else "")

        rows.append(
            {
                "index": i,
                "number": i + 1,
                "name": name,
                "first": show(first, first_w, d.first is not None),
                "second": show(second, second_w, d.second is not None),
                "differs": i in d.positions,
                "initial": first or second or "0",
                "write_in": first_w or second_w,
            }
        )
    return rows


# -- hall screen ------------------------------------------------------------------------


def _screen_context(election: Election) -> dict[str, Any]:
    released = (
        Round.objects.filter(election=election, status=RoundStatus.RELEASED)
        .order_by("-number")
        .first()
    )
    current = selectors.active_round(election)
    return {
        "election": election,
        "attendance": selectors.attendance(election),
        "released": released,
        "rows": ResultRow.objects.filter(round=released) if released else [],
        "outcome": domain.outcome_label(released.outcome) if released else "",
        "current": current,
        "delegates": selectors.elected_in_stroke_order(election),
    }


@login_required
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk)
    return render(request, "election/screen.html", _screen_context(election))


@polling
@login_required
def screen_partial(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk)
    return render(request, "election/_screen.html", _screen_context(election))


# -- credentials ------------------------------------------------------------------------


@login_required
def credentials(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk)
    if request.method == "POST":
        access.require_credentials_checker(user, election)
        delegate = get_object_or_404(Delegate, pk=request.POST.get("delegate"), election=election)
        delegate.election = election
        if request.POST.get("action") == "confirm":
            _attempt(
                request,
                lambda: services.delegate_confirm(actor=user, delegate=delegate),
                f"{delegate.name} 代表资格已确认。",
            )
        else:
            form = forms.RemovalForm(request.POST)
            if form.is_valid():
                page, step = ask_first(
                    request,
                    lambda: services.delegate_remove(
                        actor=user,
                        delegate=delegate,
                        reason=form.cleaned_data["reason"],
                        detail=form.cleaned_data["detail"],
                    ),
                    title="终止资格并补选",
                    effect=removal_effect(delegate.name, form.cleaned_data["reason"]),
                    button="终止资格",
                    back=reverse("election:credentials", args=[pk]),
                )
                if page is not None:
                    return page
                _attempt(request, step, f"{delegate.name} 代表资格已终止，已在本选举单位开启补选。")
            else:
                _form_errors(request, form)
        return redirect("election:credentials", pk=pk)
    return render(
        request,
        "election/credentials.html",
        {
            "election": election,
            "delegates": Delegate.objects.filter(election=election).select_related("round"),
            "can_check": access.can_check_credentials(user, election),
            "removal_form": forms.RemovalForm(),
            "next_steps": next_steps.election_steps(user, election),
        },
    )


# -- the campaign's side: an election from the unit, the approved list, the results --------


def _unit_facts(unit: ElectionUnit) -> list[tuple[str, str]]:
    """What the campaign fixes for the unit's election, shown and never typed."""
    campaign = unit.campaign
    return [
        ("推选工作", campaign.name),
        ("选举单位", unit.organisation.name),
        ("应选名额", f"{unit.seats} 名"),
        ("选举规则", str(ProfileChoice(unit.rule_profile).label)),
        (
            "差额比例",
            f"{percent(campaign.margin_ratio)}（候选人不少于 "
            f"{minimum_candidates(unit.seats, campaign.margin_ratio)} 名）",
        ),
        ("减少名额的接近程度", percent(campaign.reduction_threshold)),
        ("补选可等额选举", "是" if campaign.equal_by_election else "否"),
    ]


@login_required
def election_from_unit(request: HttpRequest) -> HttpResponse:
    """从推选工作创建: choose the unit; the seats, rules and ratios come prefilled and
    locked from the campaign, the unit types only the title, the body and the date."""
    user = _user(request)
    access.require_reader(user)
    if user.role not in access.MANAGERS:
        raise PermissionDenied("当前角色无权创建选举。")
    raw = request.POST.get("unit") or request.GET.get("unit") or ""
    unit = access.get_unit_to_elect(user, int(raw)) if raw.isdigit() else None
    units = [u for u in access.units_to_elect(user) if selectors.unit_election(u) is None]
    form = None
    if unit is not None:
        body_types = services.BODY_TYPES.get(unit.rule_profile, ())
        form = forms.UnitElectionForm(
            request.POST if request.method == "POST" else None,
            body_types=body_types,
            initial={
                "unit": unit.pk,
                "title": f"{unit.organisation.name}{unit.campaign.term}党员大会"
                if unit.rule_profile == "grassroots"
                else f"{unit.organisation.name}{unit.campaign.term}代表大会",
                "body_type": body_types[0] if body_types else "",
            },
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            chosen = unit

            def create() -> Election:
                with once(form, user) as submission:
                    election = services.election_create_for_unit(
                        actor=user,
                        unit=chosen,
                        title=data["title"],
                        body_type=data["body_type"],
                        meeting_date=data["meeting_date"],
                    )
                    submission.result_url = reverse("election:detail", args=[election.pk])
                return election

            try:
                made = attempt(form, create)
            except AlreadySubmittedError as exc:
                messages.info(request, exc.message)
                return redirect(exc.result_url or "election:list")
            if made is not None:
                return redirect("election:detail", pk=made.pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "election/from_unit.html",
        {
            "units": units,
            "unit": unit,
            "facts": _unit_facts(unit) if unit is not None else [],
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


def take_effect(election: Election) -> str:
    if election.candidate_list_id is None:
        return (
            "将采用召集机关批准的候选人预备人选名单作为本次选举的候选人名单（按姓氏笔画为序，"
            "注明产生方式），记入每名候选人的一人一册。"
        )
    return (
        "将以重新批准的候选人预备人选名单替换现有候选人名单，记入每名有关人员的一人一册；"
        "开始签到后名单不能再更换。"
    )


@login_required
@require_POST
def candidates_take(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    election = access.get_election_for_user(user, pk, write=True)
    page, step = ask_first(
        request,
        lambda: services.candidates_take_approved(actor=user, election=election),
        title="采用批准的候选人预备人选",
        effect=take_effect(election),
        button="采用名单",
        back=reverse("election:detail", args=[pk]),
    )
    if page is not None:
        return page
    _attempt(request, step, "已采用召集机关批准的候选人预备人选名单。")
    return redirect("election:detail", pk=pk)


def _results_in_scope(user: User, campaign: Campaign) -> selectors.CampaignResults:
    """A campaign's units are read only inside the reader's own subtree (design.md, rule
    2): a township supervisor reading the city's campaign sees its own unit's result."""
    units = campaign_access.units_for_user(user).filter(campaign=campaign)
    return selectors.campaign_results(campaign, units=units)


@login_required
def campaign_results(request: HttpRequest, pk: int) -> HttpResponse:
    """选举结果 of a campaign: per unit those elected, seats filled and missing, and the
    structure of the elected against the targets (docs/domain.md §3.8, docs/domain.md §4.5)."""
    user = _user(request)
    campaign = campaign_access.get_campaign_for_user(user, pk)
    results = _results_in_scope(user, campaign)
    return render(
        request,
        "election/campaign_results.html",
        {
            "campaign": campaign,
            "results": results,
            "units": [
                (u, structure_bars(u.structure), [(r, percent(r.share)) for r in u.structure])
                for u in results.units
            ],
            "whole": [(r, percent(r.share)) for r in results.structure],
            "whole_chart": structure_bars(results.structure),
        },
    )


@login_required
@require_GET
def campaign_results_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user = _user(request)
    campaign = campaign_access.get_campaign_for_user(user, pk)
    if fmt not in ("xlsx", "docx"):
        raise Http404
    results = _results_in_scope(user, campaign)
    out = io.BytesIO()
    if fmt == "xlsx":
        documents.campaign_results_xlsx(results, out)
        return _file(out.getvalue(), XLSX, f"{campaign.name}选举结果.xlsx")
    documents.campaign_results_docx(results, out)
    return _file(out.getvalue(), DOCX, f"{campaign.name}选举结果.docx")
