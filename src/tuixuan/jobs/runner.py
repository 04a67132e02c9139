"""Starting, running, watching and retrying background jobs.

A job is started by ``start`` inside the caller's transaction and handed to django-tasks
with ``transaction.on_commit``: the work never runs for a change that was rolled back.
The worker calls ``execute``; progress and the heartbeat are written by a small thread with
its own database connection, each in its own short transaction, so a page sees them while
the work (and its own transaction) runs. A job whose worker died is found by ``reap`` (the
worker process is gone, or no heartbeat for ``JOB_STALE_SECONDS``) and marked failed with
the reason; ``retry`` runs it again with the same inputs.

Job rows are operational state, like sessions: they are not events of the record. The work
a job does (an import, an export) records its own events through its services.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tuixuan.core import clock
from tuixuan.core.errors import DomainError, InvalidTransitionError
from tuixuan.jobs.models import DailyRun, Job

if TYPE_CHECKING:
    from tuixuan.core.models import User

logger = logging.getLogger(__name__)

# What runs a job of each kind: ``handler(job, reporter) -> result`` (a JSON-able dict), and
# optionally ``abandoned(job)``, called when the job is found dead, to tidy its own rows.
HANDLERS: dict[str, str] = {
    Job.Kind.IMPORT: "tuixuan.registry.jobs.run_import",
    Job.Kind.EXPORT_BOOKS: "tuixuan.dossier.exports.run_export_job",
    Job.Kind.EXPORT_MEMBERS: "tuixuan.registry.jobs.run_member_export",
    Job.Kind.ELECTORATE_DRAW: "tuixuan.election.jobs.run_electorate_draw",
    Job.Kind.DAILY: "tuixuan.jobs.daily.run_daily",
}
ABANDONED: dict[str, str] = {
    Job.Kind.IMPORT: "tuixuan.registry.jobs.abandon_import",
}


def _move(job: Job, status: str) -> None:
    if status not in Job.TRANSITIONS[job.status]:
        raise InvalidTransitionError(
            _("任务状态不能从“%(old)s”变为“%(new)s”。")
            % {"old": job.get_status_display(), "new": Job.Status(status).label}
        )
    job.status = status


def start(
    *, kind: str, actor: User | None, params: dict[str, Any], title: str = "", total: int = 0
) -> Job:
    """Create the job and enqueue it once the surrounding transaction commits."""
    with transaction.atomic():
        job = Job.objects.create(
            kind=Job.Kind(kind),
            created_by=actor,
            params=params,
            title=title[:255],
            total=total,
            message=_("排队中"),
        )
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_id: int) -> None:
    from tuixuan.jobs.tasks import run_job

    try:
        result = run_job.using(queue_name=settings.JOB_QUEUE).enqueue(job_id)
    except Exception as exc:  # e.g. Redis unreachable: say so on the page, allow a retry
        logger.exception("job %s could not be queued", job_id)
        Job.objects.filter(pk=job_id, status=Job.Status.PENDING).update(
            status=Job.Status.FAILED,
            error=_("无法加入任务队列：%(error)s") % {"error": exc},
            message=_("失败"),
            finished_at=timezone.now(),
        )
        return
    Job.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


def retry(*, job: Job, actor: User) -> Job:
    """Run a failed job again with the same inputs (imports are atomic: a failed run wrote
    nothing, so nothing is written twice)."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.created_by_id != actor.pk:
            raise DomainError(_("只能重试本人发起的任务。"))
        if locked.status != Job.Status.FAILED:
            raise InvalidTransitionError(_("只有失败的任务可以重试。"))
        _move(locked, Job.Status.PENDING)
        locked.error = ""
        locked.done = 0
        locked.message = _("排队中")
        locked.finished_at = None
        locked.heartbeat_at = None
        locked.worker_pid = None
        locked.worker_host = locked.worker_boot = ""
        locked.save()
        transaction.on_commit(lambda: enqueue(locked.pk))
    return locked


class Reporter:
    """Progress of one running job, flushed with the heartbeat by a thread of its own."""

    def __init__(self, job: Job) -> None:
        self.job_id = job.pk
        self._lock = threading.Lock()
        self._state: dict[str, Any] = {"done": job.done, "total": job.total}
        self._dirty = True
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job.pk}", daemon=True)

    def progress(self, done: int, total: int, message: str = "") -> None:
        with self._lock:
            self._state = {"done": max(0, done), "total": max(0, total)}
            if message:
                self._state["message"] = message[:255]
            self._dirty = True

    def __enter__(self) -> Reporter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        try:
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:  # never wait long behind an import
                    cursor.execute("PRAGMA busy_timeout = 2000")
            while not self._stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                with self._lock:
                    fields: dict[str, Any] = dict(self._state) if self._dirty else {}
                    self._dirty = False
                try:
                    Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(
                        heartbeat_at=timezone.now(), **fields
                    )
                except OperationalError:  # the database is busy: try again next beat
                    with self._lock:
                        self._dirty = self._dirty or bool(fields)
        finally:
            connection.close()


def _claim(job_id: int) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Job.Status.PENDING:
            return None  # retried twice, or already failed: this enqueued copy has no work
        _move(job, Job.Status.RUNNING)
        job.attempts += 1
        job.started_at = job.heartbeat_at = timezone.now()
        job.worker_host = socket.gethostname()[:255]
        job.worker_pid = os.getpid()
        job.worker_boot = boot_id()
        job.message = _("开始执行")
        job.save()
    return job


def _end(job_id: int, status: str, **fields: Any) -> None:
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status != Job.Status.RUNNING:
            return  # already marked dead by a watcher; its reason stands
        _move(job, status)
        for name, value in fields.items():
            setattr(job, name, value)
        job.finished_at = timezone.now()
        job.save()


def execute(job_id: int) -> None:
    """Run one job in this process (called by the worker's task)."""
    job = _claim(job_id)
    if job is None:
        return
    handler: Callable[[Job, Reporter], dict[str, Any]] = import_string(HANDLERS[job.kind])
    reporter = Reporter(job)
    try:
        with reporter:
            result = handler(job, reporter)
    except DomainError as exc:
        _end(job.pk, Job.Status.FAILED, error=exc.message, message=_("失败"))
    except Exception as exc:
        logger.exception("job %s failed", job.pk)
        reason = _("执行出错：%(error)s") % {"error": f"{type(exc).__name__}: {exc}"}
        _end(
            job.pk,
            Job.Status.FAILED,
            error=reason[:2000] + "\n" + traceback.format_exc()[-2000:],
            message=_("失败"),
        )
    else:
        with reporter._lock:
            state = dict(reporter._state)
        state.pop("message", None)
        _end(job.pk, Job.Status.DONE, result=result, message=_("完成"), **state)


def note(job: Job, **result: Any) -> None:
    """Keep a value in the job's result now (outside the work's transaction)."""
    job.result = {**job.result, **result}
    Job.objects.filter(pk=job.pk).update(result=job.result)


# --- watching -------------------------------------------------------------------------


def boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:64]
    except OSError:
        return ""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def death_reason(job: Job, now: dt.datetime | None = None) -> str:
    """Why a running job is dead, or "" while it looks alive."""
    if job.status != Job.Status.RUNNING:
        return ""
    now = now or timezone.now()
    if job.worker_host == socket.gethostname() and job.worker_boot == boot_id() and job.worker_pid:
        if not _pid_alive(job.worker_pid):
            return _("执行该任务的后台进程（%(host)s 进程 %(pid)s）已停止，任务未完成。") % {
                "host": job.worker_host,
                "pid": job.worker_pid,
            }
        return ""
    beat = job.heartbeat_at or job.started_at
    if beat is not None and (now - beat).total_seconds() > settings.JOB_STALE_SECONDS:
        return _("执行该任务的后台进程（%(host)s）已 %(s)d 秒没有响应，任务未完成。") % {
            "host": job.worker_host or "?",
            "s": int((now - beat).total_seconds()),
        }
    return ""


def reap(job: Job | None = None) -> int:
    """Mark dead running jobs failed (one job, or all of them); return how many."""
    candidates = (
        [job]
        if job is not None
        else list(Job.objects.filter(status=Job.Status.RUNNING).order_by("pk"))
    )
    count = 0
    for candidate in candidates:
        if candidate.status != Job.Status.RUNNING:
            continue
        reason = death_reason(candidate)
        if not reason:
            continue
        with transaction.atomic():
            locked = Job.objects.select_for_update().get(pk=candidate.pk)
            reason = death_reason(locked)
            if not reason:
                continue
            _move(locked, Job.Status.FAILED)
            locked.error = reason
            locked.message = _("失败")
            locked.finished_at = timezone.now()
            locked.save()
        _fail_task_result(locked)
        if locked.kind in ABANDONED:
            import_string(ABANDONED[locked.kind])(locked)
        if job is not None:
            job.refresh_from_db()
        count += 1
    return count


def _fail_task_result(job: Job) -> None:
    """The queue's own row of a dead job's task still says RUNNING: close it too."""
    if settings.TASKS_BACKEND != "database" or not job.task_id:
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=job.task_id, status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="builtins.SystemExit",
        traceback=job.error,
    )


# --- the daily maintenance ----------------------------------------------------------


def ensure_daily() -> Job | None:
    """Start today's maintenance job unless some worker already did."""
    today = clock.today()
    if DailyRun.objects.filter(day=today).exists():
        return None
    try:
        with transaction.atomic():
            run = DailyRun.objects.create(day=today)
            job = start(kind=Job.Kind.DAILY, actor=None, params={"day": today.isoformat()})
            run.job = job
            run.save(update_fields=["job"])
    except IntegrityError:
        return None  # another worker was first
    return job


def housekeeping() -> None:
    """What every worker does now and then: find dead jobs, start the daily maintenance."""
    reap()
    ensure_daily()


def unfinished_for(user: User) -> Q:
    return Q(created_by=user) & ~Q(status__in=[Job.Status.DONE, Job.Status.FAILED])
