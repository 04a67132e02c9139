"""The vetting services: the whole way to 初步人选, and every refusal — each asserting the
Chinese message, that nothing changed and that no event was written."""

from __future__ import annotations

import datetime as dt
import inspect as pyinspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests import factories
from tests.conftest import Tree
from tests.factories import vetting as vf
from tests.record import assert_events, capture_events
from tests.vetting.conftest import DECIDED, TODAY, World, counts, inspect, ready, send_all
from tuixuan.core.errors import DomainError, PermissionDeniedError
from tuixuan.core.models import Role, User
from tuixuan.nomination.models import ListStatus
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.record.services import AttachmentFile
from tuixuan.registry.models import CadreRank, Deputy, Level, Member
from tuixuan.vetting import domain, selectors, services
from tuixuan.vetting.models import (
    CadreCheck,
    Case,
    CheckResult,
    Decision,
    DepartmentReply,
    DepartmentRequest,
    Evaluation,
    InspectionReport,
    Settings,
    TalkCount,
    TalkNote,
    Team,
    TeamMember,
    Veto,
)

MODELS = (
    Case,
    Settings,
    Team,
    TeamMember,
    TalkCount,
    TalkNote,
    Evaluation,
    InspectionReport,
    CheckResult,
    DepartmentRequest,
    DepartmentReply,
    CadreCheck,
    Veto,
    Decision,
)


def _state() -> tuple[Any, ...]:
    return (
        tuple(m.objects.count() for m in MODELS),
        tuple(Case.objects.order_by("pk").values_list("status", "version", "team_id", "flag")),
        tuple(DepartmentReply.objects.order_by("pk").values_list("outcome", "detail")),
        tuple(Veto.objects.order_by("pk").values_list("lifted_on", flat=True)),
        tuple(DepartmentRequest.objects.order_by("pk").values_list("reminders", flat=True)),
    )


@contextmanager
def refused(message: str, error: type[DomainError] = DomainError) -> Iterator[None]:
    before = _state()
    with assert_events([]), pytest.raises(error) as info:
        yield
    assert message in info.value.message, info.value.message
    assert _state() == before


# --- the whole way -----------------------------------------------------------------------


def test_cases_are_opened_from_the_decided_shortlist(world: World) -> None:
    assert [c.status for c in world.cases] == ["pending"] * 4
    assert [c.member.name for c in world.cases] == ["甲0", "甲1", "甲2", "乙0"]
    event = Event.objects.get(event_type=EventType.VETTING_CASES_OPENED)
    assert sorted(event.persons.values_list("citizen_id", flat=True)) == sorted(
        m.citizen_id for m in world.members
    )
    settings = Settings.objects.get(campaign=world.campaign)
    assert settings.departments == list(domain.DEFAULT_DEPARTMENTS)
    assert settings.check_items == list(domain.CHECK_ITEMS)


def test_from_the_list_to_preliminary_candidates(
    world: World, inspecting: list[Case], inspector: User, unit_operator: User
) -> None:
    first, second = inspecting[0], inspecting[1]
    with assert_events([EventType.VETTING_TALKS_RECORDED]):
        services.talks_record(actor=inspector, case=first, counts={"党员": 10, "群众": 3})
    with assert_events([EventType.VETTING_TALK_NOTE_ADDED]) as events:
        services.talk_note_add(
            actor=inspector,
            case=first,
            category="党员",
            talked_on=TODAY,
            interviewee="某党员",
            note="该同志工作认真。",
        )
    assert "工作认真" not in str(events[0].inputs) and "某党员" not in str(events[0].inputs)
    inspect(first, inspector)
    inspect(second, inspector)
    first.refresh_from_db()
    assert first.status == "to_decide"
    assert selectors.blockers_for(first) == [
        *(f"六必查“{i}”尚未核查" for i in domain.CHECK_ITEMS),
        *(f"尚未征求{d}部门意见" for d in domain.DEFAULT_DEPARTMENTS),
    ]
    for case in (first, second):
        for item in domain.CHECK_ITEMS:
            services.check_record(
                actor=unit_operator,
                case=case,
                item=item,
                checked_on=TODAY,
                checked_by="孙组织员",
                finding=domain.Finding.CLEAR,
            )
    requests = send_all(world, unit_operator, [first, second])
    assert requests[0].due_on == dt.date(2026, 12, 9)  # five working days after Wednesday 2nd
    assert "纪检部门尚未回复" in selectors.blockers_for(first)
    for r in requests:
        for case in (first, second):
            services.department_reply(
                actor=unit_operator,
                request=r,
                case=case,
                outcome=domain.Reply.CLEAR,
                replied_on=TODAY,
                reviewer="周审查",
            )
    assert selectors.blockers_for(first) == []
    with assert_events([EventType.VETTING_CANDIDATES_DECIDED]) as events:
        decision = services.candidates_decide(
            actor=unit_operator,
            unit=world.unit,
            decided_on=TODAY,
            attendance_due=9,
            attendance_present=8,
            decision="同意列为初步人选",
            accountable_person="李书记",
            votes={first.pk: 8, second.pk: 4},
        )
    assert decision.votes.count() == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "selected"
    assert (second.status, second.close_reason) == ("not_considered", "集体研究未列为初步人选")
    assert events[0].inputs["votes"][0]["selected"] is True
    assert sorted(events[0].persons.values_list("citizen_id", flat=True)) == sorted(
        [first.member.citizen_id, second.member.citizen_id]
    )


def test_a_problem_named_a_disqualification_vetoes_until_a_collective_decision_lifts_it(
    world: World, inspecting: list[Case], inspector: User, unit_operator: User
) -> None:
    case = inspecting[0]
    ready(world, case, inspector, unit_operator)
    with assert_events([EventType.VETTING_CHECK_RECORDED, EventType.VETTING_VETO_APPLIED]) as ev:
        services.check_record(
            actor=unit_operator,
            case=case,
            item="线索具体的信访举报",
            checked_on=TODAY,
            checked_by="孙组织员",
            finding=domain.Finding.PROBLEM,
            detail="反映收受礼金，经查属实",
            disqualification="廉洁上有风险",
        )
    assert ev[1].inputs["source_label"] == "六必查“线索具体的信访举报”"
    assert ev[1].inputs["finding"] == "反映收受礼金，经查属实"
    veto = Veto.objects.get(case=case)
    assert selectors.blockers_for(case) == ["一票否决：廉洁上有风险（未经集体研究解除）"]
    with refused("“甲0”尚不能研究：一票否决：廉洁上有风险"):
        services.candidates_decide(
            actor=unit_operator,
            unit=world.unit,
            decided_on=TODAY,
            attendance_due=9,
            attendance_present=8,
            decision="研究",
            accountable_person="李书记",
            votes={case.pk: 8},
        )
    with refused("未超过应到 9 人的半数"):
        services.veto_lift(
            actor=unit_operator,
            veto=veto,
            decided_on=TODAY,
            attendance_due=9,
            attendance_present=4,
            reason="经复核不属实",
            accountable_person="李书记",
        )
    with refused("请填写解除理由"):
        services.veto_lift(
            actor=unit_operator,
            veto=veto,
            decided_on=TODAY,
            attendance_due=9,
            attendance_present=8,
            reason=" ",
            accountable_person="李书记",
        )
    with assert_events([EventType.VETTING_VETO_LIFTED]):
        services.veto_lift(
            actor=unit_operator,
            veto=veto,
            decided_on=TODAY,
            attendance_due=9,
            attendance_present=8,
            reason="经复核，礼金已按规定上交登记",
            accountable_person="李书记",
        )
    assert selectors.blockers_for(case) == []
    with refused("该一票否决已经解除"):
        services.veto_lift(
            actor=unit_operator,
            veto=veto,
            decided_on=TODAY,
            attendance_due=9,
            attendance_present=8,
            reason="再次",
            accountable_person="李书记",
        )


# --- refusals ----------------------------------------------------------------------------


def test_opening_refusals(world: World, unit_operator: User, other_unit_operator: User) -> None:
    nl = world.cases[0].list_entry.nomination_list
    with refused("不在您的管理范围内", PermissionDeniedError):
        services.cases_open(actor=other_unit_operator, shortlist=nl)
    again = vf.shortlist(world.unit, world.members[:1], decided_on=DECIDED, kind="pool")
    with refused("只有考察对象名单可以建立考察对象档案"):
        services.cases_open(actor=unit_operator, shortlist=again)


def test_opening_twice_is_refused(world: World, unit_operator: User) -> None:
    nl = Case.objects.first().list_entry.nomination_list  # type: ignore[union-attr]
    assert nl.status == ListStatus.HANDED_DOWN
    with refused("已建立考察对象档案：乙0、甲0、甲1、甲2"):
        services.cases_open(actor=unit_operator, shortlist=nl)


def test_team_refusals(
    world: World, tree: Tree, unit_operator: User, inspector: User, supervisor: User
) -> None:
    with refused("不是在用的考察组成员账号"):
        vf.team(unit_operator, world.unit, supervisor, formed_on=TODAY)
    with refused("晚于今天"):
        vf.team(unit_operator, world.unit, inspector, formed_on=TODAY + dt.timedelta(days=1))
    with refused("不在您的管理范围内", PermissionDeniedError):
        vf.team(inspector, world.unit, inspector, formed_on=TODAY)
    vf.team(unit_operator, world.unit, inspector, formed_on=TODAY)
    with refused("已有名为“第一考察组”的考察组"):
        vf.team(unit_operator, world.unit, inspector, formed_on=TODAY)


def test_a_member_never_inspects_a_case_of_the_own_branch(
    world: World, tree: Tree, unit_operator: User, inspector: User
) -> None:
    local = factories.user(Role.INSPECTOR, tree.branch_a1, username="local_inspector")
    team = vf.team(unit_operator, world.unit, inspector, members=[local], formed_on=TODAY)
    with refused("与考察对象“甲0”同在“东河村党支部”，应当回避"):
        services.cases_assign(actor=unit_operator, team=team, cases=world.cases[:1])
    # The case of the other branch is fine.
    with assert_events([EventType.VETTING_CASES_ASSIGNED]):
        services.cases_assign(actor=unit_operator, team=team, cases=world.cases[3:])
    # Nor can the branch's inspector join a team already holding a case of the branch.
    other = vf.team(unit_operator, world.unit, inspector, name="第二考察组", formed_on=TODAY)
    services.cases_assign(actor=unit_operator, team=other, cases=world.cases[:1])
    with refused("应当回避"):
        services.team_change(
            actor=unit_operator, team=other, leader=inspector, members=[local], reason="增加成员"
        )


def test_notice_refusals(
    world: World, team: Team, unit_operator: User, other_unit_operator: User
) -> None:
    with refused("未交由第一考察组考察"):
        vf.notice(unit_operator, team, world.cases[:1], day=TODAY)
    services.cases_assign(actor=unit_operator, team=team, cases=world.cases[:1])
    with refused("早于考察对象名单确定的日期"):
        vf.notice(unit_operator, team, world.cases[:1], day=DECIDED - dt.timedelta(days=1))
    with refused("晚于今天"):
        vf.notice(unit_operator, team, world.cases[:1], day=TODAY + dt.timedelta(days=1))
    with refused("不在您的管理范围内", PermissionDeniedError):
        vf.notice(other_unit_operator, team, world.cases[:1], day=TODAY)
    vf.notice(unit_operator, team, world.cases[:1], day=TODAY)
    with refused("当前为“考察中”，不能发布考察预告"):
        vf.notice(unit_operator, team, world.cases[:1], day=TODAY)


def test_inspection_refusals(
    world: World,
    team: Team,
    inspecting: list[Case],
    inspector: User,
    unit_operator: User,
    tree: Tree,
) -> None:
    case = inspecting[0]
    stranger = factories.user(Role.INSPECTOR, tree.city, username="stranger")
    with refused("只有承担该考察任务的考察组成员", PermissionDeniedError):
        services.talks_record(actor=stranger, case=case, counts={"党员": 3})
    with refused("只有承担该考察任务的考察组成员", PermissionDeniedError):
        services.talks_record(actor=unit_operator, case=case, counts={"党员": 3})
    with refused("个别谈话人数合计须大于 0"):
        services.talks_record(actor=inspector, case=case, counts={"党员": 0})
    with refused("未知的谈话对象类别：路人"):
        services.talks_record(actor=inspector, case=case, counts={"路人": 3})
    with refused("“政治表现”各等次合计 37 票，与实参加测评 38 人不符"):
        bad = counts(38)
        bad["政治表现"]["优秀"] -= 1
        services.evaluation_enter(
            actor=inspector, case=case, held_on=TODAY, due=40, participants=38, counts=bad
        )
    with refused("实参加测评 41 人多于应参加 40 人"):
        services.evaluation_enter(
            actor=inspector, case=case, held_on=TODAY, due=40, participants=41, counts=counts(41)
        )
    with refused("超过东河镇党委党员数的十倍"):
        services.evaluation_enter(
            actor=inspector, case=case, held_on=TODAY, due=5000, participants=41, counts=counts(41)
        )
    with refused("尚未登记个别谈话，不能形成考察材料"):
        services.report_write(actor=inspector, case=case, material="材料", opinion="agree")
    services.talks_record(actor=inspector, case=case, counts={"党员": 3})
    services.evaluation_enter(
        actor=inspector, case=case, held_on=TODAY, due=40, participants=38, counts=counts(38)
    )
    with refused("考察组不同意列为初步人选时须写明理由"):
        services.report_write(actor=inspector, case=case, material="材料", opinion="disagree")
    with refused("尚未形成考察材料，不能签署"):
        services.report_sign(actor=inspector, case=case, signed_on=TODAY)
    member = factories.user(Role.INSPECTOR, tree.city, username="member2")
    services.team_change(
        actor=unit_operator, team=team, leader=inspector, members=[member], reason="增加成员"
    )
    services.report_write(actor=member, case=case, material="材料", opinion="agree")
    with refused("考察意见须由考察组组长签署", PermissionDeniedError):
        services.report_sign(actor=member, case=case, signed_on=TODAY)
    services.report_sign(actor=inspector, case=case, signed_on=TODAY)
    with refused("当前为“待研究”，不能登记个别谈话"):
        services.talks_record(actor=inspector, case=case, counts={"党员": 5})


def test_check_refusals(world: World, inspecting: list[Case], unit_operator: User) -> None:
    case = inspecting[0]

    def check(**kw: Any) -> None:
        fields: dict[str, Any] = {
            "item": "党员档案",
            "checked_on": TODAY,
            "checked_by": "孙组织员",
            "finding": "clear",
        }
        fields.update(kw)
        services.check_record(actor=unit_operator, case=case, **fields)

    with refused("“学历”不是本次推选的六必查项目"):
        check(item="学历")
    with refused("结论为“有问题”时须写明具体情况"):
        check(finding="problem")
    with refused("“长相不佳”不是本次推选的一票否决情形"):
        check(finding="problem", detail="x", disqualification="长相不佳")
    with refused("只有“有问题”的结论可以认定为一票否决情形"):
        check(disqualification="政治上不合格")
    with refused("早于考察对象名单确定的日期"):
        check(checked_on=DECIDED - dt.timedelta(days=1))
    services.case_withdraw(
        actor=unit_operator, case=case, reason="本人申请退出", withdrawn_on=TODAY
    )
    with refused("当前为“本人退出”，不能登记六必查"):
        check()


def test_four_musts_only_for_cadres(
    world: World, inspecting: list[Case], unit_operator: User
) -> None:
    case = inspecting[0]
    kw: dict[str, Any] = {
        "item": "干部档案必审",
        "done_on": TODAY,
        "done_by": "孙组织员",
        "finding": "clear",
    }
    with refused("“甲0”不是领导干部，不适用“四必”"):
        services.cadre_check_record(actor=unit_operator, case=case, **kw)
    Member.objects.filter(pk=case.member_id).update(cadre_rank=CadreRank.SECTION)
    assert "四必“干部档案必审”尚未完成" in selectors.blockers_for(case)
    with refused("“必吃”不是“四必”项目"):
        services.cadre_check_record(actor=unit_operator, case=case, **{**kw, "item": "必吃"})
    with assert_events([EventType.VETTING_FOUR_MUST_RECORDED]):
        services.cadre_check_record(actor=unit_operator, case=case, **kw)
    assert "四必“干部档案必审”尚未完成" not in selectors.blockers_for(case)


def test_department_refusals_and_overdue(
    world: World,
    inspecting: list[Case],
    unit_operator: User,
    department_reviewer: User,
    tree: Tree,
) -> None:
    case = inspecting[0]
    with refused("“纪检监察”不是本次推选的联审部门"):
        services.department_request_send(
            actor=unit_operator, unit=world.unit, department="纪检监察", cases=[case], sent_on=TODAY
        )
    with refused("发函日期2026-11-01早于考察对象名单确定的日期"):
        services.department_request_send(
            actor=unit_operator,
            unit=world.unit,
            department="纪检",
            cases=[case],
            sent_on=dt.date(2026, 11, 1),
        )
    sent = dt.date(2026, 11, 3)
    with assert_events([EventType.VETTING_DEPARTMENT_REQUESTED]):
        request = services.department_request_send(
            actor=unit_operator, unit=world.unit, department="纪检", cases=[case], sent_on=sent
        )
    assert request.due_on == dt.date(2026, 11, 10)
    with refused("已向纪检部门发函"):
        services.department_request_send(
            actor=unit_operator, unit=world.unit, department="纪检", cases=[case], sent_on=sent
        )
    assert "纪检部门逾期未回复（应于 2026-11-10 前回复）" in selectors.blockers_for(case)
    with refused("尚未逾期，无需催办"):
        services.department_remind(actor=unit_operator, request=request, reminded_on=sent)
    with assert_events([EventType.VETTING_DEPARTMENT_REMINDED]):
        services.department_remind(actor=unit_operator, request=request, reminded_on=TODAY)
    # The reviewer of another department never answers this one.
    with refused("只能回复本部门收到的联审函", PermissionDeniedError):
        services.department_reply(
            actor=department_reviewer,
            request=request,
            case=case,
            outcome="clear",
            replied_on=TODAY,
        )
    jj = factories.user(Role.DEPARTMENT_REVIEWER, tree.city, username="jj", department="纪检")
    with refused("意见为“需进一步核查”时须写明具体情况"):
        services.department_reply(
            actor=jj, request=request, case=case, outcome="further", replied_on=TODAY
        )
    with refused("回复日期早于发函日期（2026-11-03）"):
        services.department_reply(
            actor=jj, request=request, case=case, outcome="clear", replied_on=dt.date(2026, 11, 2)
        )
    with refused("该考察对象不在发给纪检部门的名单中"):
        services.department_reply(
            actor=jj, request=request, case=inspecting[1], outcome="clear", replied_on=TODAY
        )
    with capture_events() as events:
        services.department_reply(
            actor=jj,
            request=request,
            case=case,
            outcome="further",
            detail="有信访件待核",
            replied_on=TODAY,
        )
    assert events[0].inputs["late"] is True
    assert events[0].accountable_person == jj.display_name
    assert "纪检部门意见为需进一步核查" in selectors.blockers_for(case)
    services.department_reply(
        actor=jj, request=request, case=case, outcome="clear", replied_on=TODAY
    )
    with refused("纪检部门已回复“甲0”的审查意见"):
        services.department_reply(
            actor=jj, request=request, case=case, outcome="clear", replied_on=TODAY
        )
    with refused("纪检部门已全部回复，无需催办"):
        services.department_remind(actor=unit_operator, request=request, reminded_on=TODAY)


def test_a_department_problem_named_a_disqualification_vetoes(
    world: World, inspecting: list[Case], unit_operator: User
) -> None:
    case = inspecting[0]
    request = services.department_request_send(
        actor=unit_operator, unit=world.unit, department="公安", cases=[case], sent_on=TODAY
    )
    with assert_events(
        [EventType.VETTING_DEPARTMENT_REPLIED, EventType.VETTING_VETO_APPLIED]
    ) as events:
        services.department_reply(
            actor=unit_operator,
            request=request,
            case=case,
            outcome="problem",
            detail="有违法记录",
            replied_on=TODAY,
            reviewer="吴警官",
            disqualification="政治上不合格",
        )
    assert events[1].inputs["source_label"] == "公安部门联审"
    assert events[1].accountable_person == "吴警官"


def test_decision_refusals(
    world: World, inspecting: list[Case], inspector: User, unit_operator: User
) -> None:
    case, other = inspecting[0], inspecting[1]
    ready(world, case, inspector, unit_operator)

    def decide(**kw: Any) -> Decision:
        fields: dict[str, Any] = {
            "decided_on": TODAY,
            "attendance_due": 9,
            "attendance_present": 8,
            "decision": "研究确定",
            "accountable_person": "李书记",
            "votes": {case.pk: 8},
        }
        fields.update(kw)
        return services.candidates_decide(actor=unit_operator, unit=world.unit, **fields)

    with refused("研究日期2026-12-03晚于今天"):
        decide(decided_on=TODAY + dt.timedelta(days=1))
    with refused("研究日期2026-12-01早于考察开始的日期"):
        decide(decided_on=TODAY - dt.timedelta(days=1))
    with refused("实到 10 人多于应到 9 人"):
        decide(attendance_present=10)
    with refused("“甲0”得 9 票，多于实到 8 人"):
        decide(votes={case.pk: 9})
    with refused("“甲1”当前为“考察中”，不能研究确定初步人选"):
        decide(votes={case.pk: 8, other.pk: 8})
    with refused("请填写每名考察对象的同意票数"):
        decide(votes={})
    decide()
    with refused("“甲0”当前为“列为初步人选”，不能研究确定初步人选"):
        decide()


def test_overlap_needs_an_exemption(
    world: World, inspecting: list[Case], inspector: User, unit_operator: User
) -> None:
    case = inspecting[0]
    with refused("不是同级人大代表或政协委员，无需豁免"):
        services.exemption_decide(
            actor=unit_operator,
            case=case,
            decided_on=TODAY,
            decision="同意",
            accountable_person="李书记",
        )
    Deputy.objects.create(
        citizen_id=case.member.citizen_id,
        name=case.member.name,
        member=case.member,
        body="npc",
        level=Level.CITY,
    )
    assert "系同级人大代表或政协委员，一般不交叉，尚无豁免决定" in selectors.blockers_for(case)
    with assert_events([EventType.VETTING_EXEMPTION_DECIDED]):
        services.exemption_decide(
            actor=unit_operator,
            case=case,
            decided_on=TODAY,
            decision="工作需要，同意交叉",
            accountable_person="李书记",
        )
    assert "系同级人大代表或政协委员，一般不交叉，尚无豁免决定" not in selectors.blockers_for(case)


def test_leaving_the_procedure(world: World, unit_operator: User) -> None:
    case = world.cases[0]
    with refused("“路过”不是本次推选的不予考虑理由"):
        services.case_set_aside(actor=unit_operator, case=case, reason="路过", decided_on=TODAY)
    with refused("理由为“其他”时须写明具体情况"):
        services.case_set_aside(actor=unit_operator, case=case, reason="其他", decided_on=TODAY)
    with assert_events([EventType.VETTING_SET_ASIDE]):
        services.case_set_aside(
            actor=unit_operator, case=case, reason="结构比例调整", decided_on=TODAY
        )
    with refused("该考察对象已“不予考虑”，不能再变更"):
        services.case_withdraw(
            actor=unit_operator, case=case, reason="本人申请退出", withdrawn_on=TODAY
        )


def test_settings_refusals(world: World, convener: User, unit_operator: User) -> None:
    kw: dict[str, Any] = {
        "check_items": list(domain.CHECK_ITEMS),
        "departments": list(domain.DEPARTMENTS_15),
        "evaluation_dimensions": list(domain.EVALUATION_DIMENSIONS),
        "not_considered_reasons": list(domain.NOT_CONSIDERED_REASONS),
        "reply_working_days": 7,
    }
    with refused("只有召集机关可以变更考察审查设置", PermissionDeniedError):
        services.settings_change(actor=unit_operator, campaign=world.campaign, **kw)
    with refused("联审部门中重复：纪检"):
        services.settings_change(
            actor=convener, campaign=world.campaign, **{**kw, "departments": ["纪检", "纪检"]}
        )
    with refused("部门回复时限应为 1 至 30 个工作日"):
        services.settings_change(
            actor=convener, campaign=world.campaign, **{**kw, "reply_working_days": 0}
        )
    with assert_events([EventType.VETTING_SETTINGS_CHANGED]):
        services.settings_change(actor=convener, campaign=world.campaign, **kw)
    assert "尚未征求纪检监察部门意见" in selectors.blockers_for(world.cases[0])
    with refused("设置没有变化"):
        services.settings_change(actor=convener, campaign=world.campaign, **kw)


def test_every_service_is_keyword_only() -> None:
    for name in services.__all__:
        fn: Callable[..., Any] = getattr(services, name)
        if not pyinspect.isfunction(fn):
            continue
        params = pyinspect.signature(fn).parameters.values()
        assert all(p.kind is p.KEYWORD_ONLY for p in params), name
        assert "actor" in pyinspect.signature(fn).parameters, name


def test_a_check_keeps_its_documents_on_the_record(
    world: World, inspecting: list[Case], unit_operator: User
) -> None:
    result = services.check_record(
        actor=unit_operator,
        case=inspecting[0],
        item="党员档案",
        checked_on=TODAY,
        checked_by="孙组织员",
        finding="clear",
        attachments=[AttachmentFile("档案审核表.pdf", b"%PDF-1.4 scan", "application/pdf")],
    )
    assert result.event_id is not None
    event = Event.objects.get(pk=result.event_id)
    assert [a.name for a in event.attachments.all()] == ["档案审核表.pdf"]
    assert event.accountable_person == "孙组织员"
