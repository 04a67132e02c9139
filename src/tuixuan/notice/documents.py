"""The documents of 公示 and 报批: the notice to print or publish (PDF, Word), the
《代表候选人预备人选登记表》 per person (two pages, PDF and Word), the register (名册, Excel and
Word) and the unit's report on the list (Word). Every one ends with the anchor block of the
campaign's record chain."""

from __future__ import annotations

import io
from types import ModuleType
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from tuixuan.core import clock
from tuixuan.core.documents import pdf, word, write_table
from tuixuan.core.errors import DomainError
from tuixuan.notice import domain, selectors
from tuixuan.notice.models import CandidateEntry, CandidateList, Notice, Objection
from tuixuan.record.anchors import campaign_anchor_blocks
from tuixuan.registry.models import Member
from tuixuan.vetting import domain as vetting_domain
from tuixuan.vetting.models import InspectionReport

TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def response(data: bytes, filename: str) -> HttpResponse:
    kind = TYPES.get(filename.rsplit(".", 1)[-1], "application/octet-stream")
    resp = HttpResponse(data, content_type=kind)
    resp["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return resp


def _build(kit: ModuleType, blocks: list[Any], *, title: str, header: str) -> bytes:
    buf = io.BytesIO()
    if kit is pdf:
        pdf.build_pdf(buf, title=title, blocks=blocks, header=header)
    else:
        word.build_docx(buf, title=title, blocks=blocks, header=header)
    return buf.getvalue()


def _kit(fmt: str) -> ModuleType:
    if fmt == "pdf":
        return pdf
    if fmt == "docx":
        return word
    raise DomainError("不支持的文件格式。")


def _birth(m: Member) -> str:
    return f"{m.birth_date.year}年{m.birth_date.month}月" if m.birth_date else ""


# --- the notice ----------------------------------------------------------------------------


def notice_file(notice: Notice, fmt: str) -> bytes:
    """The notice as published (or, for a draft, as it will read)."""
    kit = _kit(fmt)
    text = selectors.notice_text(notice)
    lines = text.splitlines()
    title, body = lines[0], lines[1:]
    blocks: list[Any] = [kit.paragraph(line, indent=False) for line in body if line.strip()]
    blocks += campaign_anchor_blocks(kit, notice.campaign_id)
    return _build(kit, blocks, title=title, header=f"{notice.campaign.name} · 公示")


# --- 登记表 -----------------------------------------------------------------------------


def _notice_lines(entry: CandidateEntry) -> str:
    """The notice and the objections of one person: period, and how each was concluded."""
    if entry.case is None:
        return "上级提名人选，由提名的党组织公示"
    parts = []
    for n in Notice.objects.filter(entries__member=entry.member, unit=entry.candidate_list.unit):
        if n.published_on is not None:
            parts.append(
                f"{domain.NOTICE_KIND_LABELS[domain.NoticeKind(n.kind)]}公示："
                f"{n.published_on:%Y年%m月%d日}至{n.ends_on:%Y年%m月%d日}"
            )
    objections = Objection.objects.filter(entry__member=entry.member).order_by("received_on")
    if not objections:
        parts.append("公示期间未收到反映问题")
    for o in objections:
        outcome = (
            domain.CONCLUSION_LABELS[domain.Conclusion(o.conclusion)] if o.conclusion else "办理中"
        )
        parts.append(f"{o.received_on:%Y年%m月%d日}收到举报一件，核查结论：{outcome}")
    return "；".join(parts)


def _inspection_line(entry: CandidateEntry) -> str:
    if entry.case is None:
        return "由提名的党组织考察"
    report = InspectionReport.objects.filter(case=entry.case).first()
    if report is None:
        return ""
    opinion = vetting_domain.OPINION_LABELS[vetting_domain.Opinion(report.opinion)]
    signed = f"（{report.signed_on:%Y年%m月%d日}签署）" if report.signed_on else ""
    return f"考察组意见：{opinion}{signed}"


def _person_blocks(kit: ModuleType, cl: CandidateList, entry: CandidateEntry) -> list[Any]:
    m = entry.member
    post = (
        entry.case.post if entry.case else entry.placement.post if entry.placement else ""
    ) or m.current_post
    support = str(entry.case.list_entry.votes) if entry.case is not None else "—"
    review = (
        f"{domain.LIST_STATUS_LABELS[domain.ListStatus(cl.status)]}"
        + (f"（{cl.reviewed_on:%Y年%m月%d日}）" if cl.reviewed_on else "")
        + (f"：{entry.return_reason}" if entry.return_reason else "")
    )
    return [
        kit.form_table(
            [
                ("一、基本情况",),
                ("姓名", m.name, "性别", m.get_gender_display(), "民族", m.ethnicity),
                (
                    "出生年月",
                    _birth(m),
                    "入党时间",
                    f"{m.joined_date:%Y年%m月}",
                    "学历",
                    m.get_education_display(),
                ),
                ("公民身份号码", m.citizen_id, "人员类别", m.get_occupation_display()),
                ("工作单位及职务", post),
                ("所在党组织", m.organisation.name),
                (
                    "产生方式",
                    domain.ORIGIN_LABELS[domain.Origin(entry.origin)],
                    "推荐得票",
                    support,
                ),
                ("二、考察情况",),
                ("考察意见", _inspection_line(entry)),
                ("三、公示情况",),
                ("公示和举报", _notice_lines(entry)),
            ]
        ),
        kit.page_break(),
        kit.form_table(
            [
                ("四、选举单位党组织意见",),
                (
                    "集体研究",
                    f"{cl.decided_on:%Y年%m月%d日}集体研究（应到 {cl.attendance_due} 人，"
                    f"实到 {cl.attendance_present} 人），同意 {entry.votes} 票，"
                    "确定为代表候选人预备人选。",
                ),
                ("责任人", cl.accountable_person),
                ("五、召集机关审批意见",),
                ("审批意见", review),
            ]
        ),
        kit.spacer(),
        kit.signature_lines(
            [f"{cl.unit.organisation.name}（盖章）", "召集机关（盖章）"], dated=True
        ),
    ]


def registration_forms(cl: CandidateList, fmt: str, member_id: int | None = None) -> bytes:
    """《代表候选人预备人选登记表》: two pages per person (all persons, or one)."""
    kit = _kit(fmt)
    rows = [e for e in selectors.entries(cl) if member_id is None or e.member_id == member_id]
    if not rows:
        raise DomainError("名单中没有该人选。")
    blocks: list[Any] = []
    for i, entry in enumerate(rows):
        if i:
            blocks.append(kit.page_break())
        blocks += _person_blocks(kit, cl, entry)
    blocks += campaign_anchor_blocks(kit, cl.campaign_id)
    return _build(
        kit,
        blocks,
        title="代表候选人预备人选登记表",
        header=f"{cl.campaign.name} · {cl.unit.organisation.name}",
    )


# --- 名册 and the report ---------------------------------------------------------------------

ROSTER_HEADERS = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "出生年月",
    "学历",
    "工作单位及职务",
    "人员类别",
    "产生方式",
    "集体研究同意票",
]


def _roster_rows(cl: CandidateList) -> list[list[Any]]:
    return [
        [
            i,
            e.member.name,
            e.member.get_gender_display(),
            e.member.ethnicity,
            _birth(e.member),
            e.member.get_education_display(),
            (e.case.post if e.case else "") or e.member.current_post,
            e.member.get_occupation_display(),
            domain.ORIGIN_LABELS[domain.Origin(e.origin)],
            e.votes,
        ]
        for i, e in enumerate(selectors.entries(cl), start=1)
    ]


def roster_xlsx(cl: CandidateList) -> bytes:
    buf = io.BytesIO()
    write_table(
        buf,
        [
            (
                "预备人选名册",
                f"{cl.unit.organisation.name}代表候选人预备人选名册（按姓氏笔画为序）",
                ROSTER_HEADERS,
                _roster_rows(cl),
            )
        ],
    )
    return buf.getvalue()


def roster_docx(cl: CandidateList) -> bytes:
    blocks: list[Any] = [
        word.paragraph("（按姓氏笔画为序）", indent=False),
        word.data_table(ROSTER_HEADERS, _roster_rows(cl)),
        *campaign_anchor_blocks(word, cl.campaign_id),
    ]
    return _build(
        word,
        blocks,
        title=f"{cl.unit.organisation.name}代表候选人预备人选名册",
        header=cl.campaign.name,
    )


def report_docx(cl: CandidateList) -> bytes:
    """The unit's report on the list: how it was produced, the principles, and a structure
    table against the targets of the campaign for the unit."""
    rows = selectors.entries(cl)
    members = [e.member for e in rows]
    results = selectors.structure_rows(cl.unit, members)
    short, _lines = selectors.shortfalls(cl.unit, members)
    higher = [e.member.name for e in rows if e.origin == domain.Origin.HIGHER]
    org = cl.unit.organisation.name
    blocks: list[Any] = [
        word.heading("一、产生方法"),
        word.paragraph(cl.method or "（报批时填写）"),
        word.heading("二、把握的原则"),
        word.paragraph(cl.principles or "（报批时填写）"),
        word.heading("三、集体研究情况"),
        word.paragraph(
            f"{cl.decided_on:%Y年%m月%d日}，{org}召开会议集体研究（应到 {cl.attendance_due} 人，"
            f"实到 {cl.attendance_present} 人），{cl.decision}。确定代表候选人预备人选 "
            f"{len(rows)} 名，应选代表 {cl.seats} 名"
            + ("，符合差额要求" if short is None else f"，{short}")
            + (f"；其中上级提名 {len(higher)} 名：{'、'.join(higher)}" if higher else "")
            + "。"
        ),
        word.heading("四、结构情况"),
        word.data_table(
            ["结构要求", "人数", "比例", "情况"],
            [
                [r.target.describe(), r.count, f"{float(r.share) * 100:.1f}%", r.explanation]
                for r in results
            ]
            or [["本次推选未设结构比例要求", "", "", ""]],
        ),
        word.heading("五、预备人选名单（按姓氏笔画为序）"),
        word.paragraph("、".join(m.name for m in members)),
        word.signature_lines([f"{org}（盖章）", "责任人"], dated=True),
        *campaign_anchor_blocks(word, cl.campaign_id),
    ]
    return _build(
        word,
        blocks,
        title=f"{org}关于代表候选人预备人选的报告",
        header=f"{cl.campaign.name} · 生成于 {clock.today():%Y-%m-%d}",
    )
