"""``tuixuan bench-tree`` at a tiny scale: it builds the tree, the maintained counts agree with
the raw subtree query, and it prints the comparison. Timings are printed, never asserted."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tuixuan.bench.management.commands.bench_tree import build_tree
from tuixuan.core.models import path_segment


@pytest.mark.parametrize("total", [3, 300, 5_000, 250_000])
def test_it_builds_a_consistent_province_tree(total: int) -> None:
    rows = build_tree(total)
    by_id = {r[0]: r for r in rows}
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0][3] == "province"
    assert abs(len(rows) - total) <= max(10, total // 50)
    for pk, _code, _name, _type, parent, path, depth, *_ in rows[1:]:
        assert path == by_id[parent][5] + path_segment(pk)
        assert depth == by_id[parent][6] + 1
    if total == 250_000:
        types = [r[3] for r in rows]
        assert types.count("city") == 20
        assert types.count("county") == 160
        children: dict[int | None, int] = {}
        for r in rows:
            children[r[4]] = children.get(r[4], 0) + 1
        assert max(children[r[0]] for r in rows if r[3] == "committee") > 100


def test_it_prints_our_page_beside_the_raw_query() -> None:
    out = StringIO()
    try:
        # On a scratch database of the same kind as the test database, in a child process.
        call_command("bench_tree", "--orgs", "300", "--members", "3000", stdout=out)
    except SystemExit as exc:  # 3 only means a page took 300 ms or more on a busy machine
        assert exc.code == 3
    text = out.getvalue()
    assert "(a) recompute_counts() 全树重算" in text
    assert "(b) 本系统页面" in text
    assert "(c) 现场统计 SQL" in text
    assert "(d) 峰值内存" in text
    for label in ("省委", "县委", "党委"):
        assert any(line.startswith(label) and " ms" in line for line in text.splitlines())
    assert "3,000" in text


def test_it_refuses_an_unknown_database_url() -> None:
    with pytest.raises(CommandError, match="--database-url"):
        call_command("bench_tree", "--database-url", "mysql://x/y")
