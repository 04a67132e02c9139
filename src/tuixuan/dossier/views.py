from __future__ import annotations

import io
from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuixuan.campaign import access as campaign_access
from tuixuan.campaign.models import Campaign
from tuixuan.core import search
from tuixuan.core.dbrouting import read_replica
from tuixuan.core.middleware import polling
from tuixuan.core.models import Organisation, User
from tuixuan.core.next_steps import page_steps
from tuixuan.dossier import access, books, exports
from tuixuan.dossier.forms import BatchExportForm, PersonSearchForm
from tuixuan.jobs import views as job_views
from tuixuan.jobs.models import Job
from tuixuan.record import hashing
from tuixuan.record.models import EventPerson
from tuixuan.record.verification import verify_record
from tuixuan.registry.models import Member

PAGE_SIZE = 50
ACCOUNT_LIMIT = 2000  # steps shown on an organisation's account
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    return access.require_reader(request.user)


@read_replica
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """全程纪实: the persons whose books the user may open."""
    user = _user(request)
    if request.method == "POST":
        return search.redirect_to_results(request)  # a citizen ID typed here stays out of URLs
    form = PersonSearchForm(search.params(request) or None)
    rows = access.persons_visible_to(user)
    q = ""
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
    if q:
        if q[:6].isdigit():
            rows = rows.filter(citizen_id__startswith=q.upper())
        else:
            named = Member.objects.filter(name__contains=q).values("citizen_id")
            rows = rows.filter(citizen_id__in=named)
    # The record knows persons by citizen ID; the member row, where there is one, is found
    # by that ID.
    member = Member.objects.filter(citizen_id=OuterRef("citizen_id"))
    people = (
        rows.values("citizen_id")
        .annotate(
            events=Count("event", distinct=True),
            last=Max("event__at"),
            member=Subquery(member.values("pk")[:1]),
            member_name=Subquery(member.values("name")[:1]),
            member_org=Subquery(member.values("organisation__name")[:1]),
        )
        .order_by("-last", "citizen_id")
    )
    people = people.annotate(ref=Min("pk"))
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    shown: list[dict[str, Any]] = [
        {**p, "token": access.person_token(member_id=p["member"], person_id=p["ref"])}
        for p in page.object_list
    ]
    return render(
        request,
        "dossier/index.html",
        {
            "form": form,
            "page": page,
            "shown": shown,
            "query": urlencode({"s": request.GET["s"]}) if q and "s" in request.GET else "",
            "can_verify": access.can_verify(user),
            "keeper": access.is_keeper(user),
            "next_steps": page_steps(user),
        },
    )


@login_required
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not access.can_verify(user):
        raise PermissionDenied(_("只有监督保卫组和召集机关可以运行全程纪实校验。"))
    report = verify_record()
    context = {"report": report, "problems": [str(p) for p in report.problems[:50]]}
    template = (
        "dossier/_verify.html" if request.headers.get("HX-Request") else "dossier/verify.html"
    )
    return render(request, template, context)


@login_required
def member_book(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_member_for_record(request.user, pk)
    return redirect("dossier:book", token=access.person_token(member_id=member.pk))


def _book(request: HttpRequest, token: str) -> books.Book:
    return access.build_book_for(access.get_book_for_token(request.user, token))


@login_required
def book(request: HttpRequest, token: str) -> HttpResponse:
    user = _user(request)
    source = access.get_book_for_token(user, token)
    the_book = access.build_book_for(source)
    return render(
        request,
        "dossier/book.html",
        {"book": the_book, "whole": source.whole, "member": source.member, "token": token},
    )


@login_required
def book_file(request: HttpRequest, token: str, fmt: str) -> HttpResponseBase:
    user = _user(request)
    the_book = _book(request, token)
    buffer = io.BytesIO()
    if fmt == "pdf":
        books.write_book_pdf(the_book, buffer)
        content_type = PDF
    elif fmt == "docx":
        books.write_book_docx(the_book, buffer)
        content_type = DOCX
    else:
        raise Http404
    data = buffer.getvalue()
    exports.book_export_record(
        actor=user,
        citizen_ids=[the_book.person.citizen_id],
        file_format=fmt,
        scope=the_book.person.name,
        sm3=hashing.sm3_hex(data),
    )
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=books.book_file_name(the_book, fmt),
        content_type=content_type,
    )


@login_required
def person_accountability(request: HttpRequest, token: str) -> HttpResponse:
    _user(request)
    the_book = _book(request, token)
    return render(request, "dossier/accountability_person.html", {"book": the_book, "token": token})


@login_required
def organisation_accountability(request: HttpRequest, pk: int) -> HttpResponse:
    """What the organisation answers for: recommended, inspected, reviewed, decided."""
    user = _user(request)
    org = access.get_organisation_for_record(user, pk)
    subtree = request.GET.get("subtree") == "1"
    condition = (
        Q(accountable_organisation__path__startswith=org.path)
        if subtree
        else Q(accountable_organisation=org)
    )
    events = access.scope_events(user).filter(condition).order_by("at", "id")
    # The persons of the shown events come through a subquery of the same events, not a list
    # of their ids: after a large meeting (thousands of sign-ins) a list of ids makes SQLite
    # refuse the query ("Expression tree is too large").
    persons: dict[int, list[EventPerson]] = defaultdict(list)
    shown = EventPerson.objects.filter(event_id__in=events.values("pk")[:ACCOUNT_LIMIT])
    for p in shown.order_by("pk"):
        persons[p.event_id].append(p)
    members = {
        cid: (pk, name)
        for cid, pk, name in Member.objects.filter(
            citizen_id__in=shown.values("citizen_id")
        ).values_list("citizen_id", "pk", "name")
    }
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    total = 0
    for event in events[:ACCOUNT_LIMIT]:
        responsibility = books.responsibility_for(event.event_type)
        section = books.section_for(event.event_type)
        if section is None:
            continue
        kind = str(responsibility.label) if responsibility is not None else section.title
        groups[kind].append(
            {
                "event": event,
                "when": books.local_time(event.at),
                "step": books.type_label(event.event_type),
                "persons": [
                    (
                        access.person_token(
                            member_id=members.get(p.citizen_id, (None, ""))[0], person_id=p.pk
                        ),
                        members.get(p.citizen_id, (None, _("（未在党员名册中）")))[1],
                    )
                    for p in persons[event.pk]
                ][:30],
            }
        )
        total += 1
    return render(
        request,
        "dossier/accountability_org.html",
        {"org": org, "groups": sorted(groups.items()), "total": total, "subtree": subtree},
    )


@login_required
def unit_form(request: HttpRequest, pk: int, fmt: str = "html") -> HttpResponseBase:
    user = _user(request)
    org = access.get_organisation_for_record(user, pk)
    campaign = request.GET.get("campaign")
    campaign_id = int(campaign) if campaign and campaign.isdigit() else None
    events = list(
        books.unit_events(org, campaign_id=campaign_id).filter(
            pk__in=access.scope_events(user).values("pk")
        )
    )
    form = books.build_unit_form(org, events, campaign_id=campaign_id)
    if fmt == "html":
        return render(request, "dossier/unit_form.html", {"form": form, "org": org})
    buffer = io.BytesIO()
    if fmt == "pdf":
        books.write_unit_form_pdf(form, buffer)
        content_type = PDF
    elif fmt == "docx":
        books.write_unit_form_docx(form, buffer)
        content_type = DOCX
    elif fmt == "xlsx":
        books.write_unit_form_xlsx(form, buffer)
        content_type = XLSX
    else:
        raise Http404
    data = buffer.getvalue()
    exports.unit_form_export_record(
        actor=user,
        organisation=org,
        file_format=fmt,
        events=len(form.entries),
        sm3=hashing.sm3_hex(data),
    )
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=f"{org.name}-纪实登记表.{fmt}",
        content_type=content_type,
    )


@login_required
@require_http_methods(["GET", "POST"])
def batch_export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not access.is_keeper(user):
        raise PermissionDenied(_("当前角色无权批量导出一人一册。"))
    initial = {"org": user.organisation.code} if user.organisation else {}
    form = BatchExportForm(request.POST or None, initial=initial, campaigns=_campaigns(user))
    if request.method == "POST" and form.is_valid():
        code, campaign = form.cleaned_data["org"], form.cleaned_data["campaign"]
        if code:
            # A code outside the reader's subtree reads exactly like one that does not exist.
            found = Organisation.objects.filter(
                code=code, path__startswith=user.organisation.path if user.organisation else "-"
            ).first()
            if found is None:
                form.add_error("org", _("党组织代码“%(code)s”不存在。") % {"code": code})
                return render(request, "dossier/export.html", {"form": form})
            org = access.get_organisation_for_record(user, found.pk)
            ids = access.persons_of_unit(user, org)
            scope, name = f"{org.code} {org.name}", org.name
        else:
            ids = access.persons_of_campaign(user, campaign)
            title = dict(_campaigns(user)).get(campaign, str(campaign))
            scope = name = _("推选工作 %(name)s") % {"name": title}
        if not ids:
            form.add_error(None, _("该范围内没有您可以查看的一人一册。"))
            return render(request, "dossier/export.html", {"form": form})
        job = exports.start_export_job(user=user, citizen_ids=ids, scope=scope, name=name)
        return redirect("dossier:export_progress", pk=job.pk)
    return render(request, "dossier/export.html", {"form": form})


def _campaigns(user: User) -> list[tuple[int, str]]:
    """The campaigns the user works in, newest first, to choose from by name."""
    ids = {u.campaign_id for u in campaign_access.units_for_user(user)}
    ids |= set(campaign_access.campaigns_for_user(user).values_list("pk", flat=True))
    rows = Campaign.objects.filter(pk__in=ids).order_by("-pk").values_list("pk", "name")
    return [(pk, name) for pk, name in rows]


def _job(request: HttpRequest, pk: int) -> Job:
    return job_views.job_for_user(_user(request), pk, Job.Kind.EXPORT_BOOKS)


@polling
@login_required
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    context = {"job": job}
    if request.headers.get("HX-Request"):
        return render(request, "dossier/_export_progress.html", context)
    return render(request, "dossier/export_progress.html", context)


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = _job(request, pk)
    path = exports.job_file(job.pk)
    if job.status != Job.Status.DONE or not path.is_file():
        raise Http404
    name = job.result.get("name") or "books"
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"一人一册-{name}.zip")
