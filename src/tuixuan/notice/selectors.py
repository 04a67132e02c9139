"""Reading 公示, objections and the candidate lists: who is in the pool, what blocks whom,
how a list stands against the margin and the structure targets, and the approved list the
election takes (``approved_candidates``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import ElectionUnit
from tuixuan.campaign.rules import margin, structure
from tuixuan.core import clock
from tuixuan.core.strokes import name_key
from tuixuan.nomination import selectors as nomination_selectors
from tuixuan.notice import domain, texts
from tuixuan.notice.models import (
    CandidateEntry,
    CandidateList,
    Notice,
    NoticeEntry,
    Objection,
    Placement,
)
from tuixuan.registry.models import Member
from tuixuan.vetting import domain as vetting_domain
from tuixuan.vetting.models import Case

OPEN = [s.value for s in domain.OPEN_OBJECTION]


def notices(unit: ElectionUnit) -> list[Notice]:
    return list(Notice.objects.filter(unit=unit).order_by("pk"))


def draft(unit: ElectionUnit, kind: domain.NoticeKind) -> Notice | None:
    return Notice.objects.filter(unit=unit, kind=kind, status=domain.NoticeStatus.DRAFT).first()


def open_objections(members: Iterable[int], campaign_id: int) -> dict[int, list[dt.date]]:
    """Member id → the days its objections not yet concluded were received."""
    out: dict[int, list[dt.date]] = defaultdict(list)
    for member_id, day in Objection.objects.filter(
        notice__campaign_id=campaign_id, entry__member_id__in=list(members), status__in=OPEN
    ).values_list("entry__member_id", "received_on"):
        out[member_id].append(day)
    return out


def person_blocker(member: Member, campaign_id: int) -> str | None:
    days = open_objections([member.pk], campaign_id).get(member.pk, [])
    return domain.open_objection_blocker(member.name, days)


def noticed(unit: ElectionUnit, kind: domain.NoticeKind) -> dict[int, Notice]:
    """Member id → the notice of that kind the person was on (the latest)."""
    out: dict[int, Notice] = {}
    for entry in NoticeEntry.objects.filter(notice__unit=unit, notice__kind=kind).select_related(
        "notice"
    ):
        out[entry.member_id] = entry.notice
    return out


def support(case: Case) -> int:
    """A person's votes in the recommendation rounds: the votes the unit's 考察对象 list
    carried for the person (the unit's tally when the list was decided)."""
    return int(case.list_entry.votes)


@dataclass
class PoolRow:
    case: Case
    support: int
    notice: Notice | None
    blockers: list[str]

    @property
    def eligible(self) -> bool:
        return not self.blockers


def pool(unit: ElectionUnit) -> list[PoolRow]:
    """The unit's 初步人选 (列为初步人选) with what keeps each from 二下: not yet noticed, the
    notice not ended, an open objection."""
    cases = list(
        Case.objects.filter(unit=unit, status=vetting_domain.Status.SELECTED)
        .select_related("member__organisation", "list_entry", "campaign")
        .order_by("-list_entry__votes", "list_entry__position", "pk")
    )
    on_notice = noticed(unit, domain.NoticeKind.PRELIMINARY)
    objections = open_objections([c.member_id for c in cases], unit.campaign_id)
    rows = []
    for c in cases:
        n = on_notice.get(c.member_id)
        blockers: list[str] = []
        if n is None:
            blockers.append(f"“{c.member.name}”尚未公示")
        elif n.status != domain.NoticeStatus.CLOSED:
            blockers.append(f"“{c.member.name}”的公示尚未结束")
        b = domain.open_objection_blocker(c.member.name, objections.get(c.member_id, []))
        if b:
            blockers.append(b)
        rows.append(PoolRow(c, support(c), n, blockers))
    return rows


def placements(unit: ElectionUnit) -> list[Placement]:
    return list(
        Placement.objects.filter(unit=unit).select_related("member__organisation", "nominated_by")
    )


def decision_earliest(unit: ElectionUnit) -> dt.date | None:
    """The first day 二下 may be dated: the day after the last ended notice of 初步人选."""
    last = (
        Notice.objects.filter(
            unit=unit, kind=domain.NoticeKind.PRELIMINARY, status=domain.NoticeStatus.CLOSED
        )
        .order_by("-ends_on")
        .values_list("ends_on", flat=True)
        .first()
    )
    return last + dt.timedelta(days=1) if last is not None else None


def as_person(member: Member) -> structure.Person:
    return nomination_selectors.as_person(member)


def shortfalls(unit: ElectionUnit, members: Sequence[Member]) -> tuple[str | None, list[str]]:
    """(the margin's message or None, the explanation of every structure target not met)."""
    campaign = unit.campaign
    short = margin.check_candidate_count(len(members), unit.seats, campaign.margin_ratio)
    results = campaign_selectors.evaluate_structure(
        campaign, [as_person(m) for m in members], unit=unit
    )
    return short, [r.explanation for r in results if not r.met]


def structure_rows(unit: ElectionUnit, members: Sequence[Member]) -> list[structure.TargetResult]:
    return campaign_selectors.evaluate_structure(
        unit.campaign, [as_person(m) for m in members], unit=unit
    )


def current_list(unit: ElectionUnit) -> CandidateList | None:
    """The unit's latest list that is not returned or superseded."""
    return (
        CandidateList.objects.filter(unit=unit, status__in=[s.value for s in domain.LIVE_LIST])
        .order_by("-pk")
        .first()
    )


def lists(unit: ElectionUnit) -> list[CandidateList]:
    return list(CandidateList.objects.filter(unit=unit).order_by("-pk"))


def entries(candidate_list: CandidateList) -> list[CandidateEntry]:
    return list(
        candidate_list.entries.select_related(
            "member__organisation", "case__list_entry", "placement__nominated_by"
        )
    )


def second_notice(candidate_list: CandidateList) -> Notice | None:
    return (
        Notice.objects.filter(candidate_list=candidate_list, kind=domain.NoticeKind.CANDIDATES)
        .order_by("-pk")
        .first()
    )


def list_facts(candidate_list: CandidateList) -> domain.ListFacts:
    rows = entries(candidate_list)
    members = [e.member for e in rows]
    short, structure_lines = shortfalls(candidate_list.unit, members)
    objections = open_objections([m.pk for m in members], candidate_list.campaign_id)
    open_lines = [
        b
        for e in rows
        if (b := domain.open_objection_blocker(e.member.name, objections.get(e.member_id, [])))
    ]
    left = [
        e.member.name
        for e in rows
        if e.case is not None and e.case.status != vetting_domain.Status.SELECTED
    ]
    notice = second_notice(candidate_list)
    return domain.ListFacts(
        status=candidate_list.status,
        size=len(rows),
        margin_problem=short,
        structure_shortfalls=structure_lines,
        open_objections=open_lines,
        left=left,
        second_notice=candidate_list.campaign.second_notice,
        second_notice_status=notice.status if notice is not None else None,
    )


def list_blockers(candidate_list: CandidateList) -> list[str]:
    return domain.list_blockers(list_facts(candidate_list))


# --- the notice's text -------------------------------------------------------------------


def notice_rows(notice: Notice) -> list[texts.NoticeRow]:
    out = []
    for e in notice.entries.select_related("member", "case"):
        m = e.member
        out.append(
            texts.NoticeRow(
                name=m.name,
                gender=m.get_gender_display(),
                ethnicity=m.ethnicity,
                birth=m.birth_date,
                education=m.get_education_display(),
                post=e.case.post or m.current_post,
            )
        )
    return out


def notice_text(notice: Notice) -> str:
    if notice.text and notice.status != domain.NoticeStatus.DRAFT:
        return notice.text
    return compose(notice, notice.published_on, notice.ends_on)


def compose(notice: Notice, published_on: dt.date | None, ends_on: dt.date | None) -> str:
    return texts.compose(
        campaign=notice.campaign.name,
        unit=notice.unit.organisation.name,
        what=domain.NOTICE_KIND_LABELS[domain.NoticeKind(notice.kind)],
        rows=notice_rows(notice),
        scope=domain.SCOPE_LABELS[domain.Scope(notice.scope)],
        channels=list(notice.channels),
        working_days=notice.working_days,
        published_on=published_on,
        ends_on=ends_on,
        contact_phone=notice.contact_phone,
        contact_address=notice.contact_address,
    )


# --- what the election takes -------------------------------------------------------------


@dataclass(frozen=True)
class ApprovedCandidate:
    member: Member
    origin: str
    """``domain.Origin`` value: 本单位推荐 or 上级提名."""
    origin_label: str
    nominated_by: str = ""
    """The nominating organisation of a 上级提名 candidate."""
    post: str = ""


def approved_list(unit: ElectionUnit) -> CandidateList | None:
    return (
        CandidateList.objects.filter(unit=unit, status=domain.ListStatus.APPROVED)
        .order_by("-pk")
        .first()
    )


def approved_candidates(unit: ElectionUnit) -> list[ApprovedCandidate]:
    """The candidate list the convening committee approved for the unit, in surname-stroke
    order, each with where the person came from; empty while nothing is approved."""
    approved = approved_list(unit)
    if approved is None:
        return []
    out = [
        ApprovedCandidate(
            member=e.member,
            origin=e.origin,
            origin_label=domain.ORIGIN_LABELS[domain.Origin(e.origin)],
            nominated_by=e.placement.nominated_by.name if e.placement is not None else "",
            post=(e.case.post if e.case is not None else e.placement.post if e.placement else "")
            or e.member.current_post,
        )
        for e in entries(approved)
    ]
    return sorted(out, key=lambda c: name_key(c.member.name))


# --- the unit's page ---------------------------------------------------------------------


@dataclass
class UnitState:
    unit: ElectionUnit
    notices: list[Notice]
    pool: list[PoolRow]
    placements: list[Placement]
    current: CandidateList | None
    lists: list[CandidateList]
    objections: list[Objection] = field(default_factory=list)
    today: dt.date = field(default_factory=clock.today)


def unit_state(unit: ElectionUnit) -> UnitState:
    return UnitState(
        unit=unit,
        notices=notices(unit),
        pool=pool(unit),
        placements=placements(unit),
        current=current_list(unit),
        lists=lists(unit),
        objections=list(
            Objection.objects.filter(notice__unit=unit)
            .select_related("entry__member", "handler", "notice")
            .order_by("-received_on", "-pk")
        ),
    )
