"""Vetoes lifted, eligibility re-checked, overlap exemptions, and the 初步人选 decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.utils import timezone

from tuixuan.campaign.models import ElectionUnit
from tuixuan.core import clock, sanity
from tuixuan.core.models import User
from tuixuan.nomination import eligibility
from tuixuan.nomination import selectors as nomination_selectors
from tuixuan.nomination.models import Exemption
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events
from tuixuan.vetting import domain, selectors
from tuixuan.vetting.domain import VettingError
from tuixuan.vetting.models import Case, Decision, DecisionVote, Veto, VetoSource
from tuixuan.vetting.services._common import (
    _apply_veto,
    _bump,
    _date_problems,
    _earliest,
    _fail,
    _lock_case,
    _record_case,
    _require_open,
    _require_operator,
    _settings,
    _text,
)

# What a finding of the registry or the outside lists means among the six (docs/domain.md §5.2).
REGISTRY_VETO_REASONS: dict[eligibility.Code, str] = {
    eligibility.Code.SANCTION: "目前还在处分影响期内",
    eligibility.Code.INVESTIGATION: "举报反映问题没有查清",
    eligibility.Code.LOST_CONTACT: "党员身份存疑",
}


@writes_events(EventType.VETTING_VETO_LIFTED)
def veto_lift(
    *,
    actor: User,
    veto: Veto,
    decided_on: dt.date,
    attendance_due: int,
    attendance_present: int,
    reason: str,
    accountable_person: str,
) -> Veto:
    """Lift a veto by the unit committee's collective decision, with its reason."""
    veto = Veto.objects.select_for_update(of=("self",)).get(pk=veto.pk)
    case = _lock_case(veto.case)
    _require_operator(actor, case.unit)
    if veto.lifted_on is not None:
        raise domain.VettingTransitionError("该一票否决已经解除。")
    _require_open(case, "解除一票否决")
    problems: list[str | sanity.Problem] = list(
        domain.decision_problems(
            decided_on=decided_on,
            today=clock.today(),
            stage_start=_earliest(case),
            due=attendance_due,
            present=attendance_present,
            votes={},
        )
    )
    problems += _text(reason, field="reason", what="解除理由", limit=2000)
    problems += _text(accountable_person, field="accountable_person", what="责任人", limit=64)
    _fail(problems)
    veto.lifted_on = decided_on
    veto.lift_reason = reason.strip()
    veto.lift_due = attendance_due
    veto.lift_present = attendance_present
    veto.lift_accountable = accountable_person.strip()
    veto.lifted_by = actor
    veto.save()
    _bump(case)
    _record_case(
        event_type=EventType.VETTING_VETO_LIFTED,
        actor=actor,
        case=case,
        summary=f"{case.unit.organisation.name}集体研究解除{case.member.name}的一票否决（{veto.reason}）",
        inputs={
            "veto": veto.pk,
            "reason_vetoed": veto.reason,
            "source_label": veto.source_label,
            "finding": veto.finding,
            "decided_on": decided_on,
            "attendance_due": attendance_due,
            "attendance_present": attendance_present,
            "lift_reason": veto.lift_reason,
        },
        accountable_person=veto.lift_accountable,
    )
    return veto


@writes_events(EventType.VETTING_VETO_APPLIED, EventType.VETTING_ELIGIBILITY_FLAGGED, may_skip=True)
def eligibility_recheck(
    *, actor: User | None, citizen_ids: Sequence[str], source: str
) -> list[Case]:
    """Re-check the open cases of these persons against the registry and outside lists
    (called when they change). A sanction, open investigation or loss of contact found now
    puts a veto on the case, naming the list it came from; other findings (rights suspended,
    now probationary, moved out of the unit) flag the case; a flag no longer found is
    cleared. Changes nothing — and writes nothing — when nothing is new."""
    cases = list(
        Case.objects.filter(
            member__citizen_id__in=list(citizen_ids),
            status__in=[s.value for s in domain.OPEN],
        ).select_related("member__organisation", "campaign", "unit__organisation")
    )
    changed: list[Case] = []
    for case in cases:
        case = _lock_case(case)
        found = nomination_selectors.findings_for(case.campaign, [case.member], unit=case.unit)[
            case.member_id
        ]
        existing = set(
            Veto.objects.filter(case=case, source=VetoSource.REGISTRY).values_list(
                "finding", flat=True
            )
        )
        touched = False
        flags: list[str] = []
        for f in found:
            reason = REGISTRY_VETO_REASONS.get(f.code)
            if reason is not None:
                if f.reason not in existing:
                    _apply_veto(
                        actor=actor,
                        case=case,
                        reason=reason,
                        source=VetoSource.REGISTRY,
                        source_label=source[:128],
                        finding=f.reason,
                        accountable_person="",
                    )
                    touched = True
            elif f.is_veto:
                flags.append(f.reason)
        flag = "；".join(flags)
        if flag != case.flag:
            _bump(case, flag=flag, flagged_at=timezone.now() if flag else None)
            _record_case(
                event_type=EventType.VETTING_ELIGIBILITY_FLAGGED,
                actor=actor,
                case=case,
                summary=(
                    f"资格复核：{case.member.name}{flag}（{source}）"
                    if flag
                    else f"资格复核：{case.member.name}此前的问题已不存在（{source}）"
                ),
                inputs={"flag": flag, "source": source},
                accountable_person="",
            )
            touched = True
        if touched:
            changed.append(case)
    return changed


@writes_events(EventType.VETTING_EXEMPTION_DECIDED)
def exemption_decide(
    *,
    actor: User,
    case: Case,
    decided_on: dt.date,
    decision: str,
    accountable_person: str,
) -> Exemption:
    """The unit's recorded decision that a same-level 人大代表/政协委员 on its list may go on
    (一般不交叉, docs/domain.md §5.3); the same ``Exemption`` the nomination reads, so one
    decision holds for the whole campaign."""
    case = _lock_case(case)
    _require_operator(actor, case.unit)
    _require_open(case, "作出豁免决定")
    problems: list[str | sanity.Problem] = []
    problems += _date_problems(decided_on, field="decided_on", what="决定日期", case=case)
    problems += _text(decision, field="decision", what="决定内容", limit=2000)
    problems += _text(accountable_person, field="accountable_person", what="责任人", limit=64)
    if Exemption.objects.filter(campaign=case.campaign, candidate=case.member).exists():
        problems.append(f"“{case.member.name}”已有豁免决定")
    _fail(problems)
    overlap = [
        f
        for f in nomination_selectors.findings_for(case.campaign, [case.member], unit=case.unit)[
            case.member_id
        ]
        if f.code == eligibility.Code.OVERLAP
    ]
    if not overlap:
        raise VettingError(f"“{case.member.name}”不是同级人大代表或政协委员，无需豁免。")
    if any(f.is_veto for f in overlap):
        raise VettingError("本次推选不允许交叉，不能豁免。")
    ex = Exemption.objects.create(
        campaign=case.campaign,
        candidate=case.member,
        decided_on=decided_on,
        decision=decision.strip(),
        accountable_person=accountable_person.strip(),
        created_by=actor,
    )
    _bump(case)
    _record_case(
        event_type=EventType.VETTING_EXEMPTION_DECIDED,
        actor=actor,
        case=case,
        summary=f"{case.unit.organisation.name}决定{case.member.name}可不受“一般不交叉”限制",
        inputs={
            "exemption": ex.pk,
            "decided_on": decided_on,
            "decision": ex.decision,
            "warning": [f.reason for f in overlap],
        },
        accountable_person=ex.accountable_person,
    )
    return ex


@writes_events(EventType.VETTING_CANDIDATES_DECIDED)
def candidates_decide(
    *,
    actor: User,
    unit: ElectionUnit,
    decided_on: dt.date,
    attendance_due: int,
    attendance_present: int,
    decision: str,
    accountable_person: str,
    votes: Mapping[int, int],
) -> Decision:
    """The unit committee fixes the 初步人选 by a collective decision: only cases 待研究 and
    without any blocker; each name's votes (in favour) no more than those present. A name
    agreed by more than half of those present is 列为初步人选; one that is not is 不予考虑
    ("集体研究未列为初步人选")."""
    _require_operator(actor, unit)
    settings = _settings(unit.campaign)
    if not votes:
        _fail([("votes", "请填写每名考察对象的同意票数")])
    cases = [_lock_case(c) for c in Case.objects.filter(pk__in=list(votes)).order_by("pk")]
    problems: list[str | sanity.Problem] = []
    if len(cases) != len(votes):
        problems.append(("votes", "有考察对象不存在"))
    for case in cases:
        if case.unit_id != unit.pk:
            problems.append(f"“{case.member.name}”不属于{unit.organisation.name}")
        elif case.status != domain.Status.TO_DECIDE:
            label = domain.STATUS_LABELS[domain.Status(case.status)]
            problems.append(f"“{case.member.name}”当前为“{label}”，不能研究确定初步人选")
    _fail(problems)
    facts = selectors.facts_for(cases)
    for case in cases:
        blocking = domain.blockers(facts[case.pk])
        if blocking:
            problems.append(f"“{case.member.name}”尚不能研究：" + "；".join(blocking))
    earliest = max(settings.started_on, min(_earliest(c) for c in cases))
    problems += domain.decision_problems(
        decided_on=decided_on,
        today=clock.today(),
        stage_start=earliest,
        due=attendance_due,
        present=attendance_present,
        votes={c.member.name: votes[c.pk] for c in cases},
    )
    problems += _text(decision, field="decision", what="研究决定", limit=4000)
    problems += _text(accountable_person, field="accountable_person", what="责任人", limit=64)
    _fail(problems)
    made = Decision.objects.create(
        campaign=unit.campaign,
        unit=unit,
        decided_on=decided_on,
        attendance_due=attendance_due,
        attendance_present=attendance_present,
        decision=decision.strip(),
        accountable_person=accountable_person.strip(),
        created_by=actor,
    )
    DecisionVote.objects.bulk_create(
        DecisionVote(decision=made, case=c, votes=votes[c.pk]) for c in cases
    )
    outcome = []
    for case in cases:
        if domain.passes(votes[case.pk], attendance_present):
            domain.check_transition(case.status, domain.Status.SELECTED)
            _bump(case, status=domain.Status.SELECTED.value, closed_on=decided_on)
        else:
            domain.check_transition(case.status, domain.Status.NOT_CONSIDERED)
            _bump(
                case,
                status=domain.Status.NOT_CONSIDERED.value,
                closed_on=decided_on,
                close_reason="集体研究未列为初步人选",
            )
        outcome.append(
            {
                "citizen_id": case.member.citizen_id,
                "name": case.member.name,
                "votes": votes[case.pk],
                "selected": case.status == domain.Status.SELECTED,
            }
        )
    chosen = [o["name"] for o in outcome if o["selected"]]
    record(
        event_type=EventType.VETTING_CANDIDATES_DECIDED,
        actor=actor,
        summary=(
            f"{unit.organisation.name}集体研究确定初步人选 {len(chosen)} 名"
            + (f"：{'、'.join(str(n) for n in chosen)}" if chosen else "")
        ),
        subject_type="vetting.decision",
        subject_id=made.pk,
        organisation=actor.organisation,
        accountable_organisation=unit.organisation,
        accountable_person=made.accountable_person,
        person_citizen_ids=[c.member.citizen_id for c in cases],
        inputs={
            "decided_on": decided_on,
            "attendance_due": attendance_due,
            "attendance_present": attendance_present,
            "decision": made.decision,
            "votes": outcome,
        },
        campaign_id=unit.campaign_id,
    )
    return made


__all__ = [
    "REGISTRY_VETO_REASONS",
    "candidates_decide",
    "eligibility_recheck",
    "exemption_decide",
    "veto_lift",
]
