"""Milestone deadlines on the Chinese working-day calendar.

A deadline must fall on a working day and not before the previous stage's; the public notice
(公示) must last the campaign's number of working days after the 二下 deadline. Periods are
counted as ``core.workdays`` counts them: the day after the start is the first day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from tuixuan.campaign.domain import CampaignSetupError
from tuixuan.campaign.models import STAGE_ORDER, Stage
from tuixuan.campaign.selectors import day_text
from tuixuan.core.workdays import Calendar

DEFAULT_SPANS: dict[Stage, int] = {
    Stage.DEPLOYMENT: 5,
    Stage.FIRST_UP: 15,
    Stage.FIRST_DOWN: 5,
    Stage.SECOND_UP: 20,
    Stage.SECOND_DOWN: 5,
    Stage.NOTICE: 5,
    Stage.ELECTION: 10,
    Stage.CREDENTIALS: 5,
}
"""Working days each stage takes by default, counted from the previous stage's deadline."""


def schedule_errors(
    deadlines: Mapping[Stage, dt.date],
    *,
    calendar: Calendar,
    notice_working_days: int,
    only: Stage | None = None,
) -> list[str]:
    """Chinese messages for deadlines that cannot stand; empty when the schedule holds.

    Each deadline must be a working day and not before the previous stage's; the public
    notice must last at least ``notice_working_days`` working days after the 二下 deadline.
    With ``only``, just the checks touching that stage are made.
    """
    errors: list[str] = []
    present = [s for s in STAGE_ORDER if s in deadlines]
    for i, stage in enumerate(present):
        day = deadlines[stage]
        prev = present[i - 1] if i else None
        if only is not None and only not in (stage, prev):
            continue
        if (only is None or only is stage) and not calendar.is_working_day(day):
            errors.append(f"“{stage.label}”的截止日期 {day_text(calendar, day)}不是工作日")
        if prev is not None and day < deadlines[prev]:
            errors.append(
                f"“{stage.label}”的截止日期 {day.isoformat()} 早于上一节点"
                f"“{prev.label}”的截止日期 {deadlines[prev].isoformat()}"
            )
    if (
        Stage.SECOND_DOWN in deadlines
        and Stage.NOTICE in deadlines
        and (only is None or only in (Stage.SECOND_DOWN, Stage.NOTICE))
    ):
        start, end = deadlines[Stage.SECOND_DOWN], deadlines[Stage.NOTICE]
        days = calendar.working_days_between(start, end)
        if days < notice_working_days:
            errors.append(
                f"“公示”的截止日期 {end.isoformat()} 距“二下”的截止日期 {start.isoformat()} "
                f"只有 {max(days, 0)} 个工作日，公示期不少于 {notice_working_days} 个工作日"
            )
    return errors


def plan_deadlines(
    start: dt.date,
    *,
    calendar: Calendar,
    spans: Mapping[Stage, int],
    notice_working_days: int,
) -> dict[Stage, dt.date]:
    deadlines: dict[Stage, dt.date] = {}
    day = start
    for stage in STAGE_ORDER:
        span = spans.get(stage, DEFAULT_SPANS[stage])
        if stage is Stage.NOTICE:
            span = max(span, notice_working_days)
        if span < 1:
            raise CampaignSetupError(f"“{stage.label}”的工作日数 {span} 应至少为 1")
        day = calendar.add_working_days(day, span)
        deadlines[stage] = day
    return deadlines


STAGE_WORK: dict[Stage, str] = {
    Stage.DEPLOYMENT: "召开动员部署会议，下达名额和结构比例，开展宣传发动和警示教育",
    Stage.FIRST_UP: "各基层党组织组织党员推荐，逐级汇总推荐意见（一上）",
    Stage.FIRST_DOWN: "选举单位党委集体研究确定考察对象，下发征求意见（一下）",
    Stage.SECOND_UP: "组织考察，党员“六必查”、部门联审、领导干部“四必”（二上）",
    Stage.SECOND_DOWN: "集体研究确定候选人预备人选，报召集机关审查（二下）",
    Stage.NOTICE: "在一定范围内公示，受理并核查举报",
    Stage.ELECTION: "召开党员大会、党员代表大会或代表大会，差额选举代表",
    Stage.CREDENTIALS: "召集机关初审，代表资格审查委员会审查确认",
}
"""What each stage's milestone covers, shown when a milestone has no note of its own."""
