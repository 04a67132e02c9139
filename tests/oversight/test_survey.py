"""The satisfaction survey of a unit's 一上: totals from paper, checked against those who took
part, corrected only with a reason, shown on the board beside participation."""

from __future__ import annotations

import pytest

from tests.conftest import Tree, login
from tests.nomination.conftest import People
from tests.nomination.test_views import _submit_a1
from tuixuan.campaign.models import ElectionUnit
from tuixuan.campaign.progress import BoardStage
from tuixuan.core import clock
from tuixuan.core.errors import DomainError
from tuixuan.core.models import User
from tuixuan.nomination.models import Round
from tuixuan.oversight import access, board, services
from tuixuan.oversight.models import SatisfactionSurvey
from tuixuan.record.models import Event

pytestmark = pytest.mark.django_db


def _enter(actor: User, round_: Round, unit: ElectionUnit, **extra: object) -> SatisfactionSurvey:
    fields: dict[str, object] = {
        "actor": actor,
        "round": round_,
        "unit": unit,
        "held_on": clock.today(),
        "participants": 6,
        "satisfied": 4,
        "basic": 1,
        "dissatisfied": 1,
    }
    fields.update(extra)
    return services.survey_enter(**fields)  # type: ignore[arg-type]


def test_totals_are_checked_and_a_correction_needs_a_reason(
    round_: Round,
    tree: Tree,
    people: People,
    branch_operator: User,
    unit_operator: User,
    convener: User,
) -> None:
    _submit_a1(round_, tree, people, branch_operator)  # 6 members took part
    unit = ElectionUnit.objects.get(campaign=round_.campaign, organisation=tree.unit_a)
    events = Event.objects.count()
    with pytest.raises(DomainError) as refused:
        _enter(unit_operator, round_, unit, participants=7)
    assert "多于参加一上推荐的党员 6 人" in refused.value.message
    with pytest.raises(DomainError, match="多于参加测评的 6 人"):
        _enter(unit_operator, round_, unit, satisfied=6)
    assert Event.objects.count() == events and not SatisfactionSurvey.objects.exists()

    _enter(unit_operator, round_, unit)
    with pytest.raises(DomainError, match="更正须填写理由"):
        _enter(unit_operator, round_, unit, satisfied=5, basic=0)
    _enter(unit_operator, round_, unit, satisfied=5, basic=0, reason="满意票点错")
    b = board.build(round_.campaign, access.board_units(convener, round_.campaign))
    cell = next(r for r in b.rows if r.unit == unit).cell(BoardStage.FIRST_UP)
    figure = cell.figures[-1]
    assert (figure.label, figure.value, figure.of) == ("党员满意度测评 满意和基本满意", 5, 6)


def test_the_unit_page_enters_it(
    round_: Round, tree: Tree, people: People, branch_operator: User, unit_operator: User
) -> None:
    _submit_a1(round_, tree, people, branch_operator)
    unit = ElectionUnit.objects.get(campaign=round_.campaign, organisation=tree.unit_a)
    client = login(unit_operator)
    data = {
        "held_on": clock.today().isoformat(),
        "participants": "6",
        "satisfied": "5",
        "basic": "2",
        "dissatisfied": "0",
    }
    refused = client.post(f"/oversight/unit/{unit.pk}/survey/", data)
    assert refused.status_code == 400 and "多于参加测评的 6 人" in refused.content.decode()
    done = client.post(f"/oversight/unit/{unit.pk}/survey/", dict(data, basic="1"))
    assert done.status_code == 302
    assert (
        "满意 5，基本满意 1，不满意 0" in client.get(f"/oversight/unit/{unit.pk}/").content.decode()
    )
    other = ElectionUnit.objects.get(campaign=round_.campaign, organisation=tree.unit_b)
    assert client.post(f"/oversight/unit/{other.pk}/survey/", data).status_code == 404
