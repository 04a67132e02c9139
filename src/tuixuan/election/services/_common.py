"""The private helpers the election services share: checks, locking, the record, new rounds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from tuixuan.core.errors import (
    ConcurrentChangeError,
    InvalidTransitionError,
    PermissionDeniedError,
    ValidationFailedError,
)
from tuixuan.core.models import User
from tuixuan.core.strokes import name_key
from tuixuan.election import access, aggregate, domain, selectors
from tuixuan.election.counting import COUNTING_RULES_VERSION, Outcome
from tuixuan.election.models import (
    Candidate,
    Election,
    ElectionStatus,
    Round,
    RoundCandidate,
    RoundKind,
    RoundStatus,
)
from tuixuan.record.events import EventType
from tuixuan.record.services import record


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


def _released(round_: Round, outcomes: set[Outcome]) -> dict[str, Any]:
    if round_.status != RoundStatus.RELEASED:
        raise InvalidTransitionError(_("须先由总监票人宣布本轮结果。"))
    if Outcome(round_.outcome) not in outcomes:
        raise InvalidTransitionError(
            _("本轮结果为“%(outcome)s”，不能据此发起该轮投票。")
            % {"outcome": domain.outcome_label(round_.outcome)}
        )
    return round_.result or {}
