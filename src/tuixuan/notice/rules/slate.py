"""候选人预备人选建议名单: the list the committee is advised to start from (docs/domain.md §4.7).

From the vetted pool, the suggestion is the list of exactly ``minimum_candidates(seats, ratio)``
people (the margin of ``campaign.rules.margin``; the rules set no upper bound on the candidate
list, and a longer list only dilutes the margin's purpose, so the list is exactly the minimum)
that has the greatest total support — each person's votes in the recommendation rounds — among
the lists meeting every structure target of ``campaign.rules.structure``. A share target is
turned into a range of counts on that fixed list size by ``structure.allowed_counts``, so the
arithmetic of shares stays exact and in one place.

Ties: people are ranked by support, then by id. Among lists with the same greatest total
support, the one whose members stand highest in that ranking is taken (the least sum of
ranking places); people who are alike in every category the targets test are always taken in
ranking order. The programme is built in ranking order, so the same pool gives the same list
whatever order it comes in.

The integer programme (solved with HiGHS): people alike in every category the targets test form
a class, and the programme chooses how many to take from each class (an integer per class);
within a class the best-ranked are taken, which the continuous per-person columns encode (the
objective is concave in the count, so the relaxation fills each class from its top). Every
target is one row on the class counts. The tie-break is folded into the objective with whole
numbers (support × a scale above any difference the ranking part can make, plus the ranking
part), checked against a solve for support alone. Pure: no Django, no database.

The explanation is for the 组织部 officer: which target brought whom in or kept whom out and
what it cost in support, measured by solving again without that target; when the targets
cannot all be met from the pool, a set of targets that cannot be met together with none of
them superfluous (deletion filtering: each target dropped in turn, and left out while the rest
still cannot be met; one solve each), and how many more people the pool would need, and of
what kind.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

import highspy
import numpy as np
import numpy.typing as npt
from highspy._core import _Highs

from tuixuan.campaign.rules._format import percent_trimmed
from tuixuan.campaign.rules.margin import DEFAULT_MARGIN_RATIO, minimum_candidates
from tuixuan.campaign.rules.structure import (
    CATEGORY_LABELS,
    PARTITION,
    Category,
    PersonLike,
    StructureTarget,
    allowed_counts,
    belongs,
    evaluate,
    validate_targets,
)
from tuixuan.core.errors import DomainError

AGE_BANDS: tuple[Category, ...] = (
    Category.UNDER_35,
    Category.AGE_35_TO_54,
    Category.AGE_55_PLUS,
)
"""The age categories, of which every person is in exactly one (like ``PARTITION``)."""

_NEGATIVE_LABELS: dict[Category, str] = {
    Category.WOMEN: "男性",
    Category.MINORITY: "汉族",
    Category.FRONT_LINE: "非生产和工作第一线",
}

DEFAULT_TIME_LIMIT = 60.0
"""Seconds one solve may take before the suggestion gives up (a province unit takes well under
one second)."""


_EXACT = 2.0**50
"""Below this, sums of whole numbers are exact in floating point with room to spare."""


class SlateError(DomainError):
    """The pool or the settings cannot be used, or the solver did not finish."""


@dataclass(frozen=True, slots=True)
class PoolPerson:
    """One vetted person: ``person`` carries what the targets test (see ``structure.Person``)."""

    id: int
    support: int
    """Votes in the recommendation rounds."""
    person: PersonLike
    name: str = ""


@dataclass(frozen=True, slots=True)
class TargetEffect:
    """What one target did to the list, found by solving again without it."""

    target: StructureTarget
    allowed: tuple[int, int]
    """Counts of the category the list may hold (within the list size)."""
    top_count: int
    """How many of the category the unconstrained top of the ranking holds."""
    count: int
    """How many of the category the suggestion holds."""
    cost: int
    """Support the suggestion gives up for this target alone (0 when it costs nothing)."""
    brought_in: tuple[int, ...]
    """Ids in the suggestion, outside the top of the ranking, who go without this target."""
    kept_out: tuple[int, ...]
    """Ids in the top of the ranking, outside the suggestion, who come in without it."""

    @property
    def binding(self) -> bool:
        return self.cost > 0 or bool(self.brought_in or self.kept_out)


@dataclass(frozen=True, slots=True)
class Shortfall:
    """How many more people the pool would need for a set of targets to be met."""

    persons: int | None
    """None: no addition to the pool helps; the targets contradict each other (or the list
    size) whatever the pool."""
    kinds: tuple[tuple[str, int], ...]
    """One way of making up the shortfall: (description of the kind of person, how many)."""


@dataclass(frozen=True, slots=True)
class Conflict:
    targets: tuple[StructureTarget, ...]
    """A set of targets the pool cannot meet together, each of them needed: without any one of
    them the others can be met. Empty when the pool is smaller than the list."""
    shortfall: Shortfall
    """For ``targets`` (with the list size)."""
    overall: Shortfall
    """For every target of the campaign."""


@dataclass(frozen=True, slots=True)
class SlateSuggestion:
    seats: int
    ratio: Fraction
    list_size: int
    pool_size: int
    top: tuple[int, ...]
    """The unconstrained top ``list_size`` of the ranking (support, then id), in ranking order."""
    top_support: int
    chosen: tuple[int, ...] | None
    """The suggestion in ranking order; None when the targets cannot be met."""
    total_support: int | None
    effects: tuple[TargetEffect, ...]
    conflict: Conflict | None
    explanation: tuple[str, ...]
    """Plain Chinese sentences for the officer, in reading order."""

    @property
    def feasible(self) -> bool:
        return self.chosen is not None


class _Mode(Enum):
    FEASIBLE = "feasible"
    """Whether any list meets the targets: class counts only, no objective."""
    PRIMARY = "primary"
    """Greatest total support (one solve)."""
    BEST = "best"
    """Greatest total support, then the ranking tie-break (two solves)."""


@dataclass(frozen=True, slots=True)
class _Solved:
    counts: tuple[int, ...]
    """How many are taken from each class."""
    positions: frozenset[int]
    """Positions in the ranking of the people taken."""
    support: int
    values: tuple[float, ...]
    """The solver's column values, a starting point for a neighbouring programme."""


class _Rows:
    """A row-wise sparse matrix with row bounds, as HiGHS takes it."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.index: list[int] = []
        self.value: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []

    def add(self, cols: Iterable[int], values: Iterable[float], lower: float, upper: float) -> None:
        self.starts.append(len(self.index))
        self.index.extend(cols)
        self.value.extend(values)
        self.lower.append(lower)
        self.upper.append(upper)


def _f64(values: Sequence[float] | Sequence[int]) -> npt.NDArray[np.float64]:
    return np.asarray(values, dtype=np.float64)


def _i32(values: Sequence[int]) -> npt.NDArray[np.int32]:
    return np.asarray(values, dtype=np.int32)


class SlateProgramme:
    """The pool, the targets and the list size, prepared once; each ``_solve`` builds the
    integer programme for a subset of the targets and hands it to HiGHS."""

    def __init__(
        self,
        pool: Sequence[PoolPerson],
        targets: Sequence[StructureTarget],
        list_size: int,
        *,
        reference_date: dt.date | None = None,
        time_limit: float = DEFAULT_TIME_LIMIT,
    ) -> None:
        _check_pool(pool)
        self.targets = tuple(targets)
        self.list_size = list_size
        self.time_limit = time_limit
        self.reference_date = reference_date
        indexed = sorted(enumerate(pool), key=lambda ip: (-ip[1].support, ip[1].id))
        self.order: tuple[PoolPerson, ...] = tuple(p for _i, p in indexed)
        """The pool in ranking order: support, then id."""
        self.place = {p.id: k for k, p in enumerate(self.order)}
        categories: list[Category] = []
        for target in self.targets:
            if target.category not in categories:
                categories.append(target.category)
        self.categories = tuple(categories)
        self.target_column = tuple(categories.index(t.category) for t in self.targets)
        self.member: tuple[tuple[bool, ...], ...] = tuple(
            tuple(
                belongs(p.person, c, reference_date=reference_date, index=i)
                for c in self.categories
            )
            for i, p in indexed
        )
        self.bounds = tuple(allowed_counts(t, list_size) for t in self.targets)
        classes: dict[tuple[bool, ...], list[int]] = {}
        for position, key in enumerate(self.member):
            classes.setdefault(key, []).append(position)
        # A class never gives more than the list size; the rest of it cannot be taken.
        self.classes: tuple[tuple[tuple[bool, ...], tuple[int, ...]], ...] = tuple(
            (key, tuple(members[:list_size])) for key, members in classes.items()
        )

    # -- the programme --------------------------------------------------------------------

    def _class_rows(self, rows: _Rows, active: Sequence[int]) -> None:
        """The list-size row and one row per active target, on the class counts (columns
        0..classes-1)."""
        n_classes = len(self.classes)
        rows.add(range(n_classes), itertools.repeat(1.0, n_classes), self.list_size, self.list_size)
        for j in active:
            bounds = self.bounds[j]
            if bounds is None:  # pragma: no cover - callers settle these before solving
                raise AssertionError("target without any allowed count")
            column = self.target_column[j]
            cols = [k for k, (key, _m) in enumerate(self.classes) if key[column]]
            rows.add(cols, itertools.repeat(1.0, len(cols)), bounds[0], bounds[1])

    def greatest_support(self) -> int | None:
        """One solve with every target, for the greatest total support only (no tie-break,
        no explanation): the floor ``tuixuan bench-slate`` compares with."""
        solved = self._solve(range(len(self.targets)), _Mode.PRIMARY)
        return None if solved is None else solved.support

    def _solve(
        self, active: Sequence[int], mode: _Mode, *, start: Sequence[float] | None = None
    ) -> _Solved | None:
        """The list for the targets ``active`` (indices into ``targets``), None if none."""
        if any(self.bounds[j] is None for j in active):
            return None
        if len(self.order) < self.list_size:
            return None
        n_classes = len(self.classes)
        rows = _Rows()
        self._class_rows(rows, active)
        upper: list[float] = [float(len(m)) for _k, m in self.classes]
        integrality = [1] * n_classes
        people: list[int] = []
        if mode is not _Mode.FEASIBLE:
            for k, (_key, members) in enumerate(self.classes):
                first = n_classes + len(people)
                people.extend(members)
                cols = [k, *range(first, first + len(members))]
                rows.add(cols, [-1.0, *itertools.repeat(1.0, len(members))], 0.0, 0.0)
            upper += [1.0] * len(people)
            integrality += [0] * len(people)
        supports = [float(self.order[p].support) for p in people]

        def run(costs: Sequence[float], begin: Sequence[float] | None) -> _Solved | None:
            h = self._highs()
            status = h.passModel(
                len(upper),
                len(rows.lower),
                len(rows.index),
                int(highspy.MatrixFormat.kRowwise.value),
                int(highspy.ObjSense.kMaximize.value),
                0.0,
                _f64([0.0] * n_classes + list(costs)),
                np.zeros(len(upper)),
                _f64(upper),
                _f64(rows.lower),
                _f64(rows.upper),
                _i32(rows.starts),
                _i32(rows.index),
                _f64(rows.value),
                _i32(integrality),
            )
            if status != highspy.HighsStatus.kOk:  # pragma: no cover - a programming error
                raise SlateError("建议名单的计算模型无法建立")
            if begin is not None:
                h.setSolution(len(begin), np.arange(len(begin), dtype=np.int32), _f64(begin))
            return self._read(h, n_classes) if self._run(h) else None

        solved = run(supports, start if mode is not _Mode.FEASIBLE else None)
        if solved is None or mode is not _Mode.BEST:
            return solved
        # The tie-break: the greatest support first, then the least sum of ranking places.
        # Both fit in one objective, support × scale + (pool size − place), the scale being
        # above any difference the second part can make. The first solve gave the greatest
        # support; the combined one is kept only if it reaches it (it always should, unless
        # the numbers grow too large for exact floating point, when two solves are used).
        weights = [float(len(self.order) - p) for p in people]
        scale = float(self.list_size * len(self.order) + 1)
        if max(supports, default=0.0) * scale * self.list_size < _EXACT:
            combined = run(
                [s * scale + w for s, w in zip(supports, weights, strict=True)], solved.values
            )
            if combined is not None and combined.support == solved.support:
                return combined
        return self._second_stage(rows, upper, integrality, solved, supports, weights)

    def _second_stage(
        self,
        rows: _Rows,
        upper: Sequence[float],
        integrality: Sequence[int],
        solved: _Solved,
        supports: Sequence[float],
        weights: Sequence[float],
    ) -> _Solved:
        """The tie-break as a second programme: keep the support (whole numbers, hence the
        half), maximise the ranking weights."""
        n_classes = len(self.classes)
        h = self._highs()
        h.passModel(
            len(upper),
            len(rows.lower),
            len(rows.index),
            int(highspy.MatrixFormat.kRowwise.value),
            int(highspy.ObjSense.kMaximize.value),
            0.0,
            _f64([0.0] * n_classes + list(weights)),
            np.zeros(len(upper)),
            _f64(upper),
            _f64(rows.lower),
            _f64(rows.upper),
            _i32(rows.starts),
            _i32(rows.index),
            _f64(rows.value),
            _i32(integrality),
        )
        person_cols = np.arange(n_classes, len(upper), dtype=np.int32)
        h.addRow(
            solved.support - 0.5, highspy.kHighsInf, len(supports), person_cols, _f64(supports)
        )
        h.setSolution(len(upper), np.arange(len(upper), dtype=np.int32), _f64(solved.values))
        if not self._run(h):  # pragma: no cover - the first solve is a solution
            raise SlateError("建议名单的计算未能完成")
        return self._read(h, n_classes)

    def _highs(self) -> _Highs:
        # The solver itself, without highspy's Python wrapper class, which installs Python
        # callbacks and prints a banner on standard output when it is created.
        h = _Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("time_limit", float(self.time_limit))
        h.setOptionValue("mip_rel_gap", 0.0)
        # Objectives take whole values at the integer points (see _read), so a gap below one
        # proves optimality.
        h.setOptionValue("mip_abs_gap", 0.999)
        # The programmes are small and their relaxations nearly integral: presolve and the
        # feasibility-jump heuristic cost more than the solve itself.
        h.setOptionValue("presolve", "off")
        h.setOptionValue("mip_heuristic_run_feasibility_jump", False)
        # One thread: the solves are short and many, and on a shared machine waiting for a
        # second worker costs more than it brings.
        h.setOptionValue("threads", 1)
        return h

    def _run(self, h: _Highs) -> bool:
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return True
        if status == highspy.HighsModelStatus.kInfeasible:
            return False
        if status == highspy.HighsModelStatus.kTimeLimit:
            raise SlateError(f"建议名单的计算超过 {self.time_limit:g} 秒仍未完成")
        raise SlateError(f"建议名单的计算未能完成（{h.modelStatusToString(status)}）")

    def _read(self, h: _Highs, n_classes: int) -> _Solved:
        """The class counts of the solution, each class filled from its best-ranked: among
        the lists with those counts, the one with the greatest support and then the best
        ranking, whatever the continuous columns say."""
        values = tuple(h.getSolution().col_value)
        counts = tuple(round(v) for v in values[:n_classes])
        positions = frozenset(
            p for (_key, members), c in zip(self.classes, counts, strict=True) for p in members[:c]
        )
        support = sum(self.order[p].support for p in positions)
        return _Solved(counts, positions, support, values)

    def feasible(self, active: Sequence[int]) -> bool:
        return self._solve(active, _Mode.FEASIBLE) is not None

    def shortfall(self, active: Sequence[int]) -> Shortfall:
        """The fewest people to add to the pool so that the targets ``active`` can be met.

        Made-up people of every kind the targets tell apart may be added, each costing one; a
        kind may leave a category open ("either"), and then counts against the target
        whichever way it turns out (not towards a minimum, towards a maximum), so that any
        real person of that description would do. Among the fewest, kinds described with
        fewer words are preferred, then kinds in a fixed order, so the example is stable.
        """
        if any(self.bounds[j] is None for j in active):
            return Shortfall(None, ())
        involved = sorted({self.target_column[j] for j in active})
        kinds = [
            (spec, _kind_words([self.categories[c] for c in involved], spec))
            for spec in _kinds([self.categories[c] for c in involved])
        ]
        size = self.list_size
        rows = _Rows()
        n_classes = len(self.classes)
        columns = range(n_classes + len(kinds))
        rows.add(columns, itertools.repeat(1.0, len(columns)), size, size)
        inf = highspy.kHighsInf
        for j in active:
            low, high = self.bounds[j] or (0, size)
            column = self.target_column[j]
            spot = involved.index(column)
            real = [float(key[column]) for key, _m in self.classes]
            if low > 0:
                made_up = [1.0 if spec[spot] is True else 0.0 for spec, _w in kinds]
                rows.add(columns, real + made_up, low, inf)
            if high < size:
                made_up = [0.0 if spec[spot] is False else 1.0 for spec, _w in kinds]
                rows.add(columns, real + made_up, -inf, high)
        # Each made-up person costs one unit; within that, fewer words, then the earlier kind
        # (named categories before "either" is narrowed), never enough to add a person.
        heaviest = max((len(w) for _s, w in kinds), default=0)
        preference = [len(w) * len(kinds) + k for k, (_s, w) in enumerate(kinds)]
        unit = float((heaviest * len(kinds) + len(kinds)) * size + 1)
        cost = [0.0] * n_classes + [unit + p for p in preference]
        upper = [float(len(m)) for _k, m in self.classes] + [float(size)] * len(kinds)
        h = self._highs()
        h.passModel(
            len(cost),
            len(rows.lower),
            len(rows.index),
            int(highspy.MatrixFormat.kRowwise.value),
            int(highspy.ObjSense.kMinimize.value),
            0.0,
            _f64(cost),
            np.zeros(len(cost)),
            _f64(upper),
            _f64(rows.lower),
            _f64(rows.upper),
            _i32(rows.starts),
            _i32(rows.index),
            _f64(rows.value),
            _i32([1] * len(cost)),
        )
        if not self._run(h):
            return Shortfall(None, ())
        added = [round(v) for v in h.getSolution().col_value[n_classes:]]
        made = tuple(
            ("、".join(words) or "不限条件", a)
            for (_s, words), a in zip(kinds, added, strict=True)
            if a > 0
        )
        return Shortfall(sum(added), made)


def _kinds(categories: Sequence[Category]) -> Iterable[tuple[bool | None, ...]]:
    """Every description of a person over ``categories``: True inside, False outside, None
    either. The partition categories are described together (inside one of them, outside
    all those named, or either), and so are the age bands; the others one by one."""
    parts = [c for c in categories if c in PARTITION]
    ages = [c for c in categories if c in AGE_BANDS]
    free = [c for c in categories if c not in PARTITION and c not in AGE_BANDS]

    def exclusive(group: Sequence[Category], whole: int) -> list[dict[Category, bool | None]]:
        if not group:
            return [{}]
        options: list[dict[Category, bool | None]] = [dict.fromkeys(group)]
        options += [{c: c is chosen for c in group} for chosen in group]
        if len(group) < whole:
            options.append(dict.fromkeys(group, False))
        return options

    for part, age, bits in itertools.product(
        exclusive(parts, len(PARTITION)),
        exclusive(ages, len(AGE_BANDS)),
        itertools.product((None, True, False), repeat=len(free)),
    ):
        spec = {**part, **age, **dict(zip(free, bits, strict=True))}
        yield tuple(spec[c] for c in categories)


def _kind_words(categories: Sequence[Category], spec: Sequence[bool | None]) -> list[str]:
    """How a description reads: the categories it fixes, a partition category or age band by
    its own name (being in one means being outside the others), and being outside all those
    named by the one left over when a single one is, else by naming them all."""
    value = dict(zip(categories, spec, strict=True))
    words: list[str] = []
    done: set[Category] = set()
    for category in categories:
        if category in done:
            continue
        group = PARTITION if category in PARTITION else AGE_BANDS if category in AGE_BANDS else ()
        if not group:
            inside = value[category]
            if inside is not None:
                words.append(_label(category, inside))
            continue
        named = [c for c in categories if c in group]
        done.update(named)
        if value[category] is None:
            continue
        chosen = [c for c in named if value[c]]
        rest = [c for c in group if c not in named]
        if chosen:
            words.append(CATEGORY_LABELS[chosen[0]])
        elif len(rest) == 1:
            words.append(CATEGORY_LABELS[rest[0]])
        else:
            words.extend(_label(c, False) for c in named)
    return words


def _label(category: Category, inside: bool) -> str:
    if inside:
        return CATEGORY_LABELS[category]
    return _NEGATIVE_LABELS.get(category, f"非{CATEGORY_LABELS[category]}")


def _check_pool(pool: Sequence[PoolPerson]) -> None:
    seen: set[int] = set()
    for person in pool:
        if isinstance(person.id, bool) or not isinstance(person.id, int):
            raise SlateError(f"人选编号“{person.id}”应为整数")
        if person.id in seen:
            raise SlateError(f"人选编号 {person.id} 重复")
        seen.add(person.id)
        if isinstance(person.support, bool) or not isinstance(person.support, int):
            raise SlateError(f"人选 {_name(person)} 的推荐票数应为整数")
        if person.support < 0:
            raise SlateError(f"人选 {_name(person)} 的推荐票数为 {person.support}，不能为负数")


def _name(person: PoolPerson) -> str:
    return person.name or f"编号 {person.id}"


@functools.lru_cache(maxsize=256)
def _describe(target: StructureTarget) -> str:
    """``target.describe()``, once per target: the explanation names a target many times."""
    return target.describe()


def _quoted(targets: Iterable[StructureTarget]) -> str:
    return "、".join(f"“{_describe(t)}”" for t in targets)


def _range_text(bounds: tuple[int, int], list_size: int) -> str:
    low, high = bounds
    if low == high:
        return f"恰为 {low} 名"
    if high >= list_size:
        return f"至少 {low} 名"
    if low <= 0:
        return f"至多 {high} 名"
    return f"在 {low} 至 {high} 名之间"


# -- the suggestion ---------------------------------------------------------------------------


def suggest_slate(
    pool: Sequence[PoolPerson],
    seats: int,
    targets: Sequence[StructureTarget],
    *,
    ratio: Fraction = DEFAULT_MARGIN_RATIO,
    reference_date: dt.date | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> SlateSuggestion:
    """The suggested list, or the targets that cannot be met together, with the explanation.

    ``reference_date`` is the day ages are counted on (needed only for age targets).
    """
    if isinstance(seats, bool) or not isinstance(seats, int) or seats <= 0:
        raise SlateError(f"名额为 {seats}，应为正整数")
    ratio = Fraction(ratio)
    list_size = minimum_candidates(seats, ratio)
    programme = SlateProgramme(
        pool, targets, list_size, reference_date=reference_date, time_limit=time_limit
    )
    return _suggest(programme, seats, ratio)


def _suggest(programme: SlateProgramme, seats: int, ratio: Fraction) -> SlateSuggestion:
    order = programme.order
    size = programme.list_size
    top_positions = frozenset(range(min(size, len(order))))
    top = tuple(order[p].id for p in sorted(top_positions))
    top_support = sum(order[p].support for p in top_positions)
    every = list(range(len(programme.targets)))
    head = f"名额 {seats} 名，差额比例 {percent_trimmed(ratio)}，建议名单应为 {size} 名。"

    best = programme._solve(every, _Mode.BEST)
    if best is None:
        conflict = _conflict(programme)
        lines = [head, *_conflict_lines(programme, conflict)]
        return SlateSuggestion(
            seats, ratio, size, len(order), top, top_support, None, None, (), conflict, tuple(lines)
        )

    _verify(programme, best.positions)
    effects = tuple(_effect(programme, j, best, top_positions) for j in every)
    chosen = tuple(order[p].id for p in sorted(best.positions))
    lines = [head, *_feasible_lines(programme, best, top_positions, top_support, effects)]
    return SlateSuggestion(
        seats,
        ratio,
        size,
        len(order),
        top,
        top_support,
        chosen,
        best.support,
        effects,
        None,
        tuple(lines),
    )


def _verify(programme: SlateProgramme, positions: frozenset[int]) -> None:
    """The list meets every target by ``structure.evaluate`` itself, not only by the programme."""
    people = [programme.order[p].person for p in sorted(positions)]
    if len(people) != programme.list_size:  # pragma: no cover - a defect, not a user error
        raise SlateError("建议名单人数与应有人数不符")
    results = evaluate(programme.targets, people, reference_date=programme.reference_date)
    broken = [r.explanation for r in results if not r.met]
    if broken:  # pragma: no cover - a defect, not a user error
        raise SlateError("建议名单不符合结构比例：" + "；".join(broken))


def _count(programme: SlateProgramme, j: int, positions: Iterable[int]) -> int:
    column = programme.target_column[j]
    return sum(programme.member[p][column] for p in positions)


def _effect(programme: SlateProgramme, j: int, best: _Solved, top: frozenset[int]) -> TargetEffect:
    bounds = programme.bounds[j]
    if bounds is None:  # pragma: no cover - the list was found, so every target has a range
        raise SlateError("目标无法满足")
    brought_in: tuple[int, ...] = ()
    kept_out: tuple[int, ...] = ()
    cost = 0
    if best.positions != top:
        others = [k for k in range(len(programme.targets)) if k != j]
        relaxed = programme._solve(others, _Mode.BEST, start=best.values)
        if relaxed is None:  # pragma: no cover - fewer targets cannot be harder to meet
            raise SlateError("放宽目标后反而无解")
        cost = relaxed.support - best.support
        order = programme.order
        brought_in = tuple(order[p].id for p in sorted(best.positions - top - relaxed.positions))
        kept_out = tuple(order[p].id for p in sorted((top - best.positions) & relaxed.positions))
    return TargetEffect(
        target=programme.targets[j],
        allowed=bounds,
        top_count=_count(programme, j, top),
        count=_count(programme, j, best.positions),
        cost=cost,
        brought_in=brought_in,
        kept_out=kept_out,
    )


def _served(
    programme: SlateProgramme, effects: Sequence[TargetEffect], position: int, *, entering: bool
) -> list[StructureTarget]:
    """Targets this person's coming in (or staying out) serves: for someone brought in, a
    minimum the person counts towards that the top of the ranking fell short of or that the
    suggestion just reaches, or a maximum the person is outside of that the top exceeded or
    the suggestion just reaches; for someone kept out, a maximum the person is inside of
    (likewise), or a minimum the person is outside of that the suggestion just reaches."""
    found = []
    for j, effect in enumerate(effects):
        inside = programme.member[position][programme.target_column[j]]
        low, high = effect.allowed
        short = low > 0 and (effect.count == low or effect.top_count < low)
        over = high < programme.list_size and (effect.count == high or effect.top_count > high)
        at_minimum = low > 0 and effect.count == low
        if entering:
            serves = (short and inside) or (over and not inside)
        else:
            serves = (over and inside) or (at_minimum and not inside)
        if serves:
            found.append(effect.target)
    return found


def _person_line(
    programme: SlateProgramme,
    effects: Sequence[TargetEffect],
    person_id: int,
    *,
    entering: bool,
) -> str:
    """Why one person comes in (or stays out): the targets whose relaxation alone would undo
    it, then the others at the edge of their range that the move serves; with the person's
    attributes those targets test."""
    position = programme.place[person_id]
    person = programme.order[position]
    causes = [e.target for e in effects if person_id in (e.brought_in if entering else e.kept_out)]
    served = _served(programme, effects, position, entering=entering)
    related = [e.target for e in effects if e.target in causes or e.target in served]
    attributes: list[str] = []
    for target in related:
        inside = programme.member[position][programme.categories.index(target.category)]
        word = _label(target.category, inside)
        if word not in attributes:
            attributes.append(word)
    verb = "调入" if entering else "调出"
    about = "、".join([*attributes, f"推荐得票 {person.support} 票", f"排第 {position + 1} 位"])
    line = f"{verb}{_name(person)}（{about}）："
    undone = "此人不再入选" if entering else "此人即可入选"
    if not related:
        return line + "为同时符合各项结构比例。"
    line += f"为符合{_quoted(related)}"
    if causes:
        which = _quoted(causes) if len(causes) == 1 else f"{_or(causes)}中任何一项"
        return line + f"；单独放宽{which}，{undone}。"
    return line + f"等结构比例；须放宽不止一项，{undone}。"


def _or(targets: Sequence[StructureTarget]) -> str:
    return "或".join(f"“{_describe(t)}”" for t in targets)


def _feasible_lines(
    programme: SlateProgramme,
    best: _Solved,
    top: frozenset[int],
    top_support: int,
    effects: Sequence[TargetEffect],
) -> list[str]:
    size = programme.list_size
    order = programme.order
    if best.positions == top:
        return [
            f"按推荐得票从高到低（票数相同的按编号先后）取前 {size} 名，已符合全部 "
            f"{len(effects)} 项结构比例，建议名单即为这 {size} 名，"
            f"推荐得票合计 {best.support} 票。",
            "以上为按推荐得票和结构比例计算的建议，名单由集体研究决定。",
        ]
    entering = sorted(best.positions - top)
    leaving = sorted(top - best.positions)
    lines = [
        f"建议名单推荐得票合计 {best.support} 票。如不考虑结构比例，按推荐得票从高到低"
        f"（票数相同的按编号先后）取前 {size} 名，合计 {top_support} 票；为符合结构比例，"
        f"调入排名在后的 {len(entering)} 名、调出排名靠前的 {len(leaving)} 名，"
        f"得票合计少 {top_support - best.support} 票。"
    ]
    quiet = []
    for effect in effects:
        if not effect.binding:
            quiet.append(effect.target)
            continue
        label = effect.target.label
        line = (
            f"“{_describe(effect.target)}”：按得票取前 {size} 名时{label} {effect.top_count} 名，"
            f"名单中须{_range_text(effect.allowed, size)}，建议名单中 {effect.count} 名。"
        )
        moved = []
        if effect.brought_in:
            moved.append(f"调入 {len(effect.brought_in)} 名")
        if effect.kept_out:
            moved.append(f"调出 {len(effect.kept_out)} 名")
        if moved:
            line += f"因这一项{'、'.join(moved)}；"
        if effect.cost > 0:
            line += f"单独放宽这一项，得票合计可多 {effect.cost} 票。"
        else:
            line += "单独放宽这一项，得票合计不变。"
        lines.append(line)
    if quiet:
        lines.append(f"以下目标没有单独改变名单：{_quoted(quiet)}。")
    for p in entering:
        lines.append(_person_line(programme, effects, order[p].id, entering=True))
    for p in leaving:
        lines.append(_person_line(programme, effects, order[p].id, entering=False))
    lines.append("以上为按推荐得票和结构比例计算的建议，名单由集体研究决定。")
    return lines


def _conflict(programme: SlateProgramme) -> Conflict:
    """A set of targets that cannot be met together, each one needed (deletion filtering:
    drop each target in turn and keep it dropped while the rest still cannot be met). A
    target that cannot be met alone is taken first, being the smallest such set."""
    every = list(range(len(programme.targets)))
    if len(programme.order) < programme.list_size:
        kept: list[int] = []
    else:
        single = next((j for j in every if not programme.feasible([j])), None)
        if single is not None:
            kept = [single]
        else:
            kept = list(every)
            for j in every:
                trial = [k for k in kept if k != j]
                if not programme.feasible(trial):
                    kept = trial
    shortfall = programme.shortfall(kept)
    overall = shortfall if len(kept) == len(every) else programme.shortfall(every)
    return Conflict(tuple(programme.targets[j] for j in kept), shortfall, overall)


def _kinds_text(shortfall: Shortfall) -> str:
    return "；".join(f"{words} {n} 名" for words, n in shortfall.kinds)


def _conflict_lines(programme: SlateProgramme, conflict: Conflict) -> list[str]:
    size = programme.list_size
    pool = len(programme.order)
    lines: list[str] = []
    targets = conflict.targets
    if not targets:
        lines.append(
            f"现有人选 {pool} 名，少于建议名单应有的 {size} 名，还差 {size - pool} 名，"
            "无法提出建议名单。"
        )
    else:
        if len(targets) == 1:
            lines.append(f"现有 {pool} 名人选无法符合{_quoted(targets)}，无法提出建议名单。")
        else:
            lines.append(
                f"现有 {pool} 名人选无法同时符合以下 {len(targets)} 项目标：{_quoted(targets)}；"
                "去掉其中任何一项，其余几项可以同时符合。"
            )
        for target in targets:
            j = programme.targets.index(target)
            bounds = programme.bounds[j]
            label = target.label
            if bounds is None:
                lines.append(f"“{_describe(target)}”：名单共 {size} 名，这一项本身无法达到。")
                continue
            inside = _count(programme, j, range(pool))
            lines.append(
                f"“{_describe(target)}”：名单 {size} 名中{label}须{_range_text(bounds, size)}，"
                f"现有人选中{label} {inside} 名、其余 {pool - inside} 名。"
            )
        lines.extend(f"{m}。" for m in validate_targets(targets, list_size=size))
        these = "这一项目标" if len(targets) == 1 else "这几项目标"
        if conflict.shortfall.persons is None:
            lines.append(f"{these}与名单人数本身不能同时符合，增加人选也无济于事，需要调整目标。")
        else:
            lines.append(
                f"要符合{these}，人选中至少还需增加 {conflict.shortfall.persons} 名，"
                f"例如：{_kinds_text(conflict.shortfall)}。"
            )
    every = len(programme.targets)
    if every and (not targets or len(targets) < every):
        overall = conflict.overall
        if overall.persons is None:
            lines.append(f"全部 {every} 项目标与名单人数本身不能同时符合，需要调整目标。")
        else:
            lines.append(
                f"要符合全部 {every} 项目标，人选中至少还需增加 {overall.persons} 名，"
                f"例如：{_kinds_text(overall)}。"
            )
    lines.append("请补充人选或调整目标后再计算建议名单。")
    return lines
