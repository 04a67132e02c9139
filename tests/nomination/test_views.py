"""Pages: access by URL, the entry flow, search, refusals shown, documents that open."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories
from tests.conftest import Tree, login
from tests.nomination.conftest import People, meeting
from tests.render import docx_text, pdf_fonts, pdf_text, xlsx_rows
from tuixuan.core.models import Role, User
from tuixuan.nomination import services
from tuixuan.nomination.models import (
    BranchReport,
    EntryMode,
    FormEntry,
    ListStatus,
    NominationList,
    ReportStatus,
    Round,
)
from tuixuan.record.events import EventType
from tuixuan.record.models import Event

pytestmark = pytest.mark.django_db


def _url(name: str, *args: object) -> str:
    return reverse(f"nomination:{name}", args=args)


def _submit_a1(round_: Round, tree: Tree, people: People, op: User) -> BranchReport:
    meeting(op, round_, tree.branch_a1)
    services.form_add(
        actor=op,
        round=round_,
        organisation=tree.branch_a1,
        candidate_ids=[people.a1[0].pk, people.sanctioned.pk],
    )
    report = BranchReport.objects.get(round=round_, organisation=tree.branch_a1)
    return services.report_submit(actor=op, report=report)


def _submit_a2(round_: Round, tree: Tree, people: People) -> BranchReport:
    op = factories.user(Role.UNIT_OPERATOR, tree.unit_a, username="unit_a_clerk")
    meeting(op, round_, tree.branch_a2)
    services.form_add(
        actor=op, round=round_, organisation=tree.branch_a2, candidate_ids=[people.a2[0].pk]
    )
    report = BranchReport.objects.get(round=round_, organisation=tree.branch_a2)
    return services.report_submit(actor=op, report=report)


def test_it_refuses_another_branchs_page_by_url(
    round_: Round, tree: Tree, branch_operator: User
) -> None:
    client = login(branch_operator)
    assert client.get(_url("branch", round_.pk, tree.branch_a1.pk)).status_code == 200
    assert client.get(_url("branch", round_.pk, tree.branch_a2.pk)).status_code == 404
    assert client.post(_url("branch_meeting", round_.pk, tree.branch_a2.pk), {}).status_code == 404
    assert client.get(_url("level", round_.pk, tree.unit_a.pk)).status_code == 404


def test_it_refuses_unit_b_the_tally_of_unit_a(
    round_: Round, tree: Tree, people: People, branch_operator: User, other_unit_operator: User
) -> None:
    report = _submit_a1(round_, tree, people, branch_operator)
    client = login(other_unit_operator)
    assert client.get(_url("level", round_.pk, tree.unit_a.pk)).status_code == 404
    assert client.get(_url("level_xlsx", round_.pk, tree.unit_a.pk)).status_code == 404
    assert client.get(_url("branch_pdf", round_.pk, tree.branch_a1.pk)).status_code == 404
    assert client.post(_url("report_correct", report.pk), {"reason": "x"}).status_code == 404
    assert client.get(_url("level", round_.pk, tree.unit_b.pk)).status_code == 200


def test_it_refuses_teller(round_: Round, teller: User) -> None:
    assert login(teller).get(_url("index")).status_code == 403


def test_it_enters_forms_and_submits_through_the_pages(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    client = login(branch_operator)
    r = client.post(
        _url("branch_meeting", round_.pk, tree.branch_a1.pk),
        {
            "meeting_date": timezone.localdate().isoformat(),
            "meeting_place": "会议室",
            "presider": "王书记",
            "members_due": 7,
            "members_present": 6,
            "accountable_person": "王书记",
            "mode": "forms",
            "survey_total": 6,
            "survey_satisfied": 5,
            "survey_basic": 1,
            "survey_dissatisfied": 0,
        },
    )
    assert r.status_code == 302
    r = client.post(
        _url("branch_form_add", round_.pk, tree.branch_a1.pk),
        {"candidate": [people.a1[0].pk, people.sanctioned.pk]},
    )
    assert r.status_code == 302
    page = client.get(_url("branch", round_.pk, tree.branch_a1.pk)).content.decode()
    assert "处分影响期" in page and "第 1 张" in page
    too_many = [m.pk for m in (*people.a1, *people.a2, people.probationary)]
    page = client.post(
        _url("branch_form_add", round_.pk, tree.branch_a1.pk), {"candidate": too_many}, follow=True
    ).content.decode()
    assert "最多可填 10 人" in page
    assert FormEntry.objects.count() == 2
    # The refused form comes back with every name picked, to take one off rather than retype.
    values = page[page.index('id="entry-form"') :]
    for pk in too_many:
        assert f'name="candidate" value="{pk}"' in values
    onsite = {f"mode_{m.pk}": "onsite" for m in (*people.a1[:5], people.probationary)}
    client.post(_url("branch_participation", round_.pk, tree.branch_a1.pk), onsite)
    ask = client.post(_url("branch_submit", round_.pk, tree.branch_a1.pk)).content.decode()
    assert "请确认：报送推荐结果" in ask and "报送后不能修改" in ask
    assert BranchReport.objects.get(organisation=tree.branch_a1).status == ReportStatus.DRAFT
    r = client.post(
        _url("branch_submit", round_.pk, tree.branch_a1.pk), {"confirm": "1"}, follow=True
    )
    assert "推荐结果已报送" in r.content.decode()
    again = client.post(
        _url("branch_submit", round_.pk, tree.branch_a1.pk), {"confirm": "1"}, follow=True
    ).content.decode()
    assert "不能重复报送" in again
    level = login(unit_operator).get(_url("level", round_.pk, tree.unit_a.pk)).content.decode()
    assert "受处分乙" in level and "东河村党支部（王书记）" in level and "不能列入" in level
    assert '<svg class="structure-chart"' in level or "未设置结构比例" in level


def test_it_searches_candidates_by_initials_in_the_unit_only(
    round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    m = people.a2[0]
    m.name_initials = "yl"
    m.save()
    other = people.b1[0]
    other.name_initials = "yl"
    other.save()
    client = login(branch_operator)
    html = client.get(
        _url("search", round_.pk, tree.branch_a1.pk), {"q": "yl"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert m.name in html and other.name not in html
    html = client.get(
        _url("search", round_.pk, tree.branch_a1.pk), {"q": "受处分"}
    ).content.decode()
    assert "处分影响期" in html


def test_it_imports_the_template_and_reports_bad_rows(
    round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    meeting(branch_operator, round_, tree.branch_a1)
    client = login(branch_operator)
    data = client.get(_url("branch_template", round_.pk, tree.branch_a1.pk)).content
    wb = load_workbook(io.BytesIO(data))
    ws = wb["推荐表"]
    ws.append([1, "正式", people.a1[0].name, people.a1[0].citizen_id])
    ws.append([1, "正式", people.a1[1].name, people.a1[1].citizen_id])
    ws.append([2, "预备", people.a1[0].name, people.a1[0].citizen_id])
    ok = io.BytesIO()
    wb.save(ok)
    ws.append([3, "正式", "无名氏", "110101199001011234"])
    ws.append([4, "其他", people.a1[0].name, people.a1[0].citizen_id])
    bad = io.BytesIO()
    wb.save(bad)
    before = Event.objects.count()
    bad_file = io.BytesIO(bad.getvalue())
    bad_file.name = "bad.xlsx"
    page = client.post(
        _url("branch_import", round_.pk, tree.branch_a1.pk), {"file": bad_file}, follow=True
    ).content.decode()
    assert "第 7 行“公民身份号码”列：党员名册中没有" in page
    assert "第 8 行“填表人（正式/预备）”列" in page
    assert Event.objects.count() == before and FormEntry.objects.count() == 0
    ok_file = io.BytesIO(ok.getvalue())
    ok_file.name = "ok.xlsx"
    client.post(_url("branch_import", round_.pk, tree.branch_a1.pk), {"file": ok_file})
    assert FormEntry.objects.count() == 3
    assert Event.objects.latest("id").event_type == EventType.NOMINATION_IMPORTED


def test_it_imports_totals(
    round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    meeting(branch_operator, round_, tree.branch_a1, mode=EntryMode.TOTALS)
    buf = io.BytesIO()
    from tuixuan.nomination import importing

    importing.template(buf, branch="x", names_per_form=10)
    wb = load_workbook(io.BytesIO(buf.getvalue()))
    wb["汇总票数"].append([people.a1[0].name, people.a1[0].citizen_id, 4, 1])
    out = io.BytesIO()
    wb.save(out)
    n = services.report_import(
        actor=branch_operator,
        round=round_,
        organisation=tree.branch_a1,
        filename="t.xlsx",
        content=out.getvalue(),
    )
    assert n == 1
    report = BranchReport.objects.get(round=round_, organisation=tree.branch_a1)
    assert list(report.counts.values_list("votes", "probationary_votes")) == [(4, 1)]


def test_it_decides_hands_down_and_takes_the_second_up_through_the_pages(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    _submit_a1(round_, tree, people, branch_operator)
    _submit_a2(round_, tree, people)
    unit = login(unit_operator)
    r = unit.post(
        _url("level_decide", round_.pk, tree.unit_a.pk, "shortlist"),
        {
            "candidate": [people.a1[0].pk],
            "decided_on": timezone.localdate().isoformat(),
            "attendance_due": 9,
            "attendance_present": 7,
            "decision": "集体研究确定",
            "accountable_person": "李书记",
            "confirm": "1",
        },
    )
    assert r.status_code == 302
    list_url = r["Location"]
    pk = int(list_url.rstrip("/").split("/")[-1])
    ask = unit.post(_url("list_hand_down", pk)).content.decode()
    assert "将向 2 个党支部下发考察对象名单（1 人）征求意见，下发后不能修改" in ask
    assert NominationList.objects.get(pk=pk).status == ListStatus.DECIDED
    unit.post(_url("list_hand_down", pk), {"confirm": "1"})
    branch = login(branch_operator)
    assert "填报本支部二上意见" in branch.get(list_url).content.decode()
    r = branch.post(
        _url("feedback", pk, tree.branch_a1.pk),
        {
            "meeting_date": timezone.localdate().isoformat(),
            "members_due": 7,
            "members_present": 6,
            "accountable_person": "王书记",
            f"agree_{people.a1[0].pk}": 5,
            f"disagree_{people.a1[0].pk}": 1,
            f"abstain_{people.a1[0].pk}": 0,
            "writein": [people.a1[2].pk],
            "writein_votes": [1],
        },
    )
    assert r.status_code == 302
    page = unit.get(list_url).content.decode()
    assert people.a1[2].name in page


def test_documents_open(
    round_: Round,
    tree: Tree,
    people: People,
    branch_operator: User,
    unit_operator: User,
    tmp_path: Path,
) -> None:
    _submit_a1(round_, tree, people, branch_operator)
    client = login(unit_operator)
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(client.get(_url("branch_pdf", round_.pk, tree.branch_a1.pk)).content)
    text = pdf_text(pdf).replace(" ", "")
    assert "推荐表" in text and "计票单" in text and people.a1[0].name in text
    assert all("yes yes yes" in line for line in pdf_fonts(pdf))
    xlsx = tmp_path / "rollup.xlsx"
    xlsx.write_bytes(client.get(_url("level_xlsx", round_.pk, tree.unit_a.pk)).content)
    rows = xlsx_rows(xlsx, "推荐汇总")
    assert any(people.sanctioned.name in [str(c) for c in row] for row in rows)
    docx = tmp_path / "report.docx"
    docx.write_bytes(client.get(_url("unit_docx", round_.pk, tree.unit_a.pk)).content)
    text = docx_text(docx)
    assert "推荐情况的报告" in text and "目前还在处分影响期内" in text


def test_it_shows_a_late_submission_refused_to_the_branch(
    round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    from tests.nomination.conftest import set_deadline

    set_deadline(round_.campaign, dt.date(2020, 1, 1))
    meeting(branch_operator, round_, tree.branch_a1)
    services.form_add(
        actor=branch_operator,
        round=round_,
        organisation=tree.branch_a1,
        candidate_ids=[people.a1[0].pk],
    )
    page = (
        login(branch_operator)
        .post(_url("branch_submit", round_.pk, tree.branch_a1.pk), {"confirm": "1"}, follow=True)
        .content.decode()
    )
    assert "已超过一上截止日期" in page
    assert BranchReport.objects.get(organisation=tree.branch_a1).status == ReportStatus.DRAFT


def test_it_lets_a_convener_open_the_round(seated: object, convener: User) -> None:
    client = login(convener)
    assert "开始一上推荐" in client.get(_url("index")).content.decode()
    r = client.post(_url("open", seated.pk))  # type: ignore[attr-defined]
    assert r.status_code == 302 and Round.objects.count() == 1
    assert factories is not None and Role is not None
