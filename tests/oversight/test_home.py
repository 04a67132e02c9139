"""The home page's lines from oversight: branches not reported and overdue units for the
levels above, ballots waiting for the chief scrutineer's ruling, alerts and findings."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.conftest import Tree, login
from tests.election.meeting_setup import enter_batch, in_session, prepared
from tests.oversight.conftest import set_deadline
from tuixuan.campaign.models import Stage
from tuixuan.core import clock
from tuixuan.core.models import Role, User
from tuixuan.nomination.models import Round
from tuixuan.oversight import alerts, next_steps, services

pytestmark = pytest.mark.django_db


def _titles(user: User) -> list[str]:
    return [s.title for s in next_steps.waiting_for(user)]


def test_the_convener_sees_branches_not_reported_with_the_deadline(
    round_: Round, convener: User, unit_operator: User
) -> None:
    set_deadline(round_.campaign, Stage.FIRST_UP, dt.date(2026, 12, 7))
    steps = next_steps.waiting_for(convener)
    assert steps[0].title == "3 个党支部未报送一上推荐结果（截止 12月7日，还有 3 个工作日）"
    assert steps[0].url == f"/oversight/campaign/{round_.campaign.pk}/"
    # the unit operator's count comes from nomination's own steps, not repeated here
    assert not any("未报送" in t for t in _titles(unit_operator))


def test_overdue_units_and_alerts_on_the_home_page(
    round_: Round, convener: User, tree: Tree
) -> None:
    set_deadline(round_.campaign, Stage.FIRST_UP, clock.today() - dt.timedelta(days=7))
    alerts.evaluate_campaign(round_.campaign)
    titles = _titles(convener)
    assert "东河镇党委、市直机关工委选举单位进度逾期" in titles
    assert any(t.endswith("条预警待确认") for t in titles)


def test_findings_wait_for_the_unit_and_then_for_the_supervisor(
    tree: Tree, supervisor: User, unit_operator: User
) -> None:
    finding = services.finding_raise(
        actor=supervisor,
        organisation=tree.unit_a,
        kind="opinion",
        title="意见",
        text="请说明",
        due_on=dt.date(2026, 12, 10),
    )
    assert "1 条监督意见待答复（最早 12月10日到期）" in _titles(unit_operator)
    services.finding_answer(
        actor=unit_operator, finding=finding, answer="已说明", accountable_person="李书记"
    )
    assert "1 条监督意见已答复，待办结" in _titles(supervisor)
    assert not any("监督意见" in t for t in _titles(unit_operator))


def test_the_chief_scrutineer_sees_the_ballots_to_rule(tree: Tree) -> None:
    op = factories.user(Role.UNIT_OPERATOR, tree.unit_a)
    meeting = prepared(tree, op, voters=4)
    round_ = in_session(meeting, op)
    enter_batch(meeting, round_, ["1100", "1010"], second=["1100", "1020"])
    steps = [s for s in next_steps.waiting_for(meeting.chief) if s.title.startswith("待您裁定")]
    assert [s.title for s in steps] == ["待您裁定 1 张选票"]
    assert "/differences/" in steps[0].url


def test_the_home_page_shows_the_lines_with_their_links(round_: Round, convener: User) -> None:
    set_deadline(round_.campaign, Stage.FIRST_UP, dt.date(2026, 12, 7))
    page = login(convener).get("/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "3 个党支部未报送一上推荐结果" in text
    assert f'href="/oversight/campaign/{round_.campaign.pk}/"' in text
