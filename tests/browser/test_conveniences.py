"""In headless Chromium: the sign-in counter stays in view while the list scrolls, and
全部设为现场 sets every participation choice on the page before the few are changed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_election_entry import login
from tests.campaign.conftest import _fast, campaign, with_units  # noqa: F401 -- fixtures
from tests.conftest import Tree
from tests.election.meeting_setup import fast_hashing, prepared
from tests.nomination.conftest import People, meeting, people, round_, seated  # noqa: F401
from tuixuan.core.models import User
from tuixuan.election import services as election_services
from tuixuan.nomination import services as nomination_services
from tuixuan.nomination.models import Participation, ParticipationMode, Round
from tuixuan.registry.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["fast_hashing"]


def test_the_sign_in_counter_stays_in_view(
    page: Any, live_server: Any, tree: Tree, unit_operator: User
) -> None:
    m = prepared(tree, unit_operator, voters=80)
    election_services.election_open(actor=unit_operator, election=m.election)
    login(page, live_server.url, unit_operator.username)
    page.goto(f"{live_server.url}/election/{m.election.pk}/signin/")
    page.mouse.wheel(0, 4000)
    page.wait_for_function("() => window.scrollY > 1000")
    box = page.locator("#attendance").bounding_box()
    assert box is not None and 0 <= box["y"] < 60, box
    assert "应到会" in page.locator("#attendance").inner_text()


def test_all_onsite_then_change_the_few(
    page: Any,
    live_server: Any,
    tree: Tree,
    people: People,  # noqa: F811
    round_: Round,  # noqa: F811
    branch_operator: User,
) -> None:
    meeting(branch_operator, round_, tree.branch_a1)
    members = list(Member.objects.filter(organisation=tree.branch_a1).order_by("pk"))
    # The meeting helper records those present; start from a page where nobody is recorded.
    nomination_services.participation_set(
        actor=branch_operator,
        round=round_,
        organisation=tree.branch_a1,
        modes={m.pk: "" for m in members},
    )
    login(page, live_server.url, branch_operator.username)
    page.goto(f"{live_server.url}/nomination/round/{round_.pk}/branch/{tree.branch_a1.pk}/")
    page.click("text=全部设为现场")
    assert not Participation.objects.exists()  # set on the page, not saved yet
    page.select_option(f"select[name=mode_{members[0].pk}]", "phone")
    page.click("text=保存参与情况")
    page.wait_for_selector("text=参与情况已保存")
    modes = dict(Participation.objects.values_list("member_id", "mode"))
    assert modes[members[0].pk] == ParticipationMode.PHONE
    assert [modes[m.pk] for m in members[1:]] == [ParticipationMode.ONSITE] * (len(members) - 1)
