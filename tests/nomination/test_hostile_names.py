"""Nomination documents with hostile names: literal text, no formula, PDFs that build."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import Tree, login
from tests.hostile import HOSTILE_NAMES, assert_cells_hold, assert_pdf_says
from tests.nomination.conftest import People, meeting
from tests.render import docx_text
from tuixuan.core.models import Organisation, User
from tuixuan.nomination import importing, services
from tuixuan.nomination.models import BranchReport, Round
from tuixuan.registry.models import Member

pytestmark = pytest.mark.django_db

BRANCH = "=1+1<b>支部"


def _url(name: str, *args: object) -> str:
    return reverse(f"nomination:{name}", args=args)


def test_the_branch_form_the_roll_up_and_the_report_keep_hostile_names(
    round_: Round,
    tree: Tree,
    people: People,
    branch_operator: User,
    unit_operator: User,
    tmp_path: Path,
) -> None:
    chosen = people.a1[:4] + people.a2[:4]
    for member, name in zip(chosen, HOSTILE_NAMES, strict=True):
        Member.objects.filter(pk=member.pk).update(name=name)
    Organisation.objects.filter(pk=tree.branch_a1.pk).update(name=BRANCH)
    tree.branch_a1.refresh_from_db()
    meeting(branch_operator, round_, tree.branch_a1)
    services.form_add(
        actor=branch_operator,
        round=round_,
        organisation=tree.branch_a1,
        candidate_ids=[m.pk for m in chosen[:4]],
    )
    services.form_add(
        actor=branch_operator,
        round=round_,
        organisation=tree.branch_a1,
        candidate_ids=[m.pk for m in chosen[4:]],
    )
    report = BranchReport.objects.get(round=round_, organisation=tree.branch_a1)
    services.report_submit(actor=branch_operator, report=report)
    client = login(unit_operator)
    pdf = tmp_path / "form.pdf"
    response = client.get(_url("branch_pdf", round_.pk, tree.branch_a1.pk))
    assert response.status_code == 200
    pdf.write_bytes(response.content)
    assert_pdf_says(pdf, [BRANCH, *HOSTILE_NAMES])
    xlsx = tmp_path / "rollup.xlsx"
    xlsx.write_bytes(client.get(_url("level_xlsx", round_.pk, tree.unit_a.pk)).content)
    assert_cells_hold(xlsx, [BRANCH, *HOSTILE_NAMES])
    docx = tmp_path / "report.docx"
    docx.write_bytes(client.get(_url("unit_docx", round_.pk, tree.unit_a.pk)).content)
    assert "推荐情况的报告" in docx_text(docx)


def test_the_template_keeps_a_hostile_branch_name(tmp_path: Path) -> None:
    buf = io.BytesIO()
    importing.template(buf, branch=BRANCH, names_per_form=5)
    path = tmp_path / "template.xlsx"
    path.write_bytes(buf.getvalue())
    assert_cells_hold(path, [BRANCH])
