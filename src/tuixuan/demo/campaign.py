"""The demo campaign, built through the services as a convener would build it on the pages."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from tuixuan.campaign import selectors, services
from tuixuan.campaign.models import Campaign, Level
from tuixuan.campaign.rules.structure import StructureError
from tuixuan.core import clock
from tuixuan.core.models import Organisation, User

DEMO_NAME = "市第五次党代会"
DEMO_SEATS = 300

# A provisional schedule for years the installed calendar does not know, so that the demo's
# milestones can be laid out. Marked as such: a real installation enters the State Council's
# announcement on the calendar page instead.
_PROVISIONAL: dict[int, list[tuple[str, bool, str]]] = {
    2027: [
        ("2027-01-01", False, "元旦（演示）"),
        *[(f"2027-02-{d:02d}", False, "春节（演示）") for d in range(5, 13)],
        ("2027-04-05", False, "清明节（演示）"),
        *[(f"2027-05-{d:02d}", False, "劳动节（演示）") for d in range(1, 6)],
        ("2027-06-09", False, "端午节（演示）"),
        ("2027-09-15", False, "中秋节（演示）"),
        *[(f"2027-10-{d:02d}", False, "国庆节（演示）") for d in range(1, 8)],
    ],
}


def _ensure_calendar(actor: User, start: dt.date, end: dt.date) -> None:
    calendar = selectors.working_calendar()
    for year in range(start.year, end.year + 1):
        if calendar.is_known_year(year):
            continue
        for text, working, name in _PROVISIONAL.get(year, []):
            services.calendar_override_set(
                actor=actor, date=dt.date.fromisoformat(text), is_working_day=working, name=name
            )


def build_demo_campaign(
    *,
    actor: User,
    convening_org: Organisation,
    start: dt.date | None = None,
    total_seats: int = DEMO_SEATS,
) -> Campaign:
    """市第五次党代会 with the convening organisation's children as election units, seats
    allocated and confirmed, structure targets and milestones from ``start`` (today); the
    joint-review departments are the default six (docs/domain.md §3.5)."""
    start = start or clock.today()
    campaign = services.campaign_create(
        actor=actor,
        name=DEMO_NAME,
        level=Level.CITY,
        term="第五次",
        total_seats=total_seats,
        convening_organisation=convening_org,
    )
    children = list(convening_org.children.order_by("code"))
    units = services.units_add(actor=actor, campaign=campaign, organisations=children)
    for unit in units:
        services.unit_update(
            actor=actor,
            unit=unit,
            secretary_post=f"{unit.organisation.name}书记",
            deputy_post=f"{unit.organisation.name}组织委员",
        )
    services.allocation_propose(actor=actor, campaign=campaign)
    services.allocation_confirm(actor=actor, campaign=campaign)

    services.target_add(
        actor=actor,
        campaign=campaign,
        category="front_line",
        comparator=">=",
        threshold=Fraction(1, 3),
    )
    services.target_add(
        actor=actor,
        campaign=campaign,
        category="leading_cadre",
        comparator="<=",
        threshold=Fraction(2, 3),
    )
    try:
        women = selectors.women_share_among_members(convening_org)
    except StructureError:
        women = Fraction(1, 4)
    services.target_add(
        actor=actor,
        campaign=campaign,
        category="women",
        comparator=">",
        threshold=women,
        note="党员中妇女比例",
    )
    services.target_add(
        actor=actor,
        campaign=campaign,
        category="minority",
        comparator=">=",
        threshold=Fraction(1, 20),
    )
    services.target_add(
        actor=actor,
        campaign=campaign,
        category="under_35",
        comparator=">=",
        threshold=Fraction(1, 10),
    )

    _ensure_calendar(actor, start, start + dt.timedelta(days=250))
    services.milestones_plan(actor=actor, campaign=campaign, start=start, confirm_past=True)
    campaign.refresh_from_db()
    return campaign
