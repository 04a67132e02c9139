"""``tuixuan restore IN``: restore a backup into an empty database, then prove it with the
check of ``verify-record`` and the manifest's chain heads and row counts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tuixuan.record.backup import BackupError, restore


class Command(BaseCommand):
    help = _("从备份恢复到一个空数据库，并校验全程纪实和备份清单")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help=_("tuixuan backup 写出的备份目录"))

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"]).resolve()
        try:
            outcome = restore(source)
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        if not outcome.ok:
            self.stderr.write(
                _("恢复后的数据未通过校验，不能使用（请勿启动服务，另取一份备份重新恢复）：")
            )
            for problem in outcome.problems:
                self.stderr.write(f"  {problem}")
            sys.exit(1)
        self.stdout.write(
            _(
                "恢复完成并校验通过：全程纪实 {events} 条，纪实链 {chains} 条的链尾与备份清单"
                "一致，{tables} 张表的行数与清单一致（备份时间 {at}）"
            ).format(
                events=outcome.checked_events,
                chains=len(outcome.manifest.heads),
                tables=len(outcome.manifest.counts),
                at=outcome.manifest.created_at,
            )
        )
