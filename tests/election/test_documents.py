"""Ballots and reports render Chinese: the text is extractable and the pages carry ink."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import Tree
from tests.election.meeting_setup import (
    Meeting,
    enter_batch,
    fast_hashing,
    in_session,
    marks,
    prepared,
    voting_open,
)
from tuixuan.core.models import User
from tuixuan.election import documents, services
from tuixuan.election.models import Round

__all__ = ["fast_hashing"]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "明华伟静敏强磊军洋勇艳杰娟涛超秀霞平刚桂英芳燕玲丹萍红鹏飞"


def _names(n: int) -> tuple[str, ...]:
    names: list[str] = []
    for i in range(n):
        names.append(
            SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)] + GIVEN[i % 7]
        )
    assert len(set(names)) == n
    return tuple(names)


def _text(path: Path) -> str:
    return subprocess.run(  # noqa: S603 -- fixed poppler tool on a test file
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607 -- poppler from PATH
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _page_count(path: Path) -> int:
    info = subprocess.run(  # noqa: S603 -- fixed poppler tool on a test file
        ["pdfinfo", str(path)],  # noqa: S607 -- poppler from PATH
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(x for x in info.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def _ink(path: Path, page: int) -> float:
    """Share of dark pixels on a page rendered at low resolution."""
    out = subprocess.run(  # noqa: S603 -- fixed poppler tool on a test file
        ["pdftoppm", "-f", str(page), "-l", str(page), "-r", "40", "-gray", str(path)],  # noqa: S607 -- poppler from PATH
        check=True,
        capture_output=True,
    ).stdout
    header_end = 0
    fields = 0
    while fields < 4:  # P5 width height maxval, separated by whitespace
        while out[header_end : header_end + 1].isspace():
            header_end += 1
        while not out[header_end : header_end + 1].isspace():
            header_end += 1
        fields += 1
    pixels = out[header_end + 1 :]
    return sum(1 for b in pixels if b < 128) / len(pixels)


def _round(tree: Tree, operator: User, candidates: tuple[str, ...]) -> tuple[Meeting, Round]:
    meeting = prepared(tree, operator, voters=3, seats=1, candidates=candidates)
    return meeting, voting_open(meeting, operator)


# The smallest ballot the margin allows for one seat (docs/domain.md §4.3), and a long one.
@pytest.mark.parametrize("count", [2, 400])
def test_ballots_render_every_candidate_in_chinese(
    tree: Tree, unit_operator: User, tmp_path: Path, count: int
) -> None:
    names = _names(count)
    _meeting, round_ = _round(tree, unit_operator, names)
    run = services.ballots_print(actor=unit_operator, round_=round_, copies=2)
    round_.refresh_from_db()
    path = tmp_path / "ballots.pdf"
    pages = documents.ballot_pdf(round_, run, path)
    text = _text(path)
    for name in names:
        assert name in text
    # No serial and no page number on a ballot: either could tie it to a voter.
    assert "张 / 共" not in text and "页 共" not in text
    assert text.count("另选他人") >= 2
    assert "不赞成" in text and "另选他人" in text
    if count == 400:
        assert pages > 4
    assert _page_count(path) == pages
    for page in (1, pages):
        assert _ink(path, page) > 0.005


def test_the_count_report_and_result_report_render(
    tree: Tree, unit_operator: User, tmp_path: Path
) -> None:
    meeting = prepared(tree, unit_operator, voters=3, seats=1)
    round_ = in_session(meeting, unit_operator)
    enter_batch(meeting, round_, [marks(round_, {"王明": "1"})] * 3)
    services.round_count(actor=meeting.chief, round_=round_)
    round_ = services.round_release(actor=meeting.chief, round_=Round.objects.get(pk=round_.pk))
    count_pdf = tmp_path / "count.pdf"
    documents.count_report_pdf(round_, count_pdf)
    text = _text(count_pdf)
    assert "计票结果报告单" in text and "王明" in text and "总监票人" in text
    assert _ink(count_pdf, 1) > 0.005
    result_pdf = tmp_path / "result.pdf"
    documents.result_report_pdf(meeting.election, result_pdf)
    assert "选举结果报告" in _text(result_pdf)
    buffer = io.BytesIO()
    documents.result_report_docx(meeting.election, buffer)
    buffer.seek(0)
    body = "\n".join(p.text for p in Document(buffer).paragraphs)
    assert "当选" in body
    buffer = io.BytesIO()
    documents.count_report_docx(round_, buffer)
    buffer.seek(0)
    document = Document(buffer)
    cells = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "王明" in cells


def test_the_result_report_states_the_meeting_day_in_chinese_or_leaves_it_out(
    tree: Tree, unit_operator: User, tmp_path: Path
) -> None:
    """Regression: without a meeting date the report read "东河镇党委于召开…"."""
    import datetime as dt

    from tuixuan.election.models import Election

    meeting = prepared(tree, unit_operator, voters=3, seats=1)
    path = tmp_path / "result.pdf"
    documents.result_report_pdf(meeting.election, path)
    text = "".join(_text(path).split())
    assert "东河镇党委召开东河镇党员大会" in text and "于召开" not in text
    Election.objects.filter(pk=meeting.election.pk).update(meeting_date=dt.date(2026, 11, 25))
    meeting.election.refresh_from_db()
    documents.result_report_pdf(meeting.election, path)
    assert "东河镇党委于2026年11月25日召开" in "".join(_text(path).split())


def test_ballot_rules_are_printed_one_a_line(
    tree: Tree, unit_operator: User, tmp_path: Path
) -> None:
    _meeting, round_ = _round(tree, unit_operator, ("王明", "李华"))
    run = services.ballots_print(actor=unit_operator, round_=round_, copies=1)
    round_.refresh_from_db()
    path = tmp_path / "ballot.pdf"
    documents.ballot_pdf(round_, run, path)
    lines = [line.strip() for line in _text(path).splitlines()]
    assert any(line.startswith("1. 赞成的") for line in lines)
    assert any(line.startswith("4. 用黑色或蓝黑色笔填写") for line in lines)
    assert not any(line.endswith("“") for line in lines)
