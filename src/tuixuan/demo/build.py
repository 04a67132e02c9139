"""Building the demo installation: generated files imported through the real pipeline.

The demo goes through the same import services a user would use, so it can never hold
data an import would have refused, and it exercises the pipeline at realistic scale.
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.utils.translation import gettext as _

from tuixuan.accounts.services import user_create
from tuixuan.campaign.models import Campaign
from tuixuan.core import clock, dbmark
from tuixuan.core.errors import ValidationFailedError
from tuixuan.core.models import Organisation, Role, User
from tuixuan.demo.campaign import build_demo_campaign
from tuixuan.demo.election import build_demo_election
from tuixuan.demo.generator import (
    CITY_CODE,
    PROVINCE_CODE,
    Manifest,
    generate,
)
from tuixuan.demo.nomination import build_demo_nomination
from tuixuan.demo.vetting import build_demo_vetting
from tuixuan.election.models import Election
from tuixuan.registry.importing.cli import error_report_path
from tuixuan.registry.importing.common import Progress
from tuixuan.registry.models import Member, MemberType, RightsStatus
from tuixuan.registry.services import ImportResult, import_file, write_error_report

DEMO_PASSWORD = "Tuixuan@2026"  # noqa: S105 - the published demo password, demo data only
MANIFEST_NAME = "manifest.json"

# (username, role, which organisation, department, display name)
ACCOUNTS: tuple[tuple[str, Role, str, str, str], ...] = (
    ("convener", Role.CONVENER, "city", "", "组织部 王建国"),
    ("unit", Role.UNIT_OPERATOR, "unit", "", "镇党委 李春燕"),
    ("branch", Role.BRANCH_OPERATOR, "branch", "", "党支部 张海涛"),
    ("inspector", Role.INSPECTOR, "city", "", "考察组 刘志刚"),
    # 纪检, one of the campaign's six joint-review departments (its requests reach this account).
    ("reviewer", Role.DEPARTMENT_REVIEWER, "city", "纪检", "纪委监委 陈丽华"),
    ("supervisor", Role.SUPERVISOR, "city", "", "监督组 杨卫东"),
    ("teller", Role.TELLER, "unit", "", "总监票人 赵晓梅"),
    ("teller2", Role.TELLER, "unit", "", "计票人 孙明"),
    ("teller3", Role.TELLER, "unit", "", "计票人 周慧"),
)
DEMO_USERNAMES = frozenset(a[0] for a in ACCOUNTS)
DEMO_ROOTS = frozenset({CITY_CODE, PROVINCE_CODE})
IMPORT_ORDER = ("organisations", "members", "deputies", "sanctions", "investigations")


class DemoError(Exception):
    """The demo cannot be built here; the message is Chinese and says why."""


@dataclass(frozen=True, slots=True)
class Account:
    username: str
    role: str
    organisation: str
    password: str
    created: bool


@dataclass(slots=True)
class Outcome:
    built: bool
    members: int
    organisations: int
    accounts: list[Account]
    timings: dict[str, float]


def demo_dir() -> Path:
    return Path(settings.DATA_DIR) / "demo"


def _tables_exist() -> bool:
    try:
        return "registry_organisation" in connection.introspection.table_names()
    except DatabaseError:
        return False


def foreign_roots() -> list[str]:
    """Root organisations that the demo did not create (real data we must not touch)."""
    if not _tables_exist():
        return []
    roots = Organisation.objects.filter(parent__isnull=True).values_list("code", flat=True)
    return sorted(set(roots) - DEMO_ROOTS)


def is_demo_database() -> bool:
    """Only demo organisations and demo accounts: safe to throw away."""
    if not _tables_exist():
        return True
    users = set(User.objects.values_list("username", flat=True))
    return not foreign_roots() and users <= DEMO_USERNAMES


def reset_database() -> str:
    """Delete the demo database (SQLite file) or empty its schema (PostgreSQL)."""
    if not is_demo_database() or (_tables_exist() and not dbmark.is_disposable()):
        raise DemoError(
            _(
                "数据库中含有非演示数据（其他党组织或用户），或不是由演示命令创建的，"
                "拒绝执行 --reset。"
                "请为演示另设 TUIXUAN_DATA_DIR 或 DATABASE_URL。"
            )
        )
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        name = Path(str(db["NAME"]))
        connections.close_all()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        return _("已删除 SQLite 数据库 {name}").format(name=name)
    if connection.vendor == "postgresql":
        if not _tables_exist():
            return _("数据库为空，无需重置")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        return _("已清空 PostgreSQL 数据库 {name}").format(name=db["NAME"])
    raise DemoError(
        _("不支持重置数据库类型 {vendor}").format(vendor=connection.vendor)
    )  # pragma: no cover


def demo_present() -> bool:
    city = Organisation.objects.filter(code=CITY_CODE).first()
    if city is None:
        return False
    return Member.objects.filter(organisation__path__startswith=city.path).exists()


def import_files(
    manifest: Manifest, actor: User | None, progress: Progress | None = None
) -> dict[str, ImportResult]:
    """Import the five files in order through the import service, as a user would."""
    results: dict[str, ImportResult] = {}
    for kind in IMPORT_ORDER:
        path = manifest.files[kind]
        result = import_file(
            kind=kind, path=path, file_name=path.name, actor=actor, progress=progress
        )
        if not result.ok:
            head = "；".join(str(e) for e in result.errors[:5])
            report = error_report_path(path)
            write_error_report(result.errors, report, source=path)
            raise DemoError(
                _("导入演示文件 {file} 失败：{message} {errors}；全部错误见 {report}").format(
                    file=path.name, message=result.job.message, errors=head, report=report
                )
            )
        results[kind] = result
    return results


def _write_manifest(manifest: Manifest) -> None:
    data = {
        "city_code": manifest.city_code,
        "unit_code": manifest.unit_code,
        "branch_code": manifest.branch_code,
        "counts": manifest.counts,
    }
    (manifest.directory / MANIFEST_NAME).write_text(
        json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8"
    )


def _account_orgs() -> dict[str, Organisation]:
    """The organisations the demo accounts belong to, from the manifest of the last build."""
    city = Organisation.objects.get(code=CITY_CODE)
    codes: dict[str, str] = {}
    path = demo_dir() / MANIFEST_NAME
    if path.exists():
        codes = json.loads(path.read_text(encoding="utf-8"))
    unit = Organisation.objects.filter(code=codes.get("unit_code", "")).first()
    if unit is None:
        unit = (
            Organisation.objects.filter(parent=city, name__regex=r"[镇乡]党委$")
            .order_by("-member_count", "code")
            .first()
        ) or city
    branch = Organisation.objects.filter(code=codes.get("branch_code", "")).first()
    if branch is None:
        branch = (
            Organisation.objects.filter(path__startswith=unit.path, org_type="branch")
            .order_by("path")
            .first()
        ) or unit
    return {"city": city, "unit": unit, "branch": branch}


def ensure_accounts(actor: User | None = None) -> list[Account]:
    """One account per role; existing accounts are left as they are."""
    orgs = _account_orgs()
    out: list[Account] = []
    for username, role, where, department, display_name in ACCOUNTS:
        existing = User.objects.filter(username=username).select_related("organisation").first()
        if existing is not None:
            org_name = existing.organisation.name if existing.organisation else ""
            out.append(Account(username, str(role.label), org_name, DEMO_PASSWORD, False))
            continue
        org = orgs[where]
        kwargs: dict[str, Any] = {
            "username": username,
            "password": DEMO_PASSWORD,
            "role": role,
            "organisation": org,
            "display_name": display_name,
            "department": department,
            # Demo accounts print their password for everyone: no forced change there.
            "must_change_password": False,
        }
        try:
            user_create(actor=actor, **kwargs)
        except ValidationFailedError as exc:
            raise DemoError(
                _("创建演示账号 {username} 失败：{reason}").format(username=username, reason=exc)
            ) from exc
        out.append(Account(username, str(role.label), org.name, DEMO_PASSWORD, True))
    return out


def build(
    *,
    scale: str = "county",
    seed: int = 2026,
    members: int | None = None,
    branches: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_generated: Callable[[Manifest], None] | None = None,
    import_progress: Progress | None = None,
) -> Outcome:
    """Generate and import the demo data unless it is there already; ensure the accounts."""
    timings: dict[str, float] = {}
    foreign = foreign_roots()
    if foreign:
        raise DemoError(
            _(
                "数据库中已有非演示党组织（{codes}），不能在其中生成演示数据。"
                "请为演示另设 TUIXUAN_DATA_DIR 或 DATABASE_URL。"
            ).format(codes="、".join(foreign[:3]))
        )
    built = False
    if not demo_present():
        started = time.perf_counter()
        try:
            manifest = generate(
                demo_dir(),
                seed=seed,
                today=clock.today(),
                scale=scale,
                members=members,
                branches=branches,
                progress=progress,
            )
        except ValueError as exc:
            raise DemoError(str(exc)) from exc
        _write_manifest(manifest)
        timings[_("生成")] = time.perf_counter() - started
        if on_generated is not None:
            on_generated(manifest)
        started = time.perf_counter()
        import_files(manifest, actor=None, progress=import_progress)
        timings[_("导入")] = time.perf_counter() - started
        built = True
    started = time.perf_counter()
    accounts = ensure_accounts()
    timings[_("账号")] = time.perf_counter() - started
    started = time.perf_counter()
    if build_stages():
        timings[_("推选工作")] = time.perf_counter() - started
    if is_demo_database():
        # Only demo organisations and accounts: mark it as a database that may be emptied.
        dbmark.mark("demo")
    return Outcome(
        built=built,
        members=Member.objects.count(),
        organisations=Organisation.objects.count(),
        accounts=accounts,
        timings=timings,
    )


def build_stages() -> bool:
    """The procedure on top of the registry, through the stages' own services: the campaign
    (市第五次党代会, its 29 election units, seats, targets, milestones) and a branch meeting's
    election ready to be held in the browser. Returns whether anything was built."""
    orgs = _account_orgs()
    built = False
    convener = User.objects.get(username="convener")
    if not Campaign.objects.exists():
        campaign = build_demo_campaign(actor=convener, convening_org=orgs["city"])
        build_demo_nomination(campaign=campaign, actor=convener, keep_free=(orgs["branch"],))
        build_demo_vetting(
            campaign=campaign,
            convener=convener,
            inspector=User.objects.get(username="inspector"),
            reviewer=User.objects.get(username="reviewer"),
            keep_free=(orgs["unit"],),
        )
        built = True
    if not Election.objects.exists():
        members = list(
            Member.objects.filter(
                organisation__path__startswith=orgs["branch"].path,
                member_type=MemberType.FULL,
                rights_status=RightsStatus.NORMAL,
                is_lost_contact=False,
                is_abroad=False,
            ).order_by("id")[:12]
        )
        if len(members) >= 7:
            build_demo_election(
                actor=User.objects.get(username="unit"),
                organisation=orgs["branch"],
                members=members,
                staff=[User.objects.get(username=u) for u in ("teller", "teller2", "teller3")],
            )
            built = True
    return built


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def accounts_table(accounts: list[Account]) -> str:
    """The accounts as an aligned text table (Chinese characters count double)."""
    header = (_("用户名"), _("角色"), _("所属党组织"), _("密码"))
    rows = [header, *[(a.username, a.role, a.organisation, a.password) for a in accounts]]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for n, row in enumerate(rows):
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
