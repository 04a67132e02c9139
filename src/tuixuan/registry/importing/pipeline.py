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
from tuixuan.core.errors import DomainError, PermissionDeniedError
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
from tuixuan.registry.importing.readers import Column, read_parts, read_table
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
    # what each file gave when the table came from several sheets or files (``_sources``)
    sources: list[dict[str, Any]] = field(default_factory=list)


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


def _files(
    path: Path | None, file_name: str, files: Sequence[tuple[Path, str]] | None
) -> list[tuple[Path, str]]:
    given = list(files or ())
    if path is not None:
        given.insert(0, (path, file_name))
    if not given:
        raise DomainError("没有要导入的文件。")
    names = [name for _, name in given]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise DomainError(
            f"文件名“{'、'.join(twice)}”重复：一次导入的各文件须有不同的名称，"
            "以便错误清单指明是哪个文件"
        )
    return given


def combined_sha256(sources: Sequence[tuple[str, str]]) -> str:
    """The digest of an import of several files: SHA-256 of one line ``name<TAB>sha256`` per
    file, in the order imported."""
    text = "".join(f"{name}\t{sha}\n" for name, sha in sources)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def import_file(
    *,
    kind: ImportJob.Kind | str,
    path: Path | None = None,
    file_name: str = "",
    files: Sequence[tuple[Path, str]] | None = None,
    actor: User | None,
    only_valid: bool = False,
    progress: Progress | None = None,
    started: Callable[[ImportJob], None] | None = None,
) -> ImportResult:
    """Import one file (``path``, ``file_name``) or several (``files``: path and name of
    each) of the given kind; the data is written in one transaction.

    Every row is checked first; with any bad row nothing is written unless ``only_valid``,
    which writes the good rows whole and reports the rest. A file that cannot be read at all
    (format, encoding, no header row) gives ``ok=False`` with ``file_error`` set and one
    error on row 0. The import's own row (``ImportJob``) is written at once and given to
    ``started``; while rows are written the progress callback runs inside the write
    transaction: keep what it does in memory.

    Members only: every sheet of a workbook whose header matches the first sheet's, and
    every file given, are imported as one table (``docs/domain.md §1.1``); the errors of a
    later sheet or of several files name the sheet and the file.
    """
    from tuixuan.registry.services import write_import

    kind = ImportJob.Kind(kind)
    report = progress or no_progress
    scope = _scope(actor)
    given = _files(path, file_name, files)
    if len(given) > 1 and kind != ImportJob.Kind.MEMBERS:
        raise DomainError("一次导入多个文件只适用于党员名册。")
    shas = [(name, _sha256(p)) for p, name in given]
    sha = shas[0][1] if len(given) == 1 else combined_sha256(shas)
    job = ImportJob.objects.create(
        kind=kind,
        status=ImportJob.Status.RUNNING,
        file_name="、".join(name for _, name in given)[:255],
        file_sha256=sha,
        stored_path=str(given[0][0])[:500],
        sources=(
            [
                {"file_name": name, "path": str(p), "sha256": digest}
                for (p, name), (_, digest) in zip(given, shas, strict=True)
            ]
            if len(given) > 1
            else []
        ),
        created_by=actor,
        scope=actor.organisation if actor is not None else None,
    )
    if started is not None:
        started(job)
    now = timezone.now()
    size = sum(p.stat().st_size for p, _ in given)
    file_name = job.file_name
    sources: list[dict[str, Any]] = []
    try:
        with db.gc_paused(size >= db.LARGE_FILE_BYTES):
            report(0, 0, "读取")
            if kind == ImportJob.Kind.MEMBERS:
                table = read_parts(given, _COLUMNS[kind])
                sources = _sources(table.sources, shas)
            else:
                table = read_table(given[0][0], _COLUMNS[kind])
            report(0, len(table), "读取")
            if table.missing or table.header_errors:
                outcome = Outcome(total_rows=len(table))
                first = table.parts[0].file if table.parts else ""
                outcome.errors = [
                    RowError(table.header_row, c.header, "缺少必需的列", first)
                    for c in table.missing
                ]
                outcome.errors += table.header_errors
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
                        sources=sources,
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
    skipped = len({(e.file, e.sheet, e.row) for e in outcome.errors}) if outcome.written else 0
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
    message += sheets_note(sources)
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
        sources=sources,
    )


def _sources(
    read: Sequence[dict[str, Any]], shas: Sequence[tuple[str, str]]
) -> list[dict[str, Any]]:
    """What each file gave (sheets read and left out, rows, digest), for the record; empty for
    one file read from one sheet, whose record stays as it was."""
    if len(read) == 1 and not read[0]["skipped_sheets"] and len(read[0]["sheets"]) <= 1:
        return []
    return [{**part, "sha256": sha} for part, (_, sha) in zip(read, shas, strict=True)]


def sheets_note(sources: Sequence[dict[str, Any]]) -> str:
    """``；读取工作表：党员、党员（二）；未读取：填写说明`` — what came from where, for the
    job's message and the command's summary ("" for one file of one sheet)."""
    notes: list[str] = []
    several = len(sources) > 1
    for part in sources:
        read = "、".join(part["sheets"])
        text = f"文件“{part['file_name']}” {part['rows']} 行" if several else ""
        if read and (several or len(part["sheets"]) > 1 or part["skipped_sheets"]):
            text += f"（工作表：{read}）" if several else f"读取工作表：{read}"
        if part["skipped_sheets"]:
            text += f"，未读取工作表（无相同表头）：{'、'.join(part['skipped_sheets'])}"
        if text:
            notes.append(text)
    return "；" + "；".join(notes) if notes else ""


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
