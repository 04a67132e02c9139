"""Canvassing signals (拉票迹象) in the recommendation data of 一上 (docs/domain.md §9.4).

Four signals, each a list of findings with its figures and a plain-Chinese explanation that
also says what the finding does not prove:

(a) ``same_forms`` — many forms of one branch carry nearly the same set of names: a cluster
    of forms whose Jaccard similarity to one form (its centre) is at least ``similarity``
    (9/10), far larger than forms filled in independently would give.
(b) ``branch_share`` — one person's share of the forms in a branch far above the person's
    share in comparable branches (the other branches of the same unit, or all branches).
(c) ``outside_unit`` — a person's support coming mostly from branches of other units.
(d) ``late_surge`` — after the list was handed down (一下), the reports that came in give a
    person a share of the forms far above the person's share before.

The input is plain data (``Recommendations``); persons and branches are codes chosen by the
caller, which also writes them into the explanations. Nothing here decides anything: a
finding is an anomaly for the supervisors to look into (docs/domain.md §9.4).

Statistics (no scipy, no numpy; floats for probabilities, ``Fraction`` and ``int`` for every
threshold compared):

- The binomial upper tail ``P(X ≥ k | n, p)`` is the regularised incomplete beta
  ``I_p(k, n − k + 1)``, evaluated with ``math.lgamma`` in log space and a continued
  fraction (modified Lentz), so it holds for n in the hundreds of thousands and for tails far
  below 1e-300 relative to nothing (they underflow to 0.0, which only means "smaller than any
  float").
- Multiple testing: the p-values of one signal over everything it tested (every branch with
  enough forms for (a); every branch × person with at least one vote for (b); every person ×
  unit with a vote after the hand-down for (d)) are adjusted with the Benjamini–Hochberg
  procedure; a finding needs its q-value ≤ ``q`` (1/20) *and* a minimum size of effect.
- Rates are smoothed by half a vote (``(votes + 1/2) / (forms + 1)``), so a person never seen
  elsewhere has a small, not a zero, expected share.

The null model of (a) is analytic, not Monte-Carlo: every form of the branch is taken to
pick each name independently with that name's observed frequency in the branch
(``p_j = forms naming j / forms``), conditioned on the form having a size drawn from the
branch's observed form sizes (a Bernoulli model conditioned on its size: forms of 10 names
stay forms of 10 names). For a centre form S, the chance ``r_S`` that another independent
form is near-identical to S is exact under that model (two Poisson-binomial distributions,
names of S picked and other names picked, combined by dynamic programming). Then

- expected cluster size = 1 + (n − 1) · r_S;
- p-value = min(1, n · P(Bin(n − 1, r_S) ≥ size − 1)), the factor n (Bonferroni) because the
  centre was chosen among the n forms after looking;
- expected near-identical pairs in the branch = C(n, 2) · mean of r_A over the branch's
  forms A (a plug-in estimate; the observed forms, the cluster included, raise it, so it
  errs towards expecting more pairs, never fewer).

Because the frequencies are the observed ones, a branch that all agrees on the same ten
names (every p_j near 1) expects identical forms and is not flagged; a cluster stands out only
where the rest of the branch chose differently. Real members do not choose independently —
they talk, they know the same people — so the model understates identical forms; the
explanation says so.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from fractions import Fraction

from tuixuan.core.errors import DomainError

NOT_PROOF = "这只是统计上的异常，不能证明存在拉票行为，需要监督人员核实。"


class CanvassingDataError(DomainError):
    """The recommendation data handed to the signals is inconsistent."""


class Signal(StrEnum):
    SAME_FORMS = "same_forms"
    BRANCH_SHARE = "branch_share"
    OUTSIDE_UNIT = "outside_unit"
    LATE_SURGE = "late_surge"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Signal.SAME_FORMS: "同一支部多张推荐票名单几乎相同",
    Signal.BRANCH_SHARE: "在某一支部的得票率远高于其他支部",
    Signal.OUTSIDE_UNIT: "推荐主要来自本单位以外",
    Signal.LATE_SURGE: "名单下发后得票明显增多",
}


class Baseline(StrEnum):
    """What (b) and (d) compare a branch (or the late reports) with."""

    UNIT = "unit"  # the other branches of the same unit; all branches when they are too few
    ALL = "all"  # every other branch


# -- input ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Branch:
    code: str
    unit: str


@dataclass(frozen=True)
class Person:
    """A person who may be named. ``branch`` (when known) is the person's own branch: a
    person is naturally named more where the members know him, so (b) does not test it."""

    code: str
    unit: str
    branch: str | None = None


@dataclass(frozen=True)
class Form:
    """One recommendation form (推荐票) of a branch: the names on it and the day it was
    entered."""

    branch: str
    names: frozenset[str]
    entered_on: date


@dataclass(frozen=True)
class Report:
    """What a branch reported on one day: how many forms and each person's votes on them.
    A branch may report more than once (a late batch accepted after the deadline); the
    reports add up."""

    branch: str
    entered_on: date
    forms: int
    votes: Mapping[str, int]


@dataclass(frozen=True)
class Recommendations:
    branches: Sequence[Branch]
    persons: Sequence[Person]
    reports: Sequence[Report]
    forms: Sequence[Form] = ()
    handed_down_on: date | None = None


def reports_from_forms(forms: Iterable[Form]) -> tuple[Report, ...]:
    """The per-branch per-day totals of form-by-form entry, for data entered that way."""
    counts: dict[tuple[str, date], Counter[str]] = defaultdict(Counter)
    forms_of: Counter[tuple[str, date]] = Counter()
    for form in forms:
        key = (form.branch, form.entered_on)
        forms_of[key] += 1
        counts[key].update(form.names)
    return tuple(
        Report(branch=b, entered_on=d, forms=forms_of[(b, d)], votes=dict(counts[(b, d)]))
        for b, d in sorted(forms_of)
    )


@dataclass(frozen=True)
class Thresholds:
    """The settings of the signals; docs/domain.md §9.4 gives the defaults and why."""

    similarity: Fraction = Fraction(9, 10)
    min_cluster: int = 5
    q: Fraction = Fraction(1, 20)
    min_votes: int = 5
    min_ratio: Fraction = Fraction(2)
    baseline: Baseline = Baseline.UNIT
    min_baseline_forms: int = 30
    outside_share: Fraction = Fraction(1, 2)
    min_outside_votes: int = 10
    dispersion: Fraction | None = None

    def __post_init__(self) -> None:
        if not 0 < self.similarity <= 1:
            raise CanvassingDataError("名单相似度阈值应大于 0、不大于 1")
        if not 0 < self.q < 1 or not 0 < self.outside_share <= 1:
            raise CanvassingDataError("q 值和单位外得票比例应在 0 与 1 之间")
        if self.dispersion is not None and self.dispersion < 1:
            raise CanvassingDataError("离散系数不能小于 1")
        if self.min_cluster < 2 or self.min_votes < 1 or self.min_outside_votes < 1:
            raise CanvassingDataError("最小票数应为正数，最小相似票组至少 2 张")


# -- output -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SameFormsFinding:
    """(a) A cluster of near-identical forms in one branch."""

    branch: str
    unit: str
    forms: int
    size: int
    names: tuple[str, ...]
    expected_size: float
    pairs: int
    expected_pairs: float
    p_value: float
    q_value: float
    explanation: str
    signal: Signal = field(default=Signal.SAME_FORMS, init=False)


@dataclass(frozen=True)
class BranchShareFinding:
    """(b) A person's votes in one branch against the share in comparable branches."""

    branch: str
    person: str
    forms: int
    votes: int
    expected_votes: float
    baseline_share: float
    baseline: Baseline
    dispersion: float
    p_value: float
    q_value: float
    explanation: str
    signal: Signal = field(default=Signal.BRANCH_SHARE, init=False)


@dataclass(frozen=True)
class OutsideUnitFinding:
    """(c) A person whose votes come mostly from other units."""

    person: str
    unit: str
    votes: int
    outside_votes: int
    outside_units: int
    outside_branches: int
    explanation: str
    signal: Signal = field(default=Signal.OUTSIDE_UNIT, init=False)

    @property
    def outside_share(self) -> Fraction:
        return Fraction(self.outside_votes, self.votes)


@dataclass(frozen=True)
class LateSurgeFinding:
    """(d) A person's share of the forms reported after the hand-down against before."""

    person: str
    unit: str
    handed_down_on: date
    forms_before: int
    votes_before: int
    forms_after: int
    votes_after: int
    expected_after: float
    baseline: Baseline
    dispersion: float
    p_value: float
    q_value: float
    explanation: str
    signal: Signal = field(default=Signal.LATE_SURGE, init=False)


@dataclass(frozen=True)
class Findings:
    same_forms: tuple[SameFormsFinding, ...]
    branch_share: tuple[BranchShareFinding, ...]
    outside_unit: tuple[OutsideUnitFinding, ...]
    late_surge: tuple[LateSurgeFinding, ...]
    tested: Mapping[Signal, int]
    """How many hypotheses (or, for (c), persons) each signal looked at."""

    def count(self, signal: Signal) -> int:
        return len(self.of(signal))

    def of(
        self, signal: Signal
    ) -> (
        tuple[SameFormsFinding, ...]
        | tuple[BranchShareFinding, ...]
        | tuple[OutsideUnitFinding, ...]
        | tuple[LateSurgeFinding, ...]
    ):
        if signal is Signal.SAME_FORMS:
            return self.same_forms
        if signal is Signal.BRANCH_SHARE:
            return self.branch_share
        if signal is Signal.OUTSIDE_UNIT:
            return self.outside_unit
        return self.late_surge


# -- statistics -------------------------------------------------------------------------

_EPS = 1e-15
_TINY = 1e-300


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta (modified Lentz). It converges in
    O(sqrt(max(a, b))) steps where it is used (x below the mean, see ``_regularised_beta``)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    limit = 200 + 10 * int(math.sqrt(max(a, b)))
    for m in range(1, limit + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            return h
    raise ArithmeticError(f"incomplete beta did not converge (a={a}, b={b}, x={x})")


def _regularised_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b) for a, b > 0 and 0 < x < 1. A small value is always computed directly (not
    as 1 minus something), so small tails keep their relative precision."""
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def binomial_sf(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p): the upper tail, k included."""
    if k <= 0:
        return 1.0
    if k > n or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    return min(1.0, max(0.0, _regularised_beta(float(k), float(n - k + 1), p)))


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (q-values), in the order given:
    q_(i) = min over j ≥ i of min(1, p_(j) · m / j), p sorted ascending. Rejecting every
    hypothesis with q ≤ α is the BH procedure at false discovery rate α."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: (p_values[i], i))
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        # never below p itself (p · m / m can round a hair under p)
        adjusted[i] = min(1.0, max(running, p_values[i]))
    return adjusted


def _poisson_binomial(probabilities: Iterable[float], cap: int) -> list[float]:
    """P(exactly i successes) for i = 0..cap among independent trials; mass above ``cap``
    is dropped (the callers never ask for it)."""
    dist = [1.0] + [0.0] * cap
    top = 0
    for p in probabilities:
        top = min(top + 1, cap)
        for i in range(top, 0, -1):
            dist[i] = dist[i] * (1.0 - p) + dist[i - 1] * p
        dist[0] *= 1.0 - p
    return dist


def _near(a: frozenset[str], b: frozenset[str], similarity: Fraction) -> bool:
    """Jaccard |a ∩ b| / |a ∪ b| ≥ similarity, in integers."""
    inter = len(a & b)
    union = len(a) + len(b) - inter
    return similarity.denominator * inter >= similarity.numerator * union


# -- (a) near-identical forms -----------------------------------------------------------


@dataclass(frozen=True)
class _BranchForms:
    code: str
    sets: Counter[frozenset[str]]
    n: int
    frequency: dict[str, float]
    sizes: dict[int, float]


def _near_identical_chance(centre: frozenset[str], branch: _BranchForms, t: Fraction) -> float:
    """r_S: the chance that one form drawn from the null model of the branch (module
    docstring) has Jaccard ≥ t with ``centre``."""
    s0 = len(centre)
    kmax = max(branch.sizes)
    inside = _poisson_binomial((branch.frequency.get(j, 0.0) for j in sorted(centre)), s0)
    outside = _poisson_binomial(
        (p for j, p in sorted(branch.frequency.items()) if j not in centre), kmax
    )
    chance = 0.0
    for k, weight in sorted(branch.sizes.items()):
        total = near = 0.0
        for i in range(max(0, k - kmax), min(k, s0) + 1):
            e = k - i
            mass = inside[i] * outside[e]
            total += mass
            if t.denominator * i >= t.numerator * (s0 + e):
                near += mass
        if total > 0.0:
            chance += weight * near / total
    return min(1.0, chance)


def _clusters(
    sets: Counter[frozenset[str]], t: Fraction, min_size: int
) -> tuple[list[tuple[frozenset[str], int]], int]:
    """Greedy centre clusters of size ≥ ``min_size`` (largest first, members removed before
    the next), and the number of near-identical pairs of forms in the branch."""
    keys = sorted(sets, key=lambda s: (-sets[s], sorted(s)))
    neighbours: dict[frozenset[str], list[frozenset[str]]] = {k: [k] for k in keys}
    pairs = sum(c * (c - 1) // 2 for c in sets.values())
    for i, a in enumerate(keys):
        la = len(a)
        for b in keys[i + 1 :]:
            lb = len(b)
            # Jaccard is at most min/max of the sizes: skip pairs that cannot reach t.
            if t.denominator * min(la, lb) < t.numerator * max(la, lb):
                continue
            if _near(a, b, t):
                neighbours[a].append(b)
                neighbours[b].append(a)
                pairs += sets[a] * sets[b]
    remaining = dict(sets)
    found: list[tuple[frozenset[str], int]] = []
    while True:
        best: frozenset[str] | None = None
        best_size = 0
        for k in keys:
            if k in remaining:
                size = sum(remaining.get(nb, 0) for nb in neighbours[k])
                if size > best_size:
                    best, best_size = k, size
        if best is None or best_size < min_size:
            return found, pairs
        found.append((best, best_size))
        for nb in neighbours[best]:
            remaining.pop(nb, None)


@dataclass(frozen=True)
class _Cluster:
    branch: str
    forms: int
    centre: frozenset[str]
    size: int
    expected_size: float
    pairs: int
    expected_pairs: float


def _same_forms(
    data: Recommendations, units: Mapping[str, str], th: Thresholds
) -> tuple[tuple[SameFormsFinding, ...], int]:
    by_branch: dict[str, list[frozenset[str]]] = defaultdict(list)
    for form in data.forms:
        if form.names:  # a blank form names no list
            by_branch[form.branch].append(form.names)
    t = th.similarity
    # One entry per hypothesis: each cluster found, and each branch with enough forms and
    # no cluster (p = 1: it was looked at, so it counts in the BH denominator).
    tested: list[tuple[float, _Cluster | None]] = []
    for code in sorted(by_branch):
        forms = by_branch[code]
        n = len(forms)
        if n < th.min_cluster:
            continue
        sets = Counter(forms)
        clusters, pairs = _clusters(sets, t, th.min_cluster)
        if not clusters:
            tested.append((1.0, None))
            continue
        named: Counter[str] = Counter()
        size_count: Counter[int] = Counter()
        for s, c in sets.items():
            size_count[len(s)] += c
            for j in s:
                named[j] += c
        branch = _BranchForms(
            code=code,
            sets=sets,
            n=n,
            frequency={j: c / n for j, c in named.items()},
            sizes={k: c / n for k, c in size_count.items()},
        )
        chance = {s: _near_identical_chance(s, branch, t) for s in sets}
        mean_chance = math.fsum(chance[s] * c for s, c in sets.items()) / n
        expected_pairs = n * (n - 1) / 2 * mean_chance
        for centre, size in clusters:
            r = chance[centre]
            p = min(1.0, n * binomial_sf(size - 1, n - 1, r))
            tested.append(
                (
                    p,
                    _Cluster(
                        branch=code,
                        forms=n,
                        centre=centre,
                        size=size,
                        expected_size=1 + (n - 1) * r,
                        pairs=pairs,
                        expected_pairs=expected_pairs,
                    ),
                )
            )
    q_values = benjamini_hochberg([p for p, _ in tested])
    findings: list[SameFormsFinding] = []
    for (p, cluster), q in zip(tested, q_values, strict=True):
        if cluster is None or q > th.q:
            continue
        findings.append(
            SameFormsFinding(
                branch=cluster.branch,
                unit=units.get(cluster.branch, ""),
                forms=cluster.forms,
                size=cluster.size,
                names=tuple(sorted(cluster.centre)),
                expected_size=cluster.expected_size,
                pairs=cluster.pairs,
                expected_pairs=cluster.expected_pairs,
                p_value=p,
                q_value=q,
                explanation=_explain_same(cluster, t, p, q),
            )
        )
    findings.sort(key=lambda f: (f.q_value, f.branch, f.names))
    return tuple(findings), len(tested)


def _explain_same(c: _Cluster, t: Fraction, p: float, q: float) -> str:
    return (
        f"支部 {c.branch} 共 {c.forms} 张推荐票，其中 {c.size} 张与同一份名单几乎相同"
        f"（名单相似度不低于 {_percent(t)}）。若每张票都按本支部各人的实际得票率各自独立填写，"
        f"预计只有约 {c.expected_size:.1f} 张会与这份名单几乎相同；全支部几乎相同的票"
        f"实有 {c.pairs} 对，预计约 {c.expected_pairs:.1f} 对。偶然出现这么大一组的概率"
        f" p {_p(p)}，经多重检验校正后 q {_p(q)}。支部集中讨论后意见一致、人选众所周知，"
        f"也会使许多推荐票相同，而真实的推荐并非各自独立，模型会低估相同的票。{NOT_PROOF}"
    )


# -- (b) share in one branch ------------------------------------------------------------


def _share(votes: int, forms: int) -> float:
    """The smoothed share: half a vote added, so an unseen person is unlikely, not impossible."""
    return (votes + 0.5) / (forms + 1)


@dataclass
class _Totals:
    """Votes and forms added up per branch, per unit and over everything."""

    forms: Counter[str] = field(default_factory=Counter)
    votes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    unit_forms: Counter[str] = field(default_factory=Counter)
    unit_votes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    all_forms: int = 0
    all_votes: Counter[str] = field(default_factory=Counter)

    unit_of: dict[str, str] = field(default_factory=dict)

    def add(self, report: Report, unit: str) -> None:
        self.unit_of[report.branch] = unit
        self.forms[report.branch] += report.forms
        self.unit_forms[unit] += report.forms
        self.all_forms += report.forms
        for person, v in report.votes.items():
            self.votes[report.branch][person] += v
            self.unit_votes[unit][person] += v
            self.all_votes[person] += v


def _own(persons: Mapping[str, Person], person: str) -> str | None:
    known = persons.get(person)
    return known.branch if known is not None else None


def _baseline(
    totals: _Totals,
    unit: str,
    person: str,
    leave_out: Iterable[str],
    th: Thresholds,
) -> tuple[int, int, Baseline]:
    """(forms, votes, scope) of the comparison for ``person``, the branches ``leave_out``
    (the tested branch, the person's own) taken out: the unit's other forms when there are
    at least ``min_baseline_forms``, else all other forms."""
    out_forms = out_votes = unit_out_forms = unit_out_votes = 0
    for branch in set(leave_out):
        forms = totals.forms.get(branch, 0)
        votes = totals.votes[branch].get(person, 0) if branch in totals.votes else 0
        out_forms += forms
        out_votes += votes
        if totals.unit_of.get(branch) == unit:
            unit_out_forms += forms
            unit_out_votes += votes
    if th.baseline is Baseline.UNIT:
        unit_forms = totals.unit_forms[unit] - unit_out_forms
        if unit_forms >= th.min_baseline_forms:
            return unit_forms, totals.unit_votes[unit][person] - unit_out_votes, Baseline.UNIT
    return totals.all_forms - out_forms, totals.all_votes[person] - out_votes, Baseline.ALL


def _dispersion(totals: _Totals, persons: Mapping[str, Person], th: Thresholds) -> dict[str, float]:
    """φ per unit: how much more the branches of a unit differ from one another than
    independent forms would (1 = not at all). A fixed ``th.dispersion`` is used as it is;
    otherwise, for every person with at least 10 votes in at least 3 of the unit's branches
    (not counting the person's own branch), the Pearson χ² of the branches' counts against
    the person's share in the unit, divided by its degrees of freedom; φ is the median of
    these (robust to the few persons something happened to), at least 1; a unit with fewer
    than 5 such persons takes the median over the city."""
    if th.dispersion is not None:
        fixed = float(th.dispersion)
        return defaultdict(lambda: fixed)
    branches_of: dict[str, list[str]] = defaultdict(list)
    for branch in sorted(totals.forms):
        if totals.forms[branch] > 0:
            branches_of[totals.unit_of[branch]].append(branch)
    ratios: dict[str, list[float]] = {}
    for unit, branches in sorted(branches_of.items()):
        found: list[float] = []
        for person in sorted(totals.unit_votes[unit]):
            own = _own(persons, person)
            cells = [
                (totals.votes[b].get(person, 0) if b in totals.votes else 0, totals.forms[b])
                for b in branches
                if b != own
            ]
            votes = sum(v for v, _n in cells)
            forms = sum(n for _v, n in cells)
            if votes < 10 or len(cells) < 3 or votes >= forms:
                continue
            share = votes / forms
            chi2 = math.fsum((v - n * share) ** 2 / (n * share * (1 - share)) for v, n in cells)
            found.append(chi2 / (len(cells) - 1))
        ratios[unit] = found
    every = [r for found in ratios.values() for r in found]
    city = max(1.0, statistics.median(every)) if every else 1.0
    phi: dict[str, float] = defaultdict(lambda: city)
    for unit, found in ratios.items():
        phi[unit] = max(1.0, statistics.median(found)) if len(found) >= 5 else city
    return phi


def _tail(votes: int, forms: int, share: float, phi: float) -> float:
    """P(X ≥ votes) for the binomial of ``forms`` and ``share`` with both counts divided by
    φ (quasi-binomial: the variance φ times the binomial's); φ = 1 is the plain binomial."""
    if phi <= 1.0:
        return binomial_sf(votes, forms, share)
    k, n = votes / phi, forms / phi
    return min(1.0, max(0.0, _regularised_beta(k, n - k + 1.0, share)))


def _branch_share(
    units: Mapping[str, str],
    persons: Mapping[str, Person],
    totals: _Totals,
    phi: Mapping[str, float],
    th: Thresholds,
) -> tuple[tuple[BranchShareFinding, ...], int]:
    tested: list[tuple[str, str, int, int, float, float, Baseline, float]] = []
    p_values: list[float] = []
    for branch in sorted(totals.votes):
        n = totals.forms[branch]
        unit = units[branch]
        for person, v in sorted(totals.votes[branch].items()):
            own = _own(persons, person)
            if v <= 0 or own == branch:
                continue
            leave_out = [branch] if own is None else [branch, own]
            base_forms, base_votes, scope = _baseline(totals, unit, person, leave_out, th)
            if base_forms <= 0:
                continue
            share = _share(base_votes, base_forms)
            tested.append((branch, person, n, v, n * share, share, scope, phi[unit]))
            p_values.append(_tail(v, n, share, phi[unit]))
    q_values = benjamini_hochberg(p_values)
    ratio = float(th.min_ratio)
    findings = [
        BranchShareFinding(
            branch=branch,
            person=person,
            forms=n,
            votes=v,
            expected_votes=expected,
            baseline_share=share,
            baseline=scope,
            dispersion=f,
            p_value=p,
            q_value=q,
            explanation=_explain_share(branch, person, n, v, expected, share, scope, f, p, q),
        )
        for (branch, person, n, v, expected, share, scope, f), p, q in zip(
            tested, p_values, q_values, strict=True
        )
        if q <= th.q and v >= th.min_votes and v >= ratio * expected
    ]
    findings.sort(key=lambda f: (f.q_value, f.branch, f.person))
    return tuple(findings), len(tested)


def _spread(phi: float) -> str:
    if phi <= 1.0:
        return ""
    return f"（已按本单位各支部之间通常的差异放宽，离散系数 φ = {phi:.2f}）"


_SCOPE = {Baseline.UNIT: "本单位其他支部", Baseline.ALL: "所有其他支部"}


def _explain_share(
    branch: str,
    person: str,
    n: int,
    v: int,
    expected: float,
    share: float,
    scope: Baseline,
    phi: float,
    p: float,
    q: float,
) -> str:
    return (
        f"{person} 在支部 {branch} 的 {n} 张推荐票中得 {v} 票（{v / n:.1%}），"
        f"而在{_SCOPE[scope]}的得票率约为 {share:.1%}，照此预计约 {expected:.1f} 票。"
        f"偶然达到这么多票的概率 p {_p(p)}{_spread(phi)}，经多重检验校正后 q {_p(q)}。"
        f"本人在该支部工作过、与该支部党员熟悉，也会使得票率偏高。{NOT_PROOF}"
    )


# -- (c) support from outside the unit --------------------------------------------------


def _outside_unit(
    units: Mapping[str, str],
    persons: Mapping[str, Person],
    totals: _Totals,
    th: Thresholds,
) -> tuple[tuple[OutsideUnitFinding, ...], int]:
    outside_votes: Counter[str] = Counter()
    outside_units: dict[str, set[str]] = defaultdict(set)
    outside_branches: dict[str, set[str]] = defaultdict(set)
    for branch, votes in totals.votes.items():
        unit = units[branch]
        for person, v in votes.items():
            known = persons.get(person)
            if known is not None and v > 0 and known.unit != unit:
                outside_votes[person] += v
                outside_units[person].add(unit)
                outside_branches[person].add(branch)
    share = th.outside_share
    findings: list[OutsideUnitFinding] = []
    tested = 0
    for person in sorted(totals.all_votes):
        known = persons.get(person)
        total = totals.all_votes[person]
        if known is None or total <= 0:
            continue
        tested += 1
        out = outside_votes[person]
        if out < th.min_outside_votes or share.denominator * out < share.numerator * total:
            continue
        findings.append(
            OutsideUnitFinding(
                person=person,
                unit=known.unit,
                votes=total,
                outside_votes=out,
                outside_units=len(outside_units[person]),
                outside_branches=len(outside_branches[person]),
                explanation=(
                    f"{person}（所在单位 {known.unit}）共得 {total} 票，其中 {out} 票"
                    f"（{out / total:.1%}）来自本单位以外 {len(outside_units[person])} 个单位的"
                    f" {len(outside_branches[person])} 个支部，达到“单位外得票不少于"
                    f" {_percent(share)}、不少于 {th.min_outside_votes} 票”的提示线。"
                    f"本人在其他单位任过职、兼过职，或在全市广为人知，也会得到单位外的推荐。"
                    f"{NOT_PROOF}"
                ),
            )
        )
    findings.sort(key=lambda f: (-f.outside_share, f.person))
    return tuple(findings), tested


# -- (d) late surge ---------------------------------------------------------------------


def _late_surge(
    data: Recommendations,
    units: Mapping[str, str],
    persons: Mapping[str, Person],
    phi: Mapping[str, float],
    th: Thresholds,
) -> tuple[tuple[LateSurgeFinding, ...], int]:
    handed_down = data.handed_down_on
    if handed_down is None:
        return (), 0
    # The hand-down day itself counts as before: a date cannot tell which came first that
    # day, and counting it before can only dilute a surge, never make one up.
    before, after = _Totals(), _Totals()
    for report in data.reports:
        unit = units[report.branch]
        (after if report.entered_on > handed_down else before).add(report, unit)
    tested: list[tuple[str, str, int, int, int, int, float, Baseline, float]] = []
    p_values: list[float] = []
    for unit in sorted(after.unit_votes):
        for person, unit_votes in sorted(after.unit_votes[unit].items()):
            # The person's own branch is left out on both sides (see (b)).
            own = _own(persons, person)
            forms_after, v = after.unit_forms[unit], unit_votes
            if own is not None and after.unit_of.get(own) == unit:
                forms_after -= after.forms[own]
                v -= after.votes[own].get(person, 0)
            if v <= 0 or forms_after <= 0:
                continue
            leave_out = [] if own is None else [own]
            forms_before, votes_before, scope = _baseline(before, unit, person, leave_out, th)
            if forms_before <= 0:
                continue
            share = _share(votes_before, forms_before)
            tested.append(
                (
                    person,
                    unit,
                    forms_before,
                    votes_before,
                    forms_after,
                    v,
                    forms_after * share,
                    scope,
                    phi[unit],
                )
            )
            p_values.append(_tail(v, forms_after, share, phi[unit]))
    q_values = benjamini_hochberg(p_values)
    ratio = float(th.min_ratio)
    findings: list[LateSurgeFinding] = []
    for (person, unit, f0, v0, f1, v1, expected, scope, f), p, q in zip(
        tested, p_values, q_values, strict=True
    ):
        if q > th.q or v1 < th.min_votes or v1 < ratio * expected:
            continue
        where = "该单位" if scope is Baseline.UNIT else "全部支部"
        findings.append(
            LateSurgeFinding(
                person=person,
                unit=unit,
                handed_down_on=handed_down,
                forms_before=f0,
                votes_before=v0,
                forms_after=f1,
                votes_after=v1,
                expected_after=expected,
                baseline=scope,
                dispersion=f,
                p_value=p,
                q_value=q,
                explanation=(
                    f"名单于 {handed_down.isoformat()} 下发。此前{where}报来的 {f0} 张推荐票中"
                    f" {person} 得 {v0} 票（{v0 / f0:.1%}）；此后单位 {unit} 报来的 {f1} 张中"
                    f"得 {v1} 票（{v1 / f1:.1%}），按此前的得票率预计约 {expected:.1f} 票"
                    f"（均不计本人所在支部）。偶然达到这么多票的概率 p {_p(p)}{_spread(f)}，"
                    f"经多重检验校正后 q {_p(q)}。名单下发后党员知道了人选，也会更多地推荐"
                    f"名单上的人；晚报的支部也可能本来就与早报的支部看法不同。{NOT_PROOF}"
                ),
            )
        )
    findings.sort(key=lambda f: (f.q_value, f.unit, f.person))
    return tuple(findings), len(tested)


# -- all together -----------------------------------------------------------------------


def _percent(share: Fraction) -> str:
    hundred = share * 100
    if hundred.denominator == 1:
        return f"{hundred.numerator}%"
    return f"{float(hundred):.1f}%"


def _p(value: float) -> str:
    """'= 0.012', '= 3.4e-09', or '< 1e-300' when the float underflowed."""
    if value <= 0.0:
        return "< 1e-300"
    if value >= 0.001:
        return f"= {value:.3f}"
    return f"= {value:.1e}"


def _check(data: Recommendations) -> dict[str, str]:
    units: dict[str, str] = {}
    for branch in data.branches:
        if branch.code in units:
            raise CanvassingDataError(f"支部 {branch.code} 重复")
        units[branch.code] = branch.unit
    for report in data.reports:
        if report.branch not in units:
            raise CanvassingDataError(f"报告所属的支部 {report.branch} 不在支部名单中")
        if report.forms < 0:
            raise CanvassingDataError(f"支部 {report.branch} 的推荐票张数为负数")
        for person, v in report.votes.items():
            if not 0 <= v <= report.forms:
                raise CanvassingDataError(
                    f"支部 {report.branch} {report.entered_on.isoformat()} 报告中 {person} 得"
                    f" {v} 票，应在 0 与推荐票张数 {report.forms} 之间"
                )
    for form in data.forms:
        if form.branch not in units:
            raise CanvassingDataError(f"推荐票所属的支部 {form.branch} 不在支部名单中")
    return units


def detect(
    data: Recommendations,
    thresholds: Thresholds | None = None,
    *,
    signals: Iterable[Signal] = tuple(Signal),
) -> Findings:
    """The signals asked for (all four by default) over the data; a signal not asked for
    has no findings and tested nothing. Deterministic: the same data gives the same
    findings in the same order, whatever the order of the input."""
    th = thresholds or Thresholds()
    wanted = set(signals)
    units = _check(data)
    persons = {p.code: p for p in data.persons}
    totals = _Totals()
    for report in data.reports:
        totals.add(report, units[report.branch])
    phi = _dispersion(totals, persons, th)
    same: tuple[SameFormsFinding, ...] = ()
    share: tuple[BranchShareFinding, ...] = ()
    outside: tuple[OutsideUnitFinding, ...] = ()
    late: tuple[LateSurgeFinding, ...] = ()
    n_same = n_share = n_outside = n_late = 0
    if Signal.SAME_FORMS in wanted:
        same, n_same = _same_forms(data, units, th)
    if Signal.BRANCH_SHARE in wanted:
        share, n_share = _branch_share(units, persons, totals, phi, th)
    if Signal.OUTSIDE_UNIT in wanted:
        outside, n_outside = _outside_unit(units, persons, totals, th)
    if Signal.LATE_SURGE in wanted:
        late, n_late = _late_surge(data, units, persons, phi, th)
    return Findings(
        same_forms=same,
        branch_share=share,
        outside_unit=outside,
        late_surge=late,
        tested={
            Signal.SAME_FORMS: n_same,
            Signal.BRANCH_SHARE: n_share,
            Signal.OUTSIDE_UNIT: n_outside,
            Signal.LATE_SURGE: n_late,
        },
    )
