"""Every benchmark at a tiny scale, each on its own scratch database (of the kind the test
database is: SQLite or PostgreSQL), leaving the test database as it was. Timings are printed, never
asserted; exit status 3 only means a target was missed at this scale on a busy machine."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command

from tests import factories
from tests.bench.test_scratch import _row_counts
from tuixuan.core.models import Organisation


@pytest.fixture(autouse=True)
def _configured_database_untouched(transactional_db: None) -> Iterator[None]:
    """Every benchmark below leaves the test database exactly as it found it."""
    factories.organisation("基准测试前已有的党组织", code="BEFORE")
    before = _row_counts()
    yield
    assert _row_counts() == before
    assert Organisation.objects.get(code="BEFORE").name == "基准测试前已有的党组织"


def _run(*args: str) -> str:
    out = StringIO()
    try:
        call_command(*args, stdout=out)
    except SystemExit as exc:
        assert exc.code == 3, out.getvalue()
    return out.getvalue()


def test_bench_import_compares_our_import_with_the_bare_driver() -> None:
    text = _run("bench", "import", "--members", "300")
    assert "党员 300 行" in text
    assert "本系统导入 CSV" in text
    assert "本系统导入 xlsx" in text
    assert "CSV 导入" in text and "xlsx 导入" in text


def test_bench_import_can_skip_xlsx() -> None:
    text = _run("bench", "import", "--members", "100", "--no-xlsx")
    assert "（跳过 xlsx：--no-xlsx）" in text
    assert "本系统导入 xlsx" not in text


def test_bench_rollup_agrees_with_a_bare_group_by() -> None:
    text = _run("bench_rollup", "--scale", "city", "--entries-limit", "10000")
    assert "临时库" in text
    assert "汇总表" in text
    assert "三、结果一致：是" in text


def test_bench_count_counts_and_double_enters() -> None:
    text = _run(
        "bench_count",
        "--voters",
        "40",
        "--candidates",
        "8",
        "--seats",
        "4",
        "--entry-ballots",
        "10",
        "--entry-candidates",
        "5",
        "--entry-seats",
        "3",
    )
    assert "（一）计票：选举人 40 名，候选人 8 名，应选 4 名" in text
    assert "计票服务 round_count" in text
    assert "（二）两遍录入：选票 10 张（一批）" in text
    assert "总监票人逐张裁定" in text


def test_bench_books_exports_every_book() -> None:
    text = _run("bench_books", "--persons", "5")
    assert "生成 5 人、60 条人员记录" in text
    assert (
        "批量导出 5 册（单进程，60 条记录" in text and "批量导出 5 册（2 个进程，60 条记录" in text
    )


@pytest.mark.parametrize("command", ["bench_count", "bench_books", "bench_rollup"])
def test_a_benchmark_refuses_an_unknown_database_url(command: str) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--database-url"):
        call_command(command, "--database-url", "mysql://x/y")
