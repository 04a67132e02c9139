"""An organisation's account over its subtree after a large meeting (was a 500 on SQLite)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import Tree, login
from tuixuan.core import citizen_id
from tuixuan.core.models import User
from tuixuan.record.events import EventType
from tuixuan.record.services import record
from tuixuan.registry.models import Education, Gender, Member, MemberType, Occupation

pytestmark = pytest.mark.django_db

SIGN_INS = 1_500


def _sign_ins(tree: Tree, actor: User, n: int) -> list[Member]:
    """One member and one recorded sign-in each, the way a meeting of ``n`` voters leaves it."""
    members = Member.objects.bulk_create(
        [
            Member(
                name=f"选民{i:04d}",
                gender=Gender.MALE,
                ethnicity="汉族",
                citizen_id=citizen_id.make("430103", dt.date(1960, 1, 1) + dt.timedelta(i), 7, "M"),
                birth_date=dt.date(1960, 1, 1) + dt.timedelta(i),
                education=Education.BACHELOR,
                occupation=Occupation.WORKER,
                joined_date=dt.date(2000, 7, 1),
                full_member_date=dt.date(2001, 7, 1),
                member_type=MemberType.FULL,
                organisation=tree.branch_a1,
            )
            for i in range(n)
        ]
    )
    with transaction.atomic():
        for m in members:
            record(
                event_type=EventType.ELECTION_ATTENDANCE_CHANGED,
                actor=actor,
                summary=f"{m.name} 签到",
                subject_type="election_due_voter",
                subject_id=m.pk,
                accountable_organisation=tree.unit_a,
                person_citizen_ids=[m.citizen_id],
                inputs={"present": True},
            )
    return members


def test_the_subtree_account_after_1500_sign_ins(
    tree: Tree, unit_operator: User, supervisor: User
) -> None:
    _sign_ins(tree, unit_operator, SIGN_INS)
    for user, org in ((supervisor, tree.city), (unit_operator, tree.unit_a)):
        url = reverse("dossier:org_accountability", args=[org.pk]) + "?subtree=1"
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = login(user).get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "选民0000" in page and "选民1499" in page
        assert time.perf_counter() - start < 20
        assert len(queries) < 40  # the persons come in one query, not one per step
