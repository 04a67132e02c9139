"""Handing the shortlist down to the branches for their 二上 view."""

from __future__ import annotations

from django.utils import timezone

from tuixuan.core.errors import ConcurrentChangeError
from tuixuan.core.models import User
from tuixuan.nomination import domain
from tuixuan.nomination.domain import NominationError
from tuixuan.nomination.models import ListKind, ListStatus, NominationList
from tuixuan.nomination.services._common import SUBJECT_LIST, _require_operator
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events


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
