"""Who may be recommended: the checks run on every name as soon as it is entered.

The one-vote veto (docs/domain.md §5.2) names what data can show: 目前还在处分影响期内 (a sanction
whose effect period has not ended), 举报反映问题没有查清 (an open investigation), 党员身份存疑
(lost contact). A person without voting rights cannot be a delegate either: a probationary
member, a member under 留党察看 during its period, a member detained (留置) or arrested.
Delegates are "一般不交叉" with same-level 人大代表/政协委员 (docs/domain.md §5.3): a warning only a
recorded exemption lifts (or a veto when the campaign refuses overlaps).

Pure rules: no Django import; dates are compared on the reference day ("in effect" includes
the last day of the period).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    VETO = "veto"
    WARNING = "warning"


class Code(StrEnum):
    PROBATIONARY = "probationary"
    PROBATION = "probation"
    DETAINED = "detained"
    ARRESTED = "arrested"
    SANCTION = "sanction"
    INVESTIGATION = "investigation"
    LOST_CONTACT = "lost_contact"
    OVERLAP = "overlap"
    NOT_IN_SCOPE = "not_in_scope"


@dataclass(frozen=True, slots=True)
class Finding:
    code: Code
    severity: Severity
    reason: str

    @property
    def is_veto(self) -> bool:
        return self.severity is Severity.VETO


@dataclass(frozen=True, slots=True)
class Facts:
    """What the registry and the outside lists say about one person."""

    member_type: str = "full"
    rights_status: str = "normal"
    rights_until: dt.date | None = None
    is_lost_contact: bool = False
    sanctions: Sequence[tuple[str, dt.date]] = ()
    """(kind, effect_until) of each sanction."""
    open_investigations: int = 0
    deputies: Sequence[tuple[str, str]] = ()
    """(body label, level) of each 人大代表/政协委员 record."""
    exempted: bool = False
    in_scope: bool = True


CAMPAIGN_TO_DEPUTY_LEVEL = {
    "province": "province",
    "city": "city",
    "county": "county",
    "grassroots": "township",
}
"""The 人大/政协 level that is "the same level" as a congress of each campaign level."""


def check(
    facts: Facts,
    *,
    today: dt.date,
    campaign_level: str,
    refuse_overlap: bool = False,
) -> list[Finding]:
    """Every reason the person cannot, or may only with an exemption, be recommended."""
    found: list[Finding] = []
    if not facts.in_scope:
        found.append(Finding(Code.NOT_IN_SCOPE, Severity.VETO, "不在本选举单位范围内"))
    if facts.member_type == "probationary":
        found.append(Finding(Code.PROBATIONARY, Severity.VETO, "预备党员，没有表决权和被选举权"))
    if facts.rights_status == "probation" and (
        facts.rights_until is None or facts.rights_until >= today
    ):
        period = f"（至 {facts.rights_until.isoformat()}）" if facts.rights_until else ""
        found.append(Finding(Code.PROBATION, Severity.VETO, f"留党察看期间{period}，没有表决权"))
    if facts.rights_status == "detained":
        found.append(Finding(Code.DETAINED, Severity.VETO, "被留置，表决权暂停"))
    if facts.rights_status == "arrested":
        found.append(Finding(Code.ARRESTED, Severity.VETO, "被逮捕，表决权暂停"))
    for kind, until in facts.sanctions:
        if until >= today:
            found.append(
                Finding(
                    Code.SANCTION,
                    Severity.VETO,
                    f"目前还在处分影响期内（{kind}，影响期至 {until.isoformat()}）",
                )
            )
    if facts.open_investigations:
        found.append(
            Finding(Code.INVESTIGATION, Severity.VETO, "举报反映问题没有查清（正在立案审查调查）")
        )
    if facts.is_lost_contact:
        found.append(Finding(Code.LOST_CONTACT, Severity.VETO, "党员身份存疑（失联党员）"))
    same = CAMPAIGN_TO_DEPUTY_LEVEL.get(campaign_level)
    for body, level in facts.deputies:
        if level != same:
            continue
        if refuse_overlap:
            found.append(Finding(Code.OVERLAP, Severity.VETO, f"同级{body}，本次推选不允许交叉"))
        elif not facts.exempted:
            found.append(
                Finding(Code.OVERLAP, Severity.WARNING, f"同级{body}，一般不交叉，须记录豁免决定")
            )
    return found


def has_voting_rights(
    member_type: str, rights_status: str, rights_until: dt.date | None, *, today: dt.date
) -> tuple[bool, str]:
    """Whether a member's recommendation counts in the main tally, and why not.

    A probationary member takes part but has no vote: counted apart. A member under 留党察看
    in its period, detained or arrested is excluded.
    """
    if rights_status == "probation" and (rights_until is None or rights_until >= today):
        return False, "留党察看期间，没有表决权"
    if rights_status == "detained":
        return False, "被留置，表决权暂停"
    if rights_status == "arrested":
        return False, "被逮捕，表决权暂停"
    if member_type == "probationary":
        return False, "预备党员，推荐意见单独统计"
    return True, ""
