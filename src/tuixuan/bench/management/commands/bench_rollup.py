"""``tuixuan bench-rollup --scale city|province``: the 一上 roll-up at realistic scale.

Builds a synthetic campaign in a scratch database, in a child process
(``tuixuan.bench.scratch``; the configured database is never touched): organisations,
members, one submitted report per branch with every member's form of ``names_per_form``
names, written through the driver (``executemany`` in one transaction on SQLite, ``COPY``
on PostgreSQL). The bulk rows are what the services would have written: the meeting held
today (within the stage), everyone due present and every form from one of them. One branch
is left to the services: its meeting, forms and 现场 participation are entered through
``report_update``, ``form_add`` and ``participation_set``, so it is a valid draft. Then it
measures, with time and peak memory:

1. the full roll-up: per-branch counts from the forms and the maintained tally of every
   level, built in SQL, beside a bare GROUP BY of the forms per unit;
2. one more branch submitting through ``report_submit`` (the real service: counts, tally of
   every level, record event), then the unit's top 50 read from the maintained tally, beside
   a bare GROUP BY over the unit's forms — the query one would run without the tally;
3. that the two agree.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import resource
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from tuixuan.bench import scratch
from tuixuan.core.models import PATH_WIDTH, path_segment

T = TypeVar("T")
BATCH = 50_000
CACHE_KIB = 4 * 1024 * 1024
"""SQLite page cache for the run (4 GiB of the 24 GiB machine): the indexes of 50 million
forms do not fit the installation's 64 MiB cache."""
SEG = PATH_WIDTH + 1


@dataclass(frozen=True)
class Scale:
    members: int
    branches: int
    units: int
    committees_per_unit: int
    candidates_per_unit: int


SCALES = {
    "city": Scale(
        members=300_000, branches=12_000, units=10, committees_per_unit=40, candidates_per_unit=600
    ),
    "province": Scale(
        members=5_000_000,
        branches=200_000,
        units=20,
        committees_per_unit=100,
        candidates_per_unit=1500,
    ),
}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "一上推荐汇总的规模测试：生成市级/省级数据，比较维护汇总表与直接 GROUP BY 的耗时和内存"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="city")
        parser.add_argument("--names-per-form", type=int, default=10)
        parser.add_argument(
            "--entries-limit",
            type=int,
            default=None,
            help="推荐表条目总数上限（按比例减少党员和党支部），用于在有限时间内运行省级规模",
        )
        parser.add_argument("--database-url", help="临时库所在的数据库服务器（默认同配置的数据库）")
        parser.add_argument("--seed", type=int, default=2026)

    # --- output ----------------------------------------------------------------------

    def _line(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def _measure(
        self, label: str, fn: Callable[[], T], *, repeat: bool = True
    ) -> tuple[T, float, float]:
        """Time one call; for a read (``repeat``) also the best of three and the Python peak
        memory from a further traced call (tracing slows Python down, so it is not timed)."""
        started = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - started
        peak_mb = 0.0
        if repeat:
            for _ in range(2):
                started = time.perf_counter()
                fn()
                seconds = min(seconds, time.perf_counter() - started)
            tracemalloc.start()
            fn()
            peak_mb = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()
            memory = f"Python 峰值内存 {peak_mb:,.1f} MB，"
        else:
            memory = ""
        self._line(f"  {label}: {seconds * 1000:,.1f} ms，{memory}进程峰值 RSS {_rss_mb():,.0f} MB")
        return result, seconds, peak_mb

    # --- database --------------------------------------------------------------------

    def _bulk(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        n = 0
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
            return n
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608 -- fixed names
        raw_conn = connection.connection
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                raw_conn.executemany(sql, batch)
                n += len(batch)
                batch.clear()
        if batch:
            raw_conn.executemany(sql, batch)
            n += len(batch)
        return n

    def _drop_indexes(self, table: str) -> list[str]:
        """Drop the table's secondary indexes for the load; returns the statements that
        rebuild them. Indexes backing a primary key or unique constraint stay."""
        with connection.cursor() as c:
            if connection.vendor == "sqlite":
                c.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                    "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'",
                    [table],
                )
            else:
                c.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                    "AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
                    [table],
                )
            found = [(str(n), str(sql)) for n, sql in c.fetchall()]
            for name, _ in found:
                c.execute(f'DROP INDEX "{name}"')
        return [sql for _, sql in found]

    def _rebuild(self, statements: Sequence[str]) -> None:
        with connection.cursor() as c:
            for sql in statements:
                c.execute(sql)

    # --- building --------------------------------------------------------------------

    def handle(self, *args: Any, **options: Any) -> None:
        scale = SCALES[options["scale"]]
        per_form = options["names_per_form"]
        members, branches = scale.members, scale.branches
        full_entries = members * per_form
        if options["entries_limit"] and options["entries_limit"] < full_entries:
            factor = options["entries_limit"] / full_entries
            members = max(1000, int(members * factor))
            branches = max(scale.units * scale.committees_per_unit, int(branches * factor))
        if not scratch.inside():
            argv = ["--scale", options["scale"], "--names-per-form", str(per_form)]
            argv += ["--seed", str(options["seed"])]
            if options["entries_limit"]:
                argv += ["--entries-limit", str(options["entries_limit"])]
            scratch.measure_on_scratch(
                self, "bench-rollup", argv, database_url=options["database_url"]
            )
            return
        where = f"{connection.vendor} 临时库 {connection.settings_dict['NAME']}"
        self._line(
            f"规模 {options['scale']}：{members:,} 名党员，{branches:,} 个党支部，"
            f"{scale.units} 个选举单位，"
            f"每张推荐表 {per_form} 人，约 {members * per_form:,} 条推荐；{where}"
            + ("（按 --entries-limit 缩减）" if members != scale.members else "")
        )
        t0 = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        self._line(f"建表 {time.perf_counter() - t0:.1f} 秒")
        rng = random.Random(options["seed"])  # noqa: S311 -- synthetic data, not security
        setup = self._build(scale, members, branches, per_form, rng)
        self._run(setup)

    def _build(
        self, scale: Scale, members: int, branches: int, per_form: int, rng: random.Random
    ) -> dict[str, Any]:
        from tuixuan.campaign import services as campaign_services
        from tuixuan.campaign.models import Level
        from tuixuan.core import clock
        from tuixuan.core.models import Role, User
        from tuixuan.nomination import services

        sqlite = connection.vendor == "sqlite"
        if sqlite:
            with connection.cursor() as c:
                c.execute("PRAGMA foreign_keys=OFF")
                c.execute("PRAGMA synchronous=OFF")
                c.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        t0 = time.perf_counter()
        # organisations: root, units, committees, branches, ids assigned here so paths follow
        orgs: list[tuple[Any, ...]] = []
        next_id = 1
        root_id = next_id
        root_path = path_segment(root_id)
        orgs.append(
            (root_id, "BENCH", "测试省委", "province", None, root_path, 0, members, scale.units)
        )
        next_id += 1
        unit_ids: list[int] = []
        branch_rows: list[tuple[int, int, str]] = []  # (branch id, unit index, path)
        per_unit = branches // scale.units
        per_committee = max(1, per_unit // scale.committees_per_unit)
        for u in range(scale.units):
            uid = next_id
            next_id += 1
            upath = root_path + path_segment(uid)
            unit_ids.append(uid)
            orgs.append(
                (
                    uid,
                    f"U{u}",
                    f"第{u + 1}市委",
                    "city",
                    root_id,
                    upath,
                    1,
                    0,
                    scale.committees_per_unit,
                )
            )
            for ci in range(scale.committees_per_unit):
                cid = next_id
                next_id += 1
                cpath = upath + path_segment(cid)
                orgs.append(
                    (
                        cid,
                        f"U{u}C{ci}",
                        f"第{u + 1}市第{ci + 1}党委",
                        "committee",
                        uid,
                        cpath,
                        2,
                        0,
                        per_committee,
                    )
                )
                for b in range(per_committee):
                    bid = next_id
                    next_id += 1
                    bpath = cpath + path_segment(bid)
                    orgs.append(
                        (
                            bid,
                            f"U{u}C{ci}B{b}",
                            f"第{u + 1}市第{ci + 1}党委第{b + 1}支部",
                            "branch",
                            cid,
                            bpath,
                            3,
                            0,
                            0,
                        )
                    )
                    branch_rows.append((bid, u, bpath))
        with transaction.atomic():
            self._bulk(
                "registry_organisation",
                [
                    "id",
                    "code",
                    "name",
                    "org_type",
                    "parent_id",
                    "path",
                    "depth",
                    "member_count",
                    "child_count",
                    "direct_member_count",
                ],
                ((*o, 0) for o in orgs),
            )
        nb = len(branch_rows)
        self._line(
            f"党组织 {len(orgs):,} 个（党支部 {nb:,} 个）：{time.perf_counter() - t0:.1f} 秒"
        )

        # members: spread over the branches; member ids are 1..members
        t0 = time.perf_counter()
        base = members // nb
        extra = members - base * nb
        counts = [base + (1 if i < extra else 0) for i in range(nb)]
        firsts: list[int] = []
        mid = 1
        for n in counts:
            firsts.append(mid)
            mid += n
        birth = dt.date(1975, 1, 1)

        def member_rows() -> Iterator[tuple[Any, ...]]:
            k = 1
            for (bid, _u, _p), n in zip(branch_rows, counts, strict=True):
                for _ in range(n):
                    prob = k % 40 == 0
                    yield (
                        k,
                        f"党员{k}",
                        "F" if k % 3 == 0 else "M",
                        "汉族",
                        f"B{k:017d}",
                        birth + dt.timedelta(days=k % 9000),
                        "bachelor",
                        ("worker", "farmer", "professional", "official", "manager")[k % 5],
                        dt.date(2000, 7, 1),
                        None if prob else dt.date(2001, 7, 1),
                        "probationary" if prob else "full",
                        "normal",
                        None,
                        False,
                        False,
                        False,
                        False,
                        bid,
                        f"dy{k % 1000}",
                    )
                    k += 1

        rebuild = self._drop_indexes("registry_member")
        with transaction.atomic():
            self._bulk(
                "registry_member",
                [
                    "id",
                    "name",
                    "gender",
                    "ethnicity",
                    "citizen_id",
                    "birth_date",
                    "education",
                    "occupation",
                    "joined_date",
                    "full_member_date",
                    "member_type",
                    "rights_status",
                    "rights_until",
                    "is_floating",
                    "is_retired",
                    "is_lost_contact",
                    "is_abroad",
                    "organisation_id",
                    "name_initials",
                ],
                member_rows(),
            )
        self._rebuild(rebuild)
        self._line(f"党员 {members:,} 名（含建索引）：{time.perf_counter() - t0:.1f} 秒")

        # the campaign through its services (small), then the round
        user = User.objects.create(
            username="bench-convener", role=Role.CONVENER, organisation_id=root_id
        )
        from tuixuan.core.models import Organisation

        root = Organisation.objects.get(pk=root_id)
        campaign = campaign_services.campaign_create(
            actor=user,
            name="规模测试党代会",
            level=Level.PROVINCE,
            total_seats=scale.units * 40,
            convening_organisation=root,
        )
        units = campaign_services.units_add(
            actor=user,
            campaign=campaign,
            organisations=list(Organisation.objects.filter(pk__in=unit_ids)),
        )
        campaign_services.allocation_adjust(
            actor=user, campaign=campaign, seats={u.pk: 40 for u in units}, reason="规模测试"
        )
        round = services.round_open(actor=user, campaign=campaign)
        unit_pk = {u.organisation_id: u.pk for u in units}

        # reports: every branch submitted except the last branch of unit 0, which the
        # services build below as a draft
        t0 = time.perf_counter()
        last_of_unit0 = max(i for i, (_b, u, _p) in enumerate(branch_rows) if u == 0)
        today = clock.today()  # the campaign was set up today: the stage's first day
        now = (
            "2026-11-20 08:00:00"
            if connection.vendor == "sqlite"
            else dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
        )
        with transaction.atomic():
            self._bulk(
                "nomination_branchreport",
                [
                    "id",
                    "round_id",
                    "unit_id",
                    "organisation_id",
                    "status",
                    "mode",
                    "meeting_date",
                    "meeting_place",
                    "presider",
                    "members_due",
                    "members_present",
                    "accountable_person",
                    "survey_total",
                    "survey_satisfied",
                    "survey_basic",
                    "survey_dissatisfied",
                    "submitted_at",
                    "late_reason",
                    "version",
                ],
                (
                    (
                        i + 1,
                        round.pk,
                        unit_pk[unit_ids[u]],
                        bid,
                        "submitted",
                        "forms",
                        today,
                        "会议室",
                        "书记",
                        counts[i],
                        counts[i],
                        f"书记{i}",
                        0,
                        0,
                        0,
                        0,
                        now,
                        "",
                        0,
                    )
                    for i, (bid, u, _p) in enumerate(branch_rows)
                    if i != last_of_unit0
                ),
            )
        self._reset_sequences()
        # popular people of each unit: a skewed choice among a few hundred of its members
        unit_members: dict[int, list[int]] = {u: [] for u in range(scale.units)}
        for i, (_b, u, _p) in enumerate(branch_rows):
            if len(unit_members[u]) < scale.candidates_per_unit * 3:
                unit_members[u].extend(range(firsts[i], firsts[i] + counts[i]))
        pools: dict[int, tuple[list[int], list[float]]] = {}
        for u, ids in unit_members.items():
            chosen = [
                x for x in rng.sample(ids, min(scale.candidates_per_unit, len(ids))) if x % 40 != 0
            ]
            cum: list[float] = []
            total = 0.0
            for r in range(len(chosen)):
                total += 1.0 / (r + 1)
                cum.append(total)
            pools[u] = (chosen, cum)

        def forms_of(i: int) -> Iterator[tuple[int, bool, list[int]]]:
            """(form number, by a probationary member, the names) of branch ``i``."""
            chosen, cum = pools[branch_rows[i][1]]
            for f in range(counts[i]):
                prob = (firsts[i] + f) % 40 == 0
                picks = dict.fromkeys(rng.choices(chosen, cum_weights=cum, k=per_form + 6))
                yield f + 1, prob, list(picks)[:per_form]

        def entry_rows() -> Iterator[tuple[int, int, int, bool]]:
            for i in range(len(branch_rows)):
                if i == last_of_unit0:
                    continue
                for form_no, prob, names in forms_of(i):
                    for pk in names:
                        yield (i + 1, form_no, pk, prob)

        rebuild = self._drop_indexes("nomination_formentry")
        with transaction.atomic():
            n_entries = self._bulk(
                "nomination_formentry",
                ["report_id", "form_no", "candidate_id", "probationary"],
                entry_rows(),
            )
        self._rebuild(rebuild)
        draft = self._draft(
            user=user,
            round=round,
            organisation=Organisation.objects.get(pk=branch_rows[last_of_unit0][0]),
            present=counts[last_of_unit0],
            first_member=firsts[last_of_unit0],
            forms=list(forms_of(last_of_unit0)),
            today=today,
        )
        n_entries += draft.entries.count()
        self._line(
            f"党支部报告和推荐表条目 {n_entries:,} 条（含建索引）："
            f"{time.perf_counter() - t0:.1f} 秒"
        )
        if sqlite:
            with connection.cursor() as c:
                c.execute("PRAGMA foreign_keys=ON")
                c.execute("PRAGMA synchronous=FULL")
                c.execute("ANALYZE")
        else:
            with connection.cursor() as c:
                c.execute("ANALYZE")
        return {
            "round": round,
            "user": user,
            "draft": draft.pk,
            "unit_org": unit_ids[0],
            "entries": n_entries,
            "scale": scale,
        }

    def _reset_sequences(self) -> None:
        """The reports were loaded with their ids; a report the services create next must
        not take one of them (PostgreSQL's sequence does not see explicit ids)."""
        from django.core.management.color import no_style

        from tuixuan.nomination.models import BranchReport

        with connection.cursor() as c:
            for sql in connection.ops.sequence_reset_sql(no_style(), [BranchReport]):
                c.execute(sql)

    def _draft(
        self,
        *,
        user: Any,
        round: Any,
        organisation: Any,
        present: int,
        first_member: int,
        forms: Sequence[tuple[int, bool, list[int]]],
        today: dt.date,
    ) -> Any:
        """One branch's draft through the services, as its operator would enter it: the
        meeting (everyone due present), each member's form, everyone's 现场 participation."""
        from tuixuan.nomination import services
        from tuixuan.nomination.models import BranchReport, ParticipationMode

        services.report_update(
            actor=user,
            round=round,
            organisation=organisation,
            meeting_date=today,
            meeting_place="会议室",
            presider="书记",
            members_due=present,
            members_present=present,
            accountable_person="书记",
        )
        for _form_no, prob, names in forms:
            services.form_add(
                actor=user,
                round=round,
                organisation=organisation,
                candidate_ids=names,
                probationary=prob,
            )
        services.participation_set(
            actor=user,
            round=round,
            organisation=organisation,
            modes=dict.fromkeys(
                range(first_member, first_member + present), ParticipationMode.ONSITE
            ),
        )
        return BranchReport.objects.get(round=round, organisation=organisation)

    # --- measuring -------------------------------------------------------------------

    def _full_rollup(self, round_id: int) -> int:
        """Counts per branch from its forms, then the tally of every level (depth 1 to 3)."""
        with transaction.atomic(), connection.cursor() as c:
            c.execute(
                "INSERT INTO nomination_reportcount "
                "(report_id, candidate_id, votes, probationary_votes) "
                "SELECT e.report_id, e.candidate_id, "
                "SUM(CASE WHEN e.probationary THEN 0 ELSE 1 END), "
                "SUM(CASE WHEN e.probationary THEN 1 ELSE 0 END) "
                "FROM nomination_formentry e JOIN nomination_branchreport r ON r.id = e.report_id "
                "WHERE r.status = 'submitted' GROUP BY e.report_id, e.candidate_id"
            )
            total = 0
            for depth in (1, 2, 3):
                start = depth * SEG + 1
                c.execute(
                    "INSERT INTO nomination_tally (round_id, organisation_id, candidate_id, "  # noqa: S608 -- integers only
                    "votes, probationary_votes, reports) "
                    f"SELECT r.round_id, CAST(SUBSTR(o.path, {start}, {PATH_WIDTH}) AS BIGINT), "
                    "c.candidate_id, "
                    "SUM(c.votes), SUM(c.probationary_votes), COUNT(*) "
                    "FROM nomination_reportcount c "
                    "JOIN nomination_branchreport r ON r.id = c.report_id "
                    "JOIN registry_organisation o ON o.id = r.organisation_id "
                    "WHERE r.round_id = %s GROUP BY r.round_id, "
                    f"CAST(SUBSTR(o.path, {start}, {PATH_WIDTH}) AS BIGINT), c.candidate_id",
                    [round_id],
                )
                total += c.rowcount
            return total

    def _bare_all(self) -> int:
        with connection.cursor() as c:
            c.execute(
                "SELECT r.unit_id, e.candidate_id, COUNT(*) FROM nomination_formentry e "
                "JOIN nomination_branchreport r ON r.id = e.report_id "
                "WHERE r.status = 'submitted' AND NOT e.probationary "
                "GROUP BY r.unit_id, e.candidate_id"
            )
            return len(c.fetchall())

    def _bare_unit_top(self, unit_org: int) -> list[tuple[int, int]]:
        with connection.cursor() as c:
            c.execute(
                # Ordered as the tally is (ties by probationary votes, then person), so that
                # ties at a small scale compare equal too.
                "SELECT e.candidate_id, SUM(CASE WHEN e.probationary THEN 0 ELSE 1 END) AS n, "
                "SUM(CASE WHEN e.probationary THEN 1 ELSE 0 END) AS p "
                "FROM nomination_formentry e "
                "JOIN nomination_branchreport r ON r.id = e.report_id "
                "JOIN campaign_electionunit u ON u.id = r.unit_id "
                "WHERE r.status = 'submitted' AND u.organisation_id = %s "
                "GROUP BY e.candidate_id ORDER BY n DESC, p DESC, e.candidate_id LIMIT 50",
                [unit_org],
            )
            return [(int(a), int(b)) for a, b, _p in c.fetchall()]

    def _run(self, s: dict[str, Any]) -> None:
        from tuixuan.core.models import Organisation
        from tuixuan.nomination import selectors, services, tally
        from tuixuan.nomination.models import BranchReport

        round = s["round"]
        self._line("一、全量汇总（各党支部计票 + 各级汇总表）与直接 GROUP BY：")
        rows, _, _ = self._measure(
            "我们的全量汇总（写入计票和各级汇总表）",
            lambda: self._full_rollup(round.pk),
            repeat=False,
        )
        self._line(f"    汇总表 {rows:,} 行")
        self._measure("直接 GROUP BY（按选举单位、被推荐人，全部条目）", self._bare_all)

        self._line("二、一个党支部报送后，选举单位的前 50 名：")
        report = BranchReport.objects.get(pk=s["draft"])
        user = s["user"]
        self._measure(
            "report_submit（计票、各级汇总表、纪实事件，同一事务）",
            lambda: services.report_submit(actor=user, report=report),
            repeat=False,
        )
        unit_org = Organisation.objects.get(pk=s["unit_org"])
        kept, _, _ = self._measure(
            "维护的汇总表：前 50 名（SQL）",
            lambda: tally.top(round_id=round.pk, organisation_id=unit_org.pk, limit=50),
        )
        self._measure(
            "维护的汇总表：前 50 名及资格提示、推荐党组织（页面所用）",
            lambda: selectors.ranked(round, unit_org, limit=50),
        )
        bare, _, _ = self._measure(
            "直接 GROUP BY：该选举单位前 50 名", lambda: self._bare_unit_top(unit_org.pk)
        )
        same = [(pk, v) for pk, v, _p, _r in kept] == bare
        self._line(f"三、结果一致：{'是' if same else '否'}")
        if not same:
            raise CommandError("维护的汇总表与直接 GROUP BY 的结果不一致。")
        self._line(
            f"进程峰值 RSS {_rss_mb():,.0f} MB；数据库 {connection.settings_dict['NAME']}；"
            f"pid {os.getpid()}"
        )
