"""Ballots, the 计票结果报告单 and the 选举结果报告, as PDF (and Word for the reports).

The reports are built once from helper names the PDF and Word toolkits share, so the two
formats cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import IO, Any, BinaryIO

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Table, TableStyle

from tuixuan.core.documents import excel, pdf, word
from tuixuan.core.documents.fonts import FONT_NAME
from tuixuan.election import domain, selectors
from tuixuan.election.models import (
    Election,
    PrintRun,
    ResultRow,
    Round,
    RoundKind,
    SeatReduction,
    Staff,
    StaffRole,
)
from tuixuan.nomination.domain import percent
from tuixuan.record.anchors import campaign_anchor_blocks

MARK_COLUMNS = ("赞成", "不赞成", "弃权")


def ballot_instructions(round_: Round) -> list[str]:
    """One rule a line: run together, a long paragraph broke inside the quoted column
    names (an opening quote left at the end of a line)."""
    return [
        _("说明："),
        _(
            "1. 赞成的，在“赞成”栏内划“○”；不赞成的，在“不赞成”栏内划“×”；"
            "弃权的，在“弃权”栏内划“○”或不划任何符号。"
        ),
        _(
            "2. 不赞成的，可以在同一行“另选他人”栏内写上另选人的姓名；"
            "未划“不赞成”而另选他人的，另选无效。"
        ),
        _(
            "3. 赞成的人数（含另选他人）多于应选名额 %(seats)d 名的，为废票；"
            "符号不按规定划写、无法辨认的，由总监票人和监票人裁定。"
        )
        % {"seats": round_.seats},
        _("4. 用黑色或蓝黑色笔填写，不得涂改。"),
    ]


def _ballot_table(names: Sequence[str], title: str) -> Table:
    """One ballot's rows; the first two rows (title and column names) repeat on each page of
    a long ballot. Ballots carry no serial number and no page number: either could be noted
    when the ballot is handed out and tie it to a voter. The number printed is recorded."""
    sheet = pdf.styles()
    widths = [14 * mm, 46 * mm, 20 * mm, 20 * mm, 20 * mm, 50 * mm]
    banner = Paragraph(pdf.markup(title), sheet.cell_label)
    data: list[list[Any]] = [
        [banner, "", "", "", "", ""],
        ["序号", "候选人姓名", *MARK_COLUMNS, "另选他人"],
    ]
    for i, name in enumerate(names, start=1):
        data.append([str(i), name, "", "", "", ""])
    table = Table(
        data, colWidths=widths, repeatRows=2, rowHeights=[9 * mm, 8 * mm] + [9 * mm] * len(names)
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                ("FONTSIZE", (0, 0), (-1, -1), 11),
                ("SPAN", (0, 0), (-1, 0)),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("GRID", (0, 1), (-1, -1), 0.6, colors.black),
                ("BOX", (0, 1), (-1, -1), 1.2, colors.black),
                ("BACKGROUND", (0, 1), (-1, 1), pdf.LABEL_SHADE),
                ("FONTSIZE", (1, 2), (1, -1), 13),
            ]
        )
    )
    return table


def ballot_pdf(round_: Round, run: PrintRun, target: str | Path | BinaryIO) -> int:
    """The ballots of one print run, each starting on a new page, in stroke order."""
    election = round_.election
    names = selectors.round_names(round_)
    title = f"{election.title}{round_.get_kind_display()}选票"
    sheet = pdf.styles()

    def blocks() -> list[Any]:
        story: list[Any] = []
        for _number in range(run.first, run.first + run.copies):
            if story:
                story.append(PageBreak())
            story += [
                pdf.title(title),
                Paragraph(
                    pdf.markup(
                        _("应选名额 %(seats)d 名，候选人 %(n)d 名（按姓氏笔画为序）")
                        % {"seats": round_.seats, "n": len(names)}
                    ),
                    sheet.cell_label,
                ),
                pdf.spacer(2),
                *(Paragraph(pdf.markup(line), sheet.body) for line in ballot_instructions(round_)),
                pdf.spacer(2),
                _ballot_table(names, title),
            ]
        return story

    return pdf.build_pdf(target, title=title, blocks=blocks, show_title=False, page_numbers=False)


def _staff_roles(election: Election) -> list[str]:
    roles: list[str] = [str(StaffRole.CHIEF_SCRUTINEER.label)]
    roles += [str(StaffRole.DEPUTY_CHIEF.label)] * Staff.objects.filter(
        election=election, role=StaffRole.DEPUTY_CHIEF
    ).count()
    roles += [str(StaffRole.SCRUTINEER.label)] * max(
        1, Staff.objects.filter(election=election, role=StaffRole.SCRUTINEER).count()
    )
    roles += [str(StaffRole.TELLER.label)] * max(
        1, Staff.objects.filter(election=election, role=StaffRole.TELLER).count()
    )
    return [str(r) for r in roles]


def _count_report_blocks(kit: ModuleType, round_: Round) -> list[Any]:
    election = round_.election
    result = round_.result or {}
    runoff = result.get("runoff")
    facts = [
        [_("选举单位"), election.organisation.name, _("会议"), election.title],
        [_("轮次"), str(round_), _("选举规则"), election.get_profile_display()],
        [_("应选名额"), str(round_.seats), _("应到会人数"), str(round_.due_voters or 0)],
        [
            _("实到会人数"),
            str(round_.present_voters or 0),
            _("发出选票"),
            str(round_.ballots_issued or 0),
        ],
        [
            _("收回选票"),
            str(result.get("ballots_collected", 0)),
            _("有效票"),
            str(result.get("ballots_valid", 0)),
        ],
        [
            _("废票"),
            str(result.get("ballots_void", 0)),
            _("当选所需票数"),
            str(result.get("votes_needed", 0)),
        ],
        [_("计票结果"), domain.outcome_label(round_.outcome)],
    ]
    if runoff:
        facts.append(
            [
                _("再次投票"),
                _("%(names)s 得票相等，就剩余 %(seats)d 个名额再次投票")
                % {"names": "、".join(runoff["candidates"]), "seats": runoff["seats"]},
            ]
        )
    rows = [
        [
            r.rank,
            r.name + (_("（另选）") if r.write_in else ""),
            r.in_favour,
            r.against,
            r.abstain,
            _("当选") if r.elected else "",
        ]
        for r in ResultRow.objects.filter(round=round_).order_by("rank")
    ]
    return [
        kit.form_table(facts),
        kit.spacer(4),
        kit.data_table(
            [_("名次"), _("姓名"), _("赞成"), _("不赞成"), _("弃权"), _("结果")],
            rows,
            col_widths=[1, 3, 1.4, 1.4, 1.4, 1.4],
        ),
        kit.spacer(4),
        kit.signature_lines(_staff_roles(election), per_row=2, dated=True),
        *campaign_anchor_blocks(kit, election.campaign_id),
    ]


def count_report_pdf(round_: Round, target: str | Path | BinaryIO) -> int:
    return pdf.build_pdf(
        target,
        title=_("计票结果报告单"),
        blocks=lambda: _count_report_blocks(pdf, round_),
        header=round_.election.title,
    )


def count_report_docx(round_: Round, target: str | Path | IO[bytes]) -> None:
    word.build_docx(
        target,
        title=_("计票结果报告单"),
        blocks=lambda: _count_report_blocks(word, round_),
        header=round_.election.title,
    )


def _result_report_blocks(kit: ModuleType, election: Election) -> list[Any]:
    delegates = selectors.elected_in_stroke_order(election)
    rounds = list(Round.objects.filter(election=election).order_by("number"))
    day = election.meeting_date
    text = _(
        "%(org)s%(date)s召开%(title)s，应选 %(seats)d 名，按照大会通过的选举办法，"
        "以无记名投票方式进行选举，共进行 %(rounds)d 轮投票，当选 %(n)d 名。"
        "当选人名单（按姓氏笔画为序）如下，现予报告。"
    ) % {
        "org": election.organisation.name,
        "date": f"于{day.year}年{day.month}月{day.day}日" if day else "",
        "title": election.title,
        "seats": election.seats,
        "rounds": len(rounds),
        "n": len(delegates),
    }
    round_rows = [
        [
            r.number,
            r.get_kind_display(),
            r.seats,
            r.present_voters or 0,
            (r.result or {}).get("ballots_valid", 0),
            domain.outcome_label(r.outcome) if r.outcome else r.get_status_display(),
        ]
        for r in rounds
    ]
    elected_rows = [[i, d.name, d.votes, str(d.round)] for i, d in enumerate(delegates, start=1)]
    blocks = [
        kit.paragraph(text),
        kit.heading(_("当选人名单")),
        kit.data_table([_("序号"), _("姓名"), _("得赞成票"), _("当选轮次")], elected_rows),
        kit.heading(_("各轮投票情况")),
        kit.data_table(
            [_("轮次"), _("类别"), _("应选"), _("实到会"), _("有效票"), _("结果")], round_rows
        ),
    ]
    for reduction in SeatReduction.objects.filter(election=election).select_related("round"):
        blocks.append(
            kit.paragraph(
                _(
                    "注：%(round)s当选人数少于应选名额，经%(who)s同意（应参加表决 %(voters)d 人，"
                    "赞成 %(for)d、不赞成 %(against)d、弃权 %(abstain)d），"
                    "应选名额由 %(before)d 名减为 %(after)d 名，不再另行选举。"
                )
                % {
                    "round": reduction.round,
                    "who": reduction.get_agreed_by_display(),
                    "voters": reduction.voters,
                    "for": reduction.votes_for,
                    "against": reduction.votes_against,
                    "abstain": reduction.votes_abstain,
                    "before": reduction.seats_before,
                    "after": reduction.seats_after,
                }
            )
        )
    if any(r.kind == RoundKind.BY_ELECTION for r in rounds):
        blocks.append(kit.paragraph(_("注：补选系因代表资格终止而进行，未以得票次多者递补。")))
    blocks.append(kit.signature_lines(_staff_roles(election), per_row=2, dated=True))
    blocks += campaign_anchor_blocks(kit, election.campaign_id)
    return blocks


def result_report_pdf(election: Election, target: str | Path | BinaryIO) -> int:
    return pdf.build_pdf(
        target,
        title=_("选举结果报告"),
        blocks=lambda: _result_report_blocks(pdf, election),
        header=election.title,
    )


def result_report_docx(election: Election, target: str | Path | IO[bytes]) -> None:
    word.build_docx(
        target,
        title=_("选举结果报告"),
        blocks=lambda: _result_report_blocks(word, election),
        header=election.title,
    )


# --- the campaign's 选举结果 (docs/domain.md §3.8): per unit, from every election ------------

RESULT_HEADERS = (
    "选举单位",
    "选举会议",
    "状态",
    "分配名额",
    "减少名额",
    "当选",
    "缺额",
    "当选人（按姓氏笔画为序）",
)
STRUCTURE_HEADERS = ("选举单位", "结构要求", "当选人中", "总数", "比例", "是否达到", "说明")


def campaign_result_rows(results: selectors.CampaignResults) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [
            u.unit.organisation.name,
            u.election.title if u.election is not None else "—",
            u.status_label,
            u.seats,
            u.reduced,
            u.filled,
            u.shortfall,
            "、".join(d.name for d in u.elected),
        ]
        for u in results.units
    ]
    rows.append([_("合计"), "", "", results.seats, "", results.filled, results.shortfall, ""])
    return rows


def campaign_structure_rows(results: selectors.CampaignResults) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for name, targets, problem in [
        *((u.unit.organisation.name, u.structure, u.structure_problem) for u in results.units),
        (_("全部选举单位"), results.structure, results.structure_problem),
    ]:
        if problem:
            rows.append([name, "", "", "", "", "", problem])
        for r in targets:
            rows.append(
                [
                    name,
                    r.target.describe(),
                    r.count,
                    r.total,
                    percent(r.share),
                    _("达到") if r.met else _("未达到"),
                    r.explanation,
                ]
            )
    return rows


def campaign_results_xlsx(results: selectors.CampaignResults, target: IO[bytes]) -> None:
    name = results.campaign.name
    excel.write_table(
        target,
        [
            (
                "选举结果",
                f"{name}各选举单位选举结果",
                RESULT_HEADERS,
                campaign_result_rows(results),
            ),
            (
                "结构比例",
                f"{name}当选代表结构比例",
                STRUCTURE_HEADERS,
                campaign_structure_rows(results),
            ),
        ],
    )


def campaign_results_docx(results: selectors.CampaignResults, target: IO[bytes]) -> None:
    def blocks() -> list[Any]:
        return [
            word.paragraph(
                _(
                    "%(name)s共 %(units)d 个选举单位，分配代表名额 %(seats)d 名，"
                    "已当选 %(filled)d 名，缺额 %(short)d 名。"
                )
                % {
                    "name": results.campaign.name,
                    "units": len(results.units),
                    "seats": results.seats,
                    "filled": results.filled,
                    "short": results.shortfall,
                }
            ),
            word.heading(_("各选举单位选举结果")),
            word.data_table(list(RESULT_HEADERS), campaign_result_rows(results)),
            word.heading(_("当选代表结构比例")),
            word.data_table(list(STRUCTURE_HEADERS), campaign_structure_rows(results)),
        ]

    word.build_docx(
        target,
        title=_("选举结果"),
        blocks=blocks,
        header=results.campaign.name,
        landscape=True,
    )
