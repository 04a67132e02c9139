"""``tuixuan verify-record``: prove the full-process record unchanged.

Exit status 0 when every chain is intact, 1 when anything is wrong (the problems go to
standard error, one line each).
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tuixuan.record.verification import verify_record


class Command(BaseCommand):
    help = "校验全程纪实：逐条重算内容哈希和链哈希，报告第一处被改动或删除的记录。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chain", help="只校验这一条纪实链，如 global 或 campaign:3")
        parser.add_argument(
            "--files", action="store_true", help="同时校验附件文件内容与登记的 SM3 是否一致"
        )
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="DIGEST",
            help="纸质文件上印的锚点（如 campaign:5/123/0123456789abcdef），可多次给出",
        )
        parser.add_argument(
            "--no-state", action="store_true", help="不按纪实记录重算推荐票数、计票结果等数据表"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_record(
            chain=options["chain"],
            check_files=options["files"],
            anchors=options["anchor"],
            state=not options["no_state"],
        )
        if report.ok:
            self.stdout.write(f"全程纪实校验通过：{report.checked} 条记录")
            for text in options["anchor"]:
                self.stdout.write(f"锚点 {text.strip()} 仍在纪实链中。")
            if options["verbosity"] >= 2:
                for chain, (count, tail) in sorted(report.heads.items()):
                    self.stdout.write(f"纪实链 {chain}：{count} 条，链尾哈希 {tail}")
            return
        self.stderr.write(f"全程纪实校验未通过（已检查 {report.checked} 条记录）：")
        for problem in report.problems:
            self.stderr.write(f"  {problem}")
        sys.exit(1)
