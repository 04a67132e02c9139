"""Notice fixtures: unit A of the city campaign has 3 seats (a list of at least 4 at 20%), a
target of at least one woman in four, and six persons 列为初步人选 on 2026-11-10 — their
vetting is tested in tests/vetting, so the cases are moved to 列为初步人选 directly."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

import pytest

from tests import factories
from tests.campaign.conftest import _fast, campaign, with_units  # noqa: F401 -- reused fixtures
from tests.conftest import Tree
from tests.factories import vetting as vf
from tuixuan.campaign import services as campaign_services
from tuixuan.campaign.models import Campaign, ElectionUnit
from tuixuan.core.models import User
from tuixuan.notice import services
from tuixuan.notice.models import Notice
from tuixuan.registry.models import Gender, Member
from tuixuan.vetting.models import Case

TODAY = dt.date(2026, 12, 2)  # the suite's local date (tests/conftest.py)
DECIDED = dt.date(2026, 11, 2)
SELECTED_ON = dt.date(2026, 11, 10)
PUBLISHED = dt.date(2026, 11, 11)  # a Wednesday: five working days end on the 18th
NAMES = ("王芳", "丁一", "李四", "张三", "赵六", "刘五")


@dataclass
class World:
    campaign: Campaign
    unit: ElectionUnit
    members: list[Member]
    cases: list[Case]

    def member(self, name: str) -> Member:
        return next(m for m in self.members if m.name == name)


@pytest.fixture
def world(with_units: Campaign, tree: Tree, unit_operator: User, convener: User) -> World:  # noqa: F811
    unit = ElectionUnit.objects.get(campaign=with_units, organisation=tree.unit_a)
    ElectionUnit.objects.filter(pk=unit.pk).update(seats=3)
    unit.refresh_from_db()
    campaign_services.target_add(
        actor=convener,
        campaign=with_units,
        category="women",
        comparator=">=",
        threshold=Fraction(1, 4),
    )
    members = [
        factories.member(
            tree.branch_a1 if i < 4 else tree.branch_a2,
            name,
            gender=Gender.FEMALE if name == "王芳" else Gender.MALE,
            current_post=f"{name}的职务",
        )
        for i, name in enumerate(NAMES)
    ]
    cases = vf.cases(unit_operator, unit, members, decided_on=DECIDED)
    # Support: the votes on the 考察对象 list, 60, 50, 40, ... in the order above.
    for i, c in enumerate(cases):
        c.list_entry.votes = 60 - 10 * i
        c.list_entry.save()
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        status="selected", closed_on=SELECTED_ON
    )
    return World(with_units, unit, members, [Case.objects.get(pk=c.pk) for c in cases])


def prepare(world: World, actor: User, **kw: object) -> Notice:
    args: dict[str, object] = {
        "scope": "unit",
        "channels": ["公示栏", "内网"],
        "contact_phone": "0735-2223333",
        "contact_address": "东河镇人民路1号党委组织办",
    }
    args.update(kw)
    return services.notice_prepare(actor=actor, unit=world.unit, **args)  # type: ignore[arg-type]


@pytest.fixture
def published(world: World, unit_operator: User) -> Notice:
    notice = prepare(world, unit_operator)
    return services.notice_publish(actor=unit_operator, notice=notice, published_on=PUBLISHED)


@pytest.fixture
def closed(published: Notice, unit_operator: User) -> Notice:
    return services.notice_close(actor=unit_operator, notice=published)
