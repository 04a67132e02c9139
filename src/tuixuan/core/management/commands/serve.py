from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "启动 Web 服务（gunicorn）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("TUIXUAN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("TUIXUAN_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2)

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
        argv = [
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
        os.execv(exe, argv)  # noqa: S606 - replaces this process with the server, no shell
