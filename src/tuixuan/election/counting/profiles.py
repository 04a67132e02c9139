"""The three rule profiles of docs/domain.md §6.1: who must be present, and the base of a majority.

All comparisons are integer cross-multiplications so no fraction is ever rounded:
``present * 5 >= due * 4`` is "at least four fifths" exactly, ``2 * votes > base`` is
"more than half" exactly (exactly half never wins).
"""

from __future__ import annotations

from enum import StrEnum


class Profile(StrEnum):
    # 《中国共产党基层组织选举工作条例》(2020) 党员大会 / 党员代表大会
    GRASSROOTS = "grassroots"
    # 《中国共产党地方组织选举工作条例》(2020) 代表大会
    LOCAL_CONGRESS = "local_congress"
    # 《中国共产党地方组织选举工作条例》(2020) 委员会全体会议
    LOCAL_PLENARY = "local_plenary"


def quorum_met(profile: Profile, *, due_voters: int, present_voters: int) -> bool:
    """Grassroots needs at least 4/5 (exactly 4/5 counts); local bodies need more than 1/2
    (congress) or more than 2/3 (plenary) of the due voters."""
    if profile is Profile.GRASSROOTS:
        return present_voters * 5 >= due_voters * 4
    if profile is Profile.LOCAL_CONGRESS:
        return 2 * present_voters > due_voters
    return 3 * present_voters > 2 * due_voters


def threshold_base(profile: Profile, *, due_voters: int, present_voters: int) -> int:
    """Grassroots counts a majority of voters present (实到会), local bodies of voters due
    (应到会); never of ballots collected, so a voter who leaves or spoils a ballot still
    counts in the base."""
    if profile is Profile.GRASSROOTS:
        return present_voters
    return due_voters


def wins(votes: int, base: int) -> bool:
    return 2 * votes > base


def votes_needed(base: int) -> int:
    """The smallest ``v`` with ``2 * v > base``."""
    return base // 2 + 1
