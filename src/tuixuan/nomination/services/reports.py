"""A branch's 一上 report: its meeting, forms or totals, participation, import and submission."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Max
from django.utils import timezone

from tuixuan.campaign.models import ElectionUnit
from tuixuan.core import clock, sanity
from tuixuan.core.errors import ConcurrentChangeError
from tuixuan.core.models import Organisation, User
from tuixuan.nomination import access, domain, eligibility, importing, selectors, tally
from tuixuan.nomination.domain import NominationError
from tuixuan.nomination.models import (
    BranchReport,
    EntryMode,
    FormEntry,
    Participation,
    ParticipationMode,
    ReportCount,
    ReportStatus,
    Round,
    RoundStage,
)
from tuixuan.nomination.services._common import (
    _check_candidates,
    _check_totals,
    _count_rows,
    _entitled,
    _fail,
    _members,
    _report_record,
    _require_open,
    _require_operator,
    _stage_start,
)
from tuixuan.record.events import EventType
from tuixuan.record.services import writes_events
from tuixuan.registry.models import Member


def _unit_and_branch(round: Round, org: Organisation) -> ElectionUnit:
    unit = selectors.unit_of(round.campaign, org)
    if unit is None:
        raise NominationError(f"“{org.name}”不属于本次推选工作的任何选举单位。")
    if not selectors.is_leaf(org):
        raise NominationError(f"“{org.name}”有下级党组织，由其下级党支部填报推荐票。")
    return unit


def _draft(actor: User, round: Round, org: Organisation) -> BranchReport:
    """The branch's report, created on its first entry, locked, and still a draft."""
    _require_operator(actor, org)
    _require_open(round)
    unit = _unit_and_branch(round, org)
    BranchReport.objects.get_or_create(round=round, organisation=org, defaults={"unit": unit})
    report = (
        BranchReport.objects.select_for_update()
        .select_related("organisation", "unit__organisation", "round__campaign")
        .get(round=round, organisation=org)
    )
    domain.check_report_transition(report.status, ReportStatus.SUBMITTED)
    return report


def _touch(report: BranchReport) -> None:
    BranchReport.objects.filter(pk=report.pk).update(version=F("version") + 1)


@writes_events(EventType.NOMINATION_REPORT_UPDATED)
def report_update(
    *,
    actor: User,
    round: Round,
    organisation: Organisation,
    meeting_date: dt.date | None,
    meeting_place: str = "",
    presider: str = "",
    members_due: int = 0,
    members_present: int = 0,
    accountable_person: str = "",
    mode: str = EntryMode.FORMS,
    survey_total: int = 0,
    survey_satisfied: int = 0,
    survey_basic: int = 0,
    survey_dissatisfied: int = 0,
) -> BranchReport:
    """The branch meeting (date, place, presider, due and present), the accountable person,
    the way recommendations are entered, and the satisfaction survey."""
    report = _draft(actor, round, organisation)
    errors: list[str | sanity.Problem] = []
    errors += sanity.date_problems(
        meeting_date,
        field="meeting_date",
        what="推荐会议日期",
        earliest=_stage_start(round),
        since="本次推选工作开始的日期",
    )
    errors += sanity.attendance_problems(
        due=members_due,
        present=members_present,
        due_field="members_due",
        present_field="members_present",
        entitled=_entitled(organisation),
        entitled_what=f"“{organisation.name}”有表决权的党员（含预备党员）",
    )
    if survey_satisfied + survey_basic + survey_dissatisfied > survey_total:
        errors.append(("survey_total", "满意度测评：满意、基本满意、不满意人数之和多于测评人数"))
    if mode not in EntryMode.values:
        errors.append("录入方式不正确")
    elif mode != report.mode:
        has = report.entries.exists() if report.mode == EntryMode.FORMS else report.counts.exists()
        if has:
            errors.append(
                f"已按“{EntryMode(report.mode).label}”录入了推荐票，请先删除后再改变录入方式"
            )
    _fail(errors)
    fields = {
        "meeting_date": meeting_date,
        "meeting_place": meeting_place.strip(),
        "presider": presider.strip(),
        "members_due": members_due,
        "members_present": members_present,
        "accountable_person": accountable_person.strip(),
        "mode": mode,
        "survey_total": survey_total,
        "survey_satisfied": survey_satisfied,
        "survey_basic": survey_basic,
        "survey_dissatisfied": survey_dissatisfied,
    }
    for k, v in fields.items():
        setattr(report, k, v)
    report.version += 1
    report.save()
    _report_record(
        event_type=EventType.NOMINATION_REPORT_UPDATED,
        actor=actor,
        report=report,
        summary=f"{organisation.name}填报一上推荐会议情况",
        inputs=fields,
    )
    return report


@writes_events(EventType.NOMINATION_FORM_ENTERED)
def form_add(
    *,
    actor: User,
    round: Round,
    organisation: Organisation,
    candidate_ids: Sequence[int],
    probationary: bool = False,
) -> int:
    """One member's recommendation form; returns its number in the branch."""
    report = _draft(actor, round, organisation)
    limit = round.campaign.names_per_form
    found = _members(candidate_ids)
    errors: list[str] = []
    if report.mode != EntryMode.FORMS:
        errors.append("本支部按汇总票数录入，不能逐张录入推荐表")
    errors += _check_candidates(report.unit, candidate_ids, found)
    names = [found[pk].name if pk in found else str(pk) for pk in candidate_ids]
    errors += domain.check_form(names, limit=limit)
    _fail(errors)
    form_no = (report.entries.aggregate(n=Max("form_no"))["n"] or 0) + 1
    FormEntry.objects.bulk_create(
        FormEntry(report=report, form_no=form_no, candidate_id=pk, probationary=probationary)
        for pk in candidate_ids
    )
    _touch(report)
    _report_record(
        event_type=EventType.NOMINATION_FORM_ENTERED,
        actor=actor,
        report=report,
        summary=f"{organisation.name}录入第 {form_no} 张推荐表（{len(candidate_ids)} 人）",
        inputs={
            "form_no": form_no,
            "probationary": probationary,
            "candidates": [found[pk].citizen_id for pk in candidate_ids],
        },
    )
    return form_no


@writes_events(EventType.NOMINATION_FORM_REMOVED)
def form_remove(*, actor: User, round: Round, organisation: Organisation, form_no: int) -> None:
    report = _draft(actor, round, organisation)
    rows = report.entries.filter(form_no=form_no)
    cids = list(rows.values_list("candidate__citizen_id", flat=True))
    if not cids:
        _fail([f"第 {form_no} 张推荐表不存在"])
    rows.delete()
    _touch(report)
    _report_record(
        event_type=EventType.NOMINATION_FORM_REMOVED,
        actor=actor,
        report=report,
        summary=f"{organisation.name}删除第 {form_no} 张推荐表",
        inputs={"form_no": form_no, "candidates": cids},
    )


@writes_events(EventType.NOMINATION_TOTALS_ENTERED)
def totals_set(
    *,
    actor: User,
    round: Round,
    organisation: Organisation,
    rows: Sequence[tuple[int, int, int]],
) -> None:
    """The branch's own count per person: (member id, full members' votes, probationary)."""
    report = _draft(actor, round, organisation)
    errors: list[str] = []
    if report.mode != EntryMode.TOTALS:
        errors.append("本支部逐张录入推荐表，不能直接录入汇总票数")
    more, found = _check_totals(report, rows)
    _fail(errors + more)
    report.counts.all().delete()
    ReportCount.objects.bulk_create(
        ReportCount(report=report, candidate_id=pk, votes=v, probationary_votes=p)
        for pk, v, p in rows
        if v or p
    )
    _touch(report)
    _report_record(
        event_type=EventType.NOMINATION_TOTALS_ENTERED,
        actor=actor,
        report=report,
        summary=f"{organisation.name}录入推荐汇总票数（{len(rows)} 人）",
        inputs={"counts": _count_rows({pk: (v, p) for pk, v, p in rows}, found)},
    )


@writes_events(EventType.NOMINATION_PARTICIPATION_RECORDED)
def participation_set(
    *,
    actor: User,
    round: Round,
    organisation: Organisation,
    modes: Mapping[int, str],
) -> None:
    """How each member took part (现场、上门、电话、微信、书面); an empty mode clears it.

    Members without voting rights (留党察看 in its period, 留置, 逮捕) cannot be recorded.
    """
    report = _draft(actor, round, organisation)
    found = _members(list(modes))
    today = clock.today()
    errors: list[str] = []
    for pk, mode in modes.items():
        m = found.get(pk)
        if m is None or m.organisation_id != organisation.pk:
            errors.append(f"党员（编号 {pk}）不是{organisation.name}的党员")
            continue
        if mode and mode not in ParticipationMode.values:
            errors.append(f"“{m.name}”的参与方式“{mode}”不正确")
            continue
        ok, why = eligibility.has_voting_rights(
            m.member_type, m.rights_status, m.rights_until, today=today
        )
        if mode and not ok and m.member_type != "probationary":
            errors.append(f"“{m.name}”{why}，不能登记参与推荐")
    _fail(errors)
    Participation.objects.filter(report=report, member_id__in=list(modes)).delete()
    Participation.objects.bulk_create(
        Participation(report=report, member_id=pk, mode=mode) for pk, mode in modes.items() if mode
    )
    _touch(report)
    summary = Counter(str(ParticipationMode(m).label) for m in modes.values() if m)
    _report_record(
        event_type=EventType.NOMINATION_PARTICIPATION_RECORDED,
        actor=actor,
        report=report,
        summary=f"{organisation.name}登记党员参与推荐 {sum(summary.values())} 人",
        inputs={
            "modes": {found[pk].citizen_id: mode for pk, mode in modes.items()},
            "by_mode": dict(summary),
        },
    )


@writes_events(EventType.NOMINATION_IMPORTED)
def report_import(
    *, actor: User, round: Round, organisation: Organisation, filename: str, content: bytes
) -> int:
    """Replace the draft's forms (or totals) with those of the system's Excel template.

    Every bad row is reported with its row and column; nothing is written when any is bad.
    Returns the number of forms (forms mode) or persons (totals mode) taken.
    """
    report = _draft(actor, round, organisation)
    limit = round.campaign.names_per_form
    if report.mode == EntryMode.FORMS:
        forms = importing.read_forms(content, unit_path=report.unit.organisation.path, limit=limit)
        report.entries.all().delete()
        FormEntry.objects.bulk_create(
            FormEntry(report=report, form_no=i, candidate_id=pk, probationary=f.probationary)
            for i, f in enumerate(forms, start=1)
            for pk in f.candidates
        )
        taken = len(forms)
    else:
        totals = importing.read_totals(content, unit_path=report.unit.organisation.path)
        errors, _found = _check_totals(report, totals)
        _fail(errors)
        report.counts.all().delete()
        ReportCount.objects.bulk_create(
            ReportCount(report=report, candidate_id=pk, votes=v, probationary_votes=p)
            for pk, v, p in totals
            if v or p
        )
        taken = len(totals)
    _touch(report)
    unit_word = "张" if report.mode == EntryMode.FORMS else "人"
    _report_record(
        event_type=EventType.NOMINATION_IMPORTED,
        actor=actor,
        report=report,
        summary=f"{organisation.name}从 Excel 导入推荐票（{taken} {unit_word}）",
        inputs={
            "file": filename,
            "sha256": hashlib.sha256(content).hexdigest(),
            "mode": report.mode,
            "taken": taken,
        },
    )
    return taken


def _submit_errors(report: BranchReport, counts: Mapping[int, tuple[int, int]]) -> list[str]:
    errors: list[str] = []
    if report.meeting_date is None:
        errors.append("请填写推荐会议日期")
    if not report.presider:
        errors.append("请填写会议主持人")
    if not report.members_due:
        errors.append("请填写应到会党员人数")
    if not report.accountable_person:
        errors.append("请填写责任人（谁推荐谁负责）")
    if not counts:
        errors.append("尚未录入任何推荐票")
    if report.mode == EntryMode.FORMS:
        forms = report.entries.values("form_no").distinct().count()
        if report.members_present and forms > report.members_present:
            errors.append(f"推荐表 {forms} 张，多于实到会党员 {report.members_present} 人")
    onsite = Participation.objects.filter(report=report, mode=ParticipationMode.ONSITE).count()
    if onsite < report.members_present:
        errors.append(
            f"实到会党员 {report.members_present} 人，只登记了 {onsite} 人现场参与；"
            "请在“党员参与情况”中逐人登记后再报送"
        )
    return errors


@dataclass
class _Fixed:
    """What submitting a report fixed, for its event."""

    counts: dict[int, tuple[int, int]]
    members: dict[int, Member]
    flags: dict[int, list[eligibility.Finding]]
    levels: list[int]
    inputs: dict[str, Any]

    def names(self) -> str:
        return "、".join(
            self.members[pk].name
            + ("（" + "；".join(f.reason for f in self.flags[pk]) + "）" if self.flags[pk] else "")
            for pk in sorted(self.counts, key=lambda k: -self.counts[k][0])[:5]
        )


def _fix_counts(
    *, actor: User, report: BranchReport, late_reason: str, deadline: dt.date | None
) -> _Fixed:
    """Check the locked draft, then move it to 已报送, fix its counts and add them to every
    level's tally; the caller writes the event (docs/nomination.md, workflow 3)."""
    campaign = report.round.campaign
    counts = selectors.current_counts(report)
    _fail(_submit_errors(report, counts))
    members = _members(list(counts))
    flags = selectors.findings_for(
        campaign, list(members.values()), unit=report.unit, today=clock.today()
    )
    forms = report.entries.values("form_no").distinct().count()
    hit = BranchReport.objects.filter(
        pk=report.pk, status=ReportStatus.DRAFT, version=report.version
    ).update(
        status=ReportStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=actor,
        late_reason=late_reason,
        version=F("version") + 1,
    )
    if hit != 1:
        raise ConcurrentChangeError()
    if report.mode == EntryMode.FORMS:
        ReportCount.objects.bulk_create(
            ReportCount(report=report, candidate_id=pk, votes=v, probationary_votes=p)
            for pk, (v, p) in counts.items()
        )
    levels = selectors.level_ids(report.unit, report.organisation)
    tally.apply(round_id=report.round_id, organisation_ids=levels, rows=domain.deltas({}, counts))
    report.refresh_from_db()
    parts = Counter(
        str(ParticipationMode(m).label) for m in report.participants.values_list("mode", flat=True)
    )
    flagged = {members[pk].citizen_id: [f.reason for f in fs] for pk, fs in flags.items() if fs}
    inputs: dict[str, Any] = {
        "meeting": {
            "date": report.meeting_date,
            "place": report.meeting_place,
            "presider": report.presider,
            "members_due": report.members_due,
            "members_present": report.members_present,
        },
        "mode": report.mode,
        "forms": forms,
        "counts": _count_rows(counts, members),
        "participation": dict(parts),
        "flags": flagged,
        "deadline": deadline,
        "state": {"round": report.round_id, "tally_levels": levels},
    }
    return _Fixed(counts, members, flags, levels, inputs)


@writes_events(EventType.NOMINATION_REPORT_SUBMITTED, EventType.NOMINATION_LATE_ACCEPTED)
def report_submit(*, actor: User, report: BranchReport, late_reason: str = "") -> BranchReport:
    """Fix the branch's counts, add them to every level's tally, and record who recommended
    whom. After the 一上 deadline only the level above can submit, with its reason; once the
    unit's 一上 is closed nobody can (the level above admits a late report by
    ``late_report_admit``, docs/domain.md §7.3)."""
    report = (
        BranchReport.objects.select_for_update()
        .select_related("organisation", "unit__organisation", "round__campaign")
        .get(pk=report.pk)
    )
    org = report.organisation
    _require_operator(actor, org)
    _require_open(report.round)
    domain.check_report_transition(report.status, ReportStatus.SUBMITTED)
    if selectors.stage_closed(report.round, report.unit, RoundStage.FIRST_UP):
        raise NominationError(
            f"{report.unit.organisation.name}的一上推荐已经结束，不能再报送；"
            "逾期报送须由上级党组织作出受理决定并写明理由。"
        )
    campaign = report.round.campaign
    due = selectors.deadline(campaign)
    late = domain.is_late(due, clock.today())
    late_reason = late_reason.strip()
    if late:
        if not access.is_above(actor, org):
            raise NominationError(
                f"已超过一上截止日期（{due}），不能报送；逾期报送须由上级党组织受理并记录理由。"
            )
        if not late_reason:
            raise NominationError(f"已超过一上截止日期（{due}），受理逾期报送须填写理由。")
    fixed = _fix_counts(
        actor=actor, report=report, late_reason=late_reason if late else "", deadline=due
    )
    inputs = fixed.inputs
    if late:
        inputs["late_reason"] = late_reason
        event_type = EventType.NOMINATION_LATE_ACCEPTED
        above = actor.organisation.name if actor.organisation else ""
        summary = f"{above}受理{org.name}逾期报送一上推荐结果（理由：{late_reason}）"
    else:
        event_type = EventType.NOMINATION_REPORT_SUBMITTED
        summary = f"{org.name}报送一上推荐结果，推荐 {len(fixed.counts)} 人：{fixed.names()}"
    _report_record(
        event_type=event_type,
        actor=actor,
        report=report,
        summary=summary,
        inputs=inputs,
        persons=[m.citizen_id for m in fixed.members.values()],
    )
    return report
