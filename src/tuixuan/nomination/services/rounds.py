"""Opening 一上 for a campaign."""

from __future__ import annotations

from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import Campaign, CampaignStatus
from tuixuan.core.access import in_scope
from tuixuan.core.errors import PermissionDeniedError
from tuixuan.core.models import Role, User
from tuixuan.nomination import selectors
from tuixuan.nomination.models import Round
from tuixuan.nomination.services._common import SUBJECT_ROUND, _fail
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events


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
    # the activities the campaign requires before 一上 (docs/domain.md §3.1)
    errors += campaign_selectors.activity_blockers(campaign)
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
