"""The set-up's documents: the seat and structure allocation table (Excel, Word) and the
work plan with its milestones (Word), to print, sign and file."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils.http import content_disposition_header

from tuixuan.campaign import selectors
from tuixuan.campaign.forms import fraction_text
from tuixuan.campaign.models import AllocationStatus, Campaign, ElectionUnit, RuleProfile
from tuixuan.campaign.schedule import STAGE_WORK
from tuixuan.core import clock
from tuixuan.core.documents import excel, word
from tuixuan.record.anchors import campaign_anchor_blocks

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

NAMES = {
    "allocation.xlsx": "代表名额和结构比例分配表",
    "allocation.docx": "代表名额和结构比例分配表",
    "workplan.docx": "推选工作方案",
}


def content_disposition(filename: str) -> str:
    return content_disposition_header(True, filename) or "attachment"


def _unit_rows(campaign: Campaign, rows: Sequence[ElectionUnit]) -> list[list[Any]]:
    table: list[list[Any]] = []
    for number, unit in enumerate(rows, start=1):
        table.append(
            [
                number,
                unit.organisation.name,
                unit.organisation.member_count,
                unit.organisation.child_count,
                unit.proposed_seats,
                unit.seats,
                selectors.minimum_candidates(campaign, unit),
                selectors.pool_limit(campaign, unit),
                str(RuleProfile(unit.rule_profile).label).split("（")[0],
            ]
        )
    return table


_UNIT_HEADERS = (
    "序号",
    "选举单位",
    "党员数",
    "下级党组织数",
    "测算名额",
    "分配名额",
    "候选人预备人选不少于",
    "推荐人选不超过",
    "选举方式",
)


def _target_rows(campaign: Campaign) -> list[list[Any]]:
    rows = campaign.targets.select_related("unit__organisation").order_by(
        "unit__organisation__code", "id"
    )
    return [
        [
            t.unit.organisation.name if t.unit is not None else "全体",
            t.as_rule().label,
            t.as_rule().describe(),
        ]
        for t in rows
    ]


def _status_line(campaign: Campaign) -> str:
    status = AllocationStatus(campaign.allocation_status).label
    return f"{status}（各单位合计 {selectors.seats_total(campaign)} 名）"


def allocation_xlsx(campaign: Campaign) -> bytes:
    rows = list(selectors.units(campaign))
    units = _unit_rows(campaign, rows)
    units.append(
        [
            "合计",
            "",
            sum(r[2] for r in units),
            sum(r[3] for r in units),
            "",
            sum(r[5] for r in units),
            "",
            "",
            "",
        ]
    )
    out = io.BytesIO()
    excel.write_table(
        out,
        [
            (
                "名额分配",
                f"{campaign.name}代表名额分配表（代表总名额 {campaign.total_seats} 名，"
                f"差额比例 {fraction_text(campaign.margin_ratio)}）",
                _UNIT_HEADERS,
                units,
            ),
            (
                "结构比例",
                f"{campaign.name}代表结构比例",
                ("适用范围", "类别", "要求"),
                _target_rows(campaign),
            ),
        ],
    )
    return out.getvalue()


def _facts(campaign: Campaign) -> list[tuple[str, str, str, str]]:
    return [
        ("推选工作", campaign.name, "届次", campaign.term or "—"),
        (
            "召集机关",
            campaign.convening_organisation.name,
            "代表名额",
            f"{campaign.total_seats} 名",
        ),
        (
            "差额比例",
            f"不少于 {fraction_text(campaign.margin_ratio)}",
            "推荐人选倍数",
            f"{fraction_text(campaign.pool_multiple, as_percent=False)} 倍",
        ),
        ("名额分配", _status_line(campaign), "公示期", f"{campaign.notice_working_days} 个工作日"),
    ]


def allocation_docx(campaign: Campaign) -> bytes:
    rows = list(selectors.units(campaign))
    targets = _target_rows(campaign)
    blocks = [
        word.form_table(_facts(campaign)),
        word.heading("一、各选举单位代表名额"),
        word.data_table(_UNIT_HEADERS, _unit_rows(campaign, rows)),
        word.heading("二、代表结构比例"),
        word.data_table(("适用范围", "类别", "要求"), targets)
        if targets
        else word.paragraph("尚未设置结构比例目标。"),
        word.spacer(),
        word.signature_lines(["经办人", "审核人"], dated=True),
        *campaign_anchor_blocks(word, campaign.pk),
    ]
    out = io.BytesIO()
    word.build_docx(
        out,
        title=f"{campaign.name}代表名额和结构比例分配表",
        blocks=blocks,
        landscape=True,
        footer=campaign.convening_organisation.name,
    )
    return out.getvalue()


def workplan_docx(campaign: Campaign) -> bytes:
    rows = list(selectors.units(campaign))
    milestones = [
        [
            str(v.stage.label),
            v.milestone.deadline.isoformat() if v.milestone else "未设置",
            (v.milestone.note if v.milestone and v.milestone.note else STAGE_WORK[v.stage]),
        ]
        for v in selectors.milestones(campaign)
    ]
    duties: list[list[Any]] = [
        [
            u.organisation.name,
            u.seats,
            " ".join(x for x in (u.secretary_post, u.secretary_name) if x) or "—",
            " ".join(x for x in (u.deputy_post, u.deputy_name) if x) or "—",
        ]
        for u in rows
    ]
    blocks = [
        word.heading("一、基本情况"),
        word.form_table(_facts(campaign)),
        word.heading("二、工作步骤和时间安排"),
        word.paragraph(
            "各阶段环环相扣，一个步骤不能少，一个步骤也不能多。截止日期均按国家法定节假日和"
            "调休安排计算的工作日确定。"
        ),
        word.data_table(("阶段", "截止日期", "主要工作"), milestones),
        word.heading("三、选举单位名额和责任分工"),
        word.paragraph("各选举单位党组织书记为第一责任人，分管领导具体负责。"),
        word.data_table(("选举单位", "代表名额", "第一责任人", "具体负责人"), duties),
        word.heading("四、审查把关"),
        word.paragraph("联审部门：" + "、".join(campaign.departments) + "。"),
        word.paragraph(
            "有下列情形之一的，实行一票否决：" + "、".join(campaign.disqualification_reasons) + "。"
        ),
        word.paragraph(
            f"党组织参与率目标 {fraction_text(campaign.org_participation_target)}，"
            f"党员参与率目标 {fraction_text(campaign.member_participation_target)}；"
            f"公示期不少于 {campaign.notice_working_days} 个工作日。"
        ),
        word.spacer(),
        word.signature_lines(["经办人", "审核人"], dated=True),
        *campaign_anchor_blocks(word, campaign.pk),
    ]
    out = io.BytesIO()
    word.build_docx(
        out,
        title=f"{campaign.name}推选工作方案",
        blocks=blocks,
        footer=f"{campaign.convening_organisation.name} {clock.today():%Y年%m月%d日}",
    )
    return out.getvalue()


def build(campaign: Campaign, name: str) -> tuple[bytes, str, str] | None:
    """(content, file name, content type) of the named document, or None if there is none."""
    label = NAMES.get(name)
    if label is None:
        return None
    filename = f"{campaign.name}{label}.{name.rsplit('.', 1)[1]}"
    if name == "allocation.xlsx":
        return allocation_xlsx(campaign), filename, XLSX
    if name == "allocation.docx":
        return allocation_docx(campaign), filename, DOCX
    return workplan_docx(campaign), filename, DOCX
