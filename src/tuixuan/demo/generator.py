"""Synthetic registry files for the demo and the benchmarks. Pure: no Django.

The demo is built the way a user would build a real installation: by importing files in
the format the users bring (CSV, UTF-8, Chinese headers). So this module only writes
files; importing them is the pipeline's job. Members are streamed to disk branch by
branch, which keeps a province of millions of members within a modest amount of memory.

Everything is drawn from one ``random.Random(seed)``, and the reference date is a
parameter, so a seed and a date always give the same files.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Final

from tuixuan.core import citizen_id
from tuixuan.demo import names

ORG_HEADERS: Final = ("党组织名称", "上级党组织", "组织类别", "组织代码")
MEMBER_HEADERS: Final = (
    "姓名", "性别", "民族", "公民身份号码", "出生日期", "学历", "人员类别", "入党日期",
    "转正日期", "党员类型", "所在党组织", "表决权状态", "察看期至", "流动党员", "离退休",
    "失联", "出国境",
)  # fmt: skip
DEPUTY_HEADERS: Final = ("姓名", "公民身份号码", "类别", "层级", "届次")
SANCTION_HEADERS: Final = (
    "姓名",
    "公民身份号码",
    "处分种类",
    "处分决定日期",
    "影响期至",
    "决定机关",
)
INVESTIGATION_HEADERS: Final = ("姓名", "公民身份号码", "立案日期", "结案日期", "立案机关")

FILE_NAMES: Final = {
    "organisations": "01_党组织.csv",
    "members": "02_党员.csv",
    "deputies": "03_人大代表政协委员.csv",
    "sanctions": "04_处分.csv",
    "investigations": "05_立案审查调查.csv",
}

CITY_CODE: Final = "SFS"
CITY_NAME: Final = "示范市委"
PROVINCE_CODE: Final = "SFP"
PROVINCE_NAME: Final = "示范省委"
MIN_BRANCH: Final = 5
MAX_BRANCH: Final = 120
YES, NO = "是", "否"

# Labels of the organisation types, as the import recognises them (OrgType labels).
T_PROVINCE, T_CITY, T_COUNTY = "省委", "市委", "县（区）委"
T_COMMITTEE, T_WORKING, T_GENERAL, T_BRANCH = "党委", "党工委", "党总支", "党支部"

EDUCATION: Final = ("研究生", "大学本科", "大学专科", "中专", "高中", "初中及以下")
FARMER, WORKER, PROFESSIONAL, MANAGER = "农牧渔民", "工人", "专业技术人员", "企事业单位管理人员"
OFFICIAL, STUDENT, RETIRED, OTHER = "党政机关工作人员", "学生", "离退休人员", "其他"

# Effect periods of party-discipline sanctions, in months (党纪处分影响期).
SANCTION_MONTHS: Final = {"警告": 12, "严重警告": 18, "撤销党内职务": 24}


@dataclass(frozen=True, slots=True)
class Scale:
    name: str
    members: int
    branches: int
    cities: int  # 市委 under the root; 1 means the root is the demo city itself
    counties_per_city: int


SCALES: Final = {
    "county": Scale("county", 40_000, 600, 1, 0),
    "city": Scale("city", 300_000, 4_500, 1, 9),
    "province": Scale("province", 4_000_000, 180_000, 15, 20),
}


@dataclass(frozen=True, slots=True)
class Profile:
    """How members of one kind of branch tend to look (weights, not decisions)."""

    female: float
    ages: tuple[int, ...]  # weights of the age bands in AGE_BANDS
    occupations: tuple[tuple[str, int], ...]
    education: tuple[int, ...]  # weights over EDUCATION
    probationary: float = 0.03
    floating: float = 0.004
    retires: bool = True  # members past retirement age count as retired


AGE_BANDS: Final = ((18, 25), (26, 35), (36, 45), (46, 55), (56, 65), (66, 75), (76, 85), (86, 95))

PROFILES: Final[dict[str, Profile]] = {
    "village": Profile(
        0.17, (3, 10, 15, 22, 23, 16, 8, 3),
        ((FARMER, 86), (WORKER, 5), (MANAGER, 4), (OTHER, 5)),
        (0, 3, 6, 8, 28, 55), probationary=0.028, floating=0.075, retires=False,
    ),
    "community": Profile(
        0.40, (3, 10, 14, 16, 18, 20, 13, 6),
        ((WORKER, 35), (MANAGER, 18), (PROFESSIONAL, 15), (OFFICIAL, 7), (OTHER, 25)),
        (2, 18, 22, 15, 25, 18), probationary=0.03, floating=0.05,
    ),
    "agency": Profile(
        0.31, (3, 20, 26, 28, 20, 2, 1, 0), ((OFFICIAL, 90), (PROFESSIONAL, 10)),
        (12, 60, 22, 3, 3, 0), probationary=0.025,
    ),
    "police": Profile(
        0.14, (3, 24, 28, 27, 17, 1, 0, 0), ((OFFICIAL, 100),), (4, 55, 35, 4, 2, 0),
        probationary=0.025,
    ),
    "school": Profile(
        0.56, (3, 24, 26, 26, 18, 2, 1, 0), ((PROFESSIONAL, 86), (MANAGER, 9), (OFFICIAL, 5)),
        (10, 62, 22, 4, 2, 0), probationary=0.03,
    ),
    "hospital": Profile(
        0.58, (3, 26, 27, 25, 17, 2, 0, 0), ((PROFESSIONAL, 88), (MANAGER, 12)),
        (12, 52, 28, 6, 2, 0), probationary=0.03,
    ),
    "student": Profile(
        0.55, (100, 0, 0, 0, 0, 0, 0, 0), ((STUDENT, 100),), (0, 0, 100, 0, 0, 0),
        probationary=0.35, retires=False,
    ),
    "soe": Profile(
        0.25, (3, 18, 23, 27, 24, 3, 1, 1),
        ((WORKER, 45), (MANAGER, 30), (PROFESSIONAL, 25)), (3, 35, 30, 12, 15, 5),
        probationary=0.03, floating=0.01,
    ),
    "private": Profile(
        0.30, (6, 32, 28, 21, 11, 2, 0, 0),
        ((WORKER, 40), (MANAGER, 35), (PROFESSIONAL, 15), (OTHER, 10)),
        (2, 25, 30, 15, 18, 10), probationary=0.04, floating=0.07, retires=False,
    ),
    "social": Profile(
        0.45, (3, 25, 25, 22, 15, 6, 3, 1),
        ((PROFESSIONAL, 55), (MANAGER, 25), (OTHER, 20)), (8, 48, 26, 6, 8, 4),
        probationary=0.035, floating=0.02,
    ),
    "retired": Profile(
        0.28, (0, 0, 0, 0, 12, 42, 33, 13), ((RETIRED, 100),), (3, 22, 25, 15, 20, 15),
        probationary=0.0,
    ),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Org:
    code: str
    name: str
    org_type: str
    parent: str  # the parent's code, "" for the root


@dataclass(slots=True)
class Branch:
    org: Org
    kind: str
    size: int = 0


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    citizen_id: str
    occupation: str
    age: int
    root_region: bool


@dataclass(slots=True)
class Manifest:
    """What was generated: the files and the organisations the demo accounts belong to."""

    directory: Path
    files: dict[str, Path]
    city_code: str
    unit_code: str  # the 乡镇党委 of the unit operator and teller
    branch_code: str  # a branch of that 乡镇党委, for the branch operator
    organisations: int = 0
    members: int = 0
    counts: dict[str, int] = field(default_factory=dict)


class _Picker:
    """Weighted choice by cumulative weights: one bisect per draw, no list building."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, pairs: Sequence[tuple[str, int]]) -> None:
        self._items = [p[0] for p in pairs]
        self._cum = list(accumulate(p[1] for p in pairs))
        self._total = self._cum[-1]

    def __call__(self, rng: random.Random) -> str:
        return self._items[bisect_right(self._cum, rng.random() * self._total)]


def _index_picker(weights: Sequence[int]) -> Callable[[random.Random], int]:
    cum = list(accumulate(weights))
    total = cum[-1]
    return lambda rng: bisect_right(cum, rng.random() * total)


class _Ids:
    """Hands out unique citizen IDs: a per (area, birth date, gender) sequence of 0-499."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._next: dict[int, int] = {}
        self._areas = names.HOME_AREAS + names.OTHER_AREAS

    def make(self, birth: dt.date, gender: str) -> str:
        home = len(names.HOME_AREAS)
        for _ in range(100):
            if self._rng.random() < 0.93:
                area = self._rng.randrange(home)
            else:
                area = home + self._rng.randrange(len(self._areas) - home)
            key = ((birth.toordinal() * 16 + area) << 1) | (gender == "M")
            seq = self._next.get(key, 0)
            if seq < 500:
                self._next[key] = seq + 1
                return citizen_id.make(self._areas[area], birth, seq, gender)
        raise RuntimeError("no free citizen ID")  # pragma: no cover - 15 areas x 500 per day


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def adult_on(birth: dt.date) -> dt.date:
    """The 18th birthday; one born on 29 February comes of age on 1 March."""
    try:
        return birth.replace(year=birth.year + 18)
    except ValueError:
        return dt.date(birth.year + 18, 3, 1)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """Largest-remainder split of ``total`` in proportion to ``weights``."""
    wsum = sum(weights)
    raw = [total * w / wsum for w in weights]
    out = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


# --- the organisation tree -------------------------------------------------------------

_COMMITTEES: Final = (
    # (name pattern, organisation type, branch kind, share of the branches)
    ("{w}直机关工委", T_WORKING, "agency", 6.0),
    ("{w}教育工委", T_WORKING, "school", 6.0),
    ("{w}卫健工委", T_WORKING, "hospital", 4.0),
    ("{w}国资委党委", T_COMMITTEE, "soe", 4.0),
    ("{w}公安局党委", T_COMMITTEE, "police", 2.5),
    ("{p}非公有制经济组织党工委", T_WORKING, "private", 8.0),
    ("{p}社会组织党委", T_COMMITTEE, "social", 3.0),
    ("{w}委老干部局党委", T_COMMITTEE, "retired", 3.0),
    ("{w}农业农村局党委", T_COMMITTEE, "agri", 2.5),
    ("{w}交通运输局党委", T_COMMITTEE, "transport", 2.0),
    ("{w}住房和城乡建设局党委", T_COMMITTEE, "housing", 2.0),
    ("{w}市场监督管理局党委", T_COMMITTEE, "market", 2.0),
)
TOWNSHIP_COUNT: Final = 17
TOWNSHIP_SHARE: Final = 3.0


@dataclass(frozen=True, slots=True)
class _Unit:
    """A workplace under a committee: one branch, or a 党总支 with several branches."""

    name: str
    kinds: tuple[tuple[str, str], ...]  # (branch name suffix, kind) when it has several


def _numbered(prefix: str, kind: str, count: int = 10) -> tuple[tuple[str, str], ...]:
    return tuple((f"{prefix}第{names.NUMERALS[i]}党支部", kind) for i in range(count))


def _direct_units(kind: str, w: str, rng: random.Random) -> Iterator[_Unit]:
    """Workplaces of a 县直/市直 committee, the bigger ones first, then an endless tail."""
    if kind == "agency":
        for a in names.AGENCIES:
            yield _Unit(f"{w}{a}机关", _numbered("", "agency", 4))
            if a in {"财政局", "组织部", "人社局", "民政局", "水利局"}:
                yield _Unit(f"{w}{a}离退休干部", _numbered("", "retired", 3))
    elif kind == "school":
        yield _Unit(
            f"{w}职业技术学院",
            (
                ("教工第一党支部", "school"),
                ("教工第二党支部", "school"),
                *_numbered("学生", "student", 6),
            ),
        )
        for s in names.SCHOOLS:
            yield _Unit(
                f"{w}{s}", _numbered("教工", "school", 4) + _numbered("退休教师", "retired", 2)
            )
    elif kind == "hospital":
        for h in names.HOSPITAL_UNITS:
            wards = tuple((f"{x}党支部", "hospital") for x in names.HOSPITAL_WARDS)
            yield _Unit(f"{w}{h}", (*wards, ("离退休党支部", "retired")))
    elif kind == "soe":
        for e in names.STATE_ENTERPRISES:
            yield _Unit(f"{w}{e}", _numbered("", "soe", 6) + _numbered("离退休", "retired", 1))
    elif kind == "police":
        for u in names.POLICE_UNITS:
            yield _Unit(f"{w}公安局{u}", _numbered("", "police", 4))
        yield _Unit(f"{w}公安局离退休干部", _numbered("", "retired", 3))
    elif kind in names.OTHER_AGENCIES:
        for u in names.OTHER_AGENCIES[kind]:
            yield _Unit(u, _numbered("", "agency", 3))
    elif kind == "retired":
        for i in range(1, 10_000):
            yield _Unit(f"{w}委老干部局离退休干部第{i}", ())
        return
    seen: set[str] = set()
    while True:  # endless tail: private firms, social organisations
        if kind == "social":
            base = f"{rng.choice(names.PRIVATE_HEADS)}{rng.choice(names.SOCIAL_ORGS)}"
            kind_here = "social"
        else:
            base = f"{w}{rng.choice(names.PRIVATE_HEADS)}{rng.choice(names.PRIVATE_TRADES)}有限公司"
            kind_here = "private"
        if base in seen:
            continue
        seen.add(base)
        yield _Unit(base, _numbered("", kind_here, 3))


class _Tree:
    """Builds the organisations of a region (29 党(工)委 and their branches)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.orgs: list[Org] = []
        self.branches: list[Branch] = []

    def add(self, code: str, name: str, org_type: str, parent: str) -> Org:
        org = Org(code, name, org_type, parent)
        self.orgs.append(org)
        return org

    def region(self, code: str, place: str, word: str, n_branches: int, demo: bool) -> list[Org]:
        """The 29 committees under ``code``; ``word`` is 市 or 县 (市直 / 县直)."""
        rng = self.rng
        w = word if demo else f"{place}{word}"
        p = "" if demo else f"{place}{word}"
        towns = (
            list(names.TOWNSHIPS[:TOWNSHIP_COUNT])
            if demo
            else rng.sample(names.TOWNSHIPS, TOWNSHIP_COUNT)
        )
        specs: list[tuple[str, str, str, float]] = [
            (t, T_COMMITTEE, "township", TOWNSHIP_SHARE) for t in towns
        ]
        specs += [(n.format(w=w, p=p), t, k, s) for n, t, k, s in _COMMITTEES]
        if n_branches >= len(specs):
            counts = _split(n_branches, [s[3] for s in specs])
        else:  # a tiny data set: one branch each, alternating townships and other units
            order = [i for pair in zip(range(17), range(17, 29), strict=False) for i in pair]
            chosen = set(order[:n_branches])
            counts = [1 if i in chosen else 0 for i in range(len(specs))]
        committees = []
        for i, ((name, org_type, kind, _), count) in enumerate(zip(specs, counts, strict=True)):
            committee_name = f"{name}党委" if kind == "township" else name
            c = self.add(f"{code}{i + 1:02d}", committee_name, org_type, code)
            committees.append(c)
            if kind == "township":
                self._township(c, name, count)
            else:
                self._direct(c, kind, w, count)
        return committees

    def _branch(self, parent: Org, seq: int, name: str, kind: str) -> None:
        org = self.add(f"{parent.code}{seq:04d}", name, T_BRANCH, parent.code)
        self.branches.append(Branch(org, kind))

    def _township(self, committee: Org, town: str, n: int) -> None:
        rng = self.rng
        kinds: list[tuple[str, str]] = []
        if n >= 6:
            kinds.append((f"{town}机关党支部", "agency"))
        if n >= 10:
            kinds += [
                (f"{town}机关离退休干部党支部", "retired"),
                (f"{town}中心学校党支部", "school"),
            ]
        if n >= 14:
            kinds.append((f"{town}卫生院党支部", "hospital"))
        n_comm = 0 if n < 5 else max(1, round(n * (0.3 if town == "城关镇" else 0.08)))
        for name in rng.sample(names.COMMUNITIES, min(n_comm, len(names.COMMUNITIES))):
            kinds.append((f"{name}社区党支部", "community"))
        villages: set[str] = set()
        while len(kinds) < n:
            v = f"{rng.choice(names.VILLAGE_HEADS)}{rng.choice(names.VILLAGE_TAILS)}"
            v += "村" if len(villages) < 600 else f"{len(villages)}村"
            if v in villages:
                continue
            villages.add(v)
            kinds.append((f"{v}党支部", "village"))
        kinds = kinds[:n]
        # Villages first in the list, as registries usually show them.
        kinds.sort(key=lambda k: k[1] != "village")
        for j, (name, kind) in enumerate(kinds, start=1):
            self._branch(committee, j, name, kind)

    def _direct(self, committee: Org, kind: str, w: str, n: int) -> None:
        if n == 0:
            return
        units: list[_Unit] = []
        alloc: list[int] = []
        source = _direct_units(kind, w, self.rng)
        # One branch per workplace first; then the bigger workplaces get more branches.
        for unit in source:
            if len(units) == n:
                break
            units.append(unit)
            alloc.append(1)
            if len(units) >= 8 and kind not in {"private", "social", "retired"}:
                break
        spare = n - len(units)
        i = 0
        while spare > 0:
            grown = False
            for k, unit in enumerate(units):
                if spare == 0:
                    break
                if alloc[k] < len(unit.kinds) and (i == 0 or k % (i + 1) == 0 or i > 4):
                    alloc[k] += 1
                    spare -= 1
                    grown = True
            if not grown:
                extra = next(source, None)
                if extra is None:  # pragma: no cover - sources are endless or large enough
                    break
                units.append(extra)
                alloc.append(1)
                spare -= 1
            i += 1
        seq = 0
        for z, (unit, count) in enumerate(zip(units, alloc, strict=True), start=1):
            if count == 1:
                seq += 1
                base_kind = unit.kinds[0][1] if unit.kinds else kind
                self._branch(committee, seq, f"{unit.name}党支部", base_kind)
                continue
            general = self.add(
                f"{committee.code}Z{z:03d}", f"{unit.name}党总支", T_GENERAL, committee.code
            )
            for suffix, sub_kind in unit.kinds[:count]:
                seq += 1
                self._branch(general, seq, f"{unit.name}{suffix}", sub_kind)


def _sizes(branches: list[Branch], total: int, rng: random.Random) -> None:
    """Branch sizes between 5 and 120, right-skewed, summing exactly to ``total``."""
    n = len(branches)
    if n == 0:
        return
    if not MIN_BRANCH * n <= total <= MAX_BRANCH * n:
        raise ValueError(f"{total} 名党员无法分配到 {n} 个党支部（每个党支部 5–120 人）")
    base = {"village": 1.3, "retired": 1.2, "student": 1.4, "community": 1.1, "private": 0.35}
    raw = [base.get(b.kind, 0.8) * rng.lognormvariate(0.0, 0.6) for b in branches]
    scale = total / sum(raw)
    for b, r in zip(branches, raw, strict=True):
        b.size = min(MAX_BRANCH, max(MIN_BRANCH, round(r * scale)))
    diff = total - sum(b.size for b in branches)
    step = 1 if diff > 0 else -1
    while diff:
        b = branches[rng.randrange(n)]
        if MIN_BRANCH <= b.size + step <= MAX_BRANCH:
            b.size += step
            diff -= step


# --- members ---------------------------------------------------------------------------


class _People:
    """Draws one person at a time: name, ID, dates and category consistent with each other."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.ids = _Ids(rng)
        self.surname = _Picker(names.SURNAMES)
        self.minority = _Picker(names.MINORITIES)
        self.age_band = {k: _index_picker(p.ages) for k, p in PROFILES.items()}
        self.edu = {k: _index_picker(p.education) for k, p in PROFILES.items()}
        self.occ = {k: _Picker(p.occupations) for k, p in PROFILES.items()}

    def name(self, gender: str, birth_year: int) -> str:
        rng = self.rng
        surname = self.surname(rng)
        era = "old" if birth_year < 1960 else "middle" if birth_year < 1985 else "young"
        if rng.random() < 0.12:
            male, female = names.ERA_NAMES[era]
            return surname + rng.choice(male if gender == "M" else female)
        chars = names.MALE_CHARS if gender == "M" else names.FEMALE_CHARS
        if rng.random() < 0.14 and len(surname) == 1:
            return surname + rng.choice(chars)
        return surname + rng.choice(chars) + rng.choice(chars)

    def birth(self, age: int) -> dt.date:
        start = _years_before(self.today, age + 1).toordinal() + 1
        end = _years_before(self.today, age).toordinal()
        return dt.date.fromordinal(self.rng.randint(start, end))

    def outsider(self) -> tuple[str, str]:
        """A person who is not in the member registry (for the deputy lists)."""
        gender = "F" if self.rng.random() < 0.35 else "M"
        birth = self.birth(self.rng.randint(32, 66))
        return self.name(gender, birth.year), self.ids.make(birth, gender)


def _member_row(people: _People, kind: str, org_code: str) -> tuple[list[str], str, int]:
    """One member row; returns the row, the occupation and the age."""
    rng, today = people.rng, people.today
    profile = PROFILES["agency" if kind in names.OTHER_AGENCIES else kind]
    gender = "F" if rng.random() < profile.female else "M"
    probationary = rng.random() < profile.probationary
    if kind == "student":
        age = rng.randint(18, 23)
    elif probationary:
        age = rng.randint(19, 45)
    else:
        lo, hi = AGE_BANDS[people.age_band[kind if kind in PROFILES else "agency"](rng)]
        age = rng.randint(lo, hi)
    birth = people.birth(age)
    adult = adult_on(birth).toordinal()
    if probationary:
        joined_ord = max(adult, today.toordinal() - rng.randint(1, 364))
        full = ""
        member_type = "预备党员"
    else:
        latest = today.toordinal() - 366 - (rng.randint(0, 180) if rng.random() < 0.03 else 0)
        delay = int(rng.expovariate(1 / 8.0) * 365.25) + rng.randint(0, 364)
        joined_ord = min(adult + delay, latest)
        if joined_ord < adult:  # too young to have finished a probation: make them probationary
            joined_ord = max(adult, today.toordinal() - rng.randint(1, 364))
            full, member_type, probationary = "", "预备党员", True
        else:
            extra = rng.randint(180, 365) if rng.random() < 0.02 else 0
            full_ord = min(joined_ord + 365 + extra, today.toordinal())
            full, member_type = dt.date.fromordinal(full_ord).isoformat(), "正式党员"
    joined = dt.date.fromordinal(joined_ord)
    retire_age = 55 if gender == "F" else 60
    if kind == "retired" or (profile.retires and age >= retire_age and not probationary):
        occupation = RETIRED
    else:
        occupation = people.occ[kind if kind in PROFILES else "agency"](rng)
    edu = people.edu[kind if kind in PROFILES else "agency"](rng)
    if kind != "student":
        if birth.year < 1965 and rng.random() < 0.5:
            edu = min(edu + 1, 5)
        if birth.year < 1955 and rng.random() < 0.5:
            edu = min(edu + 1, 5)
    working = occupation not in {RETIRED, STUDENT}
    floating = working and rng.random() < profile.floating
    r = rng.random()
    lost = r < 0.003
    abroad = 0.003 <= r < 0.005
    ethnicity = people.minority(rng) if rng.random() < 0.07 else "汉族"
    row = [
        people.name(gender, birth.year),
        "女" if gender == "F" else "男",
        ethnicity,
        people.ids.make(birth, gender),
        birth.isoformat(),
        EDUCATION[edu],
        occupation,
        joined.isoformat(),
        full,
        member_type,
        org_code,
        "正常",
        "",
        YES if floating else NO,
        YES if occupation == RETIRED else NO,
        YES if lost else NO,
        YES if abroad else NO,
    ]
    return row, occupation, age


# --- the whole data set ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Region:
    code: str
    place: str
    word: str
    parent: str
    name: str
    org_type: str
    demo: bool


def _regions(scale: Scale, rng: random.Random) -> tuple[list[Org], list[_Region]]:
    """Levels above the 党(工)委: the root and, at larger scales, 市委 and 县（区）委."""
    roots: list[Org] = []
    regions: list[_Region] = []
    if scale.cities > 1:
        roots.append(Org(PROVINCE_CODE, PROVINCE_NAME, T_PROVINCE, ""))
        city_parent = PROVINCE_CODE
    else:
        city_parent = ""
    city_names = rng.sample(names.CITY_NAMES, scale.cities - 1)
    county_names = list(names.COUNTY_NAMES)
    for c in range(scale.cities):
        demo = c == 0
        code = CITY_CODE if demo else f"C{c + 1:02d}"
        place = "示范" if demo else city_names[c - 1]
        roots.append(Org(code, CITY_NAME if demo else f"{place}市委", T_CITY, city_parent))
        regions.append(_Region(code, place, "市", city_parent, "", T_CITY, demo))
        # In a province the demo city keeps the shape it has at city scale.
        counties = 9 if demo and scale.cities > 1 else scale.counties_per_city
        for k in range(counties):
            cname = county_names[(c * 7 + k) % len(county_names)]
            if k >= len(county_names):
                cname = f"{cname}{k}"
            ccode = f"{code}X{k + 1:02d}"
            roots.append(Org(ccode, f"{cname}县委", T_COUNTY, code))
            regions.append(_Region(ccode, cname, "县", code, "", T_COUNTY, False))
    return roots, regions


def generate(
    out_dir: Path,
    *,
    seed: int = 2026,
    today: dt.date,
    scale: str = "county",
    members: int | None = None,
    branches: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Manifest:
    """Write the five demo files into ``out_dir`` and return what they contain.

    ``members``/``branches`` override the scale (small data sets for tests).
    """
    base = SCALES[scale]
    spec = Scale(
        base.name,
        base.members if members is None else members,
        base.branches if branches is None else branches,
        base.cities,
        base.counties_per_city,
    )
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible on purpose
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {k: out_dir / v for k, v in FILE_NAMES.items()}
    roots, regions = _regions(spec, rng)
    branch_split = _split(spec.branches, [1.0] * len(regions))
    member_split = _split(spec.members, [1.0] * len(regions))
    people = _People(rng, today)

    # The lists are the demo city's own; its members are picked in advance by position.
    demo_members = member_split[0]
    n_sanctions = max(6, round(demo_members * 25 / 40_000))
    n_probation = max(2, round(demo_members * 5 / 40_000))
    n_detained = 2 if demo_members >= 10_000 else 1
    n_open = max(5, round(demo_members * 5 / 40_000))
    special_count = n_sanctions + n_open + 3
    if special_count * 4 > demo_members:
        raise ValueError(f"党员人数太少（{demo_members}），无法生成处分和立案审查调查名单")
    picks = rng.sample(range(demo_members), special_count * 3)
    sanction_at = set(picks[:n_sanctions])
    probation_at = set(picks[:n_probation])  # the first sanctions are 留党察看 in effect
    detained_at = set(picks[n_sanctions : n_sanctions + n_detained])
    open_at = set(picks[n_sanctions : n_sanctions + n_open])  # includes the detained
    closed_at = set(picks[n_sanctions + n_open : n_sanctions + n_open + 3])

    sanctions: list[list[str]] = []
    investigations: list[list[str]] = []
    deputy_pool: list[Person] = []
    manifest = Manifest(out_dir, files, CITY_CODE, "", "")
    org_count = 0
    member_count = 0
    with (
        files["organisations"].open("w", encoding="utf-8", newline="") as org_fh,
        files["members"].open("w", encoding="utf-8", newline="") as mem_fh,
    ):
        org_out = csv.writer(org_fh)
        mem_out = csv.writer(mem_fh)
        org_out.writerow(ORG_HEADERS)
        mem_out.writerow(MEMBER_HEADERS)
        for o in roots:
            org_out.writerow((o.name, o.parent, o.org_type, o.code))
            org_count += 1
        for r_index, region in enumerate(regions):
            tree = _Tree(rng)
            committees = tree.region(
                region.code, region.place, region.word, branch_split[r_index], region.demo
            )
            _sizes(tree.branches, member_split[r_index], rng)
            for o in tree.orgs:
                org_out.writerow((o.name, o.parent, o.org_type, o.code))
            org_count += len(tree.orgs)
            if region.demo:
                by_parent: dict[str, list[Branch]] = {}
                org_parent = {o.code: o.parent for o in tree.orgs}
                for b in tree.branches:
                    top = b.org.parent
                    while org_parent.get(top, "") not in {"", region.code}:
                        top = org_parent[top]
                    by_parent.setdefault(top, []).append(b)
                towns = [c for c in committees if c.name.endswith(("镇党委", "乡党委"))]
                unit = max(towns, key=lambda c: (len(by_parent.get(c.code, [])), -towns.index(c)))
                manifest.unit_code = unit.code
                unit_branches = by_parent.get(unit.code, [])
                manifest.branch_code = unit_branches[0].org.code if unit_branches else unit.code
            index = 0
            for b in tree.branches:
                for _ in range(b.size):
                    row, occupation, age = _member_row(people, b.kind, b.org.code)
                    if region.demo:
                        _special(
                            row, index, today, rng,
                            sanction_at, probation_at, detained_at, open_at, closed_at,
                            sanctions, investigations,
                        )  # fmt: skip
                        eligible = occupation in {OFFICIAL, MANAGER, PROFESSIONAL, FARMER}
                        if eligible and 35 <= age <= 62 and row[11] == "正常":
                            _reservoir(deputy_pool, 120, index, rng, row, occupation, age)
                        index += 1
                    mem_out.writerow(row)
                member_count += b.size
                if progress is not None:
                    progress(b.size)
    deputies = _deputies(deputy_pool, people, rng)
    for kind, headers, rows in (
        ("deputies", DEPUTY_HEADERS, deputies),
        ("sanctions", SANCTION_HEADERS, sanctions),
        ("investigations", INVESTIGATION_HEADERS, investigations),
    ):
        with files[kind].open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(headers)
            out.writerows(rows)
        manifest.counts[kind] = len(rows)
    manifest.organisations = org_count
    manifest.members = member_count
    manifest.counts["organisations"] = org_count
    manifest.counts["members"] = member_count
    return manifest


def _reservoir(
    pool: list[Person], size: int, seen: int, rng: random.Random,
    row: list[str], occupation: str, age: int,
) -> None:  # fmt: skip
    person = Person(row[0], row[3], occupation, age, True)
    if len(pool) < size:
        pool.append(person)
    else:
        j = rng.randint(0, seen)
        if j < size:
            pool[j] = person


def _special(
    row: list[str], index: int, today: dt.date, rng: random.Random,
    sanction_at: set[int], probation_at: set[int], detained_at: set[int],
    open_at: set[int], closed_at: set[int],
    sanctions: list[list[str]], investigations: list[list[str]],
) -> None:  # fmt: skip
    """Make the picked members sanctioned or investigated, consistently with their row."""
    if index not in sanction_at and index not in open_at and index not in closed_at:
        return
    name, cid = row[0], row[3]
    birth = date_of(row[4])
    if row[9] == "预备党员" or date_of(row[7]) > today - dt.timedelta(days=3 * 365):
        # Only members of some standing are in the lists: move their joining back.
        lo = _add_months(birth, 18 * 12 + 6)
        hi = today - dt.timedelta(days=3 * 365)
        if lo > hi:
            return
        joined = lo + dt.timedelta(days=rng.randint(0, min((hi - lo).days, 15 * 365)))
        full = _add_months(joined, 12)
        row[7], row[8], row[9] = joined.isoformat(), full.isoformat(), "正式党员"
    authority = rng.choice(("示范市纪委监委", "示范市纪委监委", "市直机关纪工委", "示范市监委"))
    if index in probation_at:
        months = rng.choice((12, 24))
        decided = today - dt.timedelta(days=rng.randint(30, 300))
        until = _add_months(decided, months)
        row[11], row[12] = "留党察看", until.isoformat()
        sanctions.append(
            [
                name,
                cid,
                f"留党察看{months // 12}年",
                decided.isoformat(),
                until.isoformat(),
                authority,
            ]
        )
    elif index in sanction_at:
        kind = rng.choice(("警告", "警告", "严重警告", "严重警告", "撤销党内职务", "留党察看"))
        decided = today - dt.timedelta(days=rng.randint(20, 4 * 365))
        months = SANCTION_MONTHS.get(kind) or 24
        if kind == "留党察看":  # an earlier one, already served: rights are back
            decided = today - dt.timedelta(days=rng.randint(3 * 365, 5 * 365))
            kind = "留党察看2年"
        until = _add_months(decided, months)
        sanctions.append([name, cid, kind, decided.isoformat(), until.isoformat(), authority])
    if index in detained_at:
        row[11] = "留置"
    if index in open_at:
        opened = today - dt.timedelta(days=rng.randint(10, 200))
        investigations.append(
            [name, cid, opened.isoformat(), "", "示范市监委" if index in detained_at else authority]
        )
    elif index in closed_at:
        opened = today - dt.timedelta(days=rng.randint(400, 900))
        closed = opened + dt.timedelta(days=rng.randint(60, 200))
        investigations.append([name, cid, opened.isoformat(), closed.isoformat(), authority])


def date_of(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _deputies(pool: list[Person], people: _People, rng: random.Random) -> list[list[str]]:
    """About 40 人大代表 and 30 政协委员 of the city; about 65% / 40% are party members."""
    rows: list[list[str]] = []
    members = list(pool)
    rng.shuffle(members)
    for label, total, share, term in (
        ("人大代表", 40, 0.65, "第十七届"),
        ("政协委员", 30, 0.40, "第十二届"),
    ):
        for _ in range(total):
            if members and rng.random() < share:
                p = members.pop()
                name, cid = p.name, p.citizen_id
            else:
                name, cid = people.outsider()
            rows.append([name, cid, label, "市", term])
    return rows
