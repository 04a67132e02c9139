"""The progress board: each unit × each stage (docs/domain.md §9.4, docs/oversight.md).

The stages' own apps supply the facts (``<app>/progress.py``, see ``tuixuan.campaign.progress``);
this module adds the milestone of each stage, the working days left or overdue, and orders
the units overdue first. Reading a board costs a fixed number of queries, whatever the number
of units, branches and members (tests/oversight/test_board.py counts them at two sizes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import ModuleType

from tuixuan.campaign import progress as campaign_progress
from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import Campaign, CampaignStatus, ElectionUnit, Milestone, Stage
from tuixuan.campaign.progress import (
    BOARD_ORDER,
    MILESTONE_OF,
    BoardStage,
    Figure,
    StageFact,
    StageState,
)
from tuixuan.core import clock
from tuixuan.core.workdays import Calendar, UnknownYearError
from tuixuan.election import progress as election_progress
from tuixuan.nomination import progress as nomination_progress
from tuixuan.notice import progress as notice_progress
from tuixuan.oversight.models import SatisfactionSurvey
from tuixuan.vetting import progress as vetting_progress

PROVIDERS: tuple[ModuleType, ...] = (
    campaign_progress,
    nomination_progress,
    vetting_progress,
    notice_progress,
    election_progress,
)
"""The stage apps' providers, in the order of the stages: 部署 (campaign); 一上, 一下, 二上
(nomination); 考察/审查 (vetting); 公示, 二下, 报批 (notice); 选举, 资格审查 (election).
Every stage of the board has one; a stage none answers for would show as "尚未开展"."""

LIVE = (CampaignStatus.PREPARING, CampaignStatus.RUNNING)
"""Campaigns whose milestones still run: a deployment deadline can be missed too."""

DUE_SOON = 3
"""Working days before a deadline from which a stage is flagged (and alerted)."""

NO_PROVIDER = "尚未开展"


def provided_stages() -> set[BoardStage]:
    return {stage for module in PROVIDERS for stage in module.STAGES}


@dataclass(frozen=True)
class Cell:
    stage: BoardStage
    provided: bool
    state: StageState | None
    deadline: dt.date | None
    days_left: int | None
    """Working days from today to the deadline; negative when overdue; None when unknown."""
    today: dt.date
    figures: tuple[Figure, ...] = ()
    url: str = ""
    blockers: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        return self.state == StageState.DONE

    @property
    def overdue(self) -> bool:
        return (
            self.provided
            and not self.done
            and self.deadline is not None
            and self.deadline < self.today
        )

    @property
    def due_soon(self) -> bool:
        return (
            self.provided
            and not self.done
            and not self.overdue
            and self.days_left is not None
            and self.days_left <= DUE_SOON
        )

    @property
    def low(self) -> bool:
        return any(f.below_target for f in self.figures) and self.state is not None

    @property
    def state_label(self) -> str:
        if not self.provided:
            return NO_PROVIDER
        return (
            str(StageState(self.state).label) if self.state else str(StageState.NOT_STARTED.label)
        )

    @property
    def time_text(self) -> str:
        if self.deadline is None:
            return ""
        day = f"截止 {self.deadline.month}月{self.deadline.day}日"
        if not self.provided or self.done:
            return day
        if self.days_left is None:
            return f"{day}（该年节假日安排未录入）"
        if self.overdue:
            return f"{day}，已逾期 {abs(self.days_left)} 个工作日"
        return f"{day}，还有 {self.days_left} 个工作日"


@dataclass
class UnitRow:
    unit: ElectionUnit
    cells: list[Cell] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return any(c.overdue for c in self.cells)

    @property
    def low(self) -> bool:
        return any(c.low for c in self.cells)

    @property
    def current(self) -> Cell | None:
        """The first stage not done, where the unit is now."""
        for c in self.cells:
            if c.provided and not c.done:
                return c
        return None

    def cell(self, stage: BoardStage) -> Cell:
        return next(c for c in self.cells if c.stage == stage)


@dataclass
class Board:
    campaign: Campaign
    today: dt.date
    stages: list[BoardStage]
    rows: list[UnitRow]
    milestones: dict[BoardStage, Milestone]

    @property
    def overdue_rows(self) -> list[UnitRow]:
        return [r for r in self.rows if r.overdue]

    @property
    def low_rows(self) -> list[UnitRow]:
        return [r for r in self.rows if r.low]

    def state_counts(self) -> list[tuple[BoardStage, int, int, int]]:
        """Per stage: units done, under way, not started (for the chart)."""
        out = []
        for stage in self.stages:
            cells = [r.cell(stage) for r in self.rows]
            out.append(
                (
                    stage,
                    sum(c.state == StageState.DONE for c in cells),
                    sum(c.state == StageState.UNDER_WAY for c in cells),
                    sum(c.provided and c.state in (None, StageState.NOT_STARTED) for c in cells),
                )
            )
        return out


def survey_figure(survey: SatisfactionSurvey) -> Figure:
    """Satisfaction = (满意 + 基本满意) / surveyed (docs/domain.md §8)."""
    return Figure(
        "党员满意度测评 满意和基本满意", survey.satisfied + survey.basic, survey.participants, " 人"
    )


def _days_left(calendar: Calendar, today: dt.date, deadline: dt.date) -> int | None:
    try:
        return calendar.working_days_between(today, deadline)
    except UnknownYearError:
        return None


def build(
    campaign: Campaign,
    units: Iterable[ElectionUnit],
    *,
    today: dt.date | None = None,
    calendar: Calendar | None = None,
) -> Board:
    """The board of ``units`` (the reader's, from ``access.board_units``)."""
    today = today or clock.today()
    calendar = calendar or campaign_selectors.working_calendar()
    units = list(units)
    facts: dict[tuple[BoardStage, int], StageFact] = {}
    provided: set[BoardStage] = set()
    for module in PROVIDERS:
        provided |= set(module.STAGES)
        if units:
            for fact in module.stage_facts(campaign, units):
                facts[(fact.stage, fact.unit_id)] = fact
    surveys = (
        {
            s.unit_id: s
            for s in SatisfactionSurvey.objects.filter(round__campaign=campaign, unit__in=units)
        }
        if units
        else {}
    )
    by_stage = {Stage(m.stage): m for m in Milestone.objects.filter(campaign=campaign)}
    milestones = {b: by_stage[s] for b, s in MILESTONE_OF.items() if s in by_stage}
    left = {
        b: _days_left(calendar, today, m.deadline)
        for b, m in milestones.items()
        if m.completed_on is None
    }
    rows = []
    for unit in units:
        row = UnitRow(unit)
        for stage in BOARD_ORDER:
            fact = facts.get((stage, unit.pk))
            m = milestones.get(stage)
            figures = fact.figures if fact else ()
            survey = surveys.get(unit.pk)
            if stage == BoardStage.FIRST_UP and survey is not None:
                figures += (survey_figure(survey),)
            row.cells.append(
                Cell(
                    stage=stage,
                    provided=stage in provided,
                    state=fact.state if fact else None,
                    deadline=m.deadline if m else None,
                    days_left=left.get(stage),
                    today=today,
                    figures=figures,
                    url=fact.url if fact else "",
                    blockers=fact.blockers if fact else (),
                )
            )
        rows.append(row)
    rows.sort(key=lambda r: (not r.overdue, not r.low))  # stable: otherwise by unit code
    return Board(campaign, today, list(BOARD_ORDER), rows, milestones)
