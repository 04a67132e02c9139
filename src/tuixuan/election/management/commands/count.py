"""``tuixuan count FILE``: count one round from a JSON description, print the JSON result.

The tellers' figures go in, the result defined by docs/domain.md §6 comes out, with no database:
the same function the election app uses, so a disputed count can be re-run by anyone from
the recorded input.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tuixuan.election.counting import (
    Ballot,
    GroupTally,
    Profile,
    Round,
    RoundResult,
    WriteIn,
    check_tally,
    count_round,
)

EXIT_BAD_INPUT = 2


class InputError(Exception):
    pass


def _field(data: Mapping[str, Any], name: str, path: str) -> Any:
    if name not in data:
        raise InputError(_("缺少字段 %(field)s") % {"field": f"{path}{name}"})
    return data[name]


def _count(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(_("字段 %(field)s 应为整数") % {"field": path})
    if value < 0:
        raise InputError(_("字段 %(field)s 不能为负数") % {"field": path})
    return value


def _names(value: Any, path: str) -> list[str]:
    if not isinstance(value, list):
        raise InputError(_("字段 %(field)s 应为姓名列表") % {"field": path})
    for index, name in enumerate(value):
        if not isinstance(name, str) or not name.strip():
            raise InputError(_("字段 %(field)s 应为非空姓名") % {"field": f"{path}[{index}]"})
    return [name.strip() for name in value]


def _known(names: list[str], candidates: set[str], path: str) -> frozenset[str]:
    for index, name in enumerate(names):
        if name not in candidates:
            raise InputError(
                _("字段 %(field)s：“%(name)s”不是本轮候选人")
                % {"field": f"{path}[{index}]", "name": name}
            )
    if len(set(names)) != len(names):
        raise InputError(_("字段 %(field)s 中有重复的姓名") % {"field": path})
    return frozenset(names)


def _write_ins(value: Any, candidates: set[str], path: str) -> tuple[WriteIn, ...]:
    if not isinstance(value, list):
        raise InputError(_("字段 %(field)s 应为列表") % {"field": path})
    result: list[WriteIn] = []
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        if not isinstance(item, dict):
            raise InputError(_("字段 %(field)s 应为对象") % {"field": where})
        place = _names([_field(item, "in_place_of", f"{where}.")], f"{where}.in_place_of")[0]
        name = _names([_field(item, "name", f"{where}.")], f"{where}.name")[0]
        if place not in candidates:
            raise InputError(
                _("字段 %(field)s：“%(name)s”不是本轮候选人")
                % {"field": f"{where}.in_place_of", "name": place}
            )
        if name in candidates:
            raise InputError(
                _("字段 %(field)s：另选他人不能写本轮候选人“%(name)s”")
                % {"field": f"{where}.name", "name": name}
            )
        if any(w.in_place_of == place for w in result):
            raise InputError(
                _("字段 %(field)s：同一候选人位置只能另选一人") % {"field": f"{where}.in_place_of"}
            )
        if any(w.name == name for w in result):
            raise InputError(
                _("字段 %(field)s：同一张选票上重复另选“%(name)s”，应由监票人裁定为废票")
                % {"field": f"{where}.name", "name": name}
            )
        result.append(WriteIn(in_place_of=place, name=name))
    return tuple(result)


def _ballot(item: Any, candidates: set[str], path: str) -> Ballot:
    if not isinstance(item, dict):
        raise InputError(_("字段 %(field)s 应为对象") % {"field": path})
    in_favour = _known(_names(item.get("for", []), f"{path}.for"), candidates, f"{path}.for")
    against = _known(
        _names(item.get("against", []), f"{path}.against"), candidates, f"{path}.against"
    )
    both = sorted(in_favour & against)
    if both:
        raise InputError(
            _("字段 %(field)s：“%(name)s”同时标为赞成和不赞成")
            % {"field": f"{path}.against", "name": both[0]}
        )
    void = item.get("void", False)
    if not isinstance(void, bool):
        raise InputError(_("字段 %(field)s 应为 true 或 false") % {"field": f"{path}.void"})
    return Ballot(
        in_favour=in_favour,
        against=against,
        write_ins=_write_ins(item.get("write_ins", []), candidates, f"{path}.write_ins"),
        void=void,
        count=_count(item.get("count", 1), f"{path}.count"),
    )


def parse_round(data: Any) -> Round:
    if not isinstance(data, dict):
        raise InputError(_("输入应为一个 JSON 对象"))
    profile_name = _field(data, "profile", "")
    try:
        profile = Profile(profile_name)
    except ValueError:
        choices = "、".join(profile.value for profile in Profile)
        raise InputError(
            _("字段 profile：未知的规则“%(value)s”，应为 %(choices)s之一")
            % {"value": profile_name, "choices": choices}
        ) from None
    numbers = {
        name: _count(_field(data, name, ""), name)
        for name in ("seats", "due_voters", "present_voters", "ballots_issued")
    }
    if numbers["present_voters"] > numbers["due_voters"]:
        raise InputError(_("字段 present_voters：实到会人数不能超过应到会人数"))
    candidates = _names(_field(data, "candidates", ""), "candidates")
    if len(set(candidates)) != len(candidates):
        raise InputError(_("字段 candidates 中有重复的姓名"))
    ballots_data = _field(data, "ballots", "")
    if not isinstance(ballots_data, list):
        raise InputError(_("字段 ballots 应为列表"))
    known = set(candidates)
    ballots = tuple(
        _ballot(item, known, f"ballots[{index}]") for index, item in enumerate(ballots_data)
    )
    groups_data = data.get("groups", [])
    if not isinstance(groups_data, list):
        raise InputError(_("字段 groups 应为列表"))
    tallies = tuple(
        _group(item, known, numbers["seats"], f"groups[{index}]")
        for index, item in enumerate(groups_data)
    )
    return Round(
        profile=profile,
        seats=numbers["seats"],
        due_voters=numbers["due_voters"],
        present_voters=numbers["present_voters"],
        ballots_issued=numbers["ballots_issued"],
        candidates=tuple(candidates),
        ballots=ballots,
        tallies=tallies,
    )


def _votes(value: Any, path: str) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, dict):
        raise InputError(_("字段 %(field)s 应为“姓名: 票数”对象") % {"field": path})
    return tuple(
        (name.strip(), _count(votes, f"{path}.{name}"))
        for name, votes in value.items()
        if _names([name], path)
    )


def _group(item: Any, candidates: set[str], seats: int, path: str) -> GroupTally:
    """A group counted by hand: its valid and void ballots and the totals per person."""
    if not isinstance(item, dict):
        raise InputError(_("字段 %(field)s 应为对象") % {"field": path})
    in_favour = _votes(item.get("for", {}), f"{path}.for")
    against = _votes(item.get("against", {}), f"{path}.against")
    for field, pairs in (("for", in_favour), ("against", against)):
        _known([name for name, _v in pairs], candidates, f"{path}.{field}")
    tally = GroupTally(
        valid=_count(_field(item, "valid", f"{path}."), f"{path}.valid"),
        void=_count(item.get("void", 0), f"{path}.void"),
        in_favour=in_favour,
        against=against,
        write_ins=_votes(item.get("write_ins", {}), f"{path}.write_ins"),
    )
    try:
        check_tally(tally, candidates=tuple(sorted(candidates)), seats=seats)
    except ValueError as error:
        raise InputError(
            _("字段 %(field)s：合计数不可能由有效选票得出（%(reason)s）")
            % {"field": path, "reason": error}
        ) from error
    return tally


def result_json(result: RoundResult) -> dict[str, Any]:
    return {
        "quorum_met": result.quorum_met,
        "vote_valid": result.vote_valid,
        "ballots_collected": result.ballots_collected,
        "ballots_valid": result.ballots_valid,
        "ballots_void": result.ballots_void,
        "threshold_base": result.threshold_base,
        "votes_needed": result.votes_needed,
        "results": [
            {
                "name": person.name,
                "for": person.in_favour,
                "against": person.against,
                "abstain": person.abstain,
                "write_in": person.write_in,
            }
            for person in result.results
        ],
        "elected": list(result.elected),
        "runoff": (
            None
            if result.runoff is None
            else {"candidates": list(result.runoff.candidates), "seats": result.runoff.seats}
        ),
        "unfilled_seats": result.unfilled_seats,
        "outcome": result.outcome.value,
    }


class Command(BaseCommand):
    help = "按选举规则计票：读取一轮选举的 JSON 描述（文件或 - 表示标准输入），输出 JSON 结果"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON 文件路径，- 表示标准输入")

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["file"]
        try:
            if source == "-":
                text = sys.stdin.read()
            else:
                text = Path(source).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("无法读取文件 %(file)s：%(reason)s") % {"file": source, "reason": error},
                returncode=EXIT_BAD_INPUT,
            ) from error
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(
                _("JSON 格式错误：第 %(line)d 行第 %(column)d 列：%(reason)s")
                % {"line": error.lineno, "column": error.colno, "reason": error.msg},
                returncode=EXIT_BAD_INPUT,
            ) from error
        try:
            round_ = parse_round(data)
        except InputError as error:
            raise CommandError(str(error), returncode=EXIT_BAD_INPUT) from error
        result = count_round(round_)
        self.stdout.write(json.dumps(result_json(result), ensure_ascii=False, indent=2))
