from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from tests.conftest import Tree, login
from tests.dossier.test_books import demo_path, file_body
from tests.render import pdf_text
from tuixuan.core.models import Role, User
from tuixuan.dossier.access import person_token
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.registry.models import Member


@pytest.fixture
def demo(
    tree: Tree, unit_operator: User, convener: User, monkeypatch: pytest.MonkeyPatch
) -> Member:
    return demo_path(tree, unit_operator, convener, monkeypatch)


def book_url(member: Member, suffix: str = "") -> str:
    return reverse("dossier:book", args=[person_token(member_id=member.pk)]) + suffix


def test_supervisor_sees_the_whole_book(demo: Member, supervisor: User) -> None:
    response = login(supervisor).get(book_url(demo))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("张建国", "推荐情况（历次推荐及得票）", "（本环节暂无记录）", "校验值"):
        assert text in page


def test_unit_operator_sees_a_book_of_its_unit(demo: Member, unit_operator: User) -> None:
    assert login(unit_operator).get(book_url(demo)).status_code == 200


def test_branch_operator_sees_a_book_of_its_branch(demo: Member, branch_operator: User) -> None:
    response = login(branch_operator).get(book_url(demo))
    assert response.status_code == 200
    assert "导入党员" in response.content.decode()  # whole book: its own member


def test_another_units_book_is_refused_by_url(demo: Member, other_unit_operator: User) -> None:
    client = login(other_unit_operator)
    assert client.get(book_url(demo)).status_code == 404
    assert client.get(book_url(demo, "book.pdf")).status_code == 404
    token = person_token(member_id=demo.pk)
    assert client.get(reverse("dossier:person_accountability", args=[token])).status_code == 404


@pytest.mark.parametrize("persona", ["inspector", "teller"])
def test_other_roles_are_refused(
    demo: Member, persona: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(persona)
    client = login(user)
    assert client.get(reverse("dossier:index")).status_code == 403
    assert client.get(book_url(demo)).status_code == 403


def test_anonymous_is_sent_to_login(demo: Member) -> None:
    from django.test import Client

    response = Client().get(book_url(demo))
    assert response.status_code == 302


def test_reviewer_sees_only_the_steps_its_department_took(
    tree: Tree, demo: Member, department_reviewer: User
) -> None:
    from django.db import transaction

    from tuixuan.record.services import record

    client = login(department_reviewer)
    assert client.get(book_url(demo)).status_code == 404
    with transaction.atomic():
        record(
            event_type=EventType.MEMBER_CHANGED,
            actor=department_reviewer,
            summary="纪检监察意见：同意",
            subject_type="member",
            subject_id=demo.pk,
            person_citizen_ids=[demo.citizen_id],
        )
    page = client.get(book_url(demo)).content.decode()
    assert "纪检监察意见：同意" in page
    assert "东河村党支部推荐张建国为代表人选" not in page


def test_the_index_lists_only_visible_persons(
    tree: Tree, demo: Member, unit_operator: User, other_unit_operator: User
) -> None:
    assert "张建国" in login(unit_operator).get(reverse("dossier:index")).content.decode()
    other = login(other_unit_operator).get(reverse("dossier:index")).content.decode()
    assert "张建国" not in other
    found = login(unit_operator).get(reverse("dossier:index"), {"q": "张建"}).content.decode()
    assert "张建国" in found and "李红梅" not in found


def test_pdf_download_is_recorded(demo: Member, supervisor: User) -> None:
    response = login(supervisor).get(book_url(demo, "book.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        "张建国-" in response["Content-Disposition"]
        or "filename*" in response["Content-Disposition"]
    )
    event = Event.objects.filter(event_type=EventType.BOOK_EXPORTED).get()
    assert event.inputs["citizen_ids"] == [demo.citizen_id]
    assert event.actor == supervisor
    assert not event.persons.exists()  # the book itself is unchanged by the export


def test_word_download(demo: Member, supervisor: User) -> None:
    response = login(supervisor).get(book_url(demo, "book.docx"))
    assert response.status_code == 200
    assert file_body(response)[:2] == b"PK"


def test_verification_runs_on_demand_for_supervisors(
    demo: Member, supervisor: User, unit_operator: User
) -> None:
    response = login(supervisor).post(reverse("dossier:verify"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "全程纪实校验通过" in response.content.decode()
    assert login(unit_operator).post(reverse("dossier:verify")).status_code == 403


def test_verification_needs_post_with_csrf(demo: Member, supervisor: User) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(supervisor)
    assert client.post(reverse("dossier:verify")).status_code == 403
    assert client.get(reverse("dossier:verify")).status_code == 405


def test_organisation_account_lists_what_it_answers_for(
    tree: Tree, demo: Member, unit_operator: User, other_unit_operator: User
) -> None:
    url = reverse("dossier:org_accountability", args=[tree.unit_a.pk])
    page = login(unit_operator).get(url).content.decode()
    assert "谁考察谁负责" in page and "谁审查谁负责" in page
    assert book_url(demo) in page
    assert login(other_unit_operator).get(url).status_code == 404


def test_person_accountability_chain(demo: Member, unit_operator: User) -> None:
    url = reverse("dossier:person_accountability", args=[person_token(member_id=demo.pk)])
    page = login(unit_operator).get(url).content.decode()
    assert "谁推荐谁负责" in page and "王书记" in page and "考察组组长 周明" in page


def test_unit_form_page_and_files(tree: Tree, demo: Member, unit_operator: User) -> None:
    client = login(unit_operator)
    assert (
        "全程纪实登记表"
        in client.get(reverse("dossier:unit_form", args=[tree.unit_a.pk])).content.decode()
    )
    response = client.get(reverse("dossier:unit_form_file", args=[tree.unit_a.pk, "pdf"]))
    assert response.status_code == 200
    assert Event.objects.filter(event_type=EventType.UNIT_FORM_EXPORTED).count() == 1
    other = factories.user(Role.UNIT_OPERATOR, tree.unit_b)
    assert login(other).get(reverse("dossier:unit_form", args=[tree.unit_a.pk])).status_code == 404


def test_member_link_opens_the_book(demo: Member, supervisor: User) -> None:
    response = login(supervisor).get(reverse("dossier:member_book", args=[demo.pk]))
    assert response.status_code == 302 and response["Location"] == book_url(demo)


def test_book_pdf_holds_the_name(demo: Member, supervisor: User, tmp_path: object) -> None:
    from pathlib import Path

    response = login(supervisor).get(book_url(demo, "book.pdf"))
    path = Path(str(tmp_path)) / "b.pdf"
    path.write_bytes(file_body(response))
    assert "张建国" in pdf_text(path)


def test_the_index_masks_citizen_ids_and_the_book_shows_them_whole(
    demo: Member, unit_operator: User
) -> None:
    from tuixuan.core.citizen_id import masked

    full = demo.citizen_id
    assert masked(full) == full[:6] + "********" + full[-4:]
    page = login(unit_operator).get(reverse("dossier:index")).content.decode()
    assert f"<td>{masked(full)}</td>" in page
    assert f"<td>{full}</td>" not in page
    book = login(unit_operator).get(book_url(demo)).content.decode()
    assert f"<dd>{full}</dd>" in book
