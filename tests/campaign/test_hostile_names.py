"""The allocation workbook with hostile unit names: literal text, no formula."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Tree
from tests.hostile import assert_cells_hold
from tuixuan.campaign import documents, services
from tuixuan.campaign.models import Campaign
from tuixuan.core.models import Organisation, User

pytestmark = pytest.mark.django_db


def test_the_allocation_workbook_keeps_hostile_unit_names(
    with_units: Campaign, convener: User, tree: Tree, tmp_path: Path
) -> None:
    Organisation.objects.filter(pk=tree.unit_a.pk).update(name='=HYPERLINK("http://x.cn")')
    Organisation.objects.filter(pk=tree.unit_b.pk).update(name="@SUM(1)")
    services.allocation_propose(actor=convener, campaign=with_units)
    path = tmp_path / "allocation.xlsx"
    path.write_bytes(documents.allocation_xlsx(with_units))
    assert_cells_hold(path, ['=HYPERLINK("http://x.cn")', "@SUM(1)"])
