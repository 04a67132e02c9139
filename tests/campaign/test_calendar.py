"""Working days as the campaign sees them: the package's calendar plus entered overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.record import assert_events
from tuixuan.campaign import selectors, services
from tuixuan.campaign.models import Campaign, Stage
from tuixuan.core.errors import DomainError
from tuixuan.core.models import User
from tuixuan.core.workdays import UnknownYearError
from tuixuan.record.events import EventType

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 9, 30), True),
        (D(2026, 10, 1), False),
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # Saturday, make-up working day
        (D(2026, 10, 11), False),
        (D(2026, 9, 20), True),  # Sunday, make-up working day
    ],
)
def test_national_day_2026_and_its_make_up_days(day: dt.date, working: bool) -> None:
    assert selectors.working_calendar().is_working_day(day) is working


def test_five_working_days_after_national_day_eve() -> None:
    calendar = selectors.working_calendar()
    assert calendar.add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 13)


def test_a_year_not_entered_is_refused_not_guessed(campaign: Campaign, convener: User) -> None:
    with pytest.raises(UnknownYearError, match="2027 年的节假日安排尚未录入"):
        services.milestone_set(
            actor=convener, campaign=campaign, stage=Stage.DEPLOYMENT, deadline=D(2027, 3, 1)
        )
    assert not campaign.milestones.exists()


def test_entered_overrides_decide_2027(campaign: Campaign, convener: User) -> None:
    with assert_events([EventType.CALENDAR_OVERRIDE_SET, EventType.CALENDAR_OVERRIDE_SET]):
        services.calendar_override_set(
            actor=convener, date=D(2027, 10, 1), is_working_day=False, name="国庆节"
        )
        services.calendar_override_set(
            actor=convener, date=D(2027, 9, 26), is_working_day=True, name="国庆节调休上班"
        )
    calendar = selectors.working_calendar()
    assert not calendar.is_working_day(D(2027, 10, 1))  # a Friday made a holiday
    assert calendar.is_working_day(D(2027, 9, 26))  # a Sunday made a working day
    assert calendar.is_working_day(D(2027, 10, 4))  # plain Monday
    with pytest.raises(DomainError, match="2027-10-01（国庆节）不是工作日"):
        services.milestone_set(
            actor=convener, campaign=campaign, stage=Stage.DEPLOYMENT, deadline=D(2027, 10, 1)
        )
    with assert_events([EventType.MILESTONE_CHANGED]):
        services.milestone_set(
            actor=convener, campaign=campaign, stage=Stage.DEPLOYMENT, deadline=D(2027, 9, 26)
        )


def test_changing_and_removing_an_override_is_recorded(convener: User) -> None:
    row = services.calendar_override_set(
        actor=convener, date=D(2027, 1, 1), is_working_day=False, name="元旦"
    )
    with assert_events([]):
        services.calendar_override_set(
            actor=convener, date=D(2027, 1, 1), is_working_day=False, name="元旦"
        )
    with assert_events([EventType.CALENDAR_OVERRIDE_SET]) as events:
        services.calendar_override_set(
            actor=convener, date=D(2027, 1, 1), is_working_day=False, name="元旦节"
        )
    assert events[0].inputs["old"] == {"is_working_day": False, "name": "元旦"}
    row.refresh_from_db()
    with assert_events([EventType.CALENDAR_OVERRIDE_REMOVED]):
        services.calendar_override_remove(actor=convener, override=row)


def test_an_override_needs_a_name_and_a_convener(convener: User, unit_operator: User) -> None:
    with assert_events([]), pytest.raises(DomainError, match="须填写名称"):
        services.calendar_override_set(
            actor=convener, date=D(2027, 1, 1), is_working_day=False, name=" "
        )
    with pytest.raises(DomainError, match="召集机关"):
        services.calendar_override_set(
            actor=unit_operator, date=D(2027, 1, 1), is_working_day=False, name="元旦"
        )
