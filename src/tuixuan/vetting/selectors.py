"""Reading vetting state: each case's facts and blockers, and the board of a unit.

``facts_for`` reads everything about any number of cases in a fixed number of queries (one
per table), so the board costs the same number of queries for 5 cases as for 500.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet

from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import Campaign
from tuixuan.core import clock
from tuixuan.core.workdays import Calendar
from tuixuan.nomination import eligibility
from tuixuan.nomination import selectors as nomination_selectors
from tuixuan.vetting import domain
from tuixuan.vetting.models import (
    CadreCheck,
    Case,
    CheckResult,
    DepartmentReply,
    Evaluation,
    InspectionReport,
    Settings,
    TalkCount,
    Veto,
)


def settings_for(campaign: Campaign) -> Settings | None:
    return Settings.objects.filter(campaign=campaign).first()


def open_vetoes(case: Case) -> QuerySet[Veto]:
    return Veto.objects.filter(case=case, lifted_on__isnull=True).order_by("pk")


def facts_for(
    cases: Sequence[Case], *, today: dt.date | None = None, registry: bool = True
) -> dict[int, domain.Facts]:
    """Each case's facts, in a fixed number of queries per campaign. Cases should have
    ``member`` and ``campaign`` loaded (the board's query does)."""
    today = today or clock.today()
    by_campaign: dict[int, list[Case]] = defaultdict(list)
    for c in cases:
        by_campaign[c.campaign_id].append(c)
    out: dict[int, domain.Facts] = {}
    for group in by_campaign.values():
        out.update(_facts(group, today, registry))
    return out


def _facts(cases: Sequence[Case], today: dt.date, registry: bool) -> dict[int, domain.Facts]:
    ids = [c.pk for c in cases]
    campaign = cases[0].campaign
    settings = settings_for(campaign)
    items = list(settings.check_items) if settings else list(domain.CHECK_ITEMS)
    departments = list(settings.departments) if settings else list(domain.DEFAULT_DEPARTMENTS)
    talks: dict[int, int] = defaultdict(int)
    for case_id, n in TalkCount.objects.filter(case_id__in=ids).values_list("case_id", "count"):
        talks[case_id] += n
    evaluated = set(Evaluation.objects.filter(case_id__in=ids).values_list("case_id", flat=True))
    reports = {
        r.case_id: r
        for r in InspectionReport.objects.filter(case_id__in=ids).only(
            "case_id", "opinion", "signed_on"
        )
    }
    checks: dict[int, dict[str, str]] = defaultdict(dict)
    for case_id, item, finding in CheckResult.objects.filter(case_id__in=ids).values_list(
        "case_id", "item", "finding"
    ):
        checks[case_id][item] = finding
    cadre: dict[int, dict[str, str]] = defaultdict(dict)
    for case_id, item, finding in CadreCheck.objects.filter(case_id__in=ids).values_list(
        "case_id", "item", "finding"
    ):
        cadre[case_id][item] = finding
    replies: dict[int, dict[str, tuple[str, dt.date]]] = defaultdict(dict)
    for case_id, dept, outcome, due_on in DepartmentReply.objects.filter(
        case_id__in=ids
    ).values_list("case_id", "request__department", "outcome", "request__due_on"):
        replies[case_id][dept] = (outcome, due_on)
    vetoes: dict[int, list[str]] = defaultdict(list)
    for case_id, reason in (
        Veto.objects.filter(case_id__in=ids, lifted_on__isnull=True)
        .order_by("pk")
        .values_list("case_id", "reason")
    ):
        vetoes[case_id].append(reason)
    overlap: dict[int, bool] = {}
    if registry:
        members = [c.member for c in cases]
        found = nomination_selectors.findings_for(campaign, members, today=today)
        overlap = {
            m.pk: any(f.code == eligibility.Code.OVERLAP and not f.is_veto for f in found[m.pk])
            for m in members
        }
    out: dict[int, domain.Facts] = {}
    for c in cases:
        report = reports.get(c.pk)
        depts = []
        for name in departments:
            got = replies[c.pk].get(name)
            depts.append(
                domain.DepartmentFacts(
                    name=name,
                    sent=got is not None,
                    reply=(got[0] or None) if got else None,
                    due_on=got[1] if got else None,
                )
            )
        out[c.pk] = domain.Facts(
            today=today,
            notice_issued=c.notice_id is not None,
            talks=talks[c.pk],
            evaluation_entered=c.pk in evaluated,
            report_written=report is not None,
            report_signed=report is not None and report.signed_on is not None,
            opinion=report.opinion if report else None,
            check_items={i: checks[c.pk].get(i) for i in items},
            departments=depts,
            is_cadre=bool(c.member.cadre_rank),
            cadre_checks={i: cadre[c.pk].get(i) for i in domain.FOUR_MUSTS},
            open_vetoes=vetoes[c.pk],
            overlap_warning=overlap.get(c.member_id, False),
            flag=c.flag,
        )
    return out


def blockers_for(case: Case, *, today: dt.date | None = None) -> list[str]:
    return domain.blockers(facts_for([case], today=today)[case.pk])


# --- the board ----------------------------------------------------------------------------


class CheckState:
    DONE = "done"
    PROBLEM = "problem"
    WAITING = "waiting"
    OVERDUE = "overdue"
    MISSING = "missing"
    NOT_APPLICABLE = "n/a"


@dataclass
class BoardRow:
    case: Case
    status_label: str
    inspection: str
    checks: dict[str, str]
    departments: dict[str, str]
    four_musts: dict[str, str]
    vetoes: list[str]
    blockers: list[str]
    days_left: int | None
    """Working days to the earliest unanswered department's due date; negative when late."""
    late_departments: list[str] = field(default_factory=list)


def _state(finding: str | None) -> str:
    if finding is None:
        return CheckState.MISSING
    return CheckState.PROBLEM if finding == domain.Finding.PROBLEM else CheckState.DONE


def board_rows(cases: QuerySet[Case], *, today: dt.date | None = None) -> list[BoardRow]:
    """One row per case with the state of each check, its blockers and the time left."""
    today = today or clock.today()
    rows = list(
        cases.select_related(
            "member__organisation", "campaign", "unit__organisation", "team"
        ).order_by("unit_id", "list_entry__position", "pk")
    )
    if not rows:
        return []
    facts = facts_for(rows, today=today)
    calendar: Calendar | None = None
    out: list[BoardRow] = []
    for c in rows:
        f = facts[c.pk]
        depts: dict[str, str] = {}
        late: list[str] = []
        earliest: dt.date | None = None
        for d in f.departments:
            if not d.sent:
                depts[d.name] = CheckState.MISSING
            elif d.reply is None:
                if domain.overdue(d.due_on, today, answered=False):
                    depts[d.name] = CheckState.OVERDUE
                    late.append(d.name)
                else:
                    depts[d.name] = CheckState.WAITING
                if d.due_on is not None and (earliest is None or d.due_on < earliest):
                    earliest = d.due_on
            elif d.reply == domain.Reply.FURTHER:
                depts[d.name] = CheckState.WAITING
            else:
                depts[d.name] = _state(
                    domain.Finding.PROBLEM if d.reply == domain.Reply.PROBLEM else "clear"
                )
        days_left: int | None = None
        if earliest is not None:
            if calendar is None:
                calendar = campaign_selectors.working_calendar()
            days_left = calendar.working_days_between(today, earliest)
        if f.report_signed:
            inspection = CheckState.DONE
        elif f.notice_issued:
            inspection = CheckState.WAITING
        else:
            inspection = CheckState.MISSING
        open_ = domain.Status(c.status) in domain.OPEN
        out.append(
            BoardRow(
                case=c,
                status_label=domain.STATUS_LABELS[domain.Status(c.status)],
                inspection=inspection,
                checks={i: _state(v) for i, v in f.check_items.items()},
                departments=depts,
                four_musts=(
                    {i: _state(v) for i, v in f.cadre_checks.items()}
                    if f.is_cadre
                    else dict.fromkeys(f.cadre_checks, CheckState.NOT_APPLICABLE)
                ),
                vetoes=list(f.open_vetoes),
                blockers=domain.blockers(f) if open_ else [],
                days_left=days_left,
                late_departments=late,
            )
        )
    return out
