"""The RQ backend (queue in Redis, for workers on several machines) runs the same jobs."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Tree
from tuixuan.core.models import User
from tuixuan.jobs import runner
from tuixuan.jobs.models import Job

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis() -> Any:
    from redis import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except (RedisError, OSError):
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    return client


def test_a_job_runs_through_rq(
    tree: Tree,
    unit_operator: User,
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    redis = _redis()
    import django_rq
    from django_tasks_rq.backend import Job as RQJob
    from rq import SimpleWorker

    queue_name = f"tuixuan-test-{uuid.uuid4().hex[:12]}"
    settings.DATA_DIR = tmp_path
    settings.JOB_QUEUE = queue_name
    settings.RQ_QUEUES = {queue_name: {"URL": REDIS_URL}}
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", queue_name]}
    }
    queue = django_rq.get_queue(queue_name, job_class=RQJob)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = runner.start(kind=Job.Kind.DAILY, actor=unit_operator, params={})
        job.refresh_from_db()
        assert job.task_id and queue.count == 1
        assert Job.objects.get(pk=job.pk).status == Job.Status.PENDING
        worker = SimpleWorker([queue], connection=queue.connection, job_class=RQJob)
        assert worker.work(burst=True)
        job.refresh_from_db()
        assert job.status == Job.Status.DONE, job.error
        assert "tuixuan.jobs.retention.purge_old_files" in job.result
        assert queue.count == 0
    finally:
        queue.empty()  # type: ignore[no-untyped-call]
        queue.delete(delete_jobs=True)
        redis.close()
