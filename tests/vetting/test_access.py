"""Who sees which case, team, request and talk note; and the board's query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.conftest import Tree
from tests.factories import vetting as vf
from tests.vetting.conftest import DECIDED, TODAY, World
from tuixuan.core.models import Role, User
from tuixuan.vetting import access, selectors, services
from tuixuan.vetting.models import Case, Team


def test_roles_without_vetting_get_403_before_any_lookup(
    world: World, branch_operator: User, teller: User
) -> None:
    for user in (branch_operator, teller):
        with pytest.raises(PermissionDenied):
            access.get_case_for_user(user, 999_999)
        with pytest.raises(PermissionDenied):
            access.cases_in_scope(user)
        with pytest.raises(PermissionDenied):
            access.requests_in_scope(user)


def test_supervisors_read_but_never_write(world: World, supervisor: User) -> None:
    case = world.cases[0]
    assert access.get_case_for_user(supervisor, case.pk) == case
    with pytest.raises(PermissionDenied):
        access.get_case_for_user(supervisor, case.pk, write=True)


def test_scope_answers_404_like_a_missing_case(
    world: World, unit_operator: User, other_unit_operator: User, convener: User
) -> None:
    case = world.cases[0]
    assert access.get_case_for_user(unit_operator, case.pk, write=True) == case
    assert access.get_case_for_user(convener, case.pk, write=True) == case
    assert set(access.cases_in_scope(unit_operator)) == set(world.cases)
    assert list(access.cases_in_scope(other_unit_operator)) == []
    with pytest.raises(Http404):
        access.get_case_for_user(other_unit_operator, case.pk)
    with pytest.raises(Http404):
        access.get_case_for_user(other_unit_operator, 999_999)


def test_inspectors_see_only_the_cases_of_their_teams(
    world: World, team: Team, unit_operator: User, inspector: User, tree: Tree
) -> None:
    assert list(access.cases_in_scope(inspector)) == []
    services.cases_assign(actor=unit_operator, team=team, cases=world.cases[:2])
    assert set(access.cases_in_scope(inspector)) == set(world.cases[:2])
    with pytest.raises(Http404):
        access.get_case_for_user(inspector, world.cases[2].pk)
    other = factories.user(Role.INSPECTOR, tree.city, username="other_inspector")
    assert list(access.cases_in_scope(other)) == []
    assert list(access.teams_in_scope(other)) == []
    assert list(access.teams_in_scope(inspector)) == [team]


def test_talk_notes_are_for_the_team_and_supervisors(
    world: World,
    team: Team,
    unit_operator: User,
    inspector: User,
    supervisor: User,
    convener: User,
) -> None:
    services.cases_assign(actor=unit_operator, team=team, cases=world.cases[:1])
    vf.notice(unit_operator, team, world.cases[:1], day=DECIDED + dt.timedelta(days=1))
    case = Case.objects.get(pk=world.cases[0].pk)
    services.talk_note_add(
        actor=inspector,
        case=case,
        category="群众",
        talked_on=TODAY,
        interviewee="某群众",
        note="反映良好",
    )
    assert [n.note for n in access.talk_notes_for_user(inspector, case)] == ["反映良好"]
    assert [n.note for n in access.talk_notes_for_user(supervisor, case)] == ["反映良好"]
    assert access.can_read_talk_notes(unit_operator, case) is False
    assert access.can_read_talk_notes(convener, case) is False
    with pytest.raises(PermissionDenied):
        access.talk_notes_for_user(unit_operator, case)


def test_department_reviewers_never_see_cases(world: World, department_reviewer: User) -> None:
    with pytest.raises(PermissionDenied):
        access.cases_in_scope(department_reviewer)
    with pytest.raises(PermissionDenied):
        access.get_case_for_user(department_reviewer, world.cases[0].pk)


def test_the_board_costs_the_same_queries_for_more_cases(
    world: World, unit_operator: User, tree: Tree
) -> None:
    services.department_request_send(
        actor=unit_operator, unit=world.unit, department="纪检", cases=world.cases, sent_on=TODAY
    )
    with CaptureQueriesContext(connection) as small:
        rows = selectors.board_rows(access.cases_in_scope(unit_operator))
    assert len(rows) == 4
    assert rows[0].departments["纪检"] == "waiting"
    assert rows[0].days_left == 5
    assert rows[0].checks["党员档案"] == "missing"
    assert "纪检部门尚未回复" in rows[0].blockers
    # Ten more cases on another unit's list.
    unit_b = world.campaign.units.get(organisation=tree.unit_b)
    more = [factories.member(tree.branch_b1, f"丙{i}") for i in range(10)]
    vf.cases(
        unit_operator_b := factories.user(Role.UNIT_OPERATOR, tree.unit_b),
        unit_b,
        more,
        decided_on=DECIDED,
    )
    services.department_request_send(
        actor=unit_operator_b,
        unit=unit_b,
        department="纪检",
        cases=list(Case.objects.filter(unit=unit_b)),
        sent_on=TODAY,
    )
    with CaptureQueriesContext(connection) as large:
        rows = selectors.board_rows(Case.objects.all())
    assert len(rows) == 14
    assert len(large.captured_queries) == len(small.captured_queries)
