"""A benchmark never touches the configured database: it measures on a scratch database that
it creates and drops, and refuses to measure anywhere else."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from tests import factories
from tuixuan.bench import scratch
from tuixuan.core.models import Organisation
from tuixuan.record.events import EventType
from tuixuan.record.models import ChainHead, Event
from tuixuan.record.services import record


def _row_counts() -> dict[str, int]:
    return {m._meta.db_table: m._default_manager.count() for m in apps.get_models()}


def _databases_named(prefix: str) -> list[str]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"])
        return [name for (name,) in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_benchmarks_leave_the_configured_database_as_it_was() -> None:
    marker = factories.organisation("基准测试不得改动的党组织", code="MARKER")
    with transaction.atomic():
        record(
            event_type=EventType.ORGANISATIONS_IMPORTED,
            actor=None,
            summary="标记",
            subject_type="test",
            subject_id=marker.pk,
        )
    before = _row_counts()
    heads = list(ChainHead.objects.values_list("chain", "last_seq", "last_hash"))
    before_pg = _databases_named(scratch.PG_PREFIX)

    books = StringIO()
    call_command("bench_books", "--persons", "3", stdout=books)
    imported = StringIO()
    try:
        call_command("bench", "import", "--members", "50", "--no-xlsx", stdout=imported)
    except SystemExit as exc:
        assert exc.code == 3

    assert "批量导出 3 册" in books.getvalue()
    assert _row_counts() == before
    assert before["registry_member"] == 0
    assert list(ChainHead.objects.values_list("chain", "last_seq", "last_hash")) == heads
    assert Organisation.objects.get(code="MARKER").name == "基准测试不得改动的党组织"
    assert Event.objects.filter(subject_type="test", subject_id=str(marker.pk)).count() == 1
    assert _databases_named(scratch.PG_PREFIX) == before_pg
    workdir = re.search(r"工作目录 (\S+)", imported.getvalue())
    assert workdir is not None
    assert not Path(workdir.group(1)).exists()
    assert f"{connection.vendor}" in imported.getvalue()


@pytest.mark.django_db
def test_the_scratch_database_is_dropped_when_the_run_fails() -> None:
    with pytest.raises(RuntimeError), scratch.scratch_database() as made:
        workdir, name = made.workdir, made.pg_name
        assert workdir.is_dir()
        if connection.vendor == "postgresql":
            assert name is not None and name.startswith(scratch.PG_PREFIX)
            assert _databases_named(name) == [name]
            assert made.url.endswith("/" + name)
        else:
            assert name is None
            assert made.url == f"sqlite:///{workdir / 'bench.sqlite3'}"
        raise RuntimeError("benchmark failed")
    assert not workdir.exists()
    if name is not None:
        assert _databases_named(name) == []


def test_only_a_scratch_database_counts_as_one(tmp_path: Path) -> None:
    sqlite = "django.db.backends.sqlite3"
    postgres = "django.db.backends.postgresql"
    assert scratch.is_scratch({"ENGINE": postgres, "NAME": "tuixuan_bench_0a1b2c"})
    assert not scratch.is_scratch({"ENGINE": postgres, "NAME": "tuixuan"})
    assert not scratch.is_scratch({"ENGINE": sqlite, "NAME": str(tmp_path / "tuixuan.sqlite3")})
    named_like = tmp_path / "tuixuan-bench-x"
    named_like.mkdir()
    assert not scratch.is_scratch({"ENGINE": sqlite, "NAME": str(named_like / "bench.sqlite3")})
    (named_like / scratch.MARK).touch()
    assert scratch.is_scratch({"ENGINE": sqlite, "NAME": str(named_like / "bench.sqlite3")})


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["bench_books", "bench_count", "bench_tree", "bench_rollup"])
def test_a_benchmark_refuses_to_measure_on_the_configured_database(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if started as the child of a benchmark, but on the configured (test) database.
    monkeypatch.setenv("DATABASE_URL", "sqlite:///configured.sqlite3")
    monkeypatch.setenv(scratch.ENV, "sqlite:///configured.sqlite3")
    before = _row_counts()
    with pytest.raises(CommandError, match="基准测试只在自己创建的临时数据库上运行"):
        call_command(command, stdout=StringIO())
    assert _row_counts() == before
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_bench_import_refuses_to_measure_on_the_configured_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:///configured.sqlite3")
    monkeypatch.setenv(scratch.ENV, "sqlite:///configured.sqlite3")
    with pytest.raises(CommandError, match="基准测试只在自己创建的临时数据库上运行"):
        call_command("bench", "import", "--members", "10", stdout=StringIO())
    assert not Organisation.objects.exists()
    assert not Event.objects.exists()
