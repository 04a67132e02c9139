"""Pure rules: eligibility, form checks, counting, deltas, rates."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuixuan.nomination import domain, eligibility
from tuixuan.nomination.eligibility import Code, Facts, Severity

TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize(
    ("facts", "level", "refuse", "expected"),
    [
        (Facts(), "city", False, []),
        (Facts(member_type="probationary"), "city", False, [(Code.PROBATIONARY, Severity.VETO)]),
        (
            Facts(rights_status="probation", rights_until=TODAY),
            "city",
            False,
            [(Code.PROBATION, Severity.VETO)],
        ),
        (
            Facts(rights_status="probation", rights_until=TODAY - dt.timedelta(days=1)),
            "city",
            False,
            [],
        ),
        (Facts(rights_status="probation"), "city", False, [(Code.PROBATION, Severity.VETO)]),
        (Facts(rights_status="detained"), "city", False, [(Code.DETAINED, Severity.VETO)]),
        (Facts(rights_status="arrested"), "city", False, [(Code.ARRESTED, Severity.VETO)]),
        (Facts(sanctions=[("警告", TODAY)]), "city", False, [(Code.SANCTION, Severity.VETO)]),
        (Facts(sanctions=[("警告", TODAY - dt.timedelta(days=1))]), "city", False, []),
        (Facts(open_investigations=1), "city", False, [(Code.INVESTIGATION, Severity.VETO)]),
        (Facts(is_lost_contact=True), "city", False, [(Code.LOST_CONTACT, Severity.VETO)]),
        (Facts(deputies=[("人大代表", "city")]), "city", False, [(Code.OVERLAP, Severity.WARNING)]),
        (Facts(deputies=[("人大代表", "city")]), "city", True, [(Code.OVERLAP, Severity.VETO)]),
        (Facts(deputies=[("人大代表", "city")], exempted=True), "city", False, []),
        (Facts(deputies=[("政协委员", "county")]), "city", False, []),
        (
            Facts(deputies=[("政协委员", "township")]),
            "grassroots",
            False,
            [(Code.OVERLAP, Severity.WARNING)],
        ),
        (Facts(in_scope=False), "city", False, [(Code.NOT_IN_SCOPE, Severity.VETO)]),
        (
            Facts(member_type="probationary", sanctions=[("警告", TODAY)], is_lost_contact=True),
            "city",
            False,
            [
                (Code.PROBATIONARY, Severity.VETO),
                (Code.SANCTION, Severity.VETO),
                (Code.LOST_CONTACT, Severity.VETO),
            ],
        ),
    ],
)
def test_eligibility(
    facts: Facts, level: str, refuse: bool, expected: list[tuple[Code, Severity]]
) -> None:
    found = eligibility.check(facts, today=TODAY, campaign_level=level, refuse_overlap=refuse)
    assert [(f.code, f.severity) for f in found] == expected
    assert all(f.reason for f in found)


@pytest.mark.parametrize(
    ("member_type", "status", "until", "ok", "why"),
    [
        ("full", "normal", None, True, ""),
        ("probationary", "normal", None, False, "预备党员"),
        ("full", "probation", TODAY, False, "留党察看"),
        ("full", "probation", TODAY - dt.timedelta(days=1), True, ""),
        ("full", "detained", None, False, "留置"),
        ("full", "arrested", None, False, "逮捕"),
    ],
)
def test_voting_rights(
    member_type: str, status: str, until: dt.date | None, ok: bool, why: str
) -> None:
    got, reason = eligibility.has_voting_rights(member_type, status, until, today=TODAY)
    assert got is ok and why in reason


@pytest.mark.parametrize(
    ("names", "limit", "message"),
    [
        (["甲", "乙"], 2, None),
        (["甲", "乙", "丙"], 2, "最多可填 2 人，本表填了 3 人"),
        ([], 2, "至少填写 1 名"),
        (["甲", "甲"], 5, "重复填写：甲"),
    ],
)
def test_check_form(names: list[str], limit: int, message: str | None) -> None:
    errors = domain.check_form(names, limit=limit)
    assert (message is None and errors == []) or (
        message is not None and message in "；".join(errors)
    )


@given(
    st.lists(
        st.tuples(st.lists(st.integers(1, 8), unique=True, max_size=5), st.booleans()), max_size=20
    )
)
def test_count_forms_adds_up(forms: list[tuple[list[int], bool]]) -> None:
    counted = domain.count_forms(domain.Form(c, p) for c, p in forms)
    assert sum(v for v, _ in counted.values()) == sum(len(c) for c, p in forms if not p)
    assert sum(p for _, p in counted.values()) == sum(len(c) for c, p in forms if p)


counts = st.dictionaries(
    st.integers(1, 6), st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=6
)


@given(counts, counts)
def test_deltas_move_old_to_new(
    old: dict[int, tuple[int, int]], new: dict[int, tuple[int, int]]
) -> None:
    state = {pk: [v, p, int(v + p > 0)] for pk, (v, p) in old.items()}
    for pk, dv, dp, dr in domain.deltas(old, new):
        row = state.setdefault(pk, [0, 0, 0])
        row[0] += dv
        row[1] += dp
        row[2] += dr
    expected = {pk: [v, p, int(v + p > 0)] for pk, (v, p) in new.items()}
    assert {k: v for k, v in state.items() if any(v)} == {
        k: v for k, v in expected.items() if any(v)
    }


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(2, 3), "66.7%"),
        (Fraction(1, 1), "100.0%"),
        (Fraction(998, 1000), "99.8%"),
        (Fraction(0), "0.0%"),
        (Fraction(9, 40), "22.5%"),
    ],
)
def test_percent(value: Fraction, text: str) -> None:
    assert domain.percent(value) == text


@pytest.mark.parametrize(
    ("due", "present", "ok"), [(9, 5, True), (10, 5, False), (0, 0, False), (3, 2, True)]
)
def test_quorum(due: int, present: int, ok: bool) -> None:
    assert domain.quorum_met(due, present) is ok
