"""Exports of books and forms, and the record that they were made.

Books hold personal data (docs/domain.md §9.3): who handled what is known, so every export is
an event of the record (type ``dossier.*``, not shown in any book): who exported, which
persons (their citizen IDs in the inputs, not as persons of the event, so that exporting a
book does not change the book), and the SM3 of the file handed out.

A batch is built in chunks: the events of a chunk of persons are read in a few queries, each
event is checked against the chain once however many books it appears in, and each book is
rendered to PDF and written straight into the zip. Large batches are rendered on every core
by a pool of processes (``dossier.pool``); reading and checking stay in the exporting process.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from tuixuan.core import faults
from tuixuan.core.documents import excel
from tuixuan.core.errors import DomainError
from tuixuan.core.models import User
from tuixuan.dossier import access, books, pool
from tuixuan.jobs import runner
from tuixuan.record import anchors, hashing
from tuixuan.record.events import EventType
from tuixuan.record.rule import writes_events
from tuixuan.record.services import record

if TYPE_CHECKING:
    from tuixuan.core.models import Organisation, User
    from tuixuan.jobs.models import Job
    from tuixuan.jobs.runner import Reporter

Progress = Callable[[int, int], None]
CHUNK = 200
INDEX_NAME = "index.xlsx"
INDEX_HEADERS = [
    "序号",
    "姓名",
    "公民身份号码",
    "所在党组织",
    "纪实记录条数",
    "记录截至",
    "校验结果",
    "文件名",
]


def file_sm3(path: Path) -> str:
    digest = hashing.new_sm3()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


@writes_events(EventType.BOOK_EXPORTED)
def book_export_record(
    *,
    actor: User | None,
    citizen_ids: Sequence[str],
    file_format: str,
    scope: str,
    sm3: str = "",
) -> None:
    """Write down that books were handed out (a page's PDF or Word, or a batch zip)."""
    ids = sorted(set(citizen_ids))
    record(
        event_type=EventType.BOOK_EXPORTED,
        actor=actor,
        summary=_("导出一人一册（%(format)s）%(n)d 册：%(scope)s")
        % {"format": file_format, "n": len(ids), "scope": scope},
        subject_type="dossier.book",
        subject_id=ids[0] if len(ids) == 1 else f"batch:{len(ids)}",
        inputs={"format": file_format, "scope": scope, "citizen_ids": ids, "sm3": sm3},
    )


@writes_events(EventType.UNIT_FORM_EXPORTED)
def unit_form_export_record(
    *,
    actor: User | None,
    organisation: Organisation,
    file_format: str,
    events: int,
    sm3: str = "",
) -> None:
    record(
        event_type=EventType.UNIT_FORM_EXPORTED,
        actor=actor,
        summary=_("导出%(unit)s纪实登记表（%(format)s）")
        % {"unit": organisation.name, "format": file_format},
        subject_type="dossier.unit_form",
        subject_id=organisation.pk,
        inputs={
            "format": file_format,
            "organisation": organisation.code,
            "events": events,
            "sm3": sm3,
        },
    )


@dataclass(frozen=True)
class ExportResult:
    books: int
    events: int
    failed_checks: int


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        taken.add(name)
        return name
    stem, dot, suffix = name.rpartition(".")
    n = 2
    while f"{stem}（{n}）{dot}{suffix}" in taken:
        n += 1
    unique = f"{stem}（{n}）{dot}{suffix}"
    taken.add(unique)
    return unique


@dataclass(frozen=True)
class _Prepared:
    """One book of a chunk, read and checked, ready to render anywhere."""

    book: books.Book
    heads: list[anchors.Anchor]
    name: str


def _prepare(user: User | None, chunk: Sequence[str], taken: set[str]) -> list[_Prepared]:
    """Read and check the books of a chunk (this process, with the database): every event is
    re-verified against the chain here, and the anchors each book prints are read here."""
    sources = access.books_for_user(user, chunk)
    checks = books.check_events(ev for s in sources for ev in s.events)
    heads_of: dict[tuple[str, ...], list[anchors.Anchor]] = {}
    prepared: list[_Prepared] = []
    for source in sources:
        book = access.build_book_for(source, checks)
        shown = {e.event_id for e in book.entries}
        chains = tuple(sorted({ev.chain for ev in source.events if ev.pk in shown}))
        if chains not in heads_of:
            heads_of[chains] = anchors.current(chains)
        name = _unique(books.book_file_name(book, "pdf"), taken)
        prepared.append(_Prepared(book, heads_of[chains], name))
    return prepared


def write_books_zip(
    *,
    user: User | None,
    citizen_ids: Sequence[str],
    target: Path,
    progress: Progress | None = None,
    processes: int | None = None,
) -> ExportResult:
    """One PDF per person the user may see (``姓名-身份证后4位.pdf``) plus ``index.xlsx``.

    The books are read and checked here chunk by chunk; with ``processes`` > 1 (default
    ``settings.EXPORT_PROCESSES``) and a batch of at least ``EXPORT_POOL_MIN_BOOKS`` they are
    rendered by a pool of processes while the next chunk is read, and written into the zip
    in the same order as a single process would: the zip is the same either way.
    """
    ids = sorted(set(citizen_ids))
    total = len(ids)
    if processes is None:
        processes = settings.EXPORT_PROCESSES
    pooled = processes > 1 and total >= settings.EXPORT_POOL_MIN_BOOKS
    taken: set[str] = {INDEX_NAME}
    index: list[tuple[Any, ...]] = []
    counts = {"events": 0, "failed": 0}
    tmp = target.with_name(target.name + ".part")
    with (
        zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as archive,
        pool.executor(processes) if pooled else contextlib.nullcontext() as executor,
    ):

        def write(
            prepared: list[_Prepared], pdfs: Iterable[bytes | Future[bytes]], done: int
        ) -> None:
            for item, pdf in zip(prepared, pdfs, strict=True):
                book = item.book
                archive.writestr(item.name, pdf if isinstance(pdf, bytes) else pdf.result())
                counts["events"] += len(book.entries)
                counts["failed"] += 0 if book.verified else 1
                index.append(
                    (
                        len(index) + 1,
                        book.person.name,
                        book.person.citizen_id,
                        book.person.organisation,
                        len(book.entries),
                        book.through,
                        _("一致") if book.verified else _("不一致"),
                        item.name,
                    )
                )
            if progress is not None:
                progress(done, total)

        waiting: tuple[list[_Prepared], list[Future[bytes]], int] | None = None
        for start in range(0, total, CHUNK):
            prepared = _prepare(user, ids[start : start + CHUNK], taken)
            done = min(start + CHUNK, total)
            if executor is None:
                write(prepared, (pool.render_pdf(p.book, p.heads) for p in prepared), done)
                continue
            futures = [executor.submit(pool.render_pdf, p.book, p.heads) for p in prepared]
            if waiting is not None:  # the pool renders this chunk while the last is written
                write(*waiting)
            waiting = (prepared, futures, done)
        if waiting is not None:
            write(*waiting)
        buffer = io.BytesIO()
        excel.write_table(buffer, [(_("目录"), _("一人一册目录"), INDEX_HEADERS, index)])
        archive.writestr(INDEX_NAME, buffer.getvalue(), compress_type=zipfile.ZIP_DEFLATED)
    tmp.replace(target)
    return ExportResult(books=len(index), events=counts["events"], failed_checks=counts["failed"])


def export_books(
    *,
    user: User | None,
    citizen_ids: Sequence[str],
    target: Path,
    scope: str,
    progress: Progress | None = None,
    processes: int | None = None,
) -> ExportResult:
    """Build the zip and record the export."""
    result = write_books_zip(
        user=user,
        citizen_ids=citizen_ids,
        target=target,
        progress=progress,
        processes=processes,
    )
    book_export_record(
        actor=user, citizen_ids=citizen_ids, file_format="zip", scope=scope, sm3=file_sm3(target)
    )
    return result


# --- background jobs for the web --------------------------------------------------------


def exports_dir() -> Path:
    path = Path(settings.DATA_DIR) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_file(job_id: int) -> Path:
    return exports_dir() / f"books-{job_id}.zip"


def start_export_job(*, user: User, citizen_ids: list[str], scope: str, name: str) -> Job:
    """Queue the building of the zip; it runs in the worker."""
    return runner.start(
        kind="export_books",
        actor=user,
        params={"citizen_ids": citizen_ids, "scope": scope, "name": name},
        title=_("批量导出一人一册：%(name)s") % {"name": name},
        total=len(citizen_ids),
    )


def run_export_job(job: Job, reporter: Reporter) -> dict[str, Any]:
    if job.created_by_id is None:
        raise DomainError(_("发起导出的用户已不存在。"))
    user = User.objects.select_related("organisation").get(pk=job.created_by_id)
    citizen_ids = list(job.params["citizen_ids"])

    def progress(done: int, total: int) -> None:
        reporter.progress(done, total, _("正在生成"))
        faults.hold("export.chunk")

    target = job_file(job.pk)
    result = export_books(
        user=user,
        citizen_ids=citizen_ids,
        target=target,
        scope=job.params["scope"],
        progress=progress,
    )
    return {
        "file": target.name,
        "books": result.books,
        "failed_checks": result.failed_checks,
        "name": job.params["name"],
    }
