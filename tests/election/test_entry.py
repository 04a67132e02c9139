from __future__ import annotations

import pytest
from django.db import models

from tests import factories
from tests.conftest import Tree
from tests.election.meeting_setup import enter_batch, fast_hashing, in_session, marks, prepared
from tests.record import assert_events
from tuixuan.core.errors import (
    InvalidTransitionError,
    PermissionDeniedError,
    ValidationFailedError,
)
from tuixuan.core.models import Role, User
from tuixuan.election import aggregate, selectors, services
from tuixuan.election.counting import Profile, count_round
from tuixuan.election.counting import Round as CountingRound
from tuixuan.election.models import (
    Batch,
    BatchStatus,
    EnteredBallot,
    GroupTotal,
    SettledBallot,
)
from tuixuan.record.events import EventType

__all__ = ["fast_hashing"]


def test_ballot_tables_cannot_be_linked_to_a_voter() -> None:
    """No relation to members, due voters or sign-ins, and no time of their own."""
    for model in (EnteredBallot, SettledBallot, GroupTotal, Batch):
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            if related is not None:
                assert related._meta.label not in {
                    "registry.Member",
                    "election.DueVoter",
                }, f"{model.__name__}.{field.name}"
            assert not isinstance(field, models.DateTimeField | models.DateField), field.name


def test_two_tellers_agreeing_settle_the_batch(tree: Tree, unit_operator: User) -> None:
    meeting = prepared(tree, unit_operator, voters=3)
    round_ = in_session(meeting, unit_operator)
    batch = services.batch_create(actor=meeting.teller_one, round_=round_, ballot_count=2)
    pile = [marks(round_, {"王明": "1"}), marks(round_, {"李华": "1", "赵静": "2"})]
    for seq, reading in enumerate(pile, start=1):
        services.ballot_enter(actor=meeting.teller_one, batch=batch, seq=seq, marks=reading)
    with assert_events([EventType.ELECTION_ENTRY_SUBMITTED]):
        services.entry_submit(actor=meeting.teller_one, batch=batch)
    for seq, reading in enumerate(pile, start=1):
        services.ballot_enter(actor=meeting.teller_two, batch=batch, seq=seq, marks=reading)
    with assert_events(
        [EventType.ELECTION_ENTRY_SUBMITTED, EventType.ELECTION_BATCH_SETTLED]
    ) as events:
        services.entry_submit(actor=meeting.teller_two, batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SETTLED
    assert SettledBallot.objects.filter(batch=batch).count() == 2
    assert events[0].inputs["digest"]


def test_the_same_teller_cannot_enter_a_batch_twice_and_a_third_is_refused(
    tree: Tree, unit_operator: User
) -> None:
    meeting = prepared(tree, unit_operator, voters=3)
    round_ = in_session(meeting, unit_operator)
    batch = services.batch_create(actor=meeting.teller_one, round_=round_, ballot_count=1)
    reading = marks(round_, {})
    services.ballot_enter(actor=meeting.teller_one, batch=batch, seq=1, marks=reading)
    services.ballot_enter(actor=meeting.teller_one, batch=batch, seq=1, marks=reading)
    services.ballot_enter(actor=meeting.teller_two, batch=batch, seq=1, marks=reading)
    third = factories.user(Role.TELLER, tree.unit_a, username="teller_three")
    with pytest.raises(ValidationFailedError, match="两名计票人"):
        services.ballot_enter(actor=third, batch=batch, seq=1, marks=reading)
    with pytest.raises(PermissionDeniedError):
        services.ballot_enter(actor=unit_operator, batch=batch, seq=1, marks=reading)


def test_a_difference_is_shown_and_resolved_by_the_chief_scrutineer(
    tree: Tree, unit_operator: User
) -> None:
    meeting = prepared(tree, unit_operator, voters=3)
    round_ = in_session(meeting, unit_operator)
    one = [marks(round_, {"王明": "1"}), marks(round_, {"李华": "1"}), marks(round_, {})]
    two = [marks(round_, {"王明": "1"}), marks(round_, {"李华": "2"}), marks(round_, {})]
    enter_batch(meeting, round_, one, second=two)
    batch = Batch.objects.get(round=round_)
    assert batch.status == BatchStatus.RECONCILING
    differences = selectors.pending_differences(batch)
    assert [d.seq for d in differences] == [2]
    assert differences[0].positions == (selectors.round_names(round_).index("李华"),)
    with pytest.raises(PermissionDeniedError):
        services.ballot_decide(actor=meeting.teller_one, batch=batch, seq=2, marks=one[1])
    with pytest.raises(ValidationFailedError):
        services.ballot_decide(actor=meeting.chief, batch=batch, seq=1, marks=one[0])
    with assert_events(
        [EventType.ELECTION_BALLOT_DECIDED, EventType.ELECTION_BATCH_SETTLED]
    ) as events:
        services.ballot_decide(actor=meeting.chief, batch=batch, seq=2, marks=one[1])
    assert events[0].inputs["decision"]["marks"] == one[1]
    assert len(events[0].inputs["readings"]) == 2
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SETTLED
    assert SettledBallot.objects.get(batch=batch, seq=2).marks == one[1]


def test_a_doubtful_ballot_needs_a_ruling_with_a_reason(tree: Tree, unit_operator: User) -> None:
    meeting = prepared(tree, unit_operator, voters=3)
    round_ = in_session(meeting, unit_operator)
    batch = services.batch_create(actor=meeting.teller_one, round_=round_, ballot_count=1)
    reading = marks(round_, {"王明": "1"})
    for teller in (meeting.teller_one, meeting.teller_two):
        services.ballot_enter(actor=teller, batch=batch, seq=1, marks=reading, doubtful=True)
        services.entry_submit(actor=teller, batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RECONCILING
    with pytest.raises(ValidationFailedError, match="理由"):
        services.ballot_decide(actor=meeting.chief, batch=batch, seq=1, marks=reading, void=True)
    settled = services.ballot_decide(
        actor=meeting.chief, batch=batch, seq=1, marks=reading, void=True, reason="有多余符号"
    )
    assert settled.void and settled.ruling_reason == "有多余符号"


def test_a_write_in_is_only_entered_beside_against(tree: Tree, unit_operator: User) -> None:
    meeting = prepared(tree, unit_operator, voters=3)
    round_ = in_session(meeting, unit_operator)
    batch = services.batch_create(actor=meeting.teller_one, round_=round_, ballot_count=1)
    position = selectors.round_names(round_).index("王明")
    with pytest.raises(ValidationFailedError, match="不赞成"):
        services.ballot_enter(
            actor=meeting.teller_one,
            batch=batch,
            seq=1,
            marks=marks(round_, {}),
            write_ins={position: "钱七"},
        )
    with pytest.raises(ValidationFailedError, match="本轮候选人"):
        services.ballot_enter(
            actor=meeting.teller_one,
            batch=batch,
            seq=1,
            marks=marks(round_, {"王明": "2"}),
            write_ins={position: "李华"},
        )
    ballot = services.ballot_enter(
        actor=meeting.teller_one,
        batch=batch,
        seq=1,
        marks=marks(round_, {"王明": "2"}),
        write_ins={position: " 钱七 "},
    )
    assert ballot.write_ins == {str(position): "钱七"}


def test_submitting_an_incomplete_pass_names_the_missing_ballots(
    tree: Tree, unit_operator: User
) -> None:
    meeting = prepared(tree, unit_operator, voters=3)
    round_ = in_session(meeting, unit_operator)
    batch = services.batch_create(actor=meeting.teller_one, round_=round_, ballot_count=3)
    services.ballot_enter(actor=meeting.teller_one, batch=batch, seq=2, marks=marks(round_, {}))
    with pytest.raises(ValidationFailedError, match="第 1、3 张"):
        services.entry_submit(actor=meeting.teller_one, batch=batch)


def test_a_submitted_pass_cannot_be_changed(tree: Tree, unit_operator: User) -> None:
    meeting = prepared(tree, unit_operator, voters=3)
    round_ = in_session(meeting, unit_operator)
    batch = services.batch_create(actor=meeting.teller_one, round_=round_, ballot_count=1)
    services.ballot_enter(actor=meeting.teller_one, batch=batch, seq=1, marks=marks(round_, {}))
    services.entry_submit(actor=meeting.teller_one, batch=batch)
    with pytest.raises(InvalidTransitionError):
        services.ballot_enter(actor=meeting.teller_one, batch=batch, seq=1, marks=marks(round_, {}))


@pytest.mark.parametrize(
    ("valid", "tallies", "write_ins"),
    [
        (10, {0: (7, 2), 1: (6, 3), 2: (5, 0), 3: (2, 8)}, {}),
        (4, {0: (4, 0), 1: (2, 0), 2: (0, 4), 3: (0, 4)}, {"钱七": 2}),
        (3, {0: (0, 3), 1: (0, 0), 2: (0, 0), 3: (0, 0)}, {"钱七": 3}),
        # Totals the greedy spreading onto made-up ballots could not place: each write-in
        # fits beside a 不赞成 on some real ballot, and the rule needs the sums only.
        (2, {0: (1, 1), 1: (0, 1), 2: (0, 0), 3: (0, 0)}, {"钱七": 1, "孙八": 1}),
    ],
)
def test_group_totals_are_counted_as_they_are(
    valid: int, tallies: dict[int, tuple[int, int]], write_ins: dict[str, int]
) -> None:
    names = ["甲", "乙", "丙", "丁"]
    tally = aggregate.group_tally(
        names, seats=2, valid=valid, void=1, tallies=tallies, write_ins=write_ins
    )
    result = count_round(
        CountingRound(
            profile=Profile.GRASSROOTS,
            seats=2,
            due_voters=valid + 1,
            present_voters=valid + 1,
            ballots_issued=valid + 1,
            candidates=tuple(names),
            tallies=(tally,),
        )
    )
    assert (result.ballots_collected, result.ballots_valid, result.ballots_void) == (
        valid + 1,
        valid,
        1,
    )
    by_name = {r.name: r for r in result.results}
    for index, name in enumerate(names):
        votes_for, votes_against = tallies[index]
        assert (by_name[name].in_favour, by_name[name].against) == (votes_for, votes_against)
        assert by_name[name].abstain == valid - votes_for - votes_against
    for written, votes in write_ins.items():
        assert by_name[written].in_favour == votes and by_name[written].write_in


@pytest.mark.parametrize(
    ("tallies", "write_ins", "message"),
    [
        ({0: (3, 1)}, {}, "第 1 行（甲）：赞成票与不赞成票之和超过有效票"),
        ({0: (2, 0), 1: (0, 0)}, {"钱七": 1}, "多于各候选人的不赞成票之和"),
        ({0: (-1, 0)}, {}, "不能为负数"),
        ({0: (3, 0), 1: (3, 0)}, {}, "超过有效票 3 张乘以应选名额"),
        ({0: (0, 3)}, {"乙": 1}, "是本轮候选人"),
        ({0: (0, 3), 1: (0, 3)}, {"钱七": 4}, "超过有效票"),
    ],
)
def test_impossible_group_totals_are_refused_naming_the_row(
    tallies: dict[int, tuple[int, int]], write_ins: dict[str, int], message: str
) -> None:
    with pytest.raises(ValidationFailedError, match=message):
        aggregate.group_tally(
            ["甲", "乙"], seats=1, valid=3, void=0, tallies=tallies, write_ins=write_ins
        )
