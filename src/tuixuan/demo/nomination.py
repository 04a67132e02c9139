"""The demo's 一上: the round opened and some branches filled in through the services, so
that the pages have tallies to show and a demo branch operator still has work to do.

In each election unit the first branch (where the demo's branch account sits) and any
organisation in ``keep_free`` are left empty; the next ``branches_per_unit`` branches report,
the first of them form by form, the others with per-name totals. A member whose sanction is
still in effect is recommended by one branch, so the flag and the branch that answers for it
show at once.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import Campaign
from tuixuan.core import clock
from tuixuan.core.models import Organisation, User
from tuixuan.nomination import selectors, services
from tuixuan.nomination.models import BranchReport, EntryMode, ParticipationMode, Round
from tuixuan.registry.models import Member, Sanction

MAX_FORMS = 20
_MODES = (
    ParticipationMode.ONSITE,
    ParticipationMode.ONSITE,
    ParticipationMode.ONSITE,
    ParticipationMode.HOME,
    ParticipationMode.PHONE,
    ParticipationMode.WECHAT,
)


def _sanctioned(unit_path: str, today: dt.date) -> Member | None:
    s = (
        Sanction.objects.filter(
            effect_until__gte=today,
            member__isnull=False,
            member__organisation__path__startswith=unit_path,
        )
        .select_related("member")
        .order_by("member__organisation__path", "id")
        .first()
    )
    return s.member if s is not None else None


def build_demo_nomination(
    *,
    campaign: Campaign,
    actor: User,
    branches_per_unit: int = 4,
    keep_free: Sequence[Organisation] = (),
    seed: int = 2026,
) -> Round:
    """Open 一上 (``actor`` is a convener of the campaign) and fill some branches."""
    rng = random.Random(seed)  # noqa: S311 -- demo data, not security
    today = clock.today()
    round = selectors_round(campaign) or services.round_open(actor=actor, campaign=campaign)
    free = {o.pk for o in keep_free}
    flagged_done = False
    limit = campaign.names_per_form
    for unit in campaign_selectors.units(campaign):
        leaves = [o for o in selectors.branches(unit) if o.pk not in free][
            1 : 1 + branches_per_unit
        ]
        popular = list(
            selectors.eligible_members(unit.organisation.path, today=today)
            .filter(member_type="full", is_lost_contact=False)
            .order_by("organisation__path", "id")[:200]
        )
        if len(popular) < 2:
            continue
        rng.shuffle(popular)
        popular = popular[: max(limit * 2, 12)]
        sanctioned = None if flagged_done else _sanctioned(unit.organisation.path, today)
        for i, branch in enumerate(leaves):
            if BranchReport.objects.filter(round=round, organisation=branch).exists():
                continue
            voters = [
                m
                for m in selectors.eligible_members(branch.path, today=today)
                if m.organisation_id == branch.pk
            ]
            if not voters:
                continue
            present = len(voters) - (1 if len(voters) > 3 else 0)
            mode = EntryMode.FORMS if i == 0 else EntryMode.TOTALS
            services.report_update(
                actor=actor,
                round=round,
                organisation=branch,
                meeting_date=today,
                meeting_place="党员活动室",
                presider="支部书记",
                members_due=len(voters),
                members_present=present,
                accountable_person=f"{branch.name}书记",
                mode=mode,
                survey_total=present,
                survey_satisfied=max(present - 1, 0),
                survey_basic=1 if present else 0,
            )
            services.participation_set(
                actor=actor,
                round=round,
                organisation=branch,
                # Those at the meeting took part on site; the one absent, by another way.
                modes={
                    m.pk: ParticipationMode.ONSITE if k < present else rng.choice(_MODES)
                    for k, m in enumerate(voters)
                },
            )
            weights = [1 / (k + 1) for k in range(len(popular))]
            if mode == EntryMode.FORMS:
                for v in voters[: min(present, MAX_FORMS)]:
                    picks = list(dict.fromkeys(rng.choices(popular, weights=weights, k=limit + 4)))[
                        : min(limit, 5)
                    ]
                    if sanctioned is not None and not flagged_done:
                        picks = [
                            *[p for p in picks if p.pk != sanctioned.pk][: limit - 1],
                            sanctioned,
                        ]
                        flagged_done = True
                    services.form_add(
                        actor=actor,
                        round=round,
                        organisation=branch,
                        candidate_ids=[p.pk for p in picks],
                        probationary=v.member_type == "probationary",
                    )
            else:
                counts: dict[int, int] = {}
                for _ in range(present):
                    for p in dict.fromkeys(rng.choices(popular, weights=weights, k=limit)):
                        counts[p.pk] = counts.get(p.pk, 0) + 1
                services.totals_set(
                    actor=actor,
                    round=round,
                    organisation=branch,
                    rows=[(pk, n, 0) for pk, n in counts.items()],
                )
            report = BranchReport.objects.get(round=round, organisation=branch)
            services.report_submit(actor=actor, report=report)
    return round


def selectors_round(campaign: Campaign) -> Round | None:
    return Round.objects.filter(campaign=campaign).first()
