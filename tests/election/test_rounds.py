from __future__ import annotations

import pytest

from tests.conftest import Tree
from tests.election.meeting_setup import (
    Meeting,
    enter_batch,
    fast_hashing,
    in_session,
    marks,
    prepared,
)
from tests.record import assert_events
from tuixuan.core.errors import InvalidTransitionError, PermissionDeniedError
from tuixuan.core.models import User
from tuixuan.election import selectors, services
from tuixuan.election.models import (
    Delegate,
    DelegateStatus,
    ElectionStatus,
    ResultRow,
    Round,
    RoundKind,
    RoundStatus,
)
from tuixuan.record.events import EventType

__all__ = ["fast_hashing"]


def _vote(meeting: Meeting, round_: Round, ballots: list[dict[str, str]]) -> Round:
    enter_batch(meeting, round_, [marks(round_, b) for b in ballots])
    services.round_count(actor=meeting.chief, round_=round_)
    return services.round_release(actor=meeting.chief, round_=Round.objects.get(pk=round_.pk))


def test_counting_calls_the_rules_and_only_the_chief_releases(
    tree: Tree, unit_operator: User
) -> None:
    meeting = prepared(tree, unit_operator, voters=5, seats=2)
    round_ = in_session(meeting, unit_operator)
    ballots = [{"王明": "1", "李华": "1"}] * 3 + [{"张伟": "1", "王明": "2"}] * 2
    enter_batch(meeting, round_, [marks(round_, b) for b in ballots])
    with assert_events([EventType.ELECTION_ROUND_COUNTED]) as events:
        result = services.round_count(actor=meeting.chief, round_=round_)
    assert result.elected == ("王明", "李华")
    assert events[0].inputs["present_voters"] == 5
    assert events[0].inputs["candidates"] == selectors.round_names(round_)
    assert events[0].inputs["counting_rules_version"] == result.rules_version
    row = ResultRow.objects.get(round=round_, name="王明")
    assert (row.in_favour, row.against, row.abstain, row.elected) == (3, 2, 0, True)
    round_.refresh_from_db()
    with pytest.raises(PermissionDeniedError):
        services.round_release(actor=unit_operator, round_=round_)
    with assert_events([EventType.ELECTION_RESULT_RELEASED, EventType.ELECTION_CONCLUDED]):
        services.round_release(actor=meeting.chief, round_=round_)
    meeting.election.refresh_from_db()
    assert meeting.election.status == ElectionStatus.CONCLUDED
    assert [d.name for d in selectors.elected_in_stroke_order(meeting.election)] == ["王明", "李华"]


def test_a_tie_leads_to_a_runoff_round_that_leaves_the_first_round_alone(
    tree: Tree, unit_operator: User
) -> None:
    meeting = prepared(tree, unit_operator, voters=8, seats=2)
    round_ = in_session(meeting, unit_operator)
    ballots = [{"王明": "1", "李华": "1"}] * 3 + [{"王明": "1", "张伟": "1"}] * 3
    ballots += [{"李华": "1", "张伟": "1"}] * 2
    first = _vote(meeting, round_, ballots)
    assert first.outcome == "runoff"
    before = (first.result, list(ResultRow.objects.filter(round=first).values_list()))
    with pytest.raises(InvalidTransitionError):
        services.separate_election_start(actor=unit_operator, round_=first)
    with assert_events([EventType.ELECTION_ROUND_OPENED]) as events:
        runoff = services.runoff_start(actor=unit_operator, round_=first)
    assert runoff.kind == RoundKind.RUNOFF and runoff.parent_id == first.pk
    assert runoff.number == 2 and runoff.seats == 1
    assert selectors.round_names(runoff) == sorted(
        ["李华", "张伟"], key=lambda n: selectors.round_names(first).index(n)
    )
    assert events[0].inputs["parent_round"] == 1
    assert [d.name for d in Delegate.objects.filter(election=meeting.election)] == ["王明"]

    services.ballots_issue(actor=unit_operator, round_=runoff, issued=8)
    second = _vote(
        meeting, Round.objects.get(pk=runoff.pk), [{"李华": "1"}] * 5 + [{"张伟": "1"}] * 3
    )
    assert second.outcome == "complete"
    first.refresh_from_db()
    assert (first.result, list(ResultRow.objects.filter(round=first).values_list())) == before
    assert first.status == RoundStatus.RELEASED
    meeting.election.refresh_from_db()
    assert meeting.election.status == ElectionStatus.CONCLUDED
    assert sorted(d.name for d in selectors.active_delegates(meeting.election)) == sorted(
        ["王明", "李华"]
    )


def test_a_shortfall_leads_to_a_separate_election_among_those_not_elected(
    tree: Tree, unit_operator: User
) -> None:
    meeting = prepared(tree, unit_operator, voters=4, seats=2)
    round_ = in_session(meeting, unit_operator)
    first = _vote(meeting, round_, [{"王明": "1"}] * 3 + [{"李华": "1"}])
    assert first.outcome == "shortfall"
    separate = services.separate_election_start(actor=unit_operator, round_=first)
    assert separate.kind == RoundKind.SEPARATE and separate.seats == 1
    assert "王明" not in selectors.round_names(separate)
    assert len(selectors.round_names(separate)) == 3


def test_a_second_round_cannot_start_while_one_is_under_way(
    tree: Tree, unit_operator: User
) -> None:
    meeting = prepared(tree, unit_operator, voters=3)
    in_session(meeting, unit_operator)
    with pytest.raises(InvalidTransitionError, match="尚未宣布"):
        services.round_open(actor=unit_operator, election=meeting.election)


def test_removing_a_delegate_opens_a_by_election_never_taking_the_next_name(
    tree: Tree, unit_operator: User, convener: User
) -> None:
    meeting = prepared(tree, unit_operator, voters=5, seats=2)
    round_ = in_session(meeting, unit_operator)
    ballots = [{"王明": "1", "李华": "1", "张伟": "2"}] * 3 + [{"张伟": "1"}] * 2
    _vote(meeting, round_, ballots)
    services.election_report(actor=unit_operator, election=meeting.election)
    removed = Delegate.objects.get(election=meeting.election, name="李华")
    with pytest.raises(PermissionDeniedError):
        services.delegate_remove(actor=unit_operator, delegate=removed, reason="党员身份存疑")
    with assert_events(
        [
            EventType.ELECTION_DELEGATE_REMOVED,
            EventType.ELECTION_SITTING_OPENED,
            EventType.ELECTION_ROUND_OPENED,
        ]
    ) as events:
        by_election = services.delegate_remove(
            actor=convener, delegate=removed, reason="党员身份存疑", detail="组织关系未转入"
        )
    removed.refresh_from_db()
    assert removed.status == DelegateStatus.REMOVED
    assert removed.removal_reason == "党员身份存疑：组织关系未转入"
    assert by_election.kind == RoundKind.BY_ELECTION and by_election.seats == 1
    assert selectors.round_names(by_election) == []
    assert [d.name for d in selectors.active_delegates(meeting.election)] == ["王明"]
    assert events[0].inputs["reason"] == "党员身份存疑：组织关系未转入"
    meeting.election.refresh_from_db()
    assert meeting.election.status == ElectionStatus.IN_SESSION
    kept = Delegate.objects.get(election=meeting.election, name="王明")
    services.delegate_confirm(actor=convener, delegate=kept)
    assert Delegate.objects.get(pk=kept.pk).status == DelegateStatus.CONFIRMED
