"""Rounds: opening the first and the formal round, printing and issuing their ballots."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from django.utils.translation import gettext as _

from tuixuan.core.errors import InvalidTransitionError, ValidationFailedError
from tuixuan.core.models import User
from tuixuan.election import domain, selectors
from tuixuan.election.counting import Outcome, minimum_candidates
from tuixuan.election.domain import check_round_transition
from tuixuan.election.models import Candidate, Election, PrintRun, Round, RoundKind, RoundStatus
from tuixuan.election.services._common import (
    _check_round_open,
    _lock_election,
    _new_round,
    _record,
    _require_manager,
    _round_persons,
    _set_status,
)
from tuixuan.record.events import EventType
from tuixuan.record.services import writes_events

MAX_COPIES = 100_000


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
    round_seats = seats if seats is not None else selectors.open_seats(election)
    # docs/domain.md §4.3: the ballot of a 预选 or 正式选举 keeps the 差额, counted exactly.
    problem = selectors.ballot_size_problem(election, kind, round_seats, len(chosen))
    if problem is not None:
        raise ValidationFailedError(problem)
    return _new_round(
        actor=actor,
        election=election,
        kind=kind,
        seats=round_seats,
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
        persons=_round_persons(round_),
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
        persons=_round_persons(round_),
    )
    return round_
