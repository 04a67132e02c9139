"""Analysis across the campaign: the structure of the persons at each stage against the
campaign's structure targets (docs/domain.md §4.5), participation by unit (docs/domain.md §8),
and the two statistical tables units report: 推荐提名情况统计表 and 代表构成情况统计表.

Persons at each stage: 推荐人选 and 考察对象 are the lists the units fixed by collective
decision (nomination), 当选 the delegates elected and not removed (election). The stages the
vetting and notice apps will carry are shown as not yet under way. Categories come from the
registry as in the nomination's preview (``nomination.selectors.as_person``) until vetting
records each person's category.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import Campaign, ElectionUnit
from tuixuan.campaign.progress import BoardStage, percent
from tuixuan.campaign.rules import structure
from tuixuan.core import clock
from tuixuan.election.models import Delegate, DelegateStatus
from tuixuan.nomination.models import ListEntry, ListKind, NominationList
from tuixuan.nomination.selectors import as_person
from tuixuan.oversight.board import Board
from tuixuan.registry.models import Member

SHOWN: tuple[structure.Category, ...] = (
    structure.Category.LEADING_CADRE,
    structure.Category.PROFESSIONAL,
    structure.Category.MODEL_WORKER,
    structure.Category.MILITARY,
    structure.Category.FRONT_LINE,
    structure.Category.WOMEN,
    structure.Category.MINORITY,
    structure.Category.UNDER_35,
)
"""The columns of the composition table."""


@dataclass
class StageStructure:
    label: str
    provided: bool
    members: list[Member] = field(default_factory=list)
    counts: dict[structure.Category, int] = field(default_factory=dict)
    results: list[structure.TargetResult] = field(default_factory=list)
    problem: str = ""

    @property
    def total(self) -> int:
        return len(self.members)


def _list_members(
    campaign: Campaign, units: Sequence[ElectionUnit], kind: ListKind
) -> list[Member]:
    lists = NominationList.objects.filter(
        round__campaign=campaign,
        kind=kind,
        organisation_id__in=[u.organisation_id for u in units],
    )
    ids = ListEntry.objects.filter(nomination_list__in=lists).values("candidate_id")
    return list(Member.objects.filter(pk__in=ids).order_by("pk"))


def _elected(campaign: Campaign, units: Sequence[ElectionUnit]) -> list[Member]:
    ids = Delegate.objects.filter(
        election__campaign_id=campaign.pk,
        election__organisation_id__in=[u.organisation_id for u in units],
        status__in=(DelegateStatus.ELECTED, DelegateStatus.CONFIRMED),
        candidate__member__isnull=False,
    ).values("candidate__member_id")
    return list(Member.objects.filter(pk__in=ids).order_by("pk"))


def _structure(campaign: Campaign, label: str, members: list[Member]) -> StageStructure:
    people = [as_person(m) for m in members]
    today = clock.today()
    s = StageStructure(label, True, members)
    try:
        s.counts = {c: structure.count_in(people, c, reference_date=today) for c in SHOWN}
        s.results = campaign_selectors.evaluate_structure(campaign, people, reference_date=today)
    except structure.StructureError as exc:
        s.problem = exc.message
    return s


def structure_by_stage(campaign: Campaign, units: Sequence[ElectionUnit]) -> list[StageStructure]:
    return [
        _structure(campaign, "推荐人选", _list_members(campaign, units, ListKind.POOL)),
        _structure(campaign, "考察对象", _list_members(campaign, units, ListKind.SHORTLIST)),
        StageStructure(str(BoardStage.VETTING.label), False),
        StageStructure("候选人预备人选（二下、报批）", False),
        _structure(campaign, "当选代表", _elected(campaign, units)),
    ]


def share_text(count: int, total: int) -> str:
    return f"{count}（{percent(Fraction(count, total))}）" if total else "0"


COMPOSITION_HEADERS = ["环节", "人数", *[structure.CATEGORY_LABELS[c] for c in SHOWN]]


def composition_rows(stages: Sequence[StageStructure]) -> list[list[str | int]]:
    """代表构成情况统计表: per stage, the persons and each category with its share."""
    rows: list[list[str | int]] = []
    for s in stages:
        if not s.provided:
            rows.append([s.label, "尚未开展", *["" for _ in SHOWN]])
        elif s.problem:
            rows.append([s.label, s.total, s.problem, *["" for _ in SHOWN[1:]]])
        else:
            rows.append([s.label, s.total, *[share_text(s.counts[c], s.total) for c in SHOWN]])
    return rows


TARGET_HEADERS = ["结构比例目标", "环节", "人数", "比例", "是否达到", "说明"]


def target_rows(stages: Sequence[StageStructure]) -> list[list[str | int]]:
    return [
        [
            r.target.describe(),
            s.label,
            r.count,
            percent(r.share),
            "达到" if r.met else "未达到",
            r.explanation,
        ]
        for s in stages
        for r in s.results
        if s.total
    ]


NOMINATION_HEADERS = [
    "选举单位",
    "代表名额",
    "应报送党支部",
    "已报送",
    "可参加党员",
    "参加推荐党员",
    "党员参与率",
    "推荐人选",
    "考察对象",
]


def nomination_rows(board: Board, campaign: Campaign) -> list[list[str | int]]:
    """推荐提名情况统计表: per unit, the branches and members who took part and the lists."""
    unit_orgs = [r.unit.organisation_id for r in board.rows]
    sizes: dict[tuple[int, str], int] = {}
    for org_id, kind in ListEntry.objects.filter(
        nomination_list__round__campaign=campaign, nomination_list__organisation_id__in=unit_orgs
    ).values_list("nomination_list__organisation_id", "nomination_list__kind"):
        sizes[(org_id, kind)] = sizes.get((org_id, kind), 0) + 1
    rows: list[list[str | int]] = []
    totals = [0] * 7
    for r in board.rows:
        figures = r.cell(BoardStage.FIRST_UP).figures
        branches = figures[0] if figures else None
        members = figures[1] if len(figures) > 1 else None
        values = [
            r.unit.seats,
            branches.of or 0 if branches else 0,
            branches.value if branches else 0,
            members.of or 0 if members else 0,
            members.value if members else 0,
            sizes.get((r.unit.organisation_id, ListKind.POOL), 0),
            sizes.get((r.unit.organisation_id, ListKind.SHORTLIST), 0),
        ]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        rate = percent(Fraction(values[4], values[3])) if values[3] else ""
        rows.append([r.unit.organisation.name, *values[:5], rate, *values[5:]])
    rate = percent(Fraction(totals[4], totals[3])) if totals[3] else ""
    rows.append(["合计", *totals[:5], rate, *totals[5:]])
    return rows


def participation_chart_rows(board: Board) -> list[tuple[str, Fraction, str]]:
    out = []
    for r in board.rows:
        figures = r.cell(BoardStage.FIRST_UP).figures
        if len(figures) > 1 and figures[1].of:
            f = figures[1]
            out.append(
                (
                    r.unit.organisation.name,
                    Fraction(f.value, f.of or 1),
                    f"{percent(Fraction(f.value, f.of or 1))}（{f.value}/{f.of}）",
                )
            )
    return out
