from __future__ import annotations

import pytest

from tests.conftest import Tree
from tests.nomination.conftest import People
from tuixuan.campaign.models import Campaign
from tuixuan.core.models import User
from tuixuan.demo.nomination import build_demo_nomination
from tuixuan.nomination import selectors
from tuixuan.nomination.models import BranchReport, ReportStatus

pytestmark = pytest.mark.django_db


def test_it_fills_some_branches_and_flags_a_sanctioned_member(
    seated: Campaign, convener: User, tree: Tree, people: People
) -> None:
    round_ = build_demo_nomination(campaign=seated, actor=convener)
    submitted = set(
        BranchReport.objects.filter(round=round_, status=ReportStatus.SUBMITTED).values_list(
            "organisation__code", flat=True
        )
    )
    assert submitted == {"A2"}  # the first branch of each unit is left for the demo user
    flagged = selectors.flagged(round_, tree.unit_a)
    assert [r.member for r in flagged] == [people.sanctioned]
    assert flagged[0].recommenders[0].organisation == tree.branch_a2
