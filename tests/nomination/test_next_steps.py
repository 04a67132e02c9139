"""Navigation that follows the work: each role's home links to the step that waits for it,
and the nomination pages end with a "下一步" box saying what comes next and who does it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import Tree, login
from tests.nomination.conftest import People
from tests.nomination.test_services import _a2_reported, _decide, _submitted_a1
from tuixuan.core import clock
from tuixuan.core.models import User
from tuixuan.nomination import services
from tuixuan.nomination.models import Round


def _home(user: User) -> str:
    return login(user).get(reverse("core:home")).content.decode()


def test_the_branch_is_led_from_first_up_to_second_up(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    branch_url = reverse("nomination:branch", args=[round_.pk, tree.branch_a1.pk])
    home = _home(branch_operator)
    assert "填报并报送一上推荐结果" in home and f'href="{branch_url}"' in home
    assert "报送二上意见" not in home

    _submitted_a1(round_, tree, people, branch_operator)
    home = _home(branch_operator)
    assert "填报并报送一上推荐结果" not in home
    assert "等待汇总一上推荐结果，集体研究确定考察对象并下发征求意见（二上）" in home
    assert "东河镇党委" in home  # who must act

    _a2_reported(round_, tree, people)  # a decision needs every branch reported
    sl = _decide(unit_operator, round_, tree.unit_a, [people.a1[0].pk, people.a2[0].pk])
    unit_home = _home(unit_operator)
    list_url = reverse("nomination:list", args=[sl.pk])
    assert "将考察对象名单下发各党支部征求意见（二上）" in unit_home
    assert f'href="{list_url}"' in unit_home

    services.shortlist_hand_down(actor=unit_operator, shortlist=sl)
    feedback_url = reverse("nomination:feedback", args=[sl.pk, tree.branch_a1.pk])
    home = _home(branch_operator)
    assert "报送二上意见（考察对象名单已下发）" in home
    assert f'href="{feedback_url}"' in home
    # The branch's own page ends with the same step.
    page = login(branch_operator).get(branch_url).content.decode()
    box = page[page.index('id="next-step"') :]
    assert "下一步" in box and f'href="{feedback_url}"' in box
    assert "由 " + tree.branch_a1.name + " 办理" in box
    assert "汇总各党支部二上意见" in _home(unit_operator)

    services.feedback_submit(
        actor=branch_operator,
        shortlist=sl,
        organisation=tree.branch_a1,
        meeting_date=clock.today(),  # on or after the hand-down
        members_due=7,
        members_present=6,
        accountable_person="王书记",
        views={people.a1[0].pk: (5, 1, 0), people.a2[0].pk: (4, 1, 1)},
    )
    home = _home(branch_operator)
    assert "报送二上意见（考察对象名单已下发）" not in home
    assert "等待汇总二上意见，确定候选人初步人选" in home


def test_the_unit_page_ends_with_its_next_step(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    _submitted_a1(round_, tree, people, branch_operator)
    page = (
        login(unit_operator)
        .get(reverse("nomination:level", args=[round_.pk, tree.unit_a.pk]))
        .content.decode()
    )
    box = page[page.index('id="next-step"') :]
    assert "汇总一上推荐结果，集体研究确定考察对象" in box
    assert "已报送 1 / 2 个党支部" in box


def test_the_home_page_reads_the_state_in_a_fixed_number_of_queries(
    round_: Round,
    tree: Tree,
    people: People,
    branch_operator: User,
    unit_operator: User,
    django_assert_max_num_queries: Any,
) -> None:
    _submitted_a1(round_, tree, people, branch_operator)
    _a2_reported(round_, tree, people)
    sl = _decide(unit_operator, round_, tree.unit_a, [people.a1[0].pk, people.a2[0].pk])
    services.shortlist_hand_down(actor=unit_operator, shortlist=sl)
    client = login(branch_operator)
    client.get(reverse("core:home"))
    with django_assert_max_num_queries(QUERIES_HOME):
        page = client.get(reverse("core:home"))
    assert "报送二上意见" in page.content.decode()


QUERIES_HOME = 14  # session, user, rounds, report, lists, 二上 answers, deadlines, campaign steps


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("unit_operator", "registry:members"),
        ("branch_operator", "registry:members"),
        ("convener", "core:login_log"),
        ("supervisor", "dossier:index"),
    ],
)
def test_the_registry_record_and_log_pages_end_with_the_next_step(
    request: pytest.FixtureRequest, tree: Tree, role: str, page: str
) -> None:
    user = request.getfixturevalue(role)
    html = login(user).get(reverse(page)).content.decode()
    assert 'id="next-step"' in html and "下一步" in html


def test_an_organisation_page_ends_with_the_next_step(tree: Tree, unit_operator: User) -> None:
    html = login(unit_operator).get(reverse("registry:org", args=[tree.unit_a.pk])).content
    assert 'id="next-step"' in html.decode()
