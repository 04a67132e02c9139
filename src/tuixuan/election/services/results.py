"""Counting and results: the count, its release, the rounds that follow one, the report.

Counting is never done here: ``round_count`` aggregates the settled ballots into identical
kinds with their counts and hands them to ``tuixuan.election.counting``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from django.utils.translation import gettext as _

from tuixuan.core.errors import InvalidTransitionError, PermissionDeniedError, ValidationFailedError
from tuixuan.core.models import User
from tuixuan.election import access, aggregate, domain, selectors
from tuixuan.election.counting import Outcome, Profile, RoundResult, count_round
from tuixuan.election.counting import Round as CountingRound
from tuixuan.election.domain import check_election_transition, check_round_transition
from tuixuan.election.models import (
    Candidate,
    Delegate,
    Election,
    ElectionStatus,
    ResultRow,
    Round,
    RoundKind,
    RoundStatus,
)
from tuixuan.election.services._common import (
    _check_round_open,
    _lock_election,
    _new_round,
    _record,
    _released,
    _require_chief,
    _require_manager,
    _round_persons,
    _set_status,
)
from tuixuan.record.events import EventType
from tuixuan.record.services import writes_events


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
        # Everyone on the ballot finds the result in the book, won or lost, and so does
        # anyone elected off it who is known as a member.
        persons=list(
            dict.fromkeys(
                [
                    *_round_persons(round_),
                    *(
                        c.member.citizen_id
                        for c in Candidate.objects.filter(
                            election=election, name__in=elected
                        ).select_related("member")
                        if c.member is not None
                    ),
                ]
            )
        ),
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
