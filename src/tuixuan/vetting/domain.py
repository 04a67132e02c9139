"""The rules of 考察 and 审查 that need no database (docs/domain.md §3.5,
docs/domain.md §3.6, docs/domain.md §5.2).

A case is one person on an election unit's 考察对象 list. It goes

    待考察 → 考察中 → 待研究 → 列为初步人选
                                ↘ 不予考虑 / 本人退出 (from any open status)

and a case that is 不予考虑 or 本人退出 never comes back. ``blockers`` lists, in Chinese
sentences, everything that still stands between a case and the collective decision that
makes the person a preliminary candidate; the decision takes only cases without any.
Pure: no Django import; integers and dates only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from tuixuan.core.errors import InvalidTransitionError, ValidationFailedError


class VettingError(ValidationFailedError):
    """Input refused; the message names the field, row or person and the reason."""


class VettingTransitionError(InvalidTransitionError):
    pass


class Status(StrEnum):
    PENDING = "pending"
    INSPECTING = "inspecting"
    TO_DECIDE = "to_decide"
    SELECTED = "selected"
    NOT_CONSIDERED = "not_considered"
    WITHDRAWN = "withdrawn"


STATUS_LABELS: dict[Status, str] = {
    Status.PENDING: "待考察",
    Status.INSPECTING: "考察中",
    Status.TO_DECIDE: "待研究",
    Status.SELECTED: "列为初步人选",
    Status.NOT_CONSIDERED: "不予考虑",
    Status.WITHDRAWN: "本人退出",
}

_LEAVE = frozenset({Status.NOT_CONSIDERED, Status.WITHDRAWN})
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PENDING: frozenset({Status.INSPECTING}) | _LEAVE,
    Status.INSPECTING: frozenset({Status.TO_DECIDE}) | _LEAVE,
    Status.TO_DECIDE: frozenset({Status.SELECTED}) | _LEAVE,
    # A preliminary candidate can still leave (an objection found true during the notice,
    # or the person withdraws); the public-notice app moves it on from here.
    Status.SELECTED: _LEAVE,
    Status.NOT_CONSIDERED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
OPEN = frozenset({Status.PENDING, Status.INSPECTING, Status.TO_DECIDE})
"""Statuses in which the checks still run and a change in the registry flags the case."""


def can_move(current: str, target: str) -> bool:
    return Status(target) in TRANSITIONS[Status(current)]


def check_transition(current: str, target: str) -> None:
    cur, tgt = Status(current), Status(target)
    if tgt not in TRANSITIONS[cur]:
        if not TRANSITIONS[cur]:
            raise VettingTransitionError(f"该考察对象已“{STATUS_LABELS[cur]}”，不能再变更。")
        raise VettingTransitionError(
            f"考察对象当前为“{STATUS_LABELS[cur]}”，不能变为“{STATUS_LABELS[tgt]}”。"
        )


# --- vocabularies and defaults -------------------------------------------------------------

DISQUALIFICATIONS: tuple[str, ...] = (
    "政治上不合格",
    "廉洁上有风险",
    "干部档案有问题",
    "党员身份存疑",
    "举报反映问题没有查清",
    "目前还在处分影响期内",
)
"""The one-vote veto (docs/domain.md §5.2); a campaign's ``disqualification_reasons`` may
add to them."""

NOT_CONSIDERED_REASONS: tuple[str, ...] = (
    "一票否决",
    "考察组意见不同意列为初步人选",
    "民主测评结果不理想",
    "结构比例调整",
    "集体研究未列为初步人选",
    "其他",
)
"""Why a case is set aside (docs/domain.md §3.10); "其他" needs the detail written out."""

WITHDRAWAL_REASONS: tuple[str, ...] = ("本人申请退出", "工作调动", "健康原因", "其他")

CHECK_ITEMS: tuple[str, ...] = (
    "党员档案",
    "职业身份",
    "现实表现",
    "奖惩情况",
    "群众评价",
    "线索具体的信访举报",
)
"""六必查 (docs/domain.md §3.5)."""

DEFAULT_DEPARTMENTS: tuple[str, ...] = ("纪检", "公安", "审计", "综治", "信访", "卫生计生")
"""六联审, the six the city names."""

DEPARTMENTS_15: tuple[str, ...] = (
    "纪检监察",
    "组织",
    "宣传",
    "统战",
    "政法",
    "公安",
    "法院",
    "检察院",
    "审计",
    "信访",
    "卫生健康",
    "市场监管",
    "税务",
    "自然资源",
    "生态环境",
)
"""A preset of fifteen as a county consulted (纪检监察, 政法, 统战 and 信访 among
fifteen; the others are the usual ones and can be edited)."""

EVALUATION_DIMENSIONS: tuple[str, ...] = (
    "政治表现",
    "品德修养",
    "工作实绩",
    "廉洁自律",
    "议政能力",
)
GRADES: tuple[str, ...] = ("优秀", "称职", "基本称职", "不称职")


def dimensions_in_order(
    names: Iterable[str], order: Sequence[str] = EVALUATION_DIMENSIONS
) -> list[str]:
    """The dimensions of a stored evaluation in the order of ``order`` (the campaign's list),
    the others after it by name: a stored mapping does not keep its order on every database
    (PostgreSQL's jsonb sorts its keys)."""
    rank = {name: i for i, name in enumerate(order)}
    return sorted(names, key=lambda n: (rank.get(n, len(rank)), n))


TALK_CATEGORIES: tuple[str, ...] = ("领导班子成员", "党员", "群众")
FOUR_MUSTS: tuple[str, ...] = (
    "干部档案必审",
    "个人有关事项报告必核",
    "纪检监察机关意见必听",
    "线索具体的信访举报必查",
)
"""四必 for leading cadres (docs/domain.md §3.5)."""

DEPARTMENT_REPLY_WORKING_DAYS = 5
"""Default time a department has to answer, in working days after the request is sent."""


class Finding(StrEnum):
    CLEAR = "clear"
    PROBLEM = "problem"


FINDING_LABELS = {Finding.CLEAR: "无问题", Finding.PROBLEM: "有问题"}


class Reply(StrEnum):
    CLEAR = "clear"
    PROBLEM = "problem"
    FURTHER = "further"


REPLY_LABELS = {Reply.CLEAR: "无不良记录", Reply.PROBLEM: "有问题", Reply.FURTHER: "需进一步核查"}
REPLY_BY_LABEL = {v: k for k, v in REPLY_LABELS.items()}


class Opinion(StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"


OPINION_LABELS = {Opinion.AGREE: "同意列为初步人选", Opinion.DISAGREE: "不同意列为初步人选"}


# --- the list settings -------------------------------------------------------------------


def list_problems(items: Sequence[str], *, what: str, minimum: int = 1) -> list[str]:
    """A settings list: at least ``minimum`` names, none blank, none twice, none too long."""
    problems: list[str] = []
    clean = [i.strip() for i in items]
    if len([i for i in clean if i]) < minimum:
        problems.append(f"{what}至少需要 {minimum} 项")
    if any(not i for i in clean):
        problems.append(f"{what}中有空白项")
    twice = sorted({i for i in clean if i and clean.count(i) > 1})
    if twice:
        problems.append(f"{what}中重复：" + "、".join(twice))
    long = [i for i in clean if len(i) > 32]
    if long:
        problems.append(f"{what}中“{long[0]}”过长（最多32字）")
    return problems


# --- evaluation ----------------------------------------------------------------------------


def evaluation_problems(
    *,
    dimensions: Sequence[str],
    counts: Mapping[str, Mapping[str, int]],
    due: int,
    participants: int,
) -> list[tuple[str | None, str]]:
    """A democratic evaluation's totals: every dimension graded, each dimension's grade counts
    adding up to the participants, participants no more than were due to take part."""
    problems: list[tuple[str | None, str]] = []
    if due <= 0:
        problems.append(("due", "应参加测评人数必须大于 0"))
    if participants <= 0:
        problems.append(("participants", "实参加测评人数必须大于 0"))
    if participants > due > 0:
        problems.append(("participants", f"实参加测评 {participants} 人多于应参加 {due} 人"))
    unknown = sorted(set(counts) - set(dimensions))
    if unknown:
        problems.append(("counts", "不是本次测评的维度：" + "、".join(unknown)))
    for dim in dimensions:
        row = counts.get(dim)
        if row is None:
            problems.append(("counts", f"“{dim}”没有填写测评结果"))
            continue
        bad_grades = sorted(set(row) - set(GRADES))
        if bad_grades:
            problems.append(("counts", f"“{dim}”中有未知的等次：" + "、".join(bad_grades)))
        if any(n < 0 for n in row.values()):
            problems.append(("counts", f"“{dim}”的票数不能为负数"))
        total = sum(row.get(g, 0) for g in GRADES)
        if total != participants:
            problems.append(
                ("counts", f"“{dim}”各等次合计 {total} 票，与实参加测评 {participants} 人不符")
            )
    return problems


# --- the collective decision -------------------------------------------------------------


def decision_problems(
    *,
    decided_on: dt.date,
    today: dt.date,
    stage_start: dt.date | None,
    due: int,
    present: int,
    votes: Mapping[str, int],
) -> list[tuple[str | None, str]]:
    """A committee's decision: dated within the stage and not ahead of today, more than half
    present (present ≤ due), each name's votes no more than those present."""
    problems: list[tuple[str | None, str]] = []
    if decided_on > today:
        problems.append(
            (
                "decided_on",
                f"研究日期{decided_on.isoformat()}晚于今天（{today.isoformat()}），"
                "不能记录尚未发生的事",
            )
        )
    if stage_start is not None and decided_on < stage_start:
        problems.append(
            (
                "decided_on",
                f"研究日期{decided_on.isoformat()}早于考察开始的日期（{stage_start.isoformat()}）",
            )
        )
    if due <= 0:
        problems.append(("attendance_due", "应到会人数必须大于 0"))
    if present > due:
        problems.append(("attendance_present", f"实到 {present} 人多于应到 {due} 人"))
    elif due > 0 and 2 * present <= due:
        problems.append(("attendance_present", f"实到 {present} 人，未超过应到 {due} 人的半数"))
    for name, n in votes.items():
        if n < 0:
            problems.append(("votes", f"“{name}”的票数不能为负数"))
        elif n > present:
            problems.append(("votes", f"“{name}”得 {n} 票，多于实到 {present} 人"))
    return problems


def passes(votes: int, present: int) -> bool:
    """Agreed by more than half of those present."""
    return 2 * votes > present


# --- blockers ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DepartmentFacts:
    name: str
    sent: bool = False
    reply: str | None = None
    """A ``Reply`` value, or None while unanswered."""
    due_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known about one case, read from the database by the selectors."""

    today: dt.date
    notice_issued: bool = False
    talks: int = 0
    evaluation_entered: bool = False
    report_written: bool = False
    report_signed: bool = False
    opinion: str | None = None
    check_items: Mapping[str, str | None] = field(default_factory=dict)
    """Each 六必查 item of the campaign → its ``Finding`` value, None when not checked."""
    departments: Sequence[DepartmentFacts] = ()
    is_cadre: bool = False
    cadre_checks: Mapping[str, str | None] = field(default_factory=dict)
    """Each 四必 item → its ``Finding`` value, None when not done (cadres only)."""
    open_vetoes: Sequence[str] = ()
    """The reason of every veto not lifted."""
    overlap_warning: bool = False
    exempted: bool = False
    flag: str = ""
    """What a later change in the registry found that no veto covers (rights suspended,
    probationary); cleared by the next re-check that no longer finds it."""


def blockers(facts: Facts) -> list[str]:
    """Everything that keeps the case from the decision on preliminary candidates."""
    out: list[str] = []
    if not facts.notice_issued:
        out.append("尚未发布考察预告")
    if facts.talks <= 0:
        out.append("尚未记录个别谈话")
    if not facts.evaluation_entered:
        out.append("尚未录入民主测评结果")
    if not facts.report_written:
        out.append("考察尚未完成：考察材料尚未形成")
    elif not facts.report_signed:
        out.append("考察组意见尚未由考察组组长签署")
    elif facts.opinion == Opinion.DISAGREE:
        out.append("考察组意见为不同意列为初步人选")
    for item, finding in facts.check_items.items():
        if finding is None:
            out.append(f"六必查“{item}”尚未核查")
    for d in facts.departments:
        if not d.sent:
            out.append(f"尚未征求{d.name}部门意见")
        elif d.reply is None:
            if d.due_on is not None and facts.today > d.due_on:
                out.append(f"{d.name}部门逾期未回复（应于 {d.due_on.isoformat()} 前回复）")
            else:
                out.append(f"{d.name}部门尚未回复")
        elif d.reply == Reply.FURTHER:
            out.append(f"{d.name}部门意见为需进一步核查")
    if facts.is_cadre:
        for item, finding in facts.cadre_checks.items():
            if finding is None:
                out.append(f"四必“{item}”尚未完成")
    for reason in facts.open_vetoes:
        out.append(f"一票否决：{reason}（未经集体研究解除）")
    if facts.overlap_warning and not facts.exempted:
        out.append("系同级人大代表或政协委员，一般不交叉，尚无豁免决定")
    if facts.flag:
        out.append(f"资格复核：{facts.flag}")
    return out


def overdue(due_on: dt.date | None, today: dt.date, answered: bool) -> bool:
    return not answered and due_on is not None and today > due_on
