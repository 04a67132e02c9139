"""Every change to an election, one function each, with its record event in the same
transaction (``writes_events`` opens it).

Counting is never done here: ``round_count`` aggregates the settled ballots into identical
kinds with their counts and hands them to ``tuixuan.election.counting``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tuixuan.core import clock
from tuixuan.core.access import in_scope
from tuixuan.core.errors import (
    ConcurrentChangeError,
    InvalidTransitionError,
    PermissionDeniedError,
    ValidationFailedError,
)
from tuixuan.core.models import Organisation, Role, User
from tuixuan.core.strokes import name_key, sort_names
from tuixuan.election import access, aggregate, domain, selectors
from tuixuan.election.counting import (
    COUNTING_RULES_VERSION,
    Outcome,
    Profile,
    RoundResult,
    count_round,
    minimum_candidates,
    reduction_permissible,
)
from tuixuan.election.counting import Round as CountingRound
from tuixuan.election.domain import (
    MARK_AGAINST,
    MARKS,
    check_batch_transition,
    check_election_transition,
    check_round_transition,
)
from tuixuan.election.models import (
    Batch,
    BatchEntry,
    BatchStatus,
    BodyType,
    Candidate,
    Delegate,
    DelegateStatus,
    DueVoter,
    Election,
    ElectionStatus,
    EnteredBallot,
    ExclusionReason,
    GroupTotal,
    PrintRun,
    ProfileChoice,
    ReductionAgreement,
    ResultRow,
    Round,
    RoundCandidate,
    RoundKind,
    RoundStatus,
    SeatReduction,
    SettledBallot,
    SittingAttendance,
    Staff,
    StaffRole,
)
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events
from tuixuan.registry.models import Member

MAX_COPIES = 100_000

# Reasons a delegate's credentials are not confirmed (the veto, docs/domain.md §5.2) plus
# "other", which needs the detail spelled out.
REMOVAL_REASONS = (
    "政治上不合格",
    "廉洁上有风险",
    "干部档案有问题",
    "党员身份存疑",
    "举报反映问题没有查清",
    "目前还在处分影响期内",
    "其他",
)


@dataclass(frozen=True)
class CandidateInput:
    name: str
    member: Member | None = None
    note: str = ""


# -- helpers ----------------------------------------------------------------------------


def _set_status(obj: Any, new: str, check: Any) -> None:
    """Conditional UPDATE: the row must still have the status this process read."""
    old = obj.status
    check(old, new)
    changed = type(obj).objects.filter(pk=obj.pk, status=old).update(status=new)
    if changed != 1:
        raise ConcurrentChangeError
    obj.status = new


def _require_manager(actor: User, election: Election) -> None:
    if not access.can_manage(actor, election):
        raise PermissionDeniedError(_("当前角色无权管理该选举。"))


def _require_chief(actor: User, election: Election) -> None:
    if not access.is_chief_scrutineer(actor, election):
        raise PermissionDeniedError(_("只有本次选举的总监票人可以进行此操作。"))


def _require_teller(actor: User, election: Election) -> None:
    if not access.can_enter(actor, election):
        raise PermissionDeniedError(_("只有本选举范围内的计票人可以录入选票。"))


def _refuse_chief_entry(actor: User, election: Election) -> None:
    """Separation of duties: who rules on a batch's differences does not read its ballots."""
    if access.is_chief_scrutineer(actor, election):
        raise PermissionDeniedError(
            _("总监票人负责裁定两遍录入的差异，不能录入选票；请由两名计票人分别录入。")
        )


def _rule_inputs(election: Election) -> dict[str, Any]:
    return {
        "profile": election.profile,
        "body_type": election.body_type,
        "election_seats": election.seats,
        "counting_rules_version": COUNTING_RULES_VERSION,
    }


def _record(
    *,
    event_type: EventType,
    actor: User,
    election: Election,
    summary: str,
    subject_type: str = "election",
    subject_id: int | None = None,
    inputs: Mapping[str, Any] | None = None,
    persons: list[str] | None = None,
) -> None:
    record(
        event_type=event_type,
        actor=actor,
        summary=summary,
        subject_type=subject_type,
        subject_id=subject_id if subject_id is not None else election.pk,
        accountable_organisation=election.organisation,
        person_citizen_ids=persons,
        inputs={"election": election.pk, **_rule_inputs(election), **(inputs or {})},
        campaign_id=election.campaign_id,
    )


def _digest(payload: Any) -> str:
    return aggregate.digest(payload)


def _lock_election(election: Election) -> Election:
    return Election.objects.select_for_update().select_related("organisation").get(pk=election.pk)


def _check_round_open(election: Election) -> None:
    if election.status != ElectionStatus.IN_SESSION:
        raise InvalidTransitionError(_("选举大会未在进行中，不能开始新一轮投票。"))
    current = selectors.active_round(election)
    if current is not None:
        raise InvalidTransitionError(
            _("%(round)s尚未宣布结果，不能开始新一轮投票。") % {"round": current}
        )


def _place_candidates(round_: Round, candidates: Sequence[Candidate]) -> list[str]:
    """Put the candidates on the round's ballot in surname-stroke order."""
    ordered = sorted({c.pk: c for c in candidates}.values(), key=lambda c: name_key(c.name))
    RoundCandidate.objects.filter(round=round_).delete()
    RoundCandidate.objects.bulk_create(
        RoundCandidate(round=round_, candidate=c, position=i) for i, c in enumerate(ordered)
    )
    return [c.name for c in ordered]


def _new_round(
    *,
    actor: User,
    election: Election,
    kind: RoundKind,
    seats: int,
    candidates: Sequence[Candidate],
    parent: Round | None,
    reason: str,
) -> Round:
    if seats < 1:
        raise ValidationFailedError(_("本轮应选名额必须至少为 1 名。"))
    round_ = Round.objects.create(
        election=election,
        number=selectors.next_round_number(election),
        kind=kind,
        seats=seats,
        parent=parent,
        reason=reason,
        sitting=election.sitting,
    )
    names = _place_candidates(round_, candidates)
    _record(
        event_type=EventType.ELECTION_ROUND_OPENED,
        actor=actor,
        election=election,
        summary=_("%(election)s 开始%(round)s，应选 %(seats)d 名，候选人 %(n)d 名")
        % {"election": election.title, "round": round_, "seats": seats, "n": len(names)},
        subject_type="election_round",
        subject_id=round_.pk,
        inputs={
            "round": round_.number,
            "kind": kind.value,
            "seats": seats,
            "parent_round": parent.number if parent is not None else None,
            "reason": reason,
            "sitting": election.sitting,
            "candidates": names,
        },
        persons=_round_persons(round_),
    )
    return round_


def _round_persons(round_: Round) -> list[str]:
    """Everyone who stands in the round: each finds the round in their book, lost or won."""
    return list(
        RoundCandidate.objects.filter(round=round_, candidate__member__isnull=False)
        .order_by("position")
        .values_list("candidate__member__citizen_id", flat=True)
    )


# -- the meeting ------------------------------------------------------------------------


@writes_events(EventType.ELECTION_CREATED)
def election_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    body_type: BodyType | str,
    profile: ProfileChoice | str,
    seats: int,
    meeting_date: dt.date | None = None,
    campaign_id: int | None = None,
) -> Election:
    if actor.role not in access.MANAGERS or not in_scope(actor, organisation):
        raise PermissionDeniedError(_("该党组织不在您的管理范围内。"))
    if seats < 1:
        raise ValidationFailedError(_("应选名额必须至少为 1 名。"), field="seats")
    if organisation.member_count and seats > organisation.member_count:
        raise ValidationFailedError(
            _("应选名额 %(seats)d 名，多于“%(org)s”的党员总数 %(members)d 名。")
            % {"seats": seats, "org": organisation.name, "members": organisation.member_count},
            field="seats",
        )
    if not title.strip():
        raise ValidationFailedError(_("请填写会议名称。"))
    election = Election.objects.create(
        organisation=organisation,
        title=title.strip(),
        body_type=BodyType(body_type),
        profile=ProfileChoice(profile),
        seats=seats,
        meeting_date=meeting_date,
        campaign_id=campaign_id,
        created_by=actor,
    )
    _record(
        event_type=EventType.ELECTION_CREATED,
        actor=actor,
        election=election,
        summary=_("创建选举会议“%(title)s”，应选 %(seats)d 名")
        % {"title": election.title, "seats": seats},
        inputs={"title": election.title, "meeting_date": meeting_date},
    )
    return election


@writes_events(EventType.ELECTION_MEETING_DATE_SET)
def meeting_date_set(
    *, actor: User, election: Election, meeting_date: dt.date, reason: str = ""
) -> Election:
    """Fix the meeting's date after the election was created, or correct it: the old date
    stays in the record beside the new one, and a correction needs its reason."""
    _require_manager(actor, election)
    election = _lock_election(election)
    old = election.meeting_date
    reason = reason.strip()
    if old == meeting_date:
        raise ValidationFailedError(_("会议日期没有变化。"), field="meeting_date")
    if old is not None and not reason:
        raise ValidationFailedError(_("更正已确定的会议日期须填写理由。"), field="reason")
    if election.status in (ElectionStatus.CONCLUDED, ElectionStatus.REPORTED) and (
        meeting_date > clock.today()
    ):
        raise ValidationFailedError(_("选举已结束，会议日期不能晚于今天。"), field="meeting_date")
    Election.objects.filter(pk=election.pk).update(meeting_date=meeting_date)
    election.meeting_date = meeting_date
    _record(
        event_type=EventType.ELECTION_MEETING_DATE_SET,
        actor=actor,
        election=election,
        summary=(
            _("确定会议日期为 %(new)s") % {"new": meeting_date.isoformat()}
            if old is None
            else _("将会议日期由 %(old)s 更正为 %(new)s，理由：%(reason)s")
            % {"old": old.isoformat(), "new": meeting_date.isoformat(), "reason": reason}
        ),
        inputs={"previous_date": old, "meeting_date": meeting_date, "reason": reason},
    )
    return election


@writes_events(EventType.ELECTION_CANDIDATES_ENTERED)
def candidates_enter(
    *, actor: User, election: Election, entries: Sequence[CandidateInput]
) -> list[Candidate]:
    """Add people to the election's candidate list (entered directly, or later from the
    approved 候选人预备人选); the first round puts them on the ballot."""
    _require_manager(actor, election)
    if election.status not in (ElectionStatus.PREPARING, ElectionStatus.IN_SESSION):
        raise InvalidTransitionError(_("选举已结束，不能再录入候选人。"))
    existing = selectors.candidate_names(election)
    staff = Staff.objects.filter(election=election)
    staff_names = {s.name for s in staff}
    staff_members = {s.member_id for s in staff if s.member_id is not None}
    seen: set[str] = set()
    rows = []
    for i, entry in enumerate(entries, start=1):
        name = entry.name.strip()
        if not name or len(name) > 64:
            raise ValidationFailedError(_("第 %(i)d 行：姓名为空或过长。") % {"i": i})
        if name in existing or name in seen:
            raise ValidationFailedError(
                _("第 %(i)d 行：候选人“%(name)s”重名，请在姓名后加括号注明单位以便区分。")
                % {"i": i, "name": name}
            )
        if name in staff_names or (entry.member is not None and entry.member.pk in staff_members):
            raise ValidationFailedError(
                _("第 %(i)d 行：“%(name)s”已担任监票计票工作，不能同时作为候选人。")
                % {"i": i, "name": name}
            )
        if entry.member is not None and not entry.member.organisation.path.startswith(
            election.organisation.path
        ):
            raise ValidationFailedError(
                _("第 %(i)d 行：党员“%(name)s”不在本选举单位。") % {"i": i, "name": name}
            )
        seen.add(name)
        rows.append(
            Candidate(election=election, name=name, member=entry.member, note=entry.note.strip())
        )
    if not rows:
        raise ValidationFailedError(_("没有要录入的候选人。"))
    created = Candidate.objects.bulk_create(rows)
    _record(
        event_type=EventType.ELECTION_CANDIDATES_ENTERED,
        actor=actor,
        election=election,
        summary=_("%(title)s 录入候选人 %(n)d 名") % {"title": election.title, "n": len(rows)},
        inputs={
            "candidates": sort_names(c.name for c in rows),
            "candidate_list": sort_names(existing | seen),
        },
        persons=[c.member.citizen_id for c in rows if c.member is not None],
    )
    return created


@writes_events(EventType.ELECTION_CANDIDATES_ENTERED)
def round_candidates_set(
    *, actor: User, round_: Round, candidates: Sequence[Candidate]
) -> list[str]:
    """The ballot of a round not yet voted on (a by-election's new candidates)."""
    election = round_.election
    _require_manager(actor, election)
    if round_.status != RoundStatus.PREPARING:
        raise InvalidTransitionError(_("本轮选票已发出，候选人不能再变更。"))
    if any(c.election_id != election.pk for c in candidates):
        raise ValidationFailedError(_("候选人不属于本次选举。"))
    if not candidates:
        raise ValidationFailedError(_("请至少选择一名候选人。"))
    removed = set(selectors.active_delegates(election).values_list("name", flat=True)) | set(
        Delegate.objects.filter(election=election, status=DelegateStatus.REMOVED).values_list(
            "name", flat=True
        )
    )
    already = sorted(c.name for c in candidates if c.name in removed)
    if already:
        raise ValidationFailedError(
            _("“%(names)s”已当选或已被终止代表资格，不能作为本轮候选人。")
            % {"names": "、".join(already)}
        )
    names = _place_candidates(round_, candidates)
    _record(
        event_type=EventType.ELECTION_CANDIDATES_ENTERED,
        actor=actor,
        election=election,
        summary=_("%(round)s 确定候选人 %(n)d 名") % {"round": round_, "n": len(names)},
        subject_type="election_round",
        subject_id=round_.pk,
        inputs={"round": round_.number, "candidates": names},
        persons=[c.member.citizen_id for c in candidates if c.member is not None],
    )
    return names


@writes_events(EventType.ELECTION_ELECTORATE_DRAWN)
def electorate_draw(*, actor: User, election: Election, on: dt.date | None = None) -> int:
    """The voters due (应到会): full members of the unit with voting rights on the day.

    Drawing again replaces the previous draw and its exclusions; once the meeting opens
    the list is frozen.
    """
    _require_manager(actor, election)
    election = _lock_election(election)
    if election.status != ElectionStatus.PREPARING or election.electorate_frozen:
        raise InvalidTransitionError(_("会议已开始，应到会名单不能再变更。"))
    day = on or election.meeting_date or clock.today()
    DueVoter.objects.filter(election=election).delete()
    rows = [
        DueVoter(election=election, member_id=pk, name=name, organisation_name=org_name)
        for pk, name, org_name in selectors.voting_members(election, on=day)
        .order_by("organisation__path", "id")
        .values_list("pk", "name", "organisation__name")
    ]
    DueVoter.objects.bulk_create(rows, batch_size=2000)
    in_unit = Member.objects.filter(organisation__path__startswith=election.organisation.path)
    _record(
        event_type=EventType.ELECTION_ELECTORATE_DRAWN,
        actor=actor,
        election=election,
        summary=_("%(title)s 生成应到会名单 %(n)d 人") % {"title": election.title, "n": len(rows)},
        inputs={
            "on": day,
            "members_in_unit": in_unit.count(),
            "with_voting_rights": len(rows),
            "without_voting_rights": in_unit.count() - len(rows),
        },
    )
    return len(rows)


@writes_events(EventType.ELECTION_VOTER_EXCLUDED)
def voter_exclude(
    *, actor: User, due_voter: DueVoter, reason: ExclusionReason | str, approval: str
) -> DueVoter:
    """Approved exclusion from the voters due; the approval (who approved, the meeting's
    vote) is required because it changes the quorum base."""
    election = due_voter.election
    _require_manager(actor, election)
    if election.status != ElectionStatus.PREPARING:
        raise InvalidTransitionError(_("会议已开始，应到会名单不能再变更。"))
    reason = ExclusionReason(reason)
    if not approval.strip():
        raise ValidationFailedError(_("请填写批准情况（批准机关和大会表决情况）。"))
    changed = DueVoter.objects.filter(pk=due_voter.pk, exclusion="").update(
        exclusion=reason, exclusion_approval=approval.strip()[:255]
    )
    if changed != 1:
        raise ConcurrentChangeError
    due_voter.refresh_from_db()
    member = Member.objects.get(pk=due_voter.member_id)
    _record(
        event_type=EventType.ELECTION_VOTER_EXCLUDED,
        actor=actor,
        election=election,
        summary=_("%(name)s 不计入应到会人数：%(reason)s")
        % {"name": due_voter.name, "reason": reason.label},
        subject_type="election_due_voter",
        subject_id=due_voter.pk,
        inputs={"reason": reason.value, "approval": due_voter.exclusion_approval},
        persons=[member.citizen_id],
    )
    return due_voter


@writes_events(EventType.ELECTION_STAFF_ASSIGNED)
def staff_assign(
    *,
    actor: User,
    election: Election,
    role: StaffRole | str,
    name: str,
    member: Member | None = None,
    user: User | None = None,
) -> Staff:
    """Scrutineers and tellers are chosen from non-candidates. The chief scrutineer must be
    a user (teller role, in scope) because deciding ballots and releasing results are
    his actions in the system."""
    _require_manager(actor, election)
    election = _lock_election(election)
    if election.status not in (ElectionStatus.PREPARING, ElectionStatus.IN_SESSION):
        raise InvalidTransitionError(_("选举已结束，不能再调整监票计票人员。"))
    role = StaffRole(role)
    name = name.strip() or (str(user) if user is not None else "")
    if not name:
        raise ValidationFailedError(_("请填写姓名。"))
    candidates = Candidate.objects.filter(election=election)
    if candidates.filter(name=name).exists() or (
        member is not None and candidates.filter(member=member).exists()
    ):
        raise ValidationFailedError(
            _("“%(name)s”是本次选举的候选人，不能担任%(role)s。")
            % {"name": name, "role": role.label}
        )
    if user is not None and (user.role != Role.TELLER or not in_scope(user, election.organisation)):
        raise ValidationFailedError(
            _("用户“%(user)s”不是本选举范围内的监票/计票人员账号。") % {"user": user}
        )
    if role == StaffRole.CHIEF_SCRUTINEER:
        if user is None:
            raise ValidationFailedError(_("总监票人须指定一个监票/计票人员账号。"))
        Staff.objects.filter(election=election, role=StaffRole.CHIEF_SCRUTINEER).delete()
        Election.objects.filter(pk=election.pk).update(chief_scrutineer=user)
    staff = Staff.objects.create(election=election, role=role, name=name, member=member, user=user)
    _record(
        event_type=EventType.ELECTION_STAFF_ASSIGNED,
        actor=actor,
        election=election,
        summary=_("%(title)s 确定%(role)s：%(name)s")
        % {"title": election.title, "role": role.label, "name": name},
        subject_type="election_staff",
        subject_id=staff.pk,
        inputs={
            "role": role.value,
            "name": name,
            "user": user.username if user is not None else None,
            "candidate_list": sort_names(candidates.values_list("name", flat=True)),
        },
        persons=[member.citizen_id] if member is not None else None,
    )
    return staff


@writes_events(EventType.ELECTION_OPENED)
def election_open(*, actor: User, election: Election) -> Election:
    """Open the meeting for sign-in; the electorate is frozen and snapshotted here."""
    _require_manager(actor, election)
    election = _lock_election(election)
    blockers = selectors.open_blockers(election)
    if blockers:
        raise ValidationFailedError("".join(blockers))
    _set_status(election, ElectionStatus.IN_SESSION, check_election_transition)
    Election.objects.filter(pk=election.pk).update(electorate_frozen=True)
    election.electorate_frozen = True
    due = DueVoter.objects.filter(election=election)
    included = sorted(due.filter(exclusion="").values_list("member__citizen_id", flat=True))
    excluded = [
        {"citizen_id": cid, "name": name, "reason": reason, "approval": approval}
        for cid, name, reason, approval in due.exclude(exclusion="")
        .order_by("name")
        .values_list("member__citizen_id", "name", "exclusion", "exclusion_approval")
    ]
    staff = [
        {"role": role, "name": name}
        for role, name in Staff.objects.filter(election=election).values_list("role", "name")
    ]
    _record(
        event_type=EventType.ELECTION_OPENED,
        actor=actor,
        election=election,
        summary=_("%(title)s 开始签到，应到会 %(n)d 人")
        % {"title": election.title, "n": len(included)},
        inputs={
            "electorate": {
                "due": len(included),
                "citizen_ids": included,
                "digest": _digest(included),
                "excluded": excluded,
            },
            "candidate_list": sort_names(selectors.candidate_names(election)),
            "staff": staff,
            "chief_scrutineer": election.chief_scrutineer.username
            if election.chief_scrutineer
            else None,
        },
    )
    return election


@writes_events(EventType.ELECTION_ATTENDANCE_CHANGED, may_skip=True)
def attendance_mark(*, actor: User, due_voter: DueVoter, present: bool) -> DueVoter:
    """Sign a voter in (or correct a sign-in); marking the same state twice changes nothing."""
    election = due_voter.election
    if not (access.can_manage(actor, election) or access.can_enter(actor, election)):
        raise PermissionDeniedError(_("当前角色无权办理签到。"))
    if election.status != ElectionStatus.IN_SESSION:
        raise InvalidTransitionError(_("会议未在进行中，不能签到。"))
    if due_voter.exclusion:
        raise ValidationFailedError(
            _("%(name)s 不计入应到会人数，无需签到。") % {"name": due_voter.name}
        )
    changed = DueVoter.objects.filter(pk=due_voter.pk, present=not present).update(present=present)
    due_voter.present = present
    if not changed:
        return due_voter
    now = selectors.attendance(election)
    _record(
        event_type=EventType.ELECTION_ATTENDANCE_CHANGED,
        actor=actor,
        election=election,
        summary=(_("%(name)s 签到") if present else _("撤销 %(name)s 的签到"))
        % {"name": due_voter.name},
        subject_type="election_due_voter",
        subject_id=due_voter.pk,
        inputs={"present": present, "due": now.due, "present_count": now.present},
        persons=[Member.objects.values_list("citizen_id", flat=True).get(pk=due_voter.member_id)],
    )
    return due_voter


@writes_events(EventType.ELECTION_METHOD_ADOPTED)
def method_adopt(*, actor: User, election: Election, text: str) -> Election:
    """The meeting adopts the 选举办法 by vote; only a quorate meeting can adopt it."""
    _require_manager(actor, election)
    election = _lock_election(election)
    if election.status != ElectionStatus.IN_SESSION:
        raise InvalidTransitionError(_("会议未在进行中。"))
    if not text.strip():
        raise ValidationFailedError(_("请填写大会通过的选举办法。"))
    now = selectors.attendance(election)
    if not now.quorum_met:
        raise ValidationFailedError(
            _("应到会 %(due)d 人，实到会 %(present)d 人，不足法定人数，不能通过选举办法。")
            % {"due": now.due, "present": now.present}
        )
    Election.objects.filter(pk=election.pk).update(method_text=text.strip(), method_adopted=True)
    election.method_text, election.method_adopted = text.strip(), True
    _record(
        event_type=EventType.ELECTION_METHOD_ADOPTED,
        actor=actor,
        election=election,
        summary=_("%(title)s 通过选举办法") % {"title": election.title},
        inputs={"method": election.method_text, "due": now.due, "present": now.present},
    )
    return election


# -- rounds -----------------------------------------------------------------------------


@writes_events(EventType.ELECTION_ROUND_OPENED)
def round_open(
    *,
    actor: User,
    election: Election,
    kind: RoundKind | str = RoundKind.FORMAL,
    seats: int | None = None,
    candidates: Sequence[Candidate] | None = None,
) -> Round:
    """The first vote of the meeting (预选 or 正式选举) on the candidate list."""
    _require_manager(actor, election)
    election = _lock_election(election)
    _check_round_open(election)
    kind = RoundKind(kind)
    if kind not in (RoundKind.PRELIMINARY, RoundKind.FORMAL):
        raise ValidationFailedError(_("再次投票、另行选举和补选须从已宣布的结果发起。"))
    if not election.method_adopted:
        raise InvalidTransitionError(_("选举办法尚未经大会表决通过，不能开始投票。"))
    rounds = Round.objects.filter(election=election)
    if (
        kind == RoundKind.FORMAL
        and rounds.filter(kind=RoundKind.PRELIMINARY).exists()
        and not rounds.filter(kind=RoundKind.FORMAL).exists()
    ):
        raise InvalidTransitionError(
            _("已进行预选，正式候选人须根据预选结果确定（差额选举），请在预选轮次页面确定。")
        )
    chosen = list(candidates) if candidates is not None else list(election.candidates.all())
    if not chosen:
        raise ValidationFailedError(_("尚未录入候选人名单。"))
    return _new_round(
        actor=actor,
        election=election,
        kind=kind,
        seats=seats if seats is not None else selectors.open_seats(election),
        candidates=chosen,
        parent=None,
        reason="",
    )


@writes_events(EventType.ELECTION_ROUND_OPENED)
def formal_round_start(
    *,
    actor: User,
    preliminary: Round,
    candidates: Sequence[Candidate],
    margin: Fraction | None = None,
) -> Round:
    """正式选举 after a 预选: the unit chooses the formal candidates from the preliminary
    ballot (usually by its votes), and the list must still keep the 差额 of the seats
    left, rounded up exactly (``minimum_candidates``)."""
    election = preliminary.election
    _require_manager(actor, election)
    election = _lock_election(election)
    if preliminary.kind != RoundKind.PRELIMINARY:
        raise InvalidTransitionError(_("只有预选之后才能据此确定正式候选人。"))
    if preliminary.status != RoundStatus.RELEASED:
        raise InvalidTransitionError(_("须先由总监票人宣布预选结果。"))
    if Outcome(preliminary.outcome) in (Outcome.NO_QUORUM, Outcome.VOTE_VOID):
        raise InvalidTransitionError(
            _("预选结果为“%(outcome)s”，须重新预选。")
            % {"outcome": domain.outcome_label(preliminary.outcome)}
        )
    _check_round_open(election)
    if Round.objects.filter(election=election, parent=preliminary).exists():
        raise InvalidTransitionError(_("已根据本次预选确定过正式候选人。"))
    on_ballot = {c.pk for c in selectors.round_candidates(preliminary)}
    chosen = list({c.pk: c for c in candidates}.values())
    stray = sorted(c.name for c in chosen if c.pk not in on_ballot)
    if stray:
        raise ValidationFailedError(
            _("“%(names)s”不是本次预选的候选人。") % {"names": "、".join(stray)}
        )
    seats = selectors.open_seats(election)
    if margin is None:
        margin = selectors.margin_ratio(election)
    needed = minimum_candidates(seats, margin)
    if len(chosen) < needed:
        raise ValidationFailedError(
            _(
                "正式候选人 %(n)d 名，少于应选名额 %(seats)d 名按差额比例 %(ratio)s "
                "应有的 %(needed)d 名（差额选举），请增加候选人。"
            )
            % {
                "n": len(chosen),
                "seats": seats,
                "ratio": f"{Fraction(margin) * 100}%",
                "needed": needed,
            }
        )
    return _new_round(
        actor=actor,
        election=election,
        kind=RoundKind.FORMAL,
        seats=seats,
        candidates=chosen,
        parent=preliminary,
        reason=_("根据%(round)s结果确定正式候选人 %(n)d 名（差额不少于 %(needed)d 名）")
        % {"round": preliminary, "n": len(chosen), "needed": needed},
    )


@writes_events(EventType.ELECTION_BALLOTS_PRINTED)
def ballots_print(*, actor: User, round_: Round, copies: int) -> PrintRun:
    """Each print run continues the numbering so every printed ballot is accounted for."""
    election = round_.election
    _require_manager(actor, election)
    if round_.status not in (RoundStatus.PREPARING, RoundStatus.VOTING):
        raise InvalidTransitionError(_("本轮已计票，不能再印制选票。"))
    if not 1 <= copies <= MAX_COPIES:
        raise ValidationFailedError(_("印制张数须在 1 到 %(max)d 之间。") % {"max": MAX_COPIES})
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    first = locked.ballots_printed + 1
    Round.objects.filter(pk=round_.pk).update(ballots_printed=locked.ballots_printed + copies)
    round_.ballots_printed = locked.ballots_printed + copies
    run = PrintRun.objects.create(round=round_, first=first, copies=copies)
    _record(
        event_type=EventType.ELECTION_BALLOTS_PRINTED,
        actor=actor,
        election=election,
        summary=_("%(round)s 印制选票 %(n)d 张（第 %(a)d—%(b)d 张）")
        % {"round": round_, "n": copies, "a": first, "b": first + copies - 1},
        subject_type="election_round",
        subject_id=round_.pk,
        inputs={
            "round": round_.number,
            "first": first,
            "copies": copies,
            "printed_total": round_.ballots_printed,
            "candidates": selectors.round_names(round_),
        },
    )
    return run


@writes_events(EventType.ELECTION_BALLOTS_ISSUED)
def ballots_issue(*, actor: User, round_: Round, issued: int) -> Round:
    """Ballots handed out; the voters due and present are fixed for this round here, so
    later sign-ins cannot change the base of a vote already under way."""
    election = round_.election
    _require_manager(actor, election)
    blockers = selectors.issue_blockers(round_)
    if blockers:
        raise ValidationFailedError("".join(blockers))
    now = selectors.attendance(election)
    if not 1 <= issued <= now.present:
        raise ValidationFailedError(
            _("发出选票张数（%(n)d）须在 1 到实到会人数（%(present)d）之间。")
            % {"n": issued, "present": now.present}
        )
    if round_.ballots_printed and issued > round_.ballots_printed:
        raise ValidationFailedError(
            _("发出选票 %(n)d 张，多于印制的 %(printed)d 张。")
            % {"n": issued, "printed": round_.ballots_printed}
        )
    _set_status(round_, RoundStatus.VOTING, check_round_transition)
    Round.objects.filter(pk=round_.pk).update(
        due_voters=now.due, present_voters=now.present, ballots_issued=issued
    )
    round_.due_voters, round_.present_voters, round_.ballots_issued = now.due, now.present, issued
    _record(
        event_type=EventType.ELECTION_BALLOTS_ISSUED,
        actor=actor,
        election=election,
        summary=_("%(round)s 发出选票 %(n)d 张（应到会 %(due)d 人，实到会 %(present)d 人）")
        % {"round": round_, "n": issued, "due": now.due, "present": now.present},
        subject_type="election_round",
        subject_id=round_.pk,
        inputs={
            "round": round_.number,
            "kind": round_.kind,
            "seats": round_.seats,
            "due_voters": now.due,
            "present_voters": now.present,
            "ballots_issued": issued,
            "candidates": selectors.round_names(round_),
        },
    )
    return round_


# -- ballot entry -----------------------------------------------------------------------


@writes_events(EventType.ELECTION_BATCH_CREATED)
def batch_create(*, actor: User, round_: Round, ballot_count: int) -> Batch:
    election = round_.election
    if not (
        access.can_enter(actor, election)
        or access.can_manage(actor, election)
        or access.is_chief_scrutineer(actor, election)
    ):
        raise PermissionDeniedError(_("当前角色无权建立选票批次。"))
    if round_.status != RoundStatus.VOTING:
        raise InvalidTransitionError(_("本轮不在投票计票阶段。"))
    if not 1 <= ballot_count <= 10_000:
        raise ValidationFailedError(_("每批选票张数须在 1 到 10000 之间。"))
    Round.objects.select_for_update().filter(pk=round_.pk).exists()
    number = (Batch.objects.filter(round=round_).aggregate(n=Max("number"))["n"] or 0) + 1
    batch = Batch.objects.create(round=round_, number=number, ballot_count=ballot_count)
    _record(
        event_type=EventType.ELECTION_BATCH_CREATED,
        actor=actor,
        election=election,
        summary=_("%(round)s 建立第 %(n)d 批选票，%(count)d 张")
        % {"round": round_, "n": number, "count": ballot_count},
        subject_type="election_batch",
        subject_id=batch.pk,
        inputs={"round": round_.number, "batch": number, "ballot_count": ballot_count},
    )
    return batch


def _clean_reading(
    round_: Round, marks: str, write_ins: Mapping[str | int, str], *, where: str
) -> tuple[str, dict[str, str]]:
    """Marks and write-ins as the ballot shows them, refused when impossible on paper."""
    names = selectors.round_names(round_)
    if len(marks) != len(names) or not set(marks) <= MARKS:
        raise ValidationFailedError(
            _("%(where)s：划记数据不完整（应有 %(n)d 位候选人）。")
            % {"where": where, "n": len(names)}
        )
    clean: dict[str, str] = {}
    candidates = set(names)
    for place, written in write_ins.items():
        text = (written or "").strip()
        if not text:
            continue
        try:
            index = int(place)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(names):
            raise ValidationFailedError(_("%(where)s：另选他人的位置无效。") % {"where": where})
        if marks[index] != MARK_AGAINST:
            raise ValidationFailedError(
                _("%(where)s：第 %(row)d 行（%(name)s）未划“不赞成”，不能另选他人。")
                % {"where": where, "row": index + 1, "name": names[index]}
            )
        if text in candidates:
            raise ValidationFailedError(
                _("%(where)s：另选的“%(name)s”是本轮候选人，不能作为另选他人。")
                % {"where": where, "name": text}
            )
        if text in clean.values():
            raise ValidationFailedError(
                _("%(where)s：同一张选票重复另选“%(name)s”，请标为存疑票交总监票人裁定。")
                % {"where": where, "name": text}
            )
        if len(text) > 64:
            raise ValidationFailedError(_("%(where)s：另选姓名过长。") % {"where": where})
        clean[str(index)] = text
    return marks, clean


@writes_events(EventType.ELECTION_ENTRY_SUBMITTED, may_skip=True)
def ballot_enter(
    *,
    actor: User,
    batch: Batch,
    seq: int,
    marks: str,
    write_ins: Mapping[str | int, str] | None = None,
    doubtful: bool = False,
) -> EnteredBallot:
    """One paper ballot as the teller reads it, into his own pass over the batch.

    Saving a ballot writes no record event on purpose: an event per ballot would put a
    time on each ballot. The teller's pass is recorded as a whole, with a digest of its
    content, when he submits it.
    """
    round_ = batch.round
    _require_teller(actor, round_.election)
    _refuse_chief_entry(actor, round_.election)
    if batch.status != BatchStatus.ENTERING:
        raise InvalidTransitionError(_("本批选票已录入完毕。"))
    if not 1 <= seq <= batch.ballot_count:
        raise ValidationFailedError(
            _("选票序号 %(seq)d 超出本批张数 %(n)d。") % {"seq": seq, "n": batch.ballot_count}
        )
    marks, clean = _clean_reading(
        round_, marks, write_ins or {}, where=_("第 %(seq)d 张") % {"seq": seq}
    )
    entry = BatchEntry.objects.filter(batch=batch, teller=actor).first()
    if entry is None:
        # Two tellers opening the batch at the same instant: the batch's row lock makes the
        # second wait until the first has taken pass 1, then it takes pass 2 (SQLite's
        # IMMEDIATE transactions already run them one after the other).
        Batch.objects.select_for_update().filter(pk=batch.pk).values_list("pk").first()
        taken = set(BatchEntry.objects.filter(batch=batch).values_list("pass_number", flat=True))
        if len(taken) >= 2:
            raise ValidationFailedError(_("本批选票已由两名计票人分别录入。"))
        try:
            with transaction.atomic():
                entry = BatchEntry.objects.create(
                    batch=batch, teller=actor, pass_number=1 if 1 not in taken else 2
                )
        except IntegrityError as exc:
            raise ConcurrentChangeError from exc
    if entry.submitted:
        raise InvalidTransitionError(_("您已提交本批选票的录入，不能再修改。"))
    ballot, _created = EnteredBallot.objects.update_or_create(
        entry=entry, seq=seq, defaults={"marks": marks, "write_ins": clean, "doubtful": doubtful}
    )
    return ballot


def _reading_payload(rows: Sequence[tuple[int, str, Any, bool]]) -> list[Any]:
    return [
        [seq, marks, sorted((write_ins or {}).items()), doubtful]
        for seq, marks, write_ins, doubtful in rows
    ]


@writes_events(EventType.ELECTION_ENTRY_SUBMITTED, EventType.ELECTION_BATCH_SETTLED)
def entry_submit(*, actor: User, batch: Batch) -> BatchEntry:
    """A teller finishes his pass. When both passes are in, every ballot they read alike
    (and nobody doubted) is settled; the rest wait for the chief scrutineer."""
    round_ = batch.round
    election = round_.election
    _require_teller(actor, election)
    _refuse_chief_entry(actor, election)
    entry = BatchEntry.objects.filter(batch=batch, teller=actor).first()
    if entry is None:
        raise ValidationFailedError(_("您尚未录入本批选票。"))
    rows = list(
        EnteredBallot.objects.filter(entry=entry)
        .order_by("seq")
        .values_list("seq", "marks", "write_ins", "doubtful")
    )
    missing = sorted(set(range(1, batch.ballot_count + 1)) - {r[0] for r in rows})
    if missing:
        shown = "、".join(str(n) for n in missing[:20])
        raise ValidationFailedError(
            _("还有 %(n)d 张选票未录入：第 %(seqs)s 张。") % {"n": len(missing), "seqs": shown}
        )
    if BatchEntry.objects.filter(pk=entry.pk, submitted=False).update(submitted=True) != 1:
        raise InvalidTransitionError(_("您已提交过本批选票的录入。"))
    entry.submitted = True
    _record(
        event_type=EventType.ELECTION_ENTRY_SUBMITTED,
        actor=actor,
        election=election,
        summary=_("%(round)s 第 %(n)d 批选票第 %(p)d 遍录入提交，%(count)d 张")
        % {"round": round_, "n": batch.number, "p": entry.pass_number, "count": len(rows)},
        subject_type="election_batch",
        subject_id=batch.pk,
        inputs={
            "round": round_.number,
            "batch": batch.number,
            "pass": entry.pass_number,
            "ballots": len(rows),
            "doubtful": sum(1 for r in rows if r[3]),
            "digest": _digest(_reading_payload(rows)),
        },
    )
    both = BatchEntry.objects.filter(batch=batch, submitted=True).count() == 2
    if both:
        _reconcile(actor=actor, batch=batch)
    return entry


def _reconcile(*, actor: User, batch: Batch) -> None:
    agreed, differences = selectors.compare(batch)
    SettledBallot.objects.bulk_create(
        SettledBallot(batch=batch, seq=seq, marks=r.marks, write_ins=r.write_ins)
        for seq, r in agreed.items()
    )
    if differences:
        _set_status(batch, BatchStatus.RECONCILING, check_batch_transition)
    else:
        _settle(actor=actor, batch=batch)


def _settle(*, actor: User, batch: Batch) -> None:
    _set_status(batch, BatchStatus.SETTLED, check_batch_transition)
    settled = SettledBallot.objects.filter(batch=batch)
    round_ = batch.round
    _record(
        event_type=EventType.ELECTION_BATCH_SETTLED,
        actor=actor,
        election=round_.election,
        summary=_("%(round)s 第 %(n)d 批选票核定") % {"round": round_, "n": batch.number},
        subject_type="election_batch",
        subject_id=batch.pk,
        inputs={
            "round": round_.number,
            "batch": batch.number,
            "ballots": settled.count(),
            "void": settled.filter(void=True).count(),
            "decided": settled.filter(decided=True).count(),
            "state": {"settled_digest": aggregate.settled_digest(batch.pk)},
        },
    )


@writes_events(EventType.ELECTION_BALLOT_DECIDED, EventType.ELECTION_BATCH_SETTLED)
def ballot_decide(
    *,
    actor: User,
    batch: Batch,
    seq: int,
    marks: str,
    write_ins: Mapping[str | int, str] | None = None,
    void: bool = False,
    reason: str = "",
) -> SettledBallot:
    """The chief scrutineer, with the scrutineers, decides a ballot the two entries read
    differently or a teller doubted: its true reading, and whether it is void."""
    round_ = batch.round
    election = round_.election
    _require_chief(actor, election)
    if BatchEntry.objects.filter(batch=batch, teller=actor).exists():
        raise PermissionDeniedError(
            _("您录入过本批选票，不能裁定本批的差异；请由未参与录入的总监票人裁定。")
        )
    if batch.status != BatchStatus.RECONCILING:
        raise InvalidTransitionError(_("本批选票不在待核对状态。"))
    pending = {d.seq: d for d in selectors.pending_differences(batch)}
    if seq not in pending:
        raise ValidationFailedError(_("第 %(seq)d 张选票无需裁定或已裁定。") % {"seq": seq})
    difference = pending[seq]
    marks, clean = _clean_reading(
        round_, marks, write_ins or {}, where=_("第 %(seq)d 张") % {"seq": seq}
    )
    reason = reason.strip()
    if (void or difference.doubtful) and not reason:
        raise ValidationFailedError(_("第 %(seq)d 张：存疑票或废票须写明裁定理由。") % {"seq": seq})
    try:
        with transaction.atomic():
            settled = SettledBallot.objects.create(
                batch=batch,
                seq=seq,
                marks=marks,
                write_ins=clean,
                void=void,
                decided=True,
                ruling_reason=reason[:255],
            )
    except IntegrityError as exc:
        raise ConcurrentChangeError from exc
    _record(
        event_type=EventType.ELECTION_BALLOT_DECIDED,
        actor=actor,
        election=election,
        summary=_("%(round)s 第 %(n)d 批第 %(seq)d 张选票裁定为%(ruling)s")
        % {
            "round": round_,
            "n": batch.number,
            "seq": seq,
            "ruling": _("废票") if void else _("有效票"),
        },
        subject_type="election_batch",
        subject_id=batch.pk,
        inputs={
            "round": round_.number,
            "batch": batch.number,
            "seq": seq,
            "readings": [
                dataclasses.asdict(r) if r is not None else None
                for r in (difference.first, difference.second)
            ],
            "decision": {"marks": marks, "write_ins": clean, "void": void},
            "reason": reason,
        },
    )
    if len(pending) == 1:
        _settle(actor=actor, batch=batch)
    return settled


@writes_events(EventType.ELECTION_GROUP_TOTALS_ENTERED)
def group_totals_enter(
    *,
    actor: User,
    round_: Round,
    label: str,
    ballots_collected: int,
    ballots_void: int,
    tallies: Mapping[int, tuple[int, int]],
    write_ins: Mapping[str, int] | None = None,
) -> GroupTotal:
    """For a group of ballots counted by hand, its totals instead of each ballot."""
    election = round_.election
    if not (access.can_enter(actor, election) or access.is_chief_scrutineer(actor, election)):
        raise PermissionDeniedError(_("只有计票人或总监票人可以录入分组计票结果。"))
    if round_.status != RoundStatus.VOTING:
        raise InvalidTransitionError(_("本轮不在投票计票阶段。"))
    label = label.strip()
    if not label:
        raise ValidationFailedError(_("请填写计票组名称。"))
    if ballots_void < 0 or ballots_void > ballots_collected:
        raise ValidationFailedError(_("废票数不能大于收回选票数。"))
    names = selectors.round_names(round_)
    clean_write_ins = {k.strip(): v for k, v in (write_ins or {}).items() if k.strip() and v}
    clash = sorted(set(clean_write_ins) & set(names))
    if clash:
        raise ValidationFailedError(
            _("另选的“%(name)s”是本轮候选人。") % {"name": "、".join(clash)}
        )
    aggregate.group_tally(
        names,
        seats=round_.seats,
        valid=ballots_collected - ballots_void,
        void=ballots_void,
        tallies=tallies,
        write_ins=clean_write_ins,
    )
    if GroupTotal.objects.filter(round=round_, label=label).exists():
        raise ValidationFailedError(_("计票组“%(label)s”已录入。") % {"label": label})
    total = GroupTotal.objects.create(
        round=round_,
        label=label,
        ballots_collected=ballots_collected,
        ballots_void=ballots_void,
        tallies={str(k): [f, a] for k, (f, a) in tallies.items()},
        write_ins=clean_write_ins,
    )
    _record(
        event_type=EventType.ELECTION_GROUP_TOTALS_ENTERED,
        actor=actor,
        election=election,
        summary=_("%(round)s 录入%(label)s计票结果，收回 %(n)d 张")
        % {"round": round_, "label": label, "n": ballots_collected},
        subject_type="election_round",
        subject_id=round_.pk,
        inputs={
            "round": round_.number,
            "label": label,
            "ballots_collected": ballots_collected,
            "ballots_void": ballots_void,
            "tallies": {names[int(k)]: v for k, v in total.tallies.items()},
            "write_ins": clean_write_ins,
        },
    )
    return total


# -- counting and results ---------------------------------------------------------------


@writes_events(EventType.ELECTION_ROUND_COUNTED)
def round_count(*, actor: User, round_: Round) -> RoundResult:
    election = round_.election
    if not (access.is_chief_scrutineer(actor, election) or access.can_manage(actor, election)):
        raise PermissionDeniedError(_("只有总监票人或选举单位操作员可以计票。"))
    blockers = selectors.count_blockers(round_)
    if blockers:
        raise ValidationFailedError("".join(blockers))
    if round_.status != RoundStatus.VOTING:
        raise InvalidTransitionError(_("本轮不在投票计票阶段。"))
    names = selectors.round_names(round_)
    if round_.due_voters is None or round_.present_voters is None or round_.ballots_issued is None:
        raise InvalidTransitionError(_("本轮尚未发出选票。"))
    counting_round = CountingRound(
        profile=Profile(election.profile),
        seats=round_.seats,
        due_voters=round_.due_voters,
        present_voters=round_.present_voters,
        ballots_issued=round_.ballots_issued,
        candidates=tuple(names),
        ballots=aggregate.round_ballots(round_, names),
        tallies=aggregate.round_tallies(round_, names),
    )
    try:
        result = count_round(counting_round)
    except ValueError as exc:
        raise ValidationFailedError(
            _("选票数据有误，无法计票：%(error)s") % {"error": exc}
        ) from exc
    _set_status(round_, RoundStatus.COUNTED, check_round_transition)
    payload = aggregate.result_payload(result)
    Round.objects.filter(pk=round_.pk).update(result=payload, outcome=result.outcome.value)
    round_.result, round_.outcome = payload, result.outcome.value
    elected = set(result.elected)
    ResultRow.objects.bulk_create(
        ResultRow(
            round=round_,
            rank=i,
            name=p.name,
            in_favour=p.in_favour,
            against=p.against,
            abstain=p.abstain,
            write_in=p.write_in,
            elected=p.name in elected,
        )
        for i, p in enumerate(result.results, start=1)
    )
    _record(
        event_type=EventType.ELECTION_ROUND_COUNTED,
        actor=actor,
        election=election,
        summary=_("%(round)s 计票：收回 %(c)d 张，有效 %(v)d 张，当选 %(e)d 名")
        % {
            "round": round_,
            "c": result.ballots_collected,
            "v": result.ballots_valid,
            "e": len(result.elected),
        },
        subject_type="election_round",
        subject_id=round_.pk,
        inputs={
            "round": round_.number,
            "kind": round_.kind,
            "seats": round_.seats,
            "due_voters": round_.due_voters,
            "present_voters": round_.present_voters,
            "ballots_issued": round_.ballots_issued,
            "candidates": names,
            "ballot_kinds": len(counting_round.ballots),
            "group_tallies": [dataclasses.asdict(t) for t in counting_round.tallies],
            "ballots_digest": aggregate.ballots_digest(counting_round.ballots),
            "result": payload,
        },
        persons=_round_persons(round_),
    )
    return result


@writes_events(EventType.ELECTION_RESULT_RELEASED, EventType.ELECTION_CONCLUDED)
def round_release(*, actor: User, round_: Round) -> Round:
    """The chief scrutineer releases the count: the hall screen shows it and those elected
    become delegates (not after a 预选, which only decides the formal candidates)."""
    election = round_.election
    _require_chief(actor, election)
    election = _lock_election(election)
    round_.election = election
    _set_status(round_, RoundStatus.RELEASED, check_round_transition)
    result = round_.result or {}
    elected = list(result.get("elected", []))
    if round_.kind != RoundKind.PRELIMINARY and elected:
        votes = {r["name"]: r["in_favour"] for r in result.get("results", [])}
        by_name = {c.name: c for c in Candidate.objects.filter(election=election, name__in=elected)}
        Delegate.objects.bulk_create(
            Delegate(
                election=election,
                round=round_,
                name=name,
                candidate=by_name.get(name),
                votes=votes.get(name, 0),
            )
            for name in elected
        )
    _record(
        event_type=EventType.ELECTION_RESULT_RELEASED,
        actor=actor,
        election=election,
        summary=_("%(round)s 宣布结果：%(outcome)s")
        % {"round": round_, "outcome": domain.outcome_label(round_.outcome)},
        subject_type="election_round",
        subject_id=round_.pk,
        inputs={"round": round_.number, "outcome": round_.outcome, "elected": elected},
        persons=[
            c.member.citizen_id
            for c in Candidate.objects.filter(election=election, name__in=elected).select_related(
                "member"
            )
            if c.member is not None
        ],
    )
    if round_.kind != RoundKind.PRELIMINARY and selectors.open_seats(election) <= 0:
        _set_status(election, ElectionStatus.CONCLUDED, check_election_transition)
        delegates = selectors.elected_in_stroke_order(election)
        _record(
            event_type=EventType.ELECTION_CONCLUDED,
            actor=actor,
            election=election,
            summary=_("%(title)s 选举结束，当选 %(n)d 名")
            % {"title": election.title, "n": len(delegates)},
            inputs={"elected": [d.name for d in delegates]},
        )
    return round_


def _released(round_: Round, outcomes: set[Outcome]) -> dict[str, Any]:
    if round_.status != RoundStatus.RELEASED:
        raise InvalidTransitionError(_("须先由总监票人宣布本轮结果。"))
    if Outcome(round_.outcome) not in outcomes:
        raise InvalidTransitionError(
            _("本轮结果为“%(outcome)s”，不能据此发起该轮投票。")
            % {"outcome": domain.outcome_label(round_.outcome)}
        )
    return round_.result or {}


def _candidates_named(election: Election, names: Sequence[str]) -> list[Candidate]:
    """Candidate rows for the names; a tied write-in gets one so he can be on the ballot."""
    existing = {c.name: c for c in Candidate.objects.filter(election=election, name__in=names)}
    for name in names:
        if name not in existing:
            existing[name] = Candidate.objects.create(
                election=election, name=name, note=_("另选他人")
            )
    return [existing[n] for n in names]


@writes_events(EventType.ELECTION_ROUND_OPENED)
def runoff_start(*, actor: User, round_: Round) -> Round:
    """再次投票 among those tied across the last seat, for the seats left: one action from
    the released result; the tied round itself stays as it was counted."""
    election = round_.election
    _require_manager(actor, election)
    election = _lock_election(election)
    if round_.kind == RoundKind.PRELIMINARY:
        raise InvalidTransitionError(_("预选只确定正式候选人，不据此再次投票或另行选举。"))
    result = _released(round_, {Outcome.RUNOFF})
    _check_round_open(election)
    runoff = result["runoff"]
    return _new_round(
        actor=actor,
        election=election,
        kind=RoundKind.RUNOFF,
        seats=int(runoff["seats"]),
        candidates=_candidates_named(election, list(runoff["candidates"])),
        parent=round_,
        reason=_("%(round)s 得票相等") % {"round": round_},
    )


@writes_events(EventType.ELECTION_ROUND_OPENED)
def separate_election_start(
    *, actor: User, round_: Round, candidates: Sequence[Candidate] | None = None
) -> Round:
    """另行选举 for the seats a round left unfilled, among those not elected (by default
    every candidate of that round who was not elected)."""
    election = round_.election
    _require_manager(actor, election)
    election = _lock_election(election)
    if round_.kind == RoundKind.PRELIMINARY:
        raise InvalidTransitionError(_("预选只确定正式候选人，不据此再次投票或另行选举。"))
    result = _released(round_, {Outcome.SHORTFALL})
    _check_round_open(election)
    elected = set(result.get("elected", []))
    if candidates is None:
        chosen = [c for c in selectors.round_candidates(round_) if c.name not in elected]
    else:
        chosen = list(candidates)
        clash = sorted(c.name for c in chosen if c.name in elected)
        if clash:
            raise ValidationFailedError(
                _("“%(names)s”已当选，不能参加另行选举。") % {"names": "、".join(clash)}
            )
    if not chosen:
        raise ValidationFailedError(_("没有可参加另行选举的候选人。"))
    return _new_round(
        actor=actor,
        election=election,
        kind=RoundKind.SEPARATE,
        seats=min(int(result["unfilled_seats"]), selectors.open_seats(election)),
        candidates=chosen,
        parent=round_,
        reason=_("%(round)s 当选人数不足") % {"round": round_},
    )


@writes_events(EventType.ELECTION_ROUND_OPENED)
def revote_start(*, actor: User, round_: Round) -> Round:
    """A vote declared void (more ballots collected than issued) is held again with the
    same candidates and seats; the void round is kept as counted."""
    election = round_.election
    _require_manager(actor, election)
    election = _lock_election(election)
    _released(round_, {Outcome.VOTE_VOID, Outcome.NO_QUORUM})
    _check_round_open(election)
    return _new_round(
        actor=actor,
        election=election,
        kind=RoundKind(round_.kind),
        seats=round_.seats,
        candidates=selectors.round_candidates(round_),
        parent=round_,
        reason=_("%(round)s 选举无效，重新投票") % {"round": round_},
    )


@writes_events(EventType.ELECTION_RESULT_REPORTED)
def election_report(*, actor: User, election: Election) -> Election:
    """Report the result to the convening committee for approval."""
    _require_manager(actor, election)
    election = _lock_election(election)
    _set_status(election, ElectionStatus.REPORTED, check_election_transition)
    delegates = selectors.elected_in_stroke_order(election)
    rounds = [
        {"round": r.number, "kind": r.kind, "outcome": r.outcome, "seats": r.seats}
        for r in Round.objects.filter(election=election).order_by("number")
    ]
    _record(
        event_type=EventType.ELECTION_RESULT_REPORTED,
        actor=actor,
        election=election,
        summary=_("%(title)s 选举结果报召集机关，当选 %(n)d 名")
        % {"title": election.title, "n": len(delegates)},
        inputs={
            "elected": [
                {"name": d.name, "votes": d.votes, "round": d.round.number} for d in delegates
            ],
            "rounds": rounds,
        },
        persons=[
            d.candidate.member.citizen_id
            for d in delegates
            if d.candidate is not None and d.candidate.member is not None
        ],
    )
    return election


def _delegate_persons(delegate: Delegate) -> list[str] | None:
    if delegate.candidate is not None and delegate.candidate.member is not None:
        return [delegate.candidate.member.citizen_id]
    return None


@writes_events(EventType.ELECTION_DELEGATE_CONFIRMED)
def delegate_confirm(*, actor: User, delegate: Delegate) -> Delegate:
    election = delegate.election
    if not access.can_check_credentials(actor, election):
        raise PermissionDeniedError(_("代表资格审查由召集机关进行。"))
    if election.status == ElectionStatus.PREPARING:
        raise InvalidTransitionError(_("选举尚未举行，不能审查代表资格。"))
    changed = Delegate.objects.filter(pk=delegate.pk, status=DelegateStatus.ELECTED).update(
        status=DelegateStatus.CONFIRMED
    )
    if changed != 1:
        raise ConcurrentChangeError
    delegate.status = DelegateStatus.CONFIRMED
    _record(
        event_type=EventType.ELECTION_DELEGATE_CONFIRMED,
        actor=actor,
        election=election,
        summary=_("%(name)s 代表资格确认") % {"name": delegate.name},
        subject_type="election_delegate",
        subject_id=delegate.pk,
        inputs={"name": delegate.name, "round": delegate.round.number},
        persons=_delegate_persons(delegate),
    )
    return delegate


@writes_events(
    EventType.ELECTION_DELEGATE_REMOVED,
    EventType.ELECTION_SITTING_OPENED,
    EventType.ELECTION_ROUND_OPENED,
)
def delegate_remove(*, actor: User, delegate: Delegate, reason: str, detail: str = "") -> Round:
    """A delegate found ineligible after election loses the seat, and a by-election (补选)
    is opened in the unit for the vacancy. Nobody moves up from the earlier count: the
    by-election starts with no candidates until the unit names them."""
    election = delegate.election
    if not access.can_check_credentials(actor, election):
        raise PermissionDeniedError(_("代表资格审查由召集机关进行。"))
    if reason not in REMOVAL_REASONS:
        raise ValidationFailedError(_("请选择终止代表资格的原因。"))
    detail = detail.strip()
    if reason == "其他" and not detail:
        raise ValidationFailedError(_("原因为“其他”时须写明具体情况。"))
    election = _lock_election(election)
    if election.status == ElectionStatus.PREPARING:
        raise InvalidTransitionError(_("选举尚未举行，不能审查代表资格。"))
    full_reason = f"{reason}：{detail}" if detail else reason
    changed = (
        Delegate.objects.filter(pk=delegate.pk)
        .exclude(status=DelegateStatus.REMOVED)
        .update(status=DelegateStatus.REMOVED, removal_reason=full_reason[:255])
    )
    if changed != 1:
        raise ConcurrentChangeError
    delegate.status, delegate.removal_reason = DelegateStatus.REMOVED, full_reason[:255]
    _record(
        event_type=EventType.ELECTION_DELEGATE_REMOVED,
        actor=actor,
        election=election,
        summary=_("终止 %(name)s 的代表资格：%(reason)s")
        % {"name": delegate.name, "reason": full_reason},
        subject_type="election_delegate",
        subject_id=delegate.pk,
        inputs={"name": delegate.name, "round": delegate.round.number, "reason": full_reason},
        persons=_delegate_persons(delegate),
    )
    if election.status != ElectionStatus.IN_SESSION:
        _set_status(election, ElectionStatus.IN_SESSION, check_election_transition)
    current = selectors.active_round(election)
    if current is not None:
        if current.kind != RoundKind.BY_ELECTION or current.status != RoundStatus.PREPARING:
            raise InvalidTransitionError(
                _("%(round)s 正在进行，结束后才能补选。") % {"round": current}
            )
        seats = selectors.open_seats(election)
        Round.objects.filter(pk=current.pk).update(seats=seats)
        current.seats = seats
        return current
    _sitting_open(actor=actor, election=election, reason=full_reason, name=delegate.name)
    return _new_round(
        actor=actor,
        election=election,
        kind=RoundKind.BY_ELECTION,
        seats=selectors.open_seats(election),
        candidates=[],
        parent=delegate.round,
        reason=_("%(name)s 代表资格终止，补选") % {"name": delegate.name},
    )


def _sitting_open(*, actor: User, election: Election, reason: str, name: str) -> None:
    """A by-election is held at a meeting of its own, so it gets a fresh sign-in: who was
    present at the earlier sitting is kept (``SittingAttendance`` and the record) and the
    sign-ins are cleared; the earlier rounds keep the 应到/实到 they were counted on. The
    new meeting adopts its own 选举办法 too."""
    now = selectors.attendance(election)
    present = DueVoter.objects.filter(election=election, present=True)
    present_ids = sorted(present.values_list("pk", flat=True))
    citizen_ids = sorted(present.values_list("member__citizen_id", flat=True))
    SittingAttendance.objects.create(
        election=election,
        sitting=election.sitting,
        due=now.due,
        present=now.present,
        present_voters=present_ids,
    )
    present.update(present=False)
    new_sitting = election.sitting + 1
    changed = Election.objects.filter(pk=election.pk, sitting=election.sitting).update(
        sitting=new_sitting, method_adopted=False
    )
    if changed != 1:
        raise ConcurrentChangeError
    election.sitting, election.method_adopted = new_sitting, False
    _record(
        event_type=EventType.ELECTION_SITTING_OPENED,
        actor=actor,
        election=election,
        summary=_("%(title)s 因 %(name)s 代表资格终止举行补选，重新签到（第 %(n)d 次会议）")
        % {"title": election.title, "name": name, "n": new_sitting},
        inputs={
            "sitting": new_sitting,
            "reason": reason,
            "previous_sitting": {
                "sitting": new_sitting - 1,
                "due": now.due,
                "present": now.present,
                "present_digest": _digest(citizen_ids),
            },
        },
    )


@writes_events(EventType.ELECTION_SEATS_REDUCED, EventType.ELECTION_CONCLUDED)
def seats_reduce(
    *,
    actor: User,
    round_: Round,
    agreed_by: ReductionAgreement | str,
    voters: int,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    ratio: Fraction | None = None,
) -> SeatReduction:
    """Instead of a 另行选举 after a shortfall, elect fewer: allowed only when those elected
    are close to the seats (``reduction_permissible``) and more than half of the electors,
    or of the 主席团, agreed; the vote is recorded with the reduction."""
    election = round_.election
    _require_manager(actor, election)
    election = _lock_election(election)
    round_.election = election
    _released(round_, {Outcome.SHORTFALL})
    if round_.kind == RoundKind.PRELIMINARY:
        raise InvalidTransitionError(_("预选不决定名额。"))
    latest = selectors.latest_round(election)
    if latest is None or latest.pk != round_.pk:
        raise InvalidTransitionError(_("本轮之后已有新的轮次，不能再据本轮结果减少名额。"))
    if SeatReduction.objects.filter(round=round_).exists():
        raise InvalidTransitionError(_("已据本轮结果减少过名额。"))
    agreed_by = ReductionAgreement(agreed_by)
    seats = selectors.seats_in_force(election)
    elected = selectors.active_delegates(election).count()
    if ratio is None:
        ratio = selectors.reduction_ratio(election)
    if not reduction_permissible(seats=seats, elected=elected, ratio=ratio):
        raise ValidationFailedError(
            _(
                "应选 %(seats)d 名，当选 %(elected)d 名，未达到应选名额的 %(ratio)s，"
                "不能减少名额，须就不足名额另行选举。"
            )
            % {"seats": seats, "elected": elected, "ratio": f"{Fraction(ratio)}"}
        )
    if agreed_by == ReductionAgreement.ELECTORS and voters != (round_.present_voters or 0):
        raise ValidationFailedError(
            _("由选举人表决的，应参加表决人数为本轮实到会人数 %(n)d 人。")
            % {"n": round_.present_voters or 0}
        )
    if voters < 1 or min(votes_for, votes_against, votes_abstain) < 0:
        raise ValidationFailedError(_("请填写应参加表决人数和表决票数。"))
    if votes_for + votes_against + votes_abstain > voters:
        raise ValidationFailedError(
            _("赞成、不赞成、弃权共 %(n)d 票，多于应参加表决的 %(voters)d 人。")
            % {"n": votes_for + votes_against + votes_abstain, "voters": voters}
        )
    if not 2 * votes_for > voters:
        raise ValidationFailedError(
            _("赞成 %(for)d 票，未超过应参加表决 %(voters)d 人的半数，不能减少名额。")
            % {"for": votes_for, "voters": voters}
        )
    reduction = SeatReduction.objects.create(
        election=election,
        round=round_,
        seats_before=seats,
        seats_after=elected,
        agreed_by=agreed_by,
        voters=voters,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
        decided_by=actor,
    )
    _record(
        event_type=EventType.ELECTION_SEATS_REDUCED,
        actor=actor,
        election=election,
        summary=_("%(round)s 当选人数不足，经%(who)s同意，应选名额由 %(a)d 名减为 %(b)d 名")
        % {"round": round_, "who": agreed_by.label, "a": seats, "b": elected},
        subject_type="election_round",
        subject_id=round_.pk,
        inputs={
            "round": round_.number,
            "seats_before": seats,
            "seats_after": elected,
            "agreed_by": agreed_by.value,
            "voters": voters,
            "votes_for": votes_for,
            "votes_against": votes_against,
            "votes_abstain": votes_abstain,
            "reduction_ratio": str(Fraction(ratio)),
        },
    )
    if selectors.open_seats(election) <= 0 and election.status == ElectionStatus.IN_SESSION:
        _set_status(election, ElectionStatus.CONCLUDED, check_election_transition)
        delegates = selectors.elected_in_stroke_order(election)
        _record(
            event_type=EventType.ELECTION_CONCLUDED,
            actor=actor,
            election=election,
            summary=_("%(title)s 选举结束，当选 %(n)d 名")
            % {"title": election.title, "n": len(delegates)},
            inputs={"elected": [d.name for d in delegates], "seats": elected},
        )
    return reduction
