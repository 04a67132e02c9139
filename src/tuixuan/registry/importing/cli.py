"""What the import commands share: options, the progress bar, errors and exit statuses.

Exit status: 0 written, 1 rows with errors (nothing written), 2 the file or the user could
not be used at all. ``import-members`` takes several files, imported as one table.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from tuixuan.core.errors import DomainError
from tuixuan.registry.importing.pipeline import sheets_note
from tuixuan.registry.models import ImportJob


def add_import_arguments(parser: CommandParser, *, several: bool = False) -> None:
    if several:
        parser.add_argument(
            "file",
            nargs="+",
            help="要导入的 .xlsx 或 .csv 文件；几个文件作为一张表一次导入，有错则全部不写入",
        )
    else:
        parser.add_argument("file", help="要导入的 .xlsx 或 .csv 文件")
    parser.add_argument(
        "--only-valid", action="store_true", help="只写入没有错误的行，跳过有错误的行"
    )
    parser.add_argument("--as", dest="as_user", metavar="USERNAME", help="以该用户的权限范围导入")
    parser.add_argument("--no-progress", action="store_true", help="不显示进度条")


class _Bar:
    def __init__(self, enabled: bool) -> None:
        self.bar: tqdm[Any] | None = None
        self.enabled = enabled
        self.stage = ""

    def __call__(self, done: int, total: int, stage: str) -> None:
        if not self.enabled:
            return
        if self.bar is None or stage != self.stage:
            if self.bar is not None:
                self.bar.close()
            self.stage = stage
            self.bar = tqdm(
                total=total or None, desc=stage, unit="行", file=sys.stderr, leave=False
            )
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def error_report_path(source: Path) -> Path:
    """Beside the imported file (``党员.xlsx`` → ``党员-错误清单.xlsx``); in the data directory's
    ``exports`` when that folder cannot be written."""
    from django.conf import settings

    name = f"{source.stem}-错误清单.xlsx"
    if os.access(source.parent, os.W_OK):
        return source.parent / name
    folder = Path(settings.DATA_DIR) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def run_import(command: BaseCommand, kind: ImportJob.Kind, options: dict[str, Any]) -> None:
    from tuixuan.core.models import User
    from tuixuan.registry.services import import_file, write_error_report

    given = options["file"]
    paths = [Path(p) for p in (given if isinstance(given, list) else [given])]
    for path in paths:
        if not path.is_file():
            command.stderr.write(f"找不到文件：{path}")
            raise SystemExit(2)
    path = paths[0]
    names = [p.name for p in paths]
    if len(set(names)) < len(names):
        names = [str(p) for p in paths]  # 甲/党员.csv and 乙/党员.csv: named as typed
    actor = None
    if options.get("as_user"):
        actor = User.objects.filter(username=options["as_user"]).first()
        if actor is None:
            command.stderr.write(f"找不到用户：{options['as_user']}")
            raise SystemExit(2)
    bar = _Bar(enabled=not options.get("no_progress") and sys.stderr.isatty())
    try:
        result = import_file(
            kind=kind,
            files=list(zip(paths, names, strict=True)),
            actor=actor,
            only_valid=bool(options.get("only_valid")),
            progress=bar,
        )
    except DomainError as exc:
        bar.close()
        command.stderr.write(exc.message)
        raise SystemExit(2) from exc
    bar.close()
    if result.file_error:
        command.stderr.write(result.file_error)
        raise SystemExit(2)
    for error in result.errors:
        command.stderr.write(str(error))
    if result.errors:
        report = error_report_path(path)
        write_error_report(
            result.errors, report, source=path, sources=dict(zip(names, paths, strict=True))
        )
        command.stderr.write(f"全部 {len(result.errors)} 处错误（含原始数据）已写入：{report}")
    if not result.ok:
        command.stderr.write("未写入任何数据")
        raise SystemExit(1)
    summary = f"导入完成：共 {result.total_rows} 行，新增 {result.created}，更新 {result.updated}"
    if result.skipped_rows:
        summary += f"，跳过有错误的 {result.skipped_rows} 行"
    if kind in (ImportJob.Kind.DEPUTIES, ImportJob.Kind.SANCTIONS, ImportJob.Kind.INVESTIGATIONS):
        summary += f"，{result.unmatched} 条未匹配到党员"
    command.stdout.write(summary + sheets_note(result.sources))
