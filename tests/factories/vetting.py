"""Factories for vetting: a decided 考察对象 list built directly (the nomination's own path to
it is tested there), and the cases, team and notice built through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tuixuan.campaign.models import ElectionUnit
from tuixuan.core.models import User
from tuixuan.nomination.models import ListEntry, ListKind, ListStatus, NominationList, Round
from tuixuan.registry.models import Member
from tuixuan.vetting import services
from tuixuan.vetting.models import Case, InspectionNotice, Team


def shortlist(
    unit: ElectionUnit,
    members: Sequence[Member],
    *,
    decided_on: dt.date,
    status: str = ListStatus.HANDED_DOWN,
    kind: str = ListKind.SHORTLIST,
) -> NominationList:
    round_, _ = Round.objects.get_or_create(campaign=unit.campaign)
    nl = NominationList.objects.create(
        round=round_,
        organisation=unit.organisation,
        unit=unit,
        kind=kind,
        status=status,
        decided_on=decided_on,
        attendance_due=9,
        attendance_present=8,
        decision="确定考察对象",
        accountable_person="李书记",
    )
    ListEntry.objects.bulk_create(
        ListEntry(nomination_list=nl, candidate=m, position=i, votes=10)
        for i, m in enumerate(members, start=1)
    )
    return nl


def cases(
    actor: User, unit: ElectionUnit, members: Sequence[Member], *, decided_on: dt.date
) -> list[Case]:
    return services.cases_open(
        actor=actor, shortlist=shortlist(unit, members, decided_on=decided_on)
    )


def team(
    actor: User,
    unit: ElectionUnit,
    leader: User,
    *,
    members: Sequence[User] = (),
    name: str = "第一考察组",
    formed_on: dt.date,
) -> Team:
    return services.team_form(
        actor=actor,
        unit=unit,
        name=name,
        leader=leader,
        members=members,
        outside_members=[services.OutsideMember("赵外聘", "退休干部")],
        formed_on=formed_on,
    )


def notice(actor: User, team: Team, cases: Sequence[Case], *, day: dt.date) -> InspectionNotice:
    return services.notice_issue(
        actor=actor,
        team=team,
        cases=cases,
        issued_on=day,
        starts_on=day,
        ends_on=day + dt.timedelta(days=5),
        scope="本单位党员群众",
        contact_person="钱联络",
        contact_phone="0735-1234567",
    )
