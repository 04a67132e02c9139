from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuixuan.campaign.rules._format import percent
from tuixuan.campaign.rules.structure import (
    Base,
    Category,
    Comparator,
    Person,
    StructureError,
    StructureTarget,
    age_on,
    allowed_counts,
    belongs,
    count_in,
    evaluate,
    evaluate_target,
    validate_targets,
    women_above_members_share,
    women_share_among_members,
)

REF = dt.date(2026, 6, 30)


def person(
    gender: str = "M",
    ethnicity: str = "汉族",
    birth: dt.date | None = dt.date(1980, 1, 1),
    category: str = "其他",
    front_line: bool = False,
) -> Person:
    return Person(gender, ethnicity, birth, category, front_line)


def women_list(total: int, women: int) -> list[Person]:
    return [person(gender="F" if i < women else "M") for i in range(total)]


def share(category: Category, comparator: str, threshold: Fraction) -> StructureTarget:
    return StructureTarget(category, Comparator(comparator), threshold, Base.SHARE)


def count(category: Category, comparator: str, threshold: int) -> StructureTarget:
    return StructureTarget(category, Comparator(comparator), Fraction(threshold), Base.COUNT)


def test_it_explains_the_worked_example() -> None:
    result = evaluate_target(share(Category.WOMEN, ">=", Fraction(27, 100)), women_list(80, 18))
    assert (result.count, result.total, result.share) == (18, 80, Fraction(9, 40))
    assert (result.met, result.needed, result.excess) == (False, 4, 0)
    assert result.explanation == "妇女 18 人，占 22.5%，低于目标 27.0%，还差 4 人"
    after = evaluate_target(share(Category.WOMEN, ">=", Fraction(27, 100)), women_list(80, 22))
    assert after.met
    assert after.explanation == "妇女 22 人，占 27.5%，不低于目标 27.0%，符合要求"
    short = evaluate_target(share(Category.WOMEN, ">=", Fraction(27, 100)), women_list(80, 21))
    assert (short.met, short.needed) == (False, 1)


@pytest.mark.parametrize(
    ("target", "total", "inside", "met", "needed", "excess", "explanation"),
    [
        # One third of the front line, 9 people: exactly 3 meets it.
        (
            share(Category.FRONT_LINE, ">=", Fraction(1, 3)),
            9,
            3,
            True,
            0,
            0,
            "生产和工作第一线 3 人，占 33.3%，不低于目标 33.3%，符合要求",
        ),
        (
            share(Category.FRONT_LINE, ">=", Fraction(1, 3)),
            10,
            3,
            False,
            1,
            0,
            "生产和工作第一线 3 人，占 30.0%，低于目标 33.3%，还差 1 人",
        ),
        # Leading cadres at most two thirds.
        (
            share(Category.LEADING_CADRE, "<=", Fraction(2, 3)),
            9,
            7,
            False,
            0,
            1,
            "领导干部 7 人，占 77.8%，高于上限 66.7%，超出 1 人",
        ),
        (
            share(Category.LEADING_CADRE, "<=", Fraction(2, 3)),
            9,
            6,
            True,
            0,
            0,
            "领导干部 6 人，占 66.7%，不高于上限 66.7%，符合要求",
        ),
        (
            share(Category.LEADING_CADRE, "<", Fraction(2, 3)),
            9,
            6,
            False,
            0,
            1,
            "领导干部 6 人，占 66.7%，未低于上限 66.7%，超出 1 人",
        ),
        # Strictly above: exactly equal is not enough.
        (
            share(Category.WOMEN, ">", Fraction(1, 4)),
            80,
            20,
            False,
            1,
            0,
            "妇女 20 人，占 25.0%，未超过目标 25.0%，还差 1 人",
        ),
        (
            share(Category.WOMEN, ">", Fraction(1, 4)),
            80,
            21,
            True,
            0,
            0,
            "妇女 21 人，占 26.3%，高于目标 25.0%，符合要求",
        ),
        # Counts.
        (
            count(Category.MILITARY, ">=", 5),
            80,
            3,
            False,
            2,
            0,
            "解放军武警 3 人，占 3.8%，低于目标 5 人，还差 2 人",
        ),
        (
            count(Category.MILITARY, "==", 5),
            80,
            6,
            False,
            0,
            1,
            "解放军武警 6 人，占 7.5%，高于目标 5 人，超出 1 人",
        ),
        (
            count(Category.MILITARY, "==", 5),
            80,
            5,
            True,
            0,
            0,
            "解放军武警 5 人，占 6.3%，等于目标 5 人，符合要求",
        ),
        # Unreachable within the list size.
        (
            count(Category.MILITARY, ">=", 5),
            4,
            3,
            False,
            None,
            None,
            "解放军武警 3 人，占 75.0%，名单共 4 人，无法达到不低于 5 人的要求",
        ),
        (
            share(Category.MINORITY, "==", Fraction(1, 3)),
            10,
            3,
            False,
            None,
            None,
            "少数民族 3 人，占 30.0%，名单共 10 人，无法达到等于 33.3%的要求",
        ),
    ],
)
def test_it_evaluates_table(
    target: StructureTarget,
    total: int,
    inside: int,
    met: bool,
    needed: int | None,
    excess: int | None,
    explanation: str,
) -> None:
    people = [_member_of(target.category, i < inside) for i in range(total)]
    result = evaluate_target(target, people)
    assert result.count == inside
    assert (result.met, result.needed, result.excess) == (met, needed, excess)
    assert result.explanation == explanation


def _member_of(category: Category, inside: bool) -> Person:
    if category is Category.WOMEN:
        return person(gender="F" if inside else "M")
    if category is Category.MINORITY:
        return person(ethnicity="藏族" if inside else "汉族")
    if category is Category.FRONT_LINE:
        return person(front_line=inside)
    labels = {
        Category.LEADING_CADRE: "领导干部",
        Category.MILITARY: "解放军武警",
        Category.PROFESSIONAL: "专业技术人员",
        Category.MODEL_WORKER: "先进模范",
    }
    return person(category=labels[category] if inside else "其他")


def test_it_counts_overlapping_categories() -> None:
    worker = person(gender="F", ethnicity="回族", category="先进模范", front_line=True)
    for category in (Category.WOMEN, Category.MINORITY, Category.MODEL_WORKER, Category.FRONT_LINE):
        assert belongs(worker, category, reference_date=REF)
    assert not belongs(worker, Category.LEADING_CADRE)


def test_it_accepts_dicts_and_code_names() -> None:
    people = [
        {"gender": "女", "ethnicity": "汉", "category": "professional", "front_line": False},
        {"gender": "F", "ethnicity": " 壮族 ", "category": "专业技术人员", "front_line": True},
    ]
    assert count_in(people, Category.WOMEN) == 2
    assert count_in(people, Category.MINORITY) == 1
    assert count_in(people, Category.PROFESSIONAL) == 2


@pytest.mark.parametrize(
    ("birth", "expected_age", "band"),
    [
        (dt.date(1991, 7, 1), 34, Category.UNDER_35),
        (dt.date(1991, 6, 30), 35, Category.AGE_35_TO_54),
        (dt.date(1971, 7, 1), 54, Category.AGE_35_TO_54),
        (dt.date(1971, 6, 30), 55, Category.AGE_55_PLUS),
    ],
)
def test_it_places_age_bands_on_the_reference_date(
    birth: dt.date, expected_age: int, band: Category
) -> None:
    assert age_on(birth, REF) == expected_age
    someone = person(birth=birth)
    bands = [Category.UNDER_35, Category.AGE_35_TO_54, Category.AGE_55_PLUS]
    assert [b for b in bands if belongs(someone, b, reference_date=REF)] == [band]


def test_it_ages_leap_day_births_on_first_of_march() -> None:
    assert age_on(dt.date(1992, 2, 29), dt.date(2027, 2, 28)) == 34
    assert age_on(dt.date(1992, 2, 29), dt.date(2027, 3, 1)) == 35
    assert age_on(dt.date(1992, 2, 29), dt.date(2028, 2, 29)) == 36


@pytest.mark.parametrize(
    ("someone", "category", "message"),
    [
        ({"category": "工人"}, Category.LEADING_CADRE, "第 1 人的人员类别“工人”无法识别"),
        ({"name": "张三"}, Category.FRONT_LINE, "第 1 人（张三）缺少“是否生产和工作第一线”信息"),
        ({"gender": "X"}, Category.WOMEN, "第 1 人的性别“X”无法识别"),
        ({"ethnicity": ""}, Category.MINORITY, "第 1 人缺少民族信息"),
        ({}, Category.UNDER_35, "第 1 人缺少出生日期"),
    ],
)
def test_it_refuses_missing_or_unknown_data(
    someone: dict[str, object], category: Category, message: str
) -> None:
    with pytest.raises(StructureError) as info:
        count_in([someone], category, reference_date=REF)
    assert info.value.message.startswith(message)


def test_it_needs_a_reference_date_for_ages() -> None:
    with pytest.raises(StructureError, match="须指定计算年龄的日期"):
        count_in([person()], Category.UNDER_35)
    with pytest.raises(StructureError, match="晚于计算日期"):
        count_in([person(birth=dt.date(2027, 1, 1))], Category.UNDER_35, reference_date=REF)


def test_it_cannot_compute_shares_of_an_empty_list() -> None:
    result = evaluate_target(share(Category.WOMEN, ">=", Fraction(1, 4)), [])
    assert (result.met, result.needed) == (False, None)
    assert result.explanation == "妇女：名单为空，无法计算比例"


def test_it_builds_the_women_rule_from_the_members_share() -> None:
    members_share = women_share_among_members(6_210, 23_000)  # 27.0%
    target = women_above_members_share(members_share)
    assert (target.comparator, target.threshold) == (Comparator.GT, Fraction(27, 100))
    result = evaluate_target(target, women_list(100, 27))
    assert (
        result.explanation == "妇女 27 人，占 27.0%，未超过目标 27.0%（党员中妇女比例），还差 1 人"
    )
    assert evaluate_target(target, women_list(100, 28)).met
    with pytest.raises(StructureError):
        women_share_among_members(5, 0)


def test_it_refuses_float_thresholds() -> None:
    with pytest.raises(StructureError, match="须为整数或分数"):
        StructureTarget(Category.WOMEN, Comparator.GE, 0.27, Base.SHARE)  # type: ignore[arg-type]


def test_it_evaluates_a_whole_set() -> None:
    people = [
        person(gender="F", category="领导干部", front_line=False, birth=dt.date(1995, 1, 1)),
        person(gender="M", category="其他", front_line=True, birth=dt.date(1960, 1, 1)),
        person(gender="F", category="专业技术人员", front_line=True, birth=dt.date(1980, 1, 1)),
    ]
    results = evaluate(
        [
            share(Category.FRONT_LINE, ">=", Fraction(1, 3)),
            share(Category.LEADING_CADRE, "<=", Fraction(2, 3)),
            count(Category.UNDER_35, ">=", 1),
            count(Category.AGE_55_PLUS, "<=", 0),
        ],
        people,
        reference_date=REF,
    )
    assert [r.met for r in results] == [True, True, True, False]
    assert results[3].excess == 1


@pytest.mark.parametrize(
    ("targets", "list_size", "expected"),
    [
        ([share(Category.WOMEN, ">=", Fraction(1, 4))], None, []),
        (
            [share(Category.WOMEN, ">=", Fraction(6, 5))],
            None,
            ["“妇女”的目标比例 120.0% 超过 100%"],
        ),
        (
            [share(Category.WOMEN, ">=", Fraction(-1, 5))],
            None,
            ["“妇女”的目标比例 -20.0% 不能为负数"],
        ),
        ([share(Category.WOMEN, ">", Fraction(1))], None, ["“妇女”须高于 100%，不可能满足"]),
        (
            [
                share(Category.WOMEN, ">=", Fraction(2, 5)),
                share(Category.WOMEN, "<=", Fraction(3, 10)),
            ],
            None,
            ["“妇女”的两条目标互相矛盾：不低于 40.0% 与不高于 30.0% 不能同时满足"],
        ),
        (
            [
                share(Category.WOMEN, ">", Fraction(3, 10)),
                share(Category.WOMEN, "<=", Fraction(3, 10)),
            ],
            None,
            ["“妇女”的两条目标互相矛盾：高于 30.0% 与不高于 30.0% 不能同时满足"],
        ),
        (
            [
                share(Category.WOMEN, ">=", Fraction(3, 10)),
                share(Category.WOMEN, "<=", Fraction(3, 10)),
            ],
            None,
            [],
        ),
        (
            [count(Category.MILITARY, ">", 4), count(Category.MILITARY, "<", 6)],
            None,
            [],
        ),
        (
            [count(Category.MILITARY, ">", 4), count(Category.MILITARY, "<", 5)],
            None,
            ["“解放军武警”的两条目标互相矛盾：高于 4 人 与低于 5 人 不能同时满足"],
        ),
        (
            [
                share(Category.LEADING_CADRE, ">=", Fraction(7, 10)),
                share(Category.PROFESSIONAL, ">=", Fraction(2, 5)),
            ],
            None,
            [
                "各人员类别互不重叠，但最低比例合计 110.0%，超过 100%："
                "领导干部不低于 70.0%、专业技术人员不低于 40.0%"
            ],
        ),
        (
            [
                share(Category.LEADING_CADRE, ">=", Fraction(7, 10)),
                share(Category.PROFESSIONAL, ">", Fraction(3, 10)),
            ],
            None,
            [
                "各人员类别互不重叠，但最低比例合计 100.0%，且其中有须“高于”的要求，"
                "无法同时满足：领导干部不低于 70.0%、专业技术人员高于 30.0%"
            ],
        ),
        # Overlapping categories may add up beyond 100%: a woman worker counts twice.
        (
            [
                share(Category.WOMEN, ">=", Fraction(7, 10)),
                share(Category.FRONT_LINE, ">=", Fraction(7, 10)),
            ],
            None,
            [],
        ),
        (
            [count(Category.MILITARY, ">=", 90)],
            80,
            ["“解放军武警”不低于 90 人，名单共 80 人，无法满足"],
        ),
        (
            [
                share(Category.LEADING_CADRE, ">=", Fraction(1, 2)),
                count(Category.MILITARY, ">=", 41),
            ],
            80,
            ["各人员类别互不重叠，但按目标至少需 81 人，超过名单总人数 80 人"],
        ),
        (
            [share(Category.MILITARY, "<=", Fraction(1, 20)), count(Category.MILITARY, ">=", 5)],
            80,
            ["“解放军武警”的两条目标互相矛盾：不高于 5.0% 与不低于 5 人 不能同时满足"],
        ),
    ],
)
def test_it_validates_target_sets(
    targets: list[StructureTarget], list_size: int | None, expected: list[str]
) -> None:
    assert validate_targets(targets, list_size=list_size) == expected


comparators = st.sampled_from(list(Comparator))
shares = st.fractions(0, 1, max_denominator=200)


@settings(deadline=None)
@given(total=st.integers(1, 150), data=st.data(), comparator=comparators, threshold=shares)
def test_it_needs_exactly_the_least_replacements(
    total: int, data: st.DataObject, comparator: Comparator, threshold: Fraction
) -> None:
    women = data.draw(st.integers(0, total))
    target = share(Category.WOMEN, comparator.value, threshold)
    result = evaluate_target(target, women_list(total, women))
    assert result.share == Fraction(women, total)
    if result.needed is None:
        assert not result.met
        assert not any(
            _exact_compare(Fraction(k, total), comparator, threshold) for k in range(total + 1)
        )
        return
    assert result.met == (result.needed == 0 and result.excess == 0)
    assert result.excess is not None
    fixed = women + result.needed - result.excess
    assert evaluate_target(target, women_list(total, fixed)).met
    if result.needed:
        assert not evaluate_target(target, women_list(total, fixed - 1)).met
    if result.excess:
        assert not evaluate_target(target, women_list(total, fixed + 1)).met


@settings(deadline=None)
@given(total=st.integers(0, 300), comparator=comparators, threshold=shares)
def test_it_allows_exactly_the_counts_that_meet(
    total: int, comparator: Comparator, threshold: Fraction
) -> None:
    target = share(Category.WOMEN, comparator.value, threshold)
    allowed = allowed_counts(target, total)
    meeting = [
        k
        for k in range(total + 1)
        if total and _exact_compare(Fraction(k, total), comparator, threshold)
    ]
    if allowed is None:
        assert meeting == []
    else:
        assert meeting == list(range(allowed[0], allowed[1] + 1))


def _exact_compare(value: Fraction, comparator: Comparator, threshold: Fraction) -> bool:
    return {
        Comparator.GE: value >= threshold,
        Comparator.GT: value > threshold,
        Comparator.LE: value <= threshold,
        Comparator.LT: value < threshold,
        Comparator.EQ: value == threshold,
    }[comparator]


@settings(deadline=None)
@given(a=st.tuples(comparators, shares), b=st.tuples(comparators, shares))
def test_it_calls_two_rules_contradictory_only_when_no_share_meets_both(
    a: tuple[Comparator, Fraction], b: tuple[Comparator, Fraction]
) -> None:
    first, second = share(Category.WOMEN, a[0].value, a[1]), share(Category.WOMEN, b[0].value, b[1])
    errors = [e for e in validate_targets([first, second]) if "互相矛盾" in e]
    # Candidate witnesses: the thresholds, their midpoint and points just beside them.
    eps = Fraction(1, 10**6)
    points = {a[1], b[1], (a[1] + b[1]) / 2, a[1] + eps, a[1] - eps, b[1] + eps, b[1] - eps}
    both = any(_exact_compare(p, a[0], a[1]) and _exact_compare(p, b[0], b[1]) for p in points)
    assert bool(errors) == (not both)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(9, 40), "22.5%"),
        (Fraction(27, 100), "27.0%"),
        (Fraction(1, 3), "33.3%"),
        (Fraction(2, 3), "66.7%"),
        (Fraction(771, 2296), "33.6%"),
        (Fraction(619, 2296), "27.0%"),
        (Fraction(264, 2296), "11.5%"),
        (Fraction(1, 2000), "0.1%"),  # exactly 0.05% rounds half up
        (Fraction(1, 2001), "0.0%"),
        (Fraction(9, 3200), "0.3%"),  # 0.28125%
        (Fraction(1), "100.0%"),
    ],
)
def test_it_shows_percentages_half_up_on_the_exact_value(value: Fraction, expected: str) -> None:
    assert percent(value) == expected
