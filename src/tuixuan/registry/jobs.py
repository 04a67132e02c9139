"""Imports and member exports started from the web, run as background jobs (``tuixuan.jobs``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from tuixuan.core.errors import DomainError
from tuixuan.jobs import runner
from tuixuan.registry.exporting import export_members
from tuixuan.registry.filters import filtered_members
from tuixuan.registry.models import ImportJob

if TYPE_CHECKING:
    from tuixuan.core.models import User
    from tuixuan.jobs.models import Job
    from tuixuan.jobs.runner import Reporter


def start_import(
    *,
    actor: User,
    kind: str,
    path: Path | None = None,
    file_name: str = "",
    files: Sequence[tuple[Path, str]] = (),
    only_valid: bool,
) -> Job:
    """Queue the import of a stored upload, or of several (``files``: stored path and the
    name it was uploaded under, imported as one table); it runs in the worker."""
    given = [(path, file_name)] if path is not None else []
    given += list(files)
    params: dict[str, Any] = {
        "kind": str(ImportJob.Kind(kind)),
        "path": str(given[0][0]),
        "file_name": given[0][1],
        "only_valid": only_valid,
    }
    if len(given) > 1:
        params["files"] = [{"path": str(p), "file_name": name} for p, name in given]
        shown = _("%(name)s 等 %(count)d 个文件") % {"name": given[0][1], "count": len(given)}
    else:
        shown = given[0][1]
    title = _("导入%(kind)s：%(name)s") % {"kind": ImportJob.Kind(kind).label, "name": shown}
    return runner.start(kind="import", actor=actor, params=params, title=title)


def run_import(job: Job, reporter: Reporter) -> dict[str, Any]:
    from tuixuan.registry.services import import_file

    params = job.params
    listed = params.get("files") or [{"path": params["path"], "file_name": params["file_name"]}]
    files = [(Path(f["path"]), str(f["file_name"])) for f in listed]
    if not all(path.is_file() for path, _ in files):
        raise DomainError(_("上传的文件已不存在（可能已超过保留期限被删除），请重新上传。"))
    if job.created_by is None:
        raise DomainError(_("发起导入的用户已不存在。"))
    result = import_file(
        kind=params["kind"],
        files=files,
        actor=job.created_by,
        only_valid=bool(params.get("only_valid")),
        progress=reporter.progress,
        started=lambda import_job: runner.note(job, import_job=import_job.pk),
    )
    return {
        "import_job": result.job.pk,
        "ok": result.ok,
        "created": result.created,
        "updated": result.updated,
        "errors": len(result.errors),
    }


def abandon_import(job: Job) -> None:
    """The worker died during the import: its transaction was never committed, so nothing
    was written; say so on the import's own row."""
    pk = job.result.get("import_job")
    if pk is None:
        return
    ImportJob.objects.filter(pk=pk, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.FAILED,
        message=_("导入中断，未写入任何数据：%(reason)s") % {"reason": job.error},
        finished_at=timezone.now(),
    )


# --- the member export ------------------------------------------------------------------

FILTERS = ("q", "org", "member_type", "rights_status", "gender", "flag")


def member_export_file(job_id: int) -> Path:
    path = Path(settings.DATA_DIR) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path / f"members-job-{job_id}.xlsx"


def start_member_export(*, actor: User, filters: QueryDict, rows: int, org_name: str) -> Job:
    """Queue the export of the member list as filtered (the same filters, read again by the
    worker for the same user, so it exports exactly what the user may see)."""
    params = {"filters": {k: filters[k] for k in FILTERS if filters.get(k)}, "org": org_name}
    title = _("导出党员名册：%(org)s（%(n)d 人）") % {"org": org_name, "n": rows}
    return runner.start(kind="export_members", actor=actor, params=params, title=title, total=rows)


def run_member_export(job: Job, reporter: Reporter) -> dict[str, Any]:
    if job.created_by is None:
        raise DomainError(_("发起导出的用户已不存在。"))
    data = QueryDict(mutable=True)
    data.update(job.params.get("filters", {}))
    queryset, _form, org = filtered_members(job.created_by, data)
    total = queryset.count()
    reporter.progress(0, total, _("正在导出"))
    target = member_export_file(job.pk)
    rows = export_members(
        queryset, target, progress=lambda done: reporter.progress(done, total, _("正在导出"))
    )
    return {"file": target.name, "rows": rows, "org": org.name}
