"""The two workbooks vetting hands out and takes back: the democratic-evaluation sheet of a
team and the reply sheet of a department request.

Written with the project's Excel toolkit (``core.documents.excel``); read with the
registry's readers (header found among the first rows, synonyms accepted, .xlsx read in the
limited child process of ``core.workbooks``). Reading only parses and checks cells; the
services match rows to cases and write in one transaction, or nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from tuixuan.core.documents.excel import SheetSpec, write_table
from tuixuan.registry.importing.common import RowError
from tuixuan.registry.importing.readers import Column, Table, read_table
from tuixuan.registry.importing.values import Cell, norm, parse_date
from tuixuan.vetting import domain

ID_COLUMN = Column("citizen_id", "公民身份号码", ("身份证号", "身份证号码", "证件号码"))
NAME_COLUMN = Column("name", "姓名")


def _grade_field(i: int, j: int) -> str:
    return f"g{i}_{j}"


def evaluation_columns(dimensions: Sequence[str]) -> list[Column]:
    cols = [
        ID_COLUMN,
        NAME_COLUMN,
        Column("held_on", "测评日期"),
        Column("due", "应参加测评人数", ("应参加人数",)),
        Column("participants", "实参加测评人数", ("实参加人数",)),
    ]
    for i, dim in enumerate(dimensions):
        for j, grade in enumerate(domain.GRADES):
            cols.append(Column(_grade_field(i, j), f"{dim}-{grade}", (f"{dim}{grade}",)))
    return cols


REPLY_COLUMNS = (
    ID_COLUMN,
    NAME_COLUMN,
    Column("outcome", "审查意见", ("意见", "部门意见")),
    Column("detail", "具体情况", ("情况说明", "问题描述"), required=False),
    Column("reviewer", "审查人", ("经办人",)),
    Column("replied_on", "回复日期", ("审查日期",)),
)


@dataclass(frozen=True)
class PersonRow:
    """What a sheet may say about a person: name, ID, organisation, post — nothing else."""

    name: str
    citizen_id: str
    organisation: str
    post: str


def _bytes(sheets: Sequence[SheetSpec]) -> bytes:
    out = io.BytesIO()
    write_table(out, sheets)
    return out.getvalue()


def evaluation_sheet(
    *, title: str, persons: Sequence[PersonRow], dimensions: Sequence[str]
) -> bytes:
    """One row per person of the team, the count columns empty for the team to fill in."""
    headers = [c.header for c in evaluation_columns(dimensions)]
    blank: list[None] = [None] * (len(headers) - 2)
    rows = [[p.citizen_id, p.name, *blank] for p in persons]
    return _bytes([("民主测评", title, headers, rows)])


def reply_sheet(*, title: str, persons: Sequence[PersonRow]) -> bytes:
    """The persons sent to one department, with the columns it answers in."""
    headers = [
        "公民身份号码",
        "姓名",
        "工作单位",
        "现任职务",
        "审查意见",
        "具体情况",
        "审查人",
        "回复日期",
    ]
    rows = [[p.citizen_id, p.name, p.organisation, p.post, None, None, None, None] for p in persons]
    return _bytes(
        [("联审回复", title + "（审查意见填：无不良记录、有问题或需进一步核查）", headers, rows)]
    )


# --- reading ------------------------------------------------------------------------------


@dataclass
class EvaluationRow:
    row: int
    citizen_id: str
    held_on: dt.date
    due: int
    participants: int
    counts: dict[str, dict[str, int]]


@dataclass
class ReplyRow:
    row: int
    citizen_id: str
    outcome: str
    detail: str
    reviewer: str
    replied_on: dt.date


T = TypeVar("T")


@dataclass
class Parsed(Generic[T]):
    rows: list[T] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _table(path: Path, columns: Sequence[Column]) -> tuple[Table, list[RowError]]:
    table = read_table(path, columns)
    errors = [RowError(table.header_row, c.header, "缺少该列") for c in table.missing]
    return table, errors


def _cell(table: Table, name: str, i: int) -> Cell:
    col = table.columns.get(name)
    return col[i] if col is not None and i < len(col) else None


def _int(value: Cell) -> int | None:
    text = norm(value)
    if isinstance(text, dt.date) or not text.isdigit():
        return None
    return int(text)


def _date(value: Cell) -> dt.date | str:
    text = norm(value)
    parsed = parse_date(text)
    if parsed is None:
        return "不能为空"
    if not isinstance(parsed, str):
        return parsed.reason
    return dt.date.fromisoformat(parsed)


def _text(value: Cell) -> str:
    text = norm(value)
    return text.isoformat() if isinstance(text, dt.date) else text


def read_evaluations(path: Path, dimensions: Sequence[str]) -> Parsed[EvaluationRow]:
    columns = evaluation_columns(dimensions)
    table, errors = _table(path, columns)
    out: Parsed[EvaluationRow] = Parsed(errors=errors)
    if errors:
        return out
    heads = table.headers
    for i, number in enumerate(table.row_numbers):
        bad: list[RowError] = []
        cid = _text(_cell(table, "citizen_id", i)).upper()
        if not cid:
            bad.append(RowError(number, heads["citizen_id"], "不能为空"))
        held = _date(_cell(table, "held_on", i))
        if isinstance(held, str):
            bad.append(RowError(number, heads["held_on"], held))
        numbers: dict[str, int] = {}
        for key in ("due", "participants"):
            n = _int(_cell(table, key, i))
            if n is None:
                bad.append(RowError(number, heads[key], "应为非负整数"))
            else:
                numbers[key] = n
        counts: dict[str, dict[str, int]] = {}
        for a, dim in enumerate(dimensions):
            counts[dim] = {}
            for b, grade in enumerate(domain.GRADES):
                key = _grade_field(a, b)
                raw = _cell(table, key, i)
                n = 0 if _text(raw) == "" else _int(raw)
                if n is None:
                    bad.append(RowError(number, heads[key], "应为非负整数"))
                else:
                    counts[dim][grade] = n
        if bad:
            out.errors += bad
            continue
        assert not isinstance(held, str)  # noqa: S101 (narrowing)
        out.rows.append(
            EvaluationRow(number, cid, held, numbers["due"], numbers["participants"], counts)
        )
    return out


def read_replies(path: Path) -> Parsed[ReplyRow]:
    table, errors = _table(path, REPLY_COLUMNS)
    out: Parsed[ReplyRow] = Parsed(errors=errors)
    if errors:
        return out
    heads = table.headers
    for i, number in enumerate(table.row_numbers):
        bad: list[RowError] = []
        cid = _text(_cell(table, "citizen_id", i)).upper()
        if not cid:
            bad.append(RowError(number, heads["citizen_id"], "不能为空"))
        label = _text(_cell(table, "outcome", i))
        outcome = domain.REPLY_BY_LABEL.get(label)
        if outcome is None:
            bad.append(
                RowError(
                    number,
                    heads["outcome"],
                    f"“{label}”不是审查意见，应为无不良记录、有问题或需进一步核查"
                    if label
                    else "不能为空",
                )
            )
        detail = _text(_cell(table, "detail", i))
        if outcome in (domain.Reply.PROBLEM, domain.Reply.FURTHER) and not detail:
            bad.append(RowError(number, heads["detail"], f"意见为“{label}”时须写明具体情况"))
        reviewer = _text(_cell(table, "reviewer", i))
        if not reviewer:
            bad.append(RowError(number, heads["reviewer"], "不能为空"))
        replied = _date(_cell(table, "replied_on", i))
        if isinstance(replied, str):
            bad.append(RowError(number, heads["replied_on"], replied))
        if bad:
            out.errors += bad
            continue
        assert outcome is not None and not isinstance(replied, str)  # noqa: S101 (narrowing)
        out.rows.append(ReplyRow(number, cid, outcome.value, detail, reviewer[:64], replied))
    return out
