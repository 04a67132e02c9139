"""考察: talks, the democratic evaluation, the report and the leader's signature.

Entered by the members of the case's team; every step answers to the team leader
(谁考察谁负责).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path

from django.utils import timezone

from tuixuan.core import sanity
from tuixuan.core.errors import PermissionDeniedError
from tuixuan.core.models import Role, User
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events
from tuixuan.vetting import domain, sheets
from tuixuan.vetting.domain import VettingError
from tuixuan.vetting.models import Case, Evaluation, InspectionReport, TalkCount, TalkNote, Team
from tuixuan.vetting.services._common import (
    _bump,
    _date_problems,
    _fail,
    _leader_name,
    _lock_case,
    _name,
    _record_case,
    _require_status,
    _require_team,
    _settings,
    _text,
)

INSPECTING = [domain.Status.INSPECTING]


def _not_signed(case: Case) -> None:
    report = InspectionReport.objects.filter(case=case).first()
    if report is not None and report.signed_on is not None:
        raise domain.VettingTransitionError(
            f"“{case.member.name}”的考察意见已由组长签署，不能再修改考察情况。"
        )


def _team_name(case: Case) -> str:
    return case.team.name if case.team is not None else "考察组"


@writes_events(EventType.VETTING_TALKS_RECORDED)
def talks_record(*, actor: User, case: Case, counts: Mapping[str, int]) -> Case:
    """How many people the team talked to, per category (领导班子成员, 党员, 群众)."""
    case = _lock_case(case)
    _require_team(actor, case)
    _require_status(case, INSPECTING, "登记个别谈话")
    _not_signed(case)
    problems: list[str | sanity.Problem] = []
    unknown = sorted(set(counts) - set(domain.TALK_CATEGORIES))
    if unknown:
        problems.append(("counts", "未知的谈话对象类别：" + "、".join(unknown)))
    if any(n < 0 for n in counts.values()):
        problems.append(("counts", "谈话人数不能为负数"))
    elif sum(counts.values()) <= 0:
        problems.append(("counts", "个别谈话人数合计须大于 0"))
    notes = TalkNote.objects.filter(case=case).count()
    if sum(max(n, 0) for n in counts.values()) < notes:
        problems.append(("counts", f"谈话人数合计少于已记录的 {notes} 份谈话记录"))
    _fail(problems)
    old = dict(TalkCount.objects.filter(case=case).values_list("category", "count"))
    TalkCount.objects.filter(case=case).delete()
    TalkCount.objects.bulk_create(
        TalkCount(case=case, category=c, count=counts.get(c, 0)) for c in domain.TALK_CATEGORIES
    )
    _bump(case)
    new = {c: counts.get(c, 0) for c in domain.TALK_CATEGORIES}
    _record_case(
        event_type=EventType.VETTING_TALKS_RECORDED,
        actor=actor,
        case=case,
        summary=f"考察{case.member.name}，个别谈话 {sum(new.values())} 人"
        + "（"
        + "、".join(f"{c} {n} 人" for c, n in new.items())
        + "）",
        inputs={"counts": new, "before": old},
        accountable_person=_leader_name(case),
    )
    return case


@writes_events(EventType.VETTING_TALK_NOTE_ADDED)
def talk_note_add(
    *,
    actor: User,
    case: Case,
    category: str,
    talked_on: dt.date,
    interviewee: str,
    note: str,
) -> TalkNote:
    """The note of one talk. The note and who spoke are kept for the team and supervisors:
    the record names the category and the day, and holds a digest of the note only."""
    case = _lock_case(case)
    _require_team(actor, case)
    _require_status(case, INSPECTING, "记录个别谈话")
    _not_signed(case)
    problems: list[str | sanity.Problem] = []
    if category not in domain.TALK_CATEGORIES:
        problems.append(("category", f"未知的谈话对象类别“{category}”"))
    problems += _date_problems(talked_on, field="talked_on", what="谈话日期", case=case)
    if case.notice is not None and talked_on < case.notice.issued_on:
        problems.append(("talked_on", "谈话日期早于考察预告发布日期"))
    problems += _text(interviewee, field="interviewee", what="谈话对象", limit=64)
    problems += _text(note, field="note", what="谈话记录")
    _fail(problems)
    talk = TalkNote.objects.create(
        case=case,
        category=category,
        talked_on=talked_on,
        interviewee=interviewee.strip(),
        note=note.strip(),
        recorded_by=actor,
    )
    _bump(case)
    _record_case(
        event_type=EventType.VETTING_TALK_NOTE_ADDED,
        actor=actor,
        case=case,
        summary=f"考察{case.member.name}，{talked_on.isoformat()}与{category}个别谈话",
        inputs={
            "talk": talk.pk,
            "category": category,
            "talked_on": talked_on,
            "note_sha256": hashlib.sha256(talk.note.encode("utf-8")).hexdigest(),
        },
        accountable_person=_leader_name(case),
    )
    return talk


def _evaluation_problems(
    case: Case,
    held_on: dt.date,
    due: int,
    participants: int,
    counts: Mapping[str, Mapping[str, int]],
) -> list[str | sanity.Problem]:
    dims = list(_settings(case.campaign).evaluation_dimensions)
    problems: list[str | sanity.Problem] = list(
        domain.evaluation_problems(
            dimensions=dims, counts=counts, due=due, participants=participants
        )
    )
    problems += _date_problems(held_on, field="held_on", what="测评日期", case=case)
    if case.notice is not None and held_on < case.notice.issued_on:
        problems.append(("held_on", "测评日期早于考察预告发布日期"))
    # More taking part than the person's unit has members (party members and the public who
    # work with them are both invited; the public cannot outnumber the unit tenfold).
    ceiling = max(case.unit.organisation.member_count, 1) * 10
    if due > ceiling:
        problems.append(
            ("due", f"应参加测评 {due} 人，超过{case.unit.organisation.name}党员数的十倍，请核对")
        )
    return problems


def _save_evaluation(
    case: Case,
    held_on: dt.date,
    due: int,
    participants: int,
    counts: Mapping[str, Mapping[str, int]],
) -> dict[str, dict[str, int]]:
    plain = {d: {g: int(row.get(g, 0)) for g in domain.GRADES} for d, row in counts.items()}
    Evaluation.objects.update_or_create(
        case=case,
        defaults={"held_on": held_on, "due": due, "participants": participants, "counts": plain},
    )
    _bump(case)
    return plain


@writes_events(EventType.VETTING_EVALUATION_ENTERED)
def evaluation_enter(
    *,
    actor: User,
    case: Case,
    held_on: dt.date,
    due: int,
    participants: int,
    counts: Mapping[str, Mapping[str, int]],
) -> Evaluation:
    """The democratic evaluation's totals: per dimension, how many graded each grade."""
    case = _lock_case(case)
    _require_team(actor, case)
    _require_status(case, INSPECTING, "录入民主测评结果")
    _not_signed(case)
    _fail(_evaluation_problems(case, held_on, due, participants, counts))
    plain = _save_evaluation(case, held_on, due, participants, counts)
    _record_case(
        event_type=EventType.VETTING_EVALUATION_ENTERED,
        actor=actor,
        case=case,
        summary=f"{case.member.name}民主测评：应参加 {due} 人，实参加 {participants} 人",
        inputs={
            "held_on": held_on,
            "due": due,
            "participants": participants,
            "counts": plain,
            "dimensions": list(plain),  # the order as entered; a stored mapping may lose it
        },
        accountable_person=_leader_name(case),
    )
    return case.evaluation


@writes_events(EventType.VETTING_EVALUATION_IMPORTED)
def evaluation_import(*, actor: User, team: Team, path: Path, file_name: str) -> list[Case]:
    """Take back the evaluation sheet the system handed out to the team: rows matched by
    citizen ID to the team's cases under inspection; every bad row reported (row, column,
    reason) and nothing written when any row is bad."""
    team = Team.objects.select_related("unit__organisation", "leader", "campaign").get(pk=team.pk)
    if actor.role != Role.INSPECTOR or (
        actor.pk != team.leader_id and not team.members.filter(user=actor).exists()
    ):
        raise PermissionDeniedError("只有考察组成员可以导入民主测评结果。")
    dims = list(_settings(team.campaign).evaluation_dimensions)
    parsed = sheets.read_evaluations(path, dims)
    errors = [(None, str(e)) for e in parsed.errors]
    cases = {
        c.member.citizen_id: c
        for c in Case.objects.filter(team=team).select_related(
            "member", "unit__organisation", "campaign", "notice", "team__leader"
        )
    }
    seen: dict[str, int] = {}
    matched: list[tuple[Case, sheets.EvaluationRow]] = []
    for row in parsed.rows:
        where = f"第 {row.row} 行"
        case = cases.get(row.citizen_id)
        if case is None:
            errors.append((None, f"{where}【公民身份号码】：不是{team.name}的考察对象"))
            continue
        if row.citizen_id in seen:
            errors.append((None, f"{where}【公民身份号码】：与第 {seen[row.citizen_id]} 行重复"))
            continue
        seen[row.citizen_id] = row.row
        if case.status != domain.Status.INSPECTING:
            label = domain.STATUS_LABELS[domain.Status(case.status)]
            errors.append((None, f"{where}：“{case.member.name}”当前为“{label}”，不能录入测评"))
            continue
        for problem in _evaluation_problems(
            case, row.held_on, row.due, row.participants, row.counts
        ):
            message = problem if isinstance(problem, str) else problem[1]
            errors.append((None, f"{where}：{message}"))
        matched.append((case, row))
    if not parsed.rows and not errors:
        errors.append((None, "文件中没有数据行"))
    _fail(errors)
    done: list[Case] = []
    for case, row in matched:
        locked = _lock_case(case)
        _not_signed(locked)
        _save_evaluation(locked, row.held_on, row.due, row.participants, row.counts)
        done.append(locked)
    record(
        event_type=EventType.VETTING_EVALUATION_IMPORTED,
        actor=actor,
        summary=f"{team.name}导入民主测评结果：{file_name}（{len(done)} 人）",
        subject_type="vetting.team",
        subject_id=team.pk,
        organisation=actor.organisation,
        accountable_organisation=team.unit.organisation,
        accountable_person=_name(team.leader),
        person_citizen_ids=[c.member.citizen_id for c in done],
        inputs={
            "file_name": file_name,
            "rows": [
                {
                    "row": r.row,
                    "citizen_id": c.member.citizen_id,
                    "name": c.member.name,
                    "held_on": r.held_on,
                    "due": r.due,
                    "participants": r.participants,
                    "counts": r.counts,
                }
                for c, r in matched
            ],
        },
        campaign_id=team.campaign_id,
    )
    return done


@writes_events(EventType.VETTING_REPORT_WRITTEN)
def report_write(
    *, actor: User, case: Case, material: str, opinion: str, reasons: str = ""
) -> InspectionReport:
    """The 考察材料 and the team's opinion; rewritable until the leader signs it."""
    case = _lock_case(case)
    _require_team(actor, case)
    _require_status(case, INSPECTING, "形成考察材料")
    _not_signed(case)
    problems: list[str | sanity.Problem] = []
    if not TalkCount.objects.filter(case=case, count__gt=0).exists():
        problems.append("尚未登记个别谈话，不能形成考察材料")
    if not Evaluation.objects.filter(case=case).exists():
        problems.append("尚未录入民主测评结果，不能形成考察材料")
    problems += _text(material, field="material", what="考察材料")
    if opinion not in domain.OPINION_LABELS:
        problems.append(("opinion", "请选择考察组意见"))
    elif opinion == domain.Opinion.DISAGREE and not reasons.strip():
        problems.append(("reasons", "考察组不同意列为初步人选时须写明理由"))
    _fail(problems)
    report, _ = InspectionReport.objects.update_or_create(
        case=case,
        defaults={
            "material": material.strip(),
            "opinion": opinion,
            "reasons": reasons.strip(),
            "written_by": actor,
            "written_at": timezone.now(),
        },
    )
    _bump(case)
    label = domain.OPINION_LABELS[domain.Opinion(opinion)]
    _record_case(
        event_type=EventType.VETTING_REPORT_WRITTEN,
        actor=actor,
        case=case,
        summary=f"{_team_name(case)}形成{case.member.name}的考察材料，意见：{label}",
        inputs={
            "material": report.material,
            "opinion": opinion,
            "reasons": report.reasons,
        },
        accountable_person=_leader_name(case),
    )
    return report


@writes_events(EventType.VETTING_REPORT_SIGNED)
def report_sign(*, actor: User, case: Case, signed_on: dt.date) -> InspectionReport:
    """The team leader signs the opinion; the case goes 考察中 → 待研究."""
    case = _lock_case(case)
    team = _require_team(actor, case)
    if actor.pk != team.leader_id:
        raise PermissionDeniedError("考察意见须由考察组组长签署。")
    _require_status(case, INSPECTING, "签署考察意见")
    report = InspectionReport.objects.select_for_update(of=("self",)).filter(case=case).first()
    if report is None:
        raise VettingError("尚未形成考察材料，不能签署。")
    if report.signed_on is not None:
        raise domain.VettingTransitionError("考察意见已签署。")
    problems: list[str | sanity.Problem] = []
    problems += _date_problems(signed_on, field="signed_on", what="签署日期", case=case)
    if case.notice is not None and signed_on < case.notice.starts_on:
        problems.append(("signed_on", "签署日期早于考察开始日期"))
    _fail(problems)
    report.signed_by = actor
    report.signed_on = signed_on
    report.save(update_fields=["signed_by", "signed_on"])
    domain.check_transition(case.status, domain.Status.TO_DECIDE)
    _bump(case, status=domain.Status.TO_DECIDE.value)
    label = domain.OPINION_LABELS[domain.Opinion(report.opinion)]
    _record_case(
        event_type=EventType.VETTING_REPORT_SIGNED,
        actor=actor,
        case=case,
        summary=f"考察组组长{_name(actor)}签署{case.member.name}的考察意见：{label}",
        inputs={"signed_on": signed_on, "opinion": report.opinion, "reasons": report.reasons},
        accountable_person=_name(actor),
    )
    return report
