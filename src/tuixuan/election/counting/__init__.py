"""Election counting rules (docs/domain.md §6), pure: no Django, integers and Fraction only."""

from __future__ import annotations

from tuixuan.election.counting.margin import (
    DEFAULT_MARGIN,
    BallotSize,
    ballot_size,
    margin_met,
    minimum_candidates,
)
from tuixuan.election.counting.model import (
    Ballot,
    GroupTally,
    Outcome,
    PersonResult,
    Round,
    RoundResult,
    Runoff,
    WriteIn,
)
from tuixuan.election.counting.profiles import (
    Profile,
    quorum_met,
    threshold_base,
    votes_needed,
    wins,
)
from tuixuan.election.counting.shortfall import DEFAULT_REDUCTION_RATIO, reduction_permissible
from tuixuan.election.counting.tally import (
    COUNTING_RULES_VERSION,
    ballot_valid,
    check_round,
    check_tally,
    count_round,
    effective_write_ins,
    rank,
    select_elected,
)

__all__ = [
    "COUNTING_RULES_VERSION",
    "DEFAULT_MARGIN",
    "DEFAULT_REDUCTION_RATIO",
    "Ballot",
    "BallotSize",
    "GroupTally",
    "Outcome",
    "PersonResult",
    "Profile",
    "Round",
    "RoundResult",
    "Runoff",
    "WriteIn",
    "ballot_size",
    "ballot_valid",
    "check_round",
    "check_tally",
    "count_round",
    "effective_write_ins",
    "margin_met",
    "minimum_candidates",
    "quorum_met",
    "rank",
    "reduction_permissible",
    "select_elected",
    "threshold_base",
    "votes_needed",
    "wins",
]
