"""Vetting fixtures: the persona tree, a city campaign whose unit A has a 考察对象 list of four
(three in 东河村, one in 西岭村), decided a month before the suite's day, and cases opened."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from tests import factories
from tests.campaign.conftest import _fast, campaign, with_units  # noqa: F401 -- reused fixtures
from tests.conftest import Tree
from tests.factories import vetting as vf
from tuixuan.campaign.models import Campaign, ElectionUnit
from tuixuan.core.models import User
from tuixuan.registry.models import Member
from tuixuan.vetting import domain, services
from tuixuan.vetting.models import Case, DepartmentRequest, Team

TODAY = dt.date(2026, 12, 2)  # the suite's local date (tests/conftest.py)
DECIDED = dt.date(2026, 11, 2)


@dataclass
class World:
    campaign: Campaign
    unit: ElectionUnit
    members: list[Member]
    cases: list[Case]


@pytest.fixture
def world(with_units: Campaign, tree: Tree, unit_operator: User) -> World:  # noqa: F811
    unit = ElectionUnit.objects.get(campaign=with_units, organisation=tree.unit_a)
    members = [factories.member(tree.branch_a1, f"甲{i}") for i in range(3)]
    members.append(factories.member(tree.branch_a2, "乙0"))
    cases = vf.cases(unit_operator, unit, members, decided_on=DECIDED)
    return World(with_units, unit, members, cases)


@pytest.fixture
def team(world: World, unit_operator: User, inspector: User) -> Team:
    return vf.team(unit_operator, world.unit, inspector, formed_on=TODAY)


@pytest.fixture
def inspecting(world: World, team: Team, unit_operator: User) -> list[Case]:
    """All four cases given to the team and the notice issued."""
    services.cases_assign(actor=unit_operator, team=team, cases=world.cases)
    vf.notice(unit_operator, team, world.cases, day=DECIDED + dt.timedelta(days=3))
    return [Case.objects.get(pk=c.pk) for c in world.cases]


def counts(participants: int) -> dict[str, dict[str, int]]:
    return {
        d: {"优秀": participants - 2, "称职": 2, "基本称职": 0, "不称职": 0}
        for d in domain.EVALUATION_DIMENSIONS
    }


def inspect(case: Case, inspector: User, *, opinion: str = domain.Opinion.AGREE) -> None:
    """Talks, evaluation, report, signature: the case goes to 待研究."""
    services.talks_record(
        actor=inspector, case=case, counts={"领导班子成员": 3, "党员": 8, "群众": 4}
    )
    services.evaluation_enter(
        actor=inspector, case=case, held_on=TODAY, due=40, participants=38, counts=counts(38)
    )
    services.report_write(
        actor=inspector,
        case=case,
        material="政治立场坚定，工作实绩突出。",
        opinion=opinion,
        reasons="" if opinion == domain.Opinion.AGREE else "群众公认度不高",
    )
    services.report_sign(actor=inspector, case=case, signed_on=TODAY)


def check_all(case: Case, actor: User) -> None:
    for item in domain.CHECK_ITEMS:
        services.check_record(
            actor=actor,
            case=case,
            item=item,
            checked_on=TODAY,
            checked_by="孙组织员",
            finding=domain.Finding.CLEAR,
        )


def send_all(
    world: World, actor: User, cases: list[Case], sent_on: dt.date = TODAY
) -> list[DepartmentRequest]:
    return [
        services.department_request_send(
            actor=actor, unit=world.unit, department=d, cases=cases, sent_on=sent_on
        )
        for d in domain.DEFAULT_DEPARTMENTS
    ]


def answer_all(requests: list[DepartmentRequest], actor: User, cases: list[Case]) -> None:
    for r in requests:
        for c in cases:
            services.department_reply(
                actor=actor,
                request=r,
                case=c,
                outcome=domain.Reply.CLEAR,
                replied_on=TODAY,
                reviewer="周审查",
            )


def ready(world: World, case: Case, inspector: User, unit_operator: User) -> None:
    """Everything done for one case: it is 待研究 without blockers."""
    inspect(case, inspector)
    check_all(case, unit_operator)
    answer_all(send_all(world, unit_operator, [case]), unit_operator, [case])
