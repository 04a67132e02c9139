from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tuixuan.core import access, clock, search, uploads, workbooks
from tuixuan.core.dbrouting import read_replica
from tuixuan.core.middleware import polling
from tuixuan.core.models import Organisation, User
from tuixuan.core.next_steps import page_steps
from tuixuan.jobs import views as job_views
from tuixuan.jobs.models import Job
from tuixuan.registry import access as member_access
from tuixuan.registry import jobs as import_jobs
from tuixuan.registry.filters import filtered_members
from tuixuan.registry.importing.common import RowError
from tuixuan.registry.models import ImportJob

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _crumbs(org: Organisation, user: User) -> list[Organisation]:
    ids = org.ancestor_ids()
    by_id = Organisation.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id and access.in_scope(user, by_id[i])]


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not access.can_read_registry(user) or user.organisation_id is None:
        raise PermissionDenied("当前角色无权查看党组织名册。")
    return redirect("registry:org", pk=user.organisation_id)


@read_replica
@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    org = access.get_organisation_for_user(user, pk)
    children = org.children.order_by("code")
    paginator = Paginator(children, 100)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "org": org,
        "crumbs": _crumbs(org, user),
        "page": page,
        "direct_members": org.direct_member_count,
        "next_steps": page_steps(user),
    }
    return render(request, "registry/org_detail.html", context)


@read_replica
@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not access.can_read_registry(user):
        raise PermissionDenied("当前角色无权查看党员名册。")
    if request.method == "POST":
        return search.redirect_to_results(request)  # the search text stays out of the URL
    qs, form, org = filtered_members(user, search.params(request))
    qs = qs.select_related("organisation").order_by("organisation__path", "id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "registry/member_list.html",
        {
            "form": form,
            "page": page,
            "org": org,
            "query": params.urlencode(),
            "next_steps": page_steps(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_export(request: HttpRequest) -> HttpResponseBase:
    """The member list as filtered, to Excel. Up to ``MEMBER_EXPORT_JOB_MIN_ROWS`` rows the
    file comes at once; a larger list asks first (GET) and is then written by the worker
    (POST), with progress, and downloaded from the job's page (docs/jobs.md)."""
    from tuixuan.registry.exporting import export_members

    user = _user(request)
    if not access.can_read_registry(user):
        raise PermissionDenied("当前角色无权导出党员名册。")
    filters = search.params(request)
    qs, _form, org = filtered_members(user, filters)
    if request.method == "POST":
        job = import_jobs.start_member_export(
            actor=user, filters=filters, rows=qs.count(), org_name=org.name
        )
        return redirect("registry:members_export_progress", pk=job.pk)
    rows = qs.count()
    if rows >= settings.MEMBER_EXPORT_JOB_MIN_ROWS:
        return render(
            request,
            "registry/member_export.html",
            {"org": org, "rows": rows, "query": request.GET.urlencode()},
        )
    out_dir = Path(settings.DATA_DIR) / "exports"
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = clock.local_time().strftime("%Y%m%d%H%M%S")
    path = out_dir / f"members-{user.pk}-{stamp}.xlsx"
    export_members(qs, path)
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"党员名册-{org.name}-{stamp}.xlsx"
    )


def _export_job(request: HttpRequest, pk: int) -> Job:
    user = _user(request)
    if not access.can_read_registry(user):
        raise PermissionDenied("当前角色无权导出党员名册。")
    return job_views.job_for_user(user, pk, Job.Kind.EXPORT_MEMBERS)


@polling
@login_required
def member_export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _export_job(request, pk)
    context = {"job": job}
    if request.headers.get("HX-Request"):
        return render(request, "registry/_member_export_progress.html", context)
    return render(request, "registry/member_export_progress.html", context)


@login_required
def member_export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = _export_job(request, pk)
    path = import_jobs.member_export_file(job.pk)
    if job.status != Job.Status.DONE or not path.is_file():
        raise Http404
    stamp = clock.local_time(job.finished_at).strftime("%Y%m%d%H%M%S")
    name = job.result.get("org") or "党员"
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"党员名册-{name}-{stamp}.xlsx"
    )


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    member = member_access.get_member_for_user(user, pk)
    return render(
        request,
        "registry/member_detail.html",
        {
            "m": member,
            "crumbs": _crumbs(member.organisation, user),
            "changes": member.changes.all(),
            "deputies": member.deputy_set.all(),
            "sanctions": member.sanction_set.all(),
            "investigations": member.investigation_set.all(),
        },
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or several files under one name; ``cleaned_data`` holds the list."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if not items:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MultipleFileField, self).clean(d, initial) for d in items]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=ImportJob.Kind.choices)
    file = MultipleFileField(label="文件（.xlsx 或 .csv；党员名册可一次选择多个文件）")
    only_valid = forms.BooleanField(
        label="只导入没有错误的行（默认：任何一行有错则全部不导入）", required=False
    )

    def clean_file(self) -> list[Any]:
        files: list[Any] = self.cleaned_data["file"]
        several = len(files) > 1
        for f in files:
            suffix = Path(f.name).suffix.lower()
            named = f"文件“{f.name}”：" if several else ""
            if suffix not in {".xlsx", ".csv"}:
                raise forms.ValidationError(f"{named}只支持 .xlsx 和 .csv 文件。")
            if suffix == ".xlsx":
                # The cheap checks of the zip (members, sizes, ratio, declared sheet range)
                # run here, so the reason stands next to the field at once; the sheets are
                # parsed only by the background import, in its limited child processes.
                try:
                    workbooks.check_zip(f, workbooks.limits_from_settings())
                except workbooks.WorkbookError as exc:
                    raise forms.ValidationError(f"{named}{exc.message}") from exc
                finally:
                    f.seek(0)
        names = [f.name for f in files]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise forms.ValidationError(
                f"文件名“{'、'.join(twice)}”重复：一次导入的各文件须有不同的名称。"
            )
        return files

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        files = cleaned.get("file") or []
        if len(files) > 1 and cleaned.get("kind") != ImportJob.Kind.MEMBERS:
            self.add_error("file", "一次上传多个文件只适用于党员名册；其他内容请一次导入一个文件。")
        return cleaned


def _store(upload: Any) -> Path:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload_dir = Path(settings.DATA_DIR) / "uploads"
    upload_dir.mkdir(parents=True, exist_ok=True)
    stored = upload_dir / f"{digest.hexdigest()}{Path(upload.name).suffix.lower()}"
    with stored.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return stored


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    access.require_registry_write(user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and uploads.form_valid(form, request):
        files = [(_store(upload), upload.name) for upload in form.cleaned_data["file"]]
        job = import_jobs.start_import(
            actor=user,
            kind=form.cleaned_data["kind"],
            files=files,
            only_valid=form.cleaned_data["only_valid"],
        )
        return redirect("registry:import_progress", pk=job.pk)
    recent = ImportJob.objects.filter(created_by=user)[:10]
    return render(request, "registry/import.html", {"form": form, "recent": recent})


@polling
@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    job = job_views.job_for_user(user, pk, Job.Kind.IMPORT)
    import_job_id = job.result.get("import_job")
    if job.status == Job.Status.DONE and import_job_id:
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("registry:import_job", args=[import_job_id])
            return response
        return redirect("registry:import_job", pk=import_job_id)
    return render(request, "registry/import_progress.html", {"job": job})


def _job_for_user(user: User, pk: int) -> ImportJob:
    try:
        job = ImportJob.objects.get(pk=pk)
    except ImportJob.DoesNotExist as exc:
        raise Http404 from exc
    if job.created_by_id != user.pk:
        raise Http404  # another user's import reads like none
    return job


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    job = _job_for_user(user, pk)
    errors = [RowError(**e) for e in job.errors[:500]]
    placed = any(e.place for e in errors)
    return render(
        request,
        "registry/import_job.html",
        {"job": job, "errors": errors, "placed": placed},
    )


@login_required
def import_error_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    from tuixuan.registry.services import write_error_report

    user = _user(request)
    job = _job_for_user(user, pk)
    out_dir = Path(settings.DATA_DIR) / "exports"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"import-errors-{job.pk}.xlsx"
    source = Path(job.stored_path) if job.stored_path else None
    sources = {str(s["file_name"]): Path(str(s["path"])) for s in job.sources}
    write_error_report(job.errors, path, source=source, sources=sources)
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"导入错误报告-{job.pk}.xlsx")


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponseBase:
    from tuixuan.registry.import_templates import write_template

    _user(request)
    try:
        job_kind = ImportJob.Kind(kind)
    except ValueError as exc:
        raise Http404 from exc
    out_dir = Path(settings.DATA_DIR) / "exports"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"template-{kind}.xlsx"
    write_template(job_kind, path)
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"导入模板-{job_kind.label}.xlsx"
    )
