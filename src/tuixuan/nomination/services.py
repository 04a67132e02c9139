"""Every change in recommendation and nomination, each with its record event in the same
transaction.

Each service validates everything before it writes, so refused input changes nothing and
writes no event. Submissions and hand-downs move the status with a conditional UPDATE that
must hit exactly one row: two operators submitting the same branch at once cannot both
succeed, and the tally is only added to by the one that did.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import F, Max
from django.utils import timezone

from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import Campaign, CampaignStatus, ElectionUnit, Stage
from tuixuan.core import clock, sanity
from tuixuan.core.access import in_scope
from tuixuan.core.errors import ConcurrentChangeError, PermissionDeniedError
from tuixuan.core.models import Organisation, Role, User
from tuixuan.nomination import access, domain, eligibility, importing, selectors, tally
from tuixuan.nomination.domain import NominationError
from tuixuan.nomination.models import (
    BranchReport,
    EntryMode,
    Exemption,
    Feedback,
    FeedbackView,
    FormEntry,
    ListEntry,
    ListKind,
    ListStatus,
    NominationList,
    OrgRecommendation,
    Participation,
    ParticipationMode,
    ReportCount,
    ReportStatus,
    Round,
    RoundStatus,
    WriteIn,
)
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events
from tuixuan.registry.models import Member

OPERATORS = access.OPERATORS
SUBJECT_ROUND = "nomination.round"
SUBJECT_REPORT = "nomination.report"
SUBJECT_LIST = "nomination.list"


# --- helpers -----------------------------------------------------------------------------


def _fail(errors: Sequence[str | sanity.Problem]) -> None:
    sanity.fail(errors, NominationError)


def _entitled(org: Organisation) -> int:
    """Members of the branch who may attend its meeting: all but those whose rights are
    suspended (probationary members attend; their views are counted apart)."""
    return selectors.eligible_members(org.path).filter(organisation=org).count()


def _stage_start(round: Round) -> dt.date:
    """The first day a 一上 meeting or decision can carry: the day the campaign was set up."""
    return clock.local_date(round.campaign.created_at)


def _require_operator(actor: User, org: Organisation) -> None:
    if actor.role not in OPERATORS or not in_scope(actor, org):
        raise PermissionDeniedError(f"“{org.name}”不在您的管理范围内。")


def _require_above(actor: User, org: Organisation, what: str) -> None:
    if not access.is_above(actor, org):
        raise PermissionDeniedError(f"只有“{org.name}”的上级党组织可以{what}。")


def _require_open(round: Round) -> None:
    if round.status != RoundStatus.OPEN:
        raise NominationError("一上推荐已结束，不能再修改。")


def _unit_and_branch(round: Round, org: Organisation) -> ElectionUnit:
    unit = selectors.unit_of(round.campaign, org)
    if unit is None:
        raise NominationError(f"“{org.name}”不属于本次推选工作的任何选举单位。")
    if not selectors.is_leaf(org):
        raise NominationError(f"“{org.name}”有下级党组织，由其下级党支部填报推荐票。")
    return unit


def _unit_and_level(round: Round, org: Organisation) -> ElectionUnit:
    unit = selectors.unit_of(round.campaign, org)
    if unit is None:
        raise NominationError(f"“{org.name}”不属于本次推选工作的任何选举单位。")
    if selectors.is_leaf(org) and org.pk != unit.organisation_id:
        raise NominationError(f"“{org.name}”是党支部，没有下级汇总。")
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


def _members(ids: Sequence[int]) -> dict[int, Member]:
    return Member.objects.select_related("organisation").in_bulk(list(ids))


def _check_candidates(
    unit: ElectionUnit, ids: Sequence[int], found: Mapping[int, Member], where: str = ""
) -> list[str]:
    errors: list[str] = []
    for i, pk in enumerate(ids, start=1):
        m = found.get(pk)
        if m is None:
            errors.append(f"{where}第 {i} 名推荐人选不在党员名册中")
        elif not selectors.in_unit(unit, m):
            errors.append(f"{where}“{m.name}”不在本选举单位（{unit.organisation.name}）范围内")
    return errors


def _report_record(
    *,
    event_type: EventType,
    actor: User,
    report: BranchReport,
    summary: str,
    inputs: dict[str, Any],
    persons: list[str] | None = None,
    organisation: Organisation | None = None,
) -> None:
    record(
        event_type=event_type,
        actor=actor,
        summary=summary,
        subject_type=SUBJECT_REPORT,
        subject_id=report.pk,
        organisation=organisation,
        accountable_organisation=report.organisation,
        accountable_person=report.accountable_person,
        person_citizen_ids=persons,
        inputs={
            "branch": report.organisation.name,
            "unit": report.unit.organisation.name,
            **inputs,
        },
        campaign_id=report.round.campaign_id,
    )


def _touch(report: BranchReport) -> None:
    BranchReport.objects.filter(pk=report.pk).update(version=F("version") + 1)


def _count_rows(
    counts: Mapping[int, tuple[int, int]], members: Mapping[int, Member]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "citizen_id": members[pk].citizen_id,
            "name": members[pk].name,
            "votes": v,
            "probationary_votes": p,
        }
        for pk, (v, p) in counts.items()
    ]
    rows.sort(key=lambda r: (-r["votes"], -r["probationary_votes"], r["citizen_id"]))
    return rows


# --- round -------------------------------------------------------------------------------


@writes_events(EventType.NOMINATION_ROUND_OPENED)
def round_open(*, actor: User, campaign: Campaign) -> Round:
    """Open 一上 for every election unit of the campaign."""
    if actor.role != Role.CONVENER or not in_scope(actor, campaign.convening_organisation):
        raise PermissionDeniedError("只有召集机关的工作人员可以开始一上推荐。")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    errors: list[str] = []
    if campaign.status == CampaignStatus.COMPLETED:
        errors.append("推选工作已完成")
    units = list(campaign_selectors.units(campaign))
    if not units:
        errors.append("尚未设置选举单位")
    if Round.objects.filter(campaign=campaign).exists():
        errors.append("一上推荐已经开始")
    _fail(errors)
    round = Round.objects.create(campaign=campaign, opened_by=actor)
    due = selectors.deadline(campaign)
    record(
        event_type=EventType.NOMINATION_ROUND_OPENED,
        actor=actor,
        summary=f"{campaign.name}开始一上推荐（每张推荐表可填 {campaign.names_per_form} 人）",
        subject_type=SUBJECT_ROUND,
        subject_id=round.pk,
        accountable_organisation=campaign.convening_organisation,
        accountable_person=str(actor),
        inputs={
            "names_per_form": campaign.names_per_form,
            "pool_multiple": campaign.pool_multiple,
            "deadline": due,
            "units": [
                {
                    "unit": u.organisation.name,
                    "seats": u.seats,
                    "pool_limit": campaign_selectors.pool_limit(campaign, u),
                }
                for u in units
            ],
            "settings": campaign_selectors.settings_snapshot(campaign),
        },
        campaign_id=campaign.pk,
    )
    return round


# --- the branch's draft ------------------------------------------------------------------


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


def _check_totals(
    report: BranchReport, rows: Sequence[tuple[int, int, int]], where: str = ""
) -> tuple[list[str], dict[int, Member]]:
    found = _members([r[0] for r in rows])
    errors = _check_candidates(report.unit, [r[0] for r in rows], found, where)
    twice = [
        found[pk].name for pk, n in Counter(r[0] for r in rows).items() if n > 1 and pk in found
    ]
    if twice:
        errors.append(f"{where}重复填写：" + "、".join(twice))
    for pk, votes, pvotes in rows:
        name = found[pk].name if pk in found else str(pk)
        if votes < 0 or pvotes < 0:
            errors.append(f"{where}“{name}”的票数不能为负数")
        elif report.members_present and votes + pvotes > report.members_present:
            errors.append(
                f"{where}“{name}”得票 {votes + pvotes} 张，"
                f"多于实到会党员 {report.members_present} 人"
            )
    return errors, found


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


# --- submission and correction -----------------------------------------------------------


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


@writes_events(EventType.NOMINATION_REPORT_SUBMITTED, EventType.NOMINATION_LATE_ACCEPTED)
def report_submit(*, actor: User, report: BranchReport, late_reason: str = "") -> BranchReport:
    """Fix the branch's counts, add them to every level's tally, and record who recommended
    whom. After the 一上 deadline only the level above can submit, with its reason."""
    report = (
        BranchReport.objects.select_for_update()
        .select_related("organisation", "unit__organisation", "round__campaign")
        .get(pk=report.pk)
    )
    org = report.organisation
    _require_operator(actor, org)
    _require_open(report.round)
    domain.check_report_transition(report.status, ReportStatus.SUBMITTED)
    campaign = report.round.campaign
    due = selectors.deadline(campaign)
    today = clock.today()
    late = domain.is_late(due, today)
    late_reason = late_reason.strip()
    if late:
        if not access.is_above(actor, org):
            raise NominationError(
                f"已超过一上截止日期（{due}），不能报送；逾期报送须由上级党组织受理并记录理由。"
            )
        if not late_reason:
            raise NominationError(f"已超过一上截止日期（{due}），受理逾期报送须填写理由。")
    counts = selectors.current_counts(report)
    _fail(_submit_errors(report, counts))
    members = _members(list(counts))
    flags = selectors.findings_for(campaign, list(members.values()), unit=report.unit, today=today)
    forms = report.entries.values("form_no").distinct().count()
    hit = BranchReport.objects.filter(
        pk=report.pk, status=ReportStatus.DRAFT, version=report.version
    ).update(
        status=ReportStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=actor,
        late_reason=late_reason if late else "",
        version=F("version") + 1,
    )
    if hit != 1:
        raise ConcurrentChangeError()
    if report.mode == EntryMode.FORMS:
        ReportCount.objects.bulk_create(
            ReportCount(report=report, candidate_id=pk, votes=v, probationary_votes=p)
            for pk, (v, p) in counts.items()
        )
    levels = selectors.level_ids(report.unit, org)
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
        "deadline": due,
        "state": {"round": report.round_id, "tally_levels": levels},
    }
    names = "、".join(
        members[pk].name
        + ("（" + "；".join(f.reason for f in flags[pk]) + "）" if flags[pk] else "")
        for pk in sorted(counts, key=lambda k: -counts[k][0])[:5]
    )
    if late:
        inputs["late_reason"] = late_reason
        event_type = EventType.NOMINATION_LATE_ACCEPTED
        above = actor.organisation.name if actor.organisation else ""
        summary = f"{above}受理{org.name}逾期报送一上推荐结果（理由：{late_reason}）"
    else:
        event_type = EventType.NOMINATION_REPORT_SUBMITTED
        summary = f"{org.name}报送一上推荐结果，推荐 {len(counts)} 人：{names}"
    _report_record(
        event_type=event_type,
        actor=actor,
        report=report,
        summary=summary,
        inputs=inputs,
        persons=[m.citizen_id for m in members.values()],
    )
    return report


@writes_events(EventType.NOMINATION_REPORT_CORRECTED)
def report_correct(
    *,
    actor: User,
    report: BranchReport,
    rows: Sequence[tuple[int, int, int]],
    reason: str,
    seen_version: int,
) -> BranchReport:
    """The level above replaces a submitted branch's counts, with its reason; every level's
    tally moves by the difference.

    ``seen_version`` is the report's version the user saw the counts at: when it has moved
    (another correction came first) the correction is refused, not laid over the other.
    """
    report = (
        BranchReport.objects.select_for_update()
        .select_related("organisation", "unit__organisation", "round__campaign")
        .get(pk=report.pk)
    )
    org = report.organisation
    _require_above(actor, org, "更正已报送的推荐结果")
    _require_open(report.round)
    if report.version != seen_version:
        raise ConcurrentChangeError(
            "该党支部的推荐结果在您打开页面后已被更正或修改，请刷新页面核对后再更正。"
        )
    errors: list[str] = []
    if report.status != ReportStatus.SUBMITTED:
        errors.append("该党支部尚未报送，无需更正")
    if not reason.strip():
        errors.append("请填写更正理由")
    more, _found = _check_totals(report, rows)
    _fail(errors + more)
    old = selectors.current_counts(report)
    new = {pk: (v, p) for pk, v, p in rows if v or p}
    if not new:
        _fail(["更正后至少应有 1 名推荐人选"])
    hit = BranchReport.objects.filter(pk=report.pk, version=report.version).update(
        version=F("version") + 1
    )
    if hit != 1:
        raise ConcurrentChangeError()
    report.counts.all().delete()
    ReportCount.objects.bulk_create(
        ReportCount(report=report, candidate_id=pk, votes=v, probationary_votes=p)
        for pk, (v, p) in new.items()
    )
    levels = selectors.level_ids(report.unit, org)
    tally.apply(round_id=report.round_id, organisation_ids=levels, rows=domain.deltas(old, new))
    members = _members(list(old.keys() | new.keys()))
    _report_record(
        event_type=EventType.NOMINATION_REPORT_CORRECTED,
        actor=actor,
        report=report,
        summary=f"上级党组织更正{org.name}的一上推荐结果（理由：{reason.strip()}）",
        inputs={
            "reason": reason.strip(),
            "before": _count_rows(old, members),
            "after": _count_rows(new, members),
            "state": {"round": report.round_id, "tally_levels": levels},
        },
        persons=[m.citizen_id for m in members.values()],
    )
    return report


# --- levels ------------------------------------------------------------------------------


MEETING_FACTS = ("meeting_date", "meeting_place", "presider", "members_due", "members_present")


@writes_events(EventType.NOMINATION_MEETING_CORRECTED)
def meeting_correct(
    *,
    actor: User,
    report: BranchReport,
    reason: str,
    meeting_date: dt.date,
    meeting_place: str,
    presider: str,
    members_due: int,
    members_present: int,
) -> BranchReport:
    """The level above corrects the meeting facts of a submitted branch report. The facts
    are checked as when they were first entered; the record keeps both the facts as
    reported and as corrected, with the reason."""
    report = (
        BranchReport.objects.select_for_update()
        .select_related("organisation", "unit__organisation", "round__campaign")
        .get(pk=report.pk)
    )
    org = report.organisation
    _require_above(actor, org, "更正已报送的推荐会议情况")
    _require_open(report.round)
    errors: list[str | sanity.Problem] = []
    if report.status != ReportStatus.SUBMITTED:
        errors.append("该党支部尚未报送，由党支部自行修改")
    if not reason.strip():
        errors.append(("reason", "请填写更正理由"))
    errors += sanity.date_problems(
        meeting_date,
        field="meeting_date",
        what="推荐会议日期",
        earliest=_stage_start(report.round),
        since="本次推选工作开始的日期",
    )
    errors += sanity.attendance_problems(
        due=members_due,
        present=members_present,
        due_field="members_due",
        present_field="members_present",
        entitled=_entitled(org),
        entitled_what=f"“{org.name}”有表决权的党员（含预备党员）",
    )
    new = {
        "meeting_date": meeting_date,
        "meeting_place": meeting_place.strip(),
        "presider": presider.strip(),
        "members_due": members_due,
        "members_present": members_present,
    }
    before = {k: getattr(report, k) for k in MEETING_FACTS}
    if not errors and before == new:
        errors.append("更正后的会议情况与原报送的相同")
    _fail(errors)
    hit = BranchReport.objects.filter(pk=report.pk, version=report.version).update(
        version=F("version") + 1, **new
    )
    if hit != 1:
        raise ConcurrentChangeError()
    report.refresh_from_db()
    _report_record(
        event_type=EventType.NOMINATION_MEETING_CORRECTED,
        actor=actor,
        report=report,
        summary=f"上级党组织更正{org.name}的一上推荐会议情况（理由：{reason.strip()}）",
        inputs={
            "reason": reason.strip(),
            "before": before,
            "after": new,
            "changed": [k for k in MEETING_FACTS if before[k] != new[k]],
        },
        organisation=actor.organisation,
    )
    return report


FEEDBACK_FACTS = ("meeting_date", "members_due", "members_present")


@writes_events(EventType.NOMINATION_FEEDBACK_CORRECTED)
def feedback_correct(
    *,
    actor: User,
    feedback: Feedback,
    reason: str,
    meeting_date: dt.date,
    members_due: int,
    members_present: int,
) -> Feedback:
    """The level above corrects the meeting facts of a branch's 二上 view, with its reason;
    the counts per name must still fit the corrected attendance."""
    fb = (
        Feedback.objects.select_for_update()
        .select_related("organisation", "shortlist__round__campaign")
        .get(pk=feedback.pk)
    )
    org = fb.organisation
    _require_above(actor, org, "更正已报送的二上会议情况")
    shortlist = fb.shortlist
    errors: list[str | sanity.Problem] = []
    if not reason.strip():
        errors.append(("reason", "请填写更正理由"))
    errors += sanity.date_problems(
        meeting_date,
        field="meeting_date",
        what="会议日期",
        earliest=clock.local_date(shortlist.handed_down_at or shortlist.created_at),
        since="考察对象名单下发的日期",
    )
    errors += sanity.attendance_problems(
        due=members_due,
        present=members_present,
        due_field="members_due",
        present_field="members_present",
        entitled=_entitled(org),
        entitled_what=f"“{org.name}”有表决权的党员（含预备党员）",
    )
    most = max(
        (v.agree + v.disagree + v.abstain for v in fb.views.all()),
        default=0,
    )
    if most > members_present:
        errors.append(
            ("members_present", f"已报送的意见中有人选合计 {most} 票，多于更正后的实到人数")
        )
    new = {
        "meeting_date": meeting_date,
        "members_due": members_due,
        "members_present": members_present,
    }
    before = {k: getattr(fb, k) for k in FEEDBACK_FACTS}
    if not errors and before == new:
        errors.append("更正后的会议情况与原报送的相同")
    _fail(errors)
    Feedback.objects.filter(pk=fb.pk).update(**new)
    fb.refresh_from_db()
    record(
        event_type=EventType.NOMINATION_FEEDBACK_CORRECTED,
        actor=actor,
        summary=f"上级党组织更正{org.name}的二上会议情况（理由：{reason.strip()}）",
        subject_type="nomination.feedback",
        subject_id=fb.pk,
        organisation=actor.organisation,
        accountable_organisation=org,
        accountable_person=fb.accountable_person,
        inputs={
            "branch": org.name,
            "reason": reason.strip(),
            "before": before,
            "after": new,
            "changed": [k for k in FEEDBACK_FACTS if before[k] != new[k]],
        },
        campaign_id=shortlist.round.campaign_id,
    )
    return fb


LIST_FACTS = ("decided_on", "attendance_due", "attendance_present", "decision")


@writes_events(EventType.NOMINATION_LIST_CORRECTED)
def list_correct(
    *,
    actor: User,
    nomination_list: NominationList,
    reason: str,
    decided_on: dt.date,
    attendance_due: int,
    attendance_present: int,
    decision: str,
) -> NominationList:
    """Correct the facts of a collective decision (its date, attendance, wording) by a
    further recorded decision with its reason. The people on the list are not changed
    here; the original decision stays in the record beside the correction."""
    nl = (
        NominationList.objects.select_for_update()
        .select_related("organisation", "round__campaign")
        .get(pk=nomination_list.pk)
    )
    _require_operator(actor, nl.organisation)
    errors: list[str | sanity.Problem] = []
    if not reason.strip():
        errors.append(("reason", "请填写更正理由"))
    earliest, since = _stage_start(nl.round), "本次推选工作开始的日期"
    if nl.kind == ListKind.SHORTLIST:
        pool = selectors.list_for(nl.round, nl.organisation, ListKind.POOL)
        if pool is not None:
            earliest, since = pool.decided_on, "推荐人选名单的研究日期"
    errors += sanity.date_problems(
        decided_on, field="decided_on", what="研究日期", earliest=earliest, since=since
    )
    errors += sanity.attendance_problems(
        due=attendance_due,
        present=attendance_present,
        due_field="attendance_due",
        present_field="attendance_present",
    )
    if attendance_present <= attendance_due and not domain.quorum_met(
        attendance_due, attendance_present
    ):
        errors.append(
            (
                "attendance_present",
                f"应到会 {attendance_due} 人、实到会 {attendance_present} 人，未超过半数",
            )
        )
    if not decision.strip():
        errors.append(("decision", "请填写研究决定"))
    new: dict[str, Any] = {
        "decided_on": decided_on,
        "attendance_due": attendance_due,
        "attendance_present": attendance_present,
        "decision": decision.strip(),
    }
    before = {k: getattr(nl, k) for k in LIST_FACTS}
    if not errors and before == new:
        errors.append("更正后的内容与原决定相同")
    _fail(errors)
    NominationList.objects.filter(pk=nl.pk).update(**new)
    nl.refresh_from_db()
    people = list(nl.entries.select_related("candidate"))
    record(
        event_type=EventType.NOMINATION_LIST_CORRECTED,
        actor=actor,
        summary=(
            f"{nl.organisation.name}更正{ListKind(nl.kind).label}的集体研究决定"
            f"（理由：{reason.strip()}）"
        ),
        subject_type=SUBJECT_LIST,
        subject_id=nl.pk,
        organisation=nl.organisation,
        accountable_organisation=nl.organisation,
        accountable_person=nl.accountable_person,
        person_citizen_ids=[e.candidate.citizen_id for e in people],
        inputs={
            "kind": nl.kind,
            "reason": reason.strip(),
            "before": before,
            "after": new,
            "changed": [k for k in LIST_FACTS if before[k] != new[k]],
        },
        campaign_id=nl.round.campaign_id,
    )
    return nl


def _veto_errors(campaign: Campaign, unit: ElectionUnit, members: Sequence[Member]) -> list[str]:
    flags = selectors.findings_for(campaign, members, unit=unit)
    return [
        f"“{m.name}”{'；'.join(f.reason for f in flags[m.pk])}，不能列入"
        for m in members
        if flags[m.pk]
    ]


@writes_events(EventType.NOMINATION_ORG_RECOMMENDED)
def org_recommend(
    *,
    actor: User,
    round: Round,
    organisation: Organisation,
    candidate: Member,
    accountable_person: str,
    reason: str = "",
) -> OrgRecommendation:
    """A level recommends a person in its own right; it answers for the recommendation."""
    _require_operator(actor, organisation)
    _require_open(round)
    unit = _unit_and_level(round, organisation)
    errors: list[str] = []
    if not accountable_person.strip():
        errors.append("请填写责任人（谁推荐谁负责）")
    if OrgRecommendation.objects.filter(
        round=round, organisation=organisation, candidate=candidate
    ).exists():
        errors.append(f"“{candidate.name}”已由本级党组织推荐")
    errors += _check_candidates(unit, [candidate.pk], {candidate.pk: candidate})
    if not errors:
        errors += _veto_errors(round.campaign, unit, [candidate])
    _fail(errors)
    rec = OrgRecommendation.objects.create(
        round=round,
        organisation=organisation,
        candidate=candidate,
        accountable_person=accountable_person.strip(),
        reason=reason.strip(),
        created_by=actor,
    )
    record(
        event_type=EventType.NOMINATION_ORG_RECOMMENDED,
        actor=actor,
        summary=f"{organisation.name}组织推荐{candidate.name}（责任人：{rec.accountable_person}）",
        subject_type=SUBJECT_ROUND,
        subject_id=round.pk,
        organisation=organisation,
        accountable_organisation=organisation,
        accountable_person=rec.accountable_person,
        person_citizen_ids=[candidate.citizen_id],
        inputs={"candidate": candidate.citizen_id, "name": candidate.name, "reason": rec.reason},
        campaign_id=round.campaign_id,
    )
    return rec


def _decide(
    *,
    actor: User,
    round: Round,
    organisation: Organisation,
    kind: ListKind,
    candidate_ids: Sequence[int],
    decided_on: dt.date,
    attendance_due: int,
    attendance_present: int,
    decision: str,
    accountable_person: str,
    overdue_reason: str = "",
) -> NominationList:
    _require_operator(actor, organisation)
    _require_open(round)
    unit = _unit_and_level(round, organisation)
    campaign = round.campaign
    limit = campaign_selectors.pool_limit(campaign, unit)
    found = _members(candidate_ids)
    errors: list[str | sanity.Problem] = []
    earliest, since = _stage_start(round), "本次推选工作开始的日期"
    if kind == ListKind.SHORTLIST:
        pool = selectors.list_for(round, organisation, ListKind.POOL)
        if pool is not None:
            earliest, since = pool.decided_on, "推荐人选名单的研究日期"
    errors += sanity.date_problems(
        decided_on, field="decided_on", what="研究日期", earliest=earliest, since=since
    )
    errors += sanity.attendance_problems(
        due=attendance_due,
        present=attendance_present,
        due_field="attendance_due",
        present_field="attendance_present",
    )
    overdue = selectors.not_reported(round, unit, organisation)
    overdue_reason = overdue_reason.strip()
    if overdue:
        names = "、".join(o.name for o in overdue[:3]) + ("等" if len(overdue) > 3 else "")
        due = selectors.deadline(campaign)
        if not domain.is_late(due, clock.today()):
            errors.append(
                f"尚有 {len(overdue)} 个党支部未报送推荐结果（{names}），"
                "须全部报送后才能集体研究决定"
            )
        elif not overdue_reason:
            errors.append(
                (
                    "overdue_reason",
                    f"尚有 {len(overdue)} 个党支部未报送推荐结果（{names}），已过一上截止日期；"
                    "按逾期未报处理须填写说明",
                )
            )
    if kind == ListKind.SHORTLIST and organisation.pk != unit.organisation_id:
        errors.append("考察对象由选举单位党组织集体研究确定")
    if selectors.list_for(round, organisation, kind) is not None:
        errors.append(f"本级{ListKind(kind).label}已经集体研究确定，不能重复确定")
    if attendance_present <= attendance_due and not domain.quorum_met(
        attendance_due, attendance_present
    ):
        errors.append(
            (
                "attendance_present",
                f"应到会 {attendance_due} 人、实到会 {attendance_present} 人，"
                "未超过半数，不能集体研究决定",
            )
        )
    if not decision.strip():
        errors.append(("decision", "请填写研究决定"))
    if not accountable_person.strip():
        errors.append("请填写责任人")
    if not candidate_ids:
        errors.append("名单不能为空")
    if len(candidate_ids) > limit:
        errors.append(
            f"名单 {len(candidate_ids)} 人，超过推荐人选上限 {limit} 人"
            f"（名额 {unit.seats} × 倍数 {campaign.pool_multiple}）"
        )
    if len(set(candidate_ids)) != len(candidate_ids):
        errors.append("名单中有重复的人选")
    errors += _check_candidates(unit, candidate_ids, found)
    votes = {
        r[0]: r[1]
        for r in tally.top(round_id=round.pk, organisation_id=organisation.pk, limit=None)
    }
    org_recs = set(
        OrgRecommendation.objects.filter(
            round=round, organisation__path__startswith=organisation.path
        ).values_list("candidate_id", flat=True)
    )
    source: set[int] = set(votes) | org_recs
    if kind == ListKind.SHORTLIST:
        pool = selectors.list_for(round, organisation, ListKind.POOL)
        if pool is not None:
            source = set(pool.entries.values_list("candidate_id", flat=True))
    for pk in candidate_ids:
        if pk in found and pk not in source:
            errors.append(f"“{found[pk].name}”未获推荐，不能列入名单")
    _fail(errors)
    _fail(_veto_errors(campaign, unit, [found[pk] for pk in candidate_ids]))
    nl = NominationList.objects.create(
        round=round,
        organisation=organisation,
        unit=unit,
        kind=kind,
        decided_on=decided_on,
        attendance_due=attendance_due,
        attendance_present=attendance_present,
        decision=decision.strip(),
        accountable_person=accountable_person.strip(),
        created_by=actor,
    )
    ListEntry.objects.bulk_create(
        ListEntry(
            nomination_list=nl,
            candidate_id=pk,
            position=i,
            votes=votes.get(pk, 0),
            org_recommended=pk in org_recs,
        )
        for i, pk in enumerate(candidate_ids, start=1)
    )
    event = (
        EventType.NOMINATION_SHORTLIST_DECIDED
        if kind == ListKind.SHORTLIST
        else EventType.NOMINATION_LIST_DECIDED
    )
    record(
        event_type=event,
        actor=actor,
        summary=(
            f"{organisation.name}集体研究确定{ListKind(kind).label} "
            f"{len(candidate_ids)} 人（{decided_on}）"
        ),
        subject_type=SUBJECT_LIST,
        subject_id=nl.pk,
        organisation=organisation,
        accountable_organisation=organisation,
        accountable_person=nl.accountable_person,
        person_citizen_ids=[found[pk].citizen_id for pk in candidate_ids],
        inputs={
            "kind": kind,
            "decided_on": decided_on,
            "attendance_due": attendance_due,
            "attendance_present": attendance_present,
            "decision": nl.decision,
            "overdue_branches": [o.name for o in overdue],
            "overdue_reason": overdue_reason if overdue else "",
            "seats": unit.seats,
            "pool_limit": limit,
            "minimum_candidates": campaign_selectors.minimum_candidates(campaign, unit),
            "list": [
                {
                    "citizen_id": found[pk].citizen_id,
                    "name": found[pk].name,
                    "votes": votes.get(pk, 0),
                    "org_recommended": pk in org_recs,
                }
                for pk in candidate_ids
            ],
        },
        campaign_id=campaign.pk,
    )
    return nl


@writes_events(EventType.NOMINATION_LIST_DECIDED)
def list_decide(
    *,
    actor: User,
    round: Round,
    organisation: Organisation,
    candidate_ids: Sequence[int],
    decided_on: dt.date,
    attendance_due: int,
    attendance_present: int,
    decision: str,
    accountable_person: str,
    overdue_reason: str = "",
) -> NominationList:
    """A level fixes the list it sends up, by collective decision; at most the pool ceiling."""
    return _decide(
        actor=actor,
        round=round,
        organisation=organisation,
        kind=ListKind.POOL,
        candidate_ids=candidate_ids,
        decided_on=decided_on,
        attendance_due=attendance_due,
        attendance_present=attendance_present,
        decision=decision,
        accountable_person=accountable_person,
        overdue_reason=overdue_reason,
    )


@writes_events(EventType.NOMINATION_SHORTLIST_DECIDED)
def shortlist_decide(
    *,
    actor: User,
    round: Round,
    organisation: Organisation,
    candidate_ids: Sequence[int],
    decided_on: dt.date,
    attendance_due: int,
    attendance_present: int,
    decision: str,
    accountable_person: str,
    overdue_reason: str = "",
) -> NominationList:
    """一下: the election unit's committee fixes the 考察对象/初步人选 from the majority view."""
    return _decide(
        actor=actor,
        round=round,
        organisation=organisation,
        kind=ListKind.SHORTLIST,
        candidate_ids=candidate_ids,
        decided_on=decided_on,
        attendance_due=attendance_due,
        attendance_present=attendance_present,
        decision=decision,
        accountable_person=accountable_person,
        overdue_reason=overdue_reason,
    )


@writes_events(EventType.NOMINATION_SHORTLIST_HANDED_DOWN)
def shortlist_hand_down(*, actor: User, shortlist: NominationList) -> NominationList:
    """Send the 考察对象 list down to the branches for their 二上 view."""
    shortlist = NominationList.objects.select_related("organisation", "round__campaign").get(
        pk=shortlist.pk
    )
    _require_operator(actor, shortlist.organisation)
    if shortlist.kind != ListKind.SHORTLIST:
        raise NominationError("只有考察对象名单可以下发征求意见。")
    domain.check_list_transition(shortlist.status, ListStatus.HANDED_DOWN)
    hit = NominationList.objects.filter(pk=shortlist.pk, status=ListStatus.DECIDED).update(
        status=ListStatus.HANDED_DOWN, handed_down_at=timezone.now()
    )
    if hit != 1:
        raise ConcurrentChangeError()
    shortlist.refresh_from_db()
    people = list(shortlist.entries.select_related("candidate"))
    record(
        event_type=EventType.NOMINATION_SHORTLIST_HANDED_DOWN,
        actor=actor,
        summary=(
            f"{shortlist.organisation.name}将考察对象名单（{len(people)} 人）下发各党支部征求意见"
        ),
        subject_type=SUBJECT_LIST,
        subject_id=shortlist.pk,
        organisation=shortlist.organisation,
        accountable_organisation=shortlist.organisation,
        accountable_person=shortlist.accountable_person,
        person_citizen_ids=[e.candidate.citizen_id for e in people],
        inputs={
            "list": [
                {"citizen_id": e.candidate.citizen_id, "name": e.candidate.name} for e in people
            ]
        },
        campaign_id=shortlist.round.campaign_id,
    )
    return shortlist


@writes_events(EventType.NOMINATION_EXEMPTION_DECIDED)
def exemption_decide(
    *,
    actor: User,
    campaign: Campaign,
    candidate: Member,
    decided_on: dt.date,
    decision: str,
    accountable_person: str,
) -> Exemption:
    """Record the decision that lets a same-level 人大代表/政协委员 go on (一般不交叉)."""
    unit = selectors.unit_of(campaign, candidate.organisation)
    if unit is None:
        raise NominationError(f"“{candidate.name}”不属于本次推选工作的任何选举单位。")
    _require_operator(actor, unit.organisation)
    errors: list[str | sanity.Problem] = []
    errors += sanity.date_problems(
        decided_on,
        field="decided_on",
        what="决定日期",
        earliest=clock.local_date(campaign.created_at),
        since="本次推选工作开始的日期",
    )
    if not decision.strip():
        errors.append(("decision", "请填写决定内容"))
    if not accountable_person.strip():
        errors.append("请填写责任人")
    if Exemption.objects.filter(campaign=campaign, candidate=candidate).exists():
        errors.append(f"“{candidate.name}”已有豁免决定")
    _fail(errors)
    overlap = [
        f
        for f in selectors.findings_for(campaign, [candidate], unit=unit)[candidate.pk]
        if f.code == eligibility.Code.OVERLAP
    ]
    if not overlap:
        _fail([f"“{candidate.name}”不是同级人大代表或政协委员，无需豁免"])
    if any(f.is_veto for f in overlap):
        _fail(["本次推选不允许交叉，不能豁免"])
    ex = Exemption.objects.create(
        campaign=campaign,
        candidate=candidate,
        decided_on=decided_on,
        decision=decision.strip(),
        accountable_person=accountable_person.strip(),
        created_by=actor,
    )
    record(
        event_type=EventType.NOMINATION_EXEMPTION_DECIDED,
        actor=actor,
        summary=f"{unit.organisation.name}决定{candidate.name}可不受“一般不交叉”限制：{ex.decision}",
        subject_type="nomination.exemption",
        subject_id=ex.pk,
        organisation=unit.organisation,
        accountable_organisation=unit.organisation,
        accountable_person=ex.accountable_person,
        person_citizen_ids=[candidate.citizen_id],
        inputs={
            "decided_on": decided_on,
            "decision": ex.decision,
            "warning": [f.reason for f in overlap],
        },
        campaign_id=campaign.pk,
    )
    return ex


# --- 二上 ---------------------------------------------------------------------------------


@writes_events(EventType.NOMINATION_FEEDBACK_SUBMITTED)
def feedback_submit(
    *,
    actor: User,
    shortlist: NominationList,
    organisation: Organisation,
    meeting_date: dt.date,
    members_due: int,
    members_present: int,
    accountable_person: str,
    views: Mapping[int, tuple[int, int, int]],
    write_ins: Sequence[tuple[int, int]] = (),
    late_reason: str = "",
) -> Feedback:
    """A branch's view of the handed-down list: agree/disagree/abstain per name, and the
    people it proposes instead. After the 二上 deadline only the level above can submit it,
    with its reason, as for 一上."""
    shortlist = NominationList.objects.select_related("unit__organisation", "round__campaign").get(
        pk=shortlist.pk
    )
    _require_operator(actor, organisation)
    unit = shortlist.unit
    errors: list[str | sanity.Problem] = []
    if shortlist.status != ListStatus.HANDED_DOWN:
        errors.append("考察对象名单尚未下发")
    else:
        errors += sanity.date_problems(
            meeting_date,
            field="meeting_date",
            what="会议日期",
            earliest=clock.local_date(shortlist.handed_down_at or shortlist.created_at),
            since="考察对象名单下发的日期",
        )
    if not organisation.path.startswith(unit.organisation.path) or not selectors.is_leaf(
        organisation
    ):
        errors.append(f"“{organisation.name}”不是本选举单位的党支部")
    if Feedback.objects.filter(shortlist=shortlist, organisation=organisation).exists():
        errors.append(f"“{organisation.name}”已报送二上意见，不能重复报送")
    errors += sanity.attendance_problems(
        due=members_due,
        present=members_present,
        due_field="members_due",
        present_field="members_present",
        entitled=_entitled(organisation) if selectors.is_leaf(organisation) else None,
        entitled_what=f"“{organisation.name}”有表决权的党员（含预备党员）",
    )
    if not accountable_person.strip():
        errors.append(("accountable_person", "请填写责任人"))
    due = selectors.deadline(shortlist.round.campaign, Stage.SECOND_UP)
    late = domain.is_late(due, clock.today())
    late_reason = late_reason.strip()
    if late and not access.is_above(actor, organisation):
        errors.append(
            f"已超过二上截止日期（{due}），不能报送；逾期报送须由上级党组织受理并记录理由"
        )
    elif late and not late_reason:
        errors.append(f"已超过二上截止日期（{due}），受理逾期报送须填写理由")
    _fail(errors)
    entries = {e.candidate_id: e.candidate for e in shortlist.entries.select_related("candidate")}
    for pk, person in entries.items():
        got = views.get(pk)
        if got is None:
            errors.append(f"缺少对“{person.name}”的意见")
            continue
        if min(got) < 0:
            errors.append((f"agree_{pk}", f"“{person.name}”的票数不能为负数"))
        elif sum(got) > members_present:
            errors.append(
                (
                    f"agree_{pk}",
                    f"“{person.name}”同意、不同意、弃权合计 {sum(got)} 票，"
                    f"多于实到会党员 {members_present} 人",
                )
            )
    for pk in views:
        if pk not in entries:
            errors.append(f"党员（编号 {pk}）不在考察对象名单中")
    found = _members([w[0] for w in write_ins])
    errors += _check_candidates(unit, [w[0] for w in write_ins], found, "另提人选：")
    for pk, votes in write_ins:
        if pk in entries:
            errors.append(f"另提人选“{entries[pk].name}”已在名单中")
        if votes <= 0 or votes > members_present:
            name = found[pk].name if pk in found else str(pk)
            errors.append(f"另提人选“{name}”的票数应在 1 至 {members_present} 之间")
    _fail(errors)
    fb = Feedback.objects.create(
        shortlist=shortlist,
        organisation=organisation,
        meeting_date=meeting_date,
        members_due=members_due,
        members_present=members_present,
        accountable_person=accountable_person.strip(),
        submitted_by=actor,
    )
    FeedbackView.objects.bulk_create(
        FeedbackView(feedback=fb, candidate_id=pk, agree=a, disagree=d, abstain=ab)
        for pk, (a, d, ab) in views.items()
    )
    WriteIn.objects.bulk_create(
        WriteIn(feedback=fb, candidate_id=pk, votes=v) for pk, v in write_ins
    )
    record(
        event_type=EventType.NOMINATION_FEEDBACK_SUBMITTED,
        actor=actor,
        summary=f"{organisation.name}报送对考察对象名单的二上意见"
        + (f"（逾期，由上级受理，理由：{late_reason}）" if late else ""),
        subject_type="nomination.feedback",
        subject_id=fb.pk,
        organisation=organisation,
        accountable_organisation=organisation,
        accountable_person=fb.accountable_person,
        person_citizen_ids=[p.citizen_id for p in entries.values()]
        + [m.citizen_id for m in found.values()],
        inputs={
            "meeting_date": meeting_date,
            "members_due": members_due,
            "members_present": members_present,
            "deadline": due,
            "late_reason": late_reason if late else "",
            "views": [
                {
                    "citizen_id": entries[pk].citizen_id,
                    "name": entries[pk].name,
                    "agree": a,
                    "disagree": d,
                    "abstain": ab,
                }
                for pk, (a, d, ab) in views.items()
            ],
            "write_ins": [
                {"citizen_id": found[pk].citizen_id, "name": found[pk].name, "votes": v}
                for pk, v in write_ins
            ],
        },
        campaign_id=shortlist.round.campaign_id,
    )
    return fb
