"""verify-record re-derives the election tables and the outside lists from the events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.conftest import Tree
from tests.election.meeting_setup import enter_batch, in_session, marks, prepared
from tests.registry.helpers import write_csv
from tuixuan.core.citizen_id import make
from tuixuan.core.models import User
from tuixuan.election import services as election_services
from tuixuan.election.models import ResultRow, SettledBallot
from tuixuan.election.models import Round as ElectionRound
from tuixuan.record.verification import verify_record
from tuixuan.registry.models import ImportJob, Sanction
from tuixuan.registry.services import import_file


def _messages() -> list[str]:
    return [str(p) for p in verify_record().problems]


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
