"""Corrections by the level above or the deciding level, recorded beside the original."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import F

from tuixuan.core import clock, sanity
from tuixuan.core.errors import ConcurrentChangeError
from tuixuan.core.models import User
from tuixuan.nomination import domain, selectors, tally
from tuixuan.nomination.models import (
    BranchReport,
    Feedback,
    ListKind,
    NominationList,
    ReportCount,
    ReportStatus,
)
from tuixuan.nomination.services._common import (
    SUBJECT_LIST,
    _check_totals,
    _count_rows,
    _entitled,
    _fail,
    _members,
    _report_record,
    _require_above,
    _require_open,
    _require_operator,
    _stage_start,
)
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events


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


def _corrected(
    *,
    current: object,
    facts: Sequence[str],
    new: Mapping[str, Any],
    reason: str,
    errors: Sequence[str | sanity.Problem],
    same: str,
) -> dict[str, Any]:
    """Refuse a correction with errors, or one that changes none of the facts; else what its
    record keeps: the reason, the facts before and after, and which of them changed."""
    before = {k: getattr(current, k) for k in facts}
    _fail([same] if not errors and before == new else errors)
    return {
        "reason": reason.strip(),
        "before": before,
        "after": new,
        "changed": [k for k in facts if before[k] != new[k]],
    }


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
    corrected = _corrected(
        current=report,
        facts=MEETING_FACTS,
        new=new,
        reason=reason,
        errors=errors,
        same="更正后的会议情况与原报送的相同",
    )
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
        inputs=corrected,
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
    corrected = _corrected(
        current=fb,
        facts=FEEDBACK_FACTS,
        new=new,
        reason=reason,
        errors=errors,
        same="更正后的会议情况与原报送的相同",
    )
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
            **corrected,
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
    corrected = _corrected(
        current=nl,
        facts=LIST_FACTS,
        new=new,
        reason=reason,
        errors=errors,
        same="更正后的内容与原决定相同",
    )
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
            **corrected,
        },
        campaign_id=nl.round.campaign_id,
    )
    return nl
