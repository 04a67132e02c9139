from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tests import factories
from tests.conftest import Tree
from tuixuan.core.models import Organisation, Role, User
from tuixuan.dossier.selectors import (
    accountability_for_person,
    can_view_event,
    events_for_organisation,
    events_for_person,
    events_visible_to,
)
from tuixuan.record.events import Accountability, EventType
from tuixuan.record.models import Event
from tuixuan.record.services import record


def step(
    actor: User | None,
    *,
    organisation: Organisation | None = None,
    accountable: Organisation | None = None,
    persons: list[str] | None = None,
    summary: str = "步骤",
) -> Event:
    return record(
        event_type=EventType.MEMBER_CHANGED,
        actor=actor,
        summary=summary,
        subject_type="member",
        subject_id=1,
        organisation=organisation,
        accountable_organisation=accountable,
        accountable_person="负责人" if accountable else "",
        person_citizen_ids=persons,
    )


@pytest.fixture
def steps(
    tree: Tree,
    unit_operator: User,
    other_unit_operator: User,
    branch_operator: User,
    department_reviewer: User,
    inspector: User,
) -> dict[str, Event]:
    other_reviewer = factories.user(
        Role.DEPARTMENT_REVIEWER, tree.city, username="reviewer2", department="纪检监察"
    )
    foreign_reviewer = factories.user(
        Role.DEPARTMENT_REVIEWER, tree.city, username="reviewer3", department="组织部"
    )
    return {
        "unit_a": step(unit_operator),
        "unit_b": step(other_unit_operator),
        "branch_a1": step(branch_operator),
        "accountable_a2": step(None, organisation=tree.city, accountable=tree.branch_a2),
        "review": step(department_reviewer),
        "same_department": step(other_reviewer),
        "other_department": step(foreign_reviewer),
        "inspection": step(inspector, organisation=tree.city),
        "system": step(None),
    }


def visible(user: User, steps: dict[str, Event]) -> set[str]:
    ids = set(events_visible_to(user).values_list("pk", flat=True))
    return {name for name, event in steps.items() if event.pk in ids}


def test_supervisor_and_convener_at_the_top_see_every_book(
    steps: dict[str, Event], supervisor: User, convener: User
) -> None:
    assert visible(supervisor, steps) == set(steps)
    assert visible(convener, steps) == set(steps)


def test_a_convener_lower_in_the_tree_sees_only_its_subtree(
    tree: Tree, steps: dict[str, Event]
) -> None:
    county_convener = factories.user(Role.CONVENER, tree.unit_a)
    assert visible(county_convener, steps) == {"unit_a", "branch_a1", "accountable_a2"}


def test_unit_operator_sees_its_unit_and_not_the_other_unit(
    steps: dict[str, Event], unit_operator: User, other_unit_operator: User
) -> None:
    assert visible(unit_operator, steps) == {"unit_a", "branch_a1", "accountable_a2"}
    assert visible(other_unit_operator, steps) == {"unit_b"}
    assert not can_view_event(unit_operator, steps["unit_b"])


def test_department_reviewer_sees_what_its_department_reviewed(
    steps: dict[str, Event], department_reviewer: User
) -> None:
    assert visible(department_reviewer, steps) == {"review", "same_department"}


@pytest.mark.parametrize("persona", ["branch_operator", "inspector", "teller"])
def test_others_see_only_their_own_steps(
    steps: dict[str, Event], persona: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(persona)
    own = {"branch_operator": {"branch_a1"}, "inspector": {"inspection"}, "teller": set()}
    assert visible(user, steps) == own[persona]


def test_anonymous_and_inactive_users_see_nothing(
    steps: dict[str, Event], supervisor: User
) -> None:
    assert not events_visible_to(AnonymousUser()).exists()
    supervisor.is_active = False
    assert not events_visible_to(supervisor).exists()


def test_a_persons_book_holds_their_steps_in_order(tree: Tree, unit_operator: User) -> None:
    member = factories.member(tree.branch_a1)
    other = factories.member(tree.branch_a1)
    first = step(unit_operator, persons=[member.citizen_id], summary="推荐")
    step(unit_operator, persons=[other.citizen_id])
    second = step(
        None,
        organisation=tree.city,
        accountable=tree.unit_a,
        persons=[member.citizen_id, other.citizen_id],
        summary="考察",
    )
    assert list(events_for_person(member.citizen_id.lower())) == [first, second]


def test_an_organisations_account_holds_what_it_did_or_answers_for(
    tree: Tree, unit_operator: User, other_unit_operator: User
) -> None:
    acted = step(unit_operator)
    answered = step(None, organisation=tree.city, accountable=tree.unit_a)
    below = step(None, organisation=tree.city, accountable=tree.branch_a1)
    step(other_unit_operator)
    assert list(events_for_organisation(tree.unit_a)) == [acted, answered]
    assert list(events_for_organisation(tree.unit_a, subtree=True)) == [acted, answered, below]


def test_the_accountability_chain_names_who_answers_for_each_step(
    tree: Tree, unit_operator: User, other_unit_operator: User
) -> None:
    member = factories.member(tree.branch_a1)
    step(unit_operator, accountable=tree.branch_a1, persons=[member.citizen_id], summary="推荐")
    step(other_unit_operator, persons=[member.citizen_id], summary="别处")
    chain = accountability_for_person(member.citizen_id)
    assert [(s.summary, s.accountable_organisation, s.accountable_person) for s in chain] == [
        ("推荐", "东河村党支部", "负责人"),
        ("别处", "", ""),
    ]
    assert chain[0].responsibility == Accountability.MANAGE
    assert chain[0].acting_organisation == "东河镇党委"
    seen = accountability_for_person(member.citizen_id, user=unit_operator)
    assert [s.summary for s in seen] == ["推荐"]
