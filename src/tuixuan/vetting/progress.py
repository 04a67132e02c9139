"""The board's facts of 考察/审查 (docs/oversight.md "The board's providers",
docs/domain.md §3.5).

A unit's stage is read from its cases: not started while it has none, under way while any
case is still open (待考察, 考察中, 待研究) or while no collective decision has fixed the
初步人选, done once the committee has decided and no case is open. Figures: the cases whose
inspection is through (待研究 or closed) against all cases, the 联审 requests every person of
which the department has answered against the requests sent, and the requests with a person
still unanswered after the due date. Four queries whatever the number of units or cases.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.db.models import Count, Q
from django.urls import reverse

from tuixuan.campaign.models import Campaign, ElectionUnit
from tuixuan.campaign.progress import BoardStage, Figure, StageFact, StageState
from tuixuan.core import clock
from tuixuan.vetting import domain
from tuixuan.vetting.models import Case, Decision, DepartmentRequest

STAGES: tuple[BoardStage, ...] = (BoardStage.VETTING,)

_OPEN = [s.value for s in domain.OPEN]
_INSPECTING = [domain.Status.PENDING.value, domain.Status.INSPECTING.value]


def stage_facts(campaign: Campaign, units: Sequence[ElectionUnit]) -> list[StageFact]:
    today = clock.today()
    ids = [u.pk for u in units]
    cases: Counter[int] = Counter()
    open_: Counter[int] = Counter()
    vetted: Counter[int] = Counter()
    for unit_id, n, n_open, n_inspecting in (
        Case.objects.filter(campaign=campaign, unit_id__in=ids)
        .values("unit_id")
        .annotate(
            n=Count("pk"),
            n_open=Count("pk", filter=Q(status__in=_OPEN)),
            n_inspecting=Count("pk", filter=Q(status__in=_INSPECTING)),
        )
        .values_list("unit_id", "n", "n_open", "n_inspecting")
    ):
        cases[unit_id], open_[unit_id], vetted[unit_id] = n, n_open, n - n_inspecting
    decided = set(
        Decision.objects.filter(campaign=campaign, unit_id__in=ids).values_list(
            "unit_id", flat=True
        )
    )
    requests: Counter[int] = Counter()
    replied: Counter[int] = Counter()
    late: Counter[int] = Counter()
    for unit_id, due_on, waiting in (
        DepartmentRequest.objects.filter(campaign=campaign, unit_id__in=ids)
        .annotate(waiting=Count("replies", filter=Q(replies__outcome="")))
        .values_list("unit_id", "due_on", "waiting")
    ):
        requests[unit_id] += 1
        if waiting == 0:
            replied[unit_id] += 1
        elif domain.overdue(due_on, today, answered=False):
            late[unit_id] += 1
    facts: list[StageFact] = []
    for unit in units:
        total = cases[unit.pk]
        if total == 0:
            facts.append(StageFact(BoardStage.VETTING, unit.pk, StageState.NOT_STARTED))
            continue
        blockers: list[str] = []
        if open_[unit.pk]:
            blockers.append(f"{open_[unit.pk]} 名考察对象尚未办结")
        if unit.pk not in decided:
            blockers.append("尚未集体研究确定初步人选")
        if late[unit.pk]:
            blockers.append(f"{late[unit.pk]} 个联审部门逾期未回复")
        done = not open_[unit.pk] and unit.pk in decided
        figures = [Figure("已考察", vetted[unit.pk], total, " 名")]
        if requests[unit.pk]:
            figures.append(Figure("联审部门已回复", replied[unit.pk], requests[unit.pk], " 个"))
            figures.append(Figure("逾期未回复", late[unit.pk], unit=" 个部门"))
        facts.append(
            StageFact(
                BoardStage.VETTING,
                unit.pk,
                StageState.DONE if done else StageState.UNDER_WAY,
                tuple(figures),
                reverse("vetting:board", args=[unit.pk]),
                tuple(blockers) if not done else (),
            )
        )
    return facts
