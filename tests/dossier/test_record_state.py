"""verify-record re-derives the state tables from the events and names the row that differs."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import Tree
from tests.election.meeting_setup import enter_batch, in_session, marks, prepared
from tests.nomination.conftest import (  # noqa: F401 -- fixtures reused
    People,
    _fast,
    campaign,
    meeting,
    people,
    round_,
    seated,
    with_units,
)
from tests.registry.helpers import write_csv
from tuixuan.core.citizen_id import make
from tuixuan.core.models import User
from tuixuan.dossier.verification import verify_record
from tuixuan.election import services as election_services
from tuixuan.election.models import ResultRow, SettledBallot
from tuixuan.election.models import Round as ElectionRound
from tuixuan.nomination import services
from tuixuan.nomination.models import BranchReport, ListEntry, ReportCount, Round, Tally
from tuixuan.registry.models import ImportJob, Sanction
from tuixuan.registry.services import import_file


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


def _messages() -> list[str]:
    return [str(p) for p in verify_record().problems]


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
    services.list_decide(
        actor=unit_operator,
        round=round_,
        organisation=tree.unit_a,
        candidate_ids=[people.a1[0].pk],
        decided_on=dt.date(2026, 11, 25),
        attendance_due=7,
        attendance_present=6,
        decision="同意",
        accountable_person="李书记",
    )
    assert verify_record().ok, _messages()
    entry = ListEntry.objects.get()
    ListEntry.objects.filter(pk=entry.pk).update(votes=30)

    assert any(f"nomination_listentry 行 ID {entry.pk}" in p for p in _messages())


def _counted(tree: Tree, unit_operator: User) -> ElectionRound:
    m = prepared(tree, unit_operator, voters=4)
    round_ = in_session(m, unit_operator)
    pile = [marks(round_, {"王明": "1", "李华": "1"})] * 3 + [marks(round_, {"张伟": "1"})]
    enter_batch(m, round_, pile)
    election_services.round_count(actor=m.chief, round_=round_)
    round_.refresh_from_db()
    return round_


def test_a_round_result_row_changed_is_named(tree: Tree, unit_operator: User) -> None:
    round_ = _counted(tree, unit_operator)
    assert verify_record().ok, _messages()
    row = ResultRow.objects.get(round=round_, name="张伟")
    ResultRow.objects.filter(pk=row.pk).update(in_favour=4, elected=True)

    problems = _messages()

    assert len(problems) == 1, problems
    assert (
        f"数据表 election_resultrow 行 ID {row.pk}（第1轮 正式选举第 3 名，张伟）为赞成 4"
        in problems[0]
    )
    assert "纪实记录为赞成 1、不赞成 0、弃权 3。" in problems[0]


def test_a_round_result_and_a_settled_ballot_changed_are_named(
    tree: Tree, unit_operator: User
) -> None:
    round_ = _counted(tree, unit_operator)
    result = dict(round_.result or {})
    result["elected"] = ["张伟", "王明"]
    ElectionRound.objects.filter(pk=round_.pk).update(result=result)
    ballot = SettledBallot.objects.filter(batch__round=round_).order_by("seq").first()
    assert ballot is not None
    SettledBallot.objects.filter(pk=ballot.pk).update(marks="0011")

    problems = _messages()

    assert any(f"election_round 行 ID {round_.pk}" in p and "计票结果" in p for p in problems)
    assert any("election_settledballot 中批次 ID" in p for p in problems), problems
    assert any("election_settledballot 中" in p and "计票时记录" in p for p in problems)


def test_a_sanction_changed_outside_an_import_is_named(db: None, tmp_path: Path) -> None:
    header = ("姓名", "公民身份号码", "处分种类", "处分决定日期", "影响期至", "决定机关")
    data = [
        {
            "姓名": "钱一",
            "公民身份号码": make("110101", dt.date(1980, 1, 1), 11, "M"),
            "处分种类": "留党察看",
            "处分决定日期": "2025-03-01",
            "影响期至": "2027-03-01",
            "决定机关": "市纪委",
        }
    ]
    path = write_csv(tmp_path / "s.csv", data, header=header, title="处分名单")
    assert import_file(kind=ImportJob.Kind.SANCTIONS, path=path, file_name="s.csv", actor=None).ok
    assert verify_record().ok, _messages()
    Sanction.objects.update(effect_until=dt.date(2025, 4, 1))

    problems = _messages()

    assert len(problems) == 1
    assert "数据表 registry_sanction 的内容与最近一次导入" in problems[0]
