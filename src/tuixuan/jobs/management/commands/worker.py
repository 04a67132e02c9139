"""``tuixuan worker``: run background jobs (imports, exports, the daily maintenance)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from tuixuan.jobs import runner

logger = logging.getLogger(__name__)
HOUSEKEEPING_SECONDS = 30


def _housekeeping_loop(stop: threading.Event) -> None:
    while not stop.wait(HOUSEKEEPING_SECONDS):
        try:
            runner.housekeeping()
        except Exception:  # keep watching; the next round may succeed
            logger.exception("housekeeping failed")
        finally:
            connection.close()


class Command(BaseCommand):
    help = "运行后台任务进程（导入、批量导出、每日维护）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="队列为空时的轮询间隔（秒）"
        )
        parser.add_argument("--batch", action="store_true", help="执行完队列中的任务后退出")

    def handle(self, *args: Any, **options: Any) -> None:
        runner.housekeeping()  # jobs left running by a worker that died, today's maintenance
        connection.close()
        stop = threading.Event()
        if not options["batch"]:
            threading.Thread(
                target=_housekeeping_loop, args=(stop,), name="housekeeping", daemon=True
            ).start()
        verbosity = options["verbosity"]
        try:
            if settings.TASKS_BACKEND == "rq":
                call_command(
                    "rqworker",
                    settings.JOB_QUEUE,
                    job_class="django_tasks_rq.Job",
                    burst=options["batch"],
                    verbosity=verbosity,
                )
            else:
                call_command(
                    "db_worker",
                    queue_name=settings.JOB_QUEUE,
                    interval=options["interval"],
                    batch=options["batch"],
                    startup_delay=False,
                    reload=False,
                    verbosity=verbosity,
                )
        finally:
            stop.set()
