"""Ballots and reports with hostile names and titles: they build and print the literal text."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document

from tests.conftest import Tree
from tests.election.meeting_setup import (
    enter_batch,
    fast_hashing,
    in_session,
    marks,
    prepared,
    voting_open,
)
from tests.hostile import HOSTILE_NAMES, assert_pdf_says
from tuixuan.core.models import User
from tuixuan.election import documents, services
from tuixuan.election.models import Election, Round

__all__ = ["fast_hashing"]

TITLE = '<img src="/etc/passwd"/><b>大会</b><font'


def test_the_ballot_prints_a_hostile_title_and_names_literally(
    tree: Tree, unit_operator: User, tmp_path: Path
) -> None:
    meeting = prepared(tree, unit_operator, voters=3, seats=1, candidates=HOSTILE_NAMES)
    Election.objects.filter(pk=meeting.election.pk).update(title=TITLE)
    round_ = voting_open(meeting, unit_operator)
    run = services.ballots_print(actor=unit_operator, round_=round_, copies=1)
    round_.refresh_from_db()
    path = tmp_path / "ballots.pdf"
    documents.ballot_pdf(round_, run, path)
    assert_pdf_says(path, [TITLE, *HOSTILE_NAMES])


def test_the_reports_print_hostile_names_literally(
    tree: Tree, unit_operator: User, tmp_path: Path
) -> None:
    meeting = prepared(tree, unit_operator, voters=3, seats=1, candidates=HOSTILE_NAMES)
    Election.objects.filter(pk=meeting.election.pk).update(title=TITLE)
    meeting.election.refresh_from_db()
    round_ = in_session(meeting, unit_operator)
    enter_batch(meeting, round_, [marks(round_, {HOSTILE_NAMES[0]: "1"})] * 3)
    services.round_count(actor=meeting.chief, round_=round_)
    round_ = services.round_release(actor=meeting.chief, round_=Round.objects.get(pk=round_.pk))
    count_pdf = tmp_path / "count.pdf"
    documents.count_report_pdf(round_, count_pdf)
    assert_pdf_says(count_pdf, [TITLE, *HOSTILE_NAMES])
    result_pdf = tmp_path / "result.pdf"
    documents.result_report_pdf(meeting.election, result_pdf)
    assert_pdf_says(result_pdf, [TITLE, HOSTILE_NAMES[0]])
    buffer = io.BytesIO()
    documents.count_report_docx(round_, buffer)
    buffer.seek(0)
    cells = " ".join(c.text for t in Document(buffer).tables for row in t.rows for c in row.cells)
    assert all(name in cells for name in HOSTILE_NAMES)
