"""Registry state changes: imports of organisations, members and outside lists.

Views and commands call these; nothing else writes the registry in bulk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from tuixuan.core.access import can_write_registry, scope_path
from tuixuan.core.errors import PermissionDeniedError
from tuixuan.dossier import services as dossier
from tuixuan.dossier.events import EventType
from tuixuan.dossier.services import writes_events
from tuixuan.registry import record_state
from tuixuan.registry.exporting import export_members, export_organisations, write_error_report
from tuixuan.registry.importing import db, members, organisations, outside
from tuixuan.registry.importing.columns import MEMBER_COLUMNS, ORGANISATION_COLUMNS
from tuixuan.registry.importing.common import (
    ImportFileError,
    Outcome,
    Progress,
    RowError,
    no_progress,
)
from tuixuan.registry.importing.readers import Column, read_table
from tuixuan.registry.models import ImportJob

if TYPE_CHECKING:
    from tuixuan.core.models import User

__all__ = [
    "ImportFileError",
    "ImportResult",
    "RowError",
    "export_members",
    "export_organisations",
    "import_file",
    "write_error_report",
]

MAX_STORED_ERRORS = 10_000
MAX_RECORDED_CHANGES = 10_000  # the persons are all listed; the detail is capped

_COLUMNS: dict[str, Sequence[Column]] = {
    ImportJob.Kind.ORGANISATIONS: ORGANISATION_COLUMNS,
    ImportJob.Kind.MEMBERS: MEMBER_COLUMNS,
    ImportJob.Kind.DEPUTIES: outside.SPECS["deputies"].columns,
    ImportJob.Kind.SANCTIONS: outside.SPECS["sanctions"].columns,
    ImportJob.Kind.INVESTIGATIONS: outside.SPECS["investigations"].columns,
}
_EVENTS = {
    ImportJob.Kind.ORGANISATIONS: EventType.ORGANISATIONS_IMPORTED,
    ImportJob.Kind.MEMBERS: EventType.MEMBERS_IMPORTED,
}


@dataclass
class ImportResult:
    """``ok``: the data was written. With ``only_valid`` rows in ``errors`` were skipped;
    without it, any error means nothing was written and ``ok`` is False."""

    ok: bool
    total_rows: int
    created: int
    updated: int
    errors: list[RowError]
    job: ImportJob
    unmatched: int = 0
    skipped_rows: int = 0
    file_error: str = ""  # set when the file as a whole could not be read
    extra: dict[str, Any] = field(default_factory=dict)


def _scope(actor: User | None) -> str:
    """The path prefix the actor may write under; "" (everything) for the command line."""
    if actor is None:
        return ""
    if not can_write_registry(actor):
        raise PermissionDeniedError("当前角色无权导入党组织和党员信息。")
    path = scope_path(actor)
    if path is None:
        raise PermissionDeniedError("当前用户未绑定党组织，无权导入。")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@writes_events(
    EventType.ORGANISATIONS_IMPORTED,
    EventType.MEMBERS_IMPORTED,
    EventType.OUTSIDE_LIST_IMPORTED,
    EventType.MEMBER_CHANGED,
    may_skip=True,  # a file with bad rows writes nothing, and so records nothing
)
def import_file(
    *,
    kind: ImportJob.Kind | str,
    path: Path,
    file_name: str,
    actor: User | None,
    only_valid: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import one file of the given kind in one transaction.

    Every row is checked first; with any bad row nothing is written unless ``only_valid``,
    which writes the good rows whole and reports the rest. A file that cannot be read at all
    (format, encoding, no header row) gives ``ok=False`` with ``file_error`` set and one
    error on row 0. The progress callback runs inside the transaction: keep what it does in
    memory.
    """
    kind = ImportJob.Kind(kind)
    report = progress or no_progress
    scope = _scope(actor)
    sha = _sha256(path)
    job = ImportJob.objects.create(
        kind=kind,
        status=ImportJob.Status.RUNNING,
        file_name=file_name[:255],
        file_sha256=sha,
        stored_path=str(path)[:500],
        created_by=actor,
        scope=actor.organisation if actor is not None else None,
    )
    try:
        with db.gc_paused(path.stat().st_size >= db.LARGE_FILE_BYTES):
            report(0, 0, "读取")
            table = read_table(path, _COLUMNS[kind])
            report(0, len(table), "读取")
            if table.missing:
                outcome = Outcome(total_rows=len(table))
                outcome.errors = [
                    RowError(table.header_row, c.header, "缺少必需的列") for c in table.missing
                ]
            else:
                with db.bulk_session(), transaction.atomic():
                    outcome = _run(kind, table, scope, only_valid, report, file_name)
                    if outcome.written:
                        _record(kind, job, actor, file_name, sha, outcome)
    except ImportFileError as exc:
        error = RowError(0, "文件", exc.message)
        job.errors = [error.as_dict()]
        job.error_count = 1
        _finish(job, ImportJob.Status.FAILED, message=exc.message)
        return ImportResult(
            ok=False,
            total_rows=0,
            created=0,
            updated=0,
            errors=[error],
            job=job,
            file_error=exc.message,
        )
    skipped = len({e.row for e in outcome.errors}) if outcome.written else 0
    job.total_rows = outcome.total_rows
    job.created_count = outcome.created
    job.updated_count = outcome.updated
    job.error_count = len(outcome.errors)
    job.errors = [e.as_dict() for e in outcome.errors[:MAX_STORED_ERRORS]]
    if outcome.written:
        message = f"新增 {outcome.created} 条，更新 {outcome.updated} 条"
        if skipped:
            message += f"，跳过有错误的 {skipped} 行"
        if kind in outside.SPECS:
            message += f"，{outcome.unmatched} 条未匹配到党员"
    else:
        message = f"发现 {len(outcome.errors)} 处错误，未写入任何数据"
    _finish(
        job,
        ImportJob.Status.DONE if outcome.written else ImportJob.Status.FAILED,
        message=message,
    )
    report(outcome.total_rows, outcome.total_rows, "完成")
    return ImportResult(
        ok=outcome.written,
        total_rows=outcome.total_rows,
        created=outcome.created,
        updated=outcome.updated,
        errors=outcome.errors,
        job=job,
        unmatched=outcome.unmatched,
        skipped_rows=skipped,
        extra=outcome.extra,
    )


def _run(
    kind: ImportJob.Kind,
    table: Any,
    scope: str,
    only_valid: bool,
    report: Progress,
    file_name: str,
) -> Outcome:
    if kind == ImportJob.Kind.ORGANISATIONS:
        return organisations.run(table, scope=scope, only_valid=only_valid, progress=report)
    if kind == ImportJob.Kind.MEMBERS:
        return members.run(
            table,
            scope=scope,
            only_valid=only_valid,
            progress=report,
            source=f"导入：{file_name}",
            now=timezone.now(),
        )
    return outside.run(table, kind=str(kind), only_valid=only_valid, progress=report, scope=scope)


def _record(
    kind: ImportJob.Kind,
    job: ImportJob,
    actor: User | None,
    file_name: str,
    sha: str,
    outcome: Outcome,
) -> None:
    inputs: dict[str, Any] = {
        "file_name": file_name,
        "sha256": sha,
        "total_rows": outcome.total_rows,
        "created": outcome.created,
        "updated": outcome.updated,
        "skipped_rows": len({e.row for e in outcome.errors}),
    }
    if kind in outside.SPECS:
        inputs["list"] = str(kind)
        inputs["unmatched"] = outcome.unmatched
        list_changes = outcome.extra.get("list_changes") or []
        inputs["change_count"] = len(list_changes)
        inputs["changes"] = list_changes[:MAX_RECORDED_CHANGES]
        inputs["state"] = {"list_digest": record_state.list_digest(str(kind))}
    dossier.record(
        event_type=_EVENTS.get(kind, EventType.OUTSIDE_LIST_IMPORTED),
        actor=actor,
        summary=f"导入{kind.label}：{file_name}（新增 {outcome.created}，更新 {outcome.updated}）",
        subject_type="registry.importjob",
        subject_id=job.pk,
        organisation=actor.organisation if actor is not None else None,
        inputs=inputs,
    )
    changes = outcome.extra.get("changes") or []
    if changes:
        dossier.record(
            event_type=EventType.MEMBER_CHANGED,
            actor=actor,
            summary=f"导入 {file_name} 变更了 {len({c['citizen_id'] for c in changes})} 名党员的"
            "所在党组织、党员类型或表决权状态",
            subject_type="registry.importjob",
            subject_id=job.pk,
            organisation=actor.organisation if actor is not None else None,
            person_citizen_ids=sorted({str(c["citizen_id"]) for c in changes}),
            inputs={
                "file_name": file_name,
                "sha256": sha,
                "change_count": len(changes),
                "changes": changes[:MAX_RECORDED_CHANGES],
            },
        )


def _finish(job: ImportJob, status: str, *, message: str) -> None:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    job.save()
