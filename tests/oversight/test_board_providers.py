"""The board's 考察/审查, 公示, 二下 and 报批 cells (vetting/progress.py, notice/progress.py):
states and figures equal fresh counts from the data, and each cell links to its page.

Cases are opened and requests sent through the vetting services (tests/factories/vetting.py);
statuses the vetting and notice tests walk through step by step are set directly here."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.conftest import Tree
from tests.factories import vetting as vf
from tests.notice.conftest import PUBLISHED
from tuixuan.campaign.models import Campaign, ElectionUnit
from tuixuan.campaign.progress import BoardStage, StageState
from tuixuan.campaign.rules import margin
from tuixuan.core import clock
from tuixuan.core.models import Organisation, User
from tuixuan.nomination.models import Round
from tuixuan.notice import domain as notice_domain
from tuixuan.notice import services as notice_services
from tuixuan.notice.models import CandidateEntry, CandidateList, Notice, Objection
from tuixuan.oversight import access, board
from tuixuan.vetting import domain as vetting_domain
from tuixuan.vetting import services as vetting_services
from tuixuan.vetting.models import Case, Decision, DepartmentReply, DepartmentRequest

pytestmark = pytest.mark.django_db

DECIDED = dt.date(2026, 11, 2)  # the 考察对象 lists; the suite's today is 2026-12-02


def _board(user: User, campaign: Campaign) -> board.Board:
    return board.build(campaign, access.board_units(user, campaign))


def _unit(campaign: Campaign, org: Organisation) -> ElectionUnit:
    return ElectionUnit.objects.get(campaign=campaign, organisation=org)


def open_cases(
    unit: ElectionUnit, branch: Organisation, operator: User, n: int, prefix: str
) -> list[Case]:
    members = [factories.member(branch, f"{prefix}{i}") for i in range(n)]
    return vf.cases(operator, unit, members, decided_on=DECIDED)


def send(
    unit: ElectionUnit,
    operator: User,
    cases: list[Case],
    department: str,
    sent_on: dt.date = DECIDED,
) -> DepartmentRequest:
    return vetting_services.department_request_send(
        actor=operator, unit=unit, department=department, cases=cases, sent_on=sent_on
    )


def decide(unit: ElectionUnit, operator: User) -> Decision:
    return Decision.objects.create(
        campaign=unit.campaign,
        unit=unit,
        decided_on=dt.date(2026, 11, 10),
        attendance_due=9,
        attendance_present=8,
        decision="研究确定初步人选",
        accountable_person="李书记",
        created_by=operator,
    )


def candidate_list(
    unit: ElectionUnit, operator: User, cases: list[Case], status: str
) -> CandidateList:
    cl = CandidateList.objects.create(
        campaign=unit.campaign,
        unit=unit,
        status=status,
        decided_on=dt.date(2026, 11, 20),
        attendance_due=9,
        attendance_present=8,
        decision="研究确定候选人预备人选",
        accountable_person="李书记",
        seats=unit.seats,
        created_by=operator,
    )
    CandidateEntry.objects.bulk_create(
        CandidateEntry(
            candidate_list=cl,
            member_id=c.member_id,
            case=c,
            origin=notice_domain.Origin.UNIT,
            votes=8,
            position=i,
        )
        for i, c in enumerate(cases, start=1)
    )
    return cl


def test_vetting_cells_equal_fresh_counts(
    round_: Round, tree: Tree, unit_operator: User, other_unit_operator: User, convener: User
) -> None:
    campaign = round_.campaign
    a, b = _unit(campaign, tree.unit_a), _unit(campaign, tree.unit_b)
    assert _board(convener, campaign).rows[0].cell(BoardStage.VETTING).provided
    cases = open_cases(a, tree.branch_a1, unit_operator, 4, "甲")
    answered = send(a, unit_operator, cases[:2], "纪检")
    late = send(a, unit_operator, cases, "公安")
    send(a, unit_operator, cases[:1], "审计", sent_on=clock.today())  # not yet due
    Case.objects.filter(pk=cases[0].pk).update(status=vetting_domain.Status.TO_DECIDE)
    Case.objects.filter(pk=cases[1].pk).update(status=vetting_domain.Status.WITHDRAWN)
    DepartmentReply.objects.filter(request=answered).update(outcome=vetting_domain.Reply.CLEAR)
    DepartmentRequest.objects.filter(pk=late.pk).update(due_on=clock.today() - dt.timedelta(1))

    rows = {r.unit.pk: r for r in _board(convener, campaign).rows}
    cell = rows[a.pk].cell(BoardStage.VETTING)
    assert cell.state == StageState.UNDER_WAY
    vetted, replied, overdue = cell.figures
    fresh = Case.objects.filter(unit=a)
    assert (
        (vetted.value, vetted.of)
        == (
            fresh.exclude(status__in=["pending", "inspecting"]).count(),
            fresh.count(),
        )
        == (2, 4)
    )
    requests = DepartmentRequest.objects.filter(unit=a)
    answered_fresh = [
        r for r in requests if not DepartmentReply.objects.filter(request=r, outcome="").exists()
    ]
    assert (replied.value, replied.of) == (len(answered_fresh), requests.count()) == (1, 3)
    fresh_late = {
        reply.request_id
        for reply in DepartmentReply.objects.filter(
            request__unit=a, outcome="", request__due_on__lt=clock.today()
        )
    }
    assert overdue.value == len(fresh_late) == 1 and overdue.text == "逾期未回复 1 个部门"
    assert cell.url == f"/vetting/unit/{a.pk}/"
    assert "尚未集体研究确定初步人选" in cell.blockers
    assert rows[b.pk].cell(BoardStage.VETTING).state == StageState.NOT_STARTED

    # Every case closed, but no decision yet: still under way; the decision makes it done.
    Case.objects.filter(unit=a).exclude(status="withdrawn").update(
        status=vetting_domain.Status.SELECTED
    )
    cell = _board(convener, campaign).rows[0].cell(BoardStage.VETTING)
    assert cell.state == StageState.UNDER_WAY and cell.figures[0].value == 4
    decide(a, unit_operator)
    cell = next(r for r in _board(convener, campaign).rows if r.unit == a).cell(BoardStage.VETTING)
    assert cell.state == StageState.DONE and cell.blockers == ()


def test_notice_cells_follow_notices_objections_and_lists(
    round_: Round, tree: Tree, unit_operator: User, convener: User
) -> None:
    campaign = round_.campaign
    a = _unit(campaign, tree.unit_a)

    def cells() -> dict[BoardStage, board.Cell]:
        row = next(r for r in _board(convener, campaign).rows if r.unit == a)
        return {
            s: row.cell(s) for s in (BoardStage.NOTICE, BoardStage.SECOND_DOWN, BoardStage.APPROVAL)
        }

    first = cells()
    assert all(c.provided and c.state == StageState.NOT_STARTED for c in first.values())
    assert first[BoardStage.NOTICE].state_label == "未开始"

    cases = open_cases(a, tree.branch_a1, unit_operator, 5, "丙")
    Case.objects.filter(unit=a).update(status="selected", closed_on=dt.date(2026, 11, 10))
    notice = notice_services.notice_prepare(
        actor=unit_operator,
        unit=a,
        scope="unit",
        channels=["公示栏"],
        contact_phone="0735-2223333",
        contact_address="东河镇人民路1号党委组织办",
    )
    n = cells()[BoardStage.NOTICE]
    assert n.state == StageState.UNDER_WAY and "公示尚未发布" in n.blockers
    assert n.url == f"/notice/unit/{a.pk}/"
    notice = notice_services.notice_publish(
        actor=unit_operator, notice=notice, published_on=PUBLISHED
    )
    notice_services.objection_record(
        actor=unit_operator,
        notice=notice,
        entry=notice.entries.first(),  # type: ignore[arg-type]
        received_on=PUBLISHED + dt.timedelta(days=1),
        channel="letter",
        anonymous=True,
        content="反映其工作作风问题。",
    )
    notice_services.notice_close(actor=unit_operator, notice=notice)
    n = cells()[BoardStage.NOTICE]
    fresh_open = Objection.objects.filter(
        notice__unit=a, status__in=[s.value for s in notice_domain.OPEN_OBJECTION]
    ).count()
    assert n.figures[0].value == fresh_open == 1
    assert n.state == StageState.UNDER_WAY and n.blockers == ("1 件举报尚未办结",)
    Objection.objects.filter(notice__unit=a).update(status="concluded")
    n = cells()[BoardStage.NOTICE]
    assert Notice.objects.get(pk=notice.pk).status == "closed"
    assert n.state == StageState.DONE and n.figures[0].value == 0

    # 二下: the list's size against the margin's minimum; 报批 follows the list's status.
    ElectionUnit.objects.filter(pk=a.pk).update(seats=3)
    a.refresh_from_db()
    minimum = margin.minimum_candidates(a.seats, campaign.margin_ratio)
    assert minimum < len(cases)
    returned = candidate_list(a, unit_operator, cases[:minimum], "returned")
    c = cells()
    assert c[BoardStage.SECOND_DOWN].state == StageState.UNDER_WAY
    assert c[BoardStage.APPROVAL].state == StageState.NOT_STARTED
    assert c[BoardStage.APPROVAL].figures[0].text == "被退回 1 次"
    live = candidate_list(a, unit_operator, cases[:minimum], "decided")
    c = cells()
    size = c[BoardStage.SECOND_DOWN].figures[0]
    assert c[BoardStage.SECOND_DOWN].state == StageState.DONE
    assert (size.value, size.of) == (live.entries.count(), minimum) and not size.below_target
    assert c[BoardStage.SECOND_DOWN].url == f"/notice/list/{live.pk}/"
    assert c[BoardStage.APPROVAL].state == StageState.NOT_STARTED
    assert c[BoardStage.SECOND_DOWN].blockers == ()
    CandidateEntry.objects.filter(candidate_list=live, position=1).delete()  # short of the margin
    short = cells()[BoardStage.SECOND_DOWN]
    assert short.figures[0].below_target and short.low
    assert short.blockers[0].startswith("差额：候选人")
    CandidateList.objects.filter(pk=live.pk).update(status="submitted")
    assert cells()[BoardStage.APPROVAL].state == StageState.UNDER_WAY
    CandidateList.objects.filter(pk=live.pk).update(status="approved")
    c = cells()
    assert c[BoardStage.APPROVAL].state == StageState.DONE
    assert c[BoardStage.APPROVAL].url == f"/notice/list/{live.pk}/"
    assert returned.pk != live.pk
