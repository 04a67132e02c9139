"""Member imports through the service: formats, every error kind, writes, history, scope."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from tests.conftest import Tree
from tests.registry.helpers import HEADER, bad_check_digit, person, write_csv, write_xlsx
from tuixuan.core import clock
from tuixuan.core.models import Organisation, User
from tuixuan.registry.models import (
    Education,
    ImportJob,
    Member,
    MemberChange,
    MemberType,
    Occupation,
)
from tuixuan.registry.services import ImportResult, import_file

pytestmark = pytest.mark.django_db


def run(path: Path, *, actor: User | None = None, only_valid: bool = False) -> ImportResult:
    return import_file(
        kind=ImportJob.Kind.MEMBERS,
        path=path,
        file_name=path.name,
        actor=actor,
        only_valid=only_valid,
    )


def test_it_imports_a_gbk_csv_with_a_title_row(tree: Tree, tmp_path: Path) -> None:
    rows = [person(name="张三"), person(name="李四", gender="F")]
    path = write_csv(tmp_path / "m.csv", rows, encoding="gbk", title="东河村党支部党员名册")

    result = run(path)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.errors) == (2, 0, [])
    zhang = Member.objects.get(name="张三")
    assert zhang.organisation == tree.branch_a1
    assert zhang.education == Education.BACHELOR
    assert zhang.occupation == Occupation.WORKER
    assert zhang.joined_date == dt.date(2005, 7, 1)
    assert zhang.name_initials == "zs"
    assert result.job.status == ImportJob.Status.DONE
    assert result.job.created_count == 2


def test_it_imports_a_utf8_csv_with_bom(tree: Tree, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", [person(name="王五")], encoding="utf-8-sig")
    assert run(path).created == 1
    assert Member.objects.filter(name="王五").exists()


def test_it_imports_xlsx_with_merged_title_stray_spaces_and_full_width(
    tree: Tree, tmp_path: Path
) -> None:
    row = person(name="赵 六", birth=dt.date(1990, 1, 2), gender="F")
    full_width_id = row["公民身份号码"].translate(
        {ord(d): chr(ord(d) + 0xFEE0) for d in "0123456789"}
    )
    values = [
        f" {row['姓名']} ",
        "女 ",
        "汉族",
        full_width_id,
        dt.date(1990, 1, 2),
        "大专",
        "专业技术人员",
        "２００８年７月１日",
        "2009.07.01",
        "预备党员",
        "　示范市委/东河镇党委/东河村党支部",
    ]
    values[8] = ""  # probationary: no 转正日期
    header = [f" {h}" if i % 2 else h for i, h in enumerate(HEADER)]
    path = write_xlsx(tmp_path / "m.xlsx", [values], header=header, title="2026年党员名册")

    result = run(path)

    assert result.ok, result.errors
    member = Member.objects.get()
    assert member.name == "赵六"
    assert member.citizen_id == row["公民身份号码"]
    assert member.birth_date == dt.date(1990, 1, 2)
    assert member.joined_date == dt.date(2008, 7, 1)
    assert member.member_type == MemberType.PROBATIONARY
    assert member.organisation == tree.branch_a1


def test_it_names_the_row_with_a_bad_check_digit_and_writes_nothing(
    tree: Tree, tmp_path: Path
) -> None:
    bad = person()
    bad["公民身份号码"] = bad_check_digit(bad["公民身份号码"])
    path = write_csv(tmp_path / "m.csv", [person(), person(), bad], title="名册")

    result = run(path)

    assert not result.ok
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.row, error.column) == (5, "公民身份号码")  # title, header, two good rows
    assert "校验位错误" in error.reason
    assert Member.objects.count() == 0
    assert result.job.status == ImportJob.Status.FAILED
    assert result.job.errors == [error.as_dict()]


BIRTH = dt.date(1980, 5, 17)


@pytest.mark.parametrize(
    ("override", "column", "reason"),
    [
        ({"出生日期": "1980-02-30"}, "出生日期", "不存在"),
        ({"出生日期": "1981-05-17"}, "出生日期", "与公民身份号码不符"),
        ({"性别": "女"}, "性别", "与公民身份号码不符"),
        ({"所在党组织": "不存在的支部"}, "所在党组织", "找不到党组织"),
        ({"学历": "博士后"}, "学历", "未知的学历"),
        ({"人员类别": "宇航员"}, "人员类别", "未知的人员类别"),
        ({"党员类型": "候补"}, "党员类型", "未知的党员类型"),
        ({"民族": ""}, "民族", "不能为空"),
        ({"姓名": " "}, "姓名", "不能为空"),
        ({"入党日期": ""}, "入党日期", "不能为空"),
        ({"转正日期": "2004-07-01"}, "转正日期", "早于入党日期"),
        ({"党员类型": "预备党员"}, "转正日期", "预备党员不应有转正日期"),
        ({"入党日期": "1995-07-01", "转正日期": "1996-07-01"}, "入党日期", "未满18周岁"),
        ({"入党日期": "2999-01-01", "转正日期": ""}, "入党日期", "晚于今天"),
        ({"公民身份号码": "43010219800517"}, "公民身份号码", "应为18位"),
        ({"公民身份号码": "430102198002300010"}, "公民身份号码", "出生日期不存在"),
        ({"公民身份号码": "43010219800517001x"}, "公民身份号码", "校验位错误"),
    ],
)
def test_it_reports_each_kind_of_bad_row(
    tree: Tree, tmp_path: Path, override: dict[str, str], column: str, reason: str
) -> None:
    path = write_csv(tmp_path / "m.csv", [person(), person(birth=BIRTH, **override)])

    result = run(path)

    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert reason in result.errors[0].reason
    assert Member.objects.count() == 0


def test_it_reports_a_duplicate_citizen_id_naming_the_first_row(tree: Tree, tmp_path: Path) -> None:
    first = person()
    path = write_csv(tmp_path / "m.csv", [first, person(), dict(first, 姓名="别名")])
    result = run(path)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (4, "公民身份号码", "公民身份号码与第 2 行重复")
    ]


def test_it_reports_every_bad_row_not_just_the_first(tree: Tree, tmp_path: Path) -> None:
    rows = [person(学历="?"), person(), person(所在党组织="X9"), person(性别="?")]
    result = run(write_csv(tmp_path / "m.csv", rows))
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "学历"),
        (4, "所在党组织"),
        (5, "性别"),
    ]


def test_it_reports_a_missing_column_at_the_header_row(tree: Tree, tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "民族"]
    result = run(write_csv(tmp_path / "m.csv", [person()], header=header, title="名册"))
    assert [(e.row, e.column, e.reason) for e in result.errors] == [(2, "民族", "缺少必需的列")]
    assert not result.ok


def test_only_valid_writes_the_good_rows_whole(tree: Tree, tmp_path: Path) -> None:
    rows = [person(name="甲"), person(name="乙", 学历="?"), person(name="丙")]
    result = run(write_csv(tmp_path / "m.csv", rows), only_valid=True)
    assert result.ok
    assert (result.created, result.skipped_rows) == (2, 1)
    assert sorted(Member.objects.values_list("name", flat=True)) == ["丙", "甲"]


def test_reimporting_updates_and_keeps_history_of_a_move(tree: Tree, tmp_path: Path) -> None:
    row = person(name="钱七")
    run(write_csv(tmp_path / "a.csv", [row]))
    moved = dict(row, 所在党组织="A2", 学历="研究生", 党员类型="正式党员")

    result = run(write_csv(tmp_path / "b.csv", [moved, person(name="孙八")]))

    assert (result.created, result.updated) == (1, 1)
    assert Member.objects.filter(citizen_id=row["公民身份号码"]).count() == 1
    member = Member.objects.get(citizen_id=row["公民身份号码"])
    assert member.organisation == tree.branch_a2
    assert member.education == Education.POSTGRADUATE
    change = MemberChange.objects.get(member=member)
    assert (change.field, change.old_value, change.new_value) == (
        MemberChange.Field.ORGANISATION,
        str(tree.branch_a1.pk),
        str(tree.branch_a2.pk),
    )
    assert change.source == "导入：b.csv"


def test_reimporting_an_unchanged_file_writes_no_history(tree: Tree, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [person(), person()])
    run(path)
    result = run(path)
    assert (result.created, result.updated) == (0, 2)
    assert not MemberChange.objects.exists()


def test_it_finds_organisations_by_code_path_or_unique_name(tree: Tree, tmp_path: Path) -> None:
    rows = [
        person(name="码", org="A2"),
        person(name="径", org="示范市委/市直机关工委/市财政局机关党支部"),
        person(name="名", org="西岭村党支部"),
    ]
    assert run(write_csv(tmp_path / "m.csv", rows)).ok
    orgs = dict(Member.objects.values_list("name", "organisation__code"))
    assert orgs == {"码": "A2", "径": "B1", "名": "A2"}


def test_it_refuses_an_ambiguous_organisation_name(tree: Tree, tmp_path: Path) -> None:
    from tests import factories

    factories.organisation("第一党支部", parent=tree.unit_a)
    factories.organisation("第一党支部", parent=tree.unit_b)
    result = run(write_csv(tmp_path / "m.csv", [person(org="第一党支部")]))
    assert "不唯一" in result.errors[0].reason
    ok = run(write_csv(tmp_path / "n.csv", [person(org="示范市委/东河镇党委/第一党支部")]))
    assert ok.ok


def test_a_unit_operator_cannot_import_outside_their_unit(
    tree: Tree, unit_operator: User, tmp_path: Path
) -> None:
    rows = [person(org="A1"), person(org="B1")]
    result = run(write_csv(tmp_path / "m.csv", rows), actor=unit_operator)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (3, "所在党组织", "党组织不在您的管理范围内")
    ]
    assert Member.objects.count() == 0


def test_a_unit_operator_cannot_move_in_a_member_of_another_unit(
    tree: Tree, unit_operator: User, tmp_path: Path
) -> None:
    row = person(org="B1")
    run(write_csv(tmp_path / "a.csv", [row]))
    result = run(write_csv(tmp_path / "b.csv", [dict(row, 所在党组织="A1")]), actor=unit_operator)
    assert not result.ok
    assert "不在您的管理范围内" in result.errors[0].reason
    assert Member.objects.get().organisation == tree.branch_b1


def test_counts_are_recomputed_up_the_tree(tree: Tree, tmp_path: Path) -> None:
    rows = [person(org="A1"), person(org="A1"), person(org="A2"), person(org="B1")]
    run(write_csv(tmp_path / "m.csv", rows))
    counts = {
        o.code: (o.direct_member_count, o.member_count, o.child_count)
        for o in Organisation.objects.all()
    }
    assert counts == {
        "CITY": (0, 4, 2),
        "A": (0, 3, 2),
        "A1": (2, 2, 0),
        "A2": (1, 1, 0),
        "B": (0, 1, 1),
        "B1": (1, 1, 0),
    }


def test_optional_columns_set_rights_and_flags(tree: Tree, tmp_path: Path) -> None:
    header = [*HEADER, "表决权状态", "察看期至", "流动党员", "离退休", "失联", "出国境"]
    rows = [
        person(name="甲", 表决权状态="留党察看", 察看期至="2027-01-01", 流动党员="是", 离退休="√"),
        person(name="乙", 失联="Y", 出国境="是"),
        person(name="丙", 表决权状态="留党察看"),
    ]
    result = run(write_csv(tmp_path / "m.csv", rows, header=header))
    assert [(e.row, e.column) for e in result.errors] == [(4, "察看期至")]
    result = run(write_csv(tmp_path / "m.csv", rows[:2], header=header))
    assert result.ok
    jia = Member.objects.get(name="甲")
    assert (jia.rights_status, jia.rights_until, jia.is_floating, jia.is_retired) == (
        "probation",
        dt.date(2027, 1, 1),
        True,
        True,
    )
    yi = Member.objects.get(name="乙")
    assert (yi.is_lost_contact, yi.is_abroad, yi.is_floating) == (True, True, False)


def test_blank_rows_are_skipped_but_still_counted_in_row_numbers(
    tree: Tree, tmp_path: Path
) -> None:
    good, bad = person(), person(学历="?")
    lines = [",".join(HEADER), ",".join(good[h] for h in HEADER), ",,,,", ""]
    lines.append(",".join(bad[h] for h in HEADER))
    path = tmp_path / "m.csv"
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    result = run(path)
    assert [(e.row, e.column) for e in result.errors] == [(5, "学历")]
    assert result.total_rows == 2


def test_a_member_made_full_member_on_the_local_today_is_accepted_before_8am(
    tree: Tree, tmp_path: Path
) -> None:
    # The suite's clock is at 01:30 Beijing time: the UTC date is still yesterday.
    today = clock.today()
    assert timezone.now().astimezone(dt.UTC).date() == today - dt.timedelta(days=1)
    joined = today.replace(year=today.year - 1)
    rows = [person(name="今日转正", 入党日期=joined.isoformat(), 转正日期=today.isoformat())]
    path = write_csv(tmp_path / "m.csv", rows)

    result = run(path)

    assert result.ok, result.errors
    assert Member.objects.get(name="今日转正").full_member_date == today


def test_a_full_member_date_after_the_local_today_is_refused(tree: Tree, tmp_path: Path) -> None:
    tomorrow = clock.today() + dt.timedelta(days=1)
    rows = [person(入党日期="2025-07-01", 转正日期=tomorrow.isoformat())]
    path = write_csv(tmp_path / "m.csv", rows)

    result = run(path)

    assert [(e.row, e.column) for e in result.errors] == [(2, "转正日期")]
    assert "晚于今天" in result.errors[0].reason
    assert Member.objects.count() == 0
