"""Factories for tests: small, explicit functions that build valid objects."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from tuixuan.core import citizen_id
from tuixuan.core.models import Organisation, OrgType, Role, User, path_segment
from tuixuan.registry.models import Education, Gender, Member, MemberType, Occupation

_seq = itertools.count(1)
PASSWORD = "Tuixuan-Test-2026!"


def organisation(
    name: str | None = None,
    *,
    parent: Organisation | None = None,
    org_type: str = OrgType.BRANCH,
    code: str | None = None,
) -> Organisation:
    n = next(_seq)
    org = Organisation.objects.create(
        code=code or f"T{n:06d}",
        name=name or f"测试党支部{n}",
        org_type=org_type,
        parent=parent,
        path=f"tmp{n}",
        depth=0 if parent is None else parent.depth + 1,
    )
    org.path = (parent.path if parent else "") + path_segment(org.pk)
    org.save(update_fields=["path"])
    if parent is not None:
        Organisation.objects.filter(pk=parent.pk).update(child_count=parent.child_count + 1)
    return org


def member(
    organisation: Organisation,
    name: str | None = None,
    *,
    gender: str = Gender.MALE,
    birth: dt.date = dt.date(1980, 5, 17),
    member_type: str = MemberType.FULL,
    **extra: Any,
) -> Member:
    n = next(_seq)
    cid = citizen_id.make("430102", birth, n, gender)
    fields: dict[str, Any] = {
        "name": name or f"党员{n}",
        "gender": gender,
        "ethnicity": "汉族",
        "citizen_id": cid,
        "birth_date": birth,
        "education": Education.BACHELOR,
        "occupation": Occupation.PROFESSIONAL,
        "joined_date": dt.date(2005, 7, 1),
        "full_member_date": None if member_type == MemberType.PROBATIONARY else dt.date(2006, 7, 1),
        "member_type": member_type,
        "organisation": organisation,
    }
    fields.update(extra)
    return Member.objects.create(**fields)


def user(
    role: str,
    organisation: Organisation | None,
    *,
    username: str | None = None,
    department: str = "",
) -> User:
    n = next(_seq)
    u = User.objects.create_user(
        username=username or f"{role}{n}",
        password=PASSWORD,
        role=role,
        organisation=organisation,
        department=department,
        display_name=f"{Role(role).label}{n}",
    )
    return u
