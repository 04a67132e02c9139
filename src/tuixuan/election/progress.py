"""The board's facts of 选举 and 资格审查 (docs/oversight.md "The board's providers").

An election belongs to a unit of the campaign when it carries the campaign's id and is held
by the unit's organisation. Seats filled are the delegates elected and not removed against
the unit's seats; credentials are done when every delegate is confirmed or removed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.db.models import Count
from django.urls import reverse

from tuixuan.campaign.models import Campaign, ElectionUnit
from tuixuan.campaign.progress import BoardStage, Figure, StageFact, StageState
from tuixuan.election.models import Delegate, DelegateStatus, Election, ElectionStatus

STAGES: tuple[BoardStage, ...] = (BoardStage.ELECTION, BoardStage.CREDENTIALS)

_DONE = frozenset({ElectionStatus.CONCLUDED, ElectionStatus.REPORTED})


def stage_facts(campaign: Campaign, units: Sequence[ElectionUnit]) -> list[StageFact]:
    by_org = {u.organisation_id: u for u in units}
    elections: dict[int, list[Election]] = {}
    for election in Election.objects.filter(
        campaign_id=campaign.pk, organisation_id__in=list(by_org)
    ).order_by("pk"):
        elections.setdefault(by_org[election.organisation_id].pk, []).append(election)
    counts: Counter[tuple[int, str]] = Counter()
    for election_id, status, n in (
        Delegate.objects.filter(election__campaign_id=campaign.pk)
        .values("election_id", "status")
        .annotate(n=Count("pk"))
        .values_list("election_id", "status", "n")
    ):
        counts[(election_id, status)] += n
    facts: list[StageFact] = []
    for unit in units:
        held = elections.get(unit.pk, [])
        if not held:
            facts.append(StageFact(BoardStage.ELECTION, unit.pk, StageState.NOT_STARTED))
            facts.append(StageFact(BoardStage.CREDENTIALS, unit.pk, StageState.NOT_STARTED))
            continue
        last = held[-1]
        url = reverse("election:detail", args=[last.pk])
        elected = sum(
            counts[(e.pk, s)]
            for e in held
            for s in (DelegateStatus.ELECTED, DelegateStatus.CONFIRMED)
        )
        confirmed = sum(counts[(e.pk, DelegateStatus.CONFIRMED)] for e in held)
        pending = sum(counts[(e.pk, DelegateStatus.ELECTED)] for e in held)
        done = all(e.status in _DONE for e in held)
        facts.append(
            StageFact(
                BoardStage.ELECTION,
                unit.pk,
                StageState.DONE if done else StageState.UNDER_WAY,
                (Figure("已当选", elected, unit.seats, " 名"),),
                url,
            )
        )
        reported = [e for e in held if e.status == ElectionStatus.REPORTED]
        if not reported:
            credentials = StageState.NOT_STARTED
        elif done and pending == 0 and len(reported) == len(held):
            credentials = StageState.DONE
        else:
            credentials = StageState.UNDER_WAY
        facts.append(
            StageFact(
                BoardStage.CREDENTIALS,
                unit.pk,
                credentials,
                (Figure("资格确认", confirmed, elected, " 名"),) if reported else (),
                reverse("election:credentials", args=[last.pk]) if reported else "",
            )
        )
    return facts
