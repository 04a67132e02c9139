from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tuixuan.registry.importing.cli import add_import_arguments, run_import
from tuixuan.registry.models import ImportJob

KINDS = {
    "deputies": ImportJob.Kind.DEPUTIES,
    "sanctions": ImportJob.Kind.SANCTIONS,
    "investigations": ImportJob.Kind.INVESTIGATIONS,
}


class Command(BaseCommand):
    help = (
        "导入外部名单：人大代表/政协委员（deputies）、处分（sanctions）、"
        "立案审查调查（investigations）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, choices=sorted(KINDS), help="名单种类")
        add_import_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        run_import(self, KINDS[options["kind"]], options)
