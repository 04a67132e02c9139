"""Publicity and warning education: recorded per organisation with its material, dated not in
the future; a kind the campaign requires blocks 一上 until every unit has held it, and the
board shows what is missing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import Tree, login
from tuixuan.campaign import services as campaign_services
from tuixuan.campaign.models import Activity, Campaign, ElectionUnit
from tuixuan.campaign.progress import BoardStage
from tuixuan.core import clock
from tuixuan.core.errors import DomainError
from tuixuan.core.models import User
from tuixuan.nomination import services as nomination_services
from tuixuan.nomination.models import Round
from tuixuan.oversight import access, board
from tuixuan.record.models import Event

pytestmark = pytest.mark.django_db


def _require_warning(campaign: Campaign, convener: User) -> None:
    campaign_services.campaign_change_settings(
        actor=convener, campaign=campaign, changes={"required_activities": ["warning"]}
    )


def _record(actor: User, campaign: Campaign, org: object, **extra: object) -> Activity:
    fields: dict[str, object] = {
        "actor": actor,
        "campaign": campaign,
        "organisation": org,
        "kind": "warning",
        "held_on": clock.today(),
        "title": "观看警示教育片",
        "participants": 30,
    }
    fields.update(extra)
    return campaign_services.activity_record(**fields)  # type: ignore[arg-type]


def test_a_future_date_is_refused_and_nothing_is_written(
    seated: Campaign, tree: Tree, unit_operator: User
) -> None:
    events = Event.objects.count()
    with pytest.raises(DomainError) as refused:
        _record(unit_operator, seated, tree.unit_a, held_on=clock.today() + dt.timedelta(days=1))
    assert refused.value.errors[0][0] == "held_on"
    assert "晚于今天" in refused.value.message
    with pytest.raises(DomainError, match="只能登记本单位"):
        _record(unit_operator, seated, tree.unit_b)
    assert not Activity.objects.exists() and Event.objects.count() == events


def test_a_required_kind_blocks_the_round_until_every_unit_has_held_it(
    seated: Campaign, tree: Tree, convener: User, unit_operator: User
) -> None:
    _require_warning(seated, convener)
    with pytest.raises(DomainError) as refused:
        nomination_services.round_open(actor=convener, campaign=seated)
    assert "东河镇党委尚未开展警示教育" in refused.value.message
    assert "市直机关工委尚未开展警示教育" in refused.value.message
    assert not Round.objects.exists()
    page = login(convener).get("/nomination/")
    assert "东河镇党委尚未开展警示教育" in page.content.decode()

    _record(unit_operator, seated, tree.branch_a1)  # held below the unit: counts for it
    b = board.build(seated, access.board_units(convener, seated))
    by_org = {r.unit.organisation: r.cell(BoardStage.DEPLOYMENT) for r in b.rows}
    assert by_org[tree.unit_a].blockers == ()
    assert by_org[tree.unit_b].blockers == ("尚未开展警示教育",)
    assert by_org[tree.unit_b].low

    _record(convener, seated, tree.city, title="全市警示教育大会")  # above: counts for all
    assert nomination_services.round_open(actor=convener, campaign=seated)


def test_the_page_records_with_material_and_keeps_values_after_a_refusal(
    seated: Campaign, tree: Tree, unit_operator: User
) -> None:
    unit = ElectionUnit.objects.get(campaign=seated, organisation=tree.unit_a)
    client = login(unit_operator)
    url = f"/oversight/unit/{unit.pk}/activities/"
    once = client.get(url).context["form"]["once"].value()
    data = {
        "once": once,
        "organisation": str(tree.unit_a.pk),
        "kind": "mobilisation",
        "title": "推选工作动员部署会",
        "participants": "80",
        "note": "镇党委班子成员、各村书记参加",
    }
    refused = client.post(
        url, dict(data, held_on=(clock.today() + dt.timedelta(days=3)).isoformat())
    )
    assert refused.status_code == 400
    assert "镇党委班子成员、各村书记参加" in refused.content.decode()
    done = client.post(
        url,
        dict(
            data,
            held_on=clock.today().isoformat(),
            file=SimpleUploadedFile("会议记录.pdf", b"%PDF-1.4 minutes", "application/pdf"),
        ),
    )
    assert done.status_code == 302
    activity = Activity.objects.get()
    assert activity.event_id is not None
    event = Event.objects.get(pk=activity.event_id)
    assert event.event_type == "campaign.activity_recorded"
    assert [a.name for a in event.attachments.all()] == ["会议记录.pdf"]
