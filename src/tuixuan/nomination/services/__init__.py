"""Every nomination change and its record event in one transaction; one module per aggregate.

Each service validates everything before it writes, so refused input changes nothing and
writes no event. Submissions and hand-downs move the status with a conditional UPDATE that
must hit exactly one row: two operators submitting the same branch at once cannot both
succeed, and the tally is only added to by the one that did.
"""

from __future__ import annotations

from tuixuan.nomination.services.closing import late_report_admit, list_reopen, round_close
from tuixuan.nomination.services.corrections import (
    FEEDBACK_FACTS,
    LIST_FACTS,
    MEETING_FACTS,
    feedback_correct,
    list_correct,
    meeting_correct,
    report_correct,
)
from tuixuan.nomination.services.exemptions import exemption_decide
from tuixuan.nomination.services.feedback import feedback_submit
from tuixuan.nomination.services.hand_down import shortlist_hand_down
from tuixuan.nomination.services.lists import list_decide, shortlist_decide
from tuixuan.nomination.services.recommendations import org_recommend
from tuixuan.nomination.services.reports import (
    form_add,
    form_remove,
    participation_set,
    report_import,
    report_submit,
    report_update,
    totals_set,
)
from tuixuan.nomination.services.rounds import round_open

__all__ = [
    "FEEDBACK_FACTS",
    "LIST_FACTS",
    "MEETING_FACTS",
    "exemption_decide",
    "feedback_correct",
    "feedback_submit",
    "form_add",
    "form_remove",
    "late_report_admit",
    "list_correct",
    "list_decide",
    "list_reopen",
    "meeting_correct",
    "org_recommend",
    "participation_set",
    "report_correct",
    "report_import",
    "report_submit",
    "report_update",
    "round_close",
    "round_open",
    "shortlist_decide",
    "shortlist_hand_down",
    "totals_set",
]
