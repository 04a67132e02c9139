"""``tuixuan export-books --org CODE | --campaign NAME OUT.zip``: every book of a unit or campaign.

The campaign is named as the users name it (市第五次党代会代表推选); its number is accepted too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from tuixuan.campaign.models import Campaign
from tuixuan.core.models import Organisation
from tuixuan.dossier import access, exports


class Command(BaseCommand):
    help = "批量导出一人一册：每人一个 PDF 加目录 index.xlsx，打成一个 zip。"

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--org", help="党组织代码（含全部下级党组织）")
        group.add_argument("--campaign", help="推选工作名称（或编号）")
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
            campaign = _campaign(options["campaign"])
            ids = access.persons_of_campaign(None, campaign.pk)
            scope = f"推选工作 {campaign.name}"
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


def _campaign(text: str) -> Campaign:
    """The campaign of that name, else of that number; a miss lists the campaigns there are."""
    text = text.strip()
    found = list(Campaign.objects.filter(name=text)[:2])
    if not found and text.isdigit():
        found = list(Campaign.objects.filter(pk=int(text)))
    if len(found) == 1:
        return found[0]
    known = "；".join(f"{c.pk} {c.name}" for c in Campaign.objects.order_by("pk")) or "（无）"
    if found:
        raise CommandError(f"有多个名为“{text}”的推选工作，请改用编号：{known}")
    raise CommandError(f"没有名为“{text}”的推选工作。现有的推选工作：{known}")
