from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.record.services import record
from tuixuan.record.verification import verify_record

WRITERS = 4
EACH = 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_extend_one_unbroken_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite admits one writer at a time by itself")
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(EACH):
                with transaction.atomic():
                    record(
                        event_type=EventType.MEMBER_CHANGED,
                        actor=None,
                        summary=f"写入者 {n} 第 {i} 条",
                        subject_type="test",
                        subject_id=n,
                        campaign_id=1,
                    )
        except BaseException as exc:  # handed to the main thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = list(Event.objects.filter(chain="campaign:1").values_list("seq", flat=True))
    assert sorted(seqs) == list(range(1, WRITERS * EACH + 1))
    report = verify_record()
    assert report.ok, [str(p) for p in report.problems]
