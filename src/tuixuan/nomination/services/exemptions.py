"""Decisions exempting a same-level 人大代表/政协委员 from 一般不交叉."""

from __future__ import annotations

import datetime as dt

from tuixuan.campaign.models import Campaign
from tuixuan.core import clock, sanity
from tuixuan.core.models import User
from tuixuan.nomination import eligibility, selectors
from tuixuan.nomination.domain import NominationError
from tuixuan.nomination.models import Exemption
from tuixuan.nomination.services._common import _fail, _require_operator
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events
from tuixuan.registry.models import Member


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
