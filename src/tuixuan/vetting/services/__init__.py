"""Every change in 考察 and 审查, each with its record event in the same transaction.

One module per aggregate: ``cases`` (settings, cases, teams, notices, leaving),
``inspection`` (talks, evaluation, report), ``review`` (六必查, 六联审, 四必) and
``decisions`` (vetoes, re-checks, exemptions, the 初步人选 decision). Each service checks
everything before it writes, so a refusal changes nothing and writes no event.
"""

from __future__ import annotations

from tuixuan.vetting.services.cases import (
    OutsideMember,
    case_set_aside,
    case_withdraw,
    cases_assign,
    cases_open,
    notice_issue,
    settings_change,
    team_change,
    team_form,
)
from tuixuan.vetting.services.decisions import (
    candidates_decide,
    eligibility_recheck,
    exemption_decide,
    veto_lift,
)
from tuixuan.vetting.services.inspection import (
    evaluation_enter,
    evaluation_import,
    report_sign,
    report_write,
    talk_note_add,
    talks_record,
)
from tuixuan.vetting.services.review import (
    cadre_check_record,
    check_record,
    department_remind,
    department_replies_import,
    department_reply,
    department_request_send,
)

__all__ = [
    "OutsideMember",
    "cadre_check_record",
    "candidates_decide",
    "case_set_aside",
    "case_withdraw",
    "cases_assign",
    "cases_open",
    "check_record",
    "department_remind",
    "department_replies_import",
    "department_reply",
    "department_request_send",
    "eligibility_recheck",
    "evaluation_enter",
    "evaluation_import",
    "exemption_decide",
    "notice_issue",
    "report_sign",
    "report_write",
    "settings_change",
    "talk_note_add",
    "talks_record",
    "team_change",
    "team_form",
    "veto_lift",
]
