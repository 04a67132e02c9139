"""The meeting: its creation and date, candidates, the electorate, staff, sign-in, method."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tuixuan.campaign.models import CampaignStatus, ElectionUnit
from tuixuan.core import clock
from tuixuan.core.access import in_scope
from tuixuan.core.errors import (
    ConcurrentChangeError,
    InvalidTransitionError,
    PermissionDeniedError,
    ValidationFailedError,
)
from tuixuan.core.models import Organisation, Role, User
from tuixuan.core.strokes import sort_names
from tuixuan.election import access, selectors
from tuixuan.election.domain import check_election_transition
from tuixuan.election.models import (
    BodyType,
    Candidate,
    CandidateOrigin,
    Delegate,
    DelegateStatus,
    DueVoter,
    Election,
    ElectionStatus,
    ExclusionReason,
    ProfileChoice,
    Round,
    RoundStatus,
    Staff,
    StaffRole,
)
from tuixuan.election.services._common import (
    _digest,
    _lock_election,
    _place_candidates,
    _record,
    _require_manager,
    _set_status,
)
from tuixuan.notice import selectors as notice_selectors
from tuixuan.record.events import EventType
from tuixuan.record.services import writes_events
from tuixuan.registry.models import Member


@dataclass(frozen=True)
class CandidateInput:
    name: str
    member: Member | None = None
    note: str = ""


# The bodies each rule profile elects in (docs/domain.md §6.1).
BODY_TYPES: dict[str, tuple[str, ...]] = {
    ProfileChoice.GRASSROOTS.value: (
        BodyType.MEMBERS_MEETING.value,
        BodyType.DELEGATES_MEETING.value,
    ),
    ProfileChoice.LOCAL_CONGRESS.value: (BodyType.CONGRESS.value,),
    ProfileChoice.LOCAL_PLENARY.value: (BodyType.PLENARY.value,),
}


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
    """An election typed by hand: seats and rules as given (an election outside a
    campaign, or one linked to a campaign by its id only)."""
    return _create(
        actor=actor,
        organisation=organisation,
        title=title,
        body_type=body_type,
        profile=profile,
        seats=seats,
        meeting_date=meeting_date,
        campaign_id=campaign_id,
    )


@writes_events(EventType.ELECTION_CREATED)
def election_create_for_unit(
    *,
    actor: User,
    unit: ElectionUnit,
    title: str,
    body_type: BodyType | str,
    meeting_date: dt.date | None = None,
) -> Election:
    """The election of a campaign's election unit: the seats, the rule profile, the margin
    and the reduction ratio come from the campaign and the unit, never typed; the
    candidates are then taken from the approved list (``candidates_take_approved``)."""
    # Locked: two operators creating the unit's meeting at once make one meeting.
    unit = (
        ElectionUnit.objects.select_for_update(of=("self",))
        .select_related("campaign", "organisation")
        .get(pk=unit.pk)
    )
    campaign = unit.campaign
    if actor.role not in access.MANAGERS or not in_scope(actor, unit.organisation):
        raise PermissionDeniedError(_("该选举单位不在您的管理范围内。"))
    if campaign.status == CampaignStatus.WITHDRAWN:
        raise InvalidTransitionError(_("推选工作已撤销，不能创建选举会议。"))
    if unit.seats < 1:
        raise ValidationFailedError(
            _("选举单位“%(unit)s”尚未分配代表名额，不能创建选举会议。")
            % {"unit": unit.organisation.name},
            field="unit",
        )
    existing = Election.objects.filter(unit=unit).first()
    if existing is not None:
        raise ValidationFailedError(
            _("选举单位“%(unit)s”已有选举会议“%(title)s”。")
            % {"unit": unit.organisation.name, "title": existing.title},
            field="unit",
        )
    if str(body_type) not in BODY_TYPES.get(unit.rule_profile, ()):
        raise ValidationFailedError(
            _("选举单位的选举规则为“%(profile)s”，会议类型不能为“%(body)s”。")
            % {
                "profile": ProfileChoice(unit.rule_profile).label,
                "body": BodyType(body_type).label
                if body_type in BodyType.values
                else str(body_type),
            },
            field="body_type",
        )
    return _create(
        actor=actor,
        organisation=unit.organisation,
        title=title,
        body_type=body_type,
        profile=unit.rule_profile,
        seats=unit.seats,
        meeting_date=meeting_date,
        campaign_id=campaign.pk,
        unit=unit,
        extra={
            "unit": unit.pk,
            "campaign": campaign.name,
            "from_campaign": True,
            "margin_ratio": campaign.margin_ratio,
            "reduction_ratio": campaign.reduction_threshold,
            "equal_by_election": campaign.equal_by_election,
        },
    )


def _create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    body_type: BodyType | str,
    profile: ProfileChoice | str,
    seats: int,
    meeting_date: dt.date | None,
    campaign_id: int | None,
    unit: ElectionUnit | None = None,
    extra: dict[str, object] | None = None,
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
        unit=unit,
        created_by=actor,
    )
    _record(
        event_type=EventType.ELECTION_CREATED,
        actor=actor,
        election=election,
        summary=_("创建选举会议“%(title)s”，应选 %(seats)d 名")
        % {"title": election.title, "seats": seats},
        inputs={"title": election.title, "meeting_date": meeting_date, **(extra or {})},
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
    if election.campaign_id is not None:
        # docs/domain.md §3.7: the approved list is the candidate list of the election.
        raise InvalidTransitionError(
            _("本次选举属于推选工作，候选人须采用召集机关批准的候选人预备人选名单，不能直接录入。")
        )
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
    chosen = list({c.pk: c for c in candidates}.values())
    # docs/domain.md §4.3: a 补选 keeps the 差额 unless the campaign allows it 等额.
    problem = selectors.ballot_size_problem(election, round_.kind, round_.seats, len(chosen))
    if problem is not None:
        raise ValidationFailedError(problem)
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


@writes_events(EventType.ELECTION_CANDIDATES_TAKEN)
def candidates_take_approved(*, actor: User, election: Election) -> list[Candidate]:
    """The candidate list of a campaign's election is the 候选人预备人选 the convening
    committee approved for the unit (docs/domain.md §3.7), in surname-stroke order, each
    with where the person came from. Taking it again before the meeting opens, after the
    approved list changed, replaces the candidates; once the meeting has opened, never."""
    _require_manager(actor, election)
    election = _lock_election(election)
    if election.unit_id is None:
        raise InvalidTransitionError(
            _("本次选举不是推选工作中选举单位的选举，没有批准的候选人预备人选可采用。")
        )
    if election.status != ElectionStatus.PREPARING:
        raise InvalidTransitionError(_("选举大会已开始签到，候选人名单不能再更换。"))
    unit = ElectionUnit.objects.select_related("campaign", "organisation").get(pk=election.unit_id)
    approved = notice_selectors.approved_list(unit)
    if approved is None:
        raise ValidationFailedError(_("召集机关尚未批准本单位的候选人预备人选名单。"))
    if approved.pk == election.candidate_list_id:
        raise ValidationFailedError(
            _("已采用召集机关批准的候选人预备人选名单（%(day)s 批准），名单没有变化。")
            % {"day": approved.reviewed_on.isoformat() if approved.reviewed_on else ""}
        )
    people = notice_selectors.approved_candidates(unit)
    staff = Staff.objects.filter(election=election)
    staff_names = {s.name for s in staff}
    staff_members = {s.member_id for s in staff if s.member_id is not None}
    clash = sorted(
        p.member.name
        for p in people
        if p.member.name in staff_names or p.member.pk in staff_members
    )
    if clash:
        raise ValidationFailedError(
            _("“%(names)s”已担任监票计票工作，不能同时作为候选人；请先调整监票计票人员。")
            % {"names": "、".join(clash)}
        )
    counts: dict[str, int] = {}
    for p in people:
        counts[p.member.name] = counts.get(p.member.name, 0) + 1
    previous = list(Candidate.objects.filter(election=election).select_related("member"))
    Candidate.objects.filter(election=election).delete()
    rows = [
        Candidate(
            election=election,
            # The counting rules know people by the printed name: namesakes are told apart.
            name=p.member.name
            if counts[p.member.name] == 1
            else f"{p.member.name}（{p.member.organisation.name}）"[:64],
            member=p.member,
            note=p.post[:128],
            origin=CandidateOrigin(p.origin),
            nominated_by=p.nominated_by[:128],
        )
        for p in people
    ]
    created = Candidate.objects.bulk_create(rows)
    previous_list = election.candidate_list_id
    Election.objects.filter(pk=election.pk).update(candidate_list=approved)
    election.candidate_list = approved
    kept = {c.member_id for c in rows}
    dropped = [c for c in previous if c.member is not None and c.member_id not in kept]
    _record(
        event_type=EventType.ELECTION_CANDIDATES_TAKEN,
        actor=actor,
        election=election,
        summary=(
            _("%(title)s 采用召集机关批准的候选人预备人选 %(n)d 名")
            if previous_list is None
            else _("%(title)s 改为采用重新批准的候选人预备人选 %(n)d 名")
        )
        % {"title": election.title, "n": len(rows)},
        inputs={
            "unit": unit.pk,
            "list": approved.pk,
            "decided_on": approved.decided_on,
            "submitted_on": approved.submitted_on,
            "reviewed_on": approved.reviewed_on,
            "approved_by": unit.campaign.convening_organisation.name,
            "replaced_list": previous_list,
            "replaced": sort_names(c.name for c in previous),
            "candidates": [
                {
                    "name": c.name,
                    "citizen_id": c.member.citizen_id if c.member is not None else "",
                    "origin": c.origin,
                    "nominated_by": c.nominated_by,
                }
                for c in rows
            ],
            "candidate_list": [c.name for c in rows],
        },
        persons=[c.member.citizen_id for c in rows if c.member is not None]
        + [c.member.citizen_id for c in dropped if c.member is not None],
    )
    return created


DRAW_BATCH = 1000


@writes_events(EventType.ELECTION_ELECTORATE_DRAWN)
def electorate_draw(
    *,
    actor: User,
    election: Election,
    on: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """The voters due (应到会): full members of the unit with voting rights on the day.

    Drawing again replaces the previous draw and its exclusions; once the meeting opens
    the list is frozen. One transaction however large the unit; ``progress(done, total)``
    is told after each batch of rows written (a large draw runs as a job, docs/jobs.md).
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
    if progress is not None:
        progress(0, len(rows))
    for start in range(0, len(rows), DRAW_BATCH):
        DueVoter.objects.bulk_create(rows[start : start + DRAW_BATCH])
        if progress is not None:
            progress(min(start + DRAW_BATCH, len(rows)), len(rows))
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
