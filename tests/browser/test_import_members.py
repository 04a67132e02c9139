"""End to end in headless Chromium: a unit operator imports members and sees them, and cannot
open another unit's page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.conftest import Tree
from tests.workers import JobQueue
from tuixuan.core import citizen_id
from tuixuan.core.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _members_csv(path: Path) -> Path:
    import datetime as dt

    header = (
        "姓名,性别,民族,公民身份号码,出生日期,学历,人员类别,入党日期,转正日期,党员类型,所在党组织"
    )
    rows = [header]
    people = [
        ("赵一", "M", dt.date(1975, 3, 8)),
        ("钱二", "F", dt.date(1988, 11, 2)),
        ("孙三", "M", dt.date(1969, 1, 30)),
    ]
    for i, (name, gender, birth) in enumerate(people):
        cid = citizen_id.make("430102", birth, 100 + i, gender)
        rows.append(
            f"{name},{'男' if gender == 'M' else '女'},汉族,{cid},{birth:%Y-%m-%d},大学本科,"
            f"工人,2012-07-01,2013-07-01,正式党员,A1"
        )
    path.write_text("\n".join(rows) + "\n", encoding="gbk")
    return path


def test_unit_operator_imports_members_and_is_kept_in_scope(
    page: Any, live_server: Any, tree: Tree, tmp_path: Path, jobs: JobQueue
) -> None:
    factories.user(Role.UNIT_OPERATOR, tree.unit_a, username="unit_a_op")
    base = live_server.url

    page.goto(f"{base}/login/")
    assert "登录" in page.title()
    page.fill("input[name=username]", "unit_a_op")
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=下一步要做的事")

    page.goto(f"{base}/registry/import/")
    page.select_option("select[name=kind]", "members")
    page.set_input_files("input[name=file]", str(_members_csv(tmp_path / "members.csv")))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#job-state[data-status=pending]")
    assert jobs.run() == 1  # the worker runs the queued import; the page follows by itself
    page.wait_for_selector("#job-status")
    assert page.inner_text("#job-status") == "已完成"
    assert page.inner_text("#job-created") == "3"

    page.goto(f"{base}/registry/members/")
    table = page.inner_text("#members")
    for name in ("赵一", "钱二", "孙三"):
        assert name in table

    response = page.goto(f"{base}/registry/org/{tree.unit_b.pk}/")
    assert response is not None and response.status == 404  # like an organisation of nobody
    assert "未找到" in page.content()
