"""The maintained tally equals a fresh GROUP BY after any sequence of submissions and
corrections."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Tree
from tests.nomination.conftest import People, meeting
from tuixuan.core.models import User
from tuixuan.nomination import services, tally
from tuixuan.nomination.models import BranchReport, EntryMode, Round

pytestmark = pytest.mark.django_db

forms = st.lists(
    st.tuples(st.lists(st.integers(0, 5), min_size=1, max_size=4, unique=True), st.booleans()),
    min_size=1,
    max_size=5,
)
totals = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 3), st.integers(0, 2)),
    min_size=1,
    max_size=4,
    unique_by=lambda t: t[0],
).filter(lambda rows: any(v or p for _, v, p in rows))


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    a1=forms,
    a2=totals,
    correction=st.one_of(st.none(), totals),
    order=st.booleans(),
)
def test_it_keeps_the_tally_equal_to_a_fresh_group_by(
    round_: Round,
    tree: Tree,
    people: People,
    unit_operator: User,
    a1: list[tuple[list[int], bool]],
    a2: list[tuple[int, int, int]],
    correction: list[tuple[int, int, int]] | None,
    order: bool,
) -> None:
    pool = people.a1[:3] + people.a2[:3]
    with transaction.atomic():
        meeting(unit_operator, round_, tree.branch_a1, members_present=7)
        meeting(unit_operator, round_, tree.branch_a2, members_present=5, mode=EntryMode.TOTALS)
        for picks, prob in a1:
            services.form_add(
                actor=unit_operator,
                round=round_,
                organisation=tree.branch_a1,
                candidate_ids=[pool[i].pk for i in picks],
                probationary=prob,
            )
        services.totals_set(
            actor=unit_operator,
            round=round_,
            organisation=tree.branch_a2,
            rows=[(pool[i].pk, v, p) for i, v, p in a2],
        )
        reports = list(BranchReport.objects.filter(round=round_).order_by("pk"))
        for report in reports if order else reversed(reports):
            services.report_submit(actor=unit_operator, report=report)
        if correction is not None:
            services.report_correct(
                actor=unit_operator,
                report=reports[0],
                rows=[(pool[i].pk, v, p) for i, v, p in correction],
                reason="复核更正",
                seen_version=BranchReport.objects.get(pk=reports[0].pk).version,
            )
        for org in (tree.branch_a1, tree.branch_a2, tree.unit_a):
            kept = {
                pk: (v, p, r)
                for pk, v, p, r in tally.top(round_id=round_.pk, organisation_id=org.pk, limit=None)
            }
            assert kept == tally.fresh_group_by(round_id=round_.pk, path=org.path)
        ranked = tally.top(round_id=round_.pk, organisation_id=tree.unit_a.pk, limit=None)
        assert [r[1] for r in ranked] == sorted((r[1] for r in ranked), reverse=True)
        transaction.set_rollback(True)
