"""``tuixuan count``: every worked case of domain.md §4 through the command, and bad input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.election.builders import ballots_giving

BIN = Path(sys.executable).parent / "tuixuan"


def round_json(
    votes: dict[str, int],
    *,
    seats: int,
    profile: str = "grassroots",
    due: int | None = None,
    present: int = 40,
    issued: int | None = None,
    voters: int | None = None,
    extra: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A round whose plain ballots give ``votes``, cast by ``voters`` (default: everyone
    present less the ``extra`` ballots), grouped into counted kinds as tellers record them."""
    extra = extra or []
    cast = voters if voters is not None else present - sum(b.get("count", 1) for b in extra)
    kinds = Counter(tuple(sorted(b.in_favour)) for b in ballots_giving(votes, cast))
    return {
        "profile": profile,
        "seats": seats,
        "due_voters": due if due is not None else present,
        "present_voters": present,
        "ballots_issued": issued if issued is not None else present,
        "candidates": list(votes),
        "ballots": [{"count": n, "for": list(names)} for names, n in kinds.items()] + extra,
    }


def run(data: object, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "round.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    call_command("count", str(path), stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def fails(data: object, tmp_path: Path, raw: str | None = None) -> str:
    path = tmp_path / "round.json"
    path.write_text(raw if raw is not None else json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("count", str(path), stdout=StringIO())
    assert caught.value.returncode == 2
    return str(caught.value)


KEYS = [
    "quorum_met",
    "vote_valid",
    "ballots_collected",
    "ballots_valid",
    "ballots_void",
    "threshold_base",
    "votes_needed",
    "results",
    "elected",
    "runoff",
    "unfilled_seats",
    "outcome",
]


@pytest.mark.parametrize(
    ("profile", "due", "present", "quorum", "outcome"),
    [
        ("grassroots", 50, 40, True, "complete"),
        ("grassroots", 50, 39, False, "no_quorum"),
        ("local_congress", 300, 151, True, "complete"),
        ("local_congress", 300, 150, False, "no_quorum"),
        ("local_plenary", 31, 21, True, "complete"),
        ("local_plenary", 31, 20, False, "no_quorum"),
    ],
)
def test_quorum_cases(
    profile: str, due: int, present: int, quorum: bool, outcome: str, tmp_path: Path
) -> None:
    data = round_json({"甲": present}, seats=1, profile=profile, due=due, present=present)
    result = run(data, tmp_path)
    assert list(result) == KEYS
    assert result["quorum_met"] is quorum
    assert result["outcome"] == outcome
    assert result["elected"] == (["甲"] if quorum else [])


def test_ballots_issued_40_collected_41(tmp_path: Path) -> None:
    data = round_json({"甲": 30}, seats=1, present=40, issued=40, voters=41)
    result = run(data, tmp_path)
    assert result["ballots_collected"] == 41
    assert result["vote_valid"] is False
    assert result["outcome"] == "vote_void"
    assert result["elected"] == []
    assert result["unfilled_seats"] == 1


def test_over_vote(tmp_path: Path) -> None:
    names = ["甲", "乙", "丙", "丁", "戊"]
    over = {"for": [*names, "己"]}
    data = round_json(dict.fromkeys(names, 30), seats=5, extra=[over])
    data["candidates"].append("己")
    result = run(data, tmp_path)
    assert (result["ballots_collected"], result["ballots_valid"], result["ballots_void"]) == (
        40,
        39,
        1,
    )
    assert sorted(result["elected"]) == sorted(names)
    assert result["results"][-1] == {
        "name": "己",
        "for": 0,
        "against": 0,
        "abstain": 39,
        "write_in": False,
    }


def test_exactly_half(tmp_path: Path) -> None:
    result = run(round_json({"甲": 20}, seats=1, present=40), tmp_path)
    assert result["votes_needed"] == 21
    assert result["elected"] == []
    assert result["outcome"] == "shortfall"


def test_local_base(tmp_path: Path) -> None:
    data = round_json({"甲": 145}, seats=1, profile="local_congress", due=300, present=280)
    result = run(data, tmp_path)
    assert (result["threshold_base"], result["votes_needed"]) == (300, 151)
    assert result["elected"] == []


def test_ranking(tmp_path: Path) -> None:
    # 35/30/28/25/10 cannot fit on 40 ballots of three marks; same shape with 22 and 5.
    data = round_json({"甲": 35, "乙": 30, "丙": 28, "丁": 22, "戊": 5}, seats=3)
    result = run(data, tmp_path)
    assert [r["name"] for r in result["results"]] == ["甲", "乙", "丙", "丁", "戊"]
    assert result["elected"] == ["乙", "丙", "甲"]
    assert result["outcome"] == "complete"


def test_tie(tmp_path: Path) -> None:
    data = round_json({"甲": 35, "乙": 30, "丙": 28, "丁": 28}, seats=3, due=50, present=45)
    result = run(data, tmp_path)
    assert result["elected"] == ["乙", "甲"]
    assert result["runoff"] == {"candidates": ["丁", "丙"], "seats": 1}
    assert result["unfilled_seats"] == 1
    assert result["outcome"] == "runoff"


def test_shortfall(tmp_path: Path) -> None:
    votes = {"甲": 35, "乙": 30, "丙": 28, "丁": 20, "戊": 10, "己": 5}
    result = run(round_json(votes, seats=5), tmp_path)
    assert sorted(result["elected"]) == sorted(["甲", "乙", "丙"])
    assert result["unfilled_seats"] == 2
    assert result["outcome"] == "shortfall"


def test_write_in(tmp_path: Path) -> None:
    data = {
        "profile": "grassroots",
        "seats": 2,
        "due_voters": 50,
        "present_voters": 40,
        "ballots_issued": 40,
        "candidates": ["甲", "乙", "丙"],
        "ballots": [
            {
                "count": 22,
                "for": ["甲"],
                "against": ["丙"],
                "write_ins": [{"in_place_of": "丙", "name": "王新"}],
            },
            {"count": 18, "for": ["甲", "乙"]},
        ],
    }
    result = run(data, tmp_path)
    assert result["results"][1] == {
        "name": "王新",
        "for": 22,
        "against": 0,
        "abstain": 0,
        "write_in": True,
    }
    assert result["elected"] == ["王新", "甲"]
    assert result["outcome"] == "complete"


def test_write_in_beside_an_abstention_is_void(tmp_path: Path) -> None:
    write_in = {"in_place_of": "乙", "name": "王新"}
    data = with_(
        due_voters=40,
        present_voters=40,
        ballots_issued=40,
        ballots=[
            {"count": 30, "for": ["甲"]},
            {"count": 10, "for": ["甲"], "write_ins": [write_in]},
        ],
    )
    result = run(data, tmp_path)
    assert [r["name"] for r in result["results"]] == ["甲", "乙"]
    assert result["results"][1]["abstain"] == 40
    assert result["ballots_void"] == 0


GOOD = {
    "profile": "grassroots",
    "seats": 1,
    "due_voters": 10,
    "present_voters": 10,
    "ballots_issued": 10,
    "candidates": ["甲", "乙"],
    "ballots": [{"count": 6, "for": ["甲"]}],
}


def with_(**changes: Any) -> dict[str, Any]:
    return {**GOOD, **changes}


def without(field: str) -> dict[str, Any]:
    return {key: value for key, value in GOOD.items() if key != field}


@pytest.mark.parametrize(
    ("data", "mentions"),
    [
        (without("seats"), "seats"),
        (without("ballots"), "ballots"),
        (without("profile"), "profile"),
        (with_(profile="national"), "profile"),
        (with_(seats="3"), "seats"),
        (with_(seats=True), "seats"),
        (with_(due_voters=-1), "due_voters"),
        (with_(present_voters=11), "present_voters"),
        (with_(candidates="甲"), "candidates"),
        (with_(candidates=["甲", "甲"]), "candidates"),
        (with_(ballots={"count": 1}), "ballots"),
        (with_(ballots=[{"count": -2}]), "ballots[0].count"),
        (with_(ballots=[{"count": 1.5}]), "ballots[0].count"),
        (with_(ballots=[{"for": ["外人"]}]), "ballots[0].for[0]"),
        (with_(ballots=[{"against": ["甲", "外人"]}]), "ballots[0].against[1]"),
        (with_(ballots=[{"for": ["甲"], "against": ["甲"]}]), "ballots[0].against"),
        (with_(ballots=[{}, {"void": "yes"}]), "ballots[1].void"),
        (
            with_(ballots=[{"against": ["甲"], "write_ins": [{"in_place_of": "甲"}]}]),
            "ballots[0].write_ins[0].name",
        ),
        (
            with_(ballots=[{"write_ins": [{"in_place_of": "外人", "name": "王"}]}]),
            "ballots[0].write_ins[0].in_place_of",
        ),
        (
            with_(
                ballots=[{"against": ["甲"], "write_ins": [{"in_place_of": "甲", "name": "乙"}]}]
            ),
            "ballots[0].write_ins[0].name",
        ),
        ([1, 2], "JSON 对象"),
    ],
)
def test_malformed_input_exits_2_naming_the_field(
    data: object, mentions: str, tmp_path: Path
) -> None:
    assert mentions in fails(data, tmp_path)


def test_bad_json_exits_2(tmp_path: Path) -> None:
    assert "JSON 格式错误" in fails(None, tmp_path, raw='{"profile": ')


def test_missing_file_exits_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("count", str(tmp_path / "nope.json"))
    assert caught.value.returncode == 2


def _cli(stdin: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(  # noqa: S603 -- our own console script, fixed arguments
        [str(BIN), "count", "-"], input=stdin, capture_output=True, text=True, env=env, check=False
    )


@pytest.mark.skipif(not BIN.exists(), reason="console script not installed")
def test_the_console_script_reads_stdin_and_prints_chinese_json() -> None:
    done = _cli(json.dumps(GOOD))
    assert done.returncode == 0, done.stderr
    assert '"elected": [\n    "甲"\n  ]' in done.stdout
    assert json.loads(done.stdout)["outcome"] == "complete"


@pytest.mark.skipif(not BIN.exists(), reason="console script not installed")
def test_the_console_script_exits_2_with_a_chinese_error() -> None:
    done = _cli(json.dumps(with_(profile="x")))
    assert done.returncode == 2
    assert "字段 profile" in done.stderr
    assert done.stdout == ""


def _doc_examples() -> list[tuple[str, str]]:
    doc = Path(__file__).resolve().parents[2] / "docs" / "counting.md"
    blocks = re.findall(r"```json\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
    return [(blocks[i], blocks[i + 1]) for i in range(0, 6, 2)]


@pytest.mark.parametrize(("given", "printed"), _doc_examples())
def test_the_documented_examples_print_exactly_what_the_docs_say(
    given: str, printed: str, tmp_path: Path
) -> None:
    path = tmp_path / "round.json"
    path.write_text(given, encoding="utf-8")
    out = StringIO()
    call_command("count", str(path), stdout=out)
    assert out.getvalue() == printed


def test_groups_counted_by_hand_add_their_totals(tmp_path: Path) -> None:
    data = {
        "profile": "grassroots",
        "seats": 1,
        "due_voters": 6,
        "present_voters": 6,
        "ballots_issued": 6,
        "candidates": ["甲", "乙"],
        "ballots": [{"count": 2, "for": ["甲"]}],
        "groups": [
            {"valid": 3, "void": 1, "for": {"甲": 2}, "against": {"乙": 1}, "write_ins": {"丙": 1}}
        ],
    }
    out = run(data, tmp_path)
    assert (out["ballots_collected"], out["ballots_valid"], out["ballots_void"]) == (6, 5, 1)
    people = {r["name"]: (r["for"], r["against"], r["abstain"]) for r in out["results"]}
    assert people == {"甲": (4, 0, 1), "乙": (0, 1, 4), "丙": (1, 0, 0)}
    assert out["elected"] == ["甲"]


def test_impossible_group_totals_exit_2(tmp_path: Path) -> None:
    data = {
        "profile": "grassroots",
        "seats": 1,
        "due_voters": 6,
        "present_voters": 6,
        "ballots_issued": 6,
        "candidates": ["甲", "乙"],
        "ballots": [],
        "groups": [{"valid": 2, "for": {"甲": 2, "乙": 1}}],
    }
    assert "groups[0]" in fails(data, tmp_path)
