"""Nomination data is read within the reader's subtree, whatever the role.

A township supervisor of the city campaign reads its own township's tallies, search and
documents only; an organisation outside the campaign's election units answers 404 like one
that does not exist; a sanction imported for another subtree flags nobody here.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories
from tests.conftest import Tree, login
from tests.nomination.conftest import People
from tests.nomination.test_views import _submit_a1
from tuixuan.core.models import Role, User
from tuixuan.nomination.models import Round
from tuixuan.record.models import Event
from tuixuan.registry.models import Sanction

pytestmark = pytest.mark.django_db


def _url(name: str, *args: object) -> str:
    return reverse(f"nomination:{name}", args=args)


@pytest.fixture
def township_supervisor(tree: Tree) -> User:
    return factories.user(Role.SUPERVISOR, tree.unit_b, username="unit_b_supervisor")


def test_a_township_supervisor_reads_only_its_own_township(
    round_: Round, tree: Tree, people: People, branch_operator: User, township_supervisor: User
) -> None:
    report = _submit_a1(round_, tree, people, branch_operator)
    client = login(township_supervisor)
    events = Event.objects.count()

    page = client.get(_url("round", round_.pk)).content.decode()
    assert "市直机关工委" in page and "东河镇党委" not in page
    for name, org in (
        ("level", tree.unit_a),
        ("level_xlsx", tree.unit_a),
        ("unit_docx", tree.unit_a),
        ("branch", tree.branch_a1),
        ("branch_pdf", tree.branch_a1),
        ("branch_template", tree.branch_a1),
    ):
        assert client.get(_url(name, round_.pk, org.pk)).status_code == 404, name
    search = client.get(_url("search", round_.pk, tree.branch_a1.pk), {"q": "受处分"})
    assert search.status_code == 404
    assert client.post(_url("report_correct", report.pk), {"reason": "x"}).status_code == 404
    # Its own township still opens.
    own = client.get(_url("level", round_.pk, tree.unit_b.pk))
    assert own.status_code == 200 and "受处分乙" not in own.content.decode()
    assert client.get(_url("level_xlsx", round_.pk, tree.unit_b.pk)).status_code == 200
    assert Event.objects.count() == events


def test_the_city_supervisor_still_reads_every_unit(
    round_: Round, tree: Tree, supervisor: User
) -> None:
    client = login(supervisor)
    page = client.get(_url("round", round_.pk)).content.decode()
    assert "市直机关工委" in page and "东河镇党委" in page
    assert client.get(_url("level", round_.pk, tree.unit_a.pk)).status_code == 200


def test_an_organisation_outside_the_campaign_answers_404(
    round_: Round, tree: Tree, convener: User
) -> None:
    outside = factories.organisation("市委直属党支部", parent=tree.city)
    client = login(convener)
    assert client.get(_url("branch_pdf", round_.pk, outside.pk)).status_code == 404
    assert client.get(_url("branch", round_.pk, outside.pk)).status_code == 404


def test_a_rollup_of_an_organisation_that_is_not_a_unit_answers_404(
    round_: Round, tree: Tree, convener: User
) -> None:
    """Was a 500: the roll-up raised its own error for the city, which is no election unit."""
    response = login(convener).get(_url("level_xlsx", round_.pk, tree.city.pk))
    assert response.status_code == 404


def test_a_sanction_imported_for_another_subtree_flags_nobody(
    round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    target = people.a1[1]
    Sanction.objects.create(
        scope=tree.unit_b.path,
        citizen_id=target.citizen_id,
        name=target.name,
        member=None,
        kind="留党察看一年",
        decided_on=dt.date(2026, 1, 1),
        effect_until=dt.date(2099, 1, 1),
    )
    html = (
        login(branch_operator)
        .get(_url("search", round_.pk, tree.branch_a1.pk), {"q": target.name})
        .content.decode()
    )
    assert target.name in html and "处分影响期" not in html
