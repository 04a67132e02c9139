"""The rules of 公示, objections, 二下 and 报批 that need no database (docs/domain.md §3.6,
docs/domain.md §3.7, docs/domain.md §4.3, docs/domain.md §4.5, docs/domain.md §4.6).

Three things have a status, each with its transition table:

    公示        草拟 → 公示中 → 已结束
    举报/异议    已登记 → 核查中 → 已核查 → 已办结
    预备人选名单  已研究确定 → 已报批 → 已批准
                            ↘ 已退回 (the unit decides again: a new list)
                 已研究确定 → 已另行研究 (superseded before it was submitted)

``*_blockers`` list, in Chinese sentences, what still stands between a thing and its next
step; the services refuse with the same sentences and the pages show them. Pure: no Django
import; integers, dates and ``Fraction`` only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from tuixuan.core.errors import InvalidTransitionError, ValidationFailedError
from tuixuan.core.workdays import Calendar


class NoticeError(ValidationFailedError):
    """Input refused; the message names the field or person and the reason."""


class NoticeTransitionError(InvalidTransitionError):
    pass


def _check(
    table: Mapping[StrEnum, frozenset[StrEnum]],
    labels: Mapping[StrEnum, str],
    what: str,
    current: StrEnum,
    target: StrEnum,
) -> None:
    if target not in table[current]:
        raise NoticeTransitionError(
            f"{what}当前为“{labels[current]}”，不能变为“{labels[target]}”。"
        )


# --- the notice ----------------------------------------------------------------------------


class NoticeKind(StrEnum):
    PRELIMINARY = "preliminary"
    """初步人选 (docs/domain.md §3.6), always."""
    CANDIDATES = "candidates"
    """预备人选, when the campaign asks for a second notice (as Beijing did)."""


NOTICE_KIND_LABELS = {NoticeKind.PRELIMINARY: "初步人选", NoticeKind.CANDIDATES: "预备人选"}


class NoticeStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"


NOTICE_STATUS_LABELS = {
    NoticeStatus.DRAFT: "草拟",
    NoticeStatus.PUBLISHED: "公示中",
    NoticeStatus.CLOSED: "已结束",
}
NOTICE_TRANSITIONS: dict[NoticeStatus, frozenset[NoticeStatus]] = {
    NoticeStatus.DRAFT: frozenset({NoticeStatus.PUBLISHED}),
    NoticeStatus.PUBLISHED: frozenset({NoticeStatus.CLOSED}),
    NoticeStatus.CLOSED: frozenset(),
}


def check_notice_transition(current: str, target: str) -> None:
    _check(
        NOTICE_TRANSITIONS,  # type: ignore[arg-type]
        NOTICE_STATUS_LABELS,  # type: ignore[arg-type]
        "公示",
        NoticeStatus(current),
        NoticeStatus(target),
    )


class Scope(StrEnum):
    UNIT = "unit"
    PUBLIC = "public"


SCOPE_LABELS = {Scope.UNIT: "本单位范围内", Scope.PUBLIC: "向社会公开"}

CHANNELS: tuple[str, ...] = ("公示栏", "内网", "报刊")
"""Where a notice is put up; at least one."""

MIN_WORKING_DAYS = 5
"""The floor the cadre rules set: 公示期不少于五个工作日 (docs/domain.md §3.6)."""
MAX_WORKING_DAYS = 30


def period_end(calendar: Calendar, published_on: dt.date, working_days: int) -> dt.date:
    """The last day of a notice published on ``published_on``: the n-th working day after it
    (the day of publication does not count, docs/domain.md §7.2). A year whose holidays are
    not known is refused (``UnknownYearError``), never guessed."""
    return calendar.add_working_days(published_on, working_days)


def notice_publish_blockers(
    *,
    status: str,
    persons: int,
    working_days: int,
    minimum: int,
    channels: Sequence[str],
    contact_phone: str,
    contact_address: str,
) -> list[str]:
    """What keeps a draft notice from being published."""
    out: list[str] = []
    if status != NoticeStatus.DRAFT:
        out.append(f"公示当前为“{NOTICE_STATUS_LABELS[NoticeStatus(status)]}”，不能再发布")
    if persons <= 0:
        out.append("公示名单中没有人选")
    if working_days < minimum:
        out.append(f"公示期 {working_days} 个工作日，少于规定的 {minimum} 个工作日")
    if not channels:
        out.append("尚未选择公示渠道")
    if not contact_phone.strip():
        out.append("尚未填写受理举报的联系电话")
    if not contact_address.strip():
        out.append("尚未填写受理举报的通信地址")
    return out


def notice_close_blockers(*, status: str, ends_on: dt.date | None, today: dt.date) -> list[str]:
    """A notice closes only once its whole period has passed (the day after its end date)."""
    if status == NoticeStatus.DRAFT:
        return ["公示尚未发布"]
    if status == NoticeStatus.CLOSED:
        return ["公示已经结束"]
    if ends_on is not None and today <= ends_on:
        return [f"公示期至 {ends_on.isoformat()} 结束，{ends_on.isoformat()} 之后才能结束公示"]
    return []


def extension_problems(*, current: int, new: int) -> list[str]:
    """A published period may be lengthened, never shortened."""
    if new < current:
        return [f"公示已发布，公示期不能缩短（现为 {current} 个工作日）"]
    if new == current:
        return ["公示期没有变化"]
    if new > MAX_WORKING_DAYS:
        return [f"公示期不能超过 {MAX_WORKING_DAYS} 个工作日"]
    return []


# --- objections ----------------------------------------------------------------------------


class ObjectionStatus(StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    INVESTIGATED = "investigated"
    CONCLUDED = "concluded"


OBJECTION_STATUS_LABELS = {
    ObjectionStatus.RECEIVED: "已登记",
    ObjectionStatus.ASSIGNED: "核查中",
    ObjectionStatus.INVESTIGATED: "已核查",
    ObjectionStatus.CONCLUDED: "已办结",
}
OBJECTION_TRANSITIONS: dict[ObjectionStatus, frozenset[ObjectionStatus]] = {
    ObjectionStatus.RECEIVED: frozenset({ObjectionStatus.ASSIGNED}),
    # A handler may be replaced while the investigation runs.
    ObjectionStatus.ASSIGNED: frozenset({ObjectionStatus.ASSIGNED, ObjectionStatus.INVESTIGATED}),
    ObjectionStatus.INVESTIGATED: frozenset({ObjectionStatus.CONCLUDED}),
    ObjectionStatus.CONCLUDED: frozenset(),
}
OPEN_OBJECTION = frozenset(
    {ObjectionStatus.RECEIVED, ObjectionStatus.ASSIGNED, ObjectionStatus.INVESTIGATED}
)


def check_objection_transition(current: str, target: str) -> None:
    _check(
        OBJECTION_TRANSITIONS,  # type: ignore[arg-type]
        OBJECTION_STATUS_LABELS,  # type: ignore[arg-type]
        "该举报",
        ObjectionStatus(current),
        ObjectionStatus(target),
    )


class Channel(StrEnum):
    LETTER = "letter"
    PHONE = "phone"
    VISIT = "visit"
    INTRANET = "intranet"


CHANNEL_LABELS = {
    Channel.LETTER: "来信",
    Channel.PHONE: "来电",
    Channel.VISIT: "来访",
    Channel.INTRANET: "内网公示页面留言",
}


class Conclusion(StrEnum):
    UNTRUE = "untrue"
    PARTLY = "partly"
    TRUE = "true"


CONCLUSION_LABELS = {
    Conclusion.UNTRUE: "不属实",
    Conclusion.PARTLY: "部分属实",
    Conclusion.TRUE: "属实",
}

VETO_REASON = "一票否决"
"""The 不予考虑 reason of vetting under which an objection found true sets the person aside."""


def open_objection_blocker(name: str, received: Iterable[dt.date]) -> str | None:
    """The person-level blocker: an objection not yet concluded stops the person."""
    days = sorted(received)
    if not days:
        return None
    return (
        f"“{name}”有 {len(days)} 件举报尚未办结（{days[0].isoformat()} 收到），办结前不能进入下一步"
    )


# --- the candidate list (二下, 报批) --------------------------------------------------------


class ListStatus(StrEnum):
    DECIDED = "decided"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"
    SUPERSEDED = "superseded"


LIST_STATUS_LABELS = {
    ListStatus.DECIDED: "已研究确定",
    ListStatus.SUBMITTED: "已报批",
    ListStatus.APPROVED: "已批准",
    ListStatus.RETURNED: "已退回",
    ListStatus.SUPERSEDED: "已另行研究",
}
LIST_TRANSITIONS: dict[ListStatus, frozenset[ListStatus]] = {
    ListStatus.DECIDED: frozenset({ListStatus.SUBMITTED, ListStatus.SUPERSEDED}),
    ListStatus.SUBMITTED: frozenset({ListStatus.APPROVED, ListStatus.RETURNED}),
    ListStatus.APPROVED: frozenset(),
    ListStatus.RETURNED: frozenset(),
    ListStatus.SUPERSEDED: frozenset(),
}
LIVE_LIST = frozenset({ListStatus.DECIDED, ListStatus.SUBMITTED, ListStatus.APPROVED})


def check_list_transition(current: str, target: str) -> None:
    _check(
        LIST_TRANSITIONS,  # type: ignore[arg-type]
        LIST_STATUS_LABELS,  # type: ignore[arg-type]
        "预备人选名单",
        ListStatus(current),
        ListStatus(target),
    )


class Origin(StrEnum):
    UNIT = "unit"
    HIGHER = "higher"


ORIGIN_LABELS = {Origin.UNIT: "本单位推荐", Origin.HIGHER: "上级提名"}


class Outcome(StrEnum):
    APPROVE = "approve"
    RETURN = "return"


OUTCOME_LABELS = {Outcome.APPROVE: "批准", Outcome.RETURN: "退回"}


def decision_problems(
    *,
    decided_on: dt.date,
    today: dt.date,
    earliest: dt.date | None,
    since: str,
    due: int,
    present: int,
    votes: Mapping[str, int],
) -> list[tuple[str | None, str]]:
    """A committee's collective decision: dated within the stage and not after today, more
    than half of the members due present, each name's votes no more than those present."""
    problems: list[tuple[str | None, str]] = []
    if decided_on > today:
        problems.append(
            (
                "decided_on",
                f"研究日期{decided_on.isoformat()}晚于今天（{today.isoformat()}），"
                "不能记录尚未发生的事",
            )
        )
    elif earliest is not None and decided_on < earliest:
        problems.append(
            ("decided_on", f"研究日期{decided_on.isoformat()}早于{since}（{earliest.isoformat()}）")
        )
    if due <= 0:
        problems.append(("attendance_due", "应到会人数必须大于 0"))
    elif present > due:
        problems.append(("attendance_present", f"实到 {present} 人多于应到 {due} 人"))
    elif 2 * present <= due:
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


@dataclass(frozen=True, slots=True)
class ListFacts:
    """What is known about a candidate list, read by the selectors."""

    status: str
    size: int
    margin_problem: str | None
    """``margin.check_candidate_count``'s message, or None when the margin is met."""
    structure_shortfalls: Sequence[str] = ()
    """The explanation of every target not met (names the target and the numbers)."""
    open_objections: Sequence[str] = ()
    """Person-level blockers of the persons on the list."""
    left: Sequence[str] = ()
    """Persons on the list no longer 列为初步人选 (set aside or withdrawn since)."""
    second_notice: bool = False
    second_notice_status: str | None = None
    """The status of the list's 预备人选 notice; None when there is none yet."""


def list_blockers(facts: ListFacts) -> list[str]:
    """What keeps a decided list from going to the convening committee (报批)."""
    out: list[str] = []
    if facts.status != ListStatus.DECIDED:
        out.append(f"预备人选名单当前为“{LIST_STATUS_LABELS[ListStatus(facts.status)]}”，不能报批")
    out += shortfall_blockers(facts.margin_problem, facts.structure_shortfalls)
    out += [f"“{name}”已不再是初步人选，须重新研究确定名单" for name in facts.left]
    out += list(facts.open_objections)
    if facts.second_notice:
        if facts.second_notice_status is None:
            out.append("本次推选要求对预备人选再次公示，尚未公示")
        elif facts.second_notice_status != NoticeStatus.CLOSED:
            label = NOTICE_STATUS_LABELS[NoticeStatus(facts.second_notice_status)]
            out.append(f"预备人选公示尚未结束（{label}）")
    return out


def shortfall_blockers(margin_problem: str | None, structure: Sequence[str]) -> list[str]:
    out: list[str] = []
    if margin_problem:
        out.append(f"差额：{margin_problem}")
    out += [f"结构比例：{s}" for s in structure]
    return out
