"""Background jobs through the real task backend: web imports, failures, dead workers,
retries, the daily maintenance and retention."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.conftest import Tree, login
from tests.registry.helpers import person, write_csv
from tests.workers import JobQueue
from tuixuan.core.errors import DomainError, InvalidTransitionError
from tuixuan.core.models import User
from tuixuan.jobs import retention, runner
from tuixuan.jobs.models import DailyRun, Job
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.registry.models import ImportJob, Member


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    return tmp_path / "data"


def _post_import(client: Any, path: Path, kind: str = "members") -> Any:
    with path.open("rb") as fh:
        return client.post(reverse("registry:import"), {"kind": kind, "file": fh})


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_web_import_is_queued_and_run_by_the_worker(
    tree: Tree, unit_operator: User, data_dir: Path, tmp_path: Path, jobs: JobQueue
) -> None:
    client = login(unit_operator)
    path = write_csv(tmp_path / "m.csv", [person(org="A1"), person(org="A2")])
    response = _post_import(client, path)
    job = Job.objects.get()
    assert response["Location"] == reverse("registry:import_progress", args=[job.pk])
    assert job.status == Job.Status.PENDING and job.created_by == unit_operator
    page = client.get(response["Location"]).content.decode()
    assert "待执行" in page and 'hx-trigger="every 1s"' in page
    assert Member.objects.count() == 0  # nothing runs in the request

    assert jobs.run() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 1
    assert job.result["created"] == 2 and job.result["ok"] is True
    import_job = ImportJob.objects.get()
    assert job.result["import_job"] == import_job.pk
    assert import_job.status == ImportJob.Status.DONE
    assert Member.objects.count() == 2
    assert Event.objects.filter(event_type=EventType.MEMBERS_IMPORTED).count() == 1
    done = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert done.status_code == 204
    assert done["HX-Redirect"] == reverse("registry:import_job", args=[import_job.pk])


def test_outside_lists_are_imported_as_jobs_too(
    tree: Tree, unit_operator: User, convener: User, data_dir: Path, tmp_path: Path, jobs: JobQueue
) -> None:
    path = tmp_path / "d.csv"
    path.write_text("姓名,公民身份号码,类别,届次\n张三,11010519491231002X,人大代表,十六届\n")
    response = _post_import(login(convener), path, kind="deputies")
    assert response.status_code == 302
    jobs.run()
    job = Job.objects.get()
    assert job.status == Job.Status.DONE, job.error
    assert ImportJob.objects.get().kind == ImportJob.Kind.DEPUTIES


def test_another_user_cannot_follow_or_retry_a_job(
    tree: Tree,
    unit_operator: User,
    other_unit_operator: User,
    data_dir: Path,
    tmp_path: Path,
    jobs: JobQueue,
) -> None:
    path = write_csv(tmp_path / "m.csv", [person(org="A1")])
    url = _post_import(login(unit_operator), path)["Location"]
    job = Job.objects.get()
    other = login(other_unit_operator)
    assert other.get(url).status_code == 404
    assert other.post(reverse("jobs:retry", args=[job.pk])).status_code == 404


def test_a_job_that_fails_shows_the_reason_and_a_retry_button(
    tree: Tree, unit_operator: User, data_dir: Path, tmp_path: Path, jobs: JobQueue
) -> None:
    client = login(unit_operator)
    path = write_csv(tmp_path / "m.csv", [person(org="A1")])
    url = _post_import(client, path)["Location"]
    job = Job.objects.get()
    stored = Path(job.params["path"])
    moved = stored.rename(stored.with_suffix(".away"))  # the upload is gone
    jobs.run()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "上传的文件已不存在（可能已超过保留期限被删除），请重新上传。"
    page = client.get(url).content.decode()
    assert "失败" in page and job.error in page and 'id="job-retry"' in page
    assert "hx-trigger" not in page  # no polling for ever
    assert Member.objects.count() == 0
    assert not Event.objects.filter(event_type=EventType.MEMBERS_IMPORTED).exists()

    moved.rename(stored)
    response = client.post(reverse("jobs:retry", args=[job.pk]))
    assert response["Location"] == url
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING and job.error == ""
    jobs.run()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2
    assert Member.objects.count() == 1


def test_retry_is_refused_unless_the_job_failed(
    tree: Tree, unit_operator: User, data_dir: Path, tmp_path: Path, jobs: JobQueue
) -> None:
    path = write_csv(tmp_path / "m.csv", [person(org="A1")])
    _post_import(login(unit_operator), path)
    jobs.run()
    job = Job.objects.get()
    with pytest.raises(InvalidTransitionError) as refused:
        runner.retry(job=job, actor=unit_operator)
    assert refused.value.message == "只有失败的任务可以重试。"
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 1
    assert jobs.run() == 0
    assert Member.objects.count() == 1
    assert Event.objects.filter(event_type=EventType.MEMBERS_IMPORTED).count() == 1


def test_retry_by_someone_else_is_refused(
    tree: Tree, unit_operator: User, other_unit_operator: User, data_dir: Path
) -> None:
    job = Job.objects.create(kind=Job.Kind.IMPORT, created_by=unit_operator, status="failed")
    with pytest.raises(DomainError) as refused:
        runner.retry(job=job, actor=other_unit_operator)
    assert refused.value.message == "只能重试本人发起的任务。"
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED


def test_a_job_whose_worker_process_is_gone_is_marked_failed_on_its_page(
    tree: Tree, unit_operator: User, data_dir: Path
) -> None:
    import_job = ImportJob.objects.create(
        kind=ImportJob.Kind.MEMBERS, status=ImportJob.Status.RUNNING, created_by=unit_operator
    )
    pid = _dead_pid()
    job = Job.objects.create(
        kind=Job.Kind.IMPORT,
        created_by=unit_operator,
        status=Job.Status.RUNNING,
        worker_host=socket.gethostname(),
        worker_boot=runner.boot_id(),
        worker_pid=pid,
        heartbeat_at=timezone.now(),
        started_at=timezone.now(),
        result={"import_job": import_job.pk},
    )
    page = login(unit_operator).get(reverse("registry:import_progress", args=[job.pk]))
    text = page.content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    host = socket.gethostname()
    assert job.error == f"执行该任务的后台进程（{host} 进程 {pid}）已停止，任务未完成。"
    assert job.error in text and 'id="job-retry"' in text and "hx-trigger" not in text
    import_job.refresh_from_db()
    assert import_job.status == ImportJob.Status.FAILED
    assert import_job.message.startswith("导入中断，未写入任何数据")


def test_a_job_on_another_machine_is_dead_after_its_heartbeat_stops(
    tree: Tree, unit_operator: User, settings: Any
) -> None:
    settings.JOB_STALE_SECONDS = 60
    now = timezone.now()
    alive = Job.objects.create(
        kind=Job.Kind.EXPORT_BOOKS,
        status=Job.Status.RUNNING,
        worker_host="elsewhere",
        worker_pid=1,
        heartbeat_at=now - dt.timedelta(seconds=30),
    )
    dead = Job.objects.create(
        kind=Job.Kind.EXPORT_BOOKS,
        status=Job.Status.RUNNING,
        worker_host="elsewhere",
        worker_pid=1,
        heartbeat_at=now - dt.timedelta(seconds=90),
    )
    mine = Job.objects.create(
        kind=Job.Kind.EXPORT_BOOKS,
        status=Job.Status.RUNNING,
        worker_host=socket.gethostname(),
        worker_boot=runner.boot_id(),
        worker_pid=os.getpid(),  # alive, however old its heartbeat
        heartbeat_at=now - dt.timedelta(hours=1),
    )
    before_reboot = Job.objects.create(
        kind=Job.Kind.EXPORT_BOOKS,
        status=Job.Status.RUNNING,
        worker_host=socket.gethostname(),
        worker_boot="an earlier boot",
        worker_pid=os.getpid(),  # the same pid now names another process
        heartbeat_at=now - dt.timedelta(seconds=90),
    )
    assert runner.reap() == 2
    for job in (alive, dead, mine, before_reboot):
        job.refresh_from_db()
    assert (alive.status, mine.status) == (Job.Status.RUNNING, Job.Status.RUNNING)
    assert dead.status == before_reboot.status == Job.Status.FAILED
    assert "elsewhere" in dead.error and "没有响应" in dead.error


@pytest.mark.django_db(transaction=True)
def test_progress_and_heartbeat_are_committed_while_the_work_runs(settings: Any) -> None:
    settings.JOB_HEARTBEAT_SECONDS = 0.05
    job = Job.objects.create(kind=Job.Kind.EXPORT_BOOKS, status=Job.Status.RUNNING)
    with runner.Reporter(job) as reporter:
        reporter.progress(3, 7, "正在生成")
        deadline = time.monotonic() + 5
        # Seen from this connection while "the work" is still going on.
        while Job.objects.get(pk=job.pk).done != 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        seen = Job.objects.get(pk=job.pk)
    assert (seen.done, seen.total, seen.message) == (3, 7, "正在生成")
    assert seen.heartbeat_at is not None


def test_status_changes_follow_the_table(tree: Tree) -> None:
    job = Job.objects.create(kind=Job.Kind.DAILY, status=Job.Status.DONE)
    with pytest.raises(InvalidTransitionError):
        runner._move(job, Job.Status.PENDING)
    assert Job.TRANSITIONS[Job.Status.FAILED] == {Job.Status.PENDING}


def _age(path: Path, days: float) -> None:
    stamp = time.time() - days * 86400
    os.utime(path, (stamp, stamp))


def test_retention_removes_old_uploads_reports_and_exports(
    data_dir: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.RETENTION_DAYS = 7
    files = {}
    for folder, name, days in [
        ("uploads", "old.csv", 8),
        ("uploads", "new.csv", 6),
        ("exports", "import-errors-1.xlsx", 30),
        ("exports", "books-3.zip", 1),
    ]:
        path = data_dir / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
        _age(path, days)
        files[name] = path
    database = data_dir / "tuixuan.sqlite3"
    database.write_text("keep")
    _age(database, 100)
    call_command("purge_files", "--dry-run")
    assert "可删除 2 个超过 7 天的文件" in capsys.readouterr().out
    assert all(p.exists() for p in files.values())
    call_command("purge_files")
    assert "已删除 2 个超过 7 天的文件" in capsys.readouterr().out
    assert not files["old.csv"].exists() and not files["import-errors-1.xlsx"].exists()
    assert files["new.csv"].exists() and files["books-3.zip"].exists() and database.exists()
    assert retention.purge_old_files(days=0)["files"] == 2


def test_the_daily_maintenance_runs_once_a_day(
    data_dir: Path, settings: Any, jobs: JobQueue
) -> None:
    old = data_dir / "uploads" / "old.csv"
    old.parent.mkdir(parents=True)
    old.write_text("x")
    _age(old, 30)
    first = runner.ensure_daily()
    assert first is not None and first.kind == Job.Kind.DAILY
    assert runner.ensure_daily() is None  # a second worker, the same day
    assert DailyRun.objects.get().day == timezone.localdate()
    assert jobs.run() == 1
    first.refresh_from_db()
    assert first.status == Job.Status.DONE
    assert first.result["tuixuan.jobs.retention.purge_old_files"]["files"] == 1
    assert first.result["tuixuan.jobs.retention.prune_task_results"] == {"deleted": 0}
    assert not old.exists()


def test_old_task_results_are_pruned(data_dir: Path, jobs: JobQueue) -> None:
    from django_tasks_db.models import DBTaskResult

    runner.start(kind=Job.Kind.DAILY, actor=None, params={})
    jobs.run()
    DBTaskResult.objects.update(finished_at=timezone.now() - dt.timedelta(days=8))
    assert retention.prune_task_results() == {"deleted": 1}
    assert Job.objects.count() == 1  # our own rows stay


def test_old_one_time_form_keys_are_pruned(unit_operator: User) -> None:
    from tuixuan.core.models import FormSubmission

    old = FormSubmission.objects.create(key="old-key", user=unit_operator)
    FormSubmission.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    FormSubmission.objects.create(key="new-key", user=unit_operator)
    assert retention.prune_form_submissions() == {"deleted": 1}
    assert list(FormSubmission.objects.values_list("key", flat=True)) == ["new-key"]


def test_a_job_that_cannot_be_queued_fails_with_the_reason(
    tree: Tree, unit_operator: User, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tuixuan.jobs import tasks

    class Down:
        def using(self, **options: Any) -> Down:
            return self

        def enqueue(self, job_id: int) -> None:
            raise ConnectionError("Redis 不可用")

    monkeypatch.setattr(tasks, "run_job", Down())
    job = runner.start(kind=Job.Kind.DAILY, actor=unit_operator, params={})
    runner.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "无法加入任务队列：Redis 不可用"
