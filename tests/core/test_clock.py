"""The one clock: the local date everywhere, and a check that refuses the UTC date in src/."""

from __future__ import annotations

import ast
import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest
from django.utils import timezone

from tests.conftest import SUITE_MOMENT
from tuixuan.core import clock

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "tuixuan"
CLOCK_MODULE = SRC / "core" / "clock.py"

# Names that hold an aware moment by the house's naming: ``now``, ``at``, ``*_at``, ``moment``.
_AWARE_NAME = re.compile(r"^(now|at|moment|timestamp)$|_at$|_now$")
_MOMENT_CALLS = {"now", "utcnow", "localtime"}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def clock_violations(source: str) -> list[str]:
    """Every place in ``source`` that takes a date or a moment without the local clock."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, target = node.func.attr, node.func.value
        where = f"line {node.lineno}: {ast.unparse(node)}"
        if method == "date" and not node.args and not node.keywords:
            if isinstance(target, ast.Call) and _name(target.func) in _MOMENT_CALLS:
                found.append(f"{where} (UTC date of an aware moment; use clock.today())")
            elif _AWARE_NAME.search(_name(target)):
                found.append(f"{where} (UTC date of an aware moment; use clock.local_date())")
        elif method == "today" and _name(target) in {"date", "datetime"}:
            found.append(f"{where} (the machine's date; use clock.today())")
        elif method in {"now", "utcnow"} and _name(target) == "datetime":
            has_tz = bool(node.args) or any(k.arg == "tz" for k in node.keywords)
            if method == "utcnow" or not has_tz:
                found.append(f"{where} (naive datetime; use clock.now())")
        elif method in {"localdate", "localtime"} and _name(target) == "timezone":
            found.append(f"{where} (go through tuixuan.core.clock)")
    return found


PLANTED = [
    ("day = timezone.now().date()", 1),
    ("now = timezone.now()\nday = now.date()", 1),
    ("day = self.created_at.date()", 1),
    ("day = dt.date.today()", 1),
    ("day = date.today()", 1),
    ("at = datetime.now()", 1),
    ("at = dt.datetime.utcnow()", 1),
    ("at = dt.datetime.now(tz=dt.UTC)", 0),
    ("day = timezone.localdate()", 1),
    ("day = clock.today()", 0),
    ("day = clock.local_date(event.at)", 0),
    # naive values from a spreadsheet cell are converted on purpose
    ("if isinstance(value, dt.datetime):\n    value = value.date()", 0),
]


@pytest.mark.parametrize(("source", "expected"), PLANTED)
def test_the_checker_finds_planted_examples(source: str, expected: int) -> None:
    assert len(clock_violations(source)) == expected, clock_violations(source)


def test_src_takes_every_date_from_the_local_clock() -> None:
    found = [
        f"{path.relative_to(ROOT)} {v}"
        for path in sorted(SRC.rglob("*.py"))
        if path != CLOCK_MODULE
        for v in clock_violations(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_ruff_keeps_the_datetime_rules_on() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "DTZ" in config["tool"]["ruff"]["lint"]["select"]


def test_the_suite_runs_where_the_local_date_is_ahead_of_utc() -> None:
    now = timezone.now()
    assert clock.today() == dt.date(2026, 12, 2)
    assert now.astimezone(dt.UTC).date() == dt.date(2026, 12, 1)
    assert clock.today() != now.astimezone(dt.UTC).date()
    assert SUITE_MOMENT <= now < SUITE_MOMENT + dt.timedelta(hours=6)


def test_clock_helpers_give_the_local_date_of_a_moment() -> None:
    late_utc = dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.UTC)
    assert clock.local_date(late_utc) == dt.date(2026, 3, 2)
    assert clock.local_time(late_utc).hour == 4
