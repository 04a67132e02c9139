"""Reads for the election pages and services: counts, blockers, differences, lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import Campaign, ElectionUnit
from tuixuan.campaign.rules import structure
from tuixuan.core import clock
from tuixuan.core.strokes import name_key, sort_names
from tuixuan.election.counting import (
    DEFAULT_MARGIN,
    DEFAULT_REDUCTION_RATIO,
    Profile,
    ballot_size,
    quorum_met,
)
from tuixuan.election.models import (
    Batch,
    BatchEntry,
    Candidate,
    Delegate,
    DelegateStatus,
    DueVoter,
    Election,
    ElectionStatus,
    EnteredBallot,
    Round,
    RoundCandidate,
    RoundKind,
    RoundStatus,
    SeatReduction,
    SettledBallot,
    Staff,
    StaffRole,
)
from tuixuan.nomination.selectors import as_person
from tuixuan.notice import selectors as notice_selectors
from tuixuan.notice.models import CandidateList
from tuixuan.registry.models import Member, MemberType, RightsStatus


def voting_members(election: Election, *, on: dt.date) -> QuerySet[Member]:
    """Full members of the subtree whose voting rights are not suspended on ``on``.

    A member under 留党察看 has no vote during its period; once ``rights_until`` has
    passed the vote is back even if the status was not yet updated in the registry.
    """
    rights = Q(rights_status=RightsStatus.NORMAL) | Q(
        rights_status=RightsStatus.PROBATION, rights_until__lt=on
    )
    return Member.objects.filter(
        Q(organisation__path__startswith=election.organisation.path),
        Q(member_type=MemberType.FULL),
        rights,
    )


@dataclass(frozen=True)
class Attendance:
    due: int
    present: int
    excluded: int
    quorum_met: bool


def attendance(election: Election) -> Attendance:
    counts = DueVoter.objects.filter(election=election).aggregate(
        due=Count("id", filter=Q(exclusion="")),
        present=Count("id", filter=Q(exclusion="", present=True)),
        excluded=Count("id", filter=~Q(exclusion="")),
    )
    due, present = counts["due"], counts["present"]
    return Attendance(
        due=due,
        present=present,
        excluded=counts["excluded"],
        quorum_met=due > 0
        and quorum_met(Profile(election.profile), due_voters=due, present_voters=present),
    )


def candidate_names(election: Election) -> set[str]:
    return set(Candidate.objects.filter(election=election).values_list("name", flat=True))


def round_candidates(round_: Round) -> list[Candidate]:
    """The candidates in ballot order."""
    return [
        rc.candidate
        for rc in RoundCandidate.objects.filter(round=round_).select_related("candidate")
    ]


def round_names(round_: Round) -> list[str]:
    return list(
        RoundCandidate.objects.filter(round=round_)
        .order_by("position")
        .values_list("candidate__name", flat=True)
    )


def ballot_order(candidates: list[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=lambda c: name_key(c.name))


def active_round(election: Election) -> Round | None:
    return (
        Round.objects.filter(election=election)
        .exclude(status=RoundStatus.RELEASED)
        .order_by("-number")
        .first()
    )


def next_round_number(election: Election) -> int:
    last = Round.objects.filter(election=election).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def open_blockers(election: Election) -> list[str]:
    """What stands between a prepared election and opening the meeting."""
    blockers = []
    if not Candidate.objects.filter(election=election).exists():
        blockers.append(_("尚未录入候选人名单。"))
    if not DueVoter.objects.filter(election=election, exclusion="").exists():
        blockers.append(_("尚未生成应到会人员名单。"))
    if election.chief_scrutineer_id is None:
        blockers.append(_("尚未确定总监票人。"))
    if not Staff.objects.filter(election=election, role=StaffRole.SCRUTINEER).exists():
        blockers.append(_("尚未确定监票人。"))
    if not Staff.objects.filter(election=election, role=StaffRole.TELLER).exists():
        blockers.append(_("尚未确定计票人。"))
    return blockers + campaign_open_blockers(election)


def issue_blockers(round_: Round) -> list[str]:
    election = round_.election
    blockers = []
    if not election.method_adopted:
        blockers.append(_("大会尚未通过选举办法。"))
    if not RoundCandidate.objects.filter(round=round_).exists():
        blockers.append(_("本轮尚无候选人。"))
    now = attendance(election)
    if not now.quorum_met:
        blockers.append(
            _("应到会 %(due)d 人，实到会 %(present)d 人，不足法定人数，不能进行选举。")
            % {"due": now.due, "present": now.present}
        )
    return blockers


def count_blockers(round_: Round) -> list[str]:
    blockers = []
    pending = Batch.objects.filter(round=round_).exclude(status="settled")
    for batch in pending:
        blockers.append(
            _("第 %(n)d 批选票尚未核定（%(status)s）。")
            % {"n": batch.number, "status": batch.get_status_display()}
        )
    if not Batch.objects.filter(round=round_).exists() and not round_.group_totals.exists():
        blockers.append(_("尚未录入任何选票。"))
    return blockers


@dataclass(frozen=True)
class Reading:
    marks: str
    write_ins: dict[str, str]
    doubtful: bool


@dataclass(frozen=True)
class Difference:
    """A ballot of a batch the chief scrutineer must decide: the two readings differ, or a
    teller flagged it doubtful. ``positions`` are the ballot rows that differ."""

    seq: int
    first: Reading | None
    second: Reading | None
    positions: tuple[int, ...]

    @property
    def doubtful(self) -> bool:
        return any(r is not None and r.doubtful for r in (self.first, self.second))


def _readings(entry: BatchEntry | None) -> dict[int, Reading]:
    if entry is None:
        return {}
    return {
        seq: Reading(marks, dict(write_ins or {}), doubtful)
        for seq, marks, write_ins, doubtful in EnteredBallot.objects.filter(
            entry=entry
        ).values_list("seq", "marks", "write_ins", "doubtful")
    }


def entries(batch: Batch) -> tuple[BatchEntry | None, BatchEntry | None]:
    by_pass = {e.pass_number: e for e in BatchEntry.objects.filter(batch=batch)}
    return by_pass.get(1), by_pass.get(2)


def compare(batch: Batch) -> tuple[dict[int, Reading], list[Difference]]:
    """Readings both tellers agree on (and nobody doubted), and every other ballot."""
    first, second = entries(batch)
    one, two = _readings(first), _readings(second)
    agreed: dict[int, Reading] = {}
    differences: list[Difference] = []
    for seq in range(1, batch.ballot_count + 1):
        a, b = one.get(seq), two.get(seq)
        if a is not None and b is not None and a == b and not a.doubtful:
            agreed[seq] = a
            continue
        positions: tuple[int, ...] = ()
        if a is not None and b is not None:
            width = max(len(a.marks), len(b.marks))
            positions = tuple(
                i
                for i in range(width)
                if a.marks[i : i + 1] != b.marks[i : i + 1]
                or a.write_ins.get(str(i)) != b.write_ins.get(str(i))
            )
        differences.append(Difference(seq, a, b, positions))
    return agreed, differences


def pending_differences(batch: Batch) -> list[Difference]:
    settled = set(SettledBallot.objects.filter(batch=batch).values_list("seq", flat=True))
    _agreed, differences = compare(batch)
    return [d for d in differences if d.seq not in settled]


def active_delegates(election: Election) -> QuerySet[Delegate]:
    return Delegate.objects.filter(election=election).exclude(status=DelegateStatus.REMOVED)


def elected_in_stroke_order(election: Election) -> list[Delegate]:
    delegates = list(active_delegates(election).select_related("round"))
    order = {name: i for i, name in enumerate(sort_names(d.name for d in delegates))}
    return sorted(delegates, key=lambda d: (order[d.name], d.pk))


def seats_in_force(election: Election) -> int:
    """The approved seats, or fewer after an agreed reduction following a shortfall."""
    latest = SeatReduction.objects.filter(election=election).order_by("-id").first()
    return latest.seats_after if latest is not None else election.seats


def open_seats(election: Election) -> int:
    return seats_in_force(election) - active_delegates(election).count()


def latest_round(election: Election) -> Round | None:
    return Round.objects.filter(election=election).order_by("-number").first()


def campaign_of(election: Election) -> Campaign | None:
    if election.campaign_id is None:
        return None
    return Campaign.objects.filter(pk=election.campaign_id).first()


def _campaign_settings(election: Election) -> tuple[Fraction, Fraction] | None:
    campaign = campaign_of(election)
    if campaign is None:
        return None
    return campaign.margin_ratio, campaign.reduction_threshold


def margin_ratio(election: Election) -> Fraction:
    """The 差额 ratio: the campaign's setting when the election belongs to one."""
    settings = _campaign_settings(election)
    return DEFAULT_MARGIN if settings is None else settings[0]


def reduction_ratio(election: Election) -> Fraction:
    """How close to the seats those elected must be before seats may be reduced."""
    settings = _campaign_settings(election)
    return DEFAULT_REDUCTION_RATIO if settings is None else settings[1]


def equal_allowed(election: Election, kind: RoundKind | str) -> bool:
    """等额 (as many candidates as seats) is open only to a 补选, and only when the campaign
    allows it (``Campaign.equal_by_election``, default off); every other first or formal
    round is 差额 (docs/domain.md §4.3)."""
    if RoundKind(kind) != RoundKind.BY_ELECTION:
        return False
    campaign = campaign_of(election)
    return campaign is not None and campaign.equal_by_election


def _percent(ratio: Fraction) -> str:
    value = Fraction(ratio) * 100
    return f"{value.numerator}%" if value.denominator == 1 else f"{float(value):.1f}%"


def ballot_size_problem(
    election: Election, kind: RoundKind | str, seats: int, candidates: int
) -> str | None:
    """The refusal of a ballot that does not keep the 差额, in Chinese; None when it does
    (or when it is a 等额 补选 the campaign allows)."""
    kind = RoundKind(kind)
    ratio = margin_ratio(election)
    size = ballot_size(seats, candidates, ratio, equal_allowed=equal_allowed(election, kind))
    if size.ok:
        return None
    facts = {
        "kind": kind.label,
        "n": candidates,
        "seats": seats,
        "ratio": _percent(ratio),
        "needed": size.needed,
    }
    if candidates < seats:
        return (
            _(
                "%(kind)s候选人 %(n)d 名，少于应选名额 %(seats)d 名，不能投票；按差额比例 "
                "%(ratio)s 应有 %(needed)d 名。"
            )
            % facts
        )
    if size.equal:
        why = (
            _("本次推选工作未允许补选实行等额选举")
            if kind == RoundKind.BY_ELECTION
            else _("等额选举只适用于推选工作允许的补选")
        )
        return _(
            "%(kind)s候选人 %(n)d 名，等于应选名额（等额选举）；%(why)s，"
            "按差额比例 %(ratio)s 应有 %(needed)d 名。"
        ) % {**facts, "why": why}
    return (
        _(
            "%(kind)s候选人 %(n)d 名，少于应选名额 %(seats)d 名按差额比例 %(ratio)s 应有的 "
            "%(needed)d 名（差额选举），请增加候选人。"
        )
        % facts
    )


# --- the campaign's side: where the candidates came from, what the election gave back ---


def approved_list_changed(election: Election) -> CandidateList | None:
    """The unit's approved list when it is not the one the election took (a list returned
    and approved again, or nothing taken yet); None when there is nothing newer."""
    if election.unit_id is None:
        return None
    unit = ElectionUnit.objects.get(pk=election.unit_id)
    approved = notice_selectors.approved_list(unit)
    if approved is None or approved.pk == election.candidate_list_id:
        return None
    return approved


def campaign_open_blockers(election: Election) -> list[str]:
    """What a campaign election lacks before it opens, besides ``open_blockers``."""
    if election.unit_id is None or election.status != ElectionStatus.PREPARING:
        return []
    newer = approved_list_changed(election)
    if newer is None:
        return []
    if election.candidate_list_id is None:
        return [_("尚未采用召集机关批准的候选人预备人选名单。")]
    return [_("召集机关批准的候选人预备人选名单已变更，请重新采用。")]


@dataclass(frozen=True)
class UnitResult:
    """One election unit's result as it goes back to the campaign (docs/domain.md §3.8)."""

    unit: ElectionUnit
    election: Election | None
    seats: int
    """The unit's seats as allocated by the campaign."""
    seats_in_force: int
    """The seats after an agreed reduction (equal to ``seats`` without one)."""
    elected: list[Delegate]
    structure: list[structure.TargetResult]
    structure_problem: str = ""
    unlinked: int = 0
    """Elected persons not linked to a member of the registry (not in the structure)."""

    @property
    def filled(self) -> int:
        return len(self.elected)

    @property
    def shortfall(self) -> int:
        return max(self.seats - self.filled, 0)

    @property
    def reduced(self) -> int:
        return self.seats - self.seats_in_force

    @property
    def status_label(self) -> str:
        if self.election is None:
            return _("尚未创建选举会议")
        return str(self.election.get_status_display())


@dataclass(frozen=True)
class CampaignResults:
    campaign: Campaign
    units: list[UnitResult]
    structure: list[structure.TargetResult]
    structure_problem: str = ""

    @property
    def seats(self) -> int:
        return sum(u.seats for u in self.units)

    @property
    def filled(self) -> int:
        return sum(u.filled for u in self.units)

    @property
    def shortfall(self) -> int:
        return sum(u.shortfall for u in self.units)


def unit_election(unit: ElectionUnit) -> Election | None:
    """The election of a campaign's unit: created from the unit, or linked to the campaign
    by its id for the unit's organisation."""
    return (
        Election.objects.filter(unit=unit).order_by("-pk").first()
        or Election.objects.filter(
            unit__isnull=True, campaign_id=unit.campaign_id, organisation=unit.organisation
        )
        .order_by("-pk")
        .first()
    )


def _evaluate(
    campaign: Campaign, members: list[Member], unit: ElectionUnit | None, day: dt.date
) -> tuple[list[structure.TargetResult], str]:
    try:
        return (
            campaign_selectors.evaluate_structure(
                campaign, [as_person(m) for m in members], unit=unit, reference_date=day
            ),
            "",
        )
    except structure.StructureError as exc:
        return [], exc.message


def campaign_results(
    campaign: Campaign, units: QuerySet[ElectionUnit] | None = None
) -> CampaignResults:
    """Per unit: those elected (in stroke order), the seats filled and missing, and the
    structure of the elected against the targets, counted afresh from the members; then the
    same for the whole campaign. Ages are taken on each meeting's date (today for the
    whole)."""
    rows = (units if units is not None else campaign.units.all()).select_related(
        "organisation", "campaign"
    )
    out: list[UnitResult] = []
    everyone: list[Member] = []
    for unit in rows.order_by("organisation__code", "pk"):
        election = unit_election(unit)
        if election is None:
            results, problem = _evaluate(campaign, [], unit, clock.today())
            out.append(UnitResult(unit, None, unit.seats, unit.seats, [], results, problem))
            continue
        elected = elected_in_stroke_order(election)  # every active delegate, any round
        members = [
            d.candidate.member
            for d in Delegate.objects.filter(pk__in=[d.pk for d in elected]).select_related(
                "candidate__member"
            )
            if d.candidate is not None and d.candidate.member is not None
        ]
        everyone += members
        results, problem = _evaluate(
            campaign, members, unit, election.meeting_date or clock.today()
        )
        out.append(
            UnitResult(
                unit=unit,
                election=election,
                seats=unit.seats,
                seats_in_force=unit.seats - (election.seats - seats_in_force(election)),
                elected=elected,
                structure=results,
                structure_problem=problem,
                unlinked=len(elected) - len(members),
            )
        )
    whole, problem = _evaluate(campaign, everyone, None, clock.today())
    return CampaignResults(campaign, out, whole, problem)
