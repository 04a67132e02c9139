"""The one place a benchmark gets its database: a scratch database, never the configured one.

``measure_on_scratch`` creates the scratch database (a temporary SQLite file in a directory
of its own, or a ``tuixuan_bench_<random>`` database on the PostgreSQL server of the
configured database or of ``--database-url``), runs the same command again in a child
process whose ``DATABASE_URL`` is that database, relays its output, and drops the database
and the directory afterwards, whatever happened. The child knows it is the child because
``TUIXUAN_BENCH_SCRATCH`` names the database it is connected to, and it refuses to measure
unless that database is a scratch one (``is_scratch``). There is no flag that makes a
benchmark measure on whatever database is configured.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import dj_database_url
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

ENV = "TUIXUAN_BENCH_SCRATCH"
PG_PREFIX = "tuixuan_bench_"
DIR_PREFIX = "tuixuan-bench-"
MARK = ".tuixuan-bench-scratch"
"""A file in the scratch directory: an SQLite database beside it is a scratch one."""
URL_ERROR = "--database-url 应为 sqlite:///… 或 postgres://…"


@dataclass(frozen=True)
class Scratch:
    url: str
    workdir: Path
    pg_name: str | None


def _server(database_url: str | None) -> dict[str, Any] | None:
    """The PostgreSQL server to hold the scratch database (connection settings), or None
    for SQLite: from ``--database-url`` if given, else from the configured database."""
    if database_url:
        if database_url.startswith("sqlite:"):
            return None
        if not database_url.startswith(("postgres://", "postgresql://")):
            raise CommandError(URL_ERROR)
        config: dict[str, Any] = dict(dj_database_url.parse(database_url))
    else:
        config = dict(connections["default"].settings_dict)
        if config["ENGINE"] == "django.db.backends.sqlite3":
            return None
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError(URL_ERROR)
    return {k: config.get(k) or "" for k in ("USER", "PASSWORD", "HOST", "PORT")}


def _pg_execute(server: dict[str, Any], sql: str) -> None:
    import psycopg

    with psycopg.connect(
        dbname="postgres",
        user=server["USER"] or None,
        password=server["PASSWORD"] or None,
        host=server["HOST"] or None,
        port=server["PORT"] or None,
        autocommit=True,
    ) as conn:
        conn.execute(sql.encode())


def _pg_url(server: dict[str, Any], name: str) -> str:
    credentials = quote(str(server["USER"]), safe="")
    if server["PASSWORD"]:
        credentials += ":" + quote(str(server["PASSWORD"]), safe="")
    port = f":{server['PORT']}" if server["PORT"] else ""
    return f"postgres://{credentials}@{server['HOST']}{port}/{name}"


@contextmanager
def scratch_database(database_url: str | None = None) -> Iterator[Scratch]:
    """A fresh, empty scratch database, dropped (with its directory) on the way out, also
    when the body fails."""
    server = _server(database_url)
    workdir = Path(tempfile.mkdtemp(prefix=DIR_PREFIX))
    name: str | None = None
    try:
        (workdir / MARK).touch()
        if server is None:
            url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        else:
            name = PG_PREFIX + secrets.token_hex(6)
            _pg_execute(server, f'CREATE DATABASE "{name}"')
            url = _pg_url(server, name)
        yield Scratch(url=url, workdir=workdir, pg_name=name)
    finally:
        try:
            if server is not None and name is not None:
                _pg_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


def is_scratch(settings_dict: dict[str, Any]) -> bool:
    """Whether a connection's settings point at a database ``scratch_database`` made."""
    name = str(settings_dict.get("NAME") or "")
    if settings_dict["ENGINE"] == "django.db.backends.postgresql":
        return name.startswith(PG_PREFIX)
    path = Path(name)
    return path.parent.name.startswith(DIR_PREFIX) and (path.parent / MARK).is_file()


def inside() -> bool:
    """True in the child a benchmark started on its scratch database; refuses (CommandError)
    when ``TUIXUAN_BENCH_SCRATCH`` is set but the configured database is not that scratch."""
    wanted = os.environ.get(ENV, "")
    if not wanted:
        return False
    if wanted != os.environ.get("DATABASE_URL", "") or not is_scratch(
        connections["default"].settings_dict
    ):
        raise CommandError("基准测试只在自己创建的临时数据库上运行，不在配置的数据库上运行。")
    return True


def measure_on_scratch(
    command: BaseCommand, name: str, args: list[str], *, database_url: str | None = None
) -> None:
    """Run ``tuixuan <name> <args>`` in a child process on a scratch database, relaying its
    output line by line (so progress shows, and ``call_command(stdout=…)`` sees it); exits
    with the child's status if it failed."""
    with scratch_database(database_url) as scratch:
        env = {
            **os.environ,
            "DATABASE_URL": scratch.url,
            "TUIXUAN_DATA_DIR": str(scratch.workdir),
            ENV: scratch.url,
        }
        env.pop("DATABASE_URL_FILE", None)
        argv = [sys.executable, "-m", "tuixuan.cli", name, *args]
        with subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True) as child:  # noqa: S603 (our own CLI)
            assert child.stdout is not None  # noqa: S101 (PIPE above)
            for line in child.stdout:
                command.stdout.write(line, ending="")
                command.stdout.flush()
        returncode = child.returncode
    if returncode:
        raise SystemExit(returncode)
