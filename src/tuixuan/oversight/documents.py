"""The board as a workbook and the 进度报告 as a Word document with its chart."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import IO

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from tuixuan.core.documents import excel, word
from tuixuan.oversight import analysis, charts
from tuixuan.oversight.board import Board, UnitRow

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def cell_text(row: UnitRow, index: int) -> str:
    c = row.cells[index]
    parts = [c.state_label]
    if c.time_text:
        parts.append(c.time_text)
    parts += [f.text for f in c.figures]
    parts += list(c.blockers)
    return "；".join(parts)


def board_headers(board: Board) -> list[str]:
    return ["选举单位", "代表名额", "逾期", *[str(s.label) for s in board.stages]]


def board_rows(board: Board) -> list[list[str | int]]:
    return [
        [
            r.unit.organisation.name,
            r.unit.seats,
            "是" if r.overdue else "",
            *[cell_text(r, i) for i in range(len(board.stages))],
        ]
        for r in board.rows
    ]


def title(board: Board) -> str:
    return f"{board.campaign.name}推选工作进度（{board.today.isoformat()}）"


def write_board_xlsx(board: Board, target: IO[bytes]) -> None:
    excel.write_table(target, [("进度", title(board), board_headers(board), board_rows(board))])


def stage_chart_rows(board: Board) -> list[tuple[str, int, int, int]]:
    return [
        (str(s.label), done, doing, waiting) for s, done, doing, waiting in board.state_counts()
    ]


def stage_chart(board: Board) -> bytes:
    return charts.svg(
        charts.stacked_bars(stage_chart_rows(board), title="各环节进展（选举单位数）")
    )


def picture(png: bytes, *, width_mm: float = 160) -> word.WordBlock:
    def add(document: DocxDocument) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))

    return add


def summary_lines(board: Board) -> list[str]:
    lines = [
        f"截至 {board.today.year}年{board.today.month}月{board.today.day}日，"
        f"本次推选工作共有选举单位 {len(board.rows)} 个。"
    ]
    for stage, done, doing, waiting in board.state_counts():
        if done or doing:
            lines.append(
                f"{stage.label}：已完成 {done} 个，进行中 {doing} 个，未开始 {waiting} 个。"
            )
    overdue = board.overdue_rows
    if overdue:
        lines.append(
            "逾期未完成的单位：" + "、".join(r.unit.organisation.name for r in overdue) + "。"
        )
    low = board.low_rows
    if low:
        lines.append(
            "参与率或规定活动未达目标的单位："
            + "、".join(r.unit.organisation.name for r in low)
            + "。"
        )
    return lines


def write_report_docx(board: Board, target: IO[bytes], *, author: str = "") -> None:
    png = charts.png(charts.stacked_bars(stage_chart_rows(board), title="各环节进展（选举单位数）"))
    headers = board_headers(board)
    rows: Sequence[Sequence[str | int]] = board_rows(board)
    blocks = [
        word.paragraph(
            f"报告日期：{board.today.year}年{board.today.month}月{board.today.day}日", indent=False
        ),
        word.heading("一、总体进展"),
        *[word.paragraph(line) for line in summary_lines(board)],
        picture(png),
        word.heading("二、各选举单位进度"),
        word.data_table(headers, rows),
    ]
    word.build_docx(
        target,
        title=f"{board.campaign.name}推选工作进度报告",
        blocks=blocks,
        landscape=True,
        author=author,
        footer=f"{board.campaign.name} · 进度报告",
    )


# --- analysis ------------------------------------------------------------------------------


def participation_chart(board: Board) -> bytes:
    target = board.campaign.member_participation_target
    return charts.svg(
        charts.rate_bars(
            analysis.participation_chart_rows(board), title="各选举单位党员参与率", target=target
        )
    )


def write_analysis_xlsx(
    board: Board, stages: list[analysis.StageStructure], target: IO[bytes]
) -> None:
    name = board.campaign.name
    excel.write_table(
        target,
        [
            (
                "推荐提名情况统计表",
                f"{name}推荐提名情况统计表（{board.today.isoformat()}）",
                analysis.NOMINATION_HEADERS,
                analysis.nomination_rows(board, board.campaign),
            ),
            (
                "代表构成情况统计表",
                f"{name}代表构成情况统计表（{board.today.isoformat()}）",
                analysis.COMPOSITION_HEADERS,
                analysis.composition_rows(stages),
            ),
            (
                "结构比例",
                f"{name}各环节结构比例对照",
                analysis.TARGET_HEADERS,
                analysis.target_rows(stages),
            ),
        ],
    )


def write_analysis_docx(
    board: Board, stages: list[analysis.StageStructure], target: IO[bytes], *, author: str = ""
) -> None:
    rows = analysis.participation_chart_rows(board)
    blocks = [
        word.paragraph(
            f"统计日期：{board.today.year}年{board.today.month}月{board.today.day}日", indent=False
        ),
        word.heading("一、推荐提名情况统计表"),
        word.data_table(
            analysis.NOMINATION_HEADERS, analysis.nomination_rows(board, board.campaign)
        ),
    ]
    if rows:
        blocks.append(
            picture(
                charts.png(
                    charts.rate_bars(
                        rows,
                        title="各选举单位党员参与率",
                        target=board.campaign.member_participation_target,
                    )
                )
            )
        )
    blocks += [
        word.heading("二、代表构成情况统计表"),
        word.data_table(analysis.COMPOSITION_HEADERS, analysis.composition_rows(stages)),
        word.heading("三、各环节结构比例对照"),
    ]
    targets = analysis.target_rows(stages)
    blocks.append(
        word.data_table(analysis.TARGET_HEADERS, targets)
        if targets
        else word.paragraph("尚未设置结构比例目标，或各环节尚无人选。")
    )
    word.build_docx(
        target,
        title=f"{board.campaign.name}推荐提名和代表构成情况",
        blocks=blocks,
        landscape=True,
        author=author,
    )
