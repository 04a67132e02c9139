"""``tuixuan bench-slate`` at a small size: it builds the made-up unit, solves and explains it,
and prints the time beside the bare solve. Timings are printed, never asserted; exit status 3
only means the target was missed on a busy machine. No database is used."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from tuixuan.bench.management.commands.bench_slate import (
    Command,
    province_targets,
    synthetic_pool,
)


def _run(*args: str) -> str:
    out = StringIO()
    try:
        call_command("bench_slate", *args, stdout=out)
    except SystemExit as exc:
        assert exc.code == 3, out.getvalue()
    return out.getvalue()


def test_it_solves_and_explains_a_small_unit() -> None:
    text = _run("--pool", "150", "--seats", "40", "--lines", "4")
    assert "人选 150 名，名额 40 名，建议名单 48 名，结构比例 8 项" in text
    assert "对照（同一模型单次求解，只求得票合计最大，不含说明）" in text
    assert "名额 40 名，差额比例 20%，建议名单应为 48 名。" in text
    assert "建议名单推荐得票合计" in text


def test_a_pool_too_small_is_reported_not_failed() -> None:
    text = _run("--pool", "30", "--seats", "40", "--lines", "3")
    assert "现有人选 30 名，少于建议名单应有的 48 名，还差 18 名" in text


def test_the_unit_is_reproducible_and_its_help_says_no_database() -> None:
    assert synthetic_pool(50, 7) == synthetic_pool(50, 7)
    assert synthetic_pool(50, 7) != synthetic_pool(50, 8)
    targets = province_targets(400)
    assert len(targets) == 8
    assert len({t.category for t in targets}) == 8
    assert "不使用数据库" in Command.help
