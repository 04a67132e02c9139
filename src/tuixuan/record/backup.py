"""Backups that can be proved complete: a consistent copy of the database, the record's
attachment files, and a manifest with the record's chain heads and the row count of every
table, all read from the copy itself.

On SQLite the copy is made with SQLite's online backup API (``sqlite3.Connection.backup``)
while the system runs; on PostgreSQL with ``pg_dump --format=custom`` on a snapshot that is
exported from a repeatable-read transaction, in which the manifest's heads and counts are read
too. A restore goes only into an empty database and is declared good only when
``verify_record`` passes and the chain heads and counts equal the manifest's.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from tuixuan.core import clock
from tuixuan.core.errors import DomainError
from tuixuan.record.models import ChainHead
from tuixuan.record.verification import verify_record

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media"

Heads = dict[str, tuple[int, str]]


class BackupError(DomainError):
    """A backup that cannot be written, or a restore that must not be used."""


@dataclass
class Manifest:
    vendor: str
    created_at: str
    database_file: str
    database_sha256: str
    heads: Heads
    counts: dict[str, int]
    media_files: int = 0

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "vendor": self.vendor,
            "created_at": self.created_at,
            "database_file": self.database_file,
            "database_sha256": self.database_sha256,
            "chain_heads": {c: {"last_seq": s, "last_hash": h} for c, (s, h) in self.heads.items()},
            "counts": self.counts,
            "media_files": self.media_files,
        }
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data["format"] != FORMAT:
                raise BackupError(_("备份清单格式 {f} 不受支持").format(f=data["format"]))
            return cls(
                vendor=data["vendor"],
                created_at=data["created_at"],
                database_file=data["database_file"],
                database_sha256=data["database_sha256"],
                heads={
                    c: (int(h["last_seq"]), str(h["last_hash"]))
                    for c, h in data["chain_heads"].items()
                },
                counts={t: int(n) for t, n in data["counts"].items()},
                media_files=int(data.get("media_files", 0)),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BackupError(
                _("读不出备份清单 {path}：{error}").format(path=path, error=exc)
            ) from exc


@dataclass
class RestoreOutcome:
    manifest: Manifest
    checked_events: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _model_tables(using: str) -> list[str]:
    connection = connections[using]
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _read_heads_and_counts(cursor: Any, tables: Iterable[str]) -> tuple[Heads, dict[str, int]]:
    head_table = ChainHead._meta.db_table
    cursor.execute(f"SELECT chain, last_seq, last_hash FROM {head_table}")  # noqa: S608
    heads = {str(c): (int(s), str(h)) for c, s, h in cursor.fetchall()}
    counts: dict[str, int] = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - introspected names
        counts[table] = int(cursor.fetchone()[0])
    return heads, counts


def _copy_media(source: Path, target: Path) -> int:
    if not source.is_dir():
        return 0
    shutil.copytree(source, target, dirs_exist_ok=True)
    return sum(1 for p in target.rglob("*") if p.is_file())


# -- backup -------------------------------------------------------------------------------


def backup(out: Path, *, using: str = DEFAULT_DB_ALIAS) -> Manifest:
    """Write a consistent copy into the new directory ``out``; returns its manifest."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(_("备份目录 {path} 已存在且不为空").format(path=out))
    connection = connections[using]
    tables = _model_tables(using)
    if ChainHead._meta.db_table not in tables:
        raise BackupError(_("数据库尚未初始化（没有全程纪实表），无需备份"))
    out.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        target = out / SQLITE_FILE
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            heads, counts = _read_heads_and_counts(copy.cursor(), tables)
        finally:
            copy.close()
    elif connection.vendor == "postgresql":
        target = out / PG_FILE
        heads, counts = _pg_dump(connection.settings_dict, target, tables)
    else:  # pragma: no cover - settings allow only these two
        raise BackupError(_("不支持备份数据库类型 {vendor}").format(vendor=connection.vendor))
    media = _copy_media(Path(settings.MEDIA_ROOT), out / MEDIA_DIR)
    manifest = Manifest(
        vendor=connection.vendor,
        created_at=clock.local_time().isoformat(timespec="seconds"),
        database_file=target.name,
        database_sha256=_sha256(target),
        heads=heads,
        counts=counts,
        media_files=media,
    )
    (out / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def _pg_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """libpq arguments and environment for pg_dump/pg_restore (the password in PGPASSWORD)."""
    args = ["--dbname", str(settings_dict["NAME"])]
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _("找不到 {name}：请安装 PostgreSQL 客户端（Debian 软件包 postgresql-client）").format(
                name=name
            )
        )
    return path


def _run(argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(
            _("{tool} 失败：{error}").format(
                tool=Path(argv[0]).name, error=result.stderr.strip()[-2000:]
            )
        )


def _pg_dump(
    settings_dict: dict[str, Any], target: Path, tables: list[str]
) -> tuple[Heads, dict[str, int]]:
    import psycopg

    args, env = _pg_env(settings_dict)
    pg_dump = _pg_tool("pg_dump")
    conninfo = {
        k: v
        for k, v in {
            "dbname": settings_dict["NAME"],
            "host": settings_dict.get("HOST") or None,
            "port": settings_dict.get("PORT") or None,
            "user": settings_dict.get("USER") or None,
            "password": settings_dict.get("PASSWORD") or None,
        }.items()
        if v is not None
    }
    with psycopg.connect(**conninfo) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = str(cursor.fetchone()[0])  # type: ignore[index]
            heads, counts = _read_heads_and_counts(cursor, tables)
            # pg_dump reads the same snapshot while this transaction stays open.
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--no-owner",
                    "--no-privileges",
                    "--file",
                    str(target),
                    *args,
                ],
                env,
            )
    return heads, counts


# -- restore ------------------------------------------------------------------------------


def restore(source: Path, *, using: str = DEFAULT_DB_ALIAS) -> RestoreOutcome:
    """Restore the backup in ``source`` into the empty database ``using``, then prove it.

    Refuses a database that has any table. The outcome lists every problem found after the
    restore; it is good only when ``verify_record`` passes (with the attachment files) and
    the chain heads and the row counts equal the manifest's.
    """
    manifest = Manifest.read(source)
    connection = connections[using]
    if manifest.vendor != connection.vendor:
        raise BackupError(
            _("备份来自 {a} 数据库，不能恢复到 {b} 数据库").format(
                a=manifest.vendor, b=connection.vendor
            )
        )
    data = source / manifest.database_file
    if not data.is_file() or _sha256(data) != manifest.database_sha256:
        raise BackupError(_("备份文件 {path} 缺失或已损坏（SHA-256 与清单不符）").format(path=data))
    with connection.cursor() as cursor:
        existing = connection.introspection.table_names(cursor)
    if existing:
        raise BackupError(
            _(
                "目标数据库不是空的（已有 {n} 张表）：恢复只能写入一个新建的空数据库，"
                "以免覆盖现有数据。"
            ).format(n=len(existing))
        )
    if connection.vendor == "sqlite":
        _sqlite_restore(data, connection)
    else:
        args, env = _pg_env(connection.settings_dict)
        connection.close()
        _run(
            [
                _pg_tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *args,
                str(data),
            ],
            env,
        )
    _copy_media(source / MEDIA_DIR, Path(settings.MEDIA_ROOT))
    return check_restored(manifest, using=using)


def _sqlite_restore(data: Path, connection: Any) -> None:
    name = str(connection.settings_dict["NAME"])
    connection.ensure_connection()
    raw = connection.connection
    if name == ":memory:" or "mode=memory" in name:
        target = raw
    else:
        connection.close()
        target = sqlite3.connect(name)
    source = sqlite3.connect(f"file:{data}?mode=ro", uri=True)
    try:
        source.backup(target)
    finally:
        source.close()
        if target is not raw:
            target.close()
    connection.close()


def check_restored(manifest: Manifest, *, using: str = DEFAULT_DB_ALIAS) -> RestoreOutcome:
    """What ``verify-record`` says of the database, and how it compares with the manifest."""
    report = verify_record(check_files=True)
    outcome = RestoreOutcome(manifest=manifest, checked_events=report.checked)
    outcome.problems += [str(p) for p in report.problems]
    with connections[using].cursor() as cursor:
        heads, counts = _read_heads_and_counts(cursor, manifest.counts)
    if heads != manifest.heads:
        outcome.problems.append(_("恢复后的纪实链链尾登记与备份清单不符"))
    if report.heads != manifest.heads:
        outcome.problems.append(_("恢复后逐条重算的纪实链链尾与备份清单不符"))
    for table, n in sorted(manifest.counts.items()):
        if counts.get(table) != n:
            outcome.problems.append(
                _("表 {table} 恢复后有 {got} 行，备份清单为 {want} 行").format(
                    table=table, got=counts.get(table), want=n
                )
            )
    return outcome
