"""The board's facts of 公示, 二下 and 报批 (docs/oversight.md "The board's providers",
docs/domain.md §3.6, docs/domain.md §3.7).

- 公示 is read from the unit's notices of 初步人选 and their objections: not started without
  a notice, under way while a notice is a draft or published or an objection is open, done
  once every notice has ended and every objection is concluded.
- 二下 is read from the unit's candidate lists: not started without a list, done while the
  latest list is decided, reported or approved, under way again when it was sent back (the
  committee decides anew). Its figure is the list's size against the margin's minimum.
- 报批: not started until the live list is reported, under way while the convening committee
  has it, done once approved; a list sent back is counted.

Three queries whatever the number of units, notices or lists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count
from django.urls import reverse

from tuixuan.campaign.models import Campaign, ElectionUnit
from tuixuan.campaign.progress import BoardStage, Figure, StageFact, StageState
from tuixuan.campaign.rules import margin
from tuixuan.notice import domain
from tuixuan.notice.models import CandidateList, Notice, Objection

STAGES: tuple[BoardStage, ...] = (
    BoardStage.NOTICE,
    BoardStage.SECOND_DOWN,
    BoardStage.APPROVAL,
)

_PRELIMINARY = domain.NoticeKind.PRELIMINARY.value
_OPEN = [s.value for s in domain.OPEN_OBJECTION]
_LIVE = frozenset(s.value for s in domain.LIVE_LIST)


@dataclass(frozen=True)
class _List:
    pk: int
    status: str
    seats: int
    size: int


def _notice_fact(unit: ElectionUnit, statuses: Counter[str], objections: int) -> StageFact:
    if not statuses:
        return StageFact(BoardStage.NOTICE, unit.pk, StageState.NOT_STARTED)
    blockers: list[str] = []
    if statuses[domain.NoticeStatus.DRAFT]:
        blockers.append("公示尚未发布")
    if statuses[domain.NoticeStatus.PUBLISHED]:
        blockers.append("公示尚未结束")
    if objections:
        blockers.append(f"{objections} 件举报尚未办结")
    return StageFact(
        BoardStage.NOTICE,
        unit.pk,
        StageState.UNDER_WAY if blockers else StageState.DONE,
        (Figure("未办结举报", objections, unit=" 件"),),
        reverse("notice:unit", args=[unit.pk]),
        tuple(blockers),
    )


def _list_facts(
    unit: ElectionUnit, ratio: Fraction, lists: Sequence[_List]
) -> tuple[StageFact, StageFact]:
    """二下 and 报批 from the unit's lists, oldest first."""
    if not lists:
        return (
            StageFact(BoardStage.SECOND_DOWN, unit.pk, StageState.NOT_STARTED),
            StageFact(BoardStage.APPROVAL, unit.pk, StageState.NOT_STARTED),
        )
    returned = sum(cl.status == domain.ListStatus.RETURNED for cl in lists)
    approval_figures = (Figure("被退回", returned, unit=" 次"),) if returned else ()
    latest = lists[-1]
    url = reverse("notice:list", args=[latest.pk])
    if latest.status not in _LIVE:  # sent back: the committee decides again
        return (
            StageFact(
                BoardStage.SECOND_DOWN,
                unit.pk,
                StageState.UNDER_WAY,
                (),
                reverse("notice:unit", args=[unit.pk]),
                ("预备人选名单已被退回，须重新研究确定",),
            ),
            StageFact(BoardStage.APPROVAL, unit.pk, StageState.NOT_STARTED, approval_figures, url),
        )
    minimum = margin.minimum_candidates(latest.seats, ratio)
    size = Figure("预备人选（差额最少人数）", latest.size, minimum, " 名", Fraction(1))
    short = margin.check_candidate_count(latest.size, latest.seats, ratio)
    second_down = StageFact(
        BoardStage.SECOND_DOWN,
        unit.pk,
        StageState.DONE,
        (size,),
        url,
        (f"差额：{short}",) if short else (),
    )
    blockers: tuple[str, ...]
    if latest.status == domain.ListStatus.DECIDED:
        state, blockers = StageState.NOT_STARTED, ("预备人选名单尚未报批",)
    elif latest.status == domain.ListStatus.SUBMITTED:
        state, blockers = StageState.UNDER_WAY, ("已报批，等待审批",)
    else:
        state, blockers = StageState.DONE, ()
    return second_down, StageFact(
        BoardStage.APPROVAL, unit.pk, state, approval_figures, url, blockers
    )


def stage_facts(campaign: Campaign, units: Sequence[ElectionUnit]) -> list[StageFact]:
    ids = [u.pk for u in units]
    notices: dict[int, Counter[str]] = {}
    for unit_id, status, n in (
        Notice.objects.filter(campaign=campaign, unit_id__in=ids, kind=_PRELIMINARY)
        .values("unit_id", "status")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "status", "n")
    ):
        notices.setdefault(unit_id, Counter())[status] += n
    objections = Counter(
        dict(
            Objection.objects.filter(
                notice__campaign=campaign,
                notice__unit_id__in=ids,
                notice__kind=_PRELIMINARY,
                status__in=_OPEN,
            )
            .values("notice__unit_id")
            .annotate(n=Count("pk"))
            .values_list("notice__unit_id", "n")
        )
    )
    lists: dict[int, list[_List]] = {}
    for pk, unit_id, status, seats, size in (
        CandidateList.objects.filter(campaign=campaign, unit_id__in=ids)
        .annotate(size=Count("entries"))
        .order_by("pk")
        .values_list("pk", "unit_id", "status", "seats", "size")
    ):
        lists.setdefault(unit_id, []).append(_List(pk, status, seats, size))
    ratio = campaign.margin_ratio
    facts: list[StageFact] = []
    for unit in units:
        facts.append(_notice_fact(unit, notices.get(unit.pk, Counter()), objections[unit.pk]))
        facts.extend(_list_facts(unit, ratio, lists.get(unit.pk, [])))
    return facts
