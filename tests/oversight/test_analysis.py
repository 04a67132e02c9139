"""Analysis: structure per stage against the targets, participation by unit, and the two
statistical tables as a page, Excel and Word."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from tests.conftest import Tree, login
from tests.nomination.conftest import People
from tests.nomination.test_views import _submit_a1
from tuixuan.campaign import services as campaign_services
from tuixuan.campaign.models import ElectionUnit
from tuixuan.campaign.rules.structure import Category
from tuixuan.core.models import User
from tuixuan.nomination.models import ListEntry, ListKind, NominationList, Round
from tuixuan.oversight import access, analysis, board

pytestmark = pytest.mark.django_db


def _shortlist(round_: Round, tree: Tree, people: People, user: User) -> None:
    unit = ElectionUnit.objects.get(campaign=round_.campaign, organisation=tree.unit_a)
    for kind, chosen in ((ListKind.POOL, people.a1[:4]), (ListKind.SHORTLIST, people.a1[:2])):
        nl = NominationList.objects.create(
            round=round_,
            organisation=tree.unit_a,
            unit=unit,
            kind=kind,
            decided_on=dt.date(2026, 11, 30),
            attendance_due=9,
            attendance_present=9,
            decision="集体研究",
            accountable_person="李书记",
            created_by=user,
        )
        for i, m in enumerate(chosen, start=1):
            ListEntry.objects.create(nomination_list=nl, candidate=m, position=i)


def test_structure_per_stage_and_the_tables(
    round_: Round,
    tree: Tree,
    people: People,
    convener: User,
    branch_operator: User,
    unit_operator: User,
) -> None:
    campaign = round_.campaign
    campaign_services.target_add(
        actor=convener,
        campaign=campaign,
        category="front_line",
        comparator=">=",
        threshold=Fraction(1, 3),
    )
    people.a1[1].gender = "F"
    people.a1[1].save()
    _submit_a1(round_, tree, people, branch_operator)
    _shortlist(round_, tree, people, unit_operator)
    units = list(access.board_units(convener, campaign))
    stages = analysis.structure_by_stage(campaign, units)
    by_label = {s.label: s for s in stages}
    assert by_label["推荐人选"].total == 4
    assert by_label["考察对象"].total == 2
    assert by_label["考察对象"].counts[Category.WOMEN] == 1
    assert not by_label["考察/审查"].provided
    assert by_label["当选代表"].total == 0
    targets = analysis.target_rows(stages)
    assert [r[1] for r in targets] == ["推荐人选", "考察对象"]
    assert all(r[4] == "达到" for r in targets)  # the factory's members are professionals

    b = board.build(campaign, units)
    rows = analysis.nomination_rows(b, campaign)
    a = next(r for r in rows if r[0] == "东河镇党委")
    assert a[1:] == [a[1], 2, 1, 12, 6, "50.0%", 4, 2]
    assert rows[-1][0] == "合计"
    composition = analysis.composition_rows(stages)
    assert composition[1][:2] == ["考察对象", 2]
    assert composition[2][1] == "尚未开展"

    client = login(convener)
    page = client.get(f"/oversight/campaign/{campaign.pk}/analysis/")
    assert page.status_code == 200 and "代表构成情况统计表" in page.content.decode()
    for fmt in ("xlsx", "docx"):
        f = client.get(f"/oversight/campaign/{campaign.pk}/analysis.{fmt}")
        assert f.status_code == 200 and f.content[:2] == b"PK"
    svg = client.get(f"/oversight/campaign/{campaign.pk}/analysis.svg")
    assert b"<svg" in svg.content
    assert client.get(f"/oversight/campaign/{campaign.pk}/analysis.exe").status_code == 404


def test_a_unit_sees_its_own_figures_only(
    round_: Round, tree: Tree, other_unit_operator: User
) -> None:
    campaign = round_.campaign
    b = board.build(campaign, access.board_units(other_unit_operator, campaign))
    names = [r[0] for r in analysis.nomination_rows(b, campaign)]
    assert names == ["市直机关工委", "合计"]
