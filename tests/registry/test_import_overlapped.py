"""Large member files into an empty table are checked and written chunk by chunk, the write
of one chunk overlapping the check of the next; the all-or-nothing rule must still hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Tree
from tests.registry.helpers import HEADER, person, write_csv, write_xlsx
from tuixuan.registry.importing import members
from tuixuan.registry.models import ImportJob, Member
from tuixuan.registry.services import ImportResult, import_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(members, "PIPELINE_MIN_ROWS", 3)
    monkeypatch.setattr(members, "PIPELINE_CHUNK", 2)
    monkeypatch.setattr(members, "OVERLAP_ON_SQLITE", True)


def run(path: Path, *, only_valid: bool = False) -> ImportResult:
    return import_file(
        kind=ImportJob.Kind.MEMBERS,
        path=path,
        file_name=path.name,
        actor=None,
        only_valid=only_valid,
    )


def test_it_writes_every_chunk_of_a_good_file(tree: Tree, tmp_path: Path) -> None:
    rows = [person(name=f"党员{k}", org="A1" if k % 2 else "A2") for k in range(7)]
    values = [[r[h] for h in HEADER] for r in rows]
    result = run(write_xlsx(tmp_path / "m.xlsx", values, header=HEADER))
    assert result.ok, result.errors
    assert result.created == 7
    assert sorted(Member.objects.values_list("citizen_id", flat=True)) == sorted(
        r["公民身份号码"] for r in rows
    )
    assert Member.objects.get(name="党员3").name_initials == "dy3"
    tree.branch_a1.refresh_from_db()
    assert tree.branch_a1.direct_member_count == 3


def test_a_bad_row_in_the_last_chunk_undoes_the_chunks_already_written(
    tree: Tree, tmp_path: Path
) -> None:
    rows = [person() for _ in range(6)] + [person(学历="博士后")]
    result = run(write_csv(tmp_path / "m.csv", rows))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(8, "学历")]
    assert Member.objects.count() == 0


def test_it_reports_every_bad_row_across_chunks(tree: Tree, tmp_path: Path) -> None:
    rows = [person(), person(性别="?"), person(), person(), person(所在党组织="X9"), person()]
    result = run(write_csv(tmp_path / "m.csv", rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "性别"), (6, "所在党组织")]
    assert Member.objects.count() == 0


def test_a_duplicate_in_a_later_chunk_names_the_first_row(tree: Tree, tmp_path: Path) -> None:
    first = person()
    rows = [first, person(), person(), person(), dict(first, 姓名="别名")]
    result = run(write_csv(tmp_path / "m.csv", rows))
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (6, "公民身份号码", "公民身份号码与第 2 行重复")
    ]
    assert Member.objects.count() == 0


def test_only_valid_writes_the_good_rows_of_every_chunk(tree: Tree, tmp_path: Path) -> None:
    rows = [person(name=n) for n in "甲乙丙丁戊"]
    rows[1]["学历"] = "?"
    rows[4]["性别"] = "?"
    result = run(write_csv(tmp_path / "m.csv", rows), only_valid=True)
    assert result.ok
    assert (result.created, result.skipped_rows) == (3, 2)
    assert sorted(Member.objects.values_list("name", flat=True)) == sorted("甲丙丁")


def test_a_file_into_a_table_with_members_takes_the_plain_path(tree: Tree, tmp_path: Path) -> None:
    old = person(name="旧")
    assert run(write_csv(tmp_path / "a.csv", [old])).created == 1
    rows = [dict(old, 姓名="新"), person(), person(), person()]
    result = run(write_csv(tmp_path / "b.csv", rows))
    assert (result.created, result.updated) == (3, 1)
    assert Member.objects.get(citizen_id=old["公民身份号码"]).name == "新"
