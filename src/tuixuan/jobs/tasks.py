"""The one django-tasks task: run a ``Job`` by its id (whatever its kind)."""

from __future__ import annotations

from django_tasks import task

from tuixuan.jobs import runner


@task()
def run_job(job_id: int) -> None:
    runner.execute(job_id)
