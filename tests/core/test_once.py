"""The one-time form key: two submissions of the same form at the same moment create one
object (PostgreSQL, where two writers really run at once)."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from tests.conftest import Tree
from tuixuan.campaign import services
from tuixuan.campaign.forms import CampaignCreateForm
from tuixuan.campaign.models import Campaign, Level
from tuixuan.core.forms import AlreadySubmittedError, once
from tuixuan.core.models import FormSubmission, Organisation, User

CLICKS = 4


def _form(tree: Tree, key: str) -> CampaignCreateForm:
    form = CampaignCreateForm(
        {
            "name": "市第五次党代会",
            "level": Level.CITY,
            "total_seats": "300",
            "convening_organisation": str(tree.city.pk),
            "once": key,
        },
        organisations=Organisation.objects.all(),
    )
    assert form.is_valid(), form.errors
    return form


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_of_one_form_create_one_campaign(
    tree: Tree, convener: User
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite admits one writer at a time by itself")
    barrier = threading.Barrier(CLICKS)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def click() -> None:
        try:
            form = _form(tree, "double-click")
            barrier.wait()
            try:
                with once(form, convener) as row:
                    made = services.campaign_create(
                        actor=convener,
                        name="市第五次党代会",
                        level=Level.CITY,
                        total_seats=300,
                        convening_organisation=tree.city,
                    )
                    row.result_url = f"/campaign/{made.pk}/"
                outcomes.append("created")
            except AlreadySubmittedError:
                outcomes.append("already")
        except BaseException as exc:  # handed to the main thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(CLICKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(outcomes) == ["already"] * (CLICKS - 1) + ["created"]
    assert Campaign.objects.count() == 1
    assert FormSubmission.objects.get(key="double-click").result_url.startswith("/campaign/")


def test_a_fresh_form_carries_a_fresh_key(tree: Tree) -> None:
    one = CampaignCreateForm(organisations=Organisation.objects.all())
    two = CampaignCreateForm(organisations=Organisation.objects.all())
    assert one["once"].value() != two["once"].value()
    assert len(str(one["once"].value())) >= 24
