"""Oversight's changes, each with its record event in one transaction: the progress report
sent, the findings' lifecycle and the acknowledgement of an alert. Raising alerts and the
read marks of the inbox are operational state, like job rows (docs/oversight.md)."""

from __future__ import annotations

from tuixuan.oversight.services.alerts import alert_acknowledge
from tuixuan.oversight.services.findings import (
    finding_answer,
    finding_close,
    finding_escalate,
    finding_raise,
    finding_return,
)
from tuixuan.oversight.services.reports import report_send
from tuixuan.oversight.services.surveys import survey_enter

__all__ = [
    "alert_acknowledge",
    "finding_answer",
    "finding_close",
    "finding_escalate",
    "finding_raise",
    "finding_return",
    "report_send",
    "survey_enter",
]
