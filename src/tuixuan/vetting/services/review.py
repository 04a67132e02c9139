"""审查: 六必查, the departments' joint review (六联审) and the 四必 for leading cadres.

A finding of "有问题" that the one recording it names as one of the campaign's
disqualifications puts a veto on the case at once, naming the finding and its source
(docs/domain.md §5.2); only a recorded collective decision lifts it (``veto_lift``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import ElectionUnit
from tuixuan.core import sanity
from tuixuan.core.access import in_scope
from tuixuan.core.errors import PermissionDeniedError
from tuixuan.core.models import Role, User
from tuixuan.record.events import EventType
from tuixuan.record.services import AttachmentFile, record, writes_events
from tuixuan.vetting import domain, sheets
from tuixuan.vetting.domain import VettingError
from tuixuan.vetting.models import (
    CadreCheck,
    Case,
    CheckResult,
    DepartmentReply,
    DepartmentRequest,
    VetoSource,
)
from tuixuan.vetting.services._common import (
    _apply_veto,
    _bump,
    _date_problems,
    _disqualification_problems,
    _fail,
    _lock_case,
    _name,
    _record_case,
    _require_open,
    _require_operator,
    _settings,
    _team_user_ids,
    _text,
    _today,
)

SUBJECT_REQUEST = "vetting.department_request"


def _require_checker(actor: User, case: Case) -> None:
    """六必查 and 四必 are entered by the unit (its organisation department) or the team."""
    if (
        actor.role == Role.INSPECTOR
        and case.team is not None
        and actor.pk in _team_user_ids(case.team)
    ):
        return
    _require_operator(actor, case.unit)


def _finding_problems(finding: str, detail: str) -> list[sanity.Problem]:
    if finding not in domain.FINDING_LABELS:
        return [("finding", "请选择核查结论")]
    if finding == domain.Finding.PROBLEM and not detail.strip():
        return [("detail", "结论为“有问题”时须写明具体情况")]
    return []


@writes_events(EventType.VETTING_CHECK_RECORDED, EventType.VETTING_VETO_APPLIED)
def check_record(
    *,
    actor: User,
    case: Case,
    item: str,
    checked_on: dt.date,
    checked_by: str,
    finding: str,
    detail: str = "",
    disqualification: str = "",
    attachments: Sequence[AttachmentFile] = (),
) -> CheckResult:
    """One 六必查 item: who checked, when, what was found; a later check of the same item
    replaces the earlier one (both stay in the record)."""
    case = _lock_case(case)
    _require_checker(actor, case)
    _require_open(case, "登记六必查")
    items = list(_settings(case.campaign).check_items)
    problems: list[str | sanity.Problem] = []
    if item not in items:
        problems.append(("item", f"“{item}”不是本次推选的六必查项目"))
    problems += _date_problems(checked_on, field="checked_on", what="核查日期", case=case)
    problems += _text(checked_by, field="checked_by", what="核查人", limit=64)
    problems += _finding_problems(finding, detail)
    problems += _disqualification_problems(case, disqualification, finding)
    _fail(problems)
    before = CheckResult.objects.filter(case=case, item=item).first()
    label = domain.FINDING_LABELS[domain.Finding(finding)]
    event_id = _record_case(
        event_type=EventType.VETTING_CHECK_RECORDED,
        actor=actor,
        case=case,
        summary=f"六必查“{item}”：{case.member.name}{label}"
        + (f"（{detail.strip()}）" if detail.strip() else ""),
        inputs={
            "item": item,
            "checked_on": checked_on,
            "checked_by": checked_by.strip(),
            "finding": finding,
            "detail": detail.strip(),
            "disqualification": disqualification,
            "replaces": (
                {"checked_on": before.checked_on, "finding": before.finding} if before else None
            ),
        },
        accountable_person=checked_by.strip(),
        attachments=attachments,
    )
    result, _ = CheckResult.objects.update_or_create(
        case=case,
        item=item,
        defaults={
            "checked_on": checked_on,
            "checked_by": checked_by.strip(),
            "finding": finding,
            "detail": detail.strip(),
            "event_id": event_id,
        },
    )
    _bump(case)
    if disqualification:
        _apply_veto(
            actor=actor,
            case=case,
            reason=disqualification,
            source=VetoSource.CHECK,
            source_label=f"六必查“{item}”",
            finding=detail.strip(),
            accountable_person=checked_by.strip(),
        )
    return result


@writes_events(EventType.VETTING_FOUR_MUST_RECORDED, EventType.VETTING_VETO_APPLIED)
def cadre_check_record(
    *,
    actor: User,
    case: Case,
    item: str,
    done_on: dt.date,
    done_by: str,
    finding: str,
    detail: str = "",
    disqualification: str = "",
) -> CadreCheck:
    """One of the 四必 of a leading cadre; refused for a member who is not a cadre."""
    case = _lock_case(case)
    _require_checker(actor, case)
    _require_open(case, "登记四必核查")
    if not case.member.cadre_rank:
        raise VettingError(f"“{case.member.name}”不是领导干部，不适用“四必”。")
    problems: list[str | sanity.Problem] = []
    if item not in domain.FOUR_MUSTS:
        problems.append(("item", f"“{item}”不是“四必”项目"))
    problems += _date_problems(done_on, field="done_on", what="完成日期", case=case)
    problems += _text(done_by, field="done_by", what="经办人", limit=64)
    problems += _finding_problems(finding, detail)
    problems += _disqualification_problems(case, disqualification, finding)
    _fail(problems)
    check, _ = CadreCheck.objects.update_or_create(
        case=case,
        item=item,
        defaults={
            "done_on": done_on,
            "done_by": done_by.strip(),
            "finding": finding,
            "detail": detail.strip(),
        },
    )
    _bump(case)
    label = domain.FINDING_LABELS[domain.Finding(finding)]
    _record_case(
        event_type=EventType.VETTING_FOUR_MUST_RECORDED,
        actor=actor,
        case=case,
        summary=f"四必“{item}”：{case.member.name}{label}",
        inputs={
            "item": item,
            "done_on": done_on,
            "done_by": done_by.strip(),
            "finding": finding,
            "detail": detail.strip(),
            "disqualification": disqualification,
            "cadre_rank": case.member.cadre_rank,
        },
        accountable_person=done_by.strip(),
    )
    if disqualification:
        _apply_veto(
            actor=actor,
            case=case,
            reason=disqualification,
            source=VetoSource.CADRE,
            source_label=f"四必“{item}”",
            finding=detail.strip(),
            accountable_person=done_by.strip(),
        )
    return check


# --- 六联审 --------------------------------------------------------------------------------


@writes_events(EventType.VETTING_DEPARTMENT_REQUESTED)
def department_request_send(
    *,
    actor: User,
    unit: ElectionUnit,
    department: str,
    cases: Sequence[Case],
    sent_on: dt.date,
    working_days: int | None = None,
) -> DepartmentRequest:
    """Send one department the unit's persons for its opinion; the reply is due the given
    number of working days after the day it is sent (docs/domain.md §7.2; default from the
    settings)."""
    _require_operator(actor, unit)
    settings = _settings(unit.campaign)
    days = settings.reply_working_days if working_days is None else working_days
    problems: list[str | sanity.Problem] = []
    if department not in settings.departments:
        problems.append(("department", f"“{department}”不是本次推选的联审部门"))
    if not 1 <= days <= 30:
        problems.append(("working_days", "回复时限应为 1 至 30 个工作日"))
    if not cases:
        problems.append(("cases", "请选择考察对象"))
    if DepartmentRequest.objects.filter(unit=unit, department=department).exists():
        problems.append(("department", f"已向{department}部门发函"))
    _fail(problems)
    locked = [_lock_case(c) for c in cases]
    for case in locked:
        if case.unit_id != unit.pk:
            problems.append(f"“{case.member.name}”不属于{unit.organisation.name}")
        elif domain.Status(case.status) not in domain.OPEN:
            label = domain.STATUS_LABELS[domain.Status(case.status)]
            problems.append(f"“{case.member.name}”当前为“{label}”，不再审查")
    if locked:
        problems += _date_problems(sent_on, field="sent_on", what="发函日期", case=locked[0])
    _fail(problems)
    due_on = campaign_selectors.working_calendar().add_working_days(sent_on, days)
    request = DepartmentRequest.objects.create(
        campaign=unit.campaign,
        unit=unit,
        department=department,
        sent_on=sent_on,
        working_days=days,
        due_on=due_on,
    )
    DepartmentReply.objects.bulk_create(DepartmentReply(request=request, case=c) for c in locked)
    record(
        event_type=EventType.VETTING_DEPARTMENT_REQUESTED,
        actor=actor,
        summary=(
            f"{unit.organisation.name}函请{department}部门审查 {len(locked)} 名考察对象，"
            f"{due_on.isoformat()}前回复"
        ),
        subject_type=SUBJECT_REQUEST,
        subject_id=request.pk,
        organisation=actor.organisation,
        accountable_organisation=unit.organisation,
        accountable_person=_name(actor),
        person_citizen_ids=[c.member.citizen_id for c in locked],
        inputs={
            "department": department,
            "sent_on": sent_on,
            "working_days": days,
            "due_on": due_on,
            "persons": [{"citizen_id": c.member.citizen_id, "name": c.member.name} for c in locked],
        },
        campaign_id=unit.campaign_id,
    )
    return request


def _lock_request(request: DepartmentRequest) -> DepartmentRequest:
    return (
        DepartmentRequest.objects.select_for_update(of=("self",))
        .select_related("unit__organisation", "campaign")
        .get(pk=request.pk)
    )


@writes_events(EventType.VETTING_DEPARTMENT_REMINDED)
def department_remind(
    *, actor: User, request: DepartmentRequest, reminded_on: dt.date, note: str = ""
) -> DepartmentRequest:
    """Remind a department whose reply is overdue (after its due date, persons unanswered)."""
    request = _lock_request(request)
    _require_operator(actor, request.unit)
    waiting = list(request.replies.filter(outcome="").select_related("case__member").order_by("pk"))
    problems: list[str | sanity.Problem] = []
    if not waiting:
        problems.append(f"{request.department}部门已全部回复，无需催办")
    if reminded_on > _today():
        problems.append(("reminded_on", "催办日期晚于今天，不能记录尚未发生的事"))
    if reminded_on <= request.due_on:
        problems.append(
            ("reminded_on", f"回复截止日期为 {request.due_on.isoformat()}，尚未逾期，无需催办")
        )
    if request.last_reminded_on is not None and reminded_on < request.last_reminded_on:
        problems.append(("reminded_on", "催办日期早于上一次催办"))
    if len(note.strip()) > 500:
        problems.append(("note", "催办说明过长（最多500字）"))
    _fail(problems)
    request.reminders += 1
    request.last_reminded_on = reminded_on
    request.save(update_fields=["reminders", "last_reminded_on"])
    record(
        event_type=EventType.VETTING_DEPARTMENT_REMINDED,
        actor=actor,
        summary=(
            f"第 {request.reminders} 次催办{request.department}部门回复（{len(waiting)} 人未复）"
        ),
        subject_type=SUBJECT_REQUEST,
        subject_id=request.pk,
        organisation=actor.organisation,
        accountable_organisation=request.unit.organisation,
        accountable_person=_name(actor),
        person_citizen_ids=[r.case.member.citizen_id for r in waiting],
        inputs={
            "department": request.department,
            "reminded_on": reminded_on,
            "reminder": request.reminders,
            "due_on": request.due_on,
            "note": note.strip(),
            "waiting": [r.case.member.name for r in waiting],
        },
        campaign_id=request.campaign_id,
    )
    return request


def _require_department(actor: User, request: DepartmentRequest) -> None:
    """The department's own reviewer, or the unit entering the department's written reply."""
    if actor.role == Role.DEPARTMENT_REVIEWER:
        if (
            actor.department != request.department
            or actor.organisation is None
            or not in_scope(actor, request.unit.organisation)
        ):
            raise PermissionDeniedError("只能回复本部门收到的联审函。")
        return
    _require_operator(actor, request.unit)


def _reply_problems(
    request: DepartmentRequest,
    reply: DepartmentReply,
    *,
    outcome: str,
    detail: str,
    replied_on: dt.date,
    disqualification: str,
    where: str = "",
) -> list[str | sanity.Problem]:
    case = reply.case
    problems: list[str | sanity.Problem] = []
    if domain.Status(case.status) not in domain.OPEN:
        label = domain.STATUS_LABELS[domain.Status(case.status)]
        problems.append(f"{where}“{case.member.name}”当前为“{label}”，不再审查")
    if reply.outcome and reply.outcome != domain.Reply.FURTHER:
        problems.append(f"{where}{request.department}部门已回复“{case.member.name}”的审查意见")
    if outcome not in domain.REPLY_LABELS:
        problems.append(("outcome", f"{where}请选择审查意见"))
    elif outcome != domain.Reply.CLEAR and not detail.strip():
        label = domain.REPLY_LABELS[domain.Reply(outcome)]
        problems.append(("detail", f"{where}意见为“{label}”时须写明具体情况"))
    if replied_on > _today():
        problems.append(("replied_on", f"{where}回复日期晚于今天，不能记录尚未发生的事"))
    elif replied_on < request.sent_on:
        problems.append(
            ("replied_on", f"{where}回复日期早于发函日期（{request.sent_on.isoformat()}）")
        )
    if disqualification and outcome != domain.Reply.PROBLEM:
        problems.append(("disqualification", f"{where}只有“有问题”的意见可以认定为一票否决情形"))
    elif disqualification:
        problems += _disqualification_problems(case, disqualification, domain.Finding.PROBLEM)
    return problems


def _save_reply(
    actor: User,
    request: DepartmentRequest,
    reply: DepartmentReply,
    *,
    outcome: str,
    detail: str,
    reviewer: str,
    replied_on: dt.date,
) -> dict[str, object]:
    before = {"outcome": reply.outcome, "detail": reply.detail} if reply.outcome else None
    reply.outcome = outcome
    reply.detail = detail.strip()
    reply.reviewer = reviewer.strip()
    reply.replied_on = replied_on
    reply.replied_by = actor
    reply.save(update_fields=["outcome", "detail", "reviewer", "replied_on", "replied_by"])
    return {
        "citizen_id": reply.case.member.citizen_id,
        "name": reply.case.member.name,
        "outcome": outcome,
        "detail": reply.detail,
        "reviewer": reply.reviewer,
        "replied_on": replied_on,
        "late": replied_on > request.due_on,
        "replaces": before,
    }


@writes_events(EventType.VETTING_DEPARTMENT_REPLIED, EventType.VETTING_VETO_APPLIED)
def department_reply(
    *,
    actor: User,
    request: DepartmentRequest,
    case: Case,
    outcome: str,
    detail: str = "",
    replied_on: dt.date,
    reviewer: str = "",
    disqualification: str = "",
) -> DepartmentReply:
    """A department's answer about one person: 无不良记录, 有问题 (with the detail) or
    需进一步核查 (answered again later). Answers to the reviewer (谁审查谁负责)."""
    request = _lock_request(request)
    _require_department(actor, request)
    try:
        reply = request.replies.select_related(
            "case__member", "case__campaign", "case__unit__organisation"
        ).get(case_id=case.pk)
    except DepartmentReply.DoesNotExist as exc:
        raise VettingError(f"该考察对象不在发给{request.department}部门的名单中。") from exc
    reviewer_name = reviewer.strip() or _name(actor)
    problems = _reply_problems(
        request,
        reply,
        outcome=outcome,
        detail=detail,
        replied_on=replied_on,
        disqualification=disqualification,
    )
    if len(reviewer_name) > 64:
        problems.append(("reviewer", "审查人姓名过长"))
    _fail(problems)
    locked = _lock_case(reply.case)
    saved = _save_reply(
        actor,
        request,
        reply,
        outcome=outcome,
        detail=detail,
        reviewer=reviewer_name,
        replied_on=replied_on,
    )
    _bump(locked)
    label = domain.REPLY_LABELS[domain.Reply(outcome)]
    _record_case(
        event_type=EventType.VETTING_DEPARTMENT_REPLIED,
        actor=actor,
        case=locked,
        summary=f"{request.department}部门审查{locked.member.name}：{label}",
        inputs={"department": request.department, "due_on": request.due_on, **saved},
        accountable_person=reviewer_name,
    )
    if disqualification:
        _apply_veto(
            actor=actor,
            case=locked,
            reason=disqualification,
            source=VetoSource.DEPARTMENT,
            source_label=f"{request.department}部门联审",
            finding=detail.strip(),
            accountable_person=reviewer_name,
        )
    return reply


@writes_events(EventType.VETTING_DEPARTMENT_REPLIES_IMPORTED)
def department_replies_import(
    *, actor: User, request: DepartmentRequest, path: Path, file_name: str
) -> list[DepartmentReply]:
    """Take back the reply sheet generated for the request: rows matched by citizen ID to
    the persons sent; every bad row reported, nothing written when any row is bad. A
    disqualification is not read from a sheet: it is named on the page, one person at a
    time (``department_reply``)."""
    request = _lock_request(request)
    _require_department(actor, request)
    parsed = sheets.read_replies(path)
    errors: list[str | sanity.Problem] = [str(e) for e in parsed.errors]
    replies = {
        r.case.member.citizen_id: r
        for r in request.replies.select_related(
            "case__member", "case__campaign", "case__unit__organisation"
        )
    }
    seen: dict[str, int] = {}
    matched: list[tuple[DepartmentReply, sheets.ReplyRow]] = []
    for row in parsed.rows:
        where = f"第 {row.row} 行"
        reply = replies.get(row.citizen_id)
        if reply is None:
            errors.append(f"{where}【公民身份号码】：不在发给{request.department}部门的名单中")
            continue
        if row.citizen_id in seen:
            errors.append(f"{where}【公民身份号码】：与第 {seen[row.citizen_id]} 行重复")
            continue
        seen[row.citizen_id] = row.row
        for problem in _reply_problems(
            request,
            reply,
            outcome=row.outcome,
            detail=row.detail,
            replied_on=row.replied_on,
            disqualification="",
            where=f"{where}：",
        ):
            errors.append(problem if isinstance(problem, str) else problem[1])
        matched.append((reply, row))
    if not parsed.rows and not errors:
        errors.append("文件中没有数据行")
    _fail(errors)
    saved = []
    for reply, row in matched:
        locked = _lock_case(reply.case)
        saved.append(
            {
                "row": row.row,
                **_save_reply(
                    actor,
                    request,
                    reply,
                    outcome=row.outcome,
                    detail=row.detail,
                    reviewer=row.reviewer,
                    replied_on=row.replied_on,
                ),
            }
        )
        _bump(locked)
    reviewers = sorted({row.reviewer for _, row in matched})
    record(
        event_type=EventType.VETTING_DEPARTMENT_REPLIES_IMPORTED,
        actor=actor,
        summary=f"导入{request.department}部门审查意见：{file_name}（{len(saved)} 人）",
        subject_type=SUBJECT_REQUEST,
        subject_id=request.pk,
        organisation=actor.organisation,
        accountable_organisation=request.unit.organisation,
        accountable_person="、".join(reviewers),
        person_citizen_ids=[r.case.member.citizen_id for r, _ in matched],
        inputs={
            "department": request.department,
            "file_name": file_name,
            "due_on": request.due_on,
            "replies": saved,
        },
        campaign_id=request.campaign_id,
    )
    return [r for r, _ in matched]
