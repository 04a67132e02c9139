"""The one clock: every "today" and every date taken from a moment goes through here.

Dates are local dates in ``settings.TIME_ZONE`` (Asia/Shanghai). The date part of an aware
UTC moment is yesterday's date from 00:00 to 08:00 Beijing time, so it is never used;
``tests/core/test_clock.py`` refuses it in ``src/``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current moment, aware (UTC)."""
    return timezone.now()


def today() -> dt.date:
    """Today's date in the local time zone."""
    return timezone.localdate()


def local_date(moment: dt.datetime) -> dt.date:
    """The local calendar date of an aware moment."""
    return timezone.localdate(moment)


def local_time(moment: dt.datetime | None = None) -> dt.datetime:
    """An aware moment (default: now) expressed in the local time zone."""
    return timezone.localtime(moment)
