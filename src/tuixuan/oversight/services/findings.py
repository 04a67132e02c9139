"""A supervisor's finding and its lifecycle (docs/domain.md §9.4): raised on a unit, a
person's case or a recorded step, addressed to the organisation responsible, answered by
it, then closed, sent back or escalated by the supervisor. Each step checks everything
before it writes; a refusal changes nothing and writes no event."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from tuixuan.core import clock, sanity
from tuixuan.core.access import in_scope
from tuixuan.core.errors import DomainError, InvalidTransitionError
from tuixuan.core.models import Organisation, Role, User
from tuixuan.oversight.models import (
    FINDING_TRANSITIONS,
    Finding,
    FindingKind,
    FindingStatus,
)
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.record.services import record, writes_events
from tuixuan.registry.models import Member

MAX_TEXT = 4000


def _text_problems(
    value: str, *, field: str, what: str, limit: int = MAX_TEXT
) -> list[sanity.Problem]:
    if not value.strip():
        return [(field, f"请填写{what}")]
    if len(value) > limit:
        return [(field, f"{what}不能超过 {limit} 个字")]
    return []


def _move(finding: Finding, to: FindingStatus) -> None:
    if to not in FINDING_TRANSITIONS[finding.status]:
        raise InvalidTransitionError(
            f"监督意见当前为“{FindingStatus(finding.status).label}”，不能{_VERBS[to]}。"
        )


_VERBS = {
    FindingStatus.OPEN: "退回重新答复",
    FindingStatus.ANSWERED: "答复",
    FindingStatus.CLOSED: "办结",
    FindingStatus.ESCALATED: "提级处理",
}


def _inputs(finding: Finding) -> dict[str, object]:
    return {
        "title": finding.title,
        "kind": finding.kind,
        "organisation": finding.organisation.name,
        "due_on": finding.due_on,
    }


def _persons(finding: Finding) -> list[str]:
    if finding.citizen_id:
        return [finding.citizen_id]
    if finding.event_id is not None:
        return list(finding.event.persons.values_list("citizen_id", flat=True))  # type: ignore[union-attr]
    return []


def _locked(finding: Finding) -> Finding:
    return (
        Finding.objects.select_for_update(of=("self",))
        .select_related("organisation", "event")
        .get(pk=finding.pk)
    )


@writes_events(EventType.OVERSIGHT_FINDING_RAISED)
def finding_raise(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    title: str,
    text: str,
    due_on: dt.date | None,
    campaign_id: int | None = None,
    member: Member | None = None,
    event: Event | None = None,
) -> Finding:
    """Raise a finding on ``organisation`` (the one that must answer), optionally on one
    member's case or one recorded step in its subtree."""
    if actor.role != Role.SUPERVISOR or not in_scope(actor, organisation):
        raise DomainError("只有监督保卫组可以对本范围内的党组织提出监督意见。")
    problems: list[sanity.Problem] = []
    if kind not in FindingKind.values:
        problems.append(("kind", "请选择意见类别"))
    problems += _text_problems(title, field="title", what="标题", limit=128)
    problems += _text_problems(text, field="text", what="意见内容")
    today = clock.today()
    if due_on is None:
        problems.append(("due_on", "请填写答复期限"))
    elif due_on < today:
        problems.append(
            ("due_on", f"答复期限 {due_on.isoformat()} 早于今天（{today.isoformat()}）")
        )
    if member is not None and not member.organisation.path.startswith(organisation.path):
        problems.append(("member", f"{member.name}不在“{organisation.name}”范围内"))
    if event is not None:
        inside = Event.objects.filter(pk=event.pk).filter(
            Q(organisation__path__startswith=organisation.path)
            | Q(accountable_organisation__path__startswith=organisation.path)
        )
        if not inside.exists():
            problems.append(("event", f"该环节不是“{organisation.name}”办理或负责的"))
    sanity.fail(problems)
    if due_on is None:  # refused above; for the type checker
        raise DomainError("请填写答复期限。", field="due_on")
    finding = Finding.objects.create(
        kind=kind,
        organisation=organisation,
        campaign_id=campaign_id
        if campaign_id is not None
        else (event.campaign_id if event else None),
        citizen_id=member.citizen_id if member else "",
        person_name=member.name if member else "",
        event=event,
        title=title.strip(),
        text=text.strip(),
        due_on=due_on,
        raised_by=actor,
    )
    inputs = _inputs(finding) | {"text": finding.text}
    if member is not None:
        inputs["person"] = member.name
    if event is not None:
        inputs["step"] = event.summary
    record(
        event_type=EventType.OVERSIGHT_FINDING_RAISED,
        actor=actor,
        summary=f"{FindingKind(kind).label}：{finding.title}（{organisation.name}）",
        subject_type="finding",
        subject_id=finding.pk,
        campaign_id=finding.campaign_id,
        accountable_organisation=organisation,
        person_citizen_ids=_persons(finding),
        inputs=inputs,
    )
    return finding


@writes_events(EventType.OVERSIGHT_FINDING_ANSWERED)
def finding_answer(
    *, actor: User, finding: Finding, answer: str, accountable_person: str
) -> Finding:
    """The organisation responsible answers: what it found and did, and who answers for it."""
    finding = _locked(finding)
    if actor.role not in (Role.CONVENER, Role.UNIT_OPERATOR, Role.BRANCH_OPERATOR) or (
        actor.organisation_id != finding.organisation_id
    ):
        raise DomainError(f"只有“{finding.organisation.name}”可以答复这条监督意见。")
    _move(finding, FindingStatus.ANSWERED)
    sanity.fail(
        _text_problems(answer, field="answer", what="答复内容")
        + _text_problems(accountable_person, field="accountable_person", what="责任人", limit=64)
    )
    finding.status = FindingStatus.ANSWERED
    finding.answer = answer.strip()
    finding.answered_by = actor
    finding.answered_at = clock.now()
    finding.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    record(
        event_type=EventType.OVERSIGHT_FINDING_ANSWERED,
        actor=actor,
        summary=f"答复监督意见：{finding.title}",
        subject_type="finding",
        subject_id=finding.pk,
        campaign_id=finding.campaign_id,
        accountable_organisation=finding.organisation,
        accountable_person=accountable_person.strip(),
        person_citizen_ids=_persons(finding),
        inputs=_inputs(finding)
        | {"answer": finding.answer, "late": clock.today() > finding.due_on},
    )
    return finding


def _conclude(
    actor: User, finding: Finding, to: FindingStatus, text: str, event_type: EventType, what: str
) -> Finding:
    finding = _locked(finding)
    if actor.role != Role.SUPERVISOR or not in_scope(actor, finding.organisation):
        raise DomainError("只有监督保卫组可以办结、退回或提级处理监督意见。")
    _move(finding, to)
    sanity.fail(_text_problems(text, field="conclusion", what=what))
    finding.status = to
    if to == FindingStatus.OPEN:
        finding.conclusion = text.strip()
        finding.answered_at = None
    else:
        finding.conclusion = text.strip()
        finding.concluded_at = clock.now()
    finding.save(update_fields=["status", "conclusion", "concluded_at", "answered_at"])
    record(
        event_type=event_type,
        actor=actor,
        summary=f"{EventType(event_type).label}：{finding.title}",
        subject_type="finding",
        subject_id=finding.pk,
        campaign_id=finding.campaign_id,
        accountable_organisation=finding.organisation,
        person_citizen_ids=_persons(finding),
        inputs=_inputs(finding) | {"conclusion": finding.conclusion},
    )
    return finding


@writes_events(EventType.OVERSIGHT_FINDING_CLOSED)
def finding_close(*, actor: User, finding: Finding, conclusion: str) -> Finding:
    """The supervisor accepts the answer and closes the finding."""
    return _conclude(
        actor,
        finding,
        FindingStatus.CLOSED,
        conclusion,
        EventType.OVERSIGHT_FINDING_CLOSED,
        "办结意见",
    )


@writes_events(EventType.OVERSIGHT_FINDING_RETURNED)
def finding_return(*, actor: User, finding: Finding, conclusion: str) -> Finding:
    """The supervisor does not accept the answer: the organisation must answer again."""
    return _conclude(
        actor,
        finding,
        FindingStatus.OPEN,
        conclusion,
        EventType.OVERSIGHT_FINDING_RETURNED,
        "退回理由",
    )


@writes_events(EventType.OVERSIGHT_FINDING_ESCALATED)
def finding_escalate(*, actor: User, finding: Finding, conclusion: str) -> Finding:
    """The supervisor hands the matter to a higher level (移交, 提级办理); final here."""
    return _conclude(
        actor,
        finding,
        FindingStatus.ESCALATED,
        conclusion,
        EventType.OVERSIGHT_FINDING_ESCALATED,
        "提级处理意见",
    )
