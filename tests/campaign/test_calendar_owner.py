"""The working-day calendar serves the whole tree: only its top level changes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories
from tests.conftest import Tree, login
from tuixuan.campaign import services
from tuixuan.campaign.models import CalendarOverride
from tuixuan.core.errors import DomainError
from tuixuan.core.models import Role, User
from tuixuan.record.models import Event

pytestmark = pytest.mark.django_db

REFUSAL = "只有最上级召集机关的工作人员可以录入节假日安排。"


@pytest.fixture
def township_convener(tree: Tree) -> User:
    return factories.user(Role.CONVENER, tree.unit_a, username="unit_a_convener")


def test_a_township_convener_neither_adds_nor_removes_a_day(
    convener: User, township_convener: User
) -> None:
    row = services.calendar_override_set(
        actor=convener, date=dt.date(2027, 10, 1), is_working_day=False, name="国庆节"
    )
    events = Event.objects.count()
    client = login(township_convener)

    page = client.get(reverse("campaign:calendar"))
    assert page.status_code == 200 and "国庆节" in page.content.decode()
    added = client.post(
        reverse("campaign:calendar"),
        {"date": "2027-10-08", "is_working_day": "1", "name": "调休上班"},
    )
    removed = client.post(reverse("campaign:calendar_remove", args=[row.pk]))

    assert added.status_code == removed.status_code == 403
    assert REFUSAL in added.content.decode() and REFUSAL in removed.content.decode()
    assert list(CalendarOverride.objects.values_list("date", "name")) == [
        (dt.date(2027, 10, 1), "国庆节")
    ]
    assert Event.objects.count() == events
    with pytest.raises(DomainError, match=REFUSAL):
        services.calendar_override_remove(actor=township_convener, override=row)
    with pytest.raises(DomainError, match=REFUSAL):
        services.calendar_override_set(
            actor=township_convener, date=dt.date(2027, 10, 8), is_working_day=True, name="x"
        )
    assert CalendarOverride.objects.count() == 1
    assert Event.objects.count() == events


def test_the_top_level_convener_changes_it(convener: User) -> None:
    response = login(convener).post(
        reverse("campaign:calendar"),
        {"date": "2027-10-08", "is_working_day": "1", "name": "调休上班"},
    )
    assert response.status_code == 302
    assert CalendarOverride.objects.filter(date=dt.date(2027, 10, 8)).exists()
