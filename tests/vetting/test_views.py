"""The vetting pages: refusals by role (403) and by scope (404), values kept after a refusal
with the message beside its field, the department queue, the decision with its blockers,
and the query count of the board and the queue."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories
from tests.conftest import Tree, login
from tests.factories import vetting as vf
from tests.forms import form_values
from tests.vetting.conftest import DECIDED, TODAY, World, check_all, inspect, send_all
from tuixuan.core.models import Role, User
from tuixuan.nomination.models import ListEntry
from tuixuan.vetting import domain, services
from tuixuan.vetting.models import Case, DepartmentReply, DepartmentRequest, Team

pytestmark = pytest.mark.django_db


def _reviewer(tree: Tree, department: str, name: str) -> User:
    return factories.user(Role.DEPARTMENT_REVIEWER, tree.city, username=name, department=department)


# --- refusals ------------------------------------------------------------------------------


def test_roles_without_vetting_get_403(
    world: World, branch_operator: User, teller: User, department_reviewer: User
) -> None:
    case = world.cases[0]
    for user in (branch_operator, teller):
        c = login(user)
        assert c.get(reverse("vetting:index")).status_code == 403
        assert c.get(reverse("vetting:case", args=[case.pk])).status_code == 403
        assert c.get(reverse("vetting:board", args=[world.unit.pk])).status_code == 403
    c = login(department_reviewer)
    assert c.get(reverse("vetting:index")).status_code == 200
    assert c.get(reverse("vetting:case", args=[case.pk])).status_code == 403
    assert c.get(reverse("vetting:board", args=[world.unit.pk])).status_code == 403
    assert c.post(reverse("vetting:talks", args=[case.pk]), {"talk_0": "1"}).status_code == 403


def test_supervisors_read_but_do_not_write(world: World, supervisor: User) -> None:
    c = login(supervisor)
    assert c.get(reverse("vetting:board", args=[world.unit.pk])).status_code == 200
    assert c.get(reverse("vetting:case", args=[world.cases[0].pk])).status_code == 200
    assert c.post(reverse("vetting:open", args=[world.unit.pk]), {"confirm": "1"}).status_code == (
        403
    )


def test_another_unit_gets_404_like_a_missing_object(
    world: World, other_unit_operator: User
) -> None:
    c = login(other_unit_operator)
    case = world.cases[0]
    for url, missing in (
        (reverse("vetting:case", args=[case.pk]), reverse("vetting:case", args=[999_999])),
        (
            reverse("vetting:board", args=[world.unit.pk]),
            reverse("vetting:board", args=[999_999]),
        ),
    ):
        assert c.get(url).status_code == 404
        assert c.get(missing).status_code == 404
    r = c.post(reverse("vetting:set_aside", args=[case.pk]), {"confirm": "1"})
    assert r.status_code == 404
    assert Case.objects.get(pk=case.pk).status == domain.Status.PENDING


def test_an_inspector_sees_only_the_cases_of_their_teams(
    world: World, team: Team, unit_operator: User, inspector: User, tree: Tree
) -> None:
    services.cases_assign(actor=unit_operator, team=team, cases=world.cases[:1])
    c = login(inspector)
    assert c.get(reverse("vetting:case", args=[world.cases[0].pk])).status_code == 200
    assert c.get(reverse("vetting:case", args=[world.cases[1].pk])).status_code == 404
    home = c.get(reverse("vetting:index")).content.decode()
    assert world.members[0].name in home and world.members[1].name not in home
    other = factories.user(Role.INSPECTOR, tree.city, username="inspector_2")
    assert login(other).get(reverse("vetting:case", args=[world.cases[0].pk])).status_code == 404


# --- the board ------------------------------------------------------------------------------


def test_the_board_forms_a_team_and_keeps_values_after_a_refusal(
    world: World, unit_operator: User, inspector: User
) -> None:
    c = login(unit_operator)
    page = c.get(reverse("vetting:board", args=[world.unit.pk])).content.decode()
    values, _ = form_values(page, "team-form")
    values.pop("members")  # a multiple select with nothing chosen sends nothing
    data = dict(
        values,
        name="",
        leader=str(inspector.pk),
        outside="赵外聘，退休干部",
        formed_on=TODAY.isoformat(),
    )
    r = c.post(reverse("vetting:team_form", args=[world.unit.pk]), data)
    assert r.status_code == 400
    kept, attrs = form_values(r.content.decode(), "team-form")
    assert kept["outside"] == "赵外聘，退休干部"
    assert attrs["name"].get("aria-invalid") == "true"
    data["name"] = "第一考察组"
    data["formed_on"] = "2027-01-01"  # after today
    r = c.post(reverse("vetting:team_form", args=[world.unit.pk]), data)
    assert r.status_code == 400
    html = r.content.decode()
    assert re.search(r'id="team_formed_on"[^>]*aria-invalid', html) or re.search(
        r'aria-invalid[^>]*id="team_formed_on"', html
    )
    assert "晚于今天" in html
    data["formed_on"] = TODAY.isoformat()
    r = c.post(reverse("vetting:team_form", args=[world.unit.pk]), data)
    assert r.status_code == 302
    assert Team.objects.get(unit=world.unit).name == "第一考察组"
    # The same form again creates nothing.
    r = c.post(reverse("vetting:team_form", args=[world.unit.pk]), data)
    assert r.status_code == 302
    assert Team.objects.filter(unit=world.unit).count() == 1


def test_sending_a_department_request_asks_first(world: World, unit_operator: User) -> None:
    c = login(unit_operator)
    page = c.get(reverse("vetting:board", args=[world.unit.pk])).content.decode()
    values, _ = form_values(page, "request-form")
    data = dict(
        values,
        department="纪检",
        sent_on=TODAY.isoformat(),
        working_days="5",
        cases=[str(x.pk) for x in world.cases],
    )
    url = reverse("vetting:request_send", args=[world.unit.pk])
    asked = c.post(url, data)
    assert asked.status_code == 200 and "confirm" in asked.content.decode()
    assert not DepartmentRequest.objects.exists()
    r = c.post(url, dict(data, confirm="1"))
    assert r.status_code == 302
    req = DepartmentRequest.objects.get()
    assert req.replies.count() == 4
    bad = c.post(url, dict(data, department="公安", working_days="40", confirm="1"))
    assert bad.status_code == 400
    assert "working_days" in bad.content.decode()


def test_the_decision_shows_blockers_and_takes_only_clear_cases(
    world: World, team: Team, unit_operator: User, inspector: User
) -> None:
    services.cases_assign(actor=unit_operator, team=team, cases=world.cases[:2])
    vf.notice(unit_operator, team, world.cases[:2], day=DECIDED)
    a, b = (Case.objects.get(pk=c.pk) for c in world.cases[:2])
    inspect(a, inspector)
    inspect(b, inspector)
    c = login(unit_operator)
    page = c.get(reverse("vetting:board", args=[world.unit.pk])).content.decode()
    assert "尚未征求纪检部门意见" in page
    assert f'name="case" value="{a.pk}"' not in page
    check_all(a, unit_operator)
    reqs = send_all(world, unit_operator, [a])
    for req in reqs:
        services.department_reply(
            actor=unit_operator,
            request=req,
            case=a,
            outcome=domain.Reply.CLEAR,
            replied_on=TODAY,
            reviewer="周审查",
        )
    page = c.get(reverse("vetting:board", args=[world.unit.pk])).content.decode()
    assert f'name="case" value="{a.pk}"' in page
    assert f'name="case" value="{b.pk}"' not in page
    data = {
        "case": [str(a.pk)],
        f"votes_{a.pk}": "8",
        "decided_on": TODAY.isoformat(),
        "attendance_due": "9",
        "attendance_present": "4",
        "decision": "研究确定初步人选",
        "accountable_person": "李书记",
        "confirm": "1",
    }
    r = c.post(reverse("vetting:decide", args=[world.unit.pk]), data)
    assert r.status_code == 400
    html = r.content.decode()
    assert "未超过应到 9 人的半数" in html
    values, _ = form_values(html, "decide-form")
    assert values[f"votes_{a.pk}"] == "8"
    assert values["decision"] == "研究确定初步人选"
    r = c.post(reverse("vetting:decide", args=[world.unit.pk]), dict(data, attendance_present="8"))
    assert r.status_code == 302
    assert Case.objects.get(pk=a.pk).status == domain.Status.SELECTED
    assert Case.objects.get(pk=b.pk).status == domain.Status.TO_DECIDE


def test_the_summary_documents(world: World, unit_operator: User) -> None:
    c = login(unit_operator)
    r = c.get(reverse("vetting:summary", args=[world.unit.pk, "xlsx"]))
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content))
    text = " ".join(str(v) for row in sheet.active.iter_rows(values_only=True) for v in row)
    assert world.members[0].name in text
    assert c.get(reverse("vetting:summary", args=[world.unit.pk, "docx"])).status_code == 200


# --- the case page -------------------------------------------------------------------------


@pytest.fixture
def inspecting_one(world: World, team: Team, unit_operator: User) -> Case:
    services.cases_assign(actor=unit_operator, team=team, cases=world.cases[:1])
    vf.notice(unit_operator, team, world.cases[:1], day=DECIDED)
    return Case.objects.get(pk=world.cases[0].pk)


def test_the_team_records_an_inspection_through_the_page(
    inspecting_one: Case, inspector: User, unit_operator: User
) -> None:
    case = inspecting_one
    c = login(inspector)
    url = reverse("vetting:case", args=[case.pk])
    assert c.post(
        reverse("vetting:talks", args=[case.pk]), {"talk_0": "3", "talk_1": "8", "talk_2": "4"}
    ).status_code == (302)
    grid = {
        f"g_{i}_{j}": str(n)
        for i in range(len(domain.EVALUATION_DIMENSIONS))
        for j, n in enumerate((30, 8, 0, 0))
    }
    bad = dict(grid, held_on=TODAY.isoformat(), due="30", participants="38")
    r = c.post(reverse("vetting:evaluation", args=[case.pk]), bad)
    assert r.status_code == 400
    html = r.content.decode()
    assert "实参加测评 38 人多于应参加 30 人" in html
    values, attrs = form_values(html, "evaluation-form")
    assert values["due"] == "30" and values["g_0_0"] == "30"
    assert attrs["participants"].get("aria-invalid") == "true"
    r = c.post(reverse("vetting:evaluation", args=[case.pk]), dict(bad, due="40"))
    assert r.status_code == 302
    page = c.get(url).content.decode()
    values, _ = form_values(page, "report-form")
    assert case.member.name in values["material"]  # the template is built from the facts
    assert "个别谈话 15 人" in values["material"]
    r = c.post(
        reverse("vetting:report", args=[case.pk]),
        {"material": values["material"], "opinion": "disagree", "reasons": ""},
    )
    assert r.status_code == 400
    assert "须写明理由" in r.content.decode()
    kept, _ = form_values(r.content.decode(), "report-form")
    assert kept["material"].strip() == values["material"].strip()
    r = c.post(
        reverse("vetting:report", args=[case.pk]),
        {"material": "政治立场坚定。", "opinion": "agree", "reasons": ""},
    )
    assert r.status_code == 302
    sign = reverse("vetting:sign", args=[case.pk])
    asked = c.post(sign, {"signed_on": TODAY.isoformat()})
    assert asked.status_code == 200 and asked.has_header("X-Tuixuan-Confirm")
    assert c.post(sign, {"signed_on": TODAY.isoformat(), "confirm": "1"}).status_code == 302
    assert Case.objects.get(pk=case.pk).status == domain.Status.TO_DECIDE
    for fmt in ("pdf", "docx"):
        assert c.get(reverse("vetting:material", args=[case.pk, fmt])).status_code == 200
    notice = Case.objects.get(pk=case.pk).notice
    assert notice is not None
    assert c.get(reverse("vetting:notice_document", args=[notice.pk, "pdf"])).status_code == 200
    # The unit reads the material but not the notes of talks.
    assert "谈话记录" not in login(unit_operator).get(url).content.decode()


def test_talk_notes_are_shown_to_the_team_and_supervisors_only(
    inspecting_one: Case, inspector: User, supervisor: User, unit_operator: User
) -> None:
    c = login(inspector)
    r = c.post(
        reverse("vetting:talk_note", args=[inspecting_one.pk]),
        {
            "once": "k1",
            "category": "党员",
            "talked_on": TODAY.isoformat(),
            "interviewee": "钱同志",
            "note": "反映该同志工作扎实",
        },
    )
    assert r.status_code == 302
    url = reverse("vetting:case", args=[inspecting_one.pk])
    assert "反映该同志工作扎实" in c.get(url).content.decode()
    assert "反映该同志工作扎实" in login(supervisor).get(url).content.decode()
    assert "反映该同志工作扎实" not in login(unit_operator).get(url).content.decode()


def test_four_musts_only_for_cadres(world: World, unit_operator: User) -> None:
    c = login(unit_operator)
    case = world.cases[0]
    assert "四必" not in c.get(reverse("vetting:case", args=[case.pk])).content.decode()
    member = case.member
    member.cadre_rank = "division"
    member.save(update_fields=["cadre_rank"])
    page = c.get(reverse("vetting:case", args=[case.pk])).content.decode()
    assert "领导干部“四必”" in page


def test_a_veto_from_a_check_and_its_lifting(world: World, unit_operator: User) -> None:
    case = world.cases[0]
    c = login(unit_operator)
    data = {
        "chk-item": "党员档案",
        "chk-checked_on": TODAY.isoformat(),
        "chk-checked_by": "孙组织员",
        "chk-finding": "problem",
        "chk-detail": "档案缺失入党志愿书",
        "chk-disqualification": "党员身份存疑",
    }
    data = {k.split("-", 1)[1]: v for k, v in data.items()}
    r = c.post(reverse("vetting:check", args=[case.pk]), data)
    assert r.status_code == 200 and r.has_header("X-Tuixuan-Confirm")
    r = c.post(reverse("vetting:check", args=[case.pk]), dict(data, confirm="1"))
    assert r.status_code == 302
    veto = case.vetoes.get()
    page = c.get(reverse("vetting:board", args=[world.unit.pk])).content.decode()
    assert "一票否决" in page
    lift = {
        "decided_on": TODAY.isoformat(),
        "attendance_due": "9",
        "attendance_present": "8",
        "reason": "",
        "accountable_person": "李书记",
        "confirm": "1",
    }
    r = c.post(reverse("vetting:veto_lift", args=[veto.pk]), lift)
    assert r.status_code == 400
    _, attrs = form_values(r.content.decode(), f"lift-{veto.pk}")
    assert attrs["reason"].get("aria-invalid") == "true"
    assert form_values(r.content.decode(), f"lift-{veto.pk}")[0]["accountable_person"] == "李书记"
    lift["reason"] = "经核实档案已补齐"
    assert c.post(reverse("vetting:veto_lift", args=[veto.pk]), lift).status_code == 302
    veto.refresh_from_db()
    assert veto.lifted_on == TODAY


# --- the department's queue ----------------------------------------------------------------


def test_a_reviewer_answers_their_own_department_only(
    world: World, unit_operator: User, tree: Tree
) -> None:
    jijian, gongan = send_all(world, unit_operator, world.cases)[:2]
    a = _reviewer(tree, "纪检", "rev_jijian")
    b = _reviewer(tree, "公安", "rev_gongan")
    ca, cb = login(a), login(b)
    home = ca.get(reverse("vetting:index")).content.decode()
    assert reverse("vetting:request", args=[jijian.pk]) in home
    assert reverse("vetting:request", args=[gongan.pk]) not in home
    assert ca.get(reverse("vetting:request", args=[gongan.pk])).status_code == 404
    page = ca.get(reverse("vetting:request", args=[jijian.pk])).content.decode()
    cid = world.members[0].citizen_id
    # Masked in the list, full on the reply form.
    assert page.count(cid) == 1
    reply = DepartmentReply.objects.get(request=jijian, case=world.cases[0])
    url = reverse("vetting:reply", args=[jijian.pk, reply.pk])
    data = {
        "outcome": "problem",
        "detail": "",
        "reviewer": "周审查",
        "replied_on": TODAY.isoformat(),
        "disqualification": "",
        "confirm": "1",
    }
    r = ca.post(url, data)
    assert r.status_code == 400
    assert "须写明具体情况" in r.content.decode()
    assert cb.post(url, dict(data, detail="酒驾")).status_code == 404
    data["detail"] = "曾因酒驾受到处理"
    assert ca.post(url, data).status_code == 302
    reply.refresh_from_db()
    assert reply.outcome == "problem"
    # 公安 does not see 纪检's answer.
    assert "曾因酒驾" not in cb.get(reverse("vetting:request", args=[gongan.pk])).content.decode()
    assert "曾因酒驾" not in cb.get(reverse("vetting:index")).content.decode()


def test_the_reply_sheet_goes_round_and_a_bad_row_writes_nothing(
    world: World, unit_operator: User, tree: Tree
) -> None:
    req = send_all(world, unit_operator, world.cases)[0]
    reviewer = _reviewer(tree, "纪检", "rev_jijian")
    c = login(reviewer)
    got = c.get(reverse("vetting:reply_sheet", args=[req.pk]))
    book = load_workbook(io.BytesIO(got.content))
    sheet = book.active
    header = next(
        i for i, row in enumerate(sheet.iter_rows(values_only=True), 1) if row[0] == "公民身份号码"
    )
    for n in range(header + 1, header + 5):
        sheet.cell(n, 5, "无不良记录")
        sheet.cell(n, 7, "周审查")
        sheet.cell(n, 8, TODAY.isoformat())
    sheet.cell(header + 2, 5, "没问题")
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    buf.name = "回复.xlsx"
    url = reverse("vetting:reply_import", args=[req.pk])
    r = c.post(url, {"file": buf, "confirm": "1"})
    assert r.status_code == 400
    html = r.content.decode()
    assert f"第 {header + 2} 行" in html and "审查意见" in html and "没问题" in html
    assert not DepartmentReply.objects.filter(request=req).exclude(outcome="").exists()
    sheet.cell(header + 2, 5, "无不良记录")
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    buf.name = "回复.xlsx"
    r = c.post(url, {"file": buf, "confirm": "1"})
    assert r.status_code == 302
    assert DepartmentReply.objects.filter(request=req, outcome="clear").count() == 4


# --- query counts ---------------------------------------------------------------------------


def _queries(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)  # type: ignore[attr-defined]
        assert r.status_code == 200
    return len(ctx.captured_queries)


def test_the_board_and_the_queue_cost_the_same_for_more_persons(
    world: World, unit_operator: User, tree: Tree
) -> None:
    reviewer = _reviewer(tree, "纪检", "rev_jijian")
    req = send_all(world, unit_operator, world.cases)[0]
    c, rc = login(unit_operator), login(reviewer)
    board = reverse("vetting:board", args=[world.unit.pk])
    queue = reverse("vetting:request", args=[req.pk])
    _queries(c, board), _queries(rc, queue)  # the session's first page reads more
    small_board, small_queue = _queries(c, board), _queries(rc, queue)
    # Twelve more persons on the same unit's list, sent to the same department.
    # (Rows written directly: the unit's list is decided once; the services are tested
    # elsewhere.)
    more = [factories.member(tree.branch_a2, f"丁{i}") for i in range(12)]
    shortlist = world.cases[0].list_entry.nomination_list
    entries = ListEntry.objects.bulk_create(
        ListEntry(nomination_list=shortlist, candidate=m, position=10 + i)
        for i, m in enumerate(more)
    )
    extra = Case.objects.bulk_create(
        Case(campaign=world.campaign, unit=world.unit, member=m, list_entry=e)
        for m, e in zip(more, entries, strict=True)
    )
    DepartmentReply.objects.bulk_create(DepartmentReply(request=req, case=x) for x in extra)
    assert Case.objects.filter(unit=world.unit).count() == 16
    assert _queries(c, board) == small_board
    assert _queries(rc, queue) == small_queue


# --- homes and the overview ----------------------------------------------------------------


def test_the_convener_sees_counts_per_unit_and_department_overdue_first(
    world: World, unit_operator: User, convener: User, tree: Tree
) -> None:
    unit_b = world.campaign.units.get(organisation=tree.unit_b)
    b_op = factories.user(Role.UNIT_OPERATOR, tree.unit_b, username="b_op")
    (b_case,) = vf.cases(
        b_op, unit_b, [factories.member(tree.branch_b1, "丙0")], decided_on=DECIDED
    )
    services.department_request_send(
        actor=b_op, unit=unit_b, department="纪检", cases=[b_case], sent_on=DECIDED
    )
    send_all(world, unit_operator, world.cases)
    page = login(convener).get(reverse("vetting:index")).content.decode()
    units = page[page.index('id="unit-counts"') :]
    # Unit B's 纪检 answer is late (sent a month ago): unit B comes first, in red.
    assert units.index(tree.unit_b.name) < units.index(tree.unit_a.name)
    assert 'class="overdue"' in units
    depts = page[page.index('id="dept-counts"') :]
    assert depts.index("纪检") < depts.index("公安")


def test_the_notice_keeps_what_was_typed(
    world: World, team: Team, unit_operator: User, inspector: User
) -> None:
    services.cases_assign(actor=unit_operator, team=team, cases=world.cases[:1])
    c = login(inspector)
    page = c.get(reverse("vetting:team", args=[team.pk])).content.decode()
    values, _ = form_values(page, "notice-form")
    data = dict(
        values,
        cases=[str(world.cases[0].pk)],
        issued_on=TODAY.isoformat(),
        starts_on=TODAY.isoformat(),
        ends_on=(TODAY - dt.timedelta(days=1)).isoformat(),
        scope="本村党员群众",
        contact_phone="0731-1",
        confirm="1",
    )
    r = c.post(reverse("vetting:notice_issue", args=[team.pk]), data)
    assert r.status_code == 400
    kept, attrs = form_values(r.content.decode(), "notice-form")
    assert kept["scope"] == "本村党员群众"
    assert attrs["ends_on"].get("aria-invalid") == "true"
    assert "考察结束日期不能早于开始日期" in r.content.decode()
    r = c.post(
        reverse("vetting:notice_issue", args=[team.pk]), dict(data, ends_on=TODAY.isoformat())
    )
    assert r.status_code == 302
    assert Case.objects.get(pk=world.cases[0].pk).status == domain.Status.INSPECTING


def test_an_inspector_who_is_not_the_leader_cannot_issue_the_notice(
    world: World, unit_operator: User, inspector: User, tree: Tree
) -> None:
    member = factories.user(Role.INSPECTOR, tree.city, username="inspector_m")
    team = vf.team(unit_operator, world.unit, inspector, members=[member], formed_on=TODAY)
    services.cases_assign(actor=unit_operator, team=team, cases=world.cases[:1])
    r = login(member).post(
        reverse("vetting:notice_issue", args=[team.pk]),
        {"cases": [str(world.cases[0].pk)], "confirm": "1"},
    )
    assert r.status_code == 403
