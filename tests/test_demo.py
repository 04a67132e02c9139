"""The demo: generated registry files are valid and plausible; the command builds a city."""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests import factories
from tuixuan.core import citizen_id, dbmark
from tuixuan.core.models import Organisation, OrgType, Role, User
from tuixuan.demo import generator
from tuixuan.demo.build import DEMO_PASSWORD, DemoError, reset_database
from tuixuan.demo.generator import Branch, Manifest, Org, generate
from tuixuan.registry.models import Deputy, Member, Sanction

TODAY = dt.date(2026, 11, 25)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Manifest:
    return generate(tmp_path_factory.mktemp("demo"), seed=11, today=TODAY, members=600, branches=20)


def test_it_writes_valid_member_rows(small: Manifest) -> None:
    rows = _rows(small.files["members"])
    branch_codes = {
        o["组织代码"] for o in _rows(small.files["organisations"]) if o["组织类别"] == "党支部"
    }
    assert len(rows) == 600
    assert len({r["公民身份号码"] for r in rows}) == 600
    for r in rows:
        parsed = citizen_id.parse(r["公民身份号码"])
        assert parsed.birth_date.isoformat() == r["出生日期"]
        assert parsed.gender == ("F" if r["性别"] == "女" else "M")
        birth = parsed.birth_date
        joined = dt.date.fromisoformat(r["入党日期"])
        assert joined >= generator.adult_on(birth)
        assert joined <= TODAY
        if r["党员类型"] == "预备党员":
            assert r["转正日期"] == ""
            assert (TODAY - joined).days < 365
        else:
            assert r["党员类型"] == "正式党员"
            assert joined < dt.date.fromisoformat(r["转正日期"]) <= TODAY
        assert r["所在党组织"] in branch_codes
        assert (r["离退休"] == "是") == (r["人员类别"] == "离退休人员")
        assert 18 <= (TODAY - birth).days // 365 <= 96


def test_it_draws_plausible_distributions(small: Manifest) -> None:
    rows = _rows(small.files["members"])
    n = len(rows)
    women = sum(r["性别"] == "女" for r in rows)
    assert 0.20 * n <= women <= 0.40 * n
    assert 0 < sum(r["党员类型"] == "预备党员" for r in rows) < 0.10 * n
    assert 0 < sum(r["民族"] != "汉族" for r in rows) < 0.15 * n
    assert sum(r["流动党员"] == "是" for r in rows) > 0
    assert Counter(r["姓名"][0] for r in rows).most_common(1)[0][0] in "王李张刘陈"
    assert {r["表决权状态"] for r in rows} >= {"正常", "留党察看", "留置"}


def test_it_builds_29_committees_under_the_city(small: Manifest) -> None:
    orgs = _rows(small.files["organisations"])
    roots = [o for o in orgs if o["上级党组织"] == ""]
    assert [(o["组织代码"], o["党组织名称"], o["组织类别"]) for o in roots] == [
        ("SFS", "示范市委", "市委")
    ]
    committees = [o for o in orgs if o["上级党组织"] == "SFS"]
    assert len(committees) == 29
    towns = [o for o in committees if o["党组织名称"].endswith(("镇党委", "乡党委"))]
    assert len(towns) == 17
    assert {"市直机关工委", "市教育工委", "市卫健工委"} <= {o["党组织名称"] for o in committees}
    codes = [o["组织代码"] for o in orgs]
    assert len(codes) == len(set(codes))
    seen: set[str] = set()
    for o in orgs:  # parents come before their children, as an import needs
        assert o["上级党组织"] == "" or o["上级党组织"] in seen
        seen.add(o["组织代码"])
    assert small.unit_code in {o["组织代码"] for o in towns}
    branch = next(o for o in orgs if o["组织代码"] == small.branch_code)
    assert branch["上级党组织"] == small.unit_code


def test_it_lists_sanctions_and_deputies_consistent_with_members(small: Manifest) -> None:
    members = {r["公民身份号码"]: r for r in _rows(small.files["members"])}
    sanctions = _rows(small.files["sanctions"])
    assert sanctions
    assert all(s["公民身份号码"] in members for s in sanctions)
    for r in members.values():
        if r["表决权状态"] == "留党察看":
            until = dt.date.fromisoformat(r["察看期至"])
            assert until > TODAY
            assert any(
                s["公民身份号码"] == r["公民身份号码"] and s["影响期至"] == r["察看期至"]
                for s in sanctions
            )
    warnings = [s for s in sanctions if s["处分种类"] == "警告"]
    for s in warnings:
        decided = dt.date.fromisoformat(s["处分决定日期"])
        assert dt.date.fromisoformat(s["影响期至"]) == decided.replace(year=decided.year + 1)
    investigations = _rows(small.files["investigations"])
    assert any(i["结案日期"] == "" for i in investigations)
    deputies = _rows(small.files["deputies"])
    assert Counter(d["类别"] for d in deputies) == {"人大代表": 40, "政协委员": 30}
    for d in deputies:
        citizen_id.parse(d["公民身份号码"])
    assert 0 < sum(d["公民身份号码"] in members for d in deputies) < len(deputies)


def test_it_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", seed=5, today=TODAY, members=300, branches=12)
    b = generate(tmp_path / "b", seed=5, today=TODAY, members=300, branches=12)
    c = generate(tmp_path / "c", seed=6, today=TODAY, members=300, branches=12)
    for kind in generator.FILE_NAMES:
        assert a.files[kind].read_bytes() == b.files[kind].read_bytes()
    assert a.files["members"].read_bytes() != c.files["members"].read_bytes()


def test_it_refuses_more_members_than_branches_can_hold(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="无法分配"):
        generate(tmp_path, seed=1, today=TODAY, members=20 * 121, branches=20)


@given(birth=st.dates(dt.date(1930, 1, 1), dt.date(2008, 12, 31)))
def test_it_comes_of_age_on_the_18th_birthday_or_1_march(birth: dt.date) -> None:
    adult = generator.adult_on(birth)
    assert adult.year == birth.year + 18
    if (birth.month, birth.day) == (2, 29) and adult.month == 3:
        assert adult.day == 1
    else:
        assert (adult.month, adult.day) == (birth.month, birth.day)


def test_it_makes_leap_day_members_join_from_1_march() -> None:
    people = generator._People(random.Random(3), dt.date(2026, 3, 10))
    people.birth = lambda age: dt.date(2008, 2, 29)  # type: ignore[method-assign]
    for _ in range(200):
        row, _, _ = generator._member_row(people, "student", "B1")
        assert row[7] >= "2026-03-01"


@given(total=st.integers(0, 10_000), weights=st.lists(st.integers(1, 50), min_size=1))
def test_split_keeps_the_total(total: int, weights: list[int]) -> None:
    parts = generator._split(total, weights)
    assert sum(parts) == total
    assert all(abs(p - total * w / sum(weights)) < 1 for p, w in zip(parts, weights, strict=True))


@hypothesis_settings(max_examples=40)
@given(n=st.integers(1, 60), per=st.integers(5, 120), seed=st.integers(0, 1000))
def test_branch_sizes_stay_within_bounds_and_sum_exactly(n: int, per: int, seed: int) -> None:
    branches = [
        Branch(Org(f"B{i}", f"支部{i}", "党支部", "P"), ("village", "private", "agency")[i % 3])
        for i in range(n)
    ]
    total = n * per
    generator._sizes(branches, total, random.Random(seed))
    assert sum(b.size for b in branches) == total
    assert all(5 <= b.size <= 120 for b in branches)


@pytest.fixture
def demo_env(settings: Any, tmp_path: Path) -> Path:
    """Files go to a temporary data directory; a fast hasher keeps account creation quick."""
    settings.DATA_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path


@pytest.mark.django_db
def test_it_builds_the_demo_through_the_imports_and_creates_one_account_per_role(
    demo_env: Path,
) -> None:
    out = StringIO()
    call_command("demo", "--no-serve", "--members=600", "--branches=20", verbosity=0, stdout=out)
    assert Member.objects.count() == 600
    city = Organisation.objects.get(code="SFS")
    assert city.children.count() == 29
    assert Sanction.objects.filter(member__isnull=False).exists()
    assert Deputy.objects.filter(member__isnull=False).exists()
    users = {u.username: u for u in User.objects.select_related("organisation")}
    assert {u.role for u in users.values()} == set(Role.values)
    assert users["convener"].organisation == city
    unit = users["unit"].organisation
    assert unit is not None
    assert unit.parent == city
    assert unit.name.endswith(("镇党委", "乡党委"))
    assert users["teller"].organisation == unit
    branch = users["branch"].organisation
    assert branch is not None
    assert branch.org_type == OrgType.BRANCH
    assert branch.path.startswith(unit.path)
    assert users["reviewer"].department == "纪检"
    assert users["unit"].check_password(DEMO_PASSWORD)
    text = out.getvalue()
    assert "convener" in text
    assert DEMO_PASSWORD in text
    assert "访问地址" not in text and "http://" not in text  # nothing is served
    assert "tuixuan serve" in text
    assert (demo_env / "demo" / generator.FILE_NAMES["members"]).exists()

    again = StringIO()
    call_command("demo", "--no-serve", "--members=600", "--branches=20", verbosity=0, stdout=again)
    assert "已存在" in again.getvalue()
    assert Member.objects.count() == 600
    assert User.objects.count() == 9


@pytest.mark.django_db
def test_the_demo_holds_a_campaign_and_an_election_ready_to_open(demo_env: Path) -> None:
    from tuixuan.campaign.models import Campaign
    from tuixuan.election import selectors
    from tuixuan.election.models import Election

    call_command("demo", "--no-serve", "--members=2000", "--branches=40", verbosity=0)
    campaign = Campaign.objects.get()
    assert campaign.units.count() == 29
    assert sum(u.seats for u in campaign.units.all()) == campaign.total_seats
    election = Election.objects.get()
    assert selectors.open_blockers(election) == []
    chief = User.objects.get(username="teller")
    assert chief.check_password(DEMO_PASSWORD)
    assert "demo" in dbmark.marks()
    _the_demo_vetting()


def _the_demo_vetting() -> None:
    """Vetting at every state in one unit, with work for the inspector and the reviewer."""
    from tuixuan.core.next_steps import home_steps
    from tuixuan.vetting import domain
    from tuixuan.vetting.models import CadreCheck, Case, Decision, Veto

    assert set(Case.objects.values_list("status", flat=True)) == set(domain.Status)
    veto = Veto.objects.get()
    assert veto.source_label == "纪检部门联审" and veto.lifted_on is None
    assert CadreCheck.objects.count() == len(domain.FOUR_MUSTS)
    assert Decision.objects.count() == 1
    for name in ("inspector", "reviewer"):
        steps, _fixed = home_steps(User.objects.get(username=name))
        assert any("/vetting/" in s.url for s in steps), name


@pytest.mark.django_db
def test_it_refuses_to_reset_a_database_with_other_data(demo_env: Path) -> None:
    factories.user(Role.CONVENER, None, username="real_convener")
    with pytest.raises(DemoError, match="非演示数据"):
        reset_database()


@pytest.mark.django_db
def test_it_refuses_to_reset_a_database_that_is_not_marked(demo_env: Path) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {dbmark.MARK_TABLE}")
    with pytest.raises(DemoError, match="不是由演示命令创建的"):
        reset_database()
    assert dbmark.marks() == set()


@pytest.mark.django_db
def test_it_refuses_to_add_the_demo_beside_real_organisations(demo_env: Path) -> None:
    factories.organisation("某县委", org_type=OrgType.COUNTY, code="REAL")
    with pytest.raises(Exception, match="非演示党组织"):
        call_command("demo", "--no-serve", "--members=600", "--branches=20", verbosity=0)
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_a_demo_file_that_fails_names_the_workbook_with_every_error(tmp_path: Path) -> None:
    from tuixuan.demo.build import import_files
    from tuixuan.demo.generator import Manifest

    bad = tmp_path / "01_党组织.csv"
    lines = ["组织代码,党组织名称,上级党组织,组织类别"] + [f"X{i},,NOPE,党支部" for i in range(7)]
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    manifest = Manifest(
        directory=tmp_path,
        files={"organisations": bad},
        city_code="X",
        unit_code="X",
        branch_code="X",
    )
    with pytest.raises(DemoError) as failure:
        import_files(manifest, None)
    report = tmp_path / "01_党组织-错误清单.xlsx"
    assert f"全部错误见 {report}" in str(failure.value)
    from openpyxl import load_workbook

    sheet = load_workbook(report).active
    assert sheet is not None
    assert sheet.max_row - 1 >= 7  # every bad row, not the first five
