"""Every change to a campaign's set-up, each with its record event in the same transaction.

Each service locks the campaign row first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
IMMEDIATE transactions admit one writer), re-reads its status from the locked row, validates,
and only then writes; a refused input raises before anything is written, so a bad input
changes nothing and writes no event.

One module per aggregate; the helpers they share are in ``_common``.
"""

from __future__ import annotations

from tuixuan.campaign.services.activities import activity_record
from tuixuan.campaign.services.calendar import calendar_override_remove, calendar_override_set
from tuixuan.campaign.services.campaigns import (
    campaign_change_settings,
    campaign_complete,
    campaign_create,
    campaign_start,
    campaign_withdraw,
)
from tuixuan.campaign.services.milestones import (
    milestone_complete,
    milestone_set,
    milestones_plan,
)
from tuixuan.campaign.services.seat_allocation import (
    allocation_adjust,
    allocation_confirm,
    allocation_propose,
    allocation_reopen,
)
from tuixuan.campaign.services.targets import target_add, target_remove
from tuixuan.campaign.services.units import unit_remove, unit_update, units_add

__all__ = [
    "activity_record",
    "allocation_adjust",
    "allocation_confirm",
    "allocation_propose",
    "allocation_reopen",
    "calendar_override_remove",
    "calendar_override_set",
    "campaign_change_settings",
    "campaign_complete",
    "campaign_create",
    "campaign_start",
    "campaign_withdraw",
    "milestone_complete",
    "milestone_set",
    "milestones_plan",
    "target_add",
    "target_remove",
    "unit_remove",
    "unit_update",
    "units_add",
]
