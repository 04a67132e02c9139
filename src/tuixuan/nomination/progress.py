"""The board's facts of 一上, 一下 and 二上 (docs/oversight.md "The board's providers").

Every figure is counted for all units at once: rows are grouped by the prefix of their
organisation's path that is a unit's path, one query per depth at which units sit (a few at
most), so the number of queries does not grow with units, branches or members.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.db.models.functions import Substr
from django.urls import reverse

from tuixuan.campaign.models import Campaign, ElectionUnit
from tuixuan.campaign.progress import BoardStage, Figure, StageFact, StageState
from tuixuan.core.models import Organisation
from tuixuan.nomination.models import (
    BranchReport,
    Feedback,
    ListKind,
    ListStatus,
    NominationList,
    Participation,
    ReportStatus,
    Round,
    RoundStatus,
)
from tuixuan.nomination.selectors import eligible_members

STAGES: tuple[BoardStage, ...] = (
    BoardStage.FIRST_UP,
    BoardStage.FIRST_DOWN,
    BoardStage.SECOND_UP,
)


def per_unit(qs: QuerySet[Any], path_field: str, units: Sequence[ElectionUnit]) -> Counter[int]:
    """How many rows of ``qs`` lie under each unit, by the path in ``path_field``."""
    by_length: dict[int, dict[str, int]] = {}
    for unit in units:
        path = unit.organisation.path
        by_length.setdefault(len(path), {})[path] = unit.pk
    counts: Counter[int] = Counter()
    for length, paths in sorted(by_length.items()):
        rows = (
            qs.annotate(unit_prefix=Substr(path_field, 1, length))
            .filter(unit_prefix__in=list(paths))
            .values("unit_prefix")
            .annotate(n=Count("pk"))
            .values_list("unit_prefix", "n")
        )
        for prefix, n in rows:
            counts[paths[prefix]] += n
    return counts


def branch_totals(campaign: Campaign, units: Sequence[ElectionUnit]) -> Counter[int]:
    """The organisations that report in 一上 (the leaves) under each unit."""
    has_child = Organisation.objects.filter(parent=OuterRef("pk"))
    leaves = (
        Organisation.objects.filter(path__startswith=campaign.convening_organisation.path)
        .annotate(has_child=Exists(has_child))
        .filter(has_child=False)
    )
    return per_unit(leaves, "path", units)


def _by_unit(qs: QuerySet[Any], field: str = "unit_id") -> Counter[int]:
    return Counter(dict(qs.values(field).annotate(n=Count("pk")).values_list(field, "n")))


def stage_facts(campaign: Campaign, units: Sequence[ElectionUnit]) -> list[StageFact]:
    round_ = Round.objects.filter(campaign=campaign).first()
    if round_ is None:
        return [
            StageFact(stage, unit.pk, StageState.NOT_STARTED) for unit in units for stage in STAGES
        ]
    totals = branch_totals(campaign, units)
    reported = _by_unit(BranchReport.objects.filter(round=round_, status=ReportStatus.SUBMITTED))
    base = eligible_members(campaign.convening_organisation.path)
    members = per_unit(base, "organisation__path", units)
    reached = _by_unit(
        Participation.objects.filter(report__round=round_, member__in=base), "report__unit_id"
    )
    survey = {
        row["unit_id"]: row
        for row in BranchReport.objects.filter(round=round_)
        .values("unit_id")
        .annotate(
            total=Sum("survey_total"),
            satisfied=Sum("survey_satisfied"),
            basic=Sum("survey_basic"),
        )
    }
    unit_orgs = {u.pk: u.organisation_id for u in units}
    shortlists = {  # the 考察对象 list of the unit itself, not of a level below it
        nl.unit_id: nl
        for nl in NominationList.objects.filter(round=round_, kind=ListKind.SHORTLIST)
        if unit_orgs.get(nl.unit_id) == nl.organisation_id
    }
    answered = Counter(
        dict(
            Feedback.objects.filter(shortlist__round=round_, shortlist__kind=ListKind.SHORTLIST)
            .values("shortlist_id")
            .annotate(n=Count("organisation", distinct=True))
            .values_list("shortlist_id", "n")
        )
    )
    org_target = campaign.org_participation_target
    member_target = campaign.member_participation_target
    facts: list[StageFact] = []
    for unit in units:
        total, done = totals[unit.pk], reported[unit.pk]
        level = reverse("nomination:level", args=[round_.pk, unit.organisation_id])
        if round_.status == RoundStatus.CLOSED or (total > 0 and done >= total):
            first_up = StageState.DONE
        else:
            first_up = StageState.UNDER_WAY
        figures = [
            Figure("已报送", done, total, " 个党支部", org_target),
            Figure("党员参与", reached[unit.pk], members[unit.pk], " 人", member_target),
        ]
        s = survey.get(unit.pk)
        if s and s["total"]:
            figures.append(
                Figure("满意度测评 满意和基本满意", s["satisfied"] + s["basic"], s["total"], " 人")
            )
        facts.append(StageFact(BoardStage.FIRST_UP, unit.pk, first_up, tuple(figures), level))

        shortlist = shortlists.get(unit.pk)
        if shortlist is None:
            facts.append(
                StageFact(BoardStage.FIRST_DOWN, unit.pk, StageState.NOT_STARTED, (), level)
            )
            facts.append(StageFact(BoardStage.SECOND_UP, unit.pk, StageState.NOT_STARTED))
            continue
        list_url = reverse("nomination:list", args=[shortlist.pk])
        handed = shortlist.status == ListStatus.HANDED_DOWN
        facts.append(
            StageFact(
                BoardStage.FIRST_DOWN,
                unit.pk,
                StageState.DONE if handed else StageState.UNDER_WAY,
                (),
                list_url,
            )
        )
        if not handed:
            facts.append(StageFact(BoardStage.SECOND_UP, unit.pk, StageState.NOT_STARTED))
            continue
        views = answered[shortlist.pk]
        facts.append(
            StageFact(
                BoardStage.SECOND_UP,
                unit.pk,
                StageState.DONE if total > 0 and views >= total else StageState.UNDER_WAY,
                (Figure("已报送二上意见", views, total, " 个党支部"),),
                list_url,
            )
        )
    return facts
