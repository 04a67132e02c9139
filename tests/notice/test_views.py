"""The notice pages: who reads an objection's content, refusals shown beside the form with
what was typed, and the documents (the notice, 登记表, 名册, report) as a reader sees them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from tests import factories
from tests.conftest import login
from tests.notice.conftest import PUBLISHED, TODAY, World
from tests.record import assert_events
from tests.render import docx_text, pdf_page_count, pdf_text, xlsx_rows
from tuixuan.core.models import Role, User
from tuixuan.notice import access, services
from tuixuan.notice.models import CandidateList, Notice, Objection
from tuixuan.record.services import AttachmentFile


@pytest.fixture
def objection(world: World, published: Notice, unit_operator: User, supervisor: User) -> Objection:
    entry = published.entries.get(member=world.member("李四"))
    o = services.objection_record(
        actor=unit_operator,
        notice=published,
        entry=entry,
        received_on=PUBLISHED,
        channel="letter",
        anonymous=False,
        complainant="知情群众",
        content="反映李四违规操办婚宴",
        attachments=[AttachmentFile("婚宴照片.jpg", b"photo", "image/jpeg")],
    )
    return o


def _get(user: User, url: str) -> tuple[int, str]:
    response = login(user).get(url)
    return response.status_code, response.content.decode() if response.status_code == 200 else ""


def test_objection_content_is_read_by_the_convener_the_handler_and_supervisors_only(
    world: World,
    objection: Objection,
    unit_operator: User,
    convener: User,
    supervisor: User,
    department_reviewer: User,
    branch_operator: User,
    tree: object,
) -> None:
    handler = factories.user(Role.DEPARTMENT_REVIEWER, world.unit.organisation, department="纪检")
    services.objection_assign(
        actor=unit_operator, objection=objection, handler=handler, assigned_on=TODAY
    )
    objection.refresh_from_db()
    url = f"/notice/objection/{objection.pk}/"
    for user, sees in (
        (convener, True),
        (supervisor, True),
        (handler, True),
        (unit_operator, False),
    ):
        status, body = _get(user, url)
        assert status == 200, user.username
        assert ("违规操办婚宴" in body) is sees, user.username
        assert ("知情群众" in body) is sees, user.username
        assert access.can_read_objection_content(user, objection) is sees
    # Another department's reviewer: the objection does not exist for it.
    assert _get(department_reviewer, url)[0] == 404
    assert _get(branch_operator, url)[0] == 403
    attachment = f"/notice/objection/{objection.pk}/attachment/0/"
    assert login(convener).get(attachment).status_code == 200
    assert login(unit_operator).get(attachment).status_code == 404
    # The notice page lists it for the unit, without what it says.
    status, body = _get(unit_operator, f"/notice/notice/{objection.notice_id}/")
    assert status == 200 and "李四" in body and "婚宴" not in body


def test_a_refusal_keeps_what_was_typed(world: World, unit_operator: User, convener: User) -> None:
    client = login(unit_operator)
    response = client.post(
        f"/notice/unit/{world.unit.pk}/prepare/",
        {
            "kind": "preliminary",
            "scope": "unit",
            "channels": ["公示栏"],
            "working_days": "4",
            "contact_phone": "0735-9998888",
            "contact_address": "党委办公室",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "公示期 4 个工作日，少于规定的 5 个工作日" in body
    assert 'value="0735-9998888"' in body
    assert not Notice.objects.exists()


def test_a_list_short_of_the_margin_is_refused_on_the_page(
    world: World, closed: Notice, unit_operator: User
) -> None:
    client = login(unit_operator)
    data = {
        "decided_on": TODAY.isoformat(),
        "attendance_due": "9",
        "attendance_present": "8",
        "decision": "研究确定的文字",
        "accountable_person": "李书记",
        "confirm": "1",
        **{f"v_{world.member(n).pk}": "8" for n in ("王芳", "丁一", "张三")},
    }
    with assert_events([]):
        response = client.post(f"/notice/unit/{world.unit.pk}/decide/record/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "差额：候选人 3 名，少于应有的 4 名" in body
    assert "研究确定的文字" in body
    assert not CandidateList.objects.exists()
    page = client.get(f"/notice/unit/{world.unit.pk}/decide/").content.decode()
    assert 'id="next-step"' in page


def _approved(world: World, unit_operator: User, convener: User) -> CandidateList:
    cl = services.list_decide(
        actor=unit_operator,
        unit=world.unit,
        decided_on=TODAY,
        attendance_due=9,
        attendance_present=8,
        decision="同意",
        accountable_person="李书记",
        votes={world.member(n).pk: 8 for n in ("王芳", "丁一", "张三", "赵六")},
    )
    return services.list_submit(
        actor=unit_operator,
        candidate_list=cl,
        submitted_on=TODAY,
        method="经党员推荐、考察、公示，集体研究确定",
        principles="坚持差额，符合结构比例",
    )


def _save(tmp_path: Path, client: Client, url: str, name: str) -> Path:
    response = client.get(url)
    assert response.status_code == 200, url
    path = tmp_path / name
    path.write_bytes(response.content)
    return path


def test_the_documents_render(
    world: World, closed: Notice, unit_operator: User, convener: User, tmp_path: Path
) -> None:
    client = login(unit_operator)
    text = pdf_text(_save(tmp_path, client, f"/notice/notice/{closed.pk}/file.pdf", "n.pdf"))
    assert "2026年11月18日止" in text and "丁一" in text
    assert text.index("丁一") < text.index("赵六")  # stroke order
    assert "0735-2223333" in text
    assert "2026年11月18日止" in docx_text(
        _save(tmp_path, client, f"/notice/notice/{closed.pk}/file.docx", "n.docx")
    )
    cl = _approved(world, unit_operator, convener)
    forms = _save(tmp_path, client, f"/notice/list/{cl.pk}/forms.pdf", "f.pdf")
    assert pdf_page_count(forms) == 2 * 4
    forms_text = pdf_text(forms)
    assert "代表候选人预备人选登记表" in forms_text
    assert "公示期间未收到反映问题" in forms_text
    one = _save(
        tmp_path,
        client,
        f"/notice/list/{cl.pk}/person/{world.member('王芳').pk}/form.pdf",
        "one.pdf",
    )
    assert pdf_page_count(one) == 2 and "王芳" in pdf_text(one)
    assert "王芳" in docx_text(
        _save(tmp_path, client, f"/notice/list/{cl.pk}/forms.docx", "f.docx")
    )
    rows = xlsx_rows(_save(tmp_path, client, f"/notice/list/{cl.pk}/roster.xlsx", "r.xlsx"))
    names = [r[1] for r in rows if r and isinstance(r[0], int)]
    assert names == ["丁一", "王芳", "张三", "赵六"]
    assert "丁一" in docx_text(
        _save(tmp_path, client, f"/notice/list/{cl.pk}/roster.docx", "r.docx")
    )
    report = docx_text(_save(tmp_path, client, f"/notice/list/{cl.pk}/report.docx", "p.docx"))
    assert "坚持差额，符合结构比例" in report
    assert "妇女不低于 25.0%" in report
    assert "符合差额要求" in report


def test_the_pages_show_their_next_step(
    world: World, published: Notice, unit_operator: User, convener: User, supervisor: User
) -> None:
    for user in (unit_operator, convener, supervisor):
        for url in (
            "/notice/",
            f"/notice/unit/{world.unit.pk}/",
            f"/notice/notice/{published.pk}/",
            f"/notice/unit/{world.unit.pk}/decide/",
        ):
            response = login(user).get(url)
            assert response.status_code == 200, (user.username, url)
    body = login(unit_operator).get(f"/notice/notice/{published.pk}/").content.decode()
    assert "2026-11-18" in body and 'id="next-step"' in body
    assert (
        login(factories.user(Role.TELLER, world.unit.organisation))
        .get(f"/notice/notice/{published.pk}/")
        .status_code
        == 403
    )
    assert dt.date(2026, 11, 18) == Notice.objects.get(pk=published.pk).ends_on
