"""A branch's 二上 view of the handed-down shortlist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from tuixuan.campaign.models import Stage
from tuixuan.core import clock, sanity
from tuixuan.core.models import Organisation, User
from tuixuan.nomination import access, domain, selectors
from tuixuan.nomination.models import (
    Feedback,
    FeedbackView,
    ListStatus,
    NominationList,
    RoundStage,
    WriteIn,
)
from tuixuan.nomination.services._common import (
    _check_candidates,
    _entitled,
    _fail,
    _members,
    _require_operator,
)
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events


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
    if shortlist.status == ListStatus.REOPENED:
        errors.append("该考察对象名单已决定重新研究，不能再报送二上意见")
    elif selectors.stage_closed(shortlist.round, unit, RoundStage.SECOND_UP):
        errors.append(f"{unit.organisation.name}的二上已经结束，不能再报送二上意见")
    elif shortlist.status != ListStatus.HANDED_DOWN:
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
