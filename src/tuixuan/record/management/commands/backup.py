"""``tuixuan backup OUT``: a consistent copy of the database and the record's files, with a
manifest of the record's chain heads and the row counts (``tuixuan.record.backup``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tuixuan.record.backup import MANIFEST, BackupError, backup


class Command(BaseCommand):
    help = _(
        "备份：数据库的一致副本（SQLite 在线备份 / pg_dump）、附件文件和备份清单（含纪实链链尾）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help=_("备份目录（新建或空目录）"))

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"]).resolve()
        try:
            manifest = backup(out)
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        events = manifest.counts.get("dossier_event", 0)
        self.stdout.write(
            _(
                "备份完成：{path}（{vendor}，{tables} 张表，全程纪实 {events} 条，"
                "纪实链 {chains} 条，附件文件 {files} 个；清单 {manifest}）"
            ).format(
                path=out,
                vendor=manifest.vendor,
                tables=len(manifest.counts),
                events=events,
                chains=len(manifest.heads),
                files=manifest.media_files,
                manifest=MANIFEST,
            )
        )
