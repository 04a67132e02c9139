"""Log lines that help: a refused request (4xx) is one line, not a traceback.

Django logs a 403, a 404 it answers from an exception, and a suspicious request (400) with
the exception's traceback attached. For a refusal the traceback says nothing an operator
needs; the line keeps what does: status, method, path and who asked. Server errors (5xx)
keep their traceback.
"""

from __future__ import annotations

import logging
from typing import Any


def _who(request: Any) -> str:
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return "-"
    return str(getattr(user, "username", "") or "-")


class RefusalLine(logging.Filter):
    """For records of django.request / django.security with a status below 500: drop the
    traceback and write ``<status> <method> <path> user=<username> (<reason>)``."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or status >= 500:
            return True
        request = getattr(record, "request", None)
        reason = record.getMessage().split(":", 1)[0].strip()
        method = getattr(request, "method", "-") or "-"
        path = getattr(request, "path", "-") or "-"
        record.msg = "%s %s %s user=%s (%s)"
        record.args = (status, method, path, _who(request), reason)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
