"""``tuixuan bench-tree``: the organisation page of a province beside the raw database
counting the same subtrees on the fly.

Issue 2 asks that member counts per node render in well under a second for a province of
250,000 organisations. The page reads counts kept on each node (maintained by
``recompute_counts`` after every import); the comparison is one SQL query that computes each
child's subtree member count from the member table, which is what the page would cost
without them. The measurement runs in a child process on a scratch database
(``tuixuan.bench.scratch``), so the configured database is never touched.
"""

from __future__ import annotations

import functools
import resource
import secrets
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuixuan.bench import scratch

TARGET_MS = 300
RUNS = 5
MEMBER_CHUNK = 100_000

ORG_COLUMNS = (
    "id",
    "code",
    "name",
    "org_type",
    "parent_id",
    "path",
    "depth",
    "direct_member_count",
    "member_count",
    "child_count",
)
MEMBER_COLUMNS = (
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
)
NAMES = (("张伟", "zw"), ("王芳", "wf"), ("李娜", "ln"), ("刘洋", "ly"), ("陈静", "cj"))

# Each child's subtree as one index range on the materialised path: every descendant's path
# starts with the child's path, which ends with "."; "/" is the next byte, so the range
# [path, path minus its last "." plus "/") is exactly the subtree, on SQLite and on
# PostgreSQL with a byte-order collation.
RAW_SUBTREE_COUNTS = (
    "SELECT c.id, COUNT(m.id) FROM registry_organisation c"
    " JOIN registry_organisation o ON o.path >= c.path"
    " AND o.path < substr(c.path, 1, length(c.path) - 1) || '/'"
    " JOIN registry_member m ON m.organisation_id = o.id"
    " WHERE c.parent_id = %s GROUP BY c.id"
)


class Command(BaseCommand):
    help = "性能基准：省级党组织树（默认 25 万个党组织、500 万名党员），页面与数据库现场统计对比"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orgs", type=int, default=250_000)
        parser.add_argument("--members", type=int, default=5_000_000)
        parser.add_argument("--database-url", help="临时库所在的数据库服务器（默认同配置的数据库）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["orgs"] < 3 or options["members"] < 1:
            raise CommandError("--orgs 至少为 3，--members 至少为 1")
        if scratch.inside():
            self._measure(options["orgs"], options["members"])
            return
        argv = ["--orgs", str(options["orgs"]), "--members", str(options["members"])]
        scratch.measure_on_scratch(self, "bench-tree", argv, database_url=options["database_url"])

    def _measure(self, n_orgs: int, n_members: int) -> None:
        from django.db import connection, transaction

        from tuixuan.registry.importing.counts import recompute_counts
        from tuixuan.registry.importing.db import (
            bulk_insert,
            bulk_session,
            drop_secondary_indexes,
            fix_sequence,
            gc_paused,
            rebuild_indexes,
        )

        say = self.stdout.write
        call_command("migrate", verbosity=0)
        vendor = connection.vendor
        say(f"数据库：{vendor}；目标 {n_orgs:,} 个党组织、{n_members:,} 名党员")

        with gc_paused(), bulk_session():
            t = time.perf_counter()
            orgs = build_tree(n_orgs)
            branches = [o[0] for o in orgs if o[3] == "branch"]
            with transaction.atomic():
                bulk_insert("registry_organisation", ORG_COLUMNS, list(zip(*orgs, strict=True)))
                fix_sequence("registry_organisation")
            say(
                f"写入党组织：{len(orgs):,} 个（{len(branches):,} 个党支部），"
                f"{time.perf_counter() - t:.1f} s"
            )
            del orgs
            t = time.perf_counter()
            with transaction.atomic():
                rebuild = drop_secondary_indexes("registry_member")
                for columns in member_chunks(n_members, branches):
                    bulk_insert("registry_member", MEMBER_COLUMNS, columns)
                loaded = time.perf_counter() - t
                rebuild_indexes(rebuild)
                fix_sequence("registry_member")
            say(
                f"写入党员（{'executemany' if vendor == 'sqlite' else 'COPY'}）：{loaded:.1f} s，"
                f"重建索引与约束：{time.perf_counter() - t - loaded:.1f} s"
            )
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

            t = time.perf_counter()
            with transaction.atomic():
                updated = recompute_counts()
            recount = time.perf_counter() - t
        say(f"(a) recompute_counts() 全树重算：{recount:.2f} s（更新 {updated:,} 个党组织）")

        nodes = pick_nodes()
        client = _convener_client(nodes[0][1])
        say("")
        say(
            f"{'节点':<8}{'下级':>7}{'党员（含下级）':>14}"
            f"{'(b) 本系统页面':>14}{'(c) 现场统计 SQL':>16}{'倍数':>9}  <{TARGET_MS} ms"
        )
        ok = True
        for label, pk, children, members in nodes:
            page = _median_ms(functools.partial(_get_page, client, pk))
            raw = _median_ms(functools.partial(_raw_counts, pk))
            _check_counts(pk)
            passed = page < TARGET_MS
            ok = ok and passed
            say(
                f"{label:<8}{children:>9,}{members:>16,}{page:>13.1f} ms{raw:>15.1f} ms"
                f"{raw / page:>8.1f}×  {'达标' if passed else '未达标'}"
            )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        say("")
        say(f"(d) 峰值内存（ru_maxrss）：{peak / 1024:,.0f} MiB")
        say(f"页面为 {RUNS} 次请求的中位数（先预热 1 次）；倍数 = 现场统计 ÷ 本系统页面")
        if not ok:
            raise SystemExit(3)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def build_tree(total: int) -> list[tuple[Any, ...]]:
    """A province of about ``total`` organisations, ids in depth-first order.

    省委 → up to 20 市委 → up to 8 县委 each → 党委/党工委 → 党总支 → 党支部; each 党委 holds
    about two thirds of its branches directly (so the largest pass one page of 100) and the
    rest under 党总支 of about 20 branches.
    """
    from tuixuan.core.models import path_segment

    rows: list[tuple[Any, ...]] = []

    def add(name: str, org_type: str, parent: tuple[Any, ...] | None) -> tuple[Any, ...]:
        pk = len(rows) + 1
        path = (parent[5] if parent else "") + path_segment(pk)
        depth = parent[6] + 1 if parent else 0
        row = (
            pk,
            f"T{pk:09d}",
            name,
            org_type,
            parent[0] if parent else None,
            path,
            depth,
            0,
            0,
            0,
        )
        rows.append(row)
        return row

    cities = _clamp(total // 12_000, 1, 20)
    counties = _clamp(total // (cities * 1_500), 1, 8)
    per_county = max(2, (total - 1 - cities - cities * counties) // (cities * counties))
    committees = _clamp(round(per_county / 156), 1, 50)
    budget = max(1, per_county // committees - 1)
    direct = max(1, 2 * budget // 3)
    generals = (budget - direct) // 21
    if generals == 0:
        direct = budget
    under = budget - direct - generals

    root = add("省委", "province", None)
    for ci in range(1, cities + 1):
        city = add(f"第{ci}市委", "city", root)
        for xi in range(1, counties + 1):
            county = add(f"第{ci}市第{xi}县委", "county", city)
            for ki in range(1, committees + 1):
                kind = "working_committee" if ki % 4 == 0 else "committee"
                label = "党工委" if kind == "working_committee" else "党委"
                committee = add(f"{county[2]}第{ki}{label}", kind, county)
                for bi in range(1, direct + 1):
                    add(f"{committee[2]}第{bi}党支部", "branch", committee)
                for gi in range(generals):
                    general = add(f"{committee[2]}第{gi + 1}党总支", "general_branch", committee)
                    share = under // generals + (1 if gi < under % generals else 0)
                    for bi in range(1, share + 1):
                        add(f"{general[2]}第{bi}党支部", "branch", general)
    return rows


def member_chunks(total: int, branches: list[int]) -> Iterator[list[list[Any]]]:
    """Minimal valid member rows, column by column, spread unevenly over the branches."""
    nb = len(branches)
    for start in range(0, total, MEMBER_CHUNK):
        ids = range(start + 1, min(total, start + MEMBER_CHUNK) + 1)
        n = len(ids)
        picks = [NAMES[i % len(NAMES)] for i in ids]
        yield [
            list(ids),
            [p[0] for p in picks],
            ["M" if i % 3 else "F" for i in ids],
            ["汉族"] * n,
            [f"B{i:017d}" for i in ids],
            ["1970-01-01"] * n,
            ["bachelor"] * n,
            ["worker"] * n,
            ["1995-07-01"] * n,
            ["1996-07-01"] * n,
            ["full"] * n,
            ["normal"] * n,
            [None] * n,
            [False] * n,
            [False] * n,
            [False] * n,
            [False] * n,
            # A multiplicative hash: scattered like real registers, about total/nb per branch.
            [branches[((i * 2_654_435_761) % 2**32) * nb >> 32] for i in ids],
            [p[1] for p in picks],
        ]


def pick_nodes() -> list[tuple[str, int, int, int]]:
    from tuixuan.core.models import Organisation, OrgType

    def node(label: str, org: Organisation | None) -> tuple[str, int, int, int]:
        if org is None:
            raise CommandError(f"生成的树中没有{label}")
        return (label, org.pk, org.child_count, org.member_count)

    root = Organisation.objects.get(parent=None)
    county = Organisation.objects.filter(org_type=OrgType.COUNTY).order_by("path").first()
    committee = (
        Organisation.objects.filter(org_type=OrgType.COMMITTEE)
        .order_by("-child_count", "path")
        .first()
    )
    return [node("省委", root), node("县委", county), node("党委", committee)]


def _convener_client(root: int) -> Any:
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    from tuixuan.accounts.services import user_create
    from tuixuan.core.models import Organisation, Role

    with transaction.atomic():
        user = user_create(
            actor=None,
            username="bench_convener",
            password=f"Bench{secrets.token_hex(12)}@9",  # every class the password rules ask for
            role=Role.CONVENER,
            organisation=Organisation.objects.get(pk=root),
            must_change_password=False,
        )
    host = next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))), None)
    client = Client(SERVER_NAME=host or "localhost")
    client.force_login(user)
    return client


def _get_page(client: Any, pk: int) -> None:
    from django.urls import reverse

    response = client.get(reverse("registry:org", args=[pk]))
    if response.status_code != 200:
        raise CommandError(f"党组织页面 {pk} 返回 HTTP {response.status_code}")


def _raw_counts(pk: int) -> dict[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(RAW_SUBTREE_COUNTS, [pk])
        return dict(cursor.fetchall())


def _check_counts(pk: int) -> None:
    """The raw query and the maintained counts must agree, or the comparison means nothing."""
    from tuixuan.core.models import Organisation

    raw = _raw_counts(pk)
    for child, kept in Organisation.objects.filter(parent_id=pk).values_list("id", "member_count"):
        if raw.get(child, 0) != kept:
            raise CommandError(
                f"党组织 {child} 的党员数不一致：维护值 {kept}，现场统计 {raw.get(child, 0)}"
            )


def _median_ms(work: Callable[[], object]) -> float:
    work()
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        work()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)
