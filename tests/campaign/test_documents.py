"""The set-up documents open and hold the allocation, targets and milestones."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

from tests.render import docx_east_asian_fonts, docx_text, xlsx_rows
from tuixuan.campaign import documents, services
from tuixuan.campaign.models import Campaign
from tuixuan.core.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(with_units: Campaign, convener: User) -> Campaign:
    services.allocation_propose(actor=convener, campaign=with_units)
    services.allocation_confirm(actor=convener, campaign=with_units)
    services.target_add(
        actor=convener,
        campaign=with_units,
        category="front_line",
        comparator=">=",
        threshold=Fraction(1, 3),
    )
    services.milestones_plan(
        actor=convener, campaign=with_units, start=dt.date(2026, 9, 1), confirm_past=True
    )
    unit = with_units.units.get(organisation__code="A")
    services.unit_update(actor=convener, unit=unit, secretary_name="张三", secretary_post="书记")
    return with_units


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_the_allocation_workbook_lists_units_total_and_targets(
    ready: Campaign, tmp_path: Path
) -> None:
    path = _write(tmp_path, "a.xlsx", documents.allocation_xlsx(ready))
    rows = xlsx_rows(path, "名额分配")
    assert "市第五次党代会代表名额分配表" in str(rows[0][0])
    assert rows[1][:2] == ("序号", "选举单位")
    body = {r[1]: r for r in rows[2:]}
    assert body["东河镇党委"][5] == 22 and body["市直机关工委"][5] == 8
    # seats 22 at 20% -> 26.4 -> 27 candidates at least; pool 22 × 8 = 176
    assert body["东河镇党委"][6] == 27 and body["东河镇党委"][7] == 176
    assert rows[-1][0] == "合计" and rows[-1][5] == 30
    targets = xlsx_rows(path, "结构比例")
    assert targets[2] == ("全体", "生产和工作第一线", "生产和工作第一线不低于 33.3%")


def test_the_allocation_document_opens_in_word(ready: Campaign, tmp_path: Path) -> None:
    path = _write(tmp_path, "a.docx", documents.allocation_docx(ready))
    text = docx_text(path)
    assert "市第五次党代会代表名额和结构比例分配表" in text
    assert "东河镇党委" in text and "生产和工作第一线不低于 33.3%" in text
    assert "经办人" in text
    assert "宋体" in docx_east_asian_fonts(path)


def test_the_work_plan_lists_every_milestone_and_duty(ready: Campaign, tmp_path: Path) -> None:
    path = _write(tmp_path, "p.docx", documents.workplan_docx(ready))
    text = docx_text(path)
    for stage in ("部署", "一上", "一下", "二上", "二下", "公示", "选举", "资格审查"):
        assert stage in text
    assert "2026-09-29" in text  # 一上, across the Mid-autumn Festival
    assert "书记 张三" in text
    assert "纪检、公安、审计、综治、信访、卫生计生" in text
    assert "举报反映问题没有查清" in text
