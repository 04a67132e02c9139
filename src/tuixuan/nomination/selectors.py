"""Reading the nomination: reports, tallies with their flags, who has not reported,
participation rates, and the structure of a list."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import Campaign, ElectionUnit, Milestone, NonOverlapPolicy, Stage
from tuixuan.campaign.rules import structure
from tuixuan.core import clock
from tuixuan.core.models import PATH_WIDTH, Organisation
from tuixuan.nomination import domain, eligibility, ranking, tally
from tuixuan.nomination.models import (
    BranchReport,
    EntryMode,
    ListEntry,
    ListKind,
    ListStatus,
    NominationList,
    OrgRecommendation,
    Participation,
    ParticipationMode,
    ReportCount,
    ReportStatus,
    Round,
    RoundStage,
    UnitRound,
    UnitRoundStatus,
)
from tuixuan.registry.models import (
    Deputy,
    DeputyBody,
    Investigation,
    Member,
    Occupation,
    RightsStatus,
    Sanction,
)

# --- the tree of a unit ------------------------------------------------------------------


def is_leaf(org: Organisation) -> bool:
    return not Organisation.objects.filter(parent=org).exists()


def branches(unit: ElectionUnit, *, under: Organisation | None = None) -> QuerySet[Organisation]:
    """The organisations that report in 一上: the leaves of the unit's subtree."""
    path = (under or unit.organisation).path
    has_child = Organisation.objects.filter(parent=OuterRef("pk"))
    return (
        Organisation.objects.filter(path__startswith=path)
        .annotate(has_child=Exists(has_child))
        .filter(has_child=False)
        .order_by("path")
    )


def level_ids(unit: ElectionUnit, org: Organisation) -> list[int]:
    """The organisation and those above it up to and including the unit's."""
    ids = org.ancestor_ids()
    return ids[unit.organisation.depth :]


def unit_of(campaign: Campaign, org: Organisation) -> ElectionUnit | None:
    return campaign_selectors.unit_for_organisation(campaign, org)


def deadline(campaign: Campaign, stage: Stage = Stage.FIRST_UP) -> dt.date | None:
    m = Milestone.objects.filter(campaign=campaign, stage=stage).first()
    return m.deadline if m else None


def report_for(round: Round, org: Organisation) -> BranchReport | None:
    return BranchReport.objects.filter(round=round, organisation=org).first()


def current_counts(report: BranchReport) -> dict[int, tuple[int, int]]:
    """Per person (votes, probationary votes): counted from the forms while a forms-mode
    report is a draft, else its fixed counts."""
    if report.mode == EntryMode.FORMS and report.status == ReportStatus.DRAFT:
        grouped: dict[int, list[int]] = defaultdict(list)
        prob: dict[int, bool] = {}
        rows = report.entries.values_list("form_no", "candidate_id", "probationary")
        for no, pk, p in rows:
            grouped[no].append(pk)
            prob[no] = p
        return domain.count_forms(domain.Form(c, prob[no]) for no, c in grouped.items())
    return {
        c: (v, p)
        for c, v, p in report.counts.values_list("candidate_id", "votes", "probationary_votes")
    }


def in_unit(unit: ElectionUnit, member: Member) -> bool:
    return member.organisation.path.startswith(unit.organisation.path)


# --- eligibility -------------------------------------------------------------------------


def findings_for(
    campaign: Campaign,
    members: Sequence[Member],
    *,
    unit: ElectionUnit | None = None,
    today: dt.date | None = None,
) -> dict[int, list[eligibility.Finding]]:
    """Each person's findings, with the outside lists read in three queries for all of them."""
    from tuixuan.nomination.models import Exemption

    today = today or clock.today()
    # Outside-list rows count through their match only: a row applies to the member of the
    # subtree it was imported for, not to anyone elsewhere who shares the citizen ID.
    ids = [m.pk for m in members]
    sanctions: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    for s in Sanction.objects.filter(member_id__in=ids):
        if s.member_id is not None:
            sanctions[s.member_id].append((s.kind, s.effect_until))
    investigations = dict(
        Investigation.objects.filter(member_id__in=ids, closed_on__isnull=True)
        .values_list("member_id")
        .annotate(n=Count("id"))
        .values_list("member_id", "n")
    )
    deputies: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for d in Deputy.objects.filter(member_id__in=ids):
        if d.member_id is not None:
            deputies[d.member_id].append((str(DeputyBody(d.body).label), d.level))
    exempted = set(
        Exemption.objects.filter(campaign=campaign, candidate__in=members).values_list(
            "candidate_id", flat=True
        )
    )
    refuse = campaign.non_overlap_policy == NonOverlapPolicy.REFUSE
    out: dict[int, list[eligibility.Finding]] = {}
    for m in members:
        facts = eligibility.Facts(
            member_type=m.member_type,
            rights_status=m.rights_status,
            rights_until=m.rights_until,
            is_lost_contact=m.is_lost_contact,
            sanctions=sanctions.get(m.pk, ()),
            open_investigations=int(investigations.get(m.pk, 0)),
            deputies=deputies.get(m.pk, ()),
            exempted=m.pk in exempted,
            in_scope=unit is None or in_unit(unit, m),
        )
        out[m.pk] = eligibility.check(
            facts, today=today, campaign_level=campaign.level, refuse_overlap=refuse
        )
    return out


# --- tallies -----------------------------------------------------------------------------


@dataclass
class Recommender:
    organisation: Organisation
    accountable_person: str
    votes: int
    probationary_votes: int


@dataclass
class TallyRow:
    rank: int
    member: Member
    votes: int
    probationary_votes: int
    reports: int
    findings: list[eligibility.Finding] = field(default_factory=list)
    recommenders: list[Recommender] = field(default_factory=list)
    org_recommended_by: list[OrgRecommendation] = field(default_factory=list)

    @property
    def vetoed(self) -> bool:
        return any(f.is_veto for f in self.findings)

    @property
    def blocked(self) -> bool:
        return bool(self.findings)


def recommenders(
    round: Round, org: Organisation, member_ids: Iterable[int]
) -> dict[int, list[Recommender]]:
    """Which submitted branches of the subtree recommended each person (谁推荐谁负责)."""
    out: dict[int, list[Recommender]] = defaultdict(list)
    rows = (
        ReportCount.objects.filter(
            report__round=round,
            report__status=ReportStatus.SUBMITTED,
            report__organisation__path__startswith=org.path,
            candidate_id__in=list(member_ids),
        )
        .filter(Q(votes__gt=0) | Q(probationary_votes__gt=0))
        .select_related("report__organisation")
        .order_by("report__organisation__path")
    )
    for c in rows:
        out[c.candidate_id].append(
            Recommender(
                c.report.organisation, c.report.accountable_person, c.votes, c.probationary_votes
            )
        )
    return out


def ranked(
    round: Round,
    org: Organisation,
    *,
    limit: int | None = 50,
    recommenders_for: str = "flagged",
    today: dt.date | None = None,
) -> list[TallyRow]:
    """The level's maintained tally, ranked, each person with findings and, for the flagged
    ones (or ``"all"``), the branches that recommended them.

    A popular name at a city unit is recommended by a thousand branches; listing them all for
    every row would cost more than the ranking itself, so the page lists them where
    accountability is in question and shows the number of branches otherwise.
    """
    rows = tally.top(round_id=round.pk, organisation_id=org.pk, limit=limit)
    org_recs = list(
        OrgRecommendation.objects.filter(
            round=round, organisation__path__startswith=org.path
        ).select_related("organisation")
    )
    ids = [r[0] for r in rows]
    extra = [o.candidate_id for o in org_recs if o.candidate_id not in ids]
    members = Member.objects.select_related("organisation").in_bulk([*ids, *extra])
    unit = unit_of(round.campaign, org)
    flags = findings_for(round.campaign, list(members.values()), unit=unit, today=today)
    wanted = (
        list(members)
        if recommenders_for == "all"
        else [pk for pk in members if flags[pk]]
        if recommenders_for == "flagged"
        else []
    )
    who = recommenders(round, org, wanted) if wanted else {}
    by_org: dict[int, list[OrgRecommendation]] = defaultdict(list)
    for o in org_recs:
        by_org[o.candidate_id].append(o)
    out: list[TallyRow] = []
    for rank, (pk, votes, pvotes, reports) in enumerate(rows, start=1):
        out.append(
            TallyRow(
                rank,
                members[pk],
                votes,
                pvotes,
                reports,
                flags[pk],
                who.get(pk, []),
                by_org.get(pk, []),
            )
        )
    for pk in dict.fromkeys(extra):
        out.append(TallyRow(0, members[pk], 0, 0, 0, flags[pk], [], by_org.get(pk, [])))
    return out


def flagged(round: Round, org: Organisation) -> list[TallyRow]:
    """Every recommended person with a finding, whatever their rank."""
    return [r for r in ranked(round, org, limit=None, recommenders_for="flagged") if r.findings]


# --- progress ----------------------------------------------------------------------------


@dataclass
class ChildStatus:
    organisation: Organisation
    branches: int
    submitted: int

    @property
    def complete(self) -> bool:
        return self.branches > 0 and self.submitted == self.branches


def children_status(round: Round, unit: ElectionUnit, org: Organisation) -> list[ChildStatus]:
    leaves = list(branches(unit, under=org).values_list("path", flat=True))
    done = set(
        BranchReport.objects.filter(
            round=round, status=ReportStatus.SUBMITTED, organisation__path__startswith=org.path
        ).values_list("organisation__path", flat=True)
    )
    width = len(org.path) + PATH_WIDTH + 1
    total: Counter[str] = Counter(p[:width] for p in leaves)
    submitted: Counter[str] = Counter(p[:width] for p in leaves if p in done)
    return [
        ChildStatus(child, total[child.path], submitted[child.path])
        for child in Organisation.objects.filter(parent=org).order_by("path")
    ]


def not_reported(
    round: Round, unit: ElectionUnit, org: Organisation, *, limit: int | None = None
) -> list[Organisation]:
    done = BranchReport.objects.filter(
        round=round, status=ReportStatus.SUBMITTED, organisation=OuterRef("pk")
    )
    qs = branches(unit, under=org).annotate(done=Exists(done)).filter(done=False)
    return list(qs[:limit] if limit is not None else qs)


def levels(unit: ElectionUnit) -> QuerySet[Organisation]:
    """Organisations of the unit that roll up (the unit and every non-leaf below it)."""
    has_child = Organisation.objects.filter(parent=OuterRef("pk"))
    return (
        Organisation.objects.filter(path__startswith=unit.organisation.path)
        .annotate(has_child=Exists(has_child))
        .filter(has_child=True)
        .order_by("path")
    )


# --- participation -----------------------------------------------------------------------


@dataclass
class Rates:
    organisations: int
    organisations_reporting: int
    members: int
    members_reached: int
    org_target: Fraction
    member_target: Fraction
    by_mode: dict[str, int]

    @property
    def org_rate(self) -> Fraction:
        return domain.rate(self.organisations_reporting, self.organisations)

    @property
    def member_rate(self) -> Fraction:
        return domain.rate(self.members_reached, self.members)

    @property
    def org_met(self) -> bool:
        return self.organisations > 0 and self.org_rate >= self.org_target

    @property
    def member_met(self) -> bool:
        return self.members > 0 and self.member_rate >= self.member_target

    @property
    def org_percent(self) -> str:
        return domain.percent(self.org_rate)

    @property
    def member_percent(self) -> str:
        return domain.percent(self.member_rate)


def eligible_members(path: str, *, today: dt.date | None = None) -> QuerySet[Member]:
    """Members who can take part: not under 留党察看 in its period, not detained or arrested."""
    today = today or clock.today()
    return Member.objects.filter(organisation__path__startswith=path).exclude(
        Q(rights_status__in=[RightsStatus.DETAINED, RightsStatus.ARRESTED])
        | (
            Q(rights_status=RightsStatus.PROBATION)
            & (Q(rights_until__isnull=True) | Q(rights_until__gte=today))
        )
    )


def rates(round: Round, unit: ElectionUnit, org: Organisation) -> Rates:
    campaign = round.campaign
    orgs = branches(unit, under=org).count()
    reporting = BranchReport.objects.filter(
        round=round, status=ReportStatus.SUBMITTED, organisation__path__startswith=org.path
    ).count()
    base = eligible_members(org.path)
    members = base.count()
    parts = Participation.objects.filter(
        report__round=round,
        report__organisation__path__startswith=org.path,
        member__in=base,
    )
    by_mode = {
        str(ParticipationMode(k).label): n
        for k, n in parts.values_list("mode").annotate(n=Count("id")).values_list("mode", "n")
    }
    return Rates(
        orgs,
        reporting,
        members,
        parts.count(),
        campaign.org_participation_target,
        campaign.member_participation_target,
        by_mode,
    )


def total_rates(parts: Sequence[Rates], campaign: Campaign) -> Rates:
    """The rates of several units together (the campaign overall), summed exactly."""
    by_mode: dict[str, int] = defaultdict(int)
    for r in parts:
        for k, v in r.by_mode.items():
            by_mode[k] += v
    return Rates(
        sum(r.organisations for r in parts),
        sum(r.organisations_reporting for r in parts),
        sum(r.members for r in parts),
        sum(r.members_reached for r in parts),
        campaign.org_participation_target,
        campaign.member_participation_target,
        dict(by_mode),
    )


@dataclass
class ReportRow:
    report: BranchReport
    members: int
    reached: int

    @property
    def percent(self) -> str:
        return domain.percent(domain.rate(self.reached, self.members))


def report_rows(round: Round, org: Organisation) -> list[ReportRow]:
    """Each branch report of the subtree with its own member participation."""
    reports = list(
        BranchReport.objects.filter(round=round, organisation__path__startswith=org.path)
        .select_related("organisation")
        .annotate(reached=Count("participants"))
        .order_by("organisation__path")
    )
    eligible = dict(
        eligible_members(org.path)
        .values_list("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )
    return [ReportRow(r, int(eligible.get(r.organisation_id, 0)), int(r.reached)) for r in reports]


def members_not_reached(round: Round, org: Organisation, limit: int = 500) -> list[Member]:
    reached = Participation.objects.filter(report__round=round, member=OuterRef("pk"))
    return list(
        eligible_members(org.path)
        .annotate(r=Exists(reached))
        .filter(r=False)
        .select_related("organisation")
        .order_by("organisation__path", "name")[:limit]
    )


@dataclass
class Satisfaction:
    total: int
    satisfied: int
    basic: int
    dissatisfied: int

    @property
    def rate(self) -> Fraction:
        return domain.rate(self.satisfied + self.basic, self.total)

    @property
    def percent(self) -> str:
        return domain.percent(self.rate)


def satisfaction(round: Round, org: Organisation) -> Satisfaction:
    s = Satisfaction(0, 0, 0, 0)
    for r in BranchReport.objects.filter(round=round, organisation__path__startswith=org.path):
        s.total += r.survey_total
        s.satisfied += r.survey_satisfied
        s.basic += r.survey_basic
        s.dissatisfied += r.survey_dissatisfied
    return s


# --- lists and structure -----------------------------------------------------------------


def list_for(round: Round, org: Organisation, kind: ListKind) -> NominationList | None:
    """The level's list of that kind in force: not one it has decided to reopen."""
    return (
        NominationList.objects.filter(round=round, organisation=org, kind=kind)
        .exclude(status=ListStatus.REOPENED)
        .first()
    )


def reopened_lists(round: Round, org: Organisation) -> list[NominationList]:
    return list(
        NominationList.objects.filter(
            round=round, organisation=org, status=ListStatus.REOPENED
        ).order_by("-reopened_on", "-pk")
    )


# --- closing a unit's 一上 and 二上 (docs/domain.md §7.3) ------------------------------


def unit_round(round: Round, unit: ElectionUnit, stage: RoundStage) -> UnitRound | None:
    return UnitRound.objects.filter(round=round, unit=unit, stage=stage).first()


def stage_closed(round: Round, unit: ElectionUnit, stage: RoundStage) -> bool:
    return UnitRound.objects.filter(
        round=round, unit=unit, stage=stage, status=UnitRoundStatus.CLOSED
    ).exists()


# --- the ranking a level decides from (docs/domain.md §3.2) ---------------------------


@dataclass
class Counted:
    """What a level counts: the lists fixed by the levels nearest below it, and the reports
    of the branches not under any of them (a level below that fixed no list is looked
    through: its branches count directly)."""

    lists: list[NominationList]
    covered: list[str]
    """Paths of the levels whose list stands for their subtree."""

    def reports_q(self, prefix: str = "") -> Q:
        q = Q()
        for path in self.covered:
            q |= Q(**{f"{prefix}path__startswith": path})
        return q


def counted(round: Round, org: Organisation) -> Counted:
    below = list(
        NominationList.objects.filter(
            round=round,
            kind=ListKind.POOL,
            organisation__path__startswith=org.path,
        )
        .exclude(organisation=org)
        .exclude(status=ListStatus.REOPENED)
        .select_related("organisation")
        .order_by("organisation__path")
    )
    nearest: list[NominationList] = []
    for nl in below:
        if not any(nl.organisation.path.startswith(n.organisation.path) for n in nearest):
            nearest.append(nl)
    return Counted(nearest, [n.organisation.path for n in nearest])


def not_reported_counted(
    round: Round, unit: ElectionUnit, org: Organisation, *, limit: int | None = None
) -> list[Organisation]:
    """The branches a level's decision still waits for: those it counts directly (not under
    a level below that fixed its list, whose decision dealt with its own branches)."""
    covered = counted(round, org).reports_q()
    done = BranchReport.objects.filter(
        round=round, status=ReportStatus.SUBMITTED, organisation=OuterRef("pk")
    )
    qs = branches(unit, under=org).annotate(done=Exists(done)).filter(done=False)
    if covered:
        qs = qs.exclude(covered)
    return list(qs[:limit] if limit is not None else qs)


def decision_standings(round: Round, org: Organisation) -> list[ranking.Standing]:
    """The level's ranking by the rule of docs/domain.md §3.2, every name it holds."""
    c = counted(round, org)
    reports = ReportCount.objects.filter(
        report__round=round,
        report__status=ReportStatus.SUBMITTED,
        report__organisation__path__startswith=org.path,
        votes__gt=0,
    )
    if c.covered:
        reports = reports.exclude(c.reports_q("report__organisation__"))
    organisations: Counter[int] = Counter(
        dict(
            reports.values_list("candidate_id")
            .annotate(n=Count("id"))
            .values_list("candidate_id", "n")
        )
    )
    organisations.update(
        dict(
            ListEntry.objects.filter(nomination_list__in=c.lists)
            .values_list("candidate_id")
            .annotate(n=Count("id"))
            .values_list("candidate_id", "n")
        )
    )
    votes = {
        pk: (v, p)
        for pk, v, p, _n in tally.top(round_id=round.pk, organisation_id=org.pk, limit=None)
    }
    return ranking.ranked_counts(organisations, votes)


@dataclass
class DecisionRow:
    rank: int
    member: Member
    organisations: int
    votes: int
    probationary_votes: int
    findings: list[eligibility.Finding] = field(default_factory=list)
    org_recommended_by: list[OrgRecommendation] = field(default_factory=list)
    on_lists: list[Organisation] = field(default_factory=list)

    @property
    def vetoed(self) -> bool:
        return any(f.is_veto for f in self.findings)

    @property
    def blocked(self) -> bool:
        return bool(self.findings)


def decision_ranking(
    round: Round, org: Organisation, *, limit: int | None = None, today: dt.date | None = None
) -> list[DecisionRow]:
    """The ranking the level decides from, each row with its findings, the lists below that
    carry it, and the organisation recommendations made here or in the levels looked
    through (rank 0, after the ranked names, when nobody below put the name forward)."""
    c = counted(round, org)
    standings = decision_standings(round, org)
    shown = standings[:limit] if limit is not None else standings
    recs = OrgRecommendation.objects.filter(
        round=round, organisation__path__startswith=org.path
    ).select_related("organisation")
    if c.covered:
        recs = recs.exclude(c.reports_q("organisation__"))
    org_recs = list(recs)
    ids = [s.person for s in shown]
    extra = [o.candidate_id for o in org_recs if o.candidate_id not in ids]
    members = Member.objects.select_related("organisation").in_bulk([*ids, *extra])
    unit = unit_of(round.campaign, org)
    flags = findings_for(round.campaign, list(members.values()), unit=unit, today=today)
    by_org: dict[int, list[OrgRecommendation]] = defaultdict(list)
    for o in org_recs:
        by_org[o.candidate_id].append(o)
    lists: dict[int, list[Organisation]] = defaultdict(list)
    for pk, nl_org in ListEntry.objects.filter(
        nomination_list__in=c.lists, candidate_id__in=ids
    ).values_list("candidate_id", "nomination_list__organisation_id"):
        lists[pk].append(next(n.organisation for n in c.lists if n.organisation_id == nl_org))
    out = [
        DecisionRow(
            i,
            members[s.person],
            s.organisations,
            s.votes,
            s.probationary_votes,
            flags[s.person],
            by_org.get(s.person, []),
            lists.get(s.person, []),
        )
        for i, s in enumerate(shown, start=1)
    ]
    ranked_all = {s.person: s for s in standings}
    for pk in dict.fromkeys(extra):
        s = ranked_all.get(pk)
        out.append(
            DecisionRow(
                0,
                members[pk],
                s.organisations if s else 0,
                s.votes if s else 0,
                s.probationary_votes if s else 0,
                flags[pk],
                by_org.get(pk, []),
            )
        )
    return out


def decision_source(round: Round, org: Organisation) -> set[int]:
    """Who the level may put on its list: the names its ranking holds and the organisation
    recommendations made here or in the levels it looks through."""
    c = counted(round, org)
    recs = OrgRecommendation.objects.filter(round=round, organisation__path__startswith=org.path)
    if c.covered:
        recs = recs.exclude(c.reports_q("organisation__"))
    return {s.person for s in decision_standings(round, org)} | set(
        recs.values_list("candidate_id", flat=True)
    )


_CATEGORY = {
    Occupation.OFFICIAL: "领导干部",
    Occupation.MANAGER: "领导干部",
    Occupation.PROFESSIONAL: "专业技术人员",
    Occupation.MILITARY: "解放军武警",
}
_FRONT_LINE = frozenset(
    {Occupation.WORKER, Occupation.FARMER, Occupation.PROFESSIONAL, Occupation.STUDENT}
)


def as_person(member: Member) -> structure.Person:
    """The registry's occupation read as a structure category for the preview.

    The registry does not hold 领导干部 or 先进模范 as such; until the vetting stage records
    each candidate's category, officials and managers count as 领导干部 and workers,
    farmers, professionals and students as 一线.
    """
    return structure.Person(
        gender=member.gender,
        ethnicity=member.ethnicity,
        birth_date=member.birth_date,
        category=_CATEGORY.get(Occupation(member.occupation), "其他"),
        front_line=member.occupation in _FRONT_LINE,
        name=member.name,
    )


def structure_preview(
    campaign: Campaign, unit: ElectionUnit, members: Sequence[Member]
) -> list[structure.TargetResult]:
    return campaign_selectors.evaluate_structure(
        campaign, [as_person(m) for m in members], unit=unit
    )
