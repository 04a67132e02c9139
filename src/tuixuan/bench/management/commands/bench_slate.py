"""``tuixuan bench-slate``: the suggested candidate list of a province-scale unit, with its
explanation, beside one bare solve of the same integer programme.

A made-up unit (seeded): a pool of ``--pool`` vetted people (default 2,000) for ``--seats``
seats (default 400; 480 on the list at the default 20% margin), and eight overlapping
structure targets on gender, ethnicity, age, the partition categories and the front line.
Support leans towards leading cadres and away from the front line, as recommendations do,
so several targets bind. The suggestion (``notice.rules.slate``) is pure computation: this
command touches no database at all, so unlike the other benchmarks it needs no scratch
database and no child process.

Printed: the time of the whole suggestion (reading the pool's categories, the optimal list,
the tie-break, one solve per target to explain it), the floor (one solve of the same
programme for the greatest support, nothing else, in the same run) and the first lines of
the explanation. Exit status 3 when the suggestion takes ``TARGET_SECONDS`` or more.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from fractions import Fraction
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuixuan.campaign.rules.margin import minimum_candidates
from tuixuan.campaign.rules.structure import (
    Base,
    Category,
    Comparator,
    Person,
    StructureTarget,
    women_above_members_share,
)
from tuixuan.notice.rules.slate import PoolPerson, SlateProgramme, suggest_slate

TARGET_SECONDS = 2.0
REFERENCE_DATE = dt.date(2026, 6, 30)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "明华伟静敏强磊军洋勇艳杰娟涛超秀霞平刚桂英芳燕玲丹萍红鹏飞"
MINORITIES = ("壮族", "回族", "满族", "维吾尔族", "苗族", "彝族", "土家族", "藏族", "蒙古族")
CATEGORY_WEIGHTS = (
    ("领导干部", 45),
    ("专业技术人员", 22),
    ("先进模范", 18),
    ("解放军武警", 4),
    ("其他", 11),
)


def synthetic_pool(size: int, seed: int) -> list[PoolPerson]:
    """``size`` vetted people with names, attributes and recommendation votes."""
    rng = random.Random(seed)  # noqa: S311 (made-up people, not secrets)
    labels = [c for c, _w in CATEGORY_WEIGHTS]
    weights = [w for _c, w in CATEGORY_WEIGHTS]
    pool = []
    for i in range(size):
        category = rng.choices(labels, weights)[0]
        front_line = rng.random() < (0.08 if category == "领导干部" else 0.6)
        age = rng.randint(28, 62)
        birth = REFERENCE_DATE - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        support = rng.randint(40, 400) + (180 if category == "领导干部" else 0)
        support += rng.randint(0, 60) if age >= 45 else 0
        support -= 40 if front_line else 0
        name = (
            SURNAMES[i % len(SURNAMES)]
            + GIVEN[(i // len(SURNAMES)) % len(GIVEN)]
            + GIVEN[(i // (len(SURNAMES) * len(GIVEN))) % len(GIVEN)]
        )
        person = Person(
            gender="女" if rng.random() < 0.3 else "男",
            ethnicity=rng.choice(MINORITIES) if rng.random() < 0.12 else "汉族",
            birth_date=birth,
            category=category,
            front_line=front_line,
            name=name,
        )
        pool.append(PoolPerson(id=i + 1, support=max(support, 0), person=person, name=name))
    return pool


def province_targets(seats: int) -> list[StructureTarget]:
    """Eight targets that overlap: a person can count in five of them at once."""
    military = max(1, seats * 3 // 100)
    return [
        women_above_members_share(Fraction(27, 100)),
        StructureTarget(Category.MINORITY, Comparator.GE, Fraction(1, 10)),
        StructureTarget(Category.FRONT_LINE, Comparator.GE, Fraction(1, 3)),
        StructureTarget(Category.LEADING_CADRE, Comparator.LE, Fraction(2, 5)),
        StructureTarget(Category.PROFESSIONAL, Comparator.GE, Fraction(1, 5)),
        StructureTarget(Category.MODEL_WORKER, Comparator.GE, Fraction(3, 20)),
        StructureTarget(Category.MILITARY, Comparator.GE, Fraction(military), Base.COUNT),
        StructureTarget(Category.UNDER_35, Comparator.GE, Fraction(1, 10)),
    ]


class Command(BaseCommand):
    help = (
        "性能基准：省级单位候选人预备人选建议名单（默认 2000 名人选、400 个名额、8 项结构比例），"
        "与单次求解对比；纯计算，不使用数据库，也无需临时库"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pool", type=int, default=2000)
        parser.add_argument("--seats", type=int, default=400)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--lines", type=int, default=12, help="显示说明的前几行")

    def handle(self, *args: Any, **options: Any) -> None:
        say = self.stdout.write
        seats = options["seats"]
        pool = synthetic_pool(options["pool"], options["seed"])
        targets = province_targets(seats)
        size = minimum_candidates(seats)
        say(
            f"人选 {len(pool):,} 名，名额 {seats} 名，建议名单 {size} 名，"
            f"结构比例 {len(targets)} 项（随机种子 {options['seed']}）"
        )

        programme = SlateProgramme(pool, targets, size, reference_date=REFERENCE_DATE)
        t, cpu = time.perf_counter(), time.process_time()
        bare = programme.greatest_support()
        floor, floor_cpu = time.perf_counter() - t, time.process_time() - cpu

        t, cpu = time.perf_counter(), time.process_time()
        suggestion = suggest_slate(pool, seats, targets, reference_date=REFERENCE_DATE)
        total, total_cpu = time.perf_counter() - t, time.process_time() - cpu

        if bare != suggestion.total_support:
            raise CommandError("单次求解与建议名单的结果不一致")
        binding = sum(e.binding for e in suggestion.effects)
        say(
            f"建议名单（读取人选类别、求解、同票处理、逐项放宽目标以说明）：{total:.3f} s"
            f"（CPU {total_cpu:.3f} s）"
        )
        say(
            f"对照（同一模型单次求解，只求得票合计最大，不含说明）：{floor:.3f} s"
            f"（CPU {floor_cpu:.3f} s）；倍数 {total / max(floor, 1e-9):.1f}×"
        )
        say(
            f"得票合计 {suggestion.total_support}（不考虑结构比例 {suggestion.top_support}）；"
            f"起作用的目标 {binding} 项；说明共 {len(suggestion.explanation)} 行"
        )
        verdict = "达标" if total < TARGET_SECONDS else "未达标"
        say(f"目标：建议名单 < {TARGET_SECONDS:g} s（墙钟时间）：{verdict}")
        say("")
        for line in suggestion.explanation[: options["lines"]]:
            say(line)
        if total >= TARGET_SECONDS:
            raise SystemExit(3)
