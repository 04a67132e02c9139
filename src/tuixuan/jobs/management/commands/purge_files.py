"""``tuixuan purge-files``: delete uploads, error reports and exports past their retention."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from tuixuan.jobs.retention import purge_old_files


class Command(BaseCommand):
    help = "删除超过保留期限的上传文件、错误报告和导出文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"保留天数（默认 TUIXUAN_RETENTION_DAYS，当前 {settings.RETENTION_DAYS}）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只列出数量，不删除")

    def handle(self, *args: Any, **options: Any) -> None:
        result = purge_old_files(options["days"], dry_run=options["dry_run"])
        verb = "可删除" if options["dry_run"] else "已删除"
        self.stdout.write(
            f"{verb} {result['files']} 个超过 {result['days']} 天的文件（{result['bytes']} 字节）"
        )
