"""``tuixuan export-books --org CODE | --campaign ID OUT.zip``: every book of a unit or campaign."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from tuixuan.core.models import Organisation
from tuixuan.dossier import access, exports


class Command(BaseCommand):
    help = "批量导出一人一册：每人一个 PDF 加目录 index.xlsx，打成一个 zip。"

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--org", help="党组织代码（含全部下级党组织）")
        group.add_argument("--campaign", type=int, help="推选工作编号")
        parser.add_argument("out", help="输出的 zip 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["org"]:
            try:
                org = Organisation.objects.get(code=options["org"])
            except Organisation.DoesNotExist as exc:
                raise CommandError(f"党组织代码“{options['org']}”不存在。") from exc
            ids = access.persons_of_unit(None, org)
            scope = f"{org.code} {org.name}"
        else:
            ids = access.persons_of_campaign(None, options["campaign"])
            scope = f"推选工作 {options['campaign']}"
        if not ids:
            raise CommandError("该范围内没有一人一册可导出。")
        target = Path(options["out"])
        with tqdm(total=len(ids), unit="册", disable=options["verbosity"] == 0) as bar:

            def progress(done: int, total: int) -> None:
                bar.update(done - bar.n)

            result = exports.export_books(
                user=None, citizen_ids=ids, target=target, scope=scope, progress=progress
            )
        self.stdout.write(f"已导出 {result.books} 册（{result.events} 条记录）到 {target}")
        if result.failed_checks:
            self.stderr.write(
                f"其中 {result.failed_checks} 册与全程纪实记录不一致，请运行 verify-record。"
            )
