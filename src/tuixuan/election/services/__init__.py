"""Every change to an election, one service each, kept in one module per aggregate.

Each service writes its record event in the same transaction (``writes_events`` opens
it). Callers import from ``tuixuan.election.services``; the modules are:

- ``meeting``: the meeting (typed, or from a campaign's unit), its candidates (typed, or the
  approved list), electorate, staff, sign-in and 选举办法;
- ``rounds``: opening rounds, printing and issuing their ballots;
- ``ballots``: ballot entry, the chief scrutineer's rulings, group totals;
- ``results``: counting, releasing, the rounds that follow a result, the report;
- ``delegates``: credentials, removal and its by-election sitting, seat reduction.
"""

from __future__ import annotations

from tuixuan.election.services.ballots import (
    ballot_decide,
    ballot_enter,
    batch_create,
    entry_submit,
    group_totals_enter,
)
from tuixuan.election.services.delegates import (
    REMOVAL_REASONS,
    delegate_confirm,
    delegate_remove,
    seats_reduce,
)
from tuixuan.election.services.meeting import (
    BODY_TYPES,
    CandidateInput,
    attendance_mark,
    candidates_enter,
    candidates_take_approved,
    election_create,
    election_create_for_unit,
    election_open,
    electorate_draw,
    meeting_date_set,
    method_adopt,
    round_candidates_set,
    staff_assign,
    voter_exclude,
)
from tuixuan.election.services.results import (
    election_report,
    revote_start,
    round_count,
    round_release,
    runoff_start,
    separate_election_start,
)
from tuixuan.election.services.rounds import (
    MAX_COPIES,
    ballots_issue,
    ballots_print,
    formal_round_start,
    round_open,
)

__all__ = [
    "BODY_TYPES",
    "MAX_COPIES",
    "REMOVAL_REASONS",
    "CandidateInput",
    "attendance_mark",
    "ballot_decide",
    "ballot_enter",
    "ballots_issue",
    "ballots_print",
    "batch_create",
    "candidates_enter",
    "candidates_take_approved",
    "delegate_confirm",
    "delegate_remove",
    "election_create",
    "election_create_for_unit",
    "election_open",
    "election_report",
    "electorate_draw",
    "entry_submit",
    "formal_round_start",
    "group_totals_enter",
    "meeting_date_set",
    "method_adopt",
    "revote_start",
    "round_candidates_set",
    "round_count",
    "round_open",
    "round_release",
    "runoff_start",
    "seats_reduce",
    "separate_election_start",
    "staff_assign",
    "voter_exclude",
]
