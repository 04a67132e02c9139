from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "启动 Web 服务（gunicorn）和一个后台任务进程"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("TUIXUAN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("TUIXUAN_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="不启动后台任务进程（另行运行 tuixuan worker 时）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and settings.DATA_DIR_SOURCE == "default":
            raise CommandError(
                _(
                    "拒绝启动服务：未设置数据目录 TUIXUAN_DATA_DIR。不在项目目录中运行时须明确"
                    "指定数据目录（例如 TUIXUAN_DATA_DIR={path}），以免服务在一个新的空数据库"
                    "和新的密钥上启动。"
                ).format(path=settings.DEFAULT_DATA_DIR)
            )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        exe = str(gunicorn) if gunicorn.exists() else shutil.which("gunicorn")
        if exe is None:
            raise CommandError("找不到 gunicorn，请先运行 python3 run.py setup")
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"服务地址：http://{bind}/  （按 Ctrl+C 停止）")
        self.stdout.flush()
        web_argv = [
            exe,
            "tuixuan.wsgi:application",
            "--config",
            "python:tuixuan.gunicorn_conf",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--timeout",
            "120",
            "--access-logfile",
            "-",
        ]
        if options["no_worker"]:
            os.execv(exe, web_argv)  # noqa: S606 - replaces this process with the server, no shell
            return  # only reached where execv is replaced (tests)
        worker_argv = [sys.executable, "-m", "tuixuan.cli", "worker"]
        children: dict[str, subprocess.Popen[bytes]] = {}
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGHUP, stop)
        children["web"] = subprocess.Popen(web_argv)  # noqa: S603 - fixed argv, no shell
        children["worker"] = subprocess.Popen(worker_argv)  # noqa: S603 - fixed argv, no shell
        self.stdout.write(f"后台任务进程已启动（进程 {children['worker'].pid}）")
        self.stdout.flush()
        try:
            while not stopping:
                time.sleep(0.5)
                if children["web"].poll() is not None:
                    break
                if children["worker"].poll() is not None and not stopping:
                    self.stderr.write("后台任务进程已退出，正在重新启动…")
                    time.sleep(1)
                    children["worker"] = subprocess.Popen(worker_argv)  # noqa: S603
        finally:
            stop(signal.SIGTERM, None)
            for child in children.values():
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
        code = children["web"].returncode
        if code not in (0, None, -signal.SIGTERM) and not stopping:
            raise CommandError(f"Web 服务异常退出（{code}）")
