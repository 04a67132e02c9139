"""二下 and 报批: persons placed from above, the suggested list, the committee's decision on
the 预备人选, the report to the convening committee and its answer (docs/domain.md §3.7,
docs/domain.md §4.6, docs/domain.md §4.7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import ElectionUnit
from tuixuan.campaign.rules import margin
from tuixuan.core import sanity
from tuixuan.core.models import Organisation, User
from tuixuan.core.strokes import name_key
from tuixuan.nomination import selectors as nomination_selectors
from tuixuan.notice import domain, selectors
from tuixuan.notice.models import CandidateEntry, CandidateList, Placement
from tuixuan.notice.rules import slate
from tuixuan.notice.services._common import (
    _bump,
    _date,
    _fail,
    _name,
    _require_convener,
    _require_operator,
    _text,
    _today,
)
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events
from tuixuan.registry.models import Member
from tuixuan.vetting.models import Case

SUBJECT = "notice.candidate_list"


def _unit(unit: ElectionUnit) -> ElectionUnit:
    return ElectionUnit.objects.select_related(
        "campaign__convening_organisation", "organisation"
    ).get(pk=unit.pk)


@writes_events(EventType.NOTICE_PLACEMENT_ADDED)
def placement_add(
    *,
    actor: User,
    unit: ElectionUnit,
    member: Member,
    nominated_by: Organisation,
    placed_on: dt.date,
    reason: str,
    post: str = "",
) -> Placement:
    """The convening committee places a candidate nominated by the higher committee
    (上级提名) in the unit; the origin is recorded and goes with the person to the list."""
    unit = _unit(unit)
    campaign = unit.campaign
    _require_convener(actor, campaign, "安排上级提名人选")
    problems: list[str | sanity.Problem] = []
    if not campaign.convening_organisation.path.startswith(nominated_by.path):
        problems.append(("nominated_by", "提名的党组织应为召集机关或其上级"))
    if Placement.objects.filter(campaign=campaign, member=member).exists():
        problems.append(("member", f"“{member.name}”已作为上级提名人选安排"))
    if Case.objects.filter(campaign=campaign, member=member).exists():
        problems.append(("member", f"“{member.name}”已是本次推选的考察对象"))
    findings = [
        f.reason
        for f in nomination_selectors.findings_for(campaign, [member])[member.pk]
        if f.is_veto
    ]
    if findings:
        problems.append(("member", f"“{member.name}”不能提名：" + "；".join(findings)))
    problems += _text(reason, field="reason", what="提名理由", limit=2000)
    if len(post.strip()) > 128:
        problems.append(("post", "现任职务过长（最多128字）"))
    problems += _date(
        placed_on,
        field="placed_on",
        what="提名日期",
        earliest=None,
        since="",
    )
    _fail(problems)
    placement = Placement.objects.create(
        campaign=campaign,
        unit=unit,
        member=member,
        nominated_by=nominated_by,
        placed_on=placed_on,
        reason=reason.strip(),
        post=post.strip() or member.current_post,
        created_by=actor,
    )
    record(
        event_type=EventType.NOTICE_PLACEMENT_ADDED,
        actor=actor,
        summary=f"{nominated_by.name}提名{member.name}为{unit.organisation.name}代表候选人预备人选",
        subject_type="notice.placement",
        subject_id=placement.pk,
        accountable_organisation=nominated_by,
        accountable_person=_name(actor),
        person_citizen_ids=[member.citizen_id],
        inputs={
            "placement": placement.pk,
            "unit": unit.organisation.name,
            "nominated_by": nominated_by.name,
            "placed_on": placed_on,
            "reason": placement.reason,
        },
        campaign_id=campaign.pk,
    )
    return placement


@writes_events(EventType.NOTICE_SLATE_SUGGESTED)
def slate_suggest(*, actor: User, unit: ElectionUnit) -> slate.SlateSuggestion:
    """Compute the suggested list (docs/domain.md §4.7) from the persons 列为初步人选 whose
    notice has ended and who have no open objection, each with the votes the recommendation
    gave them; the inputs and the answer are recorded. It only advises: the committee's
    decision is a step of its own."""
    unit = _unit(unit)
    _require_operator(actor, unit)
    campaign = unit.campaign
    rows = [r for r in selectors.pool(unit) if r.eligible]
    pool = [
        slate.PoolPerson(
            id=r.case.member_id,
            support=r.support,
            person=selectors.as_person(r.case.member),
            name=r.case.member.name,
        )
        for r in rows
    ]
    targets = campaign_selectors.effective_targets(campaign, unit)
    suggestion = slate.suggest_slate(
        pool, unit.seats, targets, ratio=campaign.margin_ratio, reference_date=_today()
    )
    names = {p.id: p.name for p in pool}
    record(
        event_type=EventType.NOTICE_SLATE_SUGGESTED,
        actor=actor,
        summary=(
            f"{unit.organisation.name}测算预备人选建议名单："
            + (
                f"建议 {len(suggestion.chosen)} 人"
                if suggestion.chosen is not None
                else "结构比例无法同时满足，未形成建议"
            )
        ),
        subject_type="campaign.unit",
        subject_id=unit.pk,
        accountable_organisation=unit.organisation,
        accountable_person=_name(actor),
        inputs={
            "pool_size": len(pool),
            "seats": unit.seats,
            "ratio": campaign.margin_ratio,
            "list_size": suggestion.list_size,
            "targets": [t.describe() for t in targets],
            "suggested": list(suggestion.chosen or ()),
            "suggested_names": [names[i] for i in suggestion.chosen or ()],
            "total_support": suggestion.total_support,
            "top_support": suggestion.top_support,
            "feasible": suggestion.feasible,
        },
        campaign_id=campaign.pk,
    )
    return suggestion


def _candidates(
    unit: ElectionUnit, member_ids: list[int]
) -> tuple[dict[int, Case], dict[int, Placement], list[str]]:
    """Who may be on the list: a person 列为初步人选 whose notice has ended, without an open
    objection, or a person placed from above."""
    pool = {r.case.member_id: r for r in selectors.pool(unit)}
    placed = {p.member_id: p for p in selectors.placements(unit)}
    cases: dict[int, Case] = {}
    taken: dict[int, Placement] = {}
    problems: list[str] = []
    members = {m.pk: m for m in Member.objects.filter(pk__in=member_ids)}
    for mid in member_ids:
        if mid in placed:
            taken[mid] = placed[mid]
        elif mid in pool:
            row = pool[mid]
            if row.blockers:
                problems += row.blockers
            else:
                cases[mid] = row.case
        else:
            name = members[mid].name if mid in members else str(mid)
            problems.append(f"“{name}”不是本单位的初步人选，也不是上级提名人选")
    return cases, taken, problems


@writes_events(EventType.NOTICE_LIST_DECIDED)
def list_decide(
    *,
    actor: User,
    unit: ElectionUnit,
    decided_on: dt.date,
    attendance_due: int,
    attendance_present: int,
    decision: str,
    accountable_person: str,
    votes: Mapping[int, int],
    adopted_suggestion: bool = False,
) -> CandidateList:
    """二下: the unit committee fixes the 预备人选 by a collective decision. Each name's votes
    are recorded; a name agreed by more than half of those present is on the list. The list
    must meet the margin and every structure target of the unit, or nothing is written. A
    decided list not yet reported is replaced (已另行研究); a reported or approved one is
    not."""
    unit = _unit(unit)
    _require_operator(actor, unit)
    campaign = unit.campaign
    current = selectors.current_list(unit)
    if current is not None and current.status != domain.ListStatus.DECIDED:
        label = domain.LIST_STATUS_LABELS[domain.ListStatus(current.status)]
        _fail([f"本单位的预备人选名单{label}，不能重新研究"])
    earliest = selectors.decision_earliest(unit)
    if earliest is None:
        _fail(["初步人选的公示尚未结束，不能研究确定预备人选"])
    if not votes:
        _fail([("votes", "请填写每名人选的同意票数")])
    ids = list(votes)
    cases, placed, problems = _candidates(unit, ids)
    _fail(problems)
    members = {m.pk: m for m in Member.objects.filter(pk__in=ids).select_related("organisation")}
    checks: list[str | sanity.Problem] = list(
        domain.decision_problems(
            decided_on=decided_on,
            today=_today(),
            earliest=earliest,
            since="初步人选公示结束的次日",
            due=attendance_due,
            present=attendance_present,
            votes={members[i].name: votes[i] for i in ids},
        )
    )
    checks += _text(decision, field="decision", what="研究决定", limit=4000)
    checks += _text(accountable_person, field="accountable_person", what="责任人", limit=64)
    _fail(checks)
    chosen = sorted(
        (members[i] for i in ids if domain.passes(votes[i], attendance_present)),
        key=lambda m: name_key(m.name),
    )
    short, structure_lines = selectors.shortfalls(unit, chosen)
    _fail(domain.shortfall_blockers(short, structure_lines))
    if current is not None:
        domain.check_list_transition(current.status, domain.ListStatus.SUPERSEDED)
        _bump(current, status=domain.ListStatus.SUPERSEDED.value)
    made = CandidateList.objects.create(
        campaign=campaign,
        unit=unit,
        decided_on=decided_on,
        attendance_due=attendance_due,
        attendance_present=attendance_present,
        decision=decision.strip(),
        accountable_person=accountable_person.strip(),
        seats=unit.seats,
        created_by=actor,
    )
    CandidateEntry.objects.bulk_create(
        CandidateEntry(
            candidate_list=made,
            member=m,
            case=cases.get(m.pk),
            placement=placed.get(m.pk),
            origin=(domain.Origin.HIGHER if m.pk in placed else domain.Origin.UNIT).value,
            votes=votes[m.pk],
            position=i,
        )
        for i, m in enumerate(chosen, start=1)
    )
    on_list = {m.pk for m in chosen}
    record(
        event_type=EventType.NOTICE_LIST_DECIDED,
        actor=actor,
        summary=(
            f"{unit.organisation.name}集体研究确定候选人预备人选 {len(chosen)} 名"
            f"（名额 {unit.seats} 名）"
        ),
        subject_type=SUBJECT,
        subject_id=made.pk,
        accountable_organisation=unit.organisation,
        accountable_person=made.accountable_person,
        person_citizen_ids=[members[i].citizen_id for i in ids],
        inputs={
            "list": made.pk,
            "decided_on": decided_on,
            "attendance_due": attendance_due,
            "attendance_present": attendance_present,
            "decision": made.decision,
            "seats": unit.seats,
            "ratio": campaign.margin_ratio,
            "minimum": margin.minimum_candidates(unit.seats, campaign.margin_ratio),
            "adopted_suggestion": adopted_suggestion,
            "superseded": current.pk if current is not None else None,
            "votes": [
                {
                    "citizen_id": members[i].citizen_id,
                    "name": members[i].name,
                    "votes": votes[i],
                    "selected": i in on_list,
                    "origin": (domain.Origin.HIGHER if i in placed else domain.Origin.UNIT).value,
                }
                for i in sorted(ids, key=lambda i: name_key(members[i].name))
            ],
        },
        campaign_id=campaign.pk,
    )
    return made


def _lock(candidate_list: CandidateList) -> CandidateList:
    return (
        CandidateList.objects.select_for_update(of=("self",))
        .select_related("unit__organisation", "campaign__convening_organisation")
        .get(pk=candidate_list.pk)
    )


def _persons(candidate_list: CandidateList) -> list[Member]:
    return [e.member for e in candidate_list.entries.select_related("member")]


@writes_events(EventType.NOTICE_LIST_SUBMITTED)
def list_submit(
    *,
    actor: User,
    candidate_list: CandidateList,
    submitted_on: dt.date,
    method: str,
    principles: str,
) -> CandidateList:
    """报批: the unit reports its decided list to the convening committee with the report on
    the method and the principles (the registration forms, the register and the structure
    table are generated from the list)."""
    candidate_list = _lock(candidate_list)
    _require_operator(actor, candidate_list.unit)
    _fail(selectors.list_blockers(candidate_list))
    problems: list[str | sanity.Problem] = []
    problems += _text(method, field="method", what="产生方法", limit=4000)
    problems += _text(principles, field="principles", what="把握的原则", limit=4000)
    notice = selectors.second_notice(candidate_list)
    earliest = candidate_list.decided_on
    if notice is not None and notice.ends_on is not None:
        earliest = max(earliest, notice.ends_on + dt.timedelta(days=1))
    problems += _date(
        submitted_on,
        field="submitted_on",
        what="报批日期",
        earliest=earliest,
        since="可以报批的日期",
    )
    _fail(problems)
    domain.check_list_transition(candidate_list.status, domain.ListStatus.SUBMITTED)
    _bump(
        candidate_list,
        status=domain.ListStatus.SUBMITTED.value,
        submitted_on=submitted_on,
        method=method.strip(),
        principles=principles.strip(),
    )
    members = _persons(candidate_list)
    record(
        event_type=EventType.NOTICE_LIST_SUBMITTED,
        actor=actor,
        summary=f"{candidate_list.unit.organisation.name}将候选人预备人选 {len(members)} 名报"
        f"{candidate_list.campaign.convening_organisation.name}审批",
        subject_type=SUBJECT,
        subject_id=candidate_list.pk,
        accountable_organisation=candidate_list.unit.organisation,
        accountable_person=candidate_list.accountable_person,
        person_citizen_ids=[m.citizen_id for m in members],
        inputs={
            "list": candidate_list.pk,
            "submitted_on": submitted_on,
            "method": candidate_list.method,
            "principles": candidate_list.principles,
            "persons": [{"citizen_id": m.citizen_id, "name": m.name} for m in members],
        },
        campaign_id=candidate_list.campaign_id,
    )
    return candidate_list


@writes_events(EventType.NOTICE_LIST_APPROVED, EventType.NOTICE_LIST_RETURNED)
def list_review(
    *,
    actor: User,
    candidate_list: CandidateList,
    outcome: str,
    reviewed_on: dt.date,
    reason: str = "",
    person_reasons: Mapping[int, str] | None = None,
) -> CandidateList:
    """The convening committee approves the reported list, or returns it with its reasons —
    for the whole list, for named persons, or both. A returned list goes back to 二下: the
    unit decides again."""
    candidate_list = _lock(candidate_list)
    _require_convener(actor, candidate_list.campaign, "审批候选人预备人选")
    if candidate_list.status != domain.ListStatus.SUBMITTED:
        label = domain.LIST_STATUS_LABELS[domain.ListStatus(candidate_list.status)]
        _fail([f"预备人选名单当前为“{label}”，不能审批"])
    the_outcome = (
        domain.Outcome(outcome) if outcome in domain.Outcome.__members__.values() else None
    )
    per_person = {k: v.strip() for k, v in (person_reasons or {}).items() if v.strip()}
    entries = {e.member_id: e for e in candidate_list.entries.select_related("member")}
    problems: list[str | sanity.Problem] = []
    if the_outcome is None:
        problems.append(("outcome", "请选择审批意见"))
    elif the_outcome == domain.Outcome.RETURN and not reason.strip() and not per_person:
        problems.append(("reason", "退回须写明理由（整个名单或具体人选）"))
    elif the_outcome == domain.Outcome.APPROVE and per_person:
        problems.append(("reason", "批准名单时不填写对具体人选的退回意见"))
    if any(k not in entries for k in per_person):
        problems.append(("reason", "退回意见所指的人选不在名单中"))
    if len(reason.strip()) > 4000:
        problems.append(("reason", "审批意见过长（最多4000字）"))
    problems += _date(
        reviewed_on,
        field="reviewed_on",
        what="审批日期",
        earliest=candidate_list.submitted_on,
        since="报批的日期",
    )
    _fail(problems)
    assert the_outcome is not None  # noqa: S101 -- checked above
    target = (
        domain.ListStatus.APPROVED
        if the_outcome == domain.Outcome.APPROVE
        else domain.ListStatus.RETURNED
    )
    domain.check_list_transition(candidate_list.status, target)
    _bump(
        candidate_list,
        status=target.value,
        reviewed_on=reviewed_on,
        reviewed_by=actor,
        review_reason=reason.strip(),
    )
    for member_id, text in per_person.items():
        CandidateEntry.objects.filter(pk=entries[member_id].pk).update(return_reason=text)
    members = [e.member for e in entries.values()]
    approved = target == domain.ListStatus.APPROVED
    record(
        event_type=EventType.NOTICE_LIST_APPROVED if approved else EventType.NOTICE_LIST_RETURNED,
        actor=actor,
        summary=(
            f"{candidate_list.campaign.convening_organisation.name}"
            f"{'批准' if approved else '退回'}{candidate_list.unit.organisation.name}"
            f"的候选人预备人选名单（{len(members)} 名）"
        ),
        subject_type=SUBJECT,
        subject_id=candidate_list.pk,
        accountable_organisation=candidate_list.campaign.convening_organisation,
        accountable_person=_name(actor),
        person_citizen_ids=[m.citizen_id for m in members],
        inputs={
            "list": candidate_list.pk,
            "reviewed_on": reviewed_on,
            "outcome": the_outcome.value,
            "reason": reason.strip(),
            "persons": [
                {
                    "citizen_id": e.member.citizen_id,
                    "name": e.member.name,
                    "reason": per_person.get(mid, ""),
                }
                for mid, e in sorted(entries.items(), key=lambda kv: kv[1].position)
            ],
        },
        campaign_id=candidate_list.campaign_id,
    )
    return candidate_list


__all__ = ["list_decide", "list_review", "list_submit", "placement_add", "slate_suggest"]
