"""``tuixuan bench-count``: counting a 1,000-voter congress and double entry at speed.

(a) A congress of ``--voters`` voters and ``--candidates`` candidates for ``--seats`` seats
with random marks, some write-ins, over-votes and ballots ruled void: the pure counting
module, then the same ballots stored as settled ballots (as double entry leaves them) and
counted through the service from the database, beside a raw SQL ``GROUP BY`` over the same
rows. (b) Double entry of ``--entry-ballots`` ballots at ``--entry-candidates`` candidates:
two tellers save every ballot through the entry endpoint that ``entry.js`` posts to, then
submit; the differences are computed, decided by the chief scrutineer, and the pile settles.

Everything runs in a child process on a scratch database (``tuixuan.bench.scratch``), so
the configured database is never touched.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuixuan.bench import scratch

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "明华伟静敏强磊军洋勇艳杰娟涛超秀霞平刚桂英芳燕玲丹萍红鹏飞"
OUTSIDERS = ("欧阳新", "司马文", "诸葛亮", "上官云", "东方明")


def candidate_names(n: int) -> list[str]:
    names: list[str] = []
    for i in range(n):
        given = GIVEN[i % len(GIVEN)] + GIVEN[(i // len(GIVEN)) % len(GIVEN)]
        names.append(SURNAMES[(i // (len(GIVEN) ** 2)) % len(SURNAMES)] + given)
    if len(set(names)) != n:
        raise CommandError("候选人数过多，无法生成互不相同的姓名")
    return names


def random_readings(
    rng: random.Random, *, ballots: int, candidates: int, seats: int
) -> list[tuple[str, dict[str, str], bool]]:
    """``(marks, write_ins, void)`` per paper ballot. As in a real hall, votes gather on
    some candidates (as many popular ones as seats): about 2% of ballots over-voted, 1%
    ruled void, 5% with a write-in beside a 不赞成; the rest valid."""
    popular = set(rng.sample(range(candidates), min(seats, candidates)))
    chance = [0.85 if i in popular else 0.25 for i in range(candidates)]
    rows: list[tuple[str, dict[str, str], bool]] = []
    for _n in range(ballots):
        roll = rng.random()
        if roll < 0.02:
            favour = set(rng.sample(range(candidates), min(candidates, seats + 1)))
        else:
            favour = {i for i in range(candidates) if rng.random() < chance[i]}
            while len(favour) > seats:
                favour.discard(rng.choice(sorted(favour)))
        marks = "".join(
            "1" if i in favour else ("2" if rng.random() < 0.3 else "0") for i in range(candidates)
        )
        write_ins: dict[str, str] = {}
        if roll > 0.95 and len(favour) < seats:
            against = [i for i, m in enumerate(marks) if m == "2"]
            if against:
                write_ins[str(rng.choice(against))] = rng.choice(OUTSIDERS)
        rows.append((marks, write_ins, 0.02 <= roll < 0.03))
    return rows


def percentile(values: Sequence[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, (len(ordered) * p) // 100)]


def timed(fn: Callable[[], Any], repeat: int = 5) -> tuple[float, Any]:
    """Median wall time over ``repeat`` runs, and the last result."""
    times: list[float] = []
    result: Any = None
    for _n in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


class Command(BaseCommand):
    help = "性能基准：计票（1000 名选举人、400 名候选人）和两遍录入（500 张选票、60 名候选人）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--voters", type=int, default=1000)
        parser.add_argument("--candidates", type=int, default=400)
        parser.add_argument("--seats", type=int, default=300)
        parser.add_argument("--entry-ballots", type=int, default=500)
        parser.add_argument("--entry-candidates", type=int, default=60)
        parser.add_argument("--entry-seats", type=int, default=40)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--database-url", help="临时库所在的数据库服务器（默认同配置的数据库）")

    def handle(self, *args: Any, **options: Any) -> None:
        if scratch.inside():
            self._measure(options)
            return
        argv: list[str] = []
        for key in (
            "voters",
            "candidates",
            "seats",
            "entry_ballots",
            "entry_candidates",
            "entry_seats",
            "seed",
        ):
            argv += [f"--{key.replace('_', '-')}", str(options[key])]
        scratch.measure_on_scratch(self, "bench-count", argv, database_url=options["database_url"])

    # -- in the child, on the scratch database ------------------------------------------

    def _measure(self, options: dict[str, Any]) -> None:
        from django.db import connection

        call_command("migrate", verbosity=0)
        rng = random.Random(options["seed"])  # noqa: S311 (made-up ballots, not secrets)
        say = self.stdout.write
        say(f"数据库：{connection.vendor}（临时库）；Python {sys.version.split()[0]}")
        setup = _Setup(rng, members=max(options["voters"], options["entry_ballots"]))
        self._count(setup, rng, options, say)
        if connection.vendor != "sqlite":
            self._entry(setup, rng, options, say)
            return
        # The same entry twice on SQLite, with the same ballots: synchronous=NORMAL (a commit
        # survives a killed process) beside FULL (it also survives a power cut; the setting).
        options_ = connection.settings_dict["OPTIONS"]
        configured = options_["init_command"]
        figures: dict[str, list[float]] = {}
        for mode in ("NORMAL", "FULL"):
            options_["init_command"] = re.sub(r"synchronous=\w+", f"synchronous={mode}", configured)
            connection.close()
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous")
                level = cursor.fetchone()[0]
            say(f"\nSQLite PRAGMA synchronous={mode}（连接上读回：{level}）")
            figures[mode] = self._entry(setup, random.Random(options["seed"]), options, say)  # noqa: S311
        options_["init_command"] = configured
        connection.close()
        normal, full = figures["NORMAL"], figures["FULL"]
        say(
            "\n每张选票保存，synchronous=NORMAL 对 FULL："
            f"平均 {_ms(statistics.mean(normal))} 对 {_ms(statistics.mean(full))}，"
            f"p50 {_ms(percentile(normal, 50))} 对 {_ms(percentile(full, 50))}，"
            f"p99 {_ms(percentile(normal, 99))} 对 {_ms(percentile(full, 99))}"
        )

    def _count(self, setup: _Setup, rng: random.Random, options: dict[str, Any], say: Any) -> None:
        from django.db import connection

        from tuixuan.election import aggregate, selectors, services
        from tuixuan.election.counting import Ballot, Profile, Round, WriteIn, count_round
        from tuixuan.election.models import Batch, BatchStatus, SettledBallot

        voters, n, seats = options["voters"], options["candidates"], options["seats"]
        names = candidate_names(n)
        readings = random_readings(rng, ballots=voters, candidates=n, seats=seats)
        say(f"\n（一）计票：选举人 {voters} 名，候选人 {n} 名，应选 {seats} 名")

        round_ = setup.round(names, seats=seats, issued=voters, profile="local_congress")
        order = selectors.round_names(round_)
        pure_round = Round(
            profile=Profile.LOCAL_CONGRESS,
            seats=seats,
            due_voters=round_.due_voters or 0,
            present_voters=round_.present_voters or 0,
            ballots_issued=voters,
            candidates=tuple(order),
            ballots=tuple(
                Ballot(
                    in_favour=frozenset(order[i] for i, m in enumerate(marks) if m == "1"),
                    against=frozenset(order[i] for i, m in enumerate(marks) if m == "2"),
                    write_ins=tuple(WriteIn(order[int(p)], w) for p, w in write_ins.items()),
                    void=void,
                )
                for marks, write_ins, void in readings
            ),
        )
        pure, result = timed(lambda: count_round(pure_round))
        say(
            f"纯计票模块 count_round（{voters} 张选票逐张输入）：{_ms(pure)}；"
            f"有效 {result.ballots_valid}、废票 {result.ballots_void}、当选 {len(result.elected)}"
            f"、结果 {result.outcome.value}"
        )

        pile = 100
        for start in range(0, voters, pile):
            chunk = readings[start : start + pile]
            batch = Batch.objects.create(
                round=round_,
                number=start // pile + 1,
                ballot_count=len(chunk),
                status=BatchStatus.SETTLED,
            )
            SettledBallot.objects.bulk_create(
                SettledBallot(batch=batch, seq=i, marks=m, write_ins=w, void=v)
                for i, (m, w, v) in enumerate(chunk, start=1)
            )

        def from_database() -> Any:
            return count_round(
                Round(
                    profile=Profile.LOCAL_CONGRESS,
                    seats=seats,
                    due_voters=round_.due_voters or 0,
                    present_voters=round_.present_voters or 0,
                    ballots_issued=voters,
                    candidates=tuple(order),
                    ballots=aggregate.round_ballots(round_, order),
                    tallies=aggregate.round_tallies(round_, order),
                )
            )

        read, db_result = timed(from_database)
        if db_result != result:
            raise CommandError("数据库计票结果与纯计票结果不一致")
        say(f"从数据库读取已核定选票、归并同类并计票：{_ms(read)}")

        t = time.perf_counter()
        services.round_count(actor=setup.chief, round_=round_)
        service = time.perf_counter() - t
        say(f"计票服务 round_count（读取、计票、写结果行和全程纪实）：{_ms(service)}")

        sql = (
            "WITH RECURSIVE pos(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM pos WHERE i < %s) "
            "SELECT pos.i, substr(s.marks, pos.i + 1, 1) AS mark, COUNT(*) "
            "FROM election_settledballot s JOIN election_batch b ON b.id = s.batch_id "
            "CROSS JOIN pos WHERE b.round_id = %s GROUP BY pos.i, mark"
        )

        def raw() -> list[Any]:
            with connection.cursor() as cursor:
                cursor.execute(sql, [n - 1, round_.pk])
                return list(cursor.fetchall())

        raw_time, rows = timed(raw)
        say(
            f"对照：裸 SQL 按（候选人, 划记）GROUP BY 计数（{len(rows)} 组，不判废票、"
            f"不计另选）：{_ms(raw_time)}"
        )
        say(f"  本系统从库计票 / 裸 SQL = {read / raw_time:.2f}")

    def _entry(
        self, setup: _Setup, rng: random.Random, options: dict[str, Any], say: Any
    ) -> list[float]:
        """Double entry of one batch; returns the latency of every ballot save."""
        import json

        from django.conf import settings
        from django.test import Client, override_settings
        from django.urls import reverse

        from tuixuan.election import services
        from tuixuan.election.models import BatchStatus, SettledBallot

        ballots, n = options["entry_ballots"], options["entry_candidates"]
        seats = options["entry_seats"]
        say(f"\n（二）两遍录入：选票 {ballots} 张（一批），候选人 {n} 名，应选 {seats} 名")
        round_ = setup.round(candidate_names(n), seats=seats, issued=ballots)
        batch = services.batch_create(actor=setup.tellers[0], round_=round_, ballot_count=ballots)
        readings = random_readings(rng, ballots=ballots, candidates=n, seats=seats)
        differing = set(rng.sample(range(1, ballots + 1), max(1, ballots // 50)))
        save = reverse("election:batch_enter_save", args=[batch.pk])
        latencies: list[float] = []
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            clients = []
            for teller in setup.tellers:
                client = Client()
                client.force_login(teller)
                clients.append(client)
            for pass_number, client in enumerate(clients, start=1):
                for seq, (marks, write_ins, _void) in enumerate(readings, start=1):
                    if pass_number == 2 and seq in differing:
                        flip = rng.randrange(n)
                        marks = (
                            marks[:flip] + ("0" if marks[flip] != "0" else "2") + marks[flip + 1 :]
                        )
                        write_ins = {}
                    t = time.perf_counter()
                    response = client.post(
                        save,
                        {"seq": seq, "marks": marks, "write_ins": json.dumps(write_ins)},
                    )
                    latencies.append(time.perf_counter() - t)
                    if response.status_code != 200:
                        raise CommandError(f"第 {seq} 张保存失败：{response.content.decode()}")
            submit = reverse("election:batch_submit", args=[batch.pk])
            t = time.perf_counter()
            clients[0].post(submit, {"confirm": "1"})
            first_submit = time.perf_counter() - t
            t = time.perf_counter()
            clients[1].post(submit, {"confirm": "1"})
            compare = time.perf_counter() - t
            chief = Client()
            chief.force_login(setup.chief)
            differences = reverse("election:batch_differences", args=[batch.pk])
            t = time.perf_counter()
            page = chief.get(differences)
            page_time = time.perf_counter() - t
            decide_times: list[float] = []
            for seq in sorted(differing):
                marks = readings[seq - 1][0]
                post = {"seq": str(seq), "reason": "核对纸质选票"}
                post.update({f"m{i}": mark for i, mark in enumerate(marks)})
                post.update({f"w{p}": w for p, w in readings[seq - 1][1].items()})
                t = time.perf_counter()
                chief.post(differences, post)
                decide_times.append(time.perf_counter() - t)
        batch.refresh_from_db()
        settled = SettledBallot.objects.filter(batch=batch).count()
        if batch.status != BatchStatus.SETTLED or settled != ballots or page.status_code != 200:
            raise CommandError(f"批次未核定：{batch.status}，已核定 {settled} 张")
        say(
            f"每张选票保存（entry.js 所用接口，两名计票人共 {len(latencies)} 次 POST）："
            f"平均 {_ms(statistics.mean(latencies))}，p50 {_ms(percentile(latencies, 50))}，"
            f"p90 {_ms(percentile(latencies, 90))}，p99 {_ms(percentile(latencies, 99))}，"
            f"最大 {_ms(max(latencies))}"
        )
        say(f"第一遍提交：{_ms(first_submit)}")
        say(
            f"第二遍提交（比对两遍 {ballots} 张、核定一致的 {ballots - len(differing)} 张）："
            f"{_ms(compare)}"
        )
        say(f"差异核对页面（{len(differing)} 张待裁定）：{_ms(page_time)}")
        say(
            f"总监票人逐张裁定：平均 {_ms(statistics.mean(decide_times))}，"
            f"全批核定共 {_ms(sum(decide_times))}"
        )
        return latencies


class _Setup:
    """A unit with enough voting members, an operator, a chief scrutineer and two tellers;
    each ``round`` call holds a fresh meeting through the services up to ballots issued.
    Sign-in is set in one UPDATE: it is preparation here, not what is measured."""

    def __init__(self, rng: random.Random, *, members: int) -> None:
        from tuixuan.core import citizen_id
        from tuixuan.core.models import Organisation, OrgType, Role, User, path_segment
        from tuixuan.registry.models import Education, Member, MemberType, Occupation

        self.rng = rng
        self.unit = Organisation.objects.create(
            code="BENCH", name="基准测试党委", org_type=OrgType.COMMITTEE, path="tmp", depth=0
        )
        self.unit.path = path_segment(self.unit.pk)
        self.unit.save(update_fields=["path"])
        Member.objects.bulk_create(
            Member(
                name=f"选举人{i:04d}",
                gender="M",
                ethnicity="汉族",
                citizen_id=citizen_id.make(
                    "430102", dt.date(1970, 1, 1) + dt.timedelta(days=i // 500), i % 500, "M"
                ),
                birth_date=dt.date(1970, 1, 1) + dt.timedelta(days=i // 500),
                education=Education.BACHELOR,
                occupation=Occupation.PROFESSIONAL,
                joined_date=dt.date(2000, 7, 1),
                full_member_date=dt.date(2001, 7, 1),
                member_type=MemberType.FULL,
                organisation=self.unit,
            )
            for i in range(members)
        )

        def account(username: str, role: str) -> User:
            return User.objects.create_user(
                username=username, password=None, role=role, organisation=self.unit
            )

        self.operator = account("bench_operator", Role.UNIT_OPERATOR)
        self.chief = account("bench_chief", Role.TELLER)
        self.tellers = [
            account("bench_teller1", Role.TELLER),
            account("bench_teller2", Role.TELLER),
        ]
        self.count = 0

    def round(
        self, names: list[str], *, seats: int, issued: int, profile: str = "grassroots"
    ) -> Any:
        from tuixuan.election import services
        from tuixuan.election.models import DueVoter, StaffRole

        self.count += 1
        op = self.operator
        election = services.election_create(
            actor=op,
            organisation=self.unit,
            title=f"基准测试大会{self.count}",
            body_type="congress",
            profile=profile,
            seats=seats,
        )
        services.candidates_enter(
            actor=op, election=election, entries=[services.CandidateInput(n) for n in names]
        )
        services.electorate_draw(actor=op, election=election)
        services.staff_assign(
            actor=op, election=election, role=StaffRole.CHIEF_SCRUTINEER, name="", user=self.chief
        )
        services.staff_assign(actor=op, election=election, role=StaffRole.SCRUTINEER, name="监票人")
        for teller in self.tellers:
            services.staff_assign(
                actor=op, election=election, role=StaffRole.TELLER, name="", user=teller
            )
        election = services.election_open(actor=op, election=election)
        DueVoter.objects.filter(election=election).update(present=True)
        election = services.method_adopt(actor=op, election=election, text="选举办法")
        round_ = services.round_open(actor=op, election=election)
        return services.ballots_issue(actor=op, round_=round_, issued=issued)
