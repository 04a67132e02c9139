"""举报 / 异议 received during a notice: recorded, assigned to a handler, investigated and
concluded (docs/domain.md §3.6). The record holds that an objection came, how, about whom, and
how it was concluded — never what it says: content and findings are kept as digests only, and
the attachments are stored under neutral names."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence

from tuixuan.core import sanity
from tuixuan.core.access import in_scope
from tuixuan.core.errors import PermissionDeniedError
from tuixuan.core.models import User
from tuixuan.notice import domain
from tuixuan.notice.models import Notice, NoticeEntry, Objection
from tuixuan.notice.services._common import (
    HANDLER_ROLES,
    _bump,
    _date,
    _digest,
    _fail,
    _name,
    _require_convener,
    _require_operator,
    _text,
)
from tuixuan.record.events import EventType
from tuixuan.record.services import AttachmentFile, record, writes_events
from tuixuan.vetting import domain as vetting_domain
from tuixuan.vetting import services as vetting_services

SUBJECT = "notice.objection"


def _lock(objection: Objection) -> Objection:
    return (
        Objection.objects.select_for_update(of=("self",))
        .select_related(
            "notice__unit__organisation",
            "notice__campaign__convening_organisation",
            "entry__member",
            "entry__case",
            "handler",
        )
        .get(pk=objection.pk)
    )


def _record(
    *,
    event_type: EventType,
    actor: User,
    objection: Objection,
    summary: str,
    inputs: dict[str, object],
    accountable_person: str,
    attachments: Sequence[AttachmentFile] = (),
) -> int:
    member = objection.entry.member
    event = record(
        event_type=event_type,
        actor=actor,
        summary=summary,
        subject_type=SUBJECT,
        subject_id=objection.pk,
        accountable_organisation=objection.notice.unit.organisation,
        accountable_person=accountable_person,
        person_citizen_ids=[member.citizen_id],
        inputs={
            "objection": objection.pk,
            "notice": objection.notice_id,
            "name": member.name,
            **inputs,
        },
        campaign_id=objection.notice.campaign_id,
        attachments=attachments,
    )
    return int(event.pk)


def _neutral(attachments: Sequence[AttachmentFile]) -> list[AttachmentFile]:
    """A file's own name can say what the objection says; the record stores it as 举报材料-n."""
    out = []
    for i, a in enumerate(attachments, start=1):
        ext = os.path.splitext(a.name)[1][:10]
        out.append(AttachmentFile(f"举报材料-{i}{ext}", a.content, a.content_type))
    return out


@writes_events(EventType.NOTICE_OBJECTION_RECEIVED)
def objection_record(
    *,
    actor: User,
    notice: Notice,
    entry: NoticeEntry,
    received_on: dt.date,
    channel: str,
    anonymous: bool,
    complainant: str = "",
    complainant_contact: str = "",
    content: str,
    attachments: Sequence[AttachmentFile] = (),
) -> Objection:
    """Staff record an objection received by letter, telephone, visit or the form of the
    notice's intranet page; anonymous ones too."""
    notice = Notice.objects.select_related("unit__organisation", "campaign").get(pk=notice.pk)
    _require_operator(actor, notice.unit)
    if entry.notice_id != notice.pk:
        _fail([("entry", "被反映人不在该公示名单中")])
    if notice.status == domain.NoticeStatus.DRAFT:
        _fail(["公示尚未发布，不能登记举报"])
    problems: list[str | sanity.Problem] = []
    if channel not in domain.Channel.__members__.values():
        problems.append(("channel", "请选择反映方式"))
    if anonymous and (complainant.strip() or complainant_contact.strip()):
        problems.append(("complainant", "匿名反映不登记反映人"))
    if not anonymous:
        problems += _text(complainant, field="complainant", what="反映人姓名", limit=64)
    if len(complainant_contact.strip()) > 64:
        problems.append(("complainant_contact", "反映人联系方式过长（最多64字）"))
    problems += _text(content, field="content", what="反映内容", limit=20000)
    problems += _date(
        received_on,
        field="received_on",
        what="收到日期",
        earliest=notice.published_on,
        since="公示发布的日期",
    )
    if notice.ends_on is not None and received_on > notice.ends_on:
        problems.append(
            ("received_on", f"收到日期晚于公示截止日期（{notice.ends_on.isoformat()}）")
        )
    _fail(problems)
    entry = NoticeEntry.objects.select_related("member", "case").get(pk=entry.pk)
    objection = Objection.objects.create(
        notice=notice,
        entry=entry,
        received_on=received_on,
        channel=channel,
        anonymous=anonymous,
        complainant=complainant.strip(),
        complainant_contact=complainant_contact.strip(),
        content=content.strip(),
        recorded_by=actor,
    )
    files = _neutral(attachments)
    event_id = _record(
        event_type=EventType.NOTICE_OBJECTION_RECEIVED,
        actor=actor,
        objection=objection,
        summary=f"收到反映{entry.member.name}的举报"
        f"（{domain.CHANNEL_LABELS[domain.Channel(channel)]}）",
        inputs={
            "received_on": received_on,
            "channel": channel,
            "anonymous": anonymous,
            "content_sha256": _digest(objection.content),
            "attachments": len(files),
        },
        accountable_person=_name(actor),
        attachments=files,
    )
    Objection.objects.filter(pk=objection.pk).update(received_event_id=event_id)
    objection.received_event_id = event_id
    return objection


@writes_events(EventType.NOTICE_OBJECTION_ASSIGNED)
def objection_assign(
    *, actor: User, objection: Objection, handler: User, assigned_on: dt.date
) -> Objection:
    """Give the objection to a handler (often 纪检) to investigate; a handler may be
    replaced while the investigation runs."""
    objection = _lock(objection)
    unit = objection.notice.unit
    _require_operator(actor, unit)
    domain.check_objection_transition(objection.status, domain.ObjectionStatus.ASSIGNED)
    problems: list[str | sanity.Problem] = []
    if (
        handler.role not in HANDLER_ROLES
        or not handler.is_active
        or handler.organisation is None
        or not in_scope(handler, unit.organisation)
    ):
        problems.append(("handler", f"“{_name(handler)}”不能承办该举报的核查"))
    problems += _date(
        assigned_on,
        field="assigned_on",
        what="交办日期",
        earliest=objection.received_on,
        since="收到举报的日期",
    )
    _fail(problems)
    before = _name(objection.handler) if objection.handler is not None else ""
    _bump(
        objection,
        status=domain.ObjectionStatus.ASSIGNED.value,
        handler=handler,
        assigned_on=assigned_on,
    )
    _record(
        event_type=EventType.NOTICE_OBJECTION_ASSIGNED,
        actor=actor,
        objection=objection,
        summary=f"反映{objection.entry.member.name}的举报交由{_name(handler)}核查",
        inputs={"handler": _name(handler), "previous_handler": before, "assigned_on": assigned_on},
        accountable_person=_name(handler),
    )
    return objection


@writes_events(EventType.NOTICE_OBJECTION_INVESTIGATED)
def objection_investigate(
    *, actor: User, objection: Objection, findings: str, investigated_on: dt.date
) -> Objection:
    """The handler records what the investigation found (谁审查谁负责)."""
    objection = _lock(objection)
    if objection.handler_id != actor.pk:
        raise PermissionDeniedError("只有承办该举报核查的人员可以登记核查情况。")
    domain.check_objection_transition(objection.status, domain.ObjectionStatus.INVESTIGATED)
    problems: list[str | sanity.Problem] = []
    problems += _text(findings, field="findings", what="核查情况", limit=20000)
    problems += _date(
        investigated_on,
        field="investigated_on",
        what="核查完成日期",
        earliest=objection.assigned_on,
        since="交办的日期",
    )
    _fail(problems)
    _bump(
        objection,
        status=domain.ObjectionStatus.INVESTIGATED.value,
        findings=findings.strip(),
        investigated_on=investigated_on,
    )
    _record(
        event_type=EventType.NOTICE_OBJECTION_INVESTIGATED,
        actor=actor,
        objection=objection,
        summary=f"反映{objection.entry.member.name}的举报核查完毕",
        inputs={
            "investigated_on": investigated_on,
            "findings_sha256": _digest(objection.findings),
        },
        accountable_person=_name(actor),
    )
    return objection


@writes_events(EventType.NOTICE_OBJECTION_CONCLUDED)
def objection_conclude(
    *,
    actor: User,
    objection: Objection,
    conclusion: str,
    concluded_on: dt.date,
    disqualification: str = "",
) -> Objection:
    """The convening committee concludes on the handler's findings: 不属实, 部分属实 or 属实.
    属实 names one of the disqualifications (docs/domain.md §5.2) and sets the person aside
    through vetting's own service (不予考虑, reason 一票否决) in the same transaction."""
    objection = _lock(objection)
    campaign = objection.notice.campaign
    _require_convener(actor, campaign, "作出举报的办结结论")
    domain.check_objection_transition(objection.status, domain.ObjectionStatus.CONCLUDED)
    problems: list[str | sanity.Problem] = []
    if conclusion not in domain.Conclusion.__members__.values():
        problems.append(("conclusion", "请选择办结结论"))
    allowed = list(campaign.disqualification_reasons or vetting_domain.DISQUALIFICATIONS)
    if conclusion == domain.Conclusion.TRUE:
        if disqualification not in allowed:
            problems.append(("disqualification", "结论为属实的，须认定一票否决情形"))
    elif disqualification:
        problems.append(("disqualification", "只有属实的结论可以认定一票否决情形"))
    problems += _date(
        concluded_on,
        field="concluded_on",
        what="办结日期",
        earliest=objection.investigated_on,
        since="核查完成的日期",
    )
    _fail(problems)
    _bump(
        objection,
        status=domain.ObjectionStatus.CONCLUDED.value,
        conclusion=conclusion,
        disqualification=disqualification,
        concluded_on=concluded_on,
        concluded_by=actor,
    )
    case = objection.entry.case
    set_aside = False
    if conclusion == domain.Conclusion.TRUE and vetting_domain.can_move(
        case.status, vetting_domain.Status.NOT_CONSIDERED
    ):
        vetting_services.case_set_aside(
            actor=actor,
            case=case,
            reason=domain.VETO_REASON,
            detail=f"公示期间反映的问题经核查属实：{disqualification}",
            decided_on=concluded_on,
        )
        set_aside = True
    label = domain.CONCLUSION_LABELS[domain.Conclusion(conclusion)]
    _record(
        event_type=EventType.NOTICE_OBJECTION_CONCLUDED,
        actor=actor,
        objection=objection,
        summary=f"反映{objection.entry.member.name}的举报办结：{label}"
        + ("，不予考虑" if set_aside else ""),
        inputs={
            "received_on": objection.received_on,
            "conclusion": conclusion,
            "disqualification": disqualification,
            "concluded_on": concluded_on,
            "set_aside": set_aside,
        },
        accountable_person=_name(objection.handler),
    )
    return objection


__all__ = ["objection_assign", "objection_conclude", "objection_investigate", "objection_record"]
