"""Separation of duties and the race of two tellers opening the same batch."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from tests.conftest import Tree
from tests.election.meeting_setup import enter_batch, fast_hashing, in_session, marks, prepared
from tests.record import assert_events
from tuixuan.core.errors import PermissionDeniedError
from tuixuan.core.models import User
from tuixuan.election import services
from tuixuan.election.models import Batch, BatchEntry, BatchStatus, EnteredBallot, StaffRole
from tuixuan.record.models import Event

__all__ = ["fast_hashing"]


def test_the_chief_scrutineer_cannot_enter_a_pass(tree: Tree, unit_operator: User) -> None:
    meeting = prepared(tree, unit_operator, voters=3)
    round_ = in_session(meeting, unit_operator)
    batch = services.batch_create(actor=meeting.teller_one, round_=round_, ballot_count=1)
    events = Event.objects.count()
    with pytest.raises(PermissionDeniedError, match="总监票人负责裁定两遍录入的差异，不能录入选票"):
        services.ballot_enter(actor=meeting.chief, batch=batch, seq=1, marks=marks(round_, {}))
    with pytest.raises(PermissionDeniedError, match="总监票人负责裁定两遍录入的差异"):
        services.entry_submit(actor=meeting.chief, batch=batch)
    assert not BatchEntry.objects.filter(batch=batch).exists()
    assert not EnteredBallot.objects.exists()
    assert Event.objects.count() == events


def test_who_entered_a_pass_cannot_rule_on_its_differences(tree: Tree, unit_operator: User) -> None:
    meeting = prepared(tree, unit_operator, voters=2)
    round_ = in_session(meeting, unit_operator)
    one = [marks(round_, {"王明": "1"}), marks(round_, {})]
    two = [marks(round_, {"王明": "2"}), marks(round_, {})]
    enter_batch(meeting, round_, one, second=two)
    batch = Batch.objects.get(round=round_)
    assert batch.status == BatchStatus.RECONCILING
    # the teller of pass 1 is made chief scrutineer afterwards
    services.staff_assign(
        actor=unit_operator,
        election=meeting.election,
        role=StaffRole.CHIEF_SCRUTINEER,
        name="",
        user=meeting.teller_one,
    )
    events = Event.objects.count()
    with pytest.raises(PermissionDeniedError, match="您录入过本批选票，不能裁定本批的差异"):
        services.ballot_decide(actor=meeting.teller_one, batch=batch, seq=1, marks=one[0])
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RECONCILING
    assert not batch.settled.filter(seq=1).exists()
    assert Event.objects.count() == events


def test_a_chief_who_entered_nothing_rules(tree: Tree, unit_operator: User) -> None:
    meeting = prepared(tree, unit_operator, voters=2)
    round_ = in_session(meeting, unit_operator)
    one = [marks(round_, {"王明": "1"}), marks(round_, {})]
    two = [marks(round_, {"王明": "2"}), marks(round_, {})]
    enter_batch(meeting, round_, one, second=two)
    batch = Batch.objects.get(round=round_)
    with assert_events(["election.ballot_decided", "election.batch_settled"]):
        services.ballot_decide(actor=meeting.chief, batch=batch, seq=1, marks=one[0])


@pytest.mark.django_db(transaction=True)
def test_two_tellers_opening_a_batch_at_once_never_refuse_each_other(
    tree: Tree, unit_operator: User
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's IMMEDIATE transactions run the two one after the other")
    meeting = prepared(tree, unit_operator, voters=2)
    round_ = in_session(meeting, unit_operator)
    reading = marks(round_, {})
    tries = 20
    batches = [
        services.batch_create(actor=meeting.teller_one, round_=round_, ballot_count=1)
        for _ in range(tries)
    ]
    errors: list[BaseException] = []

    def teller(user: User, barrier: threading.Barrier, batch: Batch) -> None:
        try:
            barrier.wait()
            services.ballot_enter(actor=user, batch=batch, seq=1, marks=reading)
        except BaseException as exc:  # handed to the main thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    for batch in batches:
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=teller, args=(user, barrier, batch))
            for user in (meeting.teller_one, meeting.teller_two)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    for batch in batches:
        passes = sorted(
            BatchEntry.objects.filter(batch=batch).values_list("pass_number", flat=True)
        )
        assert passes == [1, 2]
