"""The unit's page: close 一上/二上, reopen a list, admit a late report — each asked first,
each refusal shown in Chinese beside its form with what was typed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import Tree, login
from tests.nomination.conftest import People, set_deadline
from tests.nomination.test_closing import Late, _submitted, _unit, late  # noqa: F401 -- fixture
from tuixuan.core.models import User
from tuixuan.nomination import selectors
from tuixuan.nomination.models import BranchReport, ListStatus, Round, RoundStage
from tuixuan.record.models import Event

pytestmark = pytest.mark.django_db


def _url(name: str, *args: object) -> str:
    return reverse(f"nomination:{name}", args=args)


def test_closing_first_up_is_refused_beside_the_form_before_it_asks(
    round_: Round, tree: Tree, people: People, unit_operator: User, branch_operator: User
) -> None:
    _submitted(branch_operator, round_, tree.branch_a1, [(people.a1[0], 3)])
    client = login(unit_operator)
    page = client.get(_url("level", round_.pk, tree.unit_a.pk)).content.decode()
    assert 'id="close-first_up"' in page and "data-confirm=" in page
    today = timezone.localdate().isoformat()
    url = _url("round_close", round_.pk, tree.unit_a.pk, "first_up")
    events = Event.objects.count()
    # The rules refuse it: said beside the form at once, without asking to confirm first.
    refused = client.post(url, {"closed_on": today, "reason": "催报无果"})
    text = refused.content.decode()
    assert refused.status_code == 400 and "请确认" not in text
    assert "尚有 1 个党支部未报送推荐结果（西岭村党支部），一上截止日期前不能结束一上" in text
    assert "催报无果" in text  # what was typed is kept
    assert Event.objects.count() == events
    set_deadline(round_.campaign, timezone.localdate() - dt.timedelta(days=1))
    asked = client.post(url, {"closed_on": today, "reason": "催报无果"})
    assert asked.status_code == 200 and "请确认" in asked.content.decode()
    assert "将结束东河镇党委的一上" in asked.content.decode()
    assert Event.objects.count() == events
    done = client.post(url, {"closed_on": today, "reason": "催报无果", "confirm": "1"})
    assert done.status_code == 302
    assert selectors.stage_closed(round_, _unit(round_, tree), RoundStage.FIRST_UP)
    page = client.get(_url("level", round_.pk, tree.unit_a.pk)).content.decode()
    assert 'id="close-first_up"' not in page and "已结束" in page
    # 西岭村 has no draft: nothing to admit yet.
    assert "受理西岭村党支部的逾期报送" not in page


def test_a_branch_operator_cannot_close_the_unit(
    round_: Round, tree: Tree, branch_operator: User, supervisor: User
) -> None:
    url = _url("round_close", round_.pk, tree.unit_a.pk, "first_up")
    data = {"closed_on": timezone.localdate().isoformat(), "confirm": "1"}
    assert login(branch_operator).post(url, data).status_code == 404
    assert login(supervisor).post(url, data).status_code == 403
    assert not selectors.stage_closed(round_, _unit(round_, tree), RoundStage.FIRST_UP)


def test_late_admit_and_reopen_on_the_units_page(
    late: Late,  # noqa: F811 -- fixture reuse
    round_: Round,
    tree: Tree,
    unit_operator: User,
) -> None:
    client = login(unit_operator)
    page = client.get(_url("level", round_.pk, tree.unit_a.pk)).content.decode()
    report = BranchReport.objects.get(round=round_, organisation=late.branch)
    assert "受理南坡村党支部的逾期报送" in page
    admit = _url("late_admit", round_.pk, tree.unit_a.pk, report.pk)
    refused = client.post(admit, {"reason": "", "confirm": "1"})
    assert refused.status_code == 400
    assert "请填写受理逾期报送的理由" in refused.content.decode()
    assert client.post(admit, {"reason": "漏报", "confirm": "1"}).status_code == 302
    page = client.get(_url("level", round_.pk, tree.unit_a.pk)).content.decode()
    assert "须复核" in page and "移入 乙0" in page
    reopen = _url("level_reopen", round_.pk, tree.unit_a.pk, "shortlist")
    today = timezone.localdate().isoformat()
    refused = client.post(reopen, {"reopened_on": today, "reason": " ", "confirm": "1"})
    assert refused.status_code == 400
    assert "请填写重新研究的理由" in refused.content.decode()
    late.shortlist.refresh_from_db()
    assert late.shortlist.status == ListStatus.DECIDED
    asked = client.post(reopen, {"reopened_on": today, "reason": "排名有变化"})
    assert "将记录东河镇党委决定重新研究" in asked.content.decode()
    done = client.post(reopen, {"reopened_on": today, "reason": "排名有变化", "confirm": "1"})
    assert done.status_code == 302
    late.shortlist.refresh_from_db()
    assert late.shortlist.status == ListStatus.REOPENED
    page = client.get(_url("level", round_.pk, tree.unit_a.pk)).content.decode()
    assert 'id="decide-form"' in page and "排名有变化" in page
