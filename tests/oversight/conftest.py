"""Oversight fixtures: the nomination world (persona tree, members, 一上 open) with deadlines."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.campaign.conftest import _fast, campaign, with_units  # noqa: F401 -- fixtures
from tests.nomination.conftest import People, people, round_, seated  # noqa: F401 -- fixtures
from tuixuan.campaign.models import Campaign, Milestone, Stage
from tuixuan.core import clock
from tuixuan.nomination.models import Round


def set_deadline(target: Campaign, stage: Stage, day: dt.date) -> Milestone:
    position = list(Stage).index(stage) + 1
    m, _created = Milestone.objects.update_or_create(
        campaign=target, stage=stage, defaults={"deadline": day, "position": position}
    )
    return m


@pytest.fixture
def late_round(round_: Round) -> Round:  # noqa: F811 -- fixture
    """一上 open with its deadline a week ago: every unit that has not finished is overdue."""
    set_deadline(round_.campaign, Stage.FIRST_UP, clock.today() - dt.timedelta(days=7))
    return round_
