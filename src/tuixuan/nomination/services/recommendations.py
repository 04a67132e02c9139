"""A level's own recommendation of a person, for which it answers."""

from __future__ import annotations

from tuixuan.core.models import Organisation, User
from tuixuan.nomination.models import OrgRecommendation, Round
from tuixuan.nomination.services._common import (
    SUBJECT_ROUND,
    _check_candidates,
    _fail,
    _require_open,
    _require_operator,
    _unit_and_level,
    _veto_errors,
)
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events
from tuixuan.registry.models import Member


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
