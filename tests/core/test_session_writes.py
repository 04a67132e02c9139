"""A page view writes the session row only when something in the session changed."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tuixuan.core.models import User


def _session_writes(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("core:home")).status_code == 200
    writes = ("UPDATE", "INSERT")
    sqls = [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]
    return sum(1 for sql in sqls if sql.lstrip().upper().startswith(writes))


def test_page_views_within_a_minute_do_not_write_the_session(
    client: Client, unit_operator: User
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(unit_operator)
        assert _session_writes(client) == 1  # the first view stores the idle timestamp
        clock.shift(dt.timedelta(seconds=30))
        assert _session_writes(client) == 0
        clock.shift(dt.timedelta(seconds=29))
        assert _session_writes(client) == 0
        clock.shift(dt.timedelta(seconds=2))
        assert _session_writes(client) == 1  # a minute on: the timestamp moves on
        assert client.session["tuixuan_last_seen"] == int(start.timestamp()) + 61
