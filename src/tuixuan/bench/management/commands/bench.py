"""``tuixuan bench import``: our member import beside the bare driver doing the same work.

The measurement runs in a child process on a scratch database (``tuixuan.bench.scratch``),
so the configured database is never touched.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuixuan.bench import scratch

CSV_TARGET = 4
XLSX_TARGET = 2


class Command(BaseCommand):
    help = "性能基准：tuixuan bench import --members N（与数据库驱动直接写入对比）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subject", choices=["import"])
        parser.add_argument("--members", type=int, default=1_000_000)
        parser.add_argument("--database-url", help="临时库所在的数据库服务器（默认同配置的数据库）")
        xlsx = parser.add_mutually_exclusive_group()
        xlsx.add_argument("--xlsx", dest="xlsx", action="store_true", default=None)
        xlsx.add_argument("--no-xlsx", dest="xlsx", action="store_false")

    def handle(self, *args: Any, **options: Any) -> None:
        options["xlsx"] = options["xlsx"] if options["xlsx"] is not None else True
        if scratch.inside():
            self._measure(options)
            return
        argv = ["import", "--members", str(options["members"])]
        argv.append("--xlsx" if options["xlsx"] else "--no-xlsx")
        scratch.measure_on_scratch(self, "bench", argv, database_url=options["database_url"])

    def _measure(self, options: dict[str, Any]) -> None:
        from django.db import connection

        from tuixuan.bench import benchdata
        from tuixuan.registry.importing.db import bulk_session, gc_paused

        n = options["members"]
        workdir = Path(settings.DATA_DIR)
        say = self.stdout.write
        call_command("migrate", verbosity=0)
        vendor = connection.vendor
        say(f"数据库：{vendor}；党员 {n:,} 行；工作目录 {workdir}")
        t = time.perf_counter()
        files = benchdata.generate(workdir, n)
        say(f"生成 CSV：{time.perf_counter() - t:.1f} s（{files.branch_count:,} 个党支部）")
        t = time.perf_counter()
        _import("organisations", files.organisations)
        say(f"导入党组织：{time.perf_counter() - t:.2f} s")

        bare_rows = _bare_rows(files.rows)
        with gc_paused(), bulk_session():
            bare_insert, bare_index = _bare(bare_rows)
        bare_total = bare_insert + bare_index
        del bare_rows
        say(
            f"裸写入（{'executemany' if vendor == 'sqlite' else 'COPY'}，一个事务）："
            f"{bare_insert:.2f} s"
        )
        say(f"裸写入后建索引：{bare_index:.2f} s")

        t = time.perf_counter()
        result = _import("members", files.members)
        ours_csv = time.perf_counter() - t
        assert result.created == n, result.errors[:5]  # noqa: S101 (benchmark sanity check)
        say(f"本系统导入 CSV（解析、逐行校验、写入、统计）：{ours_csv:.2f} s")
        lines = [("CSV 导入", ours_csv, bare_total, "裸写入+建索引", CSV_TARGET)]

        if options["xlsx"]:
            xlsx_path = workdir / "bench_members.xlsx"
            t = time.perf_counter()
            benchdata.write_xlsx(xlsx_path, files.rows)
            say(f"生成 xlsx（不计入比较）：{time.perf_counter() - t:.1f} s")
            from python_calamine import CalamineWorkbook

            t = time.perf_counter()
            CalamineWorkbook.from_path(str(xlsx_path)).get_sheet_by_index(0).to_python()
            calamine = time.perf_counter() - t
            say(f"calamine 读取 xlsx：{calamine:.2f} s")
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM registry_memberchange")
                cursor.execute("DELETE FROM registry_member")
            t = time.perf_counter()
            result = _import("members", xlsx_path)
            ours_xlsx = time.perf_counter() - t
            assert result.created == n, result.errors[:5]  # noqa: S101 (benchmark sanity check)
            say(f"本系统导入 xlsx：{ours_xlsx:.2f} s")
            lines.append(("xlsx 导入", ours_xlsx, calamine, "calamine 读取", XLSX_TARGET))
        else:
            say("（跳过 xlsx：--no-xlsx）")

        say("")
        say(f"{'项目':<10}{'本系统':>10}{'对照':>10}  {'对照内容':<14}{'倍数':>7}  目标    结论")
        ok = True
        for label, ours, base, what, target in lines:
            ratio = ours / base if base else float("inf")
            passed = ratio <= target
            ok = ok and passed
            say(
                f"{label:<10}{ours:>9.2f}s{base:>9.2f}s  {what:<14}{ratio:>6.2f}×  ≤{target}×    "
                f"{'达标' if passed else '未达标'}"
            )
        if not ok:
            raise SystemExit(3)


def _import(kind: str, path: Path) -> Any:
    from tuixuan.registry.services import import_file

    result = import_file(kind=kind, path=path, file_name=path.name, actor=None)
    if not result.ok:
        raise CommandError("; ".join(str(e) for e in result.errors[:5]))
    return result


def _bare_rows(rows: list[tuple[str, ...]]) -> list[tuple[Any, ...]]:
    """The exact values our import writes, prepared before the clock starts."""
    from django.db import connection

    from tuixuan.registry.importing.columns import EDUCATIONS, GENDERS, MEMBER_TYPES, OCCUPATIONS
    from tuixuan.registry.importing.members import name_initials

    with connection.cursor() as cursor:
        cursor.execute("SELECT code, id FROM registry_organisation")
        org = dict(cursor.fetchall())
    initials: dict[str, str] = {}
    out = []
    for r in rows:
        name = r[0]
        if name not in initials:
            initials[name] = name_initials(name)
        out.append(
            (
                name,
                GENDERS[r[1]],
                r[2],
                r[3],
                r[4],
                EDUCATIONS[r[5]],
                OCCUPATIONS[r[6]],
                r[7],
                r[8] or None,
                MEMBER_TYPES[r[9]],
                "normal",
                None,
                r[11] == "是",
                r[12] == "是",
                False,
                False,
                org[r[10]],
                initials[name],
                "",  # cadre_rank: the benchmark file has no cadres
                "",  # current_post
            )
        )
    return out


def _bare(rows: list[tuple[Any, ...]]) -> tuple[float, float]:
    """Insert into a copy of the member table without indexes, then build its indexes."""
    from django.db import connection, transaction

    from tuixuan.registry.importing.db import copy_column
    from tuixuan.registry.importing.members import DB_FIELDS

    columns = ", ".join(DB_FIELDS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE TABLE bench_bare (LIKE registry_member INCLUDING DEFAULTS"
                " INCLUDING IDENTITY INCLUDING CONSTRAINTS)"
            )
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'registry_member'"
                " AND indexname NOT LIKE '%%_pkey'"
            )
            indexes = [
                d.replace("registry_member", "bench_bare", 1).replace(
                    "INDEX registry_member", "INDEX bench_bare", 1
                )
                for (d,) in cursor.fetchall()
            ]
            indexes = [
                re.sub(
                    r"INDEX (\S+) ON public\.registry_member",
                    r"INDEX bb_\1 ON public.bench_bare",
                    d,
                )
                for d in indexes
            ]
        else:
            cursor.execute(
                "SELECT sql FROM sqlite_master"
                " WHERE tbl_name = 'registry_member' AND sql IS NOT NULL"
            )
            statements = [s for (s,) in cursor.fetchall()]
            create = next(s for s in statements if s.startswith("CREATE TABLE"))
            cursor.execute(
                create.replace('"registry_member"', '"bench_bare"', 1).replace(" UNIQUE", "")
            )
            indexes = [
                re.sub(r'INDEX "([^"]+)" ON "registry_member"', r'INDEX "bb_\1" ON "bench_bare"', s)
                for s in statements
                if s.startswith("CREATE INDEX")
            ]
            indexes.append('CREATE UNIQUE INDEX "bb_citizen" ON "bench_bare" ("citizen_id")')
    if connection.vendor == "postgresql":
        texts = [copy_column([r[k] for r in rows]) for k in range(len(DB_FIELDS))]
        lines = list(map("\t".join, zip(*texts, strict=True)))
        del texts
        start = time.perf_counter()
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY bench_bare ({columns}) FROM STDIN") as copy,
        ):
            for k in range(0, len(lines), 20_000):
                copy.write("\n".join(lines[k : k + 20_000]) + "\n")
        inserted = time.perf_counter() - start
    else:
        marks = ", ".join("?" * len(DB_FIELDS))
        start = time.perf_counter()
        with transaction.atomic():
            assert connection.connection is not None  # noqa: S101
            raw = connection.connection.cursor()
            raw.executemany(f"INSERT INTO bench_bare ({columns}) VALUES ({marks})", rows)  # noqa: S608
        inserted = time.perf_counter() - start
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in indexes:
            cursor.execute(statement)
    indexed = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_bare")
    return inserted, indexed
