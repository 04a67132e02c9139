"""End to end in headless Chromium: a member registry chosen as several files in one go is
imported as one; a duplicate across the files writes nothing and the error names both."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.conftest import Tree
from tests.registry.helpers import person, write_csv
from tests.workers import JobQueue
from tuixuan.core.models import Role
from tuixuan.registry.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _import(page: Any, base: str, files: list[Path], jobs: JobQueue) -> None:
    page.goto(f"{base}/registry/import/")
    page.select_option("select[name=kind]", "members")
    page.set_input_files("input[name=file]", [str(f) for f in files])
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#job-state[data-status=pending]")
    assert jobs.run() == 1
    page.wait_for_selector("#job-status")


def test_several_files_are_one_import(
    page: Any, live_server: Any, tree: Tree, tmp_path: Path, jobs: JobQueue
) -> None:
    factories.user(Role.UNIT_OPERATOR, tree.unit_a, username="unit_a_op")
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "unit_a_op")
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=下一步要做的事")

    twice = person(org="A1")
    bad = [
        write_csv(tmp_path / "一.csv", [person(org="A1"), twice]),
        write_csv(tmp_path / "二.csv", [twice]),
    ]
    _import(page, base, bad, jobs)
    assert page.inner_text("#job-status") == "有错误，未写入"
    errors = page.inner_text("#errors")
    assert "文件“二.csv”" in errors and "公民身份号码与第 3 行（文件“一.csv”）重复" in errors
    assert Member.objects.count() == 0

    good = [
        write_csv(tmp_path / "三.csv", [person(org="A1"), person(org="A2")]),
        write_csv(tmp_path / "四.csv", [person(org="A2")]),
    ]
    _import(page, base, good, jobs)
    assert page.inner_text("#job-status") == "已完成"
    assert page.inner_text("#job-created") == "3"
    assert "三.csv" in page.inner_text("#job-files") and "四.csv" in page.inner_text("#job-files")
    assert Member.objects.count() == 3
