"""On PostgreSQL the app runs as a role that owns nothing: it cannot lift the triggers,
silence them with session_replication_role, or change an event even without them."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tuixuan.record.roles import setup_sql

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="database roles are PostgreSQL's; SQLite has no roles",
)

TUIXUAN = str(Path(sys.executable).with_name("tuixuan"))


def _server() -> dict[str, Any]:
    db: dict[str, Any] = settings.DATABASES["default"]
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": int(db.get("PORT") or 5432),
        "user": db.get("USER") or "root",
    }


def _connect(dbname: str, user: str | None = None) -> Any:
    import psycopg

    server = _server()
    if user is not None:
        server["user"] = user
    return psycopg.connect(dbname=dbname, autocommit=True, **server)


def _url(user: str, dbname: str) -> str:
    server = _server()
    return f"postgres://{user}@{server['host']}:{server['port']}/{dbname}"


@pytest.fixture
def two_roles() -> Iterator[tuple[str, str, str]]:
    suffix = secrets.token_hex(4)
    dbname, owner, app = f"tx_roles_{suffix}", f"tx_owner_{suffix}", f"tx_app_{suffix}"
    admin = _connect("postgres")
    try:
        statements = setup_sql(database=dbname, owner=owner, app=app)
        target = None
        for statement in statements:
            if statement.startswith("\\connect"):
                target = _connect(dbname)
                continue
            (target or admin).execute(statement)
        assert target is not None
        target.close()
        yield dbname, owner, app
    finally:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [dbname],
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        admin.execute(f'DROP ROLE IF EXISTS "{app}"')
        admin.execute(f'DROP ROLE IF EXISTS "{owner}"')
        admin.close()


def _tuixuan(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "TUIXUAN_DATA_DIR": str(tmp_path), **env}
    full.pop("TUIXUAN_DB_APP_ROLE", None)
    return subprocess.run(  # noqa: S603 -- our own console script
        [TUIXUAN, *args], env=full, capture_output=True, text=True, timeout=600, check=False
    )


def test_the_app_role_cannot_touch_the_record_or_its_triggers(
    two_roles: tuple[str, str, str], tmp_path: Path
) -> None:
    import psycopg

    dbname, owner, app = two_roles
    env = {"DATABASE_URL": _url(app, dbname), "DATABASE_OWNER_URL": _url(owner, dbname)}
    done = _tuixuan(tmp_path, env, "migrate", "--no-input", "-v", "0")
    assert done.returncode == 0, done.stderr

    with _connect(dbname, owner) as conn:
        row = conn.execute(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'dossier_event'"
        ).fetchone()
    assert row == (owner,)

    # The app does its ordinary work: it appends to the record and checks it.
    appended = _tuixuan(tmp_path, {"DATABASE_URL": _url(app, dbname)}, "checkpoint")
    assert appended.returncode == 0, appended.stderr
    checked = _tuixuan(tmp_path, {"DATABASE_URL": _url(app, dbname)}, "verify-record")
    assert checked.returncode == 0, checked.stderr

    with _connect(dbname, app) as conn:
        conn.execute(
            "INSERT INTO dossier_chainhead (chain, last_seq, last_hash) VALUES ('global', 0, %s)",
            ["0" * 64],
        )
        conn.execute("UPDATE dossier_chainhead SET last_seq = 0 WHERE chain = 'global'")
        refused = {
            "ALTER TABLE dossier_event DISABLE TRIGGER ALL": "must be owner",
            "DROP TRIGGER dossier_event_no_change ON dossier_event": "must be owner",
            "CREATE OR REPLACE FUNCTION dossier_refuse_change() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$": "permission denied for schema",
            "UPDATE dossier_event SET summary = 'x'": "permission denied",
            "DELETE FROM dossier_event": "permission denied",
            "TRUNCATE dossier_event": "permission denied",
            "UPDATE dossier_checkpoint SET seq = 1": "permission denied",
            "SET session_replication_role = replica": "permission denied",
            "ALTER TABLE nomination_tally OWNER TO CURRENT_USER": "must be owner",
            "CREATE TABLE dossier_shadow (id int)": "permission denied",
        }
        for statement, message in refused.items():
            with pytest.raises(psycopg.Error, match=message):
                conn.execute(statement)
        still = conn.execute("SHOW session_replication_role").fetchone()
    assert still == ("origin",)
