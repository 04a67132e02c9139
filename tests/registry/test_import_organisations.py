"""Organisation imports: parents before children wherever they appear, references, scope."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Tree
from tests.registry.helpers import write_csv
from tuixuan.core.models import Organisation, OrgType, User, path_segment
from tuixuan.registry.models import ImportJob
from tuixuan.registry.services import ImportResult, import_file

pytestmark = pytest.mark.django_db
HEADER = ("党组织名称", "上级党组织", "组织类别", "组织代码")


def rows(*items: tuple[str, str, str, str]) -> list[dict[str, str]]:
    return [dict(zip(HEADER, item, strict=True)) for item in items]


def run(path: Path, *, actor: User | None = None, only_valid: bool = False) -> ImportResult:
    return import_file(
        kind=ImportJob.Kind.ORGANISATIONS,
        path=path,
        file_name=path.name,
        actor=actor,
        only_valid=only_valid,
    )


def test_it_builds_a_tree_with_children_listed_before_parents(db: None, tmp_path: Path) -> None:
    data = rows(
        ("一村党支部", "青山镇党委", "党支部", ""),
        ("青山镇党委", "示范县委", "党委", "QS"),
        ("示范县委", "", "县委", "XW"),
        ("二村党支部", "示范县委/青山镇党委", "支部", "QS2"),
    )
    result = run(write_csv(tmp_path / "o.csv", data, header=HEADER, encoding="gbk", title="组织"))

    assert result.ok, result.errors
    assert result.created == 4
    county = Organisation.objects.get(code="XW")
    town = Organisation.objects.get(code="QS")
    village = Organisation.objects.get(name="一村党支部")
    assert county.org_type == OrgType.COUNTY
    assert (town.parent, town.depth, town.path) == (county, 1, county.path + path_segment(town.pk))
    assert village.parent == town
    assert village.code  # generated
    assert Organisation.objects.get(code="QS2").parent == town
    assert (county.child_count, town.child_count) == (1, 2)


def test_new_organisations_get_ids_the_database_continues_from(db: None, tmp_path: Path) -> None:
    run(write_csv(tmp_path / "o.csv", rows(("甲县委", "", "县委", "J")), header=HEADER))
    later = Organisation.objects.create(
        code="LATER", name="乙", org_type=OrgType.COUNTY, path="x", depth=0
    )
    assert later.pk > Organisation.objects.get(code="J").pk


def test_reimport_updates_by_code_or_parent_and_name(tree: Tree, tmp_path: Path) -> None:
    data = rows(
        ("东河镇党委（新）", "CITY", "党工委", "A"),
        ("东河村党支部", "A", "党总支", ""),
    )
    result = run(write_csv(tmp_path / "o.csv", data, header=HEADER))
    assert (result.created, result.updated) == (0, 2), result.errors
    tree.unit_a.refresh_from_db()
    tree.branch_a1.refresh_from_db()
    assert (tree.unit_a.name, tree.unit_a.org_type) == ("东河镇党委(新)", OrgType.WORKING_COMMITTEE)
    assert tree.branch_a1.org_type == OrgType.GENERAL_BRANCH


@pytest.mark.parametrize(
    ("item", "column", "reason"),
    [
        (("新支部", "无此组织", "党支部", ""), "上级党组织", "找不到党组织"),
        (("新支部", "A", "小组", ""), "组织类别", "未知的组织类别"),
        (("", "A", "党支部", ""), "党组织名称", "不能为空"),
        (("新支部", "A", "党支部", "C" * 65), "组织代码", "过长"),
        (("东河村党支部", "B", "党支部", "A1"), "上级党组织", "不支持通过导入调整上级党组织"),
    ],
)
def test_it_reports_bad_rows(
    tree: Tree, tmp_path: Path, item: tuple[str, str, str, str], column: str, reason: str
) -> None:
    result = run(write_csv(tmp_path / "o.csv", rows(item), header=HEADER))
    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert reason in result.errors[0].reason
    assert Organisation.objects.count() == 6


def test_a_code_repeated_in_the_file_names_the_first_row(tree: Tree, tmp_path: Path) -> None:
    data = rows(("三村党支部", "A", "党支部", "N1"), ("四村党支部", "A", "党支部", "N1"))
    result = run(write_csv(tmp_path / "o.csv", data, header=HEADER))
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (3, "组织代码", "组织代码“N1”与第 2 行重复")
    ]


def test_it_refuses_an_ambiguous_parent_name(tree: Tree, tmp_path: Path) -> None:
    data = rows(
        ("第一党支部", "A", "党支部", "X1"),
        ("第一党支部", "B", "党支部", "X2"),
        ("小组", "第一党支部", "党支部", "X3"),
    )
    result = run(write_csv(tmp_path / "o.csv", data, header=HEADER))
    assert [(e.row, e.column) for e in result.errors] == [(4, "上级党组织")]
    assert "不唯一" in result.errors[0].reason


def test_a_unit_operator_creates_only_inside_their_unit(
    tree: Tree, unit_operator: User, tmp_path: Path
) -> None:
    data = rows(
        ("三村党支部", "A", "党支部", "A3"),
        ("财政二支部", "B", "党支部", "B2"),
        ("新县委", "", "县委", "N"),
    )
    result = run(write_csv(tmp_path / "o.csv", data, header=HEADER), actor=unit_operator)
    assert [(e.row, e.reason) for e in result.errors] == [
        (3, "党组织不在您的管理范围内"),
        (4, "党组织不在您的管理范围内"),
    ]
    result = run(
        write_csv(tmp_path / "o.csv", data, header=HEADER), actor=unit_operator, only_valid=True
    )
    assert result.created == 1
    assert Organisation.objects.get(code="A3").parent == tree.unit_a
