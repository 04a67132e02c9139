"""Bulk conveniences: 全部设为现场, own members first in the search, 二上 from Excel."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import Tree, login
from tests.nomination.conftest import People
from tuixuan.core.models import User
from tuixuan.nomination.models import Participation, ParticipationMode, Round
from tuixuan.registry.models import Member


def test_all_onsite_sets_every_member_then_the_few_are_changed(
    round_: Round, tree: Tree, people: People, branch_operator: User
) -> None:
    url = reverse("nomination:branch_participation", args=[round_.pk, tree.branch_a1.pk])
    members = list(Member.objects.filter(organisation=tree.branch_a1))
    client = login(branch_operator)
    response = client.post(url, {"all": "onsite", **{f"mode_{m.pk}": "" for m in members}})
    assert response.status_code == 302
    modes = dict(Participation.objects.values_list("member_id", "mode"))
    assert modes == {m.pk: ParticipationMode.ONSITE for m in members}
    few = {f"mode_{m.pk}": "onsite" for m in members} | {f"mode_{members[0].pk}": "phone"}
    client.post(url, few)
    modes = dict(Participation.objects.values_list("member_id", "mode"))
    assert modes[members[0].pk] == ParticipationMode.PHONE
    assert sum(1 for v in modes.values() if v == ParticipationMode.ONSITE) == len(members) - 1
    page = client.get(reverse("nomination:branch", args=[round_.pk, tree.branch_a1.pk]))
    assert "全部设为现场" in page.content.decode()


def test_the_name_search_puts_the_branchs_own_members_first(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    # 乙… (branch A2) sorts before 甲… (branch A1) by name; A1's own page lists A1 first.
    for m in (people.a1[0], people.a2[0]):
        m.name_initials = "zz"
        m.save()
    html = (
        login(branch_operator)
        .get(reverse("nomination:search", args=[round_.pk, tree.branch_a1.pk]), {"q": "zz"})
        .content.decode()
    )
    assert html.index(people.a1[0].name) < html.index(people.a2[0].name)
    html = (
        login(unit_operator)
        .get(reverse("nomination:search", args=[round_.pk, tree.branch_a2.pk]), {"q": "zz"})
        .content.decode()
    )
    assert html.index(people.a2[0].name) < html.index(people.a1[0].name)
