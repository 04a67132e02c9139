"""The daily maintenance job: every function listed in ``settings.DAILY_JOBS``, in order.

To add one, write a function without arguments that returns a short JSON-able summary and
append its dotted path to ``DAILY_JOBS``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from tuixuan.jobs.models import Job
    from tuixuan.jobs.runner import Reporter


def run_daily(job: Job, reporter: Reporter) -> dict[str, Any]:
    results: dict[str, Any] = {}
    paths = list(settings.DAILY_JOBS)
    for i, path in enumerate(paths):
        reporter.progress(i, len(paths), path)
        results[path] = import_string(path)()
    reporter.progress(len(paths), len(paths))
    return results
