"""公示: prepared as a draft, published (irreversible), lengthened if need be, closed by the
unit once its period has passed (docs/domain.md §3.6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import ElectionUnit
from tuixuan.core import sanity
from tuixuan.core.models import User
from tuixuan.core.strokes import name_key
from tuixuan.notice import domain, selectors
from tuixuan.notice.models import CandidateList, Notice, NoticeEntry
from tuixuan.notice.services._common import (
    _bump,
    _date,
    _fail,
    _require_operator,
    _text,
    _today,
)
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events
from tuixuan.vetting import domain as vetting_domain
from tuixuan.vetting.models import Case

SUBJECT = "notice.notice"


def _settings_problems(
    unit: ElectionUnit,
    *,
    scope: str,
    channels: Sequence[str],
    contact_phone: str,
    contact_address: str,
    working_days: int,
) -> list[str | sanity.Problem]:
    problems: list[str | sanity.Problem] = []
    if scope not in domain.Scope.__members__.values():
        problems.append(("scope", "请选择公示范围"))
    unknown = [c for c in channels if c not in domain.CHANNELS]
    if not channels:
        problems.append(("channels", "请至少选择一个公示渠道"))
    elif unknown:
        problems.append(("channels", "不是公示渠道：" + "、".join(unknown)))
    minimum = max(domain.MIN_WORKING_DAYS, unit.campaign.notice_working_days)
    if working_days < minimum:
        problems.append(
            ("working_days", f"公示期 {working_days} 个工作日，少于规定的 {minimum} 个工作日")
        )
    elif working_days > domain.MAX_WORKING_DAYS:
        problems.append(("working_days", f"公示期不能超过 {domain.MAX_WORKING_DAYS} 个工作日"))
    problems += _text(contact_phone, field="contact_phone", what="受理电话", limit=32)
    problems += _text(contact_address, field="contact_address", what="通信地址", limit=255)
    return problems


def _persons(
    unit: ElectionUnit, kind: domain.NoticeKind
) -> tuple[list[Case], CandidateList | None]:
    """Who a new notice of that kind covers: the 初步人选 not yet noticed, or the persons of
    the unit's decided list (上级提名 persons are noticed by the committee that nominated
    them)."""
    if kind == domain.NoticeKind.PRELIMINARY:
        done = selectors.noticed(unit, kind)
        cases = [
            c
            for c in Case.objects.filter(
                unit=unit, status=vetting_domain.Status.SELECTED
            ).select_related("member")
            if c.member_id not in done
        ]
        return cases, None
    current = selectors.current_list(unit)
    if current is None or current.status != domain.ListStatus.DECIDED:
        _fail(["尚未集体研究确定预备人选，不能公示预备人选"])
        raise AssertionError  # unreachable: _fail raised
    if selectors.second_notice(current) is not None:
        _fail(["该预备人选名单已经公示"])
    cases = [
        e.case
        for e in current.entries.select_related("case__member")
        if e.case is not None and e.case.status == vetting_domain.Status.SELECTED
    ]
    return cases, current


@writes_events(EventType.NOTICE_PREPARED)
def notice_prepare(
    *,
    actor: User,
    unit: ElectionUnit,
    kind: str = domain.NoticeKind.PRELIMINARY,
    scope: str,
    channels: Sequence[str],
    contact_phone: str,
    contact_address: str,
    working_days: int | None = None,
) -> Notice:
    """Draft a notice of the unit's 初步人选 not yet noticed (or, when the campaign asks for a
    second notice, of its decided 预备人选); the text is generated from the template."""
    unit = ElectionUnit.objects.select_related("campaign", "organisation").get(pk=unit.pk)
    _require_operator(actor, unit)
    the_kind = domain.NoticeKind(kind)
    if the_kind == domain.NoticeKind.CANDIDATES and not unit.campaign.second_notice:
        _fail(["本次推选不要求对预备人选再次公示"])
    if selectors.draft(unit, the_kind) is not None:
        _fail(["已有一份草拟的公示，请先发布或修改该公示"])
    days = unit.campaign.notice_working_days if working_days is None else working_days
    problems = _settings_problems(
        unit,
        scope=scope,
        channels=channels,
        contact_phone=contact_phone,
        contact_address=contact_address,
        working_days=days,
    )
    cases, candidate_list = _persons(unit, the_kind)
    if not cases:
        problems.append("没有需要公示的人选（列为初步人选且尚未公示的）")
    _fail(problems)
    notice = Notice.objects.create(
        campaign=unit.campaign,
        unit=unit,
        kind=the_kind.value,
        candidate_list=candidate_list,
        scope=scope,
        channels=list(channels),
        contact_phone=contact_phone.strip(),
        contact_address=contact_address.strip(),
        working_days=days,
        created_by=actor,
    )
    ordered = sorted(cases, key=lambda c: name_key(c.member.name))
    NoticeEntry.objects.bulk_create(
        NoticeEntry(notice=notice, case=c, member=c.member, position=i)
        for i, c in enumerate(ordered, start=1)
    )
    _record(actor, notice, EventType.NOTICE_PREPARED, "拟定", ordered)
    return notice


@writes_events(EventType.NOTICE_PREPARED)
def notice_revise(
    *,
    actor: User,
    notice: Notice,
    scope: str,
    channels: Sequence[str],
    contact_phone: str,
    contact_address: str,
    working_days: int,
) -> Notice:
    """Change a draft before it is published."""
    notice = _lock(notice)
    _require_operator(actor, notice.unit)
    if notice.status != domain.NoticeStatus.DRAFT:
        _fail(["公示已发布，不能修改（公示期只能延长）"])
    _fail(
        _settings_problems(
            notice.unit,
            scope=scope,
            channels=channels,
            contact_phone=contact_phone,
            contact_address=contact_address,
            working_days=working_days,
        )
    )
    _bump(
        notice,
        scope=scope,
        channels=list(channels),
        contact_phone=contact_phone.strip(),
        contact_address=contact_address.strip(),
        working_days=working_days,
    )
    _record(actor, notice, EventType.NOTICE_PREPARED, "修改", _cases(notice))
    return notice


def _lock(notice: Notice) -> Notice:
    return (
        Notice.objects.select_for_update(of=("self",))
        .select_related("unit__organisation", "unit__campaign", "campaign")
        .get(pk=notice.pk)
    )


def _cases(notice: Notice) -> list[Case]:
    return [e.case for e in notice.entries.select_related("case__member")]


def _record(
    actor: User, notice: Notice, event_type: EventType, verb: str, cases: Sequence[Case]
) -> None:
    what = domain.NOTICE_KIND_LABELS[domain.NoticeKind(notice.kind)]
    record(
        event_type=event_type,
        actor=actor,
        summary=f"{notice.unit.organisation.name}{verb}{what}公示（{len(cases)} 人）",
        subject_type=SUBJECT,
        subject_id=notice.pk,
        accountable_organisation=notice.unit.organisation,
        accountable_person=actor.display_name or actor.get_username(),
        person_citizen_ids=[c.member.citizen_id for c in cases],
        inputs={
            "notice": notice.pk,
            "kind": notice.kind,
            "scope": notice.scope,
            "channels": list(notice.channels),
            "working_days": notice.working_days,
            "published_on": notice.published_on,
            "ends_on": notice.ends_on,
            "closed_on": notice.closed_on,
            "contact_phone": notice.contact_phone,
            "contact_address": notice.contact_address,
            "persons": [{"citizen_id": c.member.citizen_id, "name": c.member.name} for c in cases],
        },
        campaign_id=notice.campaign_id,
    )


def _earliest(notice: Notice) -> dt.date | None:
    """A notice follows the decision on the persons it covers."""
    if notice.candidate_list_id is not None:
        return CandidateList.objects.get(pk=notice.candidate_list_id).decided_on
    days = [c.closed_on for c in _cases(notice) if c.closed_on is not None]
    return max(days) if days else None


@writes_events(EventType.NOTICE_PUBLISHED)
def notice_publish(*, actor: User, notice: Notice, published_on: dt.date) -> Notice:
    """Publish: irreversible. The end date is the n-th working day after ``published_on``
    on the working-day calendar (docs/domain.md §7.2); the text is fixed with its dates."""
    notice = _lock(notice)
    _require_operator(actor, notice.unit)
    cases = _cases(notice)
    problems: list[str | sanity.Problem] = list(
        domain.notice_publish_blockers(
            status=notice.status,
            persons=len(cases),
            working_days=notice.working_days,
            minimum=max(domain.MIN_WORKING_DAYS, notice.campaign.notice_working_days),
            channels=list(notice.channels),
            contact_phone=notice.contact_phone,
            contact_address=notice.contact_address,
        )
    )
    left = [c.member.name for c in cases if c.status != vetting_domain.Status.SELECTED]
    if left:
        problems.append("已不再是初步人选：" + "、".join(left))
    _fail(problems)
    _fail(
        _date(
            published_on,
            field="published_on",
            what="发布日期",
            earliest=_earliest(notice),
            since="研究确定人选的日期",
        )
    )
    ends_on = domain.period_end(
        campaign_selectors.working_calendar(), published_on, notice.working_days
    )
    domain.check_notice_transition(notice.status, domain.NoticeStatus.PUBLISHED)
    _bump(
        notice,
        status=domain.NoticeStatus.PUBLISHED.value,
        published_on=published_on,
        ends_on=ends_on,
        text=selectors.compose(notice, published_on, ends_on),
    )
    _record(actor, notice, EventType.NOTICE_PUBLISHED, "发布", cases)
    return notice


@writes_events(EventType.NOTICE_EXTENDED)
def notice_extend(*, actor: User, notice: Notice, working_days: int, reason: str) -> Notice:
    """Lengthen a published notice's period (never shorten it); the end date moves on."""
    notice = _lock(notice)
    _require_operator(actor, notice.unit)
    if notice.status != domain.NoticeStatus.PUBLISHED:
        label = domain.NOTICE_STATUS_LABELS[domain.NoticeStatus(notice.status)]
        _fail([f"公示当前为“{label}”，不能延长公示期"])
    problems: list[str | sanity.Problem] = [
        ("working_days", p)
        for p in domain.extension_problems(current=notice.working_days, new=working_days)
    ]
    problems += _text(reason, field="reason", what="延长理由", limit=500)
    _fail(problems)
    assert notice.published_on is not None  # noqa: S101 -- published
    old_days, old_end = notice.working_days, notice.ends_on
    ends_on = domain.period_end(
        campaign_selectors.working_calendar(), notice.published_on, working_days
    )
    _bump(
        notice,
        working_days=working_days,
        ends_on=ends_on,
        text=selectors.compose(notice, notice.published_on, ends_on),
    )
    cases = _cases(notice)
    record(
        event_type=EventType.NOTICE_EXTENDED,
        actor=actor,
        summary=f"{notice.unit.organisation.name}将公示期延长至 {ends_on.isoformat()}",
        subject_type=SUBJECT,
        subject_id=notice.pk,
        accountable_organisation=notice.unit.organisation,
        accountable_person=actor.display_name or actor.get_username(),
        person_citizen_ids=[c.member.citizen_id for c in cases],
        inputs={
            "notice": notice.pk,
            "old_working_days": old_days,
            "old_ends_on": old_end,
            "working_days": working_days,
            "ends_on": ends_on,
            "reason": reason.strip(),
        },
        campaign_id=notice.campaign_id,
    )
    return notice


@writes_events(EventType.NOTICE_CLOSED)
def notice_close(*, actor: User, notice: Notice) -> Notice:
    """The unit ends the notice once its period has passed (the day after the end date or
    later). Objections still open stay open: they block their persons, not the notice."""
    notice = _lock(notice)
    _require_operator(actor, notice.unit)
    today = _today()
    _fail(domain.notice_close_blockers(status=notice.status, ends_on=notice.ends_on, today=today))
    domain.check_notice_transition(notice.status, domain.NoticeStatus.CLOSED)
    _bump(notice, status=domain.NoticeStatus.CLOSED.value, closed_on=today)
    _record(actor, notice, EventType.NOTICE_CLOSED, "结束", _cases(notice))
    return notice


__all__ = ["notice_close", "notice_extend", "notice_prepare", "notice_publish", "notice_revise"]
