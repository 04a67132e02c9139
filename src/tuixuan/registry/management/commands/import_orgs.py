from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tuixuan.registry.importing.cli import add_import_arguments, run_import
from tuixuan.registry.models import ImportJob


class Command(BaseCommand):
    help = "导入党组织（.xlsx 或 .csv）：党组织名称、上级党组织、组织类别、组织代码"

    def add_arguments(self, parser: CommandParser) -> None:
        add_import_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        run_import(self, ImportJob.Kind.ORGANISATIONS, options)
