from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from tests import factories
from tests.conftest import Tree
from tests.render import (
    docx_text,
    ink_ratio,
    pdf_fonts,
    pdf_page_count,
    pdf_page_text,
    pdf_text,
    render_pdf_page,
)
from tuixuan.core.models import User
from tuixuan.dossier import books
from tuixuan.dossier.books import Section, section_for
from tuixuan.dossier.selectors import events_for_person
from tuixuan.record import services
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.record.triggers import install_triggers, uninstall_triggers
from tuixuan.registry.models import Member

CAMPAIGN = 7


class _LaterType(str):
    """A type a later stage will add: the book must place it by its prefix."""

    @property
    def value(self) -> str:
        return str(self)


def allow_later_types(monkeypatch: pytest.MonkeyPatch) -> None:
    def lookup(value: Any) -> Any:
        try:
            return EventType(value)
        except ValueError:
            return _LaterType(value)

    monkeypatch.setattr(services, "EventType", lookup)


def step(
    event_type: str,
    summary: str,
    *,
    actor: User | None,
    persons: list[str],
    accountable: Any = None,
    person: str = "",
    inputs: dict[str, Any] | None = None,
    organisation: Any = None,
) -> Event:
    with transaction.atomic():
        return services.record(
            event_type=event_type,  # type: ignore[arg-type]  # later types are plain text
            actor=actor,
            summary=summary,
            subject_type="member",
            subject_id=persons[0] if persons else "0",
            organisation=organisation,
            accountable_organisation=accountable,
            accountable_person=person,
            person_citizen_ids=persons,
            inputs=inputs,
            campaign_id=CAMPAIGN,
        )


def demo_path(
    tree: Tree, unit_operator: User, convener: User, monkeypatch: pytest.MonkeyPatch
) -> Member:
    """张建国's path from recommendation to public notice, as the stages will record it. He is
    a leading cadre, so his book has a 四必 section (empty: the step was skipped)."""
    allow_later_types(monkeypatch)
    member = factories.member(tree.branch_a1, "张建国")
    member.cadre_rank = "division"
    member.save(update_fields=["cadre_rank"])
    other = factories.member(tree.branch_a2, "李红梅")
    cid = member.citizen_id
    with transaction.atomic():
        services.record(
            event_type=EventType.MEMBERS_IMPORTED,
            actor=convener,
            summary="导入党员名册：东河镇党员.xlsx（新增 2，更新 0）",
            subject_type="registry.importjob",
            subject_id=1,
            person_citizen_ids=[cid, other.citizen_id],
            inputs={"file_name": "东河镇党员.xlsx", "sha256": "ab" * 32},
        )
    step(
        "nomination.recommendation_recorded",
        "东河村党支部推荐张建国为代表人选",
        actor=unit_operator,
        persons=[cid, other.citizen_id],
        accountable=tree.branch_a1,
        person="王书记",
        inputs={
            "round": "一上",
            "votes": [
                {"citizen_id": cid, "name": "张建国", "for": 41},
                {"citizen_id": other.citizen_id, "name": "李红梅", "for": 30},
            ],
            "present": 45,
            "due": 48,
        },
    )
    step(
        "vetting.six_check_recorded",
        "党员档案、职业身份等六项核查完成，未发现问题",
        actor=unit_operator,
        persons=[cid],
        accountable=tree.unit_a,
        person="赵组织委员",
    )
    step(
        "vetting.joint_review_opinion",
        "纪检监察：无不良记录",
        actor=unit_operator,
        persons=[cid],
        accountable=tree.unit_a,
        person="纪检监察审查人",
    )
    step(
        "vetting.inspection_report",
        "考察组谈话 23 人，民主测评优秀 20 票",
        actor=unit_operator,
        persons=[cid],
        accountable=tree.unit_a,
        person="考察组组长 周明",
        inputs={"talks": 23, "agree": 20},
    )
    step(
        "notice.published",
        "初步人选公示五个工作日",
        actor=unit_operator,
        persons=[cid],
        accountable=tree.unit_a,
        person="东河镇党委",
    )
    return member


@pytest.fixture
def demo(
    tree: Tree, unit_operator: User, convener: User, monkeypatch: pytest.MonkeyPatch
) -> Member:
    return demo_path(tree, unit_operator, convener, monkeypatch)


def demo_book(member: Member) -> books.Book:
    events = list(events_for_person(member.citizen_id).prefetch_related("persons", "attachments"))
    return books.build_book(member.citizen_id, member, events)


def file_body(response: Any) -> bytes:
    """The bytes of a streamed download (a FileResponse)."""
    return b"".join(response.streaming_content)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- sections -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "section"),
    [
        ("registry.members_imported", Section.BASIC),
        ("registry.member_changed", Section.CHANGES),
        ("core.user_created", Section.BASIC),
        ("campaign.unit_added", Section.DEPLOYMENT),
        ("nomination.recommendation_recorded", Section.RECOMMENDATION),
        ("nomination.shortlist_decided", Section.DECISION),
        ("nomination.list_reopened", Section.DECISION),
        ("nomination.late_report_admitted", Section.RECOMMENDATION),
        ("nomination.candidate_withdrawn", Section.CHANGES),
        ("vetting.six_check_recorded", Section.SIX_CHECKS),
        ("vetting.joint_review_opinion", Section.JOINT_REVIEW),
        ("vetting.four_musts_recorded", Section.FOUR_MUSTS),
        ("vetting.inspection_report", Section.INSPECTION),
        ("vetting.candidate_list_decided", Section.DECISION),
        ("vetting.candidate_list_reported", Section.APPROVAL),
        ("notice.published", Section.NOTICE),
        ("notice.objection_concluded", Section.NOTICE),
        ("notice.list_approved", Section.APPROVAL),
        ("election.round_counted", Section.ELECTION),
        ("election.delegate_confirmed", Section.CREDENTIALS),
        ("election.delegate_removed", Section.CREDENTIALS),
        ("oversight.finding_raised", Section.CHANGES),
        ("somethingnew.step", Section.CHANGES),
        ("dossier.book_exported", None),
    ],
)
def test_it_places_each_type_in_its_section(event_type: str, section: Section | None) -> None:
    assert section_for(event_type) is section


def test_every_known_type_has_a_section_except_the_records_own() -> None:
    for event_type in EventType:
        placed = section_for(event_type.value)
        assert (placed is None) == event_type.value.startswith("dossier.")


@pytest.mark.parametrize(
    ("present", "expected_stages"),
    [
        (set(), []),
        ({Section.RECOMMENDATION}, [Section.RECOMMENDATION]),
        ({Section.INSPECTION}, [s for s in books.STAGES[:5] if s is not Section.FOUR_MUSTS]),
        (
            {Section.ELECTION, Section.RECOMMENDATION},
            [s for s in books.STAGES[:9] if s is not Section.FOUR_MUSTS],
        ),
    ],
)
def test_it_shows_stage_sections_up_to_the_furthest_reached(
    present: set[Section], expected_stages: list[Section]
) -> None:
    shown = books.shown_sections(present)
    assert shown[0] is Section.BASIC
    assert shown[-2:] == [Section.CHANGES, Section.ACCOUNTABILITY]
    assert [s for s in shown if s in books.STAGES] == expected_stages


def test_four_musts_are_shown_for_leading_cadres_only() -> None:
    """A book shows 四必 for a cadre once the stages reach it, for anyone else only when it
    holds events (docs/domain.md §3.5)."""
    assert Section.FOUR_MUSTS not in books.shown_sections({Section.INSPECTION})
    assert Section.FOUR_MUSTS in books.shown_sections({Section.INSPECTION}, cadre=True)
    assert Section.FOUR_MUSTS in books.shown_sections({Section.FOUR_MUSTS})


def test_inputs_are_cut_down_to_the_persons_own_part() -> None:
    inputs = {
        "votes": [
            {"citizen_id": "1", "name": "甲", "for": 41},
            {"citizen_id": "2", "name": "乙", "for": 30},
        ],
        "sha256": "ff",
        "due": 48,
    }
    text = books.inputs_text(inputs, citizen_id="1", name="甲")
    assert "41" in text and "30" not in text and "ff" not in text
    assert "应到：48" in text


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十")])
def test_chinese_numbers(n: int, text: str) -> None:
    assert books.cn_number(n) == text


# --- the book -----------------------------------------------------------------------------


def test_the_book_groups_events_and_marks_skipped_steps(demo: Member) -> None:
    book = demo_book(demo)
    titles = [s.section for s in book.sections]
    assert titles == [
        Section.BASIC,
        Section.RECOMMENDATION,
        Section.SIX_CHECKS,
        Section.JOINT_REVIEW,
        Section.FOUR_MUSTS,
        Section.INSPECTION,
        Section.DECISION,
        Section.NOTICE,
        Section.CHANGES,
        Section.ACCOUNTABILITY,
    ]
    by = {s.section: s for s in book.sections}
    assert by[Section.FOUR_MUSTS].entries == []  # skipped: shown empty
    assert len(by[Section.RECOMMENDATION].entries) == 1
    recommended = by[Section.RECOMMENDATION].entries[0]
    assert "41" in recommended.inputs and "30" not in recommended.inputs
    assert recommended.accountable == "东河村党支部 王书记"
    assert book.verified and book.statement.endswith(book.entries[-1].chain_hash)
    assert [e.responsibility for e in book.chain][:2] == ["谁推荐谁负责", "谁审查谁负责"]


def test_the_book_pdf_reads_back_in_chinese(demo: Member, tmp_path: Path) -> None:
    book = demo_book(demo)
    path = tmp_path / "book.pdf"
    pages = books.write_book_pdf(book, path)
    assert pdf_page_count(path) == pages >= 2
    text = squeeze(pdf_text(path))
    for heading in (
        "一人一册",
        "张建国",
        demo.citizen_id,
        "一、基本情况",
        "二、推荐情况（历次推荐及得票）",
        "三、党员“六必查”",
        "五、干部“四必”",
        "（本环节暂无记录）",
        "公示及举报处理",
        "责任链（签名/责任人）",
        "谁推荐谁负责",
        "本册内容与全程纪实记录一致，校验值：",
    ):
        assert squeeze(heading) in text, heading
    assert book.entries[-1].chain_hash[:32] in text
    assert "选举情况" not in text  # not reached yet
    fonts = pdf_fonts(path)
    assert fonts and all(" yes yes yes " in f"{line} " for line in fonts)
    cover = squeeze(pdf_page_text(path, 1))
    for label in ("一人一册", "姓名", "性别、民族", "出生年月", "公民身份号码", "入党时间"):
        assert label in cover, label
    for label in ("学历", "所在党组织", "人员类别", "汉族", "1980年5月"):
        assert label in cover, label
    for page in range(1, pages + 1):
        png = render_pdf_page(path, page, tmp_path / f"p{page}.png")
        assert ink_ratio(png) > 0.003
        body = squeeze(pdf_page_text(path, page)).replace(squeeze(books.BOOK_HEADER), "")
        assert len(re.sub(r"第\d+页共\d+页", "", body)) > 40, f"page {page} is nearly empty"
    render_pdf_page(path, 2, Path(tempfile.gettempdir()) / "book-sample.png", dpi=80)


def test_the_book_word_file_holds_the_sections(demo: Member, tmp_path: Path) -> None:
    path = tmp_path / "book.docx"
    books.write_book_docx(demo_book(demo), path)
    text = docx_text(path)
    for heading in ("基本情况", "推荐情况（历次推荐及得票）", "考察情况", "责任链", "张建国"):
        assert heading in text


def test_a_tampered_event_makes_the_book_say_so(demo: Member) -> None:
    event = events_for_person(demo.citizen_id).last()
    assert event is not None
    table = Event._meta.db_table
    uninstall_triggers(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET summary = %s WHERE id = %s", ["改过", event.pk])
    finally:
        install_triggers(connection)
    book = demo_book(demo)
    assert not book.verified
    assert "内容哈希不符" in book.statement


def test_a_person_outside_the_registry_still_has_a_book(tree: Tree, convener: User) -> None:
    with transaction.atomic():
        services.record(
            event_type=EventType.ELECTION_DELEGATE_CONFIRMED,
            actor=convener,
            summary="代表资格确认",
            subject_type="election_delegate",
            subject_id=1,
            person_citizen_ids=["11010519491231002X"],
        )
    events = list(
        events_for_person("11010519491231002X").prefetch_related("persons", "attachments")
    )
    book = books.build_book("11010519491231002X", None, events)
    assert book.person.name == "（未在党员名册中）"
    assert Section.CREDENTIALS in [s.section for s in book.sections]
    assert books.book_file_name(book, "pdf") == "11010519491231002X-002X.pdf"


# --- the unit form ------------------------------------------------------------------------


def test_the_unit_form_holds_the_units_steps(demo: Member, tree: Tree, tmp_path: Path) -> None:
    from tests.render import xlsx_rows

    events = list(books.unit_events(tree.unit_a))
    form = books.build_unit_form(tree.unit_a, events)
    assert form.verified
    steps = [e.summary for e in form.entries]
    assert "东河村党支部推荐张建国为代表人选" in steps
    assert "导入党员名册：东河镇党员.xlsx（新增 2，更新 0）" not in steps  # done by the city
    xlsx = tmp_path / "form.xlsx"
    books.write_unit_form_xlsx(form, xlsx)
    rows = xlsx_rows(xlsx)
    assert list(rows[1][:3]) == ["序号", "环节", "时间"]
    assert len(rows) == 2 + len(form.entries)
    pdf_path = tmp_path / "form.pdf"
    books.write_unit_form_pdf(form, pdf_path)
    text = squeeze(pdf_text(pdf_path))
    assert "东河镇党委全程纪实登记表" in text and "推荐情况" in text
    docx = tmp_path / "form.docx"
    books.write_unit_form_docx(form, docx)
    assert "考察情况" in docx_text(docx)


def test_books_and_unit_forms_print_the_head_of_each_chain_they_show(
    demo: Member, tree: Tree, tmp_path: Path
) -> None:
    from tests.render import docx_text
    from tuixuan.record import anchors

    book = demo_book(demo)
    chains = anchors.chains_of(e.event_id for e in book.entries)
    assert chains
    digests = [a.short for a in anchors.current(chains)]
    books.write_book_pdf(book, tmp_path / "book.pdf")
    books.write_book_docx(book, tmp_path / "book.docx")
    form = books.build_unit_form(tree.unit_a, list(books.unit_events(tree.unit_a)))
    books.write_unit_form_pdf(form, tmp_path / "form.pdf")
    books.write_unit_form_docx(form, tmp_path / "form.docx")
    form_digests = [
        a.short for a in anchors.current(anchors.chains_of(e.event_id for e in form.entries))
    ]
    assert form_digests
    for name, shown in (("book", digests), ("form", form_digests)):
        text = squeeze(pdf_text(tmp_path / f"{name}.pdf"))
        words = docx_text(tmp_path / f"{name}.docx")
        for digest in shown:
            assert f"校验值：{digest}" in text, name
            assert f"tuixuan verify-record --anchor {digest}" in words, name
