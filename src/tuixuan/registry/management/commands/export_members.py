from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuixuan.core.models import Organisation
from tuixuan.registry.exporting import export_members, export_organisations
from tuixuan.registry.models import Member


class Command(BaseCommand):
    help = "导出党员到 .xlsx（表头与导入相同，可修改后重新导入）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="输出文件（.xlsx）")
        parser.add_argument("--org", metavar="CODE", help="只导出该组织代码的党组织及其下级")
        parser.add_argument("--organisations", action="store_true", help="导出党组织而不是党员")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError("输出文件应为 .xlsx")
        prefix = ""
        if options.get("org"):
            org = Organisation.objects.filter(code=options["org"]).first()
            if org is None:
                raise CommandError(f"找不到组织代码为“{options['org']}”的党组织")
            prefix = org.path
        if options.get("organisations"):
            count = export_organisations(Organisation.objects.filter(path__startswith=prefix), out)
            self.stdout.write(f"已导出 {count} 个党组织到 {out}")
            return
        count = export_members(Member.objects.filter(organisation__path__startswith=prefix), out)
        self.stdout.write(f"已导出 {count} 名党员到 {out}")
