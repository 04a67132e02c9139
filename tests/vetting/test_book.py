"""The person's book reads the vetting off the record: 六必查, 部门联审 (one row per
department), 四必 for cadres only, 考察 (team, talks, the evaluation table, the opinion) and
集体研究, in plain Chinese; the accountability chain names the team leader for 考察 and each
department's reviewer for 审查."""

from __future__ import annotations

import io
import re

import pytest
from django.http import FileResponse
from django.urls import reverse

from tests.conftest import login
from tests.factories import vetting as vf
from tests.vetting.conftest import DECIDED, TODAY, World, ready
from tuixuan.core.models import User
from tuixuan.dossier import access as dossier_access
from tuixuan.dossier import books
from tuixuan.dossier.books import Section
from tuixuan.dossier.selectors import events_for_person
from tuixuan.vetting import services
from tuixuan.vetting.models import Case, Team

pytestmark = pytest.mark.django_db


def _book(case: Case) -> books.Book:
    member = case.member
    events = list(events_for_person(member.citizen_id).prefetch_related("persons", "attachments"))
    return books.build_book(member.citizen_id, member, events)


@pytest.fixture
def decided(world: World, team: Team, unit_operator: User, inspector: User) -> Case:
    services.cases_assign(actor=unit_operator, team=team, cases=world.cases[:1])
    vf.notice(unit_operator, team, world.cases[:1], day=DECIDED)
    case = Case.objects.get(pk=world.cases[0].pk)
    ready(world, case, inspector, unit_operator)
    services.candidates_decide(
        actor=unit_operator,
        unit=world.unit,
        decided_on=TODAY,
        attendance_due=9,
        attendance_present=8,
        decision="研究确定初步人选",
        accountable_person="李书记",
        votes={case.pk: 8},
    )
    return Case.objects.get(pk=case.pk)


def test_the_book_shows_every_vetting_section_as_tables(decided: Case) -> None:
    book = _book(decided)
    by = {s.section: s for s in book.sections}
    assert Section.FOUR_MUSTS not in by  # not a leading cadre
    checks = by[Section.SIX_CHECKS].tables[0]
    assert checks[0][:2] == ["核查项目", "核查日期"]
    assert [r[0] for r in checks[1]][:2] == ["党员档案", "职业身份"]
    assert all(r[3] == "无问题" for r in checks[1])
    depts = by[Section.JOINT_REVIEW].tables[0][1]
    assert [r[0] for r in depts] == ["纪检", "公安", "审计", "综治", "信访", "卫生计生"]
    assert all(r[3] == "无不良记录" and r[5] == "周审查" for r in depts)
    facts = dict(by[Section.INSPECTION].tables[0][1])
    assert facts["考察组"] == "第一考察组"
    assert facts["个别谈话"].startswith("15 人")
    assert facts["考察组意见"] == "同意列为初步人选"
    evaluation = by[Section.INSPECTION].tables[1]
    assert evaluation[0][0] == "测评维度" and evaluation[1][0][0] == "政治表现"
    decision = dict(by[Section.DECISION].tables[0][1])
    assert decision["研究结果"] == "同意 8 票，列为初步人选"
    text = " ".join(
        str(v) for s in book.sections for _h, rows in s.tables for row in rows for v in row
    )
    assert not re.search(r"[A-Za-z]{3,}", text), text


def test_a_cadre_has_four_musts_in_the_book(world: World, unit_operator: User) -> None:
    case = world.cases[0]
    case.member.cadre_rank = "division"
    case.member.save(update_fields=["cadre_rank"])
    services.cadre_check_record(
        actor=unit_operator,
        case=case,
        item="干部档案必审",
        done_on=TODAY,
        done_by="孙组织员",
        finding="clear",
    )
    by = {s.section: s for s in _book(Case.objects.get(pk=case.pk)).sections}
    assert by[Section.FOUR_MUSTS].tables[0][1][0][:4] == [
        "干部档案必审",
        TODAY.isoformat(),
        "孙组织员",
        "无问题",
    ]


def test_the_book_files_and_page_hold_the_sections(decided: Case, unit_operator: User) -> None:
    token = dossier_access.person_token(member_id=decided.member_id)
    c = login(unit_operator)
    page = c.get(reverse("dossier:book", args=[token])).content.decode()
    for title in ("党员“六必查”", "部门联审意见", "考察情况", "集体研究决定", "测评维度"):
        assert title in page
    assert "干部“四必”" not in page
    r = c.get(reverse("dossier:book_file", args=[token, "docx"]))
    assert r.status_code == 200
    from docx import Document

    assert isinstance(r, FileResponse)
    doc = Document(io.BytesIO(b"".join(r.streaming_content)))
    cells = " ".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "无不良记录" in cells and "测评维度" in cells


def test_the_chain_names_the_leader_and_each_reviewer(decided: Case, inspector: User) -> None:
    chain = _book(decided).chain
    inspect = {e.accountable_person for e in chain if e.responsibility == "谁考察谁负责"}
    assert inspect == {inspector.display_name or inspector.username}
    review = [e for e in chain if e.step == "联审部门回复意见"]
    assert len(review) == 6 and {e.accountable_person for e in review} == {"周审查"}
    assert not [
        e for e in chain if e.step == "函请联审部门审查" and e.responsibility == "谁审查谁负责"
    ]
