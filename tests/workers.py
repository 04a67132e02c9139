"""Running background jobs in tests through the real task backend.

``JobQueue.run()`` fires the ``on_commit`` callbacks the test has made so far (they enqueue
the tasks), then runs django-tasks-db's own worker loop in this process until the queue is
empty, exactly as ``db_worker --batch`` would.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


class JobQueue:
    def __init__(self, capture: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
        self._capture = capture
        # The worker loop drops "obsolete" connections between tasks; inside the test's
        # transaction that would be the test's own connection.
        monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
        self._context = capture(execute=True)
        self._context.__enter__()

    def run(self) -> int:
        """Enqueue what was committed, run every ready task; return how many ran."""
        self._context.__exit__(None, None, None)
        before = DBTaskResult.objects.exclude(status="READY").count()
        worker = db_worker.Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="tests",
            excluded_queue_names=[],
        )
        worker.run()
        self._context = self._capture(execute=True)
        self._context.__enter__()
        return DBTaskResult.objects.exclude(status="READY").count() - before

    def close(self) -> None:
        self._context.__exit__(None, None, None)
