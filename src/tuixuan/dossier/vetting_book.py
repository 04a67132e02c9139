"""The vetting sections of a book as tables, read off the person's record events
(docs/domain.md §9.3): 六必查 (one row per item, the latest check), 部门联审 (one row per
department), 四必 (one row per item, leading cadres only), 考察 (team, talks, the
democratic evaluation, the opinion) and 集体研究 (the decision and the person's votes).

Only the events' inputs are read, never the vetting tables, so the paper book says what the
record says. Every value is shown in plain Chinese: codes become their labels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from django.utils.translation import gettext as _

from tuixuan.record.events import EventType
from tuixuan.vetting import domain as vetting_domain

FINDINGS = {"clear": "无问题", "problem": "有问题"}
REPLIES = {"clear": "无不良记录", "problem": "有问题", "further": "需进一步核查"}
OPINIONS = {"agree": "同意列为初步人选", "disagree": "不同意列为初步人选"}
GRADES = ("优秀", "称职", "基本称职", "不称职")


class Raw(Protocol):
    @property
    def event_type(self) -> str: ...
    @property
    def raw(self) -> Mapping[str, Any]: ...
    @property
    def accountable_person(self) -> str: ...


def _day(value: Any) -> str:
    return str(value or "")


def _mine(rows: Any, citizen_id: str) -> Mapping[str, Any] | None:
    for row in rows or ():
        if isinstance(row, Mapping) and str(row.get("citizen_id", "")).upper() == (
            citizen_id.upper()
        ):
            return row
    return None


def six_checks(entries: Sequence[Raw]) -> tuple[list[str], list[list[str]]]:
    latest: dict[str, list[str]] = {}
    for e in entries:
        if e.event_type != EventType.VETTING_CHECK_RECORDED:
            continue
        i = e.raw
        latest[str(i.get("item", ""))] = [
            str(i.get("item", "")),
            _day(i.get("checked_on")),
            str(i.get("checked_by", "")),
            FINDINGS.get(str(i.get("finding", "")), ""),
            str(i.get("detail", "")),
        ]
    return [_("核查项目"), _("核查日期"), _("核查人"), _("结论"), _("具体情况")], list(
        latest.values()
    )


def four_musts(entries: Sequence[Raw]) -> tuple[list[str], list[list[str]]]:
    latest: dict[str, list[str]] = {}
    for e in entries:
        if e.event_type != EventType.VETTING_FOUR_MUST_RECORDED:
            continue
        i = e.raw
        latest[str(i.get("item", ""))] = [
            str(i.get("item", "")),
            _day(i.get("done_on")),
            str(i.get("done_by", "")),
            FINDINGS.get(str(i.get("finding", "")), ""),
            str(i.get("detail", "")),
        ]
    return [_("项目"), _("完成日期"), _("经办人"), _("结论"), _("具体情况")], list(latest.values())


def departments(entries: Sequence[Raw], citizen_id: str) -> tuple[list[str], list[list[str]]]:
    """One row per department: when it was asked, by when, and its answer about the person."""
    rows: dict[str, list[str]] = {}
    for e in entries:
        i = e.raw
        dept = str(i.get("department", ""))
        if not dept:
            continue
        row = rows.setdefault(dept, [dept, "", "", _("未回复"), "", "", ""])
        answer: Mapping[str, Any] | None = None
        if e.event_type == EventType.VETTING_DEPARTMENT_REQUESTED:
            row[1] = _day(i.get("sent_on"))
            row[2] = _day(i.get("due_on"))
            continue
        if e.event_type == EventType.VETTING_DEPARTMENT_REPLIED:
            answer = i
        elif e.event_type == EventType.VETTING_DEPARTMENT_REPLIES_IMPORTED:
            answer = _mine(i.get("replies"), citizen_id)
        if answer is None:
            continue
        row[2] = row[2] or _day(i.get("due_on"))
        row[3] = REPLIES.get(str(answer.get("outcome", "")), "")
        row[4] = str(answer.get("detail", ""))
        row[5] = str(answer.get("reviewer", ""))
        row[6] = _day(answer.get("replied_on"))
    return [
        _("部门"),
        _("发函日期"),
        _("回复截止"),
        _("审查意见"),
        _("具体情况"),
        _("审查人"),
        _("回复日期"),
    ], list(rows.values())


def inspection(
    entries: Sequence[Raw], citizen_id: str
) -> tuple[list[tuple[str, str]], list[list[Any]]]:
    """The inspection as label/value lines, and the evaluation table (one row per
    dimension)."""
    facts: dict[str, str] = {}
    evaluation: Mapping[str, Any] | None = None
    for e in entries:
        i = e.raw
        t = e.event_type
        if t == EventType.VETTING_CASES_ASSIGNED:
            facts[_("考察组")] = str(i.get("team", ""))
            if e.accountable_person:
                facts[_("考察组组长")] = e.accountable_person
        elif t == EventType.VETTING_NOTICE_ISSUED:
            facts[_("考察时间")] = f"{_day(i.get('starts_on'))} 至 {_day(i.get('ends_on'))}"
            facts[_("考察预告")] = f"{_day(i.get('issued_on'))} 发布"
        elif t == EventType.VETTING_TALKS_RECORDED:
            counts = i.get("counts") or {}
            if isinstance(counts, Mapping):
                total = sum(int(v) for v in counts.values() if isinstance(v, int))
                facts[_("个别谈话")] = (
                    f"{total} 人（" + "、".join(f"{k} {v} 人" for k, v in counts.items()) + "）"
                )
        elif t == EventType.VETTING_EVALUATION_ENTERED:
            evaluation = i
        elif t == EventType.VETTING_EVALUATION_IMPORTED:
            evaluation = _mine(i.get("rows"), citizen_id) or evaluation
        elif t == EventType.VETTING_REPORT_WRITTEN:
            label = OPINIONS.get(str(i.get("opinion", "")), "")
            reasons = str(i.get("reasons", ""))
            facts[_("考察组意见")] = label + (f"（{reasons}）" if reasons else "")
        elif t == EventType.VETTING_REPORT_SIGNED:
            facts[_("组长签署")] = f"{e.accountable_person} {_day(i.get('signed_on'))}"
    table: list[list[Any]] = []
    if evaluation is not None:
        facts[_("民主测评")] = (
            f"{_day(evaluation.get('held_on'))}，应参加 {evaluation.get('due', '')} 人，"
            f"实参加 {evaluation.get('participants', '')} 人"
        )
        counts = evaluation.get("counts") or {}
        if isinstance(counts, Mapping):
            entered = evaluation.get("dimensions")
            order = [str(d) for d in entered] if isinstance(entered, list) else []
            for dim in vetting_domain.dimensions_in_order(
                counts, order or vetting_domain.EVALUATION_DIMENSIONS
            ):
                row = counts[dim]
                if isinstance(row, Mapping):
                    table.append([str(dim), *(row.get(g, 0) for g in GRADES)])
    return list(facts.items()), table


EVALUATION_HEADERS = [_("测评维度"), *GRADES]


def decision(entries: Sequence[Raw], citizen_id: str) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    for e in entries:
        i = e.raw
        if e.event_type == EventType.VETTING_CANDIDATES_DECIDED:
            mine = _mine(i.get("votes"), citizen_id)
            lines.append((_("研究日期"), _day(i.get("decided_on"))))
            lines.append(
                (
                    _("到会情况"),
                    f"应到 {i.get('attendance_due', '')} 人，"
                    f"实到 {i.get('attendance_present', '')} 人",
                )
            )
            if mine is not None:
                lines.append(
                    (
                        _("研究结果"),
                        f"同意 {mine.get('votes', '')} 票，"
                        + (_("列为初步人选") if mine.get("selected") else _("未列为初步人选")),
                    )
                )
            lines.append((_("责任人"), e.accountable_person))
        elif e.event_type == EventType.VETTING_VETO_LIFTED:
            lines.append(
                (
                    _("解除一票否决"),
                    f"{_day(i.get('decided_on'))}集体研究解除（{i.get('reason_vetoed', '')}）："
                    f"{i.get('lift_reason', '')}",
                )
            )
    return lines


Table = tuple[list[str], list[list[Any]]]


def tables(section: str, entries: Sequence[Raw], citizen_id: str) -> list[Table]:
    """The tables of one vetting section (headers, rows); none when the section holds
    nothing of the vetting (other stages' events keep their list)."""
    out: list[Table] = []
    if section == "six_checks":
        out.append(six_checks(entries))
    elif section == "four_musts":
        out.append(four_musts(entries))
    elif section == "joint_review":
        out.append(departments(entries, citizen_id))
    elif section == "inspection":
        facts, table = inspection(entries, citizen_id)
        out.append(([_("项目"), _("情况")], [[k, v] for k, v in facts]))
        out.append((EVALUATION_HEADERS, table))
    elif section == "decision":
        out.append(([_("项目"), _("情况")], [[k, v] for k, v in decision(entries, citizen_id)]))
    return [(h, rows) for h, rows in out if rows]


def blocks(m: Any, section: str, entries: Sequence[Raw], citizen_id: str) -> list[Any]:
    """The same tables for ``pdf`` or ``word``."""
    out: list[Any] = [m.data_table(h, rows) for h, rows in tables(section, entries, citizen_id)]
    if out:
        out.append(m.spacer(3))
    return out
