"""Hostile files through the branch's Excel import: a Chinese reason, nothing taken."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from tests import hostile
from tests.conftest import Tree, login
from tests.nomination.conftest import People, meeting
from tuixuan.core.models import User
from tuixuan.nomination import services
from tuixuan.nomination.domain import NominationError
from tuixuan.nomination.models import FormEntry, Round
from tuixuan.record.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def bomb() -> Path:
    return hostile.cached_zip_bomb()


def _post(user: User, round_: Round, tree: Tree, path: Path) -> str:
    client = login(user)
    url = reverse("nomination:branch_import", args=[round_.pk, tree.branch_a1.pk])
    with path.open("rb") as fh:
        response = client.post(url, {"file": fh}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


CASES = [
    (hostile.sparse_range, "工作表声明的范围有 16384 列，超过上限 200 列"),
    (hostile.wide_sheet, "工作表声明的范围有 10000000 列，超过上限 200 列"),
    (lambda p: hostile.sparse_range(p, declare=False), "读取文件所需内存超过 4096 MB 上限，已停止"),
]


@pytest.mark.parametrize(
    ("make", "reason"), CASES, ids=["sparse-range", "ten-million-columns", "sparse-undeclared"]
)
def test_hostile_workbooks_are_refused(
    round_: Round,
    tree: Tree,
    people: People,
    branch_operator: User,
    tmp_path: Path,
    make: Callable[[Path], Path],
    reason: str,
) -> None:
    meeting(branch_operator, round_, tree.branch_a1)
    events = Event.objects.count()
    page = _post(branch_operator, round_, tree, make(tmp_path / "推荐票.xlsx"))
    assert reason in page
    assert re.search(r'class="errorlist"[^>]*><li>' + re.escape(reason), page)  # by the field
    assert Event.objects.count() == events and not FormEntry.objects.exists()
    with pytest.raises(NominationError) as caught:
        services.report_import(
            actor=branch_operator,
            round=round_,
            organisation=tree.branch_a1,
            filename="推荐票.xlsx",
            content=make(tmp_path / "again.xlsx").read_bytes(),
        )
    assert reason in str(caught.value)


def test_the_zip_bomb_is_refused(
    round_: Round, tree: Tree, people: People, branch_operator: User, bomb: Path
) -> None:
    meeting(branch_operator, round_, tree.branch_a1)
    events = Event.objects.count()
    page = _post(branch_operator, round_, tree, bomb)
    assert "工作簿中的部件“xl/worksheets/sheet1.xml”解压后为 2048 MB，超过上限 1024 MB" in page
    assert Event.objects.count() == events and not FormEntry.objects.exists()


@override_settings(UPLOAD_MAX_MB=1)
def test_an_upload_over_the_limit_is_refused(
    round_: Round, tree: Tree, people: People, branch_operator: User, tmp_path: Path
) -> None:
    meeting(branch_operator, round_, tree.branch_a1)
    events = Event.objects.count()
    page = _post(branch_operator, round_, tree, hostile.big_file(tmp_path / "大.xlsx", mb=3))
    assert re.search(
        r'class="errorlist"[^>]*><li>文件超过 1 MB 的上限，未上传。请拆分后分批导入。', page
    )
    assert Event.objects.count() == events and not FormEntry.objects.exists()
