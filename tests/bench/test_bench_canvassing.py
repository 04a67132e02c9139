"""``tuixuan bench-canvassing`` at a small scale: it needs no database, finds what it planted
and prints precision, recall and the false alarms of the clean city. Timings are printed,
never asserted."""

from __future__ import annotations

import random
from io import StringIO

from django.core.management import call_command

from tuixuan.bench.management.commands.bench_canvassing import build_city, plant
from tuixuan.oversight.rules.canvassing import Signal, detect


def test_it_plants_and_finds_each_pattern_without_a_database() -> None:
    out = StringIO()
    call_command(
        "bench_canvassing",
        "--members", "3000", "--branches", "40", "--units", "4", "--plants", "4",
        stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "党员 3,000 名，支部 40 个，单位 4 个" in text
    assert "不读写数据库" in text
    for signal in Signal:
        assert text.count(signal.label) >= 2
    assert "精确率" in text and "召回率" in text and "误报合计" in text
    assert "不能证明存在拉票行为" in text


def test_the_planted_branches_are_found() -> None:
    rng = random.Random(1)
    city, _weights = build_city(rng, members=3000, branches=40, units=4, names=10)
    forms, where = plant(rng, city, plants=4, names=10)
    found = detect(city.data(forms), signals=[Signal.SAME_FORMS])
    assert {f.branch for f in found.same_forms} == where.same_forms
    assert len(where.same_forms) == 4 and len(where.branch_share) == 4
