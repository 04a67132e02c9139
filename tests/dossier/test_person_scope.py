"""Person books: opened under opaque ids, refused like missing ones, cut down to the scope."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories
from tests.conftest import Tree, login
from tests.dossier.test_books import demo_path, file_body, step
from tests.render import pdf_text, xlsx_rows
from tuixuan.core.models import Role, User
from tuixuan.dossier import access, exports
from tuixuan.record.models import Event
from tuixuan.registry.models import Member

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture
def demo(
    tree: Tree, unit_operator: User, convener: User, monkeypatch: pytest.MonkeyPatch
) -> Member:
    return demo_path(tree, unit_operator, convener, monkeypatch)


@pytest.fixture
def noted_elsewhere(demo: Member, tree: Tree, other_unit_operator: User) -> Event:
    """A step of unit B about 张建国: unit B may read that step of his book, nothing else."""
    return step(
        "vetting.inspection_recorded",
        "市直机关工委征求意见：无异议",
        actor=other_unit_operator,
        persons=[demo.citizen_id],
        accountable=tree.unit_b,
    )


def _book_url(member: Member, suffix: str = "") -> str:
    return reverse("dossier:book", args=[access.person_token(member_id=member.pk)]) + suffix


def test_the_member_link_is_checked_before_it_redirects(
    demo: Member, tree: Tree, other_unit_operator: User, department_reviewer: User
) -> None:
    """It used to send anyone to /record/person/<citizen ID>/, so walking the ids collected
    every member's citizen ID."""
    stranger = factories.member(tree.branch_b1, "外单位人")
    for user in (other_unit_operator, department_reviewer):
        client = login(user)
        for pk in (demo.pk, stranger.pk if user == department_reviewer else demo.pk):
            response = client.get(reverse("dossier:member_book", args=[pk]))
            assert response.status_code == 404, (user, pk)
            assert demo.citizen_id not in response.get("Location", "")
        missing = client.get(reverse("dossier:member_book", args=[999_999]))
        assert missing.status_code == 404
    ok = login(other_unit_operator).get(reverse("dossier:member_book", args=[stranger.pk]))
    assert ok.status_code == 302 and stranger.citizen_id not in ok["Location"]


def test_no_citizen_id_travels_in_a_link(
    demo: Member, tree: Tree, supervisor: User, unit_operator: User
) -> None:
    client = login(supervisor)
    pages = [
        reverse("dossier:index"),
        _book_url(demo),
        reverse("dossier:person_accountability", args=[access.person_token(member_id=demo.pk)]),
        reverse("dossier:org_accountability", args=[tree.unit_a.pk]) + "?subtree=1",
        reverse("registry:member", args=[demo.pk]),
    ]
    ids = list(Member.objects.values_list("citizen_id", flat=True))
    followed = 0
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        for chain_url, _status in response.redirect_chain:
            assert not any(cid in chain_url for cid in ids), chain_url
        links = HREF.findall(response.content.decode())
        for link in links:
            assert not any(cid in link for cid in ids), (url, link)
        book_links = [link for link in links if link.startswith("/record/person/")]
        for link in book_links:
            assert client.get(link.replace("&amp;", "&")).status_code == 200, link
            followed += 1
    assert followed >= 4  # the index, the book and the accounts link to books that open


def test_a_citizen_id_or_a_forged_token_is_not_an_address(demo: Member, supervisor: User) -> None:
    client = login(supervisor)
    token = access.person_token(member_id=demo.pk)
    forged = access.person_token(member_id=demo.pk + 1)[:-2] + "xx"
    for value in (demo.citizen_id, forged, f"m{demo.pk}", token + "0"):
        assert client.get(reverse("dossier:book", args=[value])).status_code == 404, value
    assert client.get(reverse("dossier:book", args=[token])).status_code == 200


def test_out_of_scope_and_missing_books_answer_alike(
    demo: Member, tree: Tree, other_unit_operator: User
) -> None:
    gone = factories.member(tree.branch_a1, "将删除")
    gone_token = access.person_token(member_id=gone.pk)
    gone.delete()
    client = login(other_unit_operator)
    refused = client.get(_book_url(demo))
    missing = client.get(reverse("dossier:book", args=[gone_token]))
    assert refused.status_code == missing.status_code == 404
    assert "未找到" in refused.content.decode() and "未找到" in missing.content.decode()
    assert "张建国" not in refused.content.decode()


def test_a_partial_book_prints_no_registry_record(
    demo: Member, noted_elsewhere: Event, other_unit_operator: User, tmp_path: Path
) -> None:
    client = login(other_unit_operator)
    page = client.get(_book_url(demo)).content.decode()
    assert "市直机关工委征求意见：无异议" in page and "张建国" in page
    for private in ("东河村党支部", "大学本科", "专业技术人员", "汉族"):
        assert private not in page, private
    pdf = tmp_path / "b.pdf"
    response = client.get(_book_url(demo, "book.pdf"))
    pdf.write_bytes(file_body(response))
    text = pdf_text(pdf)
    assert "张建国" in text and "东河村党支部" not in text and "大学本科" not in text


def test_a_batch_export_prints_no_registry_record_outside_the_scope(
    demo: Member, noted_elsewhere: Event, other_unit_operator: User, tmp_path: Path
) -> None:
    target = tmp_path / "books.zip"
    result = exports.export_books(
        user=other_unit_operator, citizen_ids=[demo.citizen_id], target=target, scope="test"
    )
    assert result.books == 1
    with zipfile.ZipFile(target) as archive:
        [pdf_name] = [n for n in archive.namelist() if n.endswith(".pdf")]
        (tmp_path / "one.pdf").write_bytes(archive.read(pdf_name))
        (tmp_path / "index.xlsx").write_bytes(archive.read("index.xlsx"))
    text = pdf_text(tmp_path / "one.pdf")
    assert "张建国" in text and "东河村党支部" not in text and "大学本科" not in text
    cells = [str(c) for row in xlsx_rows(tmp_path / "index.xlsx") for c in row]
    assert "东河村党支部" not in cells


def test_a_whole_book_still_prints_the_registry_record(demo: Member, unit_operator: User) -> None:
    page = login(unit_operator).get(_book_url(demo)).content.decode()
    assert "东河村党支部" in page and "大学本科" in page


def test_another_role_keeps_its_403(demo: Member, tree: Tree) -> None:
    teller = factories.user(Role.TELLER, tree.unit_a)
    assert login(teller).get(_book_url(demo)).status_code == 403
