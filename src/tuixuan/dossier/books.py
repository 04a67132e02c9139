"""The per-person book (一人一册) and the per-unit record form (纪实登记表), as document blocks.

A book is not written by anyone: it is read off the record. Each event a person appears in
is placed in one section of the book (docs/domain.md §9.3) by its type; later stages' types are
placed by their app prefix and a few words of their name, so the book stays complete when a
stage adds a type without touching this module.

Which empty sections are shown: the stage sections (推荐 … 资格审查) appear up to the
furthest stage the person has reached, each with "（本环节暂无记录）" when it holds no event,
so a skipped step is visible on paper; the stages after that are left out. 基本情况, 变动情况
and 责任链 always appear. 部署 appears only when it holds events.

Every book ends with the chain hash of its last event and the result of checking its events
against the chain (content hash recomputed, link to the previous event and from the next
one), so the paper copy can later be matched against the database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from django.db.models import Q
from django.utils.translation import gettext as _
from reportlab.platypus import KeepTogether

from tuixuan.core import clock
from tuixuan.core.documents import excel, pdf, word
from tuixuan.dossier import vetting_book, wording
from tuixuan.record import anchors, hashing
from tuixuan.record.events import ACCOUNTABILITY, Accountability, EventType
from tuixuan.record.models import ChainHead, Event
from tuixuan.record.verification import stored_event_content

if TYPE_CHECKING:
    from types import ModuleType

    from tuixuan.core.models import Organisation
    from tuixuan.registry.models import Member


class Section(Enum):
    """The sections of the book, in the order of the work (docs/domain.md §9.3)."""

    BASIC = "basic"
    DEPLOYMENT = "deployment"
    RECOMMENDATION = "recommendation"
    SIX_CHECKS = "six_checks"
    JOINT_REVIEW = "joint_review"
    FOUR_MUSTS = "four_musts"
    INSPECTION = "inspection"
    DECISION = "decision"
    NOTICE = "notice"
    APPROVAL = "approval"
    ELECTION = "election"
    CREDENTIALS = "credentials"
    CHANGES = "changes"
    ACCOUNTABILITY = "accountability"

    @property
    def title(self) -> str:
        return _(SECTION_TITLES[self])


SECTION_TITLES: dict[Section, str] = {
    Section.BASIC: "基本情况",
    Section.DEPLOYMENT: "推选工作部署",
    Section.RECOMMENDATION: "推荐情况（历次推荐及得票）",
    Section.SIX_CHECKS: "党员“六必查”",
    Section.JOINT_REVIEW: "部门联审意见",
    Section.FOUR_MUSTS: "干部“四必”",
    Section.INSPECTION: "考察情况",
    Section.DECISION: "集体研究决定",
    Section.NOTICE: "公示及举报处理",
    Section.APPROVAL: "报批审批",
    Section.ELECTION: "选举情况（各轮次）",
    Section.CREDENTIALS: "资格审查",
    Section.CHANGES: "变动情况",
    Section.ACCOUNTABILITY: "责任链（签名/责任人）",
}

# The stages, in order; a book shows them up to the furthest one reached.
STAGES: tuple[Section, ...] = (
    Section.RECOMMENDATION,
    Section.SIX_CHECKS,
    Section.JOINT_REVIEW,
    Section.FOUR_MUSTS,
    Section.INSPECTION,
    Section.DECISION,
    Section.NOTICE,
    Section.APPROVAL,
    Section.ELECTION,
    Section.CREDENTIALS,
)

NO_RECORD = "（本环节暂无记录）"

_LEAVING = ("withdraw", "disqualif", "excluded", "dropped", "not_considered")

# Per app: (words in the type name, section), first match wins, then the app's default.
_RULES: dict[str, tuple[tuple[tuple[str, ...], Section], ...]] = {
    "registry": ((("changed", "moved", "transfer"), Section.CHANGES),),
    "core": (),
    "campaign": ((("approv",), Section.APPROVAL),),
    "nomination": (
        (_LEAVING, Section.CHANGES),
        (("decide", "decision", "shortlist", "down", "reopen"), Section.DECISION),
    ),
    "vetting": (
        (_LEAVING, Section.CHANGES),
        (("six_check", "sixcheck"), Section.SIX_CHECKS),
        (("joint_review", "department", "review"), Section.JOINT_REVIEW),
        (("four_must", "fourmust", "must"), Section.FOUR_MUSTS),
        (("inspect", "talk", "evaluation", "team"), Section.INSPECTION),
        (("approv", "report"), Section.APPROVAL),
        (("decide", "decision", "candidate_list", "shortlist"), Section.DECISION),
        (("check", "eligib"), Section.SIX_CHECKS),
    ),
    "notice": (
        (_LEAVING, Section.CHANGES),
        (("approv", "submitted", "returned"), Section.APPROVAL),
        (("candidate_list_decided", "placement", "slate"), Section.DECISION),
    ),
    "election": ((("delegate_confirmed", "delegate_removed", "credential"), Section.CREDENTIALS),),
    "oversight": (),
}
_DEFAULTS: dict[str, Section] = {
    "registry": Section.BASIC,
    "core": Section.BASIC,
    "campaign": Section.DEPLOYMENT,
    "nomination": Section.RECOMMENDATION,
    "vetting": Section.INSPECTION,
    "notice": Section.NOTICE,
    "election": Section.ELECTION,
    "oversight": Section.CHANGES,
}
# The record's own housekeeping (exports of books) is not part of anyone's path.
_NOT_IN_BOOK = frozenset({"dossier"})

# The responsibility a section carries when the type is not in the ACCOUNTABILITY map.
_SECTION_RESPONSIBILITY: dict[Section, Accountability] = {
    Section.RECOMMENDATION: Accountability.RECOMMEND,
    Section.DECISION: Accountability.NOMINATE,
    Section.INSPECTION: Accountability.INSPECT,
    Section.SIX_CHECKS: Accountability.REVIEW,
    Section.JOINT_REVIEW: Accountability.REVIEW,
    Section.FOUR_MUSTS: Accountability.REVIEW,
    Section.APPROVAL: Accountability.REVIEW,
    Section.CREDENTIALS: Accountability.REVIEW,
    Section.BASIC: Accountability.MANAGE,
    Section.CHANGES: Accountability.MANAGE,
}


def section_for(event_type: str) -> Section | None:
    """The book section of an event type (None: not part of a person's path)."""
    app, _sep, name = event_type.partition(".")
    if app in _NOT_IN_BOOK:
        return None
    for words, section in _RULES.get(app, ()):
        if any(word in name for word in words):
            return section
    return _DEFAULTS.get(app, Section.CHANGES)


def responsibility_for(event_type: str) -> Accountability | None:
    try:
        known = ACCOUNTABILITY.get(EventType(event_type))
    except ValueError:
        known = None
    if known is not None:
        return known
    section = section_for(event_type)
    return _SECTION_RESPONSIBILITY.get(section) if section is not None else None


def type_label(event_type: str) -> str:
    """The type's name; a type this version does not know yet is named by its section."""
    try:
        return str(EventType(event_type).label)
    except ValueError:
        section = section_for(event_type)
        return section.title if section is not None else event_type


def local_time(at: dt.datetime) -> str:
    return clock.local_time(at).strftime("%Y-%m-%d %H:%M")


def year_month(day: dt.date | None) -> str:
    return "" if day is None else f"{day.year}年{day.month}月"


# --- inputs, as a form would say them (see ``wording``) --------------------------------


def inputs_text(
    inputs: Mapping[str, Any],
    *,
    event_type: str = "",
    citizen_id: str | None = None,
    name: str | None = None,
) -> str:
    """The decision's inputs in Chinese, through the event type's template; in a book, lists
    are cut down to the person's own part. Never shortened: the documents wrap it."""
    return wording.describe(event_type, inputs, citizen_id=citizen_id, name=name)


# --- checking the events of a book against the chain ------------------------------------


@dataclass(frozen=True)
class EventCheck:
    ok: bool
    message: str = ""


def check_events(events: Iterable[Event]) -> dict[int, EventCheck]:
    """Check each event on its own: content hash, link to the previous event, link from the
    next one (or the chain head for the last). Cheaper than walking whole chains, and it
    catches an altered or removed neighbour of every event shown.

    Events must come with ``persons`` and ``attachments`` prefetched.
    """
    unique = {e.pk: e for e in events}
    results: dict[int, EventCheck] = {}
    if not unique:
        return results
    wanted: dict[str, set[int]] = defaultdict(set)
    for e in unique.values():
        if e.seq > 1:
            wanted[e.chain].add(e.seq - 1)
        wanted[e.chain].add(e.seq + 1)
    neighbours: dict[tuple[str, int], tuple[str, str]] = {}
    for chain, seqs in wanted.items():
        ordered = sorted(seqs)
        for start in range(0, len(ordered), 500):
            rows = Event.objects.filter(chain=chain, seq__in=ordered[start : start + 500])
            for c, s, content, link in rows.values_list(
                "chain", "seq", "content_hash", "chain_hash"
            ):
                neighbours[(c, s)] = (content, link)
    heads = {
        c: (s, h)
        for c, s, h in ChainHead.objects.filter(chain__in=list(wanted)).values_list(
            "chain", "last_seq", "last_hash"
        )
    }
    for pk, e in unique.items():
        results[pk] = _check_one(e, neighbours, heads)
    return results


def _check_one(
    e: Event,
    neighbours: Mapping[tuple[str, int], tuple[str, str]],
    heads: Mapping[str, tuple[int, str]],
) -> EventCheck:
    where = f"纪实链 {e.chain} 第 {e.seq} 条"
    if hashing.content_hash(stored_event_content(e)) != e.content_hash:
        return EventCheck(False, f"{where}：内容哈希不符，记录内容已被改动。")
    if e.seq == 1:
        prev_hash = hashing.GENESIS_HASH
    else:
        prev = neighbours.get((e.chain, e.seq - 1))
        if prev is None:
            return EventCheck(False, f"{where}：前一条记录缺失。")
        prev_hash = prev[1]
    if hashing.link_hash(prev_hash, e.content_hash) != e.chain_hash:
        return EventCheck(False, f"{where}：链哈希不符。")
    nxt = neighbours.get((e.chain, e.seq + 1))
    if nxt is not None:
        if hashing.link_hash(e.chain_hash, nxt[0]) != nxt[1]:
            return EventCheck(False, f"{where}：后一条记录的链接不符。")
    else:
        head = heads.get(e.chain)
        if head is None or head != (e.seq, e.chain_hash):
            return EventCheck(False, f"{where}：链尾不符，其后的记录缺失。")
    return EventCheck(True)


# --- the book -------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonInfo:
    citizen_id: str
    name: str
    gender: str = ""
    ethnicity: str = ""
    birth: str = ""
    joined: str = ""
    education: str = ""
    organisation: str = ""
    occupation: str = ""
    member_type: str = ""
    rights: str = ""
    flags: str = ""
    in_registry: bool = False

    def cover(self) -> dict[str, str]:
        """The cover's fields; gender and ethnicity share a line, as nine lines overflow A4."""
        both = "、".join(v for v in (self.gender, self.ethnicity) if v)
        return {
            _("姓名"): self.name,
            _("性别、民族"): both,
            _("出生年月"): self.birth,
            _("公民身份号码"): self.citizen_id,
            _("入党时间"): self.joined,
            _("学历"): self.education,
            _("所在党组织"): self.organisation,
            _("人员类别"): self.occupation,
        }


def person_info(citizen_id: str, member: Member | None) -> PersonInfo:
    if member is None:
        return PersonInfo(citizen_id=citizen_id, name=_("（未在党员名册中）"))
    flags = [
        label
        for flag, label in (
            (member.is_floating, _("流动党员")),
            (member.is_retired, _("离退休")),
            (member.is_lost_contact, _("失联")),
            (member.is_abroad, _("出国境")),
        )
        if flag
    ]
    return PersonInfo(
        citizen_id=citizen_id,
        name=member.name,
        gender=member.get_gender_display(),
        ethnicity=member.ethnicity,
        birth=year_month(member.birth_date),
        joined=year_month(member.joined_date),
        education=member.get_education_display(),
        organisation=member.organisation.name,
        occupation=member.get_occupation_display(),
        member_type=member.get_member_type_display(),
        rights=member.get_rights_status_display(),
        flags="、".join(flags) or _("无"),
        in_registry=True,
    )


@dataclass(frozen=True)
class Entry:
    """One event as a line of a book or a unit form."""

    event_id: int
    at: dt.datetime
    event_type: str
    step: str
    section: Section
    summary: str
    inputs: str
    acting_organisation: str
    actor: str
    accountable_organisation: str
    accountable_person: str
    responsibility: str
    chain_hash: str
    persons: int = 0
    attachments: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The event's inputs as recorded, for the sections drawn as tables (vetting_book)."""

    @property
    def when(self) -> str:
        return local_time(self.at)

    @property
    def accountable(self) -> str:
        return " ".join(p for p in (self.accountable_organisation, self.accountable_person) if p)

    @property
    def acting(self) -> str:
        return " ".join(p for p in (self.acting_organisation, self.actor) if p)


def entry_for(
    event: Event, *, citizen_id: str | None = None, name: str | None = None, detail: bool = False
) -> Entry | None:
    section = section_for(event.event_type)
    if section is None:
        return None
    responsibility = responsibility_for(event.event_type)
    persons = attachments = None
    if detail:
        persons = len(event.persons.all())
        attachments = "、".join(a.name for a in event.attachments.all())
    return Entry(
        event_id=event.pk,
        at=event.at,
        event_type=event.event_type,
        step=type_label(event.event_type),
        section=section,
        summary=event.summary,
        inputs=inputs_text(
            event.inputs or {}, event_type=event.event_type, citizen_id=citizen_id, name=name
        ),
        acting_organisation=event.organisation_name,
        actor=event.actor_name or _("系统"),
        accountable_organisation=event.accountable_organisation_name,
        accountable_person=event.accountable_person,
        responsibility=str(responsibility.label) if responsibility is not None else "",
        chain_hash=event.chain_hash,
        persons=persons or 0,
        attachments=attachments or "",
        raw=event.inputs or {},
    )


@dataclass(frozen=True)
class BookSection:
    section: Section
    entries: list[Entry]
    tables: list[vetting_book.Table] = field(default_factory=list)
    """The section drawn as tables (the vetting sections), above its list of events."""

    @property
    def title(self) -> str:
        return self.section.title


@dataclass(frozen=True)
class Book:
    person: PersonInfo
    sections: list[BookSection]
    entries: list[Entry]
    verified: bool
    problems: list[str] = field(default_factory=list)

    @property
    def last_hash(self) -> str:
        return self.entries[-1].chain_hash if self.entries else ""

    @property
    def chain(self) -> list[Entry]:
        """The steps that name who answers for them (docs/domain.md §9.2)."""
        return [
            e
            for e in self.entries
            if e.accountable_organisation or e.accountable_person or e.section in _CHAIN_SECTIONS
        ]

    @property
    def statement(self) -> str:
        if not self.entries:
            return _("本册暂无全程纪实记录。")
        if self.verified:
            return _("本册内容与全程纪实记录一致，校验值：%(hash)s") % {"hash": self.last_hash}
        return _(
            "本册内容与全程纪实记录不一致：%(problem)s 请运行 tuixuan verify-record 核查。"
        ) % {"problem": self.problems[0]}

    @property
    def through(self) -> str:
        return local_time(self.entries[-1].at) if self.entries else ""


_CHAIN_SECTIONS = frozenset(STAGES)


def shown_sections(present: Iterable[Section], *, cadre: bool = False) -> list[Section]:
    """Which sections a book or form shows: see the module docstring. 四必 is for leading
    cadres only: shown for a cadre once the stages reach it, for anyone else only when it
    holds events (docs/domain.md §3.5)."""
    present = set(present)
    reached = max((STAGES.index(s) for s in present if s in STAGES), default=-1)
    shown = [Section.BASIC]
    if Section.DEPLOYMENT in present:
        shown.append(Section.DEPLOYMENT)
    shown += [
        s for s in STAGES[: reached + 1] if s is not Section.FOUR_MUSTS or cadre or s in present
    ]
    shown += [Section.CHANGES, Section.ACCOUNTABILITY]
    return shown


def build_book(
    citizen_id: str,
    member: Member | None,
    events: Sequence[Event],
    checks: Mapping[int, EventCheck] | None = None,
) -> Book:
    """Assemble a book from the person's events (in order, persons/attachments prefetched).

    ``checks`` lets a batch check all events at once; without it the events are checked here.
    """
    person = person_info(citizen_id, member)
    name = member.name if member is not None else None
    entries = [e for e in (entry_for(ev, citizen_id=citizen_id, name=name) for ev in events) if e]
    shown_ids = {e.event_id for e in entries}
    if checks is None:
        checks = check_events([ev for ev in events if ev.pk in shown_ids])
    problems = [
        checks[e.event_id].message
        for e in entries
        if e.event_id in checks and not checks[e.event_id].ok
    ]
    problems += [
        _("事件 ID %(id)s 未经校验。") % {"id": e.event_id}
        for e in entries
        if e.event_id not in checks
    ]
    grouped: dict[Section, list[Entry]] = defaultdict(list)
    for e in entries:
        grouped[e.section].append(e)
    sections = [
        BookSection(
            s,
            grouped.get(s, []) if s is not Section.ACCOUNTABILITY else [],
            vetting_book.tables(s.value, grouped.get(s, []), citizen_id),
        )
        for s in shown_sections(grouped, cadre=bool(member is not None and member.cadre_rank))
    ]
    return Book(
        person=person, sections=sections, entries=entries, verified=not problems, problems=problems
    )


CN_NUMBERS = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (enough for section headings)."""
    if n <= 10:
        return CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_NUMBERS[tens - 1]
    return head + "十" + (CN_NUMBERS[ones - 1] if ones else "")


EVENT_HEADERS = ("序号", "时间", "事项", "情况摘要", "经办党组织及经办人", "责任党组织及责任人")
EVENT_WEIGHTS = (3.2, 9.5, 9, 26, 12, 12)
CHAIN_HEADERS = ("序号", "环节", "事项", "责任", "责任党组织", "责任人", "经办人")
CHAIN_WEIGHTS = (3.2, 8, 9, 8, 12, 7, 8)


def _event_rows(entries: Sequence[Entry]) -> list[tuple[str | int, ...]]:
    rows: list[tuple[str | int, ...]] = []
    for i, e in enumerate(entries, start=1):
        summary = e.summary if not e.inputs else f"{e.summary}\n{_('依据')}：{e.inputs}"
        rows.append((i, e.when, e.step, summary, e.acting, e.accountable))
    return rows


def _chain_rows(book: Book) -> list[tuple[str | int, ...]]:
    return [
        (
            i,
            e.section.title,
            e.step,
            e.responsibility,
            e.accountable_organisation or e.acting_organisation,
            e.accountable_person,
            e.actor,
        )
        for i, e in enumerate(book.chain, start=1)
    ]


def book_heads(book: Book) -> list[anchors.Anchor]:
    """The anchors a book prints: the heads, now, of the chains its events belong to."""
    return anchors.current(anchors.chains_of(e.event_id for e in book.entries))


def book_blocks(
    m: ModuleType, book: Book, heads: Sequence[anchors.Anchor] | None = None
) -> list[Any]:
    """The book's content for ``pdf`` or ``word`` (same helpers in both). ``heads`` are the
    anchors read beforehand (``book_heads``); without them they are read here."""
    p = book.person
    blocks: list[Any] = []
    for number, section in enumerate(book.sections, start=1):
        blocks.append(m.heading(f"{cn_number(number)}、{section.title}"))
        if section.section is Section.BASIC:
            blocks.append(
                m.form_table(
                    [
                        (_("姓名"), p.name, _("性别"), p.gender, _("民族"), p.ethnicity),
                        (_("出生年月"), p.birth, _("入党时间"), p.joined, _("学历"), p.education),
                        (_("公民身份号码"), p.citizen_id, _("人员类别"), p.occupation),
                        (_("党员类型"), p.member_type, _("表决权状态"), p.rights),
                        (_("所在党组织"), p.organisation),
                        (_("标记"), p.flags),
                    ]
                )
            )
            if section.entries:
                blocks.append(m.spacer(3))
                blocks.append(
                    m.data_table(
                        EVENT_HEADERS, _event_rows(section.entries), col_widths=EVENT_WEIGHTS
                    )
                )
        elif section.section is Section.ACCOUNTABILITY:
            rows = _chain_rows(book)
            if rows:
                blocks.append(m.data_table(CHAIN_HEADERS, rows, col_widths=CHAIN_WEIGHTS))
            else:
                blocks.append(m.paragraph(_(NO_RECORD), indent=False))
            blocks.append(
                m.paragraph(
                    _("谁推荐谁负责、谁提名谁负责、谁考察谁负责、谁审查谁负责、谁管理谁负责。"),
                    indent=False,
                )
            )
        elif section.entries:
            blocks += [m.data_table(h, rows) for h, rows in section.tables]
            if section.tables:
                blocks.append(m.spacer(3))
            blocks.append(
                m.data_table(EVENT_HEADERS, _event_rows(section.entries), col_widths=EVENT_WEIGHTS)
            )
        else:
            blocks.append(m.paragraph(_(NO_RECORD), indent=False))
    tail = [
        m.heading(_("校验")),
        m.form_table(
            [
                (_("纪实记录条数"), str(len(book.entries)), _("记录截至"), book.through),
                (_("校验结果"), book.statement),
            ]
        ),
        m.signature_lines([_("填表人"), _("审核人")], dated=True),
        *anchors.blocks_of(m, book_heads(book) if heads is None else heads),
    ]
    return [*blocks, *_together(m, tail)]


def _together(m: ModuleType, tail: list[Any]) -> list[Any]:
    """On paper the check and the signatures stay on one page: a signature alone on the last
    page would sign nothing."""
    if m is pdf:
        return [KeepTogether(tail)]
    return tail


BOOK_TITLE = "一人一册"
BOOK_HEADER = "党代表推选工作全程纪实 · 一人一册"


def _cover_lines(book: Book) -> list[str]:
    """Nothing at the foot: the cover's fields fill the page."""
    return []


def write_book_pdf(
    book: Book, target: str | Path | BinaryIO, heads: Sequence[anchors.Anchor] | None = None
) -> int:
    """The book as PDF. With ``heads`` given this reads nothing from the database."""
    return pdf.build_pdf(
        target,
        title=_("全程纪实登记表"),
        blocks=lambda: book_blocks(pdf, book, heads),
        cover=book.person.cover(),
        cover_title=_(BOOK_TITLE),
        cover_subtitle=_("党代表推选工作全程纪实"),
        cover_lines=_cover_lines(book),
        header=_(BOOK_HEADER),
        subject=book.person.citizen_id,
    )


def write_book_docx(book: Book, target: str | Path | BinaryIO) -> None:
    word.build_docx(
        target,
        title=_("全程纪实登记表"),
        blocks=lambda: book_blocks(word, book),
        cover=book.person.cover(),
        cover_title=_(BOOK_TITLE),
        cover_subtitle=_("党代表推选工作全程纪实"),
        cover_lines=_cover_lines(book),
        header=_(BOOK_HEADER),
        subject=book.person.citizen_id,
    )


def book_file_name(book: Book, suffix: str) -> str:
    """``姓名-身份证后4位.pdf``: what units file the printed books under."""
    name = book.person.name if book.person.in_registry else book.person.citizen_id
    safe = "".join(ch for ch in name if ch not in '\\/:*?"<>|').strip() or "未命名"
    return f"{safe}-{book.person.citizen_id[-4:]}.{suffix}"


# --- the unit record form (纪实登记表) ----------------------------------------------------


@dataclass(frozen=True)
class UnitForm:
    organisation: Organisation
    sections: list[BookSection]
    entries: list[Entry]
    verified: bool
    problems: list[str]
    campaign_id: int | None = None

    @property
    def statement(self) -> str:
        if not self.entries:
            return _("暂无全程纪实记录。")
        if self.verified:
            return _("本表内容与全程纪实记录一致，校验值：%(hash)s") % {
                "hash": self.entries[-1].chain_hash
            }
        return _("本表内容与全程纪实记录不一致：%(problem)s") % {"problem": self.problems[0]}


def unit_events(
    organisation: Organisation, *, campaign_id: int | None = None
) -> Any:  # QuerySet[Event]; Any keeps callers free to filter further
    """Events acted for or answerable to the unit's subtree, in order."""
    condition = Q(organisation__path__startswith=organisation.path) | Q(
        accountable_organisation__path__startswith=organisation.path
    )
    qs = Event.objects.filter(condition)
    if campaign_id is not None:
        qs = qs.filter(campaign_id=campaign_id)
    return qs.order_by("at", "id").prefetch_related("persons", "attachments")


def build_unit_form(
    organisation: Organisation, events: Sequence[Event], *, campaign_id: int | None = None
) -> UnitForm:
    entries = [e for e in (entry_for(ev, detail=True) for ev in events) if e]
    shown_ids = {e.event_id for e in entries}
    checks = check_events([ev for ev in events if ev.pk in shown_ids])
    problems = [checks[e.event_id].message for e in entries if not checks[e.event_id].ok]
    grouped: dict[Section, list[Entry]] = defaultdict(list)
    for e in entries:
        grouped[e.section].append(e)
    sections = [
        BookSection(s, grouped.get(s, []))
        for s in shown_sections(grouped)
        if s is not Section.ACCOUNTABILITY
    ]
    return UnitForm(
        organisation=organisation,
        sections=sections,
        entries=entries,
        verified=not problems,
        problems=problems,
        campaign_id=campaign_id,
    )


UNIT_HEADERS = ("序号", "时间", "事项", "情况摘要（会议、参与、决定）", "经办", "责任", "材料")
UNIT_WEIGHTS = (3.2, 9.5, 9, 24, 11, 11, 8)
UNIT_SECTION_TITLES: dict[Section, str] = {Section.BASIC: "组织和党员信息"}


def unit_section_title(section: Section) -> str:
    return _(UNIT_SECTION_TITLES[section]) if section in UNIT_SECTION_TITLES else section.title


def unit_form_blocks(m: ModuleType, form: UnitForm) -> list[Any]:
    org = form.organisation
    first = form.entries[0].when if form.entries else ""
    last = form.entries[-1].when if form.entries else ""
    blocks: list[Any] = [
        m.form_table(
            [
                (_("单位名称"), org.name, _("组织代码"), org.code),
                (_("组织类别"), org.get_org_type_display(), _("党员数"), str(org.member_count)),
                (_("记录条数"), str(len(form.entries)), _("记录时间"), f"{first} 至 {last}"),
            ]
        )
    ]
    for number, section in enumerate(form.sections, start=1):
        blocks.append(m.heading(f"{cn_number(number)}、{unit_section_title(section.section)}"))
        if not section.entries:
            blocks.append(m.paragraph(_(NO_RECORD), indent=False))
            continue
        rows = []
        for i, e in enumerate(section.entries, start=1):
            summary = e.summary if not e.inputs else f"{e.summary}\n{_('依据')}：{e.inputs}"
            if e.persons:
                summary += "\n" + _("涉及 %(n)d 人") % {"n": e.persons}
            rows.append((i, e.when, e.step, summary, e.acting, e.accountable, e.attachments))
        blocks.append(m.data_table(UNIT_HEADERS, rows, col_widths=UNIT_WEIGHTS))
    tail = [
        m.heading(_("校验")),
        m.paragraph(form.statement, indent=False),
        m.signature_lines([_("填表人"), _("单位负责人")], dated=True),
        *anchors.anchor_blocks(m, anchors.chains_of(e.event_id for e in form.entries)),
    ]
    return [*blocks, *_together(m, tail)]


def unit_form_title(form: UnitForm) -> str:
    return _("%(unit)s全程纪实登记表") % {"unit": form.organisation.name}


def write_unit_form_pdf(form: UnitForm, target: str | Path | BinaryIO) -> int:
    return pdf.build_pdf(
        target,
        title=unit_form_title(form),
        blocks=lambda: unit_form_blocks(pdf, form),
        header=_("党代表推选工作全程纪实 · 纪实登记表"),
        landscape=True,
    )


def write_unit_form_docx(form: UnitForm, target: str | Path | BinaryIO) -> None:
    word.build_docx(
        target,
        title=unit_form_title(form),
        blocks=lambda: unit_form_blocks(word, form),
        header=_("党代表推选工作全程纪实 · 纪实登记表"),
        landscape=True,
    )


UNIT_XLSX_HEADERS = [
    "序号",
    "环节",
    "时间",
    "事项",
    "情况摘要",
    "决策依据",
    "经办党组织",
    "经办人",
    "责任党组织",
    "责任人",
    "涉及人数",
    "材料",
    "链哈希",
]


def write_unit_form_xlsx(form: UnitForm, target: str | Path | IO[bytes]) -> None:
    rows = [
        (
            i,
            unit_section_title(e.section),
            e.when,
            e.step,
            e.summary,
            e.inputs,
            e.acting_organisation,
            e.actor,
            e.accountable_organisation,
            e.accountable_person,
            e.persons,
            e.attachments,
            e.chain_hash,
        )
        for i, e in enumerate(form.entries, start=1)
    ]
    excel.write_table(target, [(_("纪实登记表"), unit_form_title(form), UNIT_XLSX_HEADERS, rows)])
