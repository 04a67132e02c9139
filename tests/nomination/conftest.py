"""Nomination fixtures: the persona tree with members, a campaign with seats, 一上 open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from tests import factories
from tests.campaign.conftest import _fast, campaign, with_units  # noqa: F401 -- reused fixtures
from tests.conftest import Tree
from tuixuan.campaign import services as campaign_services
from tuixuan.campaign.models import Campaign, ElectionUnit, Milestone, Stage
from tuixuan.core.models import Organisation, User
from tuixuan.nomination import selectors, services
from tuixuan.nomination.models import ParticipationMode, Round
from tuixuan.registry.models import Member, MemberType, Sanction


@dataclass
class People:
    a1: list[Member]
    a2: list[Member]
    b1: list[Member]
    probationary: Member
    sanctioned: Member


@pytest.fixture
def seated(with_units: Campaign, convener: User) -> Campaign:  # noqa: F811 -- fixture reuse
    campaign_services.allocation_propose(actor=convener, campaign=with_units)
    campaign_services.allocation_confirm(actor=convener, campaign=with_units)
    with_units.refresh_from_db()
    return with_units


@pytest.fixture
def people(tree: Tree) -> People:
    a1 = [factories.member(tree.branch_a1, f"甲{i}") for i in range(6)]
    a2 = [factories.member(tree.branch_a2, f"乙{i}") for i in range(4)]
    b1 = [factories.member(tree.branch_b1, f"丙{i}") for i in range(3)]
    prob = factories.member(tree.branch_a1, "预备甲", member_type=MemberType.PROBATIONARY)
    sanctioned = factories.member(tree.branch_a2, "受处分乙")
    Sanction.objects.create(
        citizen_id=sanctioned.citizen_id,
        name=sanctioned.name,
        member=sanctioned,
        kind="党内警告",
        decided_on=dt.date(2025, 1, 1),
        effect_until=dt.date(2099, 1, 1),
    )
    return People(a1, a2, b1, prob, sanctioned)


@pytest.fixture
def round_(seated: Campaign, convener: User, people: People) -> Round:
    return services.round_open(actor=convener, campaign=seated)


def unit_a(target: Campaign, tree: Tree) -> ElectionUnit:
    return ElectionUnit.objects.get(campaign=target, organisation=tree.unit_a)


def set_deadline(target: Campaign, day: dt.date) -> None:
    Milestone.objects.update_or_create(
        campaign=target, stage=Stage.FIRST_UP, defaults={"deadline": day, "position": 1}
    )


def meeting(actor: User, round: Round, org: object, **extra: object) -> None:
    """The branch meeting: due = the branch's members who may attend, present = up to 6 of
    them, and those present recorded as taking part on site (a report needs both)."""
    assert isinstance(org, Organisation)
    attending = list(selectors.eligible_members(org.path).filter(organisation=org).order_by("pk"))
    fields: dict[str, object] = {
        "meeting_date": timezone.localdate(),
        "meeting_place": "村部会议室",
        "presider": "王书记",
        "members_due": len(attending),
        "members_present": min(6, len(attending)),
        "accountable_person": "王书记",
    }
    fields.update(extra)
    services.report_update(actor=actor, round=round, organisation=org, **fields)  # type: ignore[arg-type]
    present = int(fields["members_present"])  # type: ignore[call-overload]
    services.participation_set(
        actor=actor,
        round=round,
        organisation=org,
        modes={m.pk: ParticipationMode.ONSITE for m in attending[:present]},
    )
