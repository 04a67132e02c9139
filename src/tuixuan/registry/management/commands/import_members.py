from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tuixuan.registry.importing.cli import add_import_arguments, run_import
from tuixuan.registry.models import ImportJob


class Command(BaseCommand):
    help = (
        "导入党员（.xlsx 或 .csv，可一次给出几个文件，工作簿中表头相同的工作表一并导入）；"
        "有错误的行全部列出，默认不写入任何数据"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_import_arguments(parser, several=True)

    def handle(self, *args: Any, **options: Any) -> None:
        run_import(self, ImportJob.Kind.MEMBERS, options)
