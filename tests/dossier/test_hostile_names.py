"""The book, the batch export and the unit record form with hostile names and summaries."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.conftest import Tree
from tests.dossier.test_books import CAMPAIGN, demo_path, step
from tests.hostile import HOSTILE_NAMES, assert_cells_hold, assert_pdf_says
from tuixuan.core.models import User
from tuixuan.dossier import access, books, exports
from tuixuan.registry.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile_demo(
    tree: Tree, unit_operator: User, convener: User, monkeypatch: pytest.MonkeyPatch
) -> Member:
    member = demo_path(tree, unit_operator, convener, monkeypatch)
    Member.objects.filter(pk=member.pk).update(name=HOSTILE_NAMES[0])
    Member.objects.filter(name="李红梅").update(name=HOSTILE_NAMES[4])
    step(
        "vetting.six_check_recorded",
        "；".join(HOSTILE_NAMES),
        actor=unit_operator,
        persons=[member.citizen_id],
        accountable=tree.unit_a,
        person=HOSTILE_NAMES[1],
    )
    member.refresh_from_db()
    return member


def test_the_batch_export_keeps_hostile_names(
    hostile_demo: Member, supervisor: User, tmp_path: Path
) -> None:
    target = tmp_path / "books.zip"
    ids = access.persons_of_campaign(supervisor, CAMPAIGN)
    result = exports.export_books(user=supervisor, citizen_ids=ids, target=target, scope="test")
    assert result.books == 2
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert all("/" not in n for n in names)
        index = tmp_path / "index.xlsx"
        index.write_bytes(archive.read("index.xlsx"))
        book = next(n for n in names if n.endswith(f"{hostile_demo.citizen_id[-4:]}.pdf"))
        pdf = tmp_path / "book.pdf"
        pdf.write_bytes(archive.read(book))
    assert_cells_hold(index, [HOSTILE_NAMES[0], HOSTILE_NAMES[4]])
    assert_pdf_says(pdf, [HOSTILE_NAMES[0], *HOSTILE_NAMES])


def test_the_unit_form_keeps_hostile_summaries(
    hostile_demo: Member, tree: Tree, tmp_path: Path
) -> None:
    form = books.build_unit_form(tree.unit_a, list(books.unit_events(tree.unit_a)))
    xlsx = tmp_path / "form.xlsx"
    books.write_unit_form_xlsx(form, xlsx)
    assert_cells_hold(xlsx, ["；".join(HOSTILE_NAMES), HOSTILE_NAMES[1]])
    pdf = tmp_path / "form.pdf"
    books.write_unit_form_pdf(form, pdf)
    assert_pdf_says(pdf, [HOSTILE_NAMES[1], *HOSTILE_NAMES])
