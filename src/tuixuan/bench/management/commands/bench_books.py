"""``tuixuan bench-books --persons 1000``: time the batch export of books at realistic scale.

Builds the persons and their events (through ``record``, so the chain is real) in a child
process on a scratch database (``tuixuan.bench.scratch``), so the configured database is
never touched.
Exports the same books once in a single process and once with the pool of
``TUIXUAN_EXPORT_PROCESSES`` processes (default: one per core) and prints books per second
of both, beside the time the database needs to hand over the same events in one query,
which is the floor no export can go below.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from tuixuan.bench import scratch
from tuixuan.core import citizen_id
from tuixuan.core.models import Organisation, OrgType, path_segment
from tuixuan.dossier import exports
from tuixuan.record.events import EventType
from tuixuan.record.models import Event, EventPerson
from tuixuan.record.services import record
from tuixuan.registry.models import Education, Member, MemberType, Occupation

# Twelve steps of a path, across the sections of the book.
STEPS = [
    (EventType.MEMBERS_IMPORTED, "导入党员名册"),
    (EventType.MEMBER_CHANGED, "所在党组织变更"),
    (EventType.UNIT_CHANGED, "列入选举单位"),
    (EventType.ELECTION_CANDIDATES_ENTERED, "录入候选人"),
    (EventType.ELECTION_ELECTORATE_DRAWN, "列入应到会名单"),
    (EventType.ELECTION_ATTENDANCE_CHANGED, "会议签到"),
    (EventType.ELECTION_ROUND_OPENED, "预选"),
    (EventType.ELECTION_ROUND_COUNTED, "预选计票"),
    (EventType.ELECTION_ROUND_OPENED, "正式选举"),
    (EventType.ELECTION_ROUND_COUNTED, "正式选举计票"),
    (EventType.ELECTION_RESULT_RELEASED, "宣布当选"),
    (EventType.ELECTION_DELEGATE_CONFIRMED, "代表资格确认"),
]


class Command(BaseCommand):
    help = "基准测试：在临时数据库中生成若干人的全程纪实并计时批量导出一人一册。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=1000)
        parser.add_argument("--out", help="保留生成的 zip（默认写到临时目录后删除）")
        parser.add_argument("--database-url", help="临时库所在的数据库服务器（默认同配置的数据库）")

    def handle(self, *args: Any, **options: Any) -> None:
        if scratch.inside():
            call_command("migrate", verbosity=0)
            self._run(options["persons"], options["out"])
            return
        argv = ["--persons", str(options["persons"])]
        if options["out"]:
            argv += ["--out", str(Path(options["out"]).resolve())]
        scratch.measure_on_scratch(self, "bench-books", argv, database_url=options["database_url"])

    def _run(self, persons: int, out: str | None) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            ids = self._build(persons)
        built = time.perf_counter() - started
        events = EventPerson.objects.filter(citizen_id__in=ids).count()
        self.stdout.write(f"生成 {persons} 人、{events} 条人员记录：{built:.1f} 秒")

        qn = connection.ops.quote_name
        sql = (
            f"SELECT e.*, p.{qn('citizen_id')} FROM {qn(EventPerson._meta.db_table)} p "  # noqa: S608 -- model table names
            f"JOIN {qn(Event._meta.db_table)} e ON e.{qn('id')} = p.{qn('event_id')} "
            f"JOIN {qn(Member._meta.db_table)} m ON m.{qn('citizen_id')} = p.{qn('citizen_id')} "
            f"WHERE m.{qn('name')} LIKE %s ORDER BY p.{qn('citizen_id')}, e.{qn('at')}"
        )
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, ["基准%"])
            rows = len(cursor.fetchall())
        raw = time.perf_counter() - t0

        processes = settings.EXPORT_PROCESSES
        rates: dict[int, float] = {}
        with tempfile.TemporaryDirectory() as tmp:
            for n in sorted({1, processes}):
                target = Path(out) if out and n == processes else Path(tmp) / f"books-{n}.zip"
                t0 = time.perf_counter()
                result = exports.export_books(
                    user=None, citizen_ids=ids, target=target, scope="bench", processes=n
                )
                took = time.perf_counter() - t0
                size = target.stat().st_size
                rates[n] = result.books / took if took else 0.0
                how = "单进程" if n == 1 else f"{n} 个进程"
                self.stdout.write(
                    f"批量导出 {result.books} 册（{how}，{result.events} 条记录，"
                    f"zip {size / 1e6:.1f} MB）：{took:.1f} 秒，{rates[n]:.1f} 册/秒"
                )
        if processes > 1 and rates[1]:
            self.stdout.write(
                f"{processes} 个进程 {rates[processes]:.1f} 册/秒，单进程 {rates[1]:.1f} 册/秒"
                f"（{rates[processes] / rates[1]:.2f} 倍）"
            )
        self.stdout.write(f"同一批记录一条 SQL 读取（{rows} 行）：{raw * 1000:.0f} 毫秒")
        self.stdout.write(f"数据库：{connection.vendor}")

    def _build(self, persons: int) -> list[str]:
        root = Organisation.objects.create(
            code="BENCH-ROOT", name="基准测试县委", org_type=OrgType.COUNTY, path="bench"
        )
        root.path = path_segment(root.pk)
        root.save(update_fields=["path"])
        unit = Organisation.objects.create(
            code="BENCH-UNIT",
            name="基准测试镇党委",
            org_type=OrgType.COMMITTEE,
            parent=root,
            path="bench-unit",
            depth=1,
        )
        unit.path = root.path + path_segment(unit.pk)
        unit.save(update_fields=["path"])
        members = []
        for i in range(persons):
            birth = dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
            gender = "M" if i % 3 else "F"
            members.append(
                Member(
                    name=f"基准{i:05d}",
                    gender=gender,
                    ethnicity="汉族",
                    citizen_id=citizen_id.make(f"43{i // 500 % 10000:04d}", birth, i, gender),
                    birth_date=birth,
                    education=Education.BACHELOR,
                    occupation=Occupation.WORKER,
                    joined_date=dt.date(2000, 7, 1),
                    member_type=MemberType.FULL,
                    organisation=unit,
                )
            )
        Member.objects.bulk_create(members, batch_size=500)
        ids = [m.citizen_id for m in members]
        for cid, member in zip(ids, members, strict=True):
            for step, (event_type, summary) in enumerate(STEPS, start=1):
                record(
                    event_type=event_type,
                    actor=None,
                    summary=f"{member.name}：{summary}",
                    subject_type="member",
                    subject_id=cid,
                    organisation=unit,
                    accountable_organisation=unit,
                    accountable_person="基准负责人",
                    person_citizen_ids=[cid],
                    inputs={"step": step, "votes": {member.name: 30 + step}},
                    campaign_id=None,
                )
        return ids
