"""Structure targets (结构比例) as rules evaluated on any list of people.

A target is ``(category, comparator, threshold, base)``: e.g. 生产和工作第一线 ``>=`` 1/3 of the
list, 领导干部 ``<=`` 2/3, 解放军武警 ``>=`` 3 people, 妇女 ``>`` the women's share among the
local party members. The same targets are evaluated on the candidate list and on the elected
list.

Categories overlap: 领导干部 / 专业技术人员 / 先进模范 / 解放军武警 / 其他 is a partition
(each person is in exactly one), while 妇女, 少数民族, 一线 and the age bands cut across it.

"还差 n 人" is defined with the list size fixed: n is the smallest number of people outside the
category who would have to be replaced by people inside it for the rule to hold. The candidate
list's size is itself fixed by the margin (差额) and the seats, so adding people is not the
lever; replacing them is. For upper limits (<=, <) the mirror figure "超出 n 人" is the smallest
number of people of the category to replace by people outside it.

Shares are exact ``Fraction``; percentages are shown with one decimal, rounded half up on the
exact value (9/40 = 22.5% exactly, 1/3 = 33.3%, 2/3 = 66.7%).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Protocol

from tuixuan.campaign.rules._format import percent
from tuixuan.core.errors import DomainError


class StructureError(DomainError):
    """A target or a person's data cannot be used; the message names which and why."""


class Category(StrEnum):
    LEADING_CADRE = "leading_cadre"
    PROFESSIONAL = "professional"
    MODEL_WORKER = "model_worker"
    MILITARY = "military"
    OTHER = "other"
    FRONT_LINE = "front_line"
    WOMEN = "women"
    MINORITY = "minority"
    UNDER_35 = "under_35"
    AGE_35_TO_54 = "35_to_54"
    AGE_55_PLUS = "55_plus"


CATEGORY_LABELS: dict[Category, str] = {
    Category.LEADING_CADRE: "领导干部",
    Category.PROFESSIONAL: "专业技术人员",
    Category.MODEL_WORKER: "先进模范",
    Category.MILITARY: "解放军武警",
    Category.OTHER: "其他",
    Category.FRONT_LINE: "生产和工作第一线",
    Category.WOMEN: "妇女",
    Category.MINORITY: "少数民族",
    Category.UNDER_35: "35 岁以下",
    Category.AGE_35_TO_54: "35 至 54 岁",
    Category.AGE_55_PLUS: "55 岁及以上",
}

PARTITION: tuple[Category, ...] = (
    Category.LEADING_CADRE,
    Category.PROFESSIONAL,
    Category.MODEL_WORKER,
    Category.MILITARY,
    Category.OTHER,
)
"""The categories every person belongs to exactly one of."""

_PARTITION_BY_TEXT: dict[str, Category] = {
    **{c.value: c for c in PARTITION},
    **{CATEGORY_LABELS[c]: c for c in PARTITION},
}
_HAN = frozenset({"汉族", "汉"})
_GENDERS = {"M": "M", "F": "F", "男": "M", "女": "F"}
_AGE_BANDS = {
    Category.UNDER_35: (None, 34),
    Category.AGE_35_TO_54: (35, 54),
    Category.AGE_55_PLUS: (55, None),
}


class Comparator(StrEnum):
    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"
    EQ = "=="


_COMPARATOR_WORDS = {
    Comparator.GE: "不低于",
    Comparator.GT: "高于",
    Comparator.LE: "不高于",
    Comparator.LT: "低于",
    Comparator.EQ: "等于",
}


class Base(StrEnum):
    SHARE = "share"
    """Threshold is a share of the list (a Fraction between 0 and 1)."""
    COUNT = "count"
    """Threshold is an absolute number of people."""


@dataclass(frozen=True, slots=True)
class StructureTarget:
    category: Category
    comparator: Comparator
    threshold: Fraction
    base: Base = Base.SHARE
    note: str = ""
    """Where the threshold comes from, shown after it (e.g. "党员中妇女比例")."""

    def __post_init__(self) -> None:
        raw: object = self.threshold
        if isinstance(raw, bool) or not isinstance(raw, int | Fraction | Decimal):
            raise StructureError(
                f"“{CATEGORY_LABELS[Category(self.category)]}”的目标值须为整数或分数"
            )
        object.__setattr__(self, "category", Category(self.category))
        object.__setattr__(self, "comparator", Comparator(self.comparator))
        object.__setattr__(self, "base", Base(self.base))
        object.__setattr__(self, "threshold", Fraction(raw))

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self.category]

    def threshold_text(self) -> str:
        text = percent(self.threshold) if self.base is Base.SHARE else f"{self.threshold} 人"
        return f"{text}（{self.note}）" if self.note else text

    def describe(self) -> str:
        """E.g. "妇女不低于 27.0%"."""
        return f"{self.label}{_COMPARATOR_WORDS[self.comparator]} {self.threshold_text()}"


def women_share_among_members(women_members: int, members: int) -> Fraction:
    if members <= 0 or not 0 <= women_members <= members:
        raise StructureError(f"党员总数 {members}、女党员 {women_members} 名，数据不合理")
    return Fraction(women_members, members)


def women_above_members_share(members_share: Fraction) -> StructureTarget:
    """妇女 share of the list must exceed the women's share among the party members."""
    return StructureTarget(
        Category.WOMEN, Comparator.GT, Fraction(members_share), Base.SHARE, "党员中妇女比例"
    )


class PersonRecord(Protocol):
    """What a person must offer; a dict with the same keys works too."""

    @property
    def gender(self) -> str: ...
    @property
    def ethnicity(self) -> str: ...
    @property
    def birth_date(self) -> dt.date | None: ...
    @property
    def category(self) -> str: ...
    @property
    def front_line(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Person:
    gender: str
    ethnicity: str
    birth_date: dt.date | None
    category: str
    front_line: bool
    name: str = ""


PersonLike = PersonRecord | Mapping[str, object]


def _get(person: PersonLike, field: str) -> object:
    if isinstance(person, Mapping):
        return person.get(field)
    return getattr(person, field, None)


def _who(person: PersonLike, index: int) -> str:
    name = _get(person, "name")
    return f"第 {index + 1} 人（{name}）" if name else f"第 {index + 1} 人"


def age_on(birth_date: dt.date, reference_date: dt.date) -> int:
    """Completed years on the reference date; a 29 February birthday counts from 1 March."""
    before_birthday = (reference_date.month, reference_date.day) < (
        birth_date.month,
        birth_date.day,
    )
    return reference_date.year - birth_date.year - int(before_birthday)


def partition_category(person: PersonLike, index: int = 0) -> Category:
    raw = _get(person, "category")
    category = _PARTITION_BY_TEXT.get(raw.strip()) if isinstance(raw, str) else None
    if category is None:
        raise StructureError(
            f"{_who(person, index)}的人员类别“{raw or ''}”无法识别，"
            "应为领导干部、专业技术人员、先进模范、解放军武警或其他之一"
        )
    return category


def belongs(
    person: PersonLike,
    category: Category,
    *,
    reference_date: dt.date | None = None,
    index: int = 0,
) -> bool:
    """Whether the person counts in the category; missing data is an error, never a guess."""
    who = _who(person, index)
    if category in PARTITION:
        return partition_category(person, index) is category
    if category is Category.FRONT_LINE:
        value = _get(person, "front_line")
        if not isinstance(value, bool):
            raise StructureError(f"{who}缺少“是否生产和工作第一线”信息")
        return value
    if category is Category.WOMEN:
        gender = _get(person, "gender")
        if not isinstance(gender, str) or gender.strip() not in _GENDERS:
            raise StructureError(f"{who}的性别“{gender or ''}”无法识别")
        return _GENDERS[gender.strip()] == "F"
    if category is Category.MINORITY:
        ethnicity = _get(person, "ethnicity")
        if not isinstance(ethnicity, str) or not ethnicity.strip():
            raise StructureError(f"{who}缺少民族信息")
        return ethnicity.strip() not in _HAN
    birth = _get(person, "birth_date")
    if not isinstance(birth, dt.date):
        raise StructureError(f"{who}缺少出生日期")
    if reference_date is None:
        raise StructureError("按年龄统计须指定计算年龄的日期")
    if isinstance(birth, dt.datetime):
        birth = birth.date()
    if birth > reference_date:
        raise StructureError(f"{who}的出生日期 {birth.isoformat()} 晚于计算日期")
    age = age_on(birth, reference_date)
    low, high = _AGE_BANDS[category]
    return (low is None or age >= low) and (high is None or age <= high)


def count_in(
    people: Sequence[PersonLike], category: Category, *, reference_date: dt.date | None = None
) -> int:
    return sum(
        belongs(p, category, reference_date=reference_date, index=i) for i, p in enumerate(people)
    )


def _is_met(target: StructureTarget, count: int, total: int) -> bool:
    value = Fraction(count, total) if target.base is Base.SHARE else Fraction(count)
    t = target.threshold
    return {
        Comparator.GE: value >= t,
        Comparator.GT: value > t,
        Comparator.LE: value <= t,
        Comparator.LT: value < t,
        Comparator.EQ: value == t,
    }[target.comparator]


def allowed_counts(target: StructureTarget, total: int) -> tuple[int, int] | None:
    """The range of counts (within 0..total) that meet the target, or None if none can.

    Exact: for a share rule ">= t" the least count is ceil(t × total), for "> t" it is
    floor(t × total) + 1, and so on.
    """
    t = target.threshold
    if target.base is Base.SHARE:
        if total == 0:
            return None
        x = t * total
        lo, hi = {
            Comparator.GE: (x.__ceil__(), total),
            Comparator.GT: (x.__floor__() + 1, total),
            Comparator.LE: (0, x.__floor__()),
            Comparator.LT: (0, x.__ceil__() - 1),
            Comparator.EQ: (x.__ceil__(), x.__floor__()),
        }[target.comparator]
    else:
        lo, hi = {
            Comparator.GE: (t.__ceil__(), total),
            Comparator.GT: (t.__floor__() + 1, total),
            Comparator.LE: (0, t.__floor__()),
            Comparator.LT: (0, t.__ceil__() - 1),
            Comparator.EQ: (t.__ceil__(), t.__floor__()),
        }[target.comparator]
    lo, hi = max(lo, 0), min(hi, total)
    return (lo, hi) if lo <= hi else None


@dataclass(frozen=True, slots=True)
class TargetResult:
    target: StructureTarget
    count: int
    total: int
    share: Fraction
    """count / total, or 0 for an empty list."""
    met: bool
    needed: int | None
    """还差 n 人: replacements into the category still needed (0 when not short); None when
    no replacement within this list size can meet the target."""
    excess: int | None
    """超出 n 人: replacements out of the category needed (0 when not over); None as above."""
    explanation: str


def evaluate_target(
    target: StructureTarget,
    people: Sequence[PersonLike],
    *,
    reference_date: dt.date | None = None,
) -> TargetResult:
    total = len(people)
    count = count_in(people, target.category, reference_date=reference_date)
    share = Fraction(count, total) if total else Fraction(0)
    head = f"{target.label} {count} 人，占 {percent(share)}，"
    if target.base is Base.SHARE and total == 0:
        return TargetResult(
            target,
            count,
            total,
            share,
            False,
            None,
            None,
            f"{target.label}：名单为空，无法计算比例",
        )
    met = _is_met(target, count, total)
    allowed = allowed_counts(target, total)
    target_text = target.threshold_text()
    if met:
        verdict = {
            Comparator.GE: f"不低于目标 {target_text}",
            Comparator.GT: f"高于目标 {target_text}",
            Comparator.LE: f"不高于上限 {target_text}",
            Comparator.LT: f"低于上限 {target_text}",
            Comparator.EQ: f"等于目标 {target_text}",
        }[target.comparator]
        return TargetResult(target, count, total, share, True, 0, 0, f"{head}{verdict}，符合要求")
    if allowed is None:
        words = _COMPARATOR_WORDS[target.comparator]
        return TargetResult(
            target,
            count,
            total,
            share,
            False,
            None,
            None,
            f"{head}名单共 {total} 人，无法达到{words} {target_text}的要求",
        )
    lo, hi = allowed
    if count < lo:
        needed, excess = lo - count, 0
        relation = "未超过" if target.comparator is Comparator.GT else "低于"
        verdict = f"{relation}目标 {target_text}，还差 {needed} 人"
    else:
        needed, excess = 0, count - hi
        if target.comparator is Comparator.LT:
            verdict = f"未低于上限 {target_text}，超出 {excess} 人"
        elif target.comparator is Comparator.EQ:
            verdict = f"高于目标 {target_text}，超出 {excess} 人"
        else:
            verdict = f"高于上限 {target_text}，超出 {excess} 人"
    return TargetResult(target, count, total, share, False, needed, excess, head + verdict)


def evaluate(
    targets: Sequence[StructureTarget],
    people: Sequence[PersonLike],
    *,
    reference_date: dt.date | None = None,
) -> list[TargetResult]:
    return [evaluate_target(t, people, reference_date=reference_date) for t in targets]


_LOWER = frozenset({Comparator.GE, Comparator.GT, Comparator.EQ})
_UPPER = frozenset({Comparator.LE, Comparator.LT, Comparator.EQ})


@dataclass(frozen=True, slots=True)
class _Bound:
    value: Fraction
    strict: bool


def _interval(target: StructureTarget) -> tuple[_Bound | None, _Bound | None]:
    """The target as an interval on the real line (count rules made integral)."""
    t = target.threshold
    if target.base is Base.COUNT:
        if target.comparator is Comparator.GT:
            return _Bound(Fraction(t.__floor__() + 1), False), None
        if target.comparator is Comparator.LT:
            return None, _Bound(Fraction(t.__ceil__() - 1), False)
    c = target.comparator
    lower = (
        _Bound(t, c is Comparator.GT)
        if c in (Comparator.GE, Comparator.GT, Comparator.EQ)
        else None
    )
    upper = (
        _Bound(t, c is Comparator.LT)
        if c in (Comparator.LE, Comparator.LT, Comparator.EQ)
        else None
    )
    return lower, upper


def _disjoint(a: StructureTarget, b: StructureTarget) -> bool:
    a_low, a_high = _interval(a)
    b_low, b_high = _interval(b)
    for low, high in ((a_low, b_high), (b_low, a_high)):
        if low is None or high is None:
            continue
        if low.value > high.value or (low.value == high.value and (low.strict or high.strict)):
            return True
    return False


def _single_target_errors(target: StructureTarget, list_size: int | None) -> list[str]:
    errors: list[str] = []
    t = target.threshold
    name = f"“{target.label}”"
    if target.base is Base.SHARE:
        if t < 0:
            errors.append(f"{name}的目标比例 {percent(t)} 不能为负数")
        elif t > 1:
            errors.append(f"{name}的目标比例 {percent(t)} 超过 100%")
        elif target.comparator is Comparator.GT and t == 1:
            errors.append(f"{name}须高于 100%，不可能满足")
        elif target.comparator is Comparator.LT and t == 0:
            errors.append(f"{name}须低于 0%，不可能满足")
        return errors
    if t.denominator != 1:
        errors.append(f"{name}的目标人数 {t} 应为整数")
    elif t < 0:
        errors.append(f"{name}的目标人数 {t} 不能为负数")
    elif target.comparator is Comparator.LT and t == 0:
        errors.append(f"{name}须少于 0 人，不可能满足")
    elif list_size is not None and allowed_counts(target, list_size) is None:
        errors.append(
            f"{name}{_COMPARATOR_WORDS[target.comparator]} {t} 人，名单共 {list_size} 人，无法满足"
        )
    return errors


def validate_targets(
    targets: Sequence[StructureTarget], *, list_size: int | None = None
) -> list[str]:
    """Chinese messages for targets that cannot all hold; empty when the set is usable.

    Checks: each threshold in range; no two targets on the same category that cannot hold
    together (e.g. 妇女 >= 40% and <= 30%); the minimum shares of the partition categories
    (which no person can count towards twice) not above 100% together. With ``list_size``,
    count targets and the partition minimums are also checked against the list size.
    Share and count targets on the same category are compared only through ``list_size``.
    """
    errors: list[str] = []
    for target in targets:
        errors.extend(_single_target_errors(target, list_size))

    for i, a in enumerate(targets):
        for b in targets[i + 1 :]:
            if a.category is not b.category:
                continue
            if a.base is b.base:
                contradict = _disjoint(a, b)
            elif list_size is not None:
                ra, rb = allowed_counts(a, list_size), allowed_counts(b, list_size)
                contradict = (
                    ra is not None and rb is not None and max(ra[0], rb[0]) > min(ra[1], rb[1])
                )
            else:
                contradict = False
            if contradict:
                errors.append(
                    f"“{a.label}”的两条目标互相矛盾："
                    f"{_COMPARATOR_WORDS[a.comparator]} {a.threshold_text()} 与"
                    f"{_COMPARATOR_WORDS[b.comparator]} {b.threshold_text()} 不能同时满足"
                )

    errors.extend(_partition_errors(targets, list_size))
    return errors


def _partition_errors(targets: Sequence[StructureTarget], list_size: int | None) -> list[str]:
    minimums: dict[Category, _Bound] = {}
    for target in targets:
        if target.category not in PARTITION or target.base is not Base.SHARE:
            continue
        low, _ = _interval(target)
        if low is None:
            continue
        current = minimums.get(target.category)
        if current is None or (low.value, low.strict) > (current.value, current.strict):
            minimums[target.category] = low
    errors: list[str] = []
    total = sum((b.value for b in minimums.values()), Fraction(0))
    strict = any(b.strict for b in minimums.values())
    if len(minimums) > 1 and (total > 1 or (total == 1 and strict)):
        parts = "、".join(
            f"{CATEGORY_LABELS[c]}{'高于' if b.strict else '不低于'} {percent(b.value)}"
            for c, b in sorted(minimums.items(), key=lambda kv: PARTITION.index(kv[0]))
        )
        why = "超过 100%" if total > 1 else "且其中有须“高于”的要求，无法同时满足"
        errors.append(f"各人员类别互不重叠，但最低比例合计 {percent(total)}，{why}：{parts}")
    if list_size is not None and not errors:
        least: dict[Category, int] = {}
        for target in targets:
            if target.category not in PARTITION:
                continue
            allowed = allowed_counts(target, list_size)
            if allowed is None:
                continue
            least[target.category] = max(least.get(target.category, 0), allowed[0])
        needed = sum(least.values())
        if len(least) > 1 and needed > list_size:
            errors.append(
                f"各人员类别互不重叠，但按目标至少需 {needed} 人，超过名单总人数 {list_size} 人"
            )
    return errors
