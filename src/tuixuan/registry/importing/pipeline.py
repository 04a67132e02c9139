"""Importing one file: read it and check every row outside any transaction, then write in
one short transaction (``services.write_import``), so the database's write lock is held only
while rows are written.

Between the check and the write another change may have landed; each importer says which
of its checks read the database (``Prepared.stale``), and those are redone under the lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from tuixuan.core import faults
from tuixuan.core.access import can_write_registry, scope_path
from tuixuan.core.errors import PermissionDeniedError
from tuixuan.registry.importing import db, members, organisations, outside
from tuixuan.registry.importing.columns import MEMBER_COLUMNS, ORGANISATION_COLUMNS
from tuixuan.registry.importing.common import (
    ImportFileError,
    Outcome,
    Prepared,
    Progress,
    RowError,
    no_progress,
)
from tuixuan.registry.importing.readers import Column, read_table
from tuixuan.registry.models import ImportJob

if TYPE_CHECKING:
    import datetime as dt

    from tuixuan.core.models import User

MAX_STORED_ERRORS = 10_000

_COLUMNS: dict[str, Sequence[Column]] = {
    ImportJob.Kind.ORGANISATIONS: ORGANISATION_COLUMNS,
    ImportJob.Kind.MEMBERS: MEMBER_COLUMNS,
    ImportJob.Kind.DEPUTIES: outside.SPECS["deputies"].columns,
    ImportJob.Kind.SANCTIONS: outside.SPECS["sanctions"].columns,
    ImportJob.Kind.INVESTIGATIONS: outside.SPECS["investigations"].columns,
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


def import_file(
    *,
    kind: ImportJob.Kind | str,
    path: Path,
    file_name: str,
    actor: User | None,
    only_valid: bool = False,
    progress: Progress | None = None,
    started: Callable[[ImportJob], None] | None = None,
) -> ImportResult:
    """Import one file of the given kind; the data is written in one transaction.

    Every row is checked first; with any bad row nothing is written unless ``only_valid``,
    which writes the good rows whole and reports the rest. A file that cannot be read at all
    (format, encoding, no header row) gives ``ok=False`` with ``file_error`` set and one
    error on row 0. The import's own row (``ImportJob``) is written at once and given to
    ``started``; while rows are written the progress callback runs inside the write
    transaction: keep what it does in memory.
    """
    from tuixuan.registry.services import write_import

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
    if started is not None:
        started(job)
    now = timezone.now()
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

                def check() -> Prepared:
                    return _check(kind, table, scope, only_valid, report, file_name, now)

                prepared = check()
                faults.hold("import.checked")
                outcome = prepared.outcome
                if prepared.write is not None:
                    outcome = write_import(
                        actor=actor,
                        job=job,
                        file_name=file_name,
                        sha256=sha,
                        prepared=prepared,
                        recheck=check,
                    )
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
    except BaseException:
        _finish(job, ImportJob.Status.FAILED, message="导入出错，未写入任何数据")
        raise
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


def _check(
    kind: ImportJob.Kind,
    table: Any,
    scope: str,
    only_valid: bool,
    report: Progress,
    file_name: str,
    now: dt.datetime,
) -> Prepared:
    if kind == ImportJob.Kind.ORGANISATIONS:
        return organisations.run(table, scope=scope, only_valid=only_valid, progress=report)
    if kind == ImportJob.Kind.MEMBERS:
        return members.run(
            table,
            scope=scope,
            only_valid=only_valid,
            progress=report,
            source=f"导入：{file_name}",
            now=now,
        )
    return outside.run(table, kind=str(kind), only_valid=only_valid, progress=report, scope=scope)


def _finish(job: ImportJob, status: str, *, message: str) -> None:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    job.save()
