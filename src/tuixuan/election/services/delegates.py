"""Delegates: credentials confirmed or removed, the by-election's sitting, seat reduction."""

from __future__ import annotations

from fractions import Fraction

from django.utils.translation import gettext as _

from tuixuan.core.errors import (
    ConcurrentChangeError,
    InvalidTransitionError,
    PermissionDeniedError,
    ValidationFailedError,
)
from tuixuan.core.models import User
from tuixuan.election import access, selectors
from tuixuan.election.counting import Outcome, reduction_permissible
from tuixuan.election.domain import check_election_transition
from tuixuan.election.models import (
    Delegate,
    DelegateStatus,
    DueVoter,
    Election,
    ElectionStatus,
    ReductionAgreement,
    Round,
    RoundKind,
    RoundStatus,
    SeatReduction,
    SittingAttendance,
)
from tuixuan.election.services._common import (
    _digest,
    _lock_election,
    _new_round,
    _record,
    _released,
    _require_manager,
    _set_status,
)
from tuixuan.record.events import EventType
from tuixuan.record.services import writes_events

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
