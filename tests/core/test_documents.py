"""The document toolkit: what a reader of the PDF, Word and Excel files actually gets."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from PIL import Image

from tests.render import (
    docx_east_asian_fonts,
    docx_text,
    ink_ratio,
    pdf_fonts,
    pdf_page_count,
    pdf_page_text,
    pdf_text,
    render_pdf_page,
    xlsx_rows,
)
from tuixuan.core.documents import excel, fonts, pdf, word
from tuixuan.core.documents.pdf import CellValue

SAMPLE_PNG = Path("/tmp/documents-sample.png")  # noqa: S108  # a fixed place to look at the sample
CITIZEN_ID = "510104197503120011"

PERSON_ROWS: list[tuple[str | None, ...]] = [
    ("姓名", "张建国", "性别", "男", "出生年月", "1975年3月"),
    ("民族", "汉族", "籍贯", "四川成都", "入党时间", "1998年7月"),
    ("公民身份号码", CITIZEN_ID, "学历", "大学本科"),
    ("工作单位及职务", "东河镇党委书记"),
    ("推荐情况",),
    ("推荐单位", "东河镇党委", "推荐票数", "235"),
    (
        "主要简历",
        "1997.07—2003.05 东河镇人民政府科员\n2003.05—2010.01 东河镇党政办公室主任\n"
        "2010.01—2016.12 西山乡副乡长、乡长\n2016.12— 东河镇党委副书记、镇长、党委书记",
    ),
]
TALLY_HEADERS = ["序号", "党支部", "所属党委", "应到人数", "实到人数", "推荐意见"]
TALLY_ROWS: list[tuple[CellValue, ...]] = [
    (i, f"东河镇第{i}党支部", "东河镇党委", 30 + i % 17, 28 + i % 13, "同意") for i in range(1, 91)
]
SIGNERS = ["总监票人", "监票人", "计票人"]


def squeeze(text: str) -> str:
    """Text without white space: pdftotext drops or adds spaces next to Chinese characters."""
    return re.sub(r"\s+", "", text)


def sample_blocks(m: Any) -> list[Any]:
    """The same content for PDF and Word: the two modules offer the same helpers."""
    return [
        m.heading("一、基本情况"),
        m.form_table(PERSON_ROWS),
        m.heading("二、推荐情况"),
        m.paragraph("经党员推荐、党组织集体研究，该同志列为考察对象。" * 3),
        m.data_table(TALLY_HEADERS, TALLY_ROWS),
        m.signature_lines(SIGNERS, dated=True),
    ]


COMMON: dict[str, Any] = {
    "title": "党代表大会代表推选工作纪实登记表",
    "cover": {"姓名": "张建国", "选举单位": "东河镇党委", "编号": "A-0001"},
    "cover_title": "一人一册",
    "cover_subtitle": "市第五次党代会代表推选工作全程纪实",
    "cover_lines": ["中共示范市委组织部"],
    "header": "市第五次党代会代表推选工作全程纪实",
}


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("documents") / "sample.pdf"
    pages = pdf.build_pdf(path, blocks=sample_blocks(pdf), **COMMON)
    return path, pages


def test_the_pdf_text_reads_back_in_chinese(sample_pdf: tuple[Path, int]) -> None:
    path, _ = sample_pdf
    text = pdf_text(path)
    for expected in ("一人一册", "党代表大会代表推选工作纪实登记表", "公民身份号码", CITIZEN_ID):
        assert expected in text
    assert "东河镇第90党支部" in text
    assert re.search(r"监票人（签名）：", text)


def test_the_cjk_font_is_embedded_as_a_subset(sample_pdf: tuple[Path, int]) -> None:
    path, _ = sample_pdf
    lines = pdf_fonts(path)
    assert lines, "the PDF uses no font at all"
    for line in lines:
        columns = line.split()
        # name type encoding emb sub uni object id: the three flags sit before the id pair
        emb, sub, uni = columns[-5:-2]
        assert "WenQuanYi" in columns[0] or "TuixuanCJK" in columns[0] or "+" in columns[0]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line


def test_pages_are_numbered_without_the_cover(sample_pdf: tuple[Path, int]) -> None:
    path, pages = sample_pdf
    assert pdf_page_count(path) == pages
    assert pages >= 4  # cover + the list runs over at least three pages
    body = pages - 1
    assert "页" not in pdf_page_text(path, 1)
    for number in range(1, body + 1):
        assert f"第{number}页共{body}页" in squeeze(pdf_page_text(path, number + 1))


def test_the_list_header_repeats_on_every_page_it_spans(sample_pdf: tuple[Path, int]) -> None:
    path, pages = sample_pdf
    spanned = [p for p in range(2, pages + 1) if "东河镇第" in pdf_page_text(path, p)]
    assert len(spanned) >= 3
    for page in spanned:
        assert "应到人数" in pdf_page_text(path, page), f"page {page} lacks the header row"


def test_every_page_has_ink_and_the_sample_is_rendered(
    sample_pdf: tuple[Path, int], tmp_path: Path
) -> None:
    path, pages = sample_pdf
    for page in range(1, pages + 1):
        png = render_pdf_page(path, page, tmp_path / f"page-{page}.png")
        assert ink_ratio(png) > 0.005, f"page {page} is blank"
    render_pdf_page(path, 2, SAMPLE_PNG, dpi=90)
    assert SAMPLE_PNG.stat().st_size > 0


def test_ink_ratio_sees_a_blank_page(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("RGB", (100, 140), "white").save(blank)
    assert ink_ratio(blank) == 0


def test_same_input_gives_the_same_bytes() -> None:
    def build() -> bytes:
        buffer = io.BytesIO()
        pdf.build_pdf(buffer, title="计票结果报告单", blocks=[pdf.paragraph("赞成 35 票")])
        return buffer.getvalue()

    assert build() == build()


def test_landscape_pages_are_wider_than_tall(tmp_path: Path) -> None:
    path = tmp_path / "wide.pdf"
    pdf.build_pdf(
        path,
        title="名额分配表",
        landscape=True,
        blocks=[pdf.data_table(["单位", "名额"], [("东河镇", 12)])],
    )
    with Image.open(render_pdf_page(path, 1, tmp_path / "wide.png")) as image:
        assert image.width > image.height


def test_markup_in_user_text_is_shown_not_obeyed(tmp_path: Path) -> None:
    path = tmp_path / "markup.pdf"
    pdf.build_pdf(path, title="<b>标题</b> & 说明", blocks=[pdf.paragraph("a < b & c")])
    text = squeeze(pdf_text(path))
    assert "<b>标题</b>&说明" in text
    assert "a<b&c" in text


@pytest.mark.parametrize(
    "row",
    [("姓名", "张三", "性别"), ("姓名", "张三", "性别", "男", "民族")],
)
def test_a_form_row_with_a_label_and_no_value_is_refused(row: Sequence[str]) -> None:
    with pytest.raises(ValueError, match="odd number"):
        pdf.form_table([row])
    with pytest.raises(ValueError, match="odd number"):
        word.form_table([row])


def test_a_list_row_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="row 2 has 1 cells"):
        pdf.data_table(["单位", "名额"], [("东河镇", 1), ("西山乡",)])


# ---------------------------------------------------------------- font lookup


def test_a_missing_override_font_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fonts.FONT_ENV, "/nonexistent/font.ttc")
    with pytest.raises(fonts.CjkFontMissingError, match=fonts.FONT_ENV):
        fonts.find_font_file()


def test_no_font_at_all_points_to_the_install_script(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fonts.FONT_ENV, raising=False)
    monkeypatch.setattr(fonts, "DEFAULT_FONT_PATHS", (Path("/nonexistent/wqy.ttc"),))
    with pytest.raises(fonts.CjkFontMissingError, match=r"scripts/install-system-deps\.sh"):
        fonts.find_font_file()


def test_the_override_font_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    copy = tmp_path / "other.ttc"
    shutil.copyfile(fonts.DEFAULT_FONT_PATHS[0], copy)
    monkeypatch.setenv(fonts.FONT_ENV, str(copy))
    monkeypatch.setenv(fonts.FONT_INDEX_ENV, "1")
    assert fonts.find_font_file() == (copy, 1)


@pytest.mark.parametrize(
    ("text", "width"),
    [("", 0), ("abc", 3), ("张三", 4), ("党支部A1", 8), ("（签名）：", 10), ("５１", 4)],
)
def test_display_width_counts_wide_characters_twice(text: str, width: int) -> None:
    assert fonts.display_width(text) == width


@given(
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)),
    st.text("0123456789abc"),
)
def test_display_width_adds_up(chinese: str, latin: str) -> None:
    assert fonts.display_width(chinese + latin) == 2 * len(chinese) + len(latin)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, ""),
        (7, "7"),
        (Decimal("98.50"), "98.50"),
        (Fraction(1, 3), "0.33"),
        (Fraction(2, 3), "0.67"),
        (Fraction(1, 200), "0.01"),
        (Fraction(-1, 3), "-0.33"),
        (Fraction(6, 3), "2"),
    ],
)
def test_values_are_shown_exactly(value: CellValue, shown: str) -> None:
    assert pdf.format_value(value) == shown


# ---------------------------------------------------------------- Word


@pytest.fixture(scope="module")
def sample_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("documents") / "sample.docx"
    word.build_docx(path, blocks=sample_blocks(word), **COMMON)
    return path


def test_the_word_text_holds_the_form(sample_docx: Path) -> None:
    text = docx_text(sample_docx)
    for expected in (
        "一人一册",
        "党代表大会代表推选工作纪实登记表",
        f"公民身份号码 | {CITIZEN_ID} | 学历 | 大学本科",
        "工作单位及职务 | 东河镇党委书记",
        "90 | 东河镇第90党支部 | 东河镇党委",
        "监票人（签名）：",
        "市第五次党代会代表推选工作全程纪实",
    ):
        assert expected in text, expected


def test_every_word_run_names_its_chinese_font(sample_docx: Path) -> None:
    assert docx_east_asian_fonts(sample_docx) == {word.BODY_FONT, word.HEADING_FONT}


def _part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode()


def test_word_pages_are_a4_and_numbered_in_the_footer(sample_docx: Path) -> None:
    document = _part(sample_docx, "word/document.xml")
    assert 'w:w="11906"' in document and 'w:h="16838"' in document  # A4 in twentieths of pt
    assert '<w:pgNumType w:start="1"/>' in document
    assert "<w:tblHeader/>" in document
    footers = [
        _part(sample_docx, name)
        for name in zipfile.ZipFile(sample_docx).namelist()
        if name.startswith("word/footer")
    ]
    numbered = [xml for xml in footers if " PAGE " in xml]
    assert numbered, "no footer carries a PAGE field"
    assert " SECTIONPAGES " in numbered[0]
    shown = re.sub(r"<w:instrText[^>]*>[^<]*</w:instrText>", "", numbered[0])
    assert squeeze(re.sub(r"<[^>]+>", "", shown)) == "第1页共1页"


def test_word_without_a_cover_counts_all_pages(tmp_path: Path) -> None:
    path = tmp_path / "plain.docx"
    word.build_docx(path, title="计票结果报告单", blocks=[word.paragraph("赞成 35 票")])
    footers = [_part(path, name) for name in zipfile.ZipFile(path).namelist() if "footer" in name]
    assert any(" NUMPAGES " in xml for xml in footers)


# ---------------------------------------------------------------- Excel


@pytest.mark.parametrize("streaming", [False, True])
def test_the_workbook_has_title_header_and_typed_data(tmp_path: Path, streaming: bool) -> None:
    path = tmp_path / "tally.xlsx"
    excel.write_table(
        path,
        [
            ("推荐汇总", "东河镇党委推荐情况汇总表", TALLY_HEADERS, TALLY_ROWS),
            (
                "名单[初步]",
                "初步人选名单",
                ["姓名", "公民身份号码", "得票率"],
                [("张建国", CITIZEN_ID, Fraction(3, 4))],
            ),
        ],
        streaming=streaming,
    )
    rows = xlsx_rows(path)
    assert rows[0][0] == "东河镇党委推荐情况汇总表"
    assert list(rows[1]) == TALLY_HEADERS
    assert rows[2] == (1, "东河镇第1党支部", "东河镇党委", 31, 29, "同意")
    assert len(rows) == 2 + len(TALLY_ROWS)
    workbook = load_workbook(path)
    first = workbook.worksheets[0]
    assert [str(r) for r in first.merged_cells.ranges] == ["A1:F1"]
    assert first.freeze_panes == "A3"
    assert first.print_title_rows == "$1:$2"
    assert first.page_setup.paperSize == excel.PAPER_A4
    assert first["A2"].font.b
    assert first.column_dimensions["B"].width >= fonts.display_width("东河镇第90党支部")
    assert workbook.sheetnames == ["推荐汇总", "名单_初步_"]
    assert xlsx_rows(path, "名单_初步_")[2] == ("张建国", CITIZEN_ID, 0.75)


def test_sheet_names_are_made_acceptable_and_unique() -> None:
    taken: set[str] = set()
    assert excel.sheet_name("a/b", taken) == "a_b"
    assert excel.sheet_name("A/B", taken) == "A_B(2)"
    assert len(excel.sheet_name("长" * 40, taken)) == 31
