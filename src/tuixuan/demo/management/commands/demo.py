"""``tuixuan demo``: a ready-to-try installation with a synthetic city, then serve it."""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from tuixuan.demo.build import (
    DemoError,
    Outcome,
    accounts_table,
    build,
    reset_database,
)
from tuixuan.demo.generator import SCALES, Manifest


class Command(BaseCommand):
    help = _("生成演示数据（示范市）、创建各角色演示账号并启动 Web 服务")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default="county",
            help=_("数据规模：county（约4万党员，默认）、city（约30万）、province（约400万）"),
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help=_("随机种子（相同种子生成相同数据）")
        )
        parser.add_argument("--members", type=int, default=None, help=_("党员人数（覆盖规模设定）"))
        parser.add_argument(
            "--branches", type=int, default=None, help=_("党支部数（覆盖规模设定）")
        )
        parser.add_argument("--reset", action="store_true", help=_("先删除已有的演示数据库"))
        parser.add_argument("--no-serve", action="store_true", help=_("生成后退出，不启动服务"))
        parser.add_argument(
            "--host", default=os.environ.get("TUIXUAN_HOST", "127.0.0.1"), help=_("服务地址")
        )
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("TUIXUAN_PORT", "8000")), help=_("端口")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            if options["reset"]:
                self.stdout.write(reset_database())
            call_command("migrate", interactive=False, verbosity=0)
            outcome = self._build(options)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        total = time.perf_counter() - started
        if outcome.built:
            parts = [
                _("{step} {seconds:.1f} 秒").format(step=k, seconds=v)
                for k, v in outcome.timings.items()
            ]
            self.stdout.write(
                _(
                    "演示数据已生成并导入：{orgs:,} 个党组织，{members:,} 名党员；"
                    "用时 {seconds:.1f} 秒（{parts}）"
                ).format(
                    orgs=outcome.organisations,
                    members=outcome.members,
                    seconds=total,
                    parts="，".join(parts),
                )
            )
        else:
            self.stdout.write(
                _(
                    "演示数据已存在（{orgs:,} 个党组织，{members:,} 名党员），"
                    "未重复生成；如需重建请加 --reset。"
                ).format(orgs=outcome.organisations, members=outcome.members)
            )
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write("\n" + _("演示账号（所有账号密码相同）："))
        self.stdout.write(accounts_table(outcome.accounts))
        if options["no_serve"]:
            self.stdout.write("\n" + _("未启动服务；启动请运行：tuixuan serve"))
            return
        self.stdout.write("\n" + _("访问地址：{url}").format(url=url))
        self.stdout.flush()
        call_command("serve", host=options["host"], port=options["port"])

    def _build(self, options: dict[str, Any]) -> Outcome:
        bar: tqdm[Any] | None = None
        quiet = options["verbosity"] == 0
        total = options["members"] or SCALES[options["scale"]].members

        def progress(n: int) -> None:
            nonlocal bar
            if quiet:
                return
            if bar is None:
                bar = tqdm(desc=_("生成党员"), unit=_("人"), total=total)
            bar.update(n)

        def generated(manifest: Manifest) -> None:
            if bar is not None:
                bar.close()
            if not quiet:
                self.stdout.write(
                    _("已生成演示文件：{path}，正在导入……").format(path=manifest.directory)
                )

        imports: list[tqdm[Any]] = []

        def import_progress(done: int, total: int, stage: str) -> None:
            if quiet or total == 0:
                return
            if not imports or imports[-1].total != total or imports[-1].disable:
                imports.append(tqdm(desc=_("导入"), unit=_("行"), total=total))
            current = imports[-1]
            current.set_description_str(_("导入（{stage}）").format(stage=stage), refresh=False)
            current.n = done
            current.refresh()
            if stage == "完成":
                current.close()

        return build(
            scale=options["scale"],
            seed=options["seed"],
            members=options["members"],
            branches=options["branches"],
            progress=progress,
            on_generated=generated,
            import_progress=import_progress,
        )
