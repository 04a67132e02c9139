"""Asserting the record events a service wrote.

with assert_events([EventType.USER_CREATED]):
    user_create(actor=convener, ...)

with capture_events() as events:
    member_move(actor=unit_operator, ...)
assert events[0].inputs["to"] == "A1"
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db.models import Max

from tuixuan.record.events import EventType
from tuixuan.record.models import Event


@contextmanager
def capture_events() -> Iterator[list[Event]]:
    """Fill the yielded list, when the block ends, with the events it wrote, in order.

    Events written and then rolled back by a failing service are not there: the list shows
    what the database holds, which is what the rule is about. Nest ``pytest.raises`` inside
    the block to capture around a service that fails.
    """
    before = Event.objects.aggregate(last=Max("id"))["last"] or 0
    events: list[Event] = []
    yield events
    events.extend(Event.objects.filter(id__gt=before).order_by("id"))


@contextmanager
def assert_events(expected: Sequence[EventType | str]) -> Iterator[list[Event]]:
    """Fail unless the block wrote exactly these event types, in this order."""
    with capture_events() as events:
        yield events
    actual = [EventType(e.event_type) for e in events]
    wanted = [EventType(t) for t in expected]
    assert actual == wanted, f"expected events {wanted}, written {actual}"
