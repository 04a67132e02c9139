"""verify-record re-derives the recommendation tables from the events and names the row."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import Tree
from tests.nomination.conftest import People, meeting
from tests.nomination.test_services import _a2_reported
from tuixuan.core import clock
from tuixuan.core.models import User
from tuixuan.nomination import services
from tuixuan.nomination.models import BranchReport, ListEntry, ReportCount, Round, Tally
from tuixuan.record.verification import verify_record


def _messages() -> list[str]:
    return [str(p) for p in verify_record().problems]


def _submitted(round_: Round, tree: Tree, people: People, op: User) -> BranchReport:
    meeting(op, round_, tree.branch_a1)
    services.form_add(
        actor=op,
        round=round_,
        organisation=tree.branch_a1,
        candidate_ids=[people.a1[0].pk, people.a1[1].pk],
    )
    services.form_add(
        actor=op, round=round_, organisation=tree.branch_a1, candidate_ids=[people.a1[0].pk]
    )
    report = BranchReport.objects.get(round=round_, organisation=tree.branch_a1)
    return services.report_submit(actor=op, report=report)


def test_a_tally_row_changed_in_the_database_is_named(
    round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    _submitted(round_, tree, people, branch_operator)
    assert verify_record().ok, _messages()
    row = Tally.objects.get(round=round_, organisation=tree.unit_a, candidate=people.a1[0])
    Tally.objects.filter(pk=row.pk).update(votes=row.votes + 40)

    problems = _messages()

    assert len(problems) == 1
    assert f"数据表 nomination_tally 行 ID {row.pk}（东河镇党委，甲0）为 42 票" in problems[0]
    assert "按纪实记录应为 2 票" in problems[0]
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("verify_record", stderr=err)
    assert f"nomination_tally 行 ID {row.pk}" in err.getvalue()


def test_a_tally_row_removed_or_planted_is_named(
    round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    _submitted(round_, tree, people, branch_operator)
    Tally.objects.filter(round=round_, organisation=tree.branch_a1, candidate=people.a1[1]).delete()
    planted = Tally.objects.create(
        round=round_, organisation=tree.unit_a, candidate=people.a2[0], votes=9, reports=1
    )

    problems = _messages()

    assert any("nomination_tally 缺少一行（东河村党支部，甲1）" in p for p in problems), problems
    assert any(
        f"nomination_tally 行 ID {planted.pk}（东河镇党委，乙0）为 9 票" in p for p in problems
    )


def test_a_corrected_report_is_re_derived_and_its_counts_checked(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    report = _submitted(round_, tree, people, branch_operator)
    services.report_correct(
        actor=unit_operator,
        report=report,
        rows=[(people.a1[1].pk, 5, 0)],
        reason="计票有误",
        seen_version=BranchReport.objects.get(pk=report.pk).version,
    )
    assert verify_record().ok, _messages()
    count = ReportCount.objects.get(report=report)
    ReportCount.objects.filter(pk=count.pk).update(votes=6)

    problems = _messages()

    assert any(
        f"nomination_reportcount 中报告 ID {report.pk}（东河村党支部）的票数与纪实记录不符" in p
        for p in problems
    ), problems


def test_a_decided_list_entry_changed_is_named(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    _submitted(round_, tree, people, branch_operator)
    _a2_reported(round_, tree, people)  # a decision needs every branch reported
    services.list_decide(
        actor=unit_operator,
        round=round_,
        organisation=tree.unit_a,
        candidate_ids=[people.a1[0].pk],
        decided_on=clock.today(),
        attendance_due=7,
        attendance_present=6,
        decision="同意",
        accountable_person="李书记",
    )
    assert verify_record().ok, _messages()
    entry = ListEntry.objects.get()
    ListEntry.objects.filter(pk=entry.pk).update(votes=30)

    assert any(f"nomination_listentry 行 ID {entry.pk}" in p for p in _messages())


def test_the_nomination_and_campaign_documents_print_the_campaign_anchor(
    round_: Round, tree: Tree, people: People, branch_operator: User, tmp_path: Path
) -> None:
    from tests.render import docx_text, pdf_text
    from tuixuan.campaign import documents as campaign_documents
    from tuixuan.campaign.models import ElectionUnit
    from tuixuan.nomination import documents
    from tuixuan.record import anchors

    _submitted(round_, tree, people, branch_operator)
    (anchor,) = anchors.for_campaign(round_.campaign_id)
    (tmp_path / "branch.pdf").write_bytes(documents.branch_pdf(round_, tree.branch_a1))
    assert f"校验值：{anchor.short}" in "".join(pdf_text(tmp_path / "branch.pdf").split())
    unit = ElectionUnit.objects.get(campaign=round_.campaign, organisation=tree.unit_a)
    (tmp_path / "unit.docx").write_bytes(documents.unit_report_docx(round_, unit))
    (tmp_path / "plan.docx").write_bytes(campaign_documents.workplan_docx(round_.campaign))
    (tmp_path / "seats.docx").write_bytes(campaign_documents.allocation_docx(round_.campaign))
    for name in ("unit.docx", "plan.docx", "seats.docx"):
        assert f"校验值：{anchor.short}" in docx_text(tmp_path / name), name
