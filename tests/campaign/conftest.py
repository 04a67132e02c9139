"""Campaign fixtures: a campaign over the persona tree, built through the services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Tree
from tuixuan.campaign import services
from tuixuan.campaign.models import Campaign, Level
from tuixuan.core.models import User


@pytest.fixture(autouse=True)
def _fast(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def campaign(tree: Tree, convener: User) -> Campaign:
    return services.campaign_create(
        actor=convener,
        name="市第五次党代会",
        level=Level.CITY,
        total_seats=30,
        convening_organisation=tree.city,
        term="第五次",
    )


@pytest.fixture
def with_units(campaign: Campaign, tree: Tree, convener: User) -> Campaign:
    tree.unit_a.member_count, tree.unit_a.child_count = 300, 2
    tree.unit_a.save()
    tree.unit_b.member_count, tree.unit_b.child_count = 100, 1
    tree.unit_b.save()
    services.units_add(actor=convener, campaign=campaign, organisations=[tree.unit_a, tree.unit_b])
    return campaign
