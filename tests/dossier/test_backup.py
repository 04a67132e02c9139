"""``tuixuan backup`` then ``tuixuan restore`` into a fresh empty database (SQLite or
PostgreSQL, whichever the suite runs on): the record verifies and the same rows are there."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from tests import factories
from tests.conftest import Tree
from tuixuan.core.models import Organisation, Role
from tuixuan.record.backup import MANIFEST, Manifest
from tuixuan.record.events import EventType
from tuixuan.record.models import Attachment, ChainHead, Event
from tuixuan.record.services import AttachmentFile, record
from tuixuan.record.verification import verify_record
from tuixuan.registry.models import Member

pytestmark = pytest.mark.django_db(transaction=True)

PG = connection.vendor == "postgresql"


@dataclass
class Target:
    """A fresh empty database and data directory for the restore, in a child process."""

    url: str
    data_dir: Path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("TUIXUAN_", "DATABASE_"))}
        env = {
            **base,
            "DATABASE_URL": self.url,
            "TUIXUAN_DATA_DIR": str(self.data_dir),
            "TUIXUAN_SECRET_KEY": "restore-test-" + "k" * 50,
        }
        return subprocess.run(  # noqa: S603 - our own command
            [sys.executable, "-m", "tuixuan.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.url.startswith("sqlite:"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as conn:
                return list(conn.execute(sql).fetchall())
        import psycopg

        with psycopg.connect(self.url) as conn:
            return [tuple(r) for r in conn.execute(sql.encode()).fetchall()]


def _pg_url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Target]:
    data_dir = tmp_path / "restored"
    if not PG:
        yield Target(f"sqlite:///{tmp_path / 'restored.sqlite3'}", data_dir)
        return
    import psycopg

    name = f"tuixuan_restore_{uuid.uuid4().hex[:10]}"
    admin = _pg_url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}".encode())
    try:
        yield Target(_pg_url(name), data_dir)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)".encode())


def _some_record(tree: Tree) -> None:
    convener = factories.user(Role.CONVENER, tree.city, username="convener")
    for i in range(3):
        factories.member(tree.branch_a1, name=f"备份党员{i}")
    with transaction.atomic():
        record(
            event_type=EventType.MEMBER_CHANGED,
            actor=convener,
            summary="党员组织关系转接",
            subject_type="member",
            subject_id=1,
            organisation=tree.unit_a,
            inputs={"to": "A1"},
            attachments=[AttachmentFile("会议记录.pdf", b"%PDF minutes", "application/pdf")],
        )
        record(
            event_type=EventType.MEMBER_CHANGED,
            actor=None,
            summary="党员信息更正",
            subject_type="member",
            subject_id=2,
        )


NAMES = "SELECT name FROM registry_member ORDER BY id"
EVENTS = "SELECT chain, seq, chain_hash FROM dossier_event ORDER BY chain, seq"


def test_backup_then_restore_into_an_empty_database_gives_the_same_record(
    tree: Tree, tmp_path: Path, target: Target
) -> None:
    _some_record(tree)
    out = tmp_path / "backup"
    stdout = StringIO()

    call_command("backup", str(out), stdout=stdout)

    manifest = Manifest.read(out)
    assert "备份完成" in stdout.getvalue()
    assert manifest.heads == verify_record().heads
    assert manifest.heads == {c.chain: (c.last_seq, c.last_hash) for c in ChainHead.objects.all()}
    assert manifest.counts["dossier_event"] == Event.objects.count() >= 2
    assert manifest.counts["registry_member"] == 3
    assert manifest.media_files == Attachment.objects.count() == 1
    assert (out / manifest.database_file).is_file()

    restored = target.run("restore", str(out))

    assert restored.returncode == 0, restored.stderr
    assert "恢复完成并校验通过" in restored.stdout
    verified = target.run("verify-record", "--files")
    assert verified.returncode == 0, verified.stderr
    assert "全程纪实校验通过" in verified.stdout
    assert target.query(NAMES) == [(m.name,) for m in Member.objects.order_by("id")]
    assert target.query(EVENTS) == list(
        Event.objects.order_by("chain", "seq").values_list("chain", "seq", "chain_hash")
    )
    for table, n in manifest.counts.items():
        assert target.query(f'SELECT COUNT(*) FROM "{table}"') == [(n,)], table
    assert target.query("SELECT code FROM registry_organisation ORDER BY code") == [
        (o,) for o in Organisation.objects.order_by("code").values_list("code", flat=True)
    ]


def test_restore_refuses_a_database_that_is_not_empty(
    tree: Tree, tmp_path: Path, target: Target
) -> None:
    _some_record(tree)
    out = tmp_path / "backup"
    call_command("backup", str(out), stdout=StringIO())
    assert target.run("restore", str(out)).returncode == 0
    before = target.query(EVENTS)

    again = target.run("restore", str(out))

    assert again.returncode != 0
    assert "目标数据库不是空的" in again.stderr
    assert target.query(EVENTS) == before


def test_restore_is_not_declared_good_when_the_heads_differ_from_the_manifest(
    tree: Tree, tmp_path: Path, target: Target
) -> None:
    _some_record(tree)
    out = tmp_path / "backup"
    call_command("backup", str(out), stdout=StringIO())
    data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    data["chain_heads"]["global"]["last_seq"] += 1  # a head the copy does not reach
    (out / MANIFEST).write_text(json.dumps(data), encoding="utf-8")

    restored = target.run("restore", str(out))

    assert restored.returncode == 1
    assert "未通过校验，不能使用" in restored.stderr
    assert "链尾" in restored.stderr
    assert "恢复完成" not in restored.stdout


def test_restore_refuses_a_damaged_database_file(
    tree: Tree, tmp_path: Path, target: Target
) -> None:
    _some_record(tree)
    out = tmp_path / "backup"
    call_command("backup", str(out), stdout=StringIO())
    dump = out / Manifest.read(out).database_file
    dump.write_bytes(dump.read_bytes() + b"tampered")

    restored = target.run("restore", str(out))

    assert restored.returncode != 0
    assert "缺失或已损坏" in restored.stderr
    listed = "sqlite_master" if not PG else "information_schema.tables WHERE table_schema='public'"
    assert target.query(f"SELECT COUNT(*) FROM {listed}") == [(0,)]


def test_backup_refuses_a_directory_that_is_not_empty(tree: Tree, tmp_path: Path) -> None:
    out = tmp_path / "backup"
    out.mkdir()
    (out / "old.txt").write_text("x")

    with pytest.raises(CommandError, match="已存在且不为空"):
        call_command("backup", str(out), stdout=StringIO())

    assert sorted(p.name for p in out.iterdir()) == ["old.txt"]
