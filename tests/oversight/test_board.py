"""The progress board: its counts equal fresh counts from the data, its query count does not
grow with the data, stages without a provider say so, and overdue units come first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.conftest import Tree, login
from tests.nomination.conftest import People
from tests.nomination.test_views import _submit_a1
from tests.oversight.conftest import set_deadline
from tests.oversight.test_board_providers import candidate_list, decide, open_cases, send
from tuixuan.campaign.models import Campaign, ElectionUnit, Stage
from tuixuan.campaign.progress import BoardStage, StageState
from tuixuan.core import clock
from tuixuan.core.models import Organisation, Role, User
from tuixuan.nomination import selectors
from tuixuan.nomination.models import (
    BranchReport,
    Participation,
    ParticipationMode,
    ReportStatus,
    Round,
)
from tuixuan.notice import services as notice_services
from tuixuan.notice.models import Objection
from tuixuan.oversight import access, board
from tuixuan.record.models import Event
from tuixuan.vetting.models import Case

pytestmark = pytest.mark.django_db


def _board(user: User, campaign: Campaign) -> board.Board:
    return board.build(campaign, access.board_units(user, campaign))


def test_the_boards_counts_equal_fresh_counts(
    round_: Round, tree: Tree, people: People, branch_operator: User, convener: User
) -> None:
    _submit_a1(round_, tree, people, branch_operator)
    b = _board(convener, round_.campaign)
    assert len(b.rows) == 2
    for row in b.rows:
        unit = row.unit
        fresh = selectors.rates(round_, unit, unit.organisation)
        reported, participated = row.cell(BoardStage.FIRST_UP).figures[:2]
        assert (reported.value, reported.of) == (
            fresh.organisations_reporting,
            fresh.organisations,
        )
        assert (participated.value, participated.of) == (fresh.members_reached, fresh.members)
        assert reported.of == selectors.branches(unit).count()
    a = next(r for r in b.rows if r.unit.organisation == tree.unit_a)
    assert a.cell(BoardStage.FIRST_UP).figures[0].value == 1
    assert a.cell(BoardStage.FIRST_UP).state == StageState.UNDER_WAY


def test_a_stage_without_a_provider_is_not_started_honestly(
    round_: Round, convener: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_vetting = tuple(p for p in board.PROVIDERS if BoardStage.VETTING not in p.STAGES)
    monkeypatch.setattr(board, "PROVIDERS", without_vetting)
    b = _board(convener, round_.campaign)
    for row in b.rows:
        cell = row.cell(BoardStage.VETTING)
        assert not cell.provided and cell.state is None and cell.figures == ()
        assert cell.state_label == "尚未开展"
        assert not cell.overdue


def test_overdue_units_come_first_with_working_days(
    round_: Round, tree: Tree, convener: User
) -> None:
    campaign = round_.campaign
    set_deadline(campaign, Stage.FIRST_UP, dt.date(2026, 11, 25))  # a Wednesday; today 12-02
    # unit B's only branch reports: unit B is done, unit A (code A, first by code) is overdue
    b_unit = ElectionUnit.objects.get(campaign=campaign, organisation=tree.unit_b)
    BranchReport.objects.create(
        round=round_, unit=b_unit, organisation=tree.branch_b1, status=ReportStatus.SUBMITTED
    )
    b = _board(convener, campaign)
    assert [r.unit.organisation for r in b.rows] == [tree.unit_a, tree.unit_b]
    first_up = b.rows[0].cell(BoardStage.FIRST_UP)
    assert first_up.overdue
    assert first_up.time_text == "截止 11月25日，已逾期 5 个工作日"
    assert not b.rows[1].cell(BoardStage.FIRST_UP).overdue
    set_deadline(campaign, Stage.FIRST_UP, dt.date(2026, 12, 7))
    soon = _board(convener, campaign).rows[0].cell(BoardStage.FIRST_UP)
    assert soon.due_soon and soon.time_text == "截止 12月7日，还有 3 个工作日"


def test_a_unit_operator_sees_only_their_unit(
    round_: Round, tree: Tree, unit_operator: User, other_unit_operator: User
) -> None:
    assert [r.unit.organisation for r in _board(unit_operator, round_.campaign).rows] == [
        tree.unit_a
    ]
    assert [r.unit.organisation for r in _board(other_unit_operator, round_.campaign).rows] == [
        tree.unit_b
    ]


def _grow(round_: Round, unit_org: Organisation, branches: int, members: int) -> None:
    """More branches, members, submitted reports and participation under ``unit_org``."""
    unit = ElectionUnit.objects.get(campaign=round_.campaign, organisation=unit_org)
    for i in range(branches):
        branch = factories.organisation(parent=unit_org)
        people = [factories.member(branch) for _ in range(members)]
        if i % 2 == 0:
            report = BranchReport.objects.create(
                round=round_, unit=unit, organisation=branch, status=ReportStatus.SUBMITTED
            )
            Participation.objects.bulk_create(
                Participation(report=report, member=m, mode=ParticipationMode.ONSITE)
                for m in people
            )


def _queries(user: User, campaign: Campaign) -> int:
    with CaptureQueriesContext(connection) as captured:
        b = _board(user, campaign)
        for row in b.rows:
            for cell in row.cells:
                _ = (cell.state_label, cell.time_text, [f.text for f in cell.figures])
    return len(captured.captured_queries)


def _vet_and_notice(round_: Round, tree: Tree, operator_a: User, operator_b: User) -> None:
    """Cases, 联审 requests, notices with objections and candidate lists in both units."""
    campaign = round_.campaign
    for org, operator, n in ((tree.unit_a, operator_a, 6), (tree.unit_b, operator_b, 3)):
        unit = ElectionUnit.objects.get(campaign=campaign, organisation=org)
        branch = Organisation.objects.filter(parent=org).first()
        assert branch is not None
        cases = open_cases(unit, branch, operator, n, org.name)
        for department in ("纪检", "公安"):
            send(unit, operator, cases, department)
        decide(unit, operator)
        Case.objects.filter(unit=unit).update(status="selected", closed_on=dt.date(2026, 11, 10))
        notice = notice_services.notice_prepare(
            actor=operator,
            unit=unit,
            scope="unit",
            channels=["公示栏"],
            contact_phone="0735-2223333",
            contact_address="人民路1号",
        )
        for entry in notice.entries.all():
            Objection.objects.create(
                notice=notice,
                entry=entry,
                received_on=dt.date(2026, 11, 20),
                channel="letter",
                content="反映问题。",
                recorded_by=operator,
            )
        candidate_list(unit, operator, cases[:2], "returned")
        candidate_list(unit, operator, cases, "submitted")


def test_the_query_count_does_not_grow_with_the_data(
    round_: Round, tree: Tree, convener: User, unit_operator: User, other_unit_operator: User
) -> None:
    campaign = round_.campaign
    set_deadline(campaign, Stage.FIRST_UP, clock.today() + dt.timedelta(days=10))
    small = _queries(convener, campaign)
    _grow(round_, tree.unit_a, branches=12, members=5)
    _grow(round_, tree.unit_b, branches=7, members=3)
    _vet_and_notice(round_, tree, unit_operator, other_unit_operator)
    large = _queries(convener, campaign)
    assert small == large
    assert small <= 21  # 15 before, and three queries each for vetting and notice
    for row in _board(convener, campaign).rows:  # the grown data is on the board
        assert row.cell(BoardStage.VETTING).state == StageState.DONE
        assert row.cell(BoardStage.NOTICE).state == StageState.UNDER_WAY
        assert row.cell(BoardStage.APPROVAL).state == StageState.UNDER_WAY


def test_board_pages_and_files(round_: Round, tree: Tree, convener: User) -> None:
    client = login(convener)
    campaign = round_.campaign
    page = client.get(f"/oversight/campaign/{campaign.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "东河镇党委" in text and "尚未开展" in text
    xlsx = client.get(f"/oversight/campaign/{campaign.pk}/board.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    chart = client.get(f"/oversight/campaign/{campaign.pk}/chart.svg")
    assert chart.status_code == 200 and b"<svg" in chart.content
    docx = client.get(f"/oversight/campaign/{campaign.pk}/report.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    unit = ElectionUnit.objects.get(campaign=campaign, organisation=tree.unit_a)
    assert client.get(f"/oversight/unit/{unit.pk}/").status_code == 200


def test_sending_the_report_is_recorded_with_the_file(round_: Round, convener: User) -> None:
    client = login(convener)
    campaign = round_.campaign
    refused = client.post(f"/oversight/campaign/{campaign.pk}/report/send/", {"recipient": " "})
    assert refused.status_code == 400
    assert not Event.objects.filter(event_type="oversight.report_sent").exists()
    sent = client.post(
        f"/oversight/campaign/{campaign.pk}/report/send/", {"recipient": "市委组织部领导小组"}
    )
    assert sent.status_code == 302
    event = Event.objects.get(event_type="oversight.report_sent")
    assert event.inputs["recipient"] == "市委组织部领导小组"
    assert event.inputs["report_date"] == clock.today().isoformat()
    assert event.attachments.count() == 1


def test_roles_without_the_board_get_403_before_any_lookup(
    round_: Round, tree: Tree, teller: User
) -> None:
    client = login(teller)
    assert client.get(f"/oversight/campaign/{round_.campaign.pk}/").status_code == 403
    assert client.get("/oversight/campaign/987654321/").status_code == 403
    branch = factories.user(Role.BRANCH_OPERATOR, tree.branch_a1)
    assert login(branch).get(f"/oversight/campaign/{round_.campaign.pk}/").status_code == 403
