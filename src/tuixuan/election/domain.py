"""Allowed status transitions and what blocks the next step, shown and enforced alike."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tuixuan.core.errors import InvalidTransitionError
from tuixuan.election.counting import Outcome
from tuixuan.election.models import BatchStatus, ElectionStatus, RoundStatus

ELECTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ElectionStatus.PREPARING: frozenset({ElectionStatus.IN_SESSION}),
    ElectionStatus.IN_SESSION: frozenset({ElectionStatus.CONCLUDED}),
    ElectionStatus.CONCLUDED: frozenset({ElectionStatus.REPORTED, ElectionStatus.IN_SESSION}),
    # A delegate removed at the credentials check reopens the unit for a by-election.
    ElectionStatus.REPORTED: frozenset({ElectionStatus.IN_SESSION}),
}

ROUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RoundStatus.PREPARING: frozenset({RoundStatus.VOTING}),
    RoundStatus.VOTING: frozenset({RoundStatus.COUNTED}),
    RoundStatus.COUNTED: frozenset({RoundStatus.RELEASED}),
    RoundStatus.RELEASED: frozenset(),
}

BATCH_TRANSITIONS: dict[str, frozenset[str]] = {
    BatchStatus.ENTERING: frozenset({BatchStatus.RECONCILING, BatchStatus.SETTLED}),
    BatchStatus.RECONCILING: frozenset({BatchStatus.SETTLED}),
    BatchStatus.SETTLED: frozenset(),
}


def _check(table: dict[str, frozenset[str]], labels: dict[str, str], old: str, new: str) -> None:
    if new not in table.get(old, frozenset()):
        raise InvalidTransitionError(
            _("不能从“%(old)s”变为“%(new)s”。")
            % {"old": labels.get(old, old), "new": labels.get(new, new)}
        )


def check_election_transition(old: str, new: str) -> None:
    _check(ELECTION_TRANSITIONS, {k: str(v) for k, v in ElectionStatus.choices}, old, new)


def check_round_transition(old: str, new: str) -> None:
    _check(ROUND_TRANSITIONS, {k: str(v) for k, v in RoundStatus.choices}, old, new)


def check_batch_transition(old: str, new: str) -> None:
    _check(BATCH_TRANSITIONS, {k: str(v) for k, v in BatchStatus.choices}, old, new)


MARK_FOR = "1"
MARK_AGAINST = "2"
MARK_ABSTAIN = "0"
MARKS = frozenset({MARK_FOR, MARK_AGAINST, MARK_ABSTAIN})


OUTCOME_LABELS = {
    Outcome.NO_QUORUM.value: "到会人数不足，不能选举",
    Outcome.VOTE_VOID.value: "收回选票多于发出选票，选举无效",
    Outcome.RUNOFF.value: "得票相等，须再次投票",
    Outcome.SHORTFALL.value: "当选人数少于应选名额",
    Outcome.COMPLETE.value: "选举有效，名额已满",
}


def outcome_label(outcome: str) -> str:
    return _(OUTCOME_LABELS.get(outcome, outcome))
