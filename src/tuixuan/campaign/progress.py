"""What a stage tells the progress board (docs/oversight.md "The board's providers").

Each stage app has a module ``<app>/progress.py`` with

- ``STAGES``: the board stages (``BoardStage``) it answers for, and
- ``stage_facts(campaign, units) -> list[StageFact]``: one fact per (stage, unit) it knows,

read in a fixed number of queries whatever the number of units, branches or members. The
oversight app imports the providers directly (a downward import) and shows a stage that no
provider answers for as "尚未开展". The types live here, in the lowest stage app, so that
every stage app can import them.

This module's own provider answers for 部署 (docs/domain.md §3.1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tuixuan.campaign import selectors
from tuixuan.campaign.models import Campaign, CampaignStatus, ElectionUnit, Stage
from tuixuan.campaign.rules._format import percent as rules_percent


class BoardStage(models.TextChoices):
    """The stages of the board, in the order of docs/domain.md §2."""

    DEPLOYMENT = "deployment", _("部署")
    FIRST_UP = "first_up", _("一上")
    FIRST_DOWN = "first_down", _("一下")
    SECOND_UP = "second_up", _("二上")
    VETTING = "vetting", _("考察/审查")
    NOTICE = "notice", _("公示")
    SECOND_DOWN = "second_down", _("二下")
    APPROVAL = "approval", _("报批")
    ELECTION = "election", _("选举")
    CREDENTIALS = "credentials", _("资格审查")


BOARD_ORDER: tuple[BoardStage, ...] = tuple(BoardStage)

MILESTONE_OF: dict[BoardStage, Stage] = {
    BoardStage.DEPLOYMENT: Stage.DEPLOYMENT,
    BoardStage.FIRST_UP: Stage.FIRST_UP,
    BoardStage.FIRST_DOWN: Stage.FIRST_DOWN,
    BoardStage.SECOND_UP: Stage.SECOND_UP,
    BoardStage.NOTICE: Stage.NOTICE,
    BoardStage.SECOND_DOWN: Stage.SECOND_DOWN,
    BoardStage.ELECTION: Stage.ELECTION,
    BoardStage.CREDENTIALS: Stage.CREDENTIALS,
}
"""The campaign milestone that dates a board stage; 考察/审查 and 报批 have none of their own."""


class StageState(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    UNDER_WAY = "under_way", _("进行中")
    DONE = "done", _("已完成")


@dataclass(frozen=True)
class Figure:
    """A count that matters: "已报送 12 / 14 个党支部", "党员参与率 96.0%（目标 95.0%）"."""

    label: str
    value: int
    of: int | None = None
    unit: str = ""
    target: Fraction | None = None
    """When set, ``value / of`` is compared with it."""

    @property
    def rate(self) -> Fraction | None:
        if self.of is None or self.of == 0:
            return None
        return Fraction(self.value, self.of)

    @property
    def below_target(self) -> bool:
        rate = self.rate
        return self.target is not None and rate is not None and rate < self.target

    @property
    def text(self) -> str:
        if self.of is None:
            return f"{self.label} {self.value}{self.unit}"
        text = f"{self.label} {self.value} / {self.of}{self.unit}"
        rate = self.rate
        if self.target is not None and rate is not None:
            text += f"（{percent(rate)}，目标 {percent(self.target)}）"
        return text


def percent(rate: Fraction) -> str:
    """A share as a percentage with one decimal, rounded half up, exactly: 2/3 → 66.7%."""
    return rules_percent(rate, 1)


@dataclass(frozen=True)
class StageFact:
    """One stage of one unit as its app sees it."""

    stage: BoardStage
    unit_id: int
    state: StageState
    figures: tuple[Figure, ...] = ()
    url: str = ""
    """Where the stage's work is done (for a reader who may open it)."""
    blockers: tuple[str, ...] = ()
    """What keeps the stage from going on, in words (shown on the board)."""


STAGES: tuple[BoardStage, ...] = (BoardStage.DEPLOYMENT,)


def stage_facts(campaign: Campaign, units: Sequence[ElectionUnit]) -> list[StageFact]:
    """部署 is done for a unit once the campaign has started (seats, units, targets and
    milestones fixed) and the unit has held the activities the campaign requires before 一上
    (docs/domain.md §3.1); until then it is under way. One query, for the activities."""
    started = campaign.status in (CampaignStatus.RUNNING, CampaignStatus.COMPLETED)
    url = reverse("campaign:detail", args=[campaign.pk])
    required = len(campaign.required_activities)
    missing = selectors.missing_activities(campaign, units)
    facts = []
    for unit in units:
        figures = [Figure("代表名额", unit.seats, unit="名")]
        lacking = missing.get(unit.pk, [])
        if required:
            figures.append(
                Figure("规定活动已开展", required - len(lacking), required, " 项", Fraction(1))
            )
        done = started and not lacking
        facts.append(
            StageFact(
                BoardStage.DEPLOYMENT,
                unit.pk,
                StageState.DONE if done else StageState.UNDER_WAY,
                tuple(figures),
                url,
                blockers=tuple(f"尚未开展{k.label}" for k in lacking),
            )
        )
    return facts
