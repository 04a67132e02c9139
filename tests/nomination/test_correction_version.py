"""A correction carries the report's version the user saw; a correction on moved counts is
refused instead of silently replacing the one that came first."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse

from tests.conftest import Tree, login
from tests.nomination.conftest import People, meeting
from tuixuan.core.errors import ConcurrentChangeError
from tuixuan.core.models import User
from tuixuan.nomination import services, tally
from tuixuan.nomination.models import BranchReport, ReportCount, Round
from tuixuan.record.events import EventType
from tuixuan.record.models import Event

STALE = "该党支部的推荐结果在您打开页面后已被更正或修改，请刷新页面核对后再更正。"


def _submitted(round_: Round, tree: Tree, people: People, op: User) -> BranchReport:
    meeting(op, round_, tree.branch_a1)
    services.form_add(
        actor=op, round=round_, organisation=tree.branch_a1, candidate_ids=[people.a1[0].pk]
    )
    report = BranchReport.objects.get(round=round_, organisation=tree.branch_a1)
    return services.report_submit(actor=op, report=report)


def _counts(report: BranchReport) -> list[tuple[int, int]]:
    return list(ReportCount.objects.filter(report=report).values_list("candidate_id", "votes"))


def test_the_second_of_two_corrections_from_the_same_view_is_refused(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    report = _submitted(round_, tree, people, branch_operator)
    seen = report.version
    services.report_correct(
        actor=unit_operator,
        report=report,
        rows=[(people.a1[0].pk, 1, 0), (people.a1[1].pk, 1, 0)],
        reason="漏计一票",
        seen_version=seen,
    )
    counts = _counts(report)
    ranked = tally.top(round_id=round_.pk, organisation_id=tree.unit_a.pk)
    events = Event.objects.count()

    with pytest.raises(ConcurrentChangeError, match=STALE):
        services.report_correct(
            actor=unit_operator,
            report=report,
            rows=[(people.a1[2].pk, 1, 0)],
            reason="另一人的更正",
            seen_version=seen,
        )

    assert _counts(report) == counts
    assert tally.top(round_id=round_.pk, organisation_id=tree.unit_a.pk) == ranked
    assert Event.objects.count() == events
    assert BranchReport.objects.get(pk=report.pk).version == seen + 1


def test_the_page_carries_the_version_and_a_stale_post_is_refused(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    report = _submitted(round_, tree, people, branch_operator)
    client = login(unit_operator)
    page = client.get(reverse("nomination:branch", args=[round_.pk, tree.branch_a1.pk]))
    assert f'name="version" value="{report.version}"' in page.content.decode()
    post = {
        "candidate": [people.a1[0].pk],
        "votes": ["1"],
        "pvotes": ["0"],
        "reason": "复核",
        "version": str(report.version - 1),
    }
    response = client.post(
        reverse("nomination:report_correct", args=[report.pk]), post, follow=True
    )
    assert STALE in response.content.decode()
    assert not Event.objects.filter(event_type=EventType.NOMINATION_REPORT_CORRECTED).exists()


@pytest.mark.django_db(transaction=True)
def test_two_corrections_at_the_same_moment_one_wins_and_one_is_told(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's IMMEDIATE transactions run the two one after the other")
    report = _submitted(round_, tree, people, branch_operator)
    seen = report.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def correct(candidate: int) -> None:
        try:
            barrier.wait()
            services.report_correct(
                actor=unit_operator,
                report=report,
                rows=[(candidate, 2, 0)],
                reason="更正",
                seen_version=seen,
            )
            outcomes.append("ok")
        except ConcurrentChangeError as exc:
            outcomes.append(str(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=correct, args=(m.pk,)) for m in (people.a1[1], people.a1[2])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == sorted(["ok", STALE])
    assert Event.objects.filter(event_type=EventType.NOMINATION_REPORT_CORRECTED).count() == 1
