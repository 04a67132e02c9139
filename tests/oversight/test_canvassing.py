"""The canvassing signals (docs/domain.md §9.4): table-driven cases per signal, the
Benjamini–Hochberg procedure on the worked example of its paper, the binomial tail against
exact sums, and properties of the whole."""

from __future__ import annotations

import itertools
import math
import random
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuixuan.oversight.rules.canvassing import (
    NOT_PROOF,
    Baseline,
    Branch,
    CanvassingDataError,
    Form,
    Person,
    Recommendations,
    Report,
    Signal,
    Thresholds,
    benjamini_hochberg,
    binomial_sf,
    detect,
    reports_from_forms,
)

DAY = date(2026, 3, 1)
HANDED_DOWN = date(2026, 3, 16)


def _exact_sf(k: int, n: int, p: Fraction) -> float:
    return float(sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(max(k, 0), n + 1)))


def _random_forms(rng: random.Random, branch: str, n: int, names: list[str]) -> list[Form]:
    weights = [rng.random() ** 2 + 0.01 for _ in names]
    forms = []
    for _ in range(n):
        chosen: set[str] = set()
        while len(chosen) < 10:
            chosen.add(rng.choices(names, weights)[0])
        forms.append(Form(branch, frozenset(chosen), DAY))
    return forms


def _data(forms: list[Form], branches: list[Branch] | None = None) -> Recommendations:
    return Recommendations(
        branches=branches or [Branch(f.branch, "U") for f in {f.branch: f for f in forms}.values()],
        persons=[],
        reports=reports_from_forms(forms),
        forms=forms,
    )


# -- the binomial tail and BH -----------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "n", "p", "expected"),
    [
        (0, 10, Fraction(1, 3), 1.0),
        (11, 10, Fraction(1, 3), 0.0),
        (1, 1, Fraction(1, 2), 0.5),
        (5, 10, Fraction(3, 10), _exact_sf(5, 10, Fraction(3, 10))),
        (30, 60, Fraction(1, 20), _exact_sf(30, 60, Fraction(1, 20))),
        (600, 1000, Fraction(1, 2), _exact_sf(600, 1000, Fraction(1, 2))),
        (200, 2000, Fraction(1, 20), _exact_sf(200, 2000, Fraction(1, 20))),
        (2, 2000, Fraction(1, 2000), _exact_sf(2, 2000, Fraction(1, 2000))),
    ],
)
def test_the_binomial_tail_matches_the_exact_sum(
    k: int, n: int, p: Fraction, expected: float
) -> None:
    assert binomial_sf(k, n, float(p)) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_the_binomial_tail_holds_for_large_n() -> None:
    # Poisson limit: n = 400,000 and p = 1/100,000 is close to Poisson(4).
    poisson = 1 - sum(math.exp(-4) * 4**i / math.factorial(i) for i in range(10))
    assert binomial_sf(10, 400_000, 1e-5) == pytest.approx(poisson, rel=1e-3)
    tiny = binomial_sf(5_000, 100_000, 0.01)
    assert 0.0 <= tiny < 1e-300 or tiny == 0.0


@given(
    n=st.integers(1, 150),
    data=st.data(),
    p=st.fractions(
        min_value=Fraction(1, 1000), max_value=Fraction(999, 1000), max_denominator=1000
    ),
)
@settings(max_examples=60, deadline=None, derandomize=True)
def test_the_binomial_tail_agrees_with_exact_arithmetic(
    n: int, data: st.DataObject, p: Fraction
) -> None:
    k = data.draw(st.integers(0, n + 1))
    assert binomial_sf(k, n, float(p)) == pytest.approx(_exact_sf(k, n, p), rel=1e-8, abs=1e-290)


# Benjamini & Hochberg (1995), section 4: fifteen p-values; at q = 0.05 the procedure rejects
# the four smallest (0.0095 ≤ 4 × 0.05 / 15, while 0.0201 > 5 × 0.05 / 15 and no later one
# passes its line).
BH_EXAMPLE = [
    0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
    0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000,
]  # fmt: skip


def test_benjamini_hochberg_on_the_papers_worked_example() -> None:
    q = benjamini_hochberg(BH_EXAMPLE)
    assert [i for i, v in enumerate(q) if v <= 0.05] == [0, 1, 2, 3]
    assert q[:5] == pytest.approx([0.0015, 0.003, 0.0095, 0.035625, 0.0603])
    assert q[-1] == 1.0


def test_benjamini_hochberg_keeps_the_given_order_and_handles_ties() -> None:
    shuffled = [BH_EXAMPLE[i] for i in (14, 3, 0, 9, 1, 2, 4, 5, 6, 7, 8, 10, 11, 12, 13)]
    q = benjamini_hochberg(shuffled)
    assert q[1] == pytest.approx(0.035625) and q[2] == pytest.approx(0.0015)
    assert benjamini_hochberg([0.01, 0.01, 0.01]) == pytest.approx([0.01, 0.01, 0.01])
    assert benjamini_hochberg([]) == []


@given(st.lists(st.floats(0, 1), min_size=1, max_size=60))
@settings(max_examples=80, deadline=None, derandomize=True)
def test_bh_q_values_are_monotone_and_at_least_the_raw_p(p: list[float]) -> None:
    q = benjamini_hochberg(p)
    assert all(qi >= pi and qi <= 1.0 for pi, qi in zip(p, q, strict=True))
    by_p = sorted(range(len(p)), key=lambda i: p[i])
    assert all(q[a] <= q[b] for a, b in itertools.pairwise(by_p))


# -- (a) near-identical forms -----------------------------------------------------------

LIST = frozenset(f"N{i}" for i in range(10))


@pytest.mark.parametrize(
    ("planted", "differ", "size"),
    [
        (30, 0, 30),  # 30 identical forms in 60
        (12, 0, 12),  # 12 identical in 60
        (3, 0, None),  # below the minimum cluster of 5
        (20, 1, 20),  # half of them lack one name: Jaccard 9/10 still counts
        (20, 2, 10),  # half differ in two names each (8/11, 8/10): only the other half
    ],
)
def test_a_cluster_of_nearly_identical_forms(planted: int, differ: int, size: int | None) -> None:
    rng = random.Random(planted)
    names = [f"P{i}" for i in range(40)]
    forms = _random_forms(rng, "B1", 60 - planted, names)
    for i in range(planted):
        if i % 2 == 0 and differ == 1:
            forms.append(Form("B1", LIST - {"N9"}, DAY))
        elif i % 2 == 0 and differ == 2:
            forms.append(Form("B1", (LIST - {"N8", "N9"}) | {f"X{i}"}, DAY))
        else:
            forms.append(Form("B1", LIST, DAY))
    found = detect(_data(forms), signals=[Signal.SAME_FORMS])
    assert [f.size for f in found.same_forms] == ([] if size is None else [size])
    assert found.tested[Signal.SAME_FORMS] >= 1
    if size is not None:
        f = found.same_forms[0]
        assert f.branch == "B1" and f.forms == 60
        assert set(f.names) <= LIST and len(f.names) >= 9
        assert f.expected_size < 3
        assert f.pairs >= size * (size - 1) // 2
        assert f.expected_pairs < f.pairs
        assert f.q_value <= 0.05 and f.p_value <= f.q_value
        assert f"支部 B1 共 60 张推荐票，其中 {size} 张" in f.explanation
        assert f.explanation.endswith(NOT_PROOF)


def test_a_branch_that_all_agrees_is_not_flagged() -> None:
    # Everybody names the same ten: each name's frequency is 1, so identical forms are
    # exactly what independent choices give.
    forms = [Form("B1", LIST, DAY) for _ in range(50)]
    assert detect(_data(forms), signals=[Signal.SAME_FORMS]).same_forms == ()


def test_the_similarity_threshold_is_a_setting() -> None:
    rng = random.Random(3)
    forms = _random_forms(rng, "B1", 40, [f"P{i}" for i in range(40)])
    forms += [Form("B1", LIST, DAY)] * 10
    # Ten more that share 8 of the names with LIST and two of their own each: 8/12 = 2/3.
    forms += [Form("B1", (LIST - {"N8", "N9"}) | {f"X{i}", f"Y{i}"}, DAY) for i in range(10)]
    default = detect(_data(forms), signals=[Signal.SAME_FORMS]).same_forms
    loose = Thresholds(similarity=Fraction(2, 3))
    assert [f.size for f in default] == [10]
    assert [
        f.size for f in detect(_data(forms), loose, signals=[Signal.SAME_FORMS]).same_forms
    ] == [20]


@given(seed=st.integers(0, 10_000), size=st.integers(20, 100), pool=st.integers(20, 80))
@settings(max_examples=40, deadline=None, derandomize=True)
def test_independent_random_forms_rarely_trigger_a(seed: int, size: int, pool: int) -> None:
    rng = random.Random(seed)
    forms = _random_forms(rng, "B1", size, [f"P{i}" for i in range(pool)])
    assert detect(_data(forms), signals=[Signal.SAME_FORMS]).same_forms == ()


@given(seed=st.integers(0, 10_000), pool=st.integers(15, 80))
@settings(max_examples=25, deadline=None, derandomize=True)
def test_a_planted_cluster_of_30_in_60_triggers_a(seed: int, pool: int) -> None:
    rng = random.Random(seed)
    names = [f"P{i}" for i in range(pool)]
    forms = _random_forms(rng, "B1", 30, names)
    planted = frozenset(rng.sample(names, 10))
    forms += [Form("B1", planted, DAY)] * 30
    found = detect(_data(forms), signals=[Signal.SAME_FORMS]).same_forms
    assert found and found[0].size >= 30 and found[0].names == tuple(sorted(planted))


# -- (b) one person's share in a branch ---------------------------------------------------


def _city(
    votes: dict[str, dict[str, int]],
    forms: dict[str, int],
    units: dict[str, str],
    persons: list[Person],
    days: dict[str, date] | None = None,
    handed_down: date | None = None,
) -> Recommendations:
    return Recommendations(
        branches=[Branch(b, u) for b, u in units.items()],
        persons=persons,
        reports=[Report(b, (days or {}).get(b, DAY), forms[b], votes.get(b, {})) for b in units],
        handed_down_on=handed_down,
    )


def _unit_of_branches(
    k: int, *, forms: int, share: Fraction, unit: str = "U"
) -> tuple[dict[str, dict[str, int]], dict[str, int], dict[str, str]]:
    votes = {f"{unit}{i}": {"X": int(forms * share)} for i in range(k)}
    return votes, dict.fromkeys(votes, forms), dict.fromkeys(votes, unit)


@pytest.mark.parametrize(
    ("in_branch", "forms", "flagged"),
    [
        (30, 60, True),  # half the forms against 5% elsewhere
        (8, 60, False),  # 13% against 3 expected: p ≈ 0.02, but q > 0.05 over 20 branches
        (4, 60, False),  # below the minimum of 5 votes
        (3, 60, False),  # what the others give
    ],
)
def test_b_share_in_one_branch(in_branch: int, forms: int, flagged: bool) -> None:
    votes, counts, units = _unit_of_branches(20, forms=60, share=Fraction(1, 20))
    votes["U0"]["X"] = in_branch
    counts["U0"] = forms
    data = _city(votes, counts, units, [Person("X", "U", "U5")])
    found = detect(data, Thresholds(dispersion=Fraction(1)), signals=[Signal.BRANCH_SHARE])
    assert [(f.branch, f.person) for f in found.branch_share] == ([("U0", "X")] if flagged else [])
    if flagged:
        f = found.branch_share[0]
        assert f.votes == 30 and f.forms == 60 and f.baseline is Baseline.UNIT
        assert f.expected_votes == pytest.approx(60 * (18 * 3 + 0.5) / (18 * 60 + 1))
        assert f.q_value <= 0.05 and f.explanation.endswith(NOT_PROOF)


def test_b_does_not_test_the_persons_own_branch() -> None:
    votes, counts, units = _unit_of_branches(20, forms=60, share=Fraction(1, 20))
    votes["U0"]["X"] = 40
    data = _city(votes, counts, units, [Person("X", "U", "U0")])
    assert detect(data, signals=[Signal.BRANCH_SHARE]).branch_share == ()


def test_b_falls_back_to_all_branches_when_the_unit_is_small() -> None:
    votes, counts, units = _unit_of_branches(10, forms=60, share=Fraction(1, 20), unit="A")
    votes["S0"] = {"X": 30}
    counts["S0"] = 60
    units["S0"] = "S"  # alone in its unit: nothing of its own to compare with
    data = _city(votes, counts, units, [Person("X", "A")])
    f = detect(data, signals=[Signal.BRANCH_SHARE]).branch_share[0]
    assert (f.branch, f.baseline) == ("S0", Baseline.ALL)
    unit_only = Thresholds(baseline=Baseline.ALL)
    assert detect(data, unit_only, signals=[Signal.BRANCH_SHARE]).branch_share[0].branch == "S0"


def test_b_allows_for_the_usual_spread_between_branches() -> None:
    # Branches that differ a lot for every person: a moderately high branch is not flagged
    # once the spread is allowed for, while the plain binomial flags it.
    rng = random.Random(5)
    votes: dict[str, dict[str, int]] = {}
    for i in range(30):
        votes[f"U{i}"] = {f"P{j}": rng.choice([0, 2, 5, 9, 14]) for j in range(8)}
    votes["U0"]["P0"] = 22
    counts = dict.fromkeys(votes, 60)
    units = dict.fromkeys(votes, "U")
    data = _city(votes, counts, units, [])
    spread = detect(data, signals=[Signal.BRANCH_SHARE]).branch_share
    plain = detect(data, Thresholds(dispersion=Fraction(1)), signals=[Signal.BRANCH_SHARE])
    assert ("U0", "P0") in {(f.branch, f.person) for f in plain.branch_share}
    assert ("U0", "P0") not in {(f.branch, f.person) for f in spread}


# -- (c) support from outside the unit ----------------------------------------------------


@pytest.mark.parametrize(
    ("own", "outside", "flagged"),
    [
        (5, 20, True),  # 80% from outside
        (20, 20, True),  # exactly one half: at the line
        (21, 20, False),  # just under one half
        (0, 9, False),  # all outside but fewer than 10 votes
        (0, 10, True),
    ],
)
def test_c_support_from_outside_the_unit(own: int, outside: int, flagged: bool) -> None:
    votes = {"A1": {"X": own}, "B1": {"X": outside // 2}, "C1": {"X": outside - outside // 2}}
    counts = {"A1": 60, "B1": 60, "C1": 60}
    units = {"A1": "A", "B1": "B", "C1": "C"}
    data = _city(votes, counts, units, [Person("X", "A")])
    found = detect(data, signals=[Signal.OUTSIDE_UNIT]).outside_unit
    assert [f.person for f in found] == (["X"] if flagged else [])
    if flagged:
        f = found[0]
        assert (f.votes, f.outside_votes) == (own + outside, outside)
        assert f.outside_units == (2 if outside // 2 else 1)
        assert f.outside_share == Fraction(outside, own + outside)
        assert f.explanation.endswith(NOT_PROOF)


def test_c_skips_persons_it_does_not_know() -> None:
    data = _city({"B1": {"Y": 40}}, {"B1": 60}, {"B1": "B"}, [])
    assert detect(data, signals=[Signal.OUTSIDE_UNIT]).outside_unit == ()


# -- (d) late surge ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("late_votes", "late_day", "flagged"),
    [
        (30, date(2026, 3, 17), True),  # after the hand-down: half the forms against 5%
        (30, HANDED_DOWN, False),  # on the day itself: counted as before
        (4, date(2026, 3, 17), False),  # 4 votes: at the rate before, nothing to see
    ],
)
def test_d_late_surge(late_votes: int, late_day: date, flagged: bool) -> None:
    votes, counts, units = _unit_of_branches(20, forms=60, share=Fraction(1, 20))
    votes["U0"]["X"] = late_votes
    days = dict.fromkeys(units, date(2026, 3, 10))
    days["U0"] = late_day
    data = _city(votes, counts, units, [Person("X", "U", "U9")], days, HANDED_DOWN)
    found = detect(data, Thresholds(dispersion=Fraction(1)), signals=[Signal.LATE_SURGE])
    assert [f.person for f in found.late_surge] == (["X"] if flagged else [])
    if flagged:
        f = found.late_surge[0]
        assert (f.forms_before, f.votes_before) == (18 * 60, 18 * 3)  # own branch U9 left out
        assert (f.forms_after, f.votes_after) == (60, 30)
        assert f.handed_down_on == HANDED_DOWN and f.explanation.endswith(NOT_PROOF)


def test_d_needs_a_hand_down_date() -> None:
    votes, counts, units = _unit_of_branches(5, forms=60, share=Fraction(1, 2))
    assert detect(_city(votes, counts, units, [])).tested[Signal.LATE_SURGE] == 0


# -- the input and the whole ------------------------------------------------------------


@pytest.mark.parametrize(
    ("report", "message"),
    [
        (Report("B9", DAY, 10, {}), "不在支部名单中"),
        (Report("B1", DAY, 10, {"X": 11}), "应在 0 与推荐票张数 10 之间"),
        (Report("B1", DAY, -1, {}), "为负数"),
    ],
)
def test_inconsistent_data_is_refused(report: Report, message: str) -> None:
    data = Recommendations(branches=[Branch("B1", "U")], persons=[], reports=[report])
    with pytest.raises(CanvassingDataError, match=message):
        detect(data)


def test_thresholds_are_checked() -> None:
    with pytest.raises(CanvassingDataError):
        Thresholds(similarity=Fraction(0))
    with pytest.raises(CanvassingDataError):
        Thresholds(dispersion=Fraction(1, 2))


def test_the_same_data_in_another_order_gives_the_same_findings() -> None:
    rng = random.Random(11)
    names = [f"P{i}" for i in range(30)]
    forms = _random_forms(rng, "B1", 40, names) + [Form("B1", LIST, DAY)] * 15
    forms += _random_forms(rng, "B2", 50, names)
    branches = [Branch("B1", "U"), Branch("B2", "U")]
    first = detect(_data(forms, branches))
    rng.shuffle(forms)
    assert detect(_data(forms, list(reversed(branches)))) == first
