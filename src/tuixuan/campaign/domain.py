"""The campaign's workflow: the allowed status transitions and the typed errors.

A campaign is set up while 筹备 (units, seats, targets, milestones); it is started once the
set-up is complete (the blockers are listed by ``selectors.start_blockers``) and completed
when the congress's credentials are confirmed. Nothing goes back: a campaign started by
mistake is completed with a recorded reason rather than rewound, so the record tells the truth.
"""

from __future__ import annotations

from tuixuan.campaign.models import CampaignStatus
from tuixuan.core.errors import InvalidTransitionError, ValidationFailedError

TRANSITIONS: dict[CampaignStatus, frozenset[CampaignStatus]] = {
    CampaignStatus.PREPARING: frozenset({CampaignStatus.RUNNING, CampaignStatus.WITHDRAWN}),
    CampaignStatus.RUNNING: frozenset({CampaignStatus.COMPLETED}),
    CampaignStatus.COMPLETED: frozenset(),
    CampaignStatus.WITHDRAWN: frozenset(),
}


class CampaignTransitionError(InvalidTransitionError):
    """The campaign cannot move from its status to the one asked for."""


class CampaignSetupError(ValidationFailedError):
    """The set-up input was refused; the message names the field and the reason."""


def check_transition(current: str, target: str) -> None:
    old, new = CampaignStatus(current), CampaignStatus(target)
    if new not in TRANSITIONS[old]:
        raise CampaignTransitionError(f"推选工作当前状态为“{old.label}”，不能变为“{new.label}”。")


def require_preparing(status: str, what: str) -> None:
    """Units, seats and targets are fixed once the campaign runs."""
    if status != CampaignStatus.PREPARING:
        raise CampaignTransitionError(
            f"推选工作已处于“{CampaignStatus(status).label}”状态，不能再{what}。"
        )


def require_open(status: str, what: str) -> None:
    """A completed campaign is closed; its settings and milestones stay as they were."""
    if status == CampaignStatus.COMPLETED:
        raise CampaignTransitionError(f"推选工作已完成，不能再{what}。")
    if status == CampaignStatus.WITHDRAWN:
        raise CampaignTransitionError(f"推选工作已撤销，不能再{what}。")
