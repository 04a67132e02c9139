"""The nomination's documents: the branch's recommendation form and tally sheet (PDF, to
print and sign), the roll-up tables of a level (Excel), the unit's 推荐情况报告 (Word)."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import ElectionUnit
from tuixuan.core import clock
from tuixuan.core.documents import pdf, word, write_table
from tuixuan.core.errors import DomainError
from tuixuan.core.models import Organisation
from tuixuan.nomination import selectors
from tuixuan.nomination.domain import percent
from tuixuan.nomination.models import ListKind, ReportStatus, Round
from tuixuan.record.anchors import campaign_anchor_blocks
from tuixuan.registry.models import Member

TYPES = {
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def response(data: bytes, filename: str) -> HttpResponse:
    kind = next(
        (t for ext, t in TYPES.items() if filename.endswith(ext)), "application/octet-stream"
    )
    resp = HttpResponse(data, content_type=kind)
    resp["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return resp


def _flags(findings: list[Any]) -> str:
    return "；".join(f.reason for f in findings)


def branch_pdf(round: Round, org: Organisation) -> bytes:
    """The blank recommendation form (one per member) and the branch's tally sheet."""
    campaign = round.campaign
    report = selectors.report_for(round, org)
    n = campaign.names_per_form
    blocks: list[Any] = [
        pdf.heading("一、推荐表"),
        pdf.paragraph(
            f"{campaign.name}代表推荐表。每张推荐表最多推荐 {n} 人，"
            "被推荐人须为本选举单位党员；预备党员填写的推荐表单独统计。"
        ),
        pdf.form_table(
            [
                ("党组织", org.name, "填表人类别", "□正式党员  □预备党员"),
            ]
        ),
        pdf.data_table(
            ["序号", "被推荐人姓名", "性别", "工作单位及职务"],
            [[i, "", "", ""] for i in range(1, n + 1)],
            col_widths=[1, 3, 1, 6],
        ),
        pdf.page_break(),
        pdf.heading("二、推荐会议情况"),
        pdf.form_table(
            [
                ("党组织", org.name),
                (
                    "会议日期",
                    report.meeting_date.isoformat() if report and report.meeting_date else "",
                    "会议地点",
                    report.meeting_place if report else "",
                ),
                (
                    "应到会党员",
                    str(report.members_due) if report else "",
                    "实到会党员",
                    str(report.members_present) if report else "",
                ),
                (
                    "主持人",
                    report.presider if report else "",
                    "责任人",
                    report.accountable_person if report else "",
                ),
            ]
        ),
        pdf.heading("三、计票单"),
    ]
    rows: list[list[Any]] = []
    if report is not None:
        counts = (
            report.counts.select_related("candidate").order_by("-votes", "-probationary_votes")
            if report.status == ReportStatus.SUBMITTED or report.mode == "totals"
            else []
        )
        for i, c in enumerate(counts, start=1):
            rows.append(
                [i, c.candidate.name, c.candidate.citizen_id, c.votes, c.probationary_votes]
            )
    if not rows:
        rows = [[i, "", "", "", ""] for i in range(1, 16)]
    blocks += [
        pdf.data_table(
            ["序号", "被推荐人", "公民身份号码", "正式党员票", "预备党员票（单列）"],
            rows,
            col_widths=[1, 3, 5, 2, 3],
        ),
        pdf.spacer(),
        pdf.signature_lines(["计票人", "监票人", "支部书记"], dated=True),
        *campaign_anchor_blocks(pdf, campaign.pk),
    ]
    buf = io.BytesIO()
    pdf.build_pdf(
        buf,
        title=f"{org.name}推荐表和计票单",
        blocks=blocks,
        header=f"{campaign.name}代表推选工作 · 一上",
    )
    return buf.getvalue()


def rollup_xlsx(round: Round, org: Organisation) -> bytes:
    unit = selectors.unit_of(round.campaign, org)
    if unit is None:
        raise DomainError(f"“{org.name}”不属于本次推选工作的任何选举单位。")
    ranked = selectors.ranked(round, org, limit=None, recommenders_for="all")
    tally_rows: list[list[Any]] = [
        [
            r.rank or "",
            r.member.name,
            r.member.citizen_id,
            r.member.organisation.name,
            r.votes,
            r.probationary_votes,
            r.reports,
            "、".join(f"{x.organisation.name}（{x.accountable_person}）" for x in r.recommenders),
            "、".join(
                f"{o.organisation.name}（{o.accountable_person}）" for o in r.org_recommended_by
            ),
            _flags(r.findings),
        ]
        for r in ranked
    ]
    children: list[list[Any]] = [
        [c.organisation.name, c.branches, c.submitted, c.branches - c.submitted]
        for c in selectors.children_status(round, unit, org)
    ]
    missing: list[list[Any]] = [[o.name, o.code] for o in selectors.not_reported(round, unit, org)]
    rates = selectors.rates(round, unit, org)
    mode_rows: list[list[Any]] = [[f"其中{k}", "", v, "", "", ""] for k, v in rates.by_mode.items()]
    buf = io.BytesIO()
    write_table(
        buf,
        [
            (
                "推荐汇总",
                f"{org.name}一上推荐情况汇总表",
                [
                    "名次",
                    "姓名",
                    "公民身份号码",
                    "所在党组织",
                    "正式党员推荐票",
                    "预备党员推荐票（单列）",
                    "推荐党组织数",
                    "推荐党组织（责任人）",
                    "组织推荐（责任人）",
                    "资格提示",
                ],
                tally_rows,
            ),
            (
                "报送情况",
                f"{org.name}下级党组织报送情况",
                ["党组织", "党支部数", "已报送", "未报送"],
                children,
            ),
            ("未报送", f"{org.name}尚未报送的党支部", ["党支部", "组织代码"], missing),
            (
                "参与率",
                f"{org.name}参与情况",
                ["项目", "应参与", "已参与", "参与率", "目标", "是否达到"],
                [
                    [
                        "党组织",
                        rates.organisations,
                        rates.organisations_reporting,
                        rates.org_percent,
                        percent(rates.org_target),
                        "是" if rates.org_met else "否",
                    ],
                    [
                        "党员",
                        rates.members,
                        rates.members_reached,
                        rates.member_percent,
                        percent(rates.member_target),
                        "是" if rates.member_met else "否",
                    ],
                    *mode_rows,
                ],
            ),
        ],
    )
    return buf.getvalue()


def unit_report_docx(round: Round, unit: ElectionUnit) -> bytes:
    """推荐情况报告: how the unit recommended, the figures and the lists, for the committee."""
    campaign = round.campaign
    org = unit.organisation
    rates = selectors.rates(round, unit, org)
    sat = selectors.satisfaction(round, org)
    ranked = selectors.ranked(round, org, limit=campaign_selectors.pool_limit(campaign, unit))
    flagged = selectors.flagged(round, org)
    shortlist = selectors.list_for(round, org, ListKind.SHORTLIST)
    pool = selectors.list_for(round, org, ListKind.POOL)
    chosen = shortlist or pool
    people: list[Member] = (
        [e.candidate for e in chosen.entries.select_related("candidate")] if chosen else []
    )
    modes = "、".join(f"{k}{v}人" for k, v in rates.by_mode.items()) or "无"
    blocks: list[Any] = [
        word.heading("一、基本情况"),
        word.paragraph(
            f"按照{campaign.name}代表推选工作的统一部署，{org.name}（代表名额 {unit.seats} 名，"
            f"推荐人选不超过 {campaign_selectors.pool_limit(campaign, unit)} 名）"
            "组织所属党组织开展一上推荐。"
            f"应参与党支部 {rates.organisations} 个，已报送 {rates.organisations_reporting} 个，"
            f"党组织参与率 {rates.org_percent}；应参与党员 {rates.members} 名，"
            f"已参与 {rates.members_reached} 名，"
            f"党员参与率 {rates.member_percent}（其中 {modes}）。"
            f"党员满意度测评 {sat.total} 人，满意和基本满意率 {sat.percent}。"
        ),
        word.heading("二、推荐得票情况"),
        word.data_table(
            ["名次", "姓名", "所在党组织", "正式党员票", "预备党员票", "推荐党组织数"],
            [
                [
                    r.rank or "组织推荐",
                    r.member.name,
                    r.member.organisation.name,
                    r.votes,
                    r.probationary_votes,
                    r.reports,
                ]
                for r in ranked
            ],
        ),
        word.heading("三、资格审查提示"),
    ]
    if flagged:
        blocks.append(
            word.data_table(
                ["姓名", "情形", "推荐党组织（责任人）"],
                [
                    [
                        r.member.name,
                        _flags(r.findings),
                        "、".join(
                            f"{x.organisation.name}（{x.accountable_person}）"
                            for x in r.recommenders
                        ),
                    ]
                    for r in flagged
                ],
            )
        )
    else:
        blocks.append(word.paragraph("被推荐人中未发现不得推荐提名的情形。"))
    blocks.append(word.heading("四、集体研究确定的名单"))
    if chosen is not None:
        blocks.append(
            word.paragraph(
                f"{chosen.decided_on:%Y年%m月%d日}，{org.name}召开会议集体研究"
                f"（应到 {chosen.attendance_due} 人，实到 {chosen.attendance_present} 人），"
                f"{chosen.decision}。确定{ListKind(chosen.kind).label} "
                f"{len(people)} 名（按得票排序）：{'、'.join(m.name for m in people)}。"
            )
        )
        try:
            results = selectors.structure_preview(campaign, unit, people)
            blocks.append(
                word.data_table(
                    ["结构要求", "情况"], [[r.target.describe(), r.explanation] for r in results]
                )
            )
        except DomainError as exc:
            blocks.append(word.paragraph(f"结构比例无法计算：{exc}"))
    else:
        blocks.append(word.paragraph("尚未集体研究确定名单。"))
    blocks.append(word.signature_lines([f"{org.name}（盖章）", "责任人"], dated=True))
    blocks += campaign_anchor_blocks(word, campaign.pk)
    buf = io.BytesIO()
    word.build_docx(
        buf,
        title=f"{org.name}关于{campaign.name}代表一上推荐情况的报告",
        blocks=blocks,
        subject=f"生成于 {clock.today():%Y-%m-%d}",
    )
    return buf.getvalue()
