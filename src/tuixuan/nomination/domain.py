"""The rules of the nomination workflow that do not need the database.

A branch report goes 填报中 → 已报送 and never back: after submission only a recorded
correction by the level above changes its counts. A list goes 已集体研究确定 → 已下发征求意见
(the shortlist), and either of them → 已决定重新研究 by a recorded decision (``list_reopen``),
after which the level decides a new list. A unit's 一上 and 二上 go 进行中 → 已结束 and never
back. Rates are exact fractions; percentages are for display only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from tuixuan.campaign.rules._format import percent as campaign_percent
from tuixuan.core.errors import InvalidTransitionError, ValidationFailedError

REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"submitted"}),
    "submitted": frozenset(),
}
LIST_TRANSITIONS: dict[str, frozenset[str]] = {
    "decided": frozenset({"handed_down", "reopened"}),
    "handed_down": frozenset({"reopened"}),
    "reopened": frozenset(),
}
UNIT_ROUND_TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"closed"}),
    "closed": frozenset(),
}
_REPORT_LABELS = {"draft": "填报中", "submitted": "已报送"}
_LIST_LABELS = {
    "decided": "已集体研究确定",
    "handed_down": "已下发征求意见",
    "reopened": "已决定重新研究",
}
_STAGE_LABELS = {"first_up": "一上", "second_up": "二上"}
_UNIT_ROUND_LABELS = {"open": "进行中", "closed": "已结束"}


class NominationError(ValidationFailedError):
    """The input was refused; the message names the row, field or person and the reason."""


class NominationTransitionError(InvalidTransitionError):
    pass


def check_report_transition(current: str, target: str) -> None:
    if target not in REPORT_TRANSITIONS[current]:
        if current == "submitted":
            raise NominationTransitionError(
                "该党组织已报送推荐结果，不能重复报送或修改；如需更正，须由上级党组织记录更正。"
            )
        raise NominationTransitionError(
            f"推荐报告当前为“{_REPORT_LABELS[current]}”，不能变为“{_REPORT_LABELS[target]}”。"
        )


def check_list_transition(current: str, target: str) -> None:
    if target not in LIST_TRANSITIONS[current]:
        raise NominationTransitionError(
            f"名单当前为“{_LIST_LABELS[current]}”，不能变为“{_LIST_LABELS[target]}”。"
        )


def check_unit_round_transition(stage: str, current: str, target: str) -> None:
    if target not in UNIT_ROUND_TRANSITIONS[current]:
        if current == "closed":
            raise NominationTransitionError(f"本选举单位的{_STAGE_LABELS[stage]}已经结束。")
        raise NominationTransitionError(
            f"{_STAGE_LABELS[stage]}当前为“{_UNIT_ROUND_LABELS[current]}”，"
            f"不能变为“{_UNIT_ROUND_LABELS[target]}”。"
        )


@dataclass(frozen=True, slots=True)
class StageFacts:
    """What closing a unit's 一上 or 二上 depends on (docs/domain.md §7.3)."""

    stage: str
    pending: Sequence[str]
    """Branches that have not reported (一上) or not answered (二上), by name."""
    late: bool
    """The stage's deadline has passed."""
    reason: str
    handed_down: bool = True
    """二上 only: the 考察对象 list has been handed down."""


def close_blockers(facts: StageFacts) -> list[tuple[str | None, str]]:
    """Why the stage cannot close now, as (field, message); empty when it can.

    Every branch has reported, or the deadline has passed and the unit writes why the rest
    are treated as 逾期未报 (the reason is kept in the record with their names)."""
    label = _STAGE_LABELS[facts.stage]
    what = "报送推荐结果" if facts.stage == "first_up" else "报送二上意见"
    if facts.stage == "second_up" and not facts.handed_down:
        return [(None, "考察对象名单尚未下发征求意见，不能结束二上")]
    if not facts.pending:
        return []
    names = "、".join(facts.pending[:3]) + ("等" if len(facts.pending) > 3 else "")
    if not facts.late:
        return [
            (
                None,
                f"尚有 {len(facts.pending)} 个党支部未{what}（{names}），"
                f"{label}截止日期前不能结束{label}",
            )
        ]
    if not facts.reason.strip():
        return [
            (
                "reason",
                f"尚有 {len(facts.pending)} 个党支部未{what}（{names}），按逾期未报处理须填写说明",
            )
        ]
    return []


def percent(value: Fraction) -> str:
    """One decimal, rounded half up on the exact value: 2/3 → 66.7%."""
    return campaign_percent(value, 1)


def rate(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)


@dataclass(frozen=True, slots=True)
class Form:
    """One member's recommendation form as entered."""

    candidates: Sequence[int]
    probationary: bool = False


def check_form(names: Sequence[str], *, limit: int) -> list[str]:
    """Why a form cannot be taken: empty, too many names, or a name twice."""
    errors: list[str] = []
    if not names:
        errors.append("推荐表至少填写 1 名推荐人选")
    if len(names) > limit:
        errors.append(f"每张推荐表最多可填 {limit} 人，本表填了 {len(names)} 人")
    twice = [name for name, n in Counter(names).items() if n > 1]
    if twice:
        errors.append("同一张推荐表中重复填写：" + "、".join(twice))
    return errors


def count_forms(forms: Iterable[Form]) -> dict[int, tuple[int, int]]:
    """Per person (votes of full members, votes of probationary members)."""
    full: Counter[int] = Counter()
    probationary: Counter[int] = Counter()
    for form in forms:
        (probationary if form.probationary else full).update(set(form.candidates))
    return {pk: (full[pk], probationary[pk]) for pk in full.keys() | probationary.keys()}


def deltas(
    old: dict[int, tuple[int, int]], new: dict[int, tuple[int, int]]
) -> list[tuple[int, int, int, int]]:
    """(person, Δvotes, Δprobationary votes, Δreports) to move a tally from old to new.

    A person counts as recommended by a report when either count is positive.
    """
    rows: list[tuple[int, int, int, int]] = []
    for pk in sorted(old.keys() | new.keys()):
        ov, op = old.get(pk, (0, 0))
        nv, np_ = new.get(pk, (0, 0))
        had, has = int(ov + op > 0), int(nv + np_ > 0)
        if (nv - ov, np_ - op, has - had) != (0, 0, 0):
            rows.append((pk, nv - ov, np_ - op, has - had))
    return rows


def quorum_met(due: int, present: int) -> bool:
    """A collective decision needs more than half of the body present."""
    return due > 0 and 2 * present > due


def is_late(deadline: dt.date | None, today: dt.date) -> bool:
    return deadline is not None and today > deadline
