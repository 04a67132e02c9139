"""The sheets vetting hands out and takes back, and what the registry's imports set off."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.http import Http404

from tests import factories
from tests.conftest import Tree
from tests.record import assert_events
from tests.registry.helpers import HEADER, person, write_csv
from tests.vetting.conftest import TODAY, World
from tests.vetting.test_services import refused
from tuixuan.core.errors import DomainError, PermissionDeniedError
from tuixuan.core.models import Role, User
from tuixuan.record.events import EventType
from tuixuan.registry import services as registry_services
from tuixuan.registry.models import CadreRank, ImportJob, Member
from tuixuan.vetting import access, domain, selectors, services, sheets
from tuixuan.vetting.models import Case, DepartmentReply, Evaluation, Veto


def _fill(data: bytes, path: Path, rows: dict[str, list[Any]], start_col: int) -> Path:
    """Open a handed-out sheet, fill the answer columns of the rows named by citizen ID."""
    path.write_bytes(data)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    header_row = next(r for r in range(1, 6) if ws.cell(row=r, column=1).value == "公民身份号码")
    for r in range(header_row + 1, ws.max_row + 1):
        cid = ws.cell(row=r, column=1).value
        for j, value in enumerate(rows.get(str(cid), [])):
            ws.cell(row=r, column=start_col + j, value=value)
    wb.save(path)
    return path


def _persons(user: User, request: Any) -> list[sheets.PersonRow]:
    return [
        sheets.PersonRow(q.name, q.citizen_id, q.organisation, q.post)
        for q in access.department_queue(user, request)
    ]


def test_reply_sheet_round_trip(
    world: World, unit_operator: User, tmp_path: Path, tree: Tree
) -> None:
    cases = world.cases[:3]
    request = services.department_request_send(
        actor=unit_operator, unit=world.unit, department="纪检", cases=cases, sent_on=TODAY
    )
    data = sheets.reply_sheet(title="纪检部门联审", persons=_persons(unit_operator, request))
    ids = [c.member.citizen_id for c in cases]
    path = _fill(
        data,
        tmp_path / "reply.xlsx",
        {
            ids[0]: ["无不良记录", None, "周审查", TODAY],
            ids[1]: ["有问题", "曾受诫勉谈话", "周审查", "2026-12-02"],
            ids[2]: ["需进一步核查", "有匿名信访件", "周审查", TODAY],
        },
        start_col=5,
    )
    with assert_events([EventType.VETTING_DEPARTMENT_REPLIES_IMPORTED]) as events:
        services.department_replies_import(
            actor=unit_operator, request=request, path=path, file_name="reply.xlsx"
        )
    got = dict(
        DepartmentReply.objects.filter(request=request).values_list("case__member__name", "outcome")
    )
    assert got == {"甲0": "clear", "甲1": "problem", "甲2": "further"}
    assert sorted(events[0].persons.values_list("citizen_id", flat=True)) == sorted(ids)
    assert events[0].accountable_person == "周审查"


def test_a_reply_sheet_with_bad_rows_writes_nothing(
    world: World, unit_operator: User, tmp_path: Path
) -> None:
    cases = world.cases[:2]
    request = services.department_request_send(
        actor=unit_operator, unit=world.unit, department="公安", cases=cases, sent_on=TODAY
    )
    data = sheets.reply_sheet(title="公安", persons=_persons(unit_operator, request))
    ids = [c.member.citizen_id for c in cases]
    path = _fill(
        data,
        tmp_path / "bad.xlsx",
        {
            ids[0]: ["无不良记录", None, "吴警官", TODAY],
            ids[1]: ["还行", None, "吴警官", TODAY + dt.timedelta(days=3)],
        },
        start_col=5,
    )
    # A row of somebody not sent to the department.
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws.append([world.cases[3].member.citizen_id, "乙0", "", "", "有问题", "", "吴警官", TODAY])
    wb.save(path)
    with assert_events([]), pytest.raises(DomainError) as info:
        services.department_replies_import(
            actor=unit_operator, request=request, path=path, file_name="bad.xlsx"
        )
    text = info.value.message
    assert "第 4 行【审查意见】：“还行”不是审查意见" in text
    # The service checks (a date ahead of today) run only on rows whose cells all parse.
    assert "第 4 行：回复日期晚于今天" not in text
    assert "第 5 行【具体情况】：意见为“有问题”时须写明具体情况" in text
    assert [m for _, m in info.value.errors if "第 3 行" in m] == []  # the good row
    assert DepartmentReply.objects.filter(request=request).exclude(outcome="").count() == 0


def test_a_reviewer_sees_only_the_persons_and_own_answers(
    world: World, unit_operator: User, tree: Tree, department_reviewer: User
) -> None:
    jj = services.department_request_send(
        actor=unit_operator,
        unit=world.unit,
        department="纪检",
        cases=world.cases[:2],
        sent_on=TODAY,
    )
    ga = services.department_request_send(
        actor=unit_operator,
        unit=world.unit,
        department="公安",
        cases=world.cases[:2],
        sent_on=TODAY,
    )
    services.department_reply(
        actor=unit_operator,
        request=ga,
        case=world.cases[0],
        outcome="problem",
        detail="有违法记录",
        replied_on=TODAY,
    )
    reviewer = factories.user(
        Role.DEPARTMENT_REVIEWER, tree.city, username="jjr", department="纪检"
    )
    assert list(access.requests_in_scope(reviewer)) == [jj]
    queue = access.department_queue(reviewer, jj)
    assert [(q.name, q.organisation, q.outcome) for q in queue] == [
        ("甲0", "东河村党支部", ""),
        ("甲1", "东河村党支部", ""),
    ]
    with pytest.raises(Http404):
        access.department_queue(reviewer, ga)
    # 纪检监察 (the persona's department) was not asked at all.
    assert list(access.requests_in_scope(department_reviewer)) == []


def test_evaluation_sheet_round_trip_and_refusal(
    world: World, inspecting: list[Case], inspector: User, tmp_path: Path
) -> None:
    team = inspecting[0].team
    assert team is not None
    dims = list(domain.EVALUATION_DIMENSIONS)
    persons = [sheets.PersonRow(c.member.name, c.member.citizen_id, "", "") for c in inspecting[:2]]
    data = sheets.evaluation_sheet(title="民主测评", persons=persons, dimensions=dims)
    good = [TODAY, 40, 38] + [36, 2, 0, 0] * len(dims)
    bad = [TODAY, 40, 38] + [36, 1, 0, 0] * len(dims)
    ids = [c.member.citizen_id for c in inspecting[:2]]
    path = _fill(data, tmp_path / "e.xlsx", {ids[0]: good, ids[1]: bad}, start_col=3)
    with refused("第 4 行：“政治表现”各等次合计 37 票，与实参加测评 38 人不符"):
        services.evaluation_import(actor=inspector, team=team, path=path, file_name="e.xlsx")
    path = _fill(data, tmp_path / "e2.xlsx", {ids[0]: good, ids[1]: good}, start_col=3)
    with assert_events([EventType.VETTING_EVALUATION_IMPORTED]):
        services.evaluation_import(actor=inspector, team=team, path=path, file_name="e2.xlsx")
    assert Evaluation.objects.filter(case__in=inspecting[:2], participants=38).count() == 2


def test_a_sanction_imported_after_nomination_vetoes_the_open_case(
    world: World, tmp_path: Path
) -> None:
    target = world.cases[1]
    path = tmp_path / "sanctions.csv"
    path.write_text(
        "姓名,公民身份号码,处分种类,处分决定日期,影响期至\n"
        f"{target.member.name},{target.member.citizen_id},党内警告,2026-06-01,2027-06-01\n",
        encoding="utf-8",
    )
    with assert_events([EventType.OUTSIDE_LIST_IMPORTED, EventType.VETTING_VETO_APPLIED]) as events:
        result = registry_services.import_file(
            kind=ImportJob.Kind.SANCTIONS, path=path, file_name="sanctions.csv", actor=None
        )
    assert result.ok
    veto = Veto.objects.get(case=target)
    assert (veto.reason, veto.source) == ("目前还在处分影响期内", "registry")
    assert "sanctions.csv" in veto.source_label
    assert events[1].inputs["finding"].startswith("目前还在处分影响期内（党内警告")
    # The same list again finds nothing new and writes no vetting event.
    with assert_events([EventType.OUTSIDE_LIST_IMPORTED]):
        registry_services.import_file(
            kind=ImportJob.Kind.SANCTIONS, path=path, file_name="sanctions.csv", actor=None
        )


def test_members_import_reads_cadre_rank_and_post(tree: Tree, tmp_path: Path) -> None:
    header = [*HEADER, "干部级别", "现任职务"]
    rows = [
        person(name="干部甲", org="A1", 干部级别="科级", 现任职务="东河镇党委副书记"),
        person(name="群众乙", org="A1"),
        person(name="错级丙", org="A1", 干部级别="军级"),
    ]
    path = write_csv(tmp_path / "m.csv", rows, header=header)
    result = registry_services.import_file(
        kind=ImportJob.Kind.MEMBERS, path=path, file_name="m.csv", actor=None
    )
    assert not result.ok
    assert [(e.column, e.reason) for e in result.errors] == [("干部级别", "未知的干部级别“军级”")]
    path = write_csv(tmp_path / "m2.csv", rows[:2], header=header)
    result = registry_services.import_file(
        kind=ImportJob.Kind.MEMBERS, path=path, file_name="m2.csv", actor=None
    )
    assert result.ok, result.errors
    assert dict(Member.objects.values_list("name", "cadre_rank")) == {
        "干部甲": CadreRank.SECTION,
        "群众乙": "",
    }
    assert Member.objects.get(name="干部甲").current_post == "东河镇党委副书记"


def test_cadre_rank_is_edited_by_a_recorded_service(
    world: World, unit_operator: User, other_unit_operator: User
) -> None:
    member = world.members[0]
    before = Member.objects.values_list("cadre_rank", "current_post").get(pk=member.pk)
    with pytest.raises(PermissionDeniedError), assert_events([]):
        registry_services.member_cadre_set(
            actor=other_unit_operator, member=member, cadre_rank="section", current_post="村书记"
        )
    with pytest.raises(DomainError, match="领导干部须填写现任职务"), assert_events([]):
        registry_services.member_cadre_set(
            actor=unit_operator, member=member, cadre_rank="section", current_post=""
        )
    assert Member.objects.values_list("cadre_rank", "current_post").get(pk=member.pk) == before
    with assert_events([EventType.MEMBER_CHANGED]) as events:
        registry_services.member_cadre_set(
            actor=unit_operator, member=member, cadre_rank="section", current_post="村书记"
        )
    assert events[0].inputs["new"] == {"cadre_rank": "section", "current_post": "村书记"}
    assert "四必“干部档案必审”尚未完成" in selectors.blockers_for(world.cases[0])


def test_rights_suspended_by_a_member_import_flag_the_case_until_restored(
    world: World, tmp_path: Path
) -> None:
    member = world.members[0]
    header = [*HEADER, "表决权状态"]

    def load(status: str, name: str) -> None:
        row = person(name=member.name, org="A1", 公民身份号码=member.citizen_id, 表决权状态=status)
        path = write_csv(tmp_path / name, [row], header=header)
        result = registry_services.import_file(
            kind=ImportJob.Kind.MEMBERS, path=path, file_name=name, actor=None
        )
        assert result.ok, result.errors

    with assert_events(
        [
            EventType.MEMBERS_IMPORTED,
            EventType.MEMBER_CHANGED,
            EventType.VETTING_ELIGIBILITY_FLAGGED,
        ]
    ):
        load("留置", "m1.csv")
    case = Case.objects.get(pk=world.cases[0].pk)
    assert case.flag == "被留置，表决权暂停"
    assert "资格复核：被留置，表决权暂停" in selectors.blockers_for(case)
    with assert_events(
        [
            EventType.MEMBERS_IMPORTED,
            EventType.MEMBER_CHANGED,
            EventType.VETTING_ELIGIBILITY_FLAGGED,
        ]
    ) as events:
        load("正常", "m2.csv")
    assert events[2].inputs["flag"] == ""
    assert Case.objects.get(pk=case.pk).flag == ""
