"""``tuixuan bench-canvassing``: the canvassing signals on a synthetic city, with planted patterns.

A seeded city of ``--members`` members in ``--branches`` branches of ``--units`` units fills
in one recommendation form each (``--names`` names, about 97% take part). Members name the
known people of their own unit (a popularity that falls off with rank), their branch's own
people, two people known across the city, now and then someone of another unit; every branch
leans its own way (a random factor on each weight), and about 12% of the branches report
after the list was handed down. Then each pattern is planted in a known set of places:

(a) in ``--plants`` branches, 40% of the forms are replaced by one identical list;
(b) in ``--plants`` (branch, person) pairs, a lesser-known person of the unit is added to 45%
    of the branch's forms;
(c) ``--plants`` // 2 persons are added to 30% of the forms of 12 branches of other units;
(d) ``--plants`` // 2 persons are added to half the forms of their unit's late branches.

The signals run on the planted city and on the same city without plants; the command prints,
per signal, the findings, how many hit a plant of that signal (precision) and how many plants
were found (recall), the findings that fall on another signal's plant, and the time. On the
clean city every finding is a false alarm, except the two city-wide figures of (c), which the
signal cannot tell from canvassing and flags by design.

Pure computation: no database is read or written, so unlike the other benchmarks this one
needs no scratch database.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuixuan.oversight.rules.canvassing import (
    Branch,
    Findings,
    Form,
    Person,
    Recommendations,
    Signal,
    detect,
    reports_from_forms,
)

HANDED_DOWN = date(2026, 3, 16)
POOL = 40  # the known people of a unit
LOCALS = 3  # the branch's own people that its members name more
CITY_FIGURES = 2


@dataclass
class Plants:
    """Where each pattern was planted: the keys a finding of that signal is matched on."""

    same_forms: set[str] = field(default_factory=set)
    branch_share: set[tuple[str, str]] = field(default_factory=set)
    outside_unit: set[str] = field(default_factory=set)
    late_surge: set[str] = field(default_factory=set)
    # Where a plant of one signal shows in another signal's terms, (branch, person).
    spill: set[tuple[str, str]] = field(default_factory=set)
    city_figures: set[str] = field(default_factory=set)


@dataclass
class City:
    branches: list[Branch]
    persons: list[Person]
    forms: list[list[str]]  # per form: the names, in the order drawn
    form_branch: list[str]
    report_day: dict[str, date]
    pool: dict[str, list[str]]  # unit → its known people, most known first
    members: dict[str, list[str]]  # branch → its members

    def data(self, forms: list[list[str]]) -> Recommendations:
        entered = [
            Form(branch=b, names=frozenset(names), entered_on=self.report_day[b])
            for b, names in zip(self.form_branch, forms, strict=True)
        ]
        return Recommendations(
            branches=self.branches,
            persons=self.persons,
            reports=reports_from_forms(entered),
            forms=entered,
            handed_down_on=HANDED_DOWN,
        )


def _split(rng: random.Random, total: int, parts: int, minimum: int) -> list[int]:
    """``total`` shared by ``parts`` with uneven random weights, each at least ``minimum``."""
    weights = [rng.lognormvariate(0, 0.7) for _ in range(parts)]
    spare = total - minimum * parts
    if spare < 0:
        raise CommandError(f"{total} 不够分成 {parts} 份（每份至少 {minimum}）")
    sizes = [minimum + int(spare * w / sum(weights)) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


def build_city(
    rng: random.Random, *, members: int, branches: int, units: int, names: int
) -> tuple[City, list[dict[str, float]]]:
    """The clean city, and each branch's weights (for the planting to read)."""
    if units < 2 or branches < 2 * units:
        raise CommandError("至少 2 个单位，每个单位至少 2 个支部")
    branch_counts = _split(rng, branches, units, 2)
    branch_list: list[Branch] = []
    for u, count in enumerate(branch_counts):
        branch_list += [Branch(code=f"U{u:02d}B{i:03d}", unit=f"U{u:02d}") for i in range(count)]
    sizes = _split(rng, members, branches, max(8, names + 2))
    persons: list[Person] = []
    members_of: dict[str, list[str]] = {}
    by_unit: dict[str, list[str]] = {}
    for branch, size in zip(branch_list, sizes, strict=True):
        codes = [f"{branch.code}M{i:03d}" for i in range(size)]
        members_of[branch.code] = codes
        by_unit.setdefault(branch.unit, []).extend(codes)
        persons += [Person(code=c, unit=branch.unit, branch=branch.code) for c in codes]
    pool = {u: rng.sample(codes, min(POOL, len(codes))) for u, codes in by_unit.items()}
    figures = [pool[f"U{u:02d}"][0] for u in range(min(CITY_FIGURES, units))]
    late = set(rng.sample([b.code for b in branch_list], max(2, branches * 12 // 100)))
    report_day = {
        b.code: HANDED_DOWN + timedelta(days=rng.randint(1, 5))
        if b.code in late
        else HANDED_DOWN - timedelta(days=rng.randint(1, 10))
        for b in branch_list
    }
    everyone = [p.code for p in persons]
    forms: list[list[str]] = []
    form_branch: list[str] = []
    weights_of: list[dict[str, float]] = []
    for branch in branch_list:
        weight: dict[str, float] = {}
        for rank, person in enumerate(pool[branch.unit]):
            weight[person] = (1.0 / (rank + 1)) * rng.gammavariate(8, 1 / 8)
        top = max(weight.values())
        for person in members_of[branch.code][:LOCALS]:
            weight[person] = weight.get(person, 0.0) + top * 0.6 * rng.gammavariate(8, 1 / 8)
        for person in figures:
            weight[person] = weight.get(person, 0.0) + top * 0.5
        weights_of.append(weight)
        population = sorted(weight)
        cumulative: list[float] = []
        running = 0.0
        for person in population:
            running += weight[person]
            cumulative.append(running)
        for _member in members_of[branch.code]:
            if rng.random() >= 0.97:
                continue
            chosen: list[str] = []
            if rng.random() < 0.05:
                chosen.append(rng.choice(everyone))  # someone of another unit, now and then
            while len(chosen) < names:
                for person in rng.choices(population, cum_weights=cumulative, k=names):
                    if person not in chosen and len(chosen) < names:
                        chosen.append(person)
            forms.append(chosen)
            form_branch.append(branch.code)
    city = City(branch_list, persons, forms, form_branch, report_day, pool, members_of)
    return city, weights_of


def _add(form: list[str], person: str) -> None:
    """Put ``person`` on the form in the place of its last name (it stays full)."""
    if person not in form:
        form[-1] = person


def plant(
    rng: random.Random, city: City, *, plants: int, names: int
) -> tuple[list[list[str]], Plants]:
    """A copy of the city's forms with the four patterns planted, and where."""
    forms = [list(f) for f in city.forms]
    where = Plants(city_figures={city.pool[f"U{u:02d}"][0] for u in range(CITY_FIGURES)})
    by_branch: dict[str, list[int]] = {}
    for i, b in enumerate(city.form_branch):
        by_branch.setdefault(b, []).append(i)
    unit_of = {b.code: b.unit for b in city.branches}
    late = [b for b, d in sorted(city.report_day.items()) if d > HANDED_DOWN]
    big = [b for b in sorted(by_branch) if len(by_branch[b]) >= 20 and b not in late]
    rng.shuffle(big)
    if len(big) < 2 * plants:
        raise CommandError("支部太小或太少，无法植入这么多处")
    taken = set()

    # (a) one identical list on 40% of the forms of a branch: half the unit's best known,
    # half from the end of its pool.
    for b in big[:plants]:
        pool = city.pool[unit_of[b]]
        listed = pool[: names // 2] + pool[-(names - names // 2) :]
        chosen = rng.sample(by_branch[b], len(by_branch[b]) * 2 // 5)
        for i in chosen:
            forms[i] = list(listed)
        where.same_forms.add(b)
        where.spill |= {(b, p) for p in listed}
        taken.add(b)

    # (b) a lesser-known person of the unit on 45% of one branch's forms.
    for b in big[plants : 2 * plants]:
        pool = city.pool[unit_of[b]]
        own = set(city.members[b])
        person = rng.choice([p for p in pool[15:] if p not in own] or pool[1:])
        for i in rng.sample(by_branch[b], len(by_branch[b]) * 45 // 100):
            _add(forms[i], person)
        where.branch_share.add((b, person))
        taken.add(b)

    # (c) a person added to 30% of the forms of 12 branches of other units.
    units = sorted(city.pool)
    for unit in rng.sample(units, min(len(units), max(1, plants // 2))):
        person = rng.choice(city.pool[unit][20:] or city.pool[unit][1:])
        others = [b for b in sorted(by_branch) if unit_of[b] != unit and b not in taken]
        for b in rng.sample(others, min(12, len(others))):
            for i in rng.sample(by_branch[b], len(by_branch[b]) * 3 // 10):
                _add(forms[i], person)
            where.spill.add((b, person))
        where.outside_unit.add(person)

    # (d) a person on half the forms of the unit's late branches.
    late_by_unit: dict[str, list[str]] = {}
    for b in late:
        late_by_unit.setdefault(unit_of[b], []).append(b)
    eligible = [
        u
        for u, bs in sorted(late_by_unit.items())
        if sum(len(by_branch.get(b, [])) for b in bs) >= 40
    ]
    for unit in rng.sample(eligible, min(len(eligible), max(1, plants // 2))):
        person = rng.choice(city.pool[unit][10:] or city.pool[unit][1:])
        for b in late_by_unit[unit]:
            for i in rng.sample(by_branch.get(b, []), len(by_branch.get(b, [])) // 2):
                _add(forms[i], person)
            where.spill.add((b, person))
        where.late_surge.add(person)
    return forms, where


def _key(signal: Signal, finding: Any) -> Any:
    if signal is Signal.SAME_FORMS:
        return finding.branch
    if signal is Signal.BRANCH_SHARE:
        return (finding.branch, finding.person)
    return finding.person


def _planted(signal: Signal, where: Plants) -> set[Any]:
    if signal is Signal.SAME_FORMS:
        return set(where.same_forms)
    if signal is Signal.BRANCH_SHARE:
        return set(where.branch_share)
    if signal is Signal.OUTSIDE_UNIT:
        return set(where.outside_unit)
    return set(where.late_surge)


def _elsewhere(signal: Signal, finding: Any, where: Plants) -> bool:
    """The finding falls on another signal's plant (or on a city-wide figure for (c))."""
    if signal is Signal.SAME_FORMS:
        return any(b == finding.branch for b, _p in where.spill)
    if signal is Signal.BRANCH_SHARE:
        return (finding.branch, finding.person) in where.spill
    if signal is Signal.OUTSIDE_UNIT:
        return finding.person in where.city_figures or finding.person in {
            p for _b, p in where.spill
        }
    return finding.person in {p for _b, p in where.spill}


@dataclass(frozen=True)
class Score:
    findings: int
    hits: int
    planted: int
    elsewhere: int
    seconds: float

    @property
    def precision(self) -> float:
        return self.hits / self.findings if self.findings else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.planted if self.planted else 1.0


def score(data: Recommendations, where: Plants) -> dict[Signal, tuple[Score, Findings]]:
    scores: dict[Signal, tuple[Score, Findings]] = {}
    for signal in Signal:
        t = time.perf_counter()
        found = detect(data, signals=[signal])
        seconds = time.perf_counter() - t
        planted = _planted(signal, where)
        first: dict[Any, Any] = {}
        for f in found.of(signal):
            first.setdefault(_key(signal, f), f)
        hits = len(set(first) & planted)
        elsewhere = sum(
            1 for k, f in first.items() if k not in planted and _elsewhere(signal, f, where)
        )
        scores[signal] = (
            Score(len(first), hits, len(planted), elsewhere, seconds),
            found,
        )
    return scores


class Command(BaseCommand):
    help = (
        "性能与效果基准：拉票迹象四项信号在合成的全市推荐数据上（默认 4 万名党员、690 个支部、"
        "29 个单位、每票 10 人），植入已知的异常，输出各信号的精确率、召回率、耗时和无植入时的"
        "误报数。纯计算，不读写任何数据库。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=40_000)
        parser.add_argument("--branches", type=int, default=690)
        parser.add_argument("--units", type=int, default=29)
        parser.add_argument("--names", type=int, default=10, help="每张推荐票的人数")
        parser.add_argument("--plants", type=int, default=20, help="（一）（二）各植入几处")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        say = self.stdout.write
        rng = random.Random(options["seed"])  # noqa: S311 (made-up recommendations, not secrets)
        t = time.perf_counter()
        city, _weights = build_city(
            rng,
            members=options["members"],
            branches=options["branches"],
            units=options["units"],
            names=options["names"],
        )
        forms, where = plant(rng, city, plants=options["plants"], names=options["names"])
        built = time.perf_counter() - t
        say(
            f"合成数据：党员 {options['members']:,} 名，支部 {len(city.branches)} 个，单位"
            f" {options['units']} 个，推荐票 {len(forms):,} 张（每票 {options['names']} 人），"
            f"种子 {options['seed']}；生成与植入 {built:.1f} s。名单下发日 {HANDED_DOWN}，"
            f"其后报来的支部 {sum(d > HANDED_DOWN for d in city.report_day.values())} 个。"
        )
        say("不读写数据库。\n")
        say(
            "一、植入异常后（精确率 = 命中本信号植入处的发现 / 全部发现；"
            "召回率 = 找到的植入处 / 植入处）"
        )
        planted = score(city.data(forms), where)
        for signal, (s, found) in planted.items():
            say(
                f"（{'abcd'[list(Signal).index(signal)]}）{signal.label}：检验 "
                f"{found.tested[signal]:,} 项，发现 {s.findings}，命中 {s.hits}/{s.planted}，"
                f"精确率 {s.precision:.0%}，召回率 {s.recall:.0%}；其余 {s.findings - s.hits} 项中"
                f"落在其他信号的植入处（或全市知名人物）{s.elsewhere} 项，按任一植入计精确率"
                f" {(s.hits + s.elsewhere) / s.findings if s.findings else 1:.0%}；"
                f"耗时 {s.seconds:.2f} s"
            )
        say("\n二、同一城市、不植入任何异常（每一项发现都是误报）")
        clean = score(city.data(city.forms), replace(Plants(), city_figures=where.city_figures))
        total = 0
        for signal, (s, found) in clean.items():
            total += s.findings
            note = (
                f"，其中全市知名人物 {s.elsewhere} 人（生成数据有意设置，信号无法与拉票区分）"
                if signal is Signal.OUTSIDE_UNIT
                else ""
            )
            say(
                f"（{'abcd'[list(Signal).index(signal)]}）{signal.label}：检验 "
                f"{found.tested[signal]:,} 项，误报 {s.findings}{note}；耗时 {s.seconds:.2f} s"
            )
        say(f"误报合计 {total} 项。")
        example = next((f for sig in Signal for f in planted[sig][1].of(sig)), None)
        if example is not None:
            say(f"\n说明示例：{example.explanation}")
