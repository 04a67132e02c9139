"""The vetting's documents: the 考察预告 and the 考察材料 (Word/PDF), the department's
征求意见函 (Word/PDF), and the unit's vetting summary table (Excel/Word). Each ends with the
record's anchor block of the campaign, like the other stages' documents."""

from __future__ import annotations

import io
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from tuixuan.campaign.models import ElectionUnit
from tuixuan.core import clock
from tuixuan.core.documents import pdf, word, write_table
from tuixuan.record.anchors import campaign_anchor_blocks
from tuixuan.registry.models import Member
from tuixuan.vetting import domain, selectors
from tuixuan.vetting.models import (
    Case,
    DepartmentRequest,
    Evaluation,
    InspectionNotice,
    InspectionReport,
    TalkCount,
)

FORMATS = ("pdf", "docx")


def _kit(fmt: str) -> ModuleType:
    return pdf if fmt == "pdf" else word


def _build(fmt: str, *, title: str, blocks: list[Any], header: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "pdf":
        pdf.build_pdf(buf, title=title, blocks=blocks, header=header)
    else:
        word.build_docx(buf, title=title, blocks=blocks, header=header)
    return buf.getvalue()


def _month(member: Member, field: str) -> str:
    day = getattr(member, field)
    return f"{day.year}年{day.month}月" if day else ""


def _day(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


# --- 考察预告 -------------------------------------------------------------------------------


def notice_document(notice: InspectionNotice, fmt: str) -> bytes:
    team = notice.team
    unit = team.unit
    m = _kit(fmt)
    cases = list(
        notice.cases.select_related("member__organisation").order_by("list_entry__position")
    )
    rows = [
        [
            i,
            c.member.name,
            c.member.get_gender_display(),
            _month(c.member, "birth_date"),
            c.member.organisation.name,
            c.post,
        ]
        for i, c in enumerate(cases, start=1)
    ]
    blocks: list[Any] = [
        m.paragraph(
            f"根据{team.campaign.name}工作安排，经研究，{unit.organisation.name}决定派出"
            f"{team.name}，于{_day(notice.starts_on)}至{_day(notice.ends_on)}对下列同志进行考察。"
        ),
        m.data_table(
            ["序号", "姓名", "性别", "出生年月", "所在党组织", "现任职务"],
            rows,
            col_widths=[1, 2, 1, 2, 4, 4],
        ),
        m.spacer(),
        m.paragraph(
            f"考察期间，考察组将在{notice.scope}中开展个别谈话、民主测评等工作。"
            "欢迎党员群众如实反映考察对象的有关情况。"
        ),
        m.form_table(
            [
                ("考察组", team.name, "组长", team.leader.display_name or team.leader.username),
                ("联系人", notice.contact_person, "联系电话", notice.contact_phone),
                ("发布日期", _day(notice.issued_on)),
            ]
        ),
        m.spacer(),
        m.paragraph(f"{unit.organisation.name}　{_day(notice.issued_on)}", indent=False),
        *campaign_anchor_blocks(m, team.campaign_id),
    ]
    return _build(fmt, title="考察预告", blocks=blocks, header=f"{team.campaign.name} · 考察")


# --- 考察材料 -------------------------------------------------------------------------------


def evaluation_rows(evaluation: Evaluation | None) -> list[list[Any]]:
    """One row per dimension: the count of each grade and the share of 优秀 and 称职."""
    if evaluation is None:
        return []
    out: list[list[Any]] = []
    for dim in domain.dimensions_in_order(evaluation.counts):
        row = evaluation.counts[dim]
        good = row.get("优秀", 0) + row.get("称职", 0)
        share = f"{100 * good / evaluation.participants:.1f}%" if evaluation.participants else ""
        out.append([dim, *(row.get(g, 0) for g in domain.GRADES), share])
    return out


EVALUATION_HEADERS = ["测评维度", *domain.GRADES, "优秀和称职率"]


def material_template(case: Case) -> str:
    """The text a team starts its 考察材料 from, built from what the system knows."""
    m = case.member
    talks = dict(TalkCount.objects.filter(case=case).values_list("category", "count"))
    evaluation = Evaluation.objects.filter(case=case).first()
    notice = case.notice
    lines = [
        f"{m.name}，{m.get_gender_display()}，{m.ethnicity}，{_month(m, 'birth_date')}出生，"
        f"{_month(m, 'joined_date')}入党，{m.get_education_display()}，"
        f"现任{case.post or m.organisation.name + '党员'}。",
        "",
    ]
    if notice is not None:
        lines.append(
            f"根据工作安排，{case.team.name if case.team else '考察组'}于"
            f"{_day(notice.starts_on)}至{_day(notice.ends_on)}对{m.name}同志进行了考察。"
        )
    if talks:
        lines.append(
            f"考察组个别谈话 {sum(talks.values())} 人，其中"
            + "、".join(f"{k} {v} 人" for k, v in talks.items())
            + "。"
        )
    if evaluation is not None:
        lines.append(
            f"民主测评应参加 {evaluation.due} 人，实参加 {evaluation.participants} 人。"
            + "；".join(f"{r[0]}优秀和称职率 {r[-1]}" for r in evaluation_rows(evaluation))
            + "。"
        )
    lines += [
        "",
        "一、政治表现：",
        "",
        "二、品德修养：",
        "",
        "三、工作实绩：",
        "",
        "四、廉洁自律：",
        "",
        "五、主要不足：",
        "",
    ]
    return "\n".join(lines)


def material_document(case: Case, fmt: str) -> bytes:
    k = _kit(fmt)
    m = case.member
    report = InspectionReport.objects.filter(case=case).select_related("signed_by").first()
    talks = list(TalkCount.objects.filter(case=case).values_list("category", "count"))
    evaluation = Evaluation.objects.filter(case=case).first()
    blocks: list[Any] = [
        k.form_table(
            [
                ("姓名", m.name, "性别", m.get_gender_display(), "民族", m.ethnicity),
                ("出生年月", _month(m, "birth_date"), "入党时间", _month(m, "joined_date")),
                ("所在党组织", m.organisation.name, "现任职务", case.post),
                ("考察组", case.team.name if case.team else ""),
            ]
        ),
        k.heading("一、考察材料"),
    ]
    text = report.material if report else "（尚未形成考察材料）"
    blocks += [k.paragraph(p) for p in text.splitlines() if p.strip()]
    blocks.append(k.heading("二、个别谈话"))
    blocks.append(
        k.data_table(["谈话对象类别", "人数"], [list(t) for t in talks] or [["（未登记）", ""]])
    )
    blocks.append(k.heading("三、民主测评"))
    if evaluation is not None:
        blocks.append(
            k.paragraph(
                f"{_day(evaluation.held_on)}测评，应参加 {evaluation.due} 人，"
                f"实参加 {evaluation.participants} 人。",
                indent=False,
            )
        )
        blocks.append(k.data_table(EVALUATION_HEADERS, evaluation_rows(evaluation)))
    else:
        blocks.append(k.paragraph("（尚未录入）", indent=False))
    blocks.append(k.heading("四、考察组意见"))
    if report is not None:
        label = domain.OPINION_LABELS[domain.Opinion(report.opinion)]
        blocks.append(
            k.paragraph(label + (f"。理由：{report.reasons}" if report.reasons else "。"))
        )
        signer = report.signed_by
        blocks.append(
            k.form_table(
                [
                    (
                        "组长签署",
                        (signer.display_name or signer.username) if signer else "（尚未签署）",
                        "签署日期",
                        _day(report.signed_on),
                    )
                ]
            )
        )
    blocks += [
        k.signature_lines(["考察组组长", "考察组成员"], dated=True),
        *campaign_anchor_blocks(k, case.campaign_id),
    ]
    return _build(
        fmt, title=f"{m.name}同志考察材料", blocks=blocks, header=f"{case.campaign.name} · 考察"
    )


# --- 征求意见函 -----------------------------------------------------------------------------


def letter_document(request: DepartmentRequest, fmt: str) -> bytes:
    k = _kit(fmt)
    unit = request.unit
    replies = list(
        request.replies.select_related("case__member__organisation").order_by(
            "case__list_entry__position", "pk"
        )
    )
    blocks: list[Any] = [
        k.paragraph(f"{request.department}部门：", indent=False),
        k.paragraph(
            f"根据{request.campaign.name}工作安排，现将{unit.organisation.name}"
            f"{len(replies)}名考察对象名单送你单位，请就下列同志有无违纪违法等不良记录提出意见，"
            f"并于{_day(request.due_on)}前（{request.working_days}个工作日内）书面回复。"
            "审查意见填写“无不良记录”“有问题”或“需进一步核查”，有问题的请写明具体情况。"
        ),
        k.data_table(
            ["序号", "姓名", "公民身份号码", "工作单位", "现任职务", "审查意见"],
            [
                [
                    i,
                    r.case.member.name,
                    r.case.member.citizen_id,
                    r.case.member.organisation.name,
                    r.case.post,
                    "",
                ]
                for i, r in enumerate(replies, start=1)
            ],
            col_widths=[1, 2, 4, 4, 3, 3],
        ),
        k.spacer(),
        k.paragraph(f"{unit.organisation.name}　{_day(request.sent_on)}", indent=False),
        k.signature_lines(["审查人", "部门负责人"], dated=True),
        *campaign_anchor_blocks(k, request.campaign_id),
    ]
    return _build(
        fmt,
        title="征求意见函",
        blocks=blocks,
        header=f"{request.campaign.name} · 部门联审",
    )


# --- the unit's summary ---------------------------------------------------------------------

STATE_TEXT = {
    selectors.CheckState.DONE: "已完成",
    selectors.CheckState.PROBLEM: "有问题",
    selectors.CheckState.WAITING: "进行中",
    selectors.CheckState.OVERDUE: "逾期",
    selectors.CheckState.MISSING: "未开始",
    selectors.CheckState.NOT_APPLICABLE: "不适用",
}


def count_text(states: dict[str, str]) -> str:
    if not states or all(s == selectors.CheckState.NOT_APPLICABLE for s in states.values()):
        return "不适用"
    done = sum(
        1 for s in states.values() if s in (selectors.CheckState.DONE, selectors.CheckState.PROBLEM)
    )
    problems = sum(1 for s in states.values() if s == selectors.CheckState.PROBLEM)
    return f"{done}/{len(states)}" + (f"（{problems}项有问题）" if problems else "")


SUMMARY_HEADERS = [
    "序号",
    "姓名",
    "所在党组织",
    "现任职务",
    "状态",
    "考察",
    "六必查",
    "部门联审",
    "四必",
    "一票否决",
    "尚待完成",
]


def summary_rows(rows: Sequence[selectors.BoardRow]) -> list[list[Any]]:
    return [
        [
            i,
            r.case.member.name,
            r.case.member.organisation.name,
            r.case.post,
            r.status_label,
            STATE_TEXT[r.inspection],
            count_text(r.checks),
            count_text(r.departments),
            count_text(r.four_musts),
            "；".join(r.vetoes),
            "；".join(r.blockers),
        ]
        for i, r in enumerate(rows, start=1)
    ]


def summary_xlsx(unit: ElectionUnit, rows: Sequence[selectors.BoardRow]) -> bytes:
    buf = io.BytesIO()
    write_table(
        buf,
        [
            (
                "考察审查",
                f"{unit.organisation.name}考察审查情况汇总表（{clock.today().isoformat()}）",
                SUMMARY_HEADERS,
                summary_rows(rows),
            )
        ],
    )
    return buf.getvalue()


def summary_docx(unit: ElectionUnit, rows: Sequence[selectors.BoardRow]) -> bytes:
    buf = io.BytesIO()
    word.build_docx(
        buf,
        title=f"{unit.organisation.name}考察审查情况汇总表",
        blocks=[
            word.paragraph(f"截至{_day(clock.today())}。", indent=False),
            word.data_table(SUMMARY_HEADERS, summary_rows(rows)),
            word.signature_lines(["填表人", "审核人"], dated=True),
            *campaign_anchor_blocks(word, unit.campaign_id),
        ],
        header=f"{unit.campaign.name} · 考察审查",
        landscape=True,
    )
    return buf.getvalue()
