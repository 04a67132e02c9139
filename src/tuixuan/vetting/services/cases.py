"""Settings, cases, teams, assignments, the 考察预告, and leaving the procedure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tuixuan.campaign.models import Campaign, ElectionUnit
from tuixuan.core import clock, sanity
from tuixuan.core.models import Organisation, Role, User
from tuixuan.nomination.models import ListKind, ListStatus, NominationList
from tuixuan.record.events import EventType
from tuixuan.record.services import record, writes_events
from tuixuan.vetting import domain
from tuixuan.vetting.models import Case, InspectionNotice, Settings, Team, TeamMember
from tuixuan.vetting.services._common import (
    SUBJECT_CASE,
    _bump,
    _date_problems,
    _fail,
    _lock_case,
    _name,
    _record_case,
    _require_convener,
    _require_operator,
    _text,
)

SUBJECT_TEAM = "vetting.team"


@dataclass(frozen=True)
class OutsideMember:
    """A team member who has no account: a name, a post, and the organisation (branch) the
    person belongs to when known, so that a case in that branch is not given to the team."""

    name: str
    post: str = ""
    organisation: Organisation | None = None


# --- settings ------------------------------------------------------------------------------


@writes_events(EventType.VETTING_SETTINGS_CHANGED)
def settings_change(
    *,
    actor: User,
    campaign: Campaign,
    check_items: Sequence[str],
    departments: Sequence[str],
    evaluation_dimensions: Sequence[str],
    not_considered_reasons: Sequence[str],
    reply_working_days: int,
) -> Settings:
    """The convening committee sets the lists of the campaign's vetting (data of the campaign,
    docs/domain.md §10). The settings exist once the first cases are opened."""
    _require_convener(actor, campaign)
    settings = Settings.objects.select_for_update(of=("self",)).filter(campaign=campaign).first()
    if settings is None:
        raise domain.VettingError("本次推选工作尚未开始考察，请先建立考察对象档案。")
    problems: list[str | sanity.Problem] = []
    for field, items, what in (
        ("check_items", check_items, "六必查项目"),
        ("departments", departments, "联审部门"),
        ("evaluation_dimensions", evaluation_dimensions, "民主测评维度"),
        ("not_considered_reasons", not_considered_reasons, "不予考虑理由"),
    ):
        problems += [(field, p) for p in domain.list_problems(items, what=what)]
    if not 1 <= reply_working_days <= 30:
        problems.append(("reply_working_days", "部门回复时限应为 1 至 30 个工作日"))
    _fail(problems)
    old = {
        "check_items": settings.check_items,
        "departments": settings.departments,
        "evaluation_dimensions": settings.evaluation_dimensions,
        "not_considered_reasons": settings.not_considered_reasons,
        "reply_working_days": settings.reply_working_days,
    }
    new = {
        "check_items": [i.strip() for i in check_items],
        "departments": [i.strip() for i in departments],
        "evaluation_dimensions": [i.strip() for i in evaluation_dimensions],
        "not_considered_reasons": [i.strip() for i in not_considered_reasons],
        "reply_working_days": reply_working_days,
    }
    if old == new:
        _fail(["设置没有变化"])
    for key, value in new.items():
        setattr(settings, key, value)
    settings.save()
    record(
        event_type=EventType.VETTING_SETTINGS_CHANGED,
        actor=actor,
        summary=f"变更{campaign.name}的考察审查设置",
        subject_type="vetting.settings",
        subject_id=settings.pk,
        organisation=actor.organisation,
        inputs={"old": old, "new": new},
        campaign_id=campaign.pk,
    )
    return settings


# --- cases ---------------------------------------------------------------------------------


@writes_events(EventType.VETTING_CASES_OPENED)
def cases_open(*, actor: User, shortlist: NominationList) -> list[Case]:
    """One case per person of a unit's decided 考察对象 list; the campaign's settings are
    created from the defaults (its departments) the first time."""
    shortlist = NominationList.objects.select_related(
        "unit__organisation", "round__campaign", "organisation"
    ).get(pk=shortlist.pk)
    unit = shortlist.unit
    _require_operator(actor, unit)
    campaign = shortlist.round.campaign
    if shortlist.kind != ListKind.SHORTLIST:
        _fail(["只有考察对象名单可以建立考察对象档案"])
    if shortlist.organisation_id != unit.organisation_id:
        _fail(["考察对象名单须由选举单位集体研究确定"])
    if shortlist.status not in (ListStatus.DECIDED, ListStatus.HANDED_DOWN):
        _fail(["考察对象名单尚未集体研究确定"])
    entries = list(shortlist.entries.select_related("candidate__organisation"))
    if not entries:
        _fail(["考察对象名单是空的"])
    taken = set(
        Case.objects.filter(
            campaign=campaign, member_id__in=[e.candidate_id for e in entries]
        ).values_list("member__name", flat=True)
    )
    if taken:
        _fail(["已建立考察对象档案：" + "、".join(sorted(taken))])
    settings, _ = Settings.objects.get_or_create(
        campaign=campaign,
        defaults={
            "departments": list(campaign.departments or domain.DEFAULT_DEPARTMENTS),
            "started_on": clock.today(),
        },
    )
    cases = Case.objects.bulk_create(
        Case(
            campaign=campaign,
            unit=unit,
            member=e.candidate,
            list_entry=e,
            post=e.candidate.current_post,
        )
        for e in entries
    )
    record(
        event_type=EventType.VETTING_CASES_OPENED,
        actor=actor,
        summary=f"{unit.organisation.name}为 {len(cases)} 名考察对象建立考察审查档案",
        subject_type="nomination.list",
        subject_id=shortlist.pk,
        organisation=actor.organisation,
        accountable_organisation=unit.organisation,
        accountable_person=shortlist.accountable_person,
        person_citizen_ids=[e.candidate.citizen_id for e in entries],
        inputs={
            "shortlist": shortlist.pk,
            "decided_on": shortlist.decided_on,
            "persons": [
                {"citizen_id": e.candidate.citizen_id, "name": e.candidate.name} for e in entries
            ],
            "settings": {
                "check_items": settings.check_items,
                "departments": settings.departments,
                "evaluation_dimensions": settings.evaluation_dimensions,
            },
        },
        campaign_id=campaign.pk,
    )
    return list(Case.objects.filter(campaign=campaign, unit=unit).order_by("list_entry__position"))


# --- teams ---------------------------------------------------------------------------------


def _team_problems(
    leader: User, members: Sequence[User], outside: Sequence[OutsideMember]
) -> list[str | sanity.Problem]:
    problems: list[str | sanity.Problem] = []
    for u in (leader, *members):
        if u.role != Role.INSPECTOR or not u.is_active:
            problems.append(("members", f"“{_name(u)}”不是在用的考察组成员账号"))
    ids = [u.pk for u in (leader, *members)]
    if len(ids) != len(set(ids)):
        problems.append(("members", "考察组成员重复"))
    for o in outside:
        if not o.name.strip():
            problems.append(("outside_members", "请填写考察组成员姓名"))
        elif len(o.name.strip()) > 64:
            problems.append(("outside_members", f"考察组成员姓名“{o.name[:10]}…”过长"))
    return problems


def _conflicts(
    cases: Sequence[Case],
    leader: User,
    members: Sequence[User],
    outside: Sequence[OutsideMember],
) -> list[str | sanity.Problem]:
    """A team member may not inspect a person of the member's own branch."""
    homes: list[tuple[str, int]] = [
        (_name(u), u.organisation_id) for u in (leader, *members) if u.organisation_id is not None
    ]
    homes += [(o.name, o.organisation.pk) for o in outside if o.organisation is not None]
    problems: list[str | sanity.Problem] = []
    for case in cases:
        for name, org_id in homes:
            if org_id == case.member.organisation_id:
                problems.append(
                    f"考察组成员“{name}”与考察对象“{case.member.name}”同在"
                    f"“{case.member.organisation.name}”，应当回避"
                )
    return problems


def _set_members(team: Team, members: Sequence[User], outside: Sequence[OutsideMember]) -> None:
    team.members.all().delete()
    TeamMember.objects.bulk_create(
        [TeamMember(team=team, user=u, name=_name(u), organisation=u.organisation) for u in members]
        + [
            TeamMember(
                team=team, name=o.name.strip(), post=o.post.strip(), organisation=o.organisation
            )
            for o in outside
        ]
    )


def _roster(
    leader: User, members: Sequence[User], outside: Sequence[OutsideMember]
) -> dict[str, object]:
    return {
        "leader": _name(leader),
        "members": [_name(u) for u in members],
        "outside_members": [{"name": o.name.strip(), "post": o.post.strip()} for o in outside],
    }


@writes_events(EventType.VETTING_TEAM_FORMED)
def team_form(
    *,
    actor: User,
    unit: ElectionUnit,
    name: str,
    leader: User,
    members: Sequence[User] = (),
    outside_members: Sequence[OutsideMember] = (),
    formed_on: dt.date,
) -> Team:
    """Form a 考察组 for the unit: a leader and members chosen for their party spirit."""
    _require_operator(actor, unit)
    problems: list[str | sanity.Problem] = []
    problems += _text(name, field="name", what="考察组名称", limit=64)
    problems += _team_problems(leader, members, outside_members)
    problems += sanity.date_problems(
        formed_on,
        field="formed_on",
        what="组建日期",
        earliest=clock.local_date(unit.campaign.created_at),
        since="本次推选工作开始的日期",
    )
    if Team.objects.filter(unit=unit, name=name.strip()).exists():
        problems.append(("name", f"已有名为“{name.strip()}”的考察组"))
    _fail(problems)
    team = Team.objects.create(
        campaign=unit.campaign, unit=unit, name=name.strip(), leader=leader, formed_on=formed_on
    )
    _set_members(team, members, outside_members)
    record(
        event_type=EventType.VETTING_TEAM_FORMED,
        actor=actor,
        summary=f"{unit.organisation.name}组建{team.name}，组长{_name(leader)}",
        subject_type=SUBJECT_TEAM,
        subject_id=team.pk,
        organisation=actor.organisation,
        accountable_organisation=unit.organisation,
        accountable_person=_name(leader),
        inputs={
            "name": team.name,
            "formed_on": formed_on,
            **_roster(leader, members, outside_members),
        },
        campaign_id=unit.campaign_id,
    )
    return team


@writes_events(EventType.VETTING_TEAM_CHANGED)
def team_change(
    *,
    actor: User,
    team: Team,
    leader: User,
    members: Sequence[User] = (),
    outside_members: Sequence[OutsideMember] = (),
    reason: str,
) -> Team:
    """Change a team's leader or members; nobody may come onto a case of their own branch,
    and a case whose report is signed keeps the leader who signed it."""
    team = (
        Team.objects.select_for_update(of=("self",))
        .select_related("unit__organisation", "leader")
        .get(pk=team.pk)
    )
    _require_operator(actor, team.unit)
    problems: list[str | sanity.Problem] = []
    problems += _text(reason, field="reason", what="调整理由", limit=500)
    problems += _team_problems(leader, members, outside_members)
    cases = list(team.cases.select_related("member__organisation"))
    problems += _conflicts(cases, leader, members, outside_members)
    if leader.pk != team.leader_id and any(
        c.status != domain.Status.PENDING and hasattr(c, "report") and c.report.signed_on
        for c in cases
    ):
        problems.append(("leader", "已有考察意见由现任组长签署，不能更换组长"))
    _fail(problems)
    before = _roster(
        team.leader,
        [m.user for m in team.members.select_related("user") if m.user is not None],
        [OutsideMember(m.name, m.post) for m in team.members.filter(user__isnull=True)],
    )
    team.leader = leader
    team.version += 1
    team.save(update_fields=["leader", "version"])
    _set_members(team, members, outside_members)
    record(
        event_type=EventType.VETTING_TEAM_CHANGED,
        actor=actor,
        summary=f"调整{team.name}成员：{reason.strip()}",
        subject_type=SUBJECT_TEAM,
        subject_id=team.pk,
        organisation=actor.organisation,
        accountable_organisation=team.unit.organisation,
        accountable_person=_name(leader),
        person_citizen_ids=[c.member.citizen_id for c in cases],
        inputs={
            "reason": reason.strip(),
            "before": before,
            "after": _roster(leader, members, outside_members),
        },
        campaign_id=team.campaign_id,
    )
    return team


@writes_events(EventType.VETTING_CASES_ASSIGNED)
def cases_assign(*, actor: User, team: Team, cases: Sequence[Case]) -> list[Case]:
    """Give cases of the team's unit to the team; refused for a case in the branch of one of
    its members, and for a case already under inspection by another team."""
    team = Team.objects.select_related("unit__organisation", "leader").get(pk=team.pk)
    _require_operator(actor, team.unit)
    if not cases:
        _fail([("cases", "请选择考察对象")])
    locked = [_lock_case(c) for c in cases]
    problems: list[str | sanity.Problem] = []
    for case in locked:
        if case.unit_id != team.unit_id:
            problems.append(f"“{case.member.name}”不属于{team.unit.organisation.name}")
        elif case.status != domain.Status.PENDING:
            label = domain.STATUS_LABELS[domain.Status(case.status)]
            problems.append(f"“{case.member.name}”当前为“{label}”，不能再分配")
    members = [m.user for m in team.members.select_related("user") if m.user is not None]
    outside = [
        OutsideMember(m.name, m.post, m.organisation)
        for m in team.members.filter(user__isnull=True).select_related("organisation")
    ]
    problems += _conflicts(locked, team.leader, members, outside)
    _fail(problems)
    for case in locked:
        _bump(case, team=team)
    record(
        event_type=EventType.VETTING_CASES_ASSIGNED,
        actor=actor,
        summary=f"将 {len(locked)} 名考察对象交由{team.name}考察",
        subject_type=SUBJECT_TEAM,
        subject_id=team.pk,
        organisation=actor.organisation,
        accountable_organisation=team.unit.organisation,
        accountable_person=_name(team.leader),
        person_citizen_ids=[c.member.citizen_id for c in locked],
        inputs={
            "team": team.name,
            "persons": [{"citizen_id": c.member.citizen_id, "name": c.member.name} for c in locked],
        },
        campaign_id=team.campaign_id,
    )
    return locked


@writes_events(EventType.VETTING_NOTICE_ISSUED)
def notice_issue(
    *,
    actor: User,
    team: Team,
    cases: Sequence[Case],
    issued_on: dt.date,
    starts_on: dt.date,
    ends_on: dt.date,
    scope: str,
    contact_person: str,
    contact_phone: str,
) -> InspectionNotice:
    """Publish the 考察预告 for cases given to the team; they go 待考察 → 考察中."""
    team = Team.objects.select_related("unit__organisation", "leader").get(pk=team.pk)
    if not (actor.pk == team.leader_id and actor.role == Role.INSPECTOR):
        _require_operator(actor, team.unit)
    if not cases:
        _fail([("cases", "请选择考察对象")])
    locked = [_lock_case(c) for c in cases]
    problems: list[str | sanity.Problem] = []
    for case in locked:
        if case.team_id != team.pk:
            problems.append(f"“{case.member.name}”未交由{team.name}考察")
        elif not domain.can_move(case.status, domain.Status.INSPECTING):
            label = domain.STATUS_LABELS[domain.Status(case.status)]
            problems.append(f"“{case.member.name}”当前为“{label}”，不能发布考察预告")
    _fail(problems)
    problems += _date_problems(issued_on, field="issued_on", what="发布日期", case=locked[0])
    if starts_on < issued_on:
        problems.append(("starts_on", "考察开始日期不能早于预告发布日期"))
    if ends_on < starts_on:
        problems.append(("ends_on", "考察结束日期不能早于开始日期"))
    problems += _text(scope, field="scope", what="预告范围")
    problems += _text(contact_person, field="contact_person", what="联系人", limit=64)
    problems += _text(contact_phone, field="contact_phone", what="联系电话", limit=32)
    _fail(problems)
    notice = InspectionNotice.objects.create(
        team=team,
        issued_on=issued_on,
        starts_on=starts_on,
        ends_on=ends_on,
        scope=scope.strip(),
        contact_person=contact_person.strip(),
        contact_phone=contact_phone.strip(),
    )
    for case in locked:
        domain.check_transition(case.status, domain.Status.INSPECTING)
        _bump(case, notice=notice, status=domain.Status.INSPECTING.value)
    record(
        event_type=EventType.VETTING_NOTICE_ISSUED,
        actor=actor,
        summary=(
            f"{team.name}发布考察预告：{starts_on.isoformat()}至{ends_on.isoformat()}考察"
            f"{'、'.join(c.member.name for c in locked)}"
        ),
        subject_type=SUBJECT_TEAM,
        subject_id=team.pk,
        organisation=actor.organisation,
        accountable_organisation=team.unit.organisation,
        accountable_person=_name(team.leader),
        person_citizen_ids=[c.member.citizen_id for c in locked],
        inputs={
            "notice": notice.pk,
            "issued_on": issued_on,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "scope": notice.scope,
            "contact_person": notice.contact_person,
            "contact_phone": notice.contact_phone,
            "persons": [{"citizen_id": c.member.citizen_id, "name": c.member.name} for c in locked],
        },
        campaign_id=team.campaign_id,
    )
    return notice


# --- leaving the procedure ----------------------------------------------------------------


@writes_events(EventType.VETTING_SET_ASIDE)
def case_set_aside(
    *, actor: User, case: Case, reason: str, detail: str = "", decided_on: dt.date
) -> Case:
    """不予考虑: the unit sets the person aside, with a reason from the campaign's list."""
    case = _lock_case(case)
    _require_operator(actor, case.unit)
    domain.check_transition(case.status, domain.Status.NOT_CONSIDERED)
    settings_reasons = list(
        case.campaign.vetting_settings.not_considered_reasons
        if hasattr(case.campaign, "vetting_settings")
        else domain.NOT_CONSIDERED_REASONS
    )
    problems: list[str | sanity.Problem] = []
    if reason not in settings_reasons:
        problems.append(("reason", f"“{reason}”不是本次推选的不予考虑理由"))
    if reason == "其他" and not detail.strip():
        problems.append(("detail", "理由为“其他”时须写明具体情况"))
    problems += _date_problems(decided_on, field="decided_on", what="决定日期", case=case)
    _fail(problems)
    _bump(
        case,
        status=domain.Status.NOT_CONSIDERED.value,
        closed_on=decided_on,
        close_reason=reason,
        close_detail=detail.strip(),
    )
    _record_case(
        event_type=EventType.VETTING_SET_ASIDE,
        actor=actor,
        case=case,
        summary=f"{case.member.name}不予考虑：{reason}"
        + (f"（{detail.strip()}）" if detail.strip() else ""),
        inputs={"reason": reason, "detail": detail.strip(), "decided_on": decided_on},
        accountable_person=_name(actor),
    )
    return case


@writes_events(EventType.VETTING_WITHDRAWN)
def case_withdraw(
    *, actor: User, case: Case, reason: str, detail: str = "", withdrawn_on: dt.date
) -> Case:
    """本人退出: the person withdraws; recorded with the reason."""
    case = _lock_case(case)
    _require_operator(actor, case.unit)
    domain.check_transition(case.status, domain.Status.WITHDRAWN)
    problems: list[str | sanity.Problem] = []
    if reason not in domain.WITHDRAWAL_REASONS:
        problems.append(("reason", f"“{reason}”不是退出理由"))
    if reason == "其他" and not detail.strip():
        problems.append(("detail", "理由为“其他”时须写明具体情况"))
    problems += _date_problems(withdrawn_on, field="withdrawn_on", what="退出日期", case=case)
    _fail(problems)
    _bump(
        case,
        status=domain.Status.WITHDRAWN.value,
        closed_on=withdrawn_on,
        close_reason=reason,
        close_detail=detail.strip(),
    )
    _record_case(
        event_type=EventType.VETTING_WITHDRAWN,
        actor=actor,
        case=case,
        summary=f"{case.member.name}本人退出：{reason}",
        inputs={"reason": reason, "detail": detail.strip(), "withdrawn_on": withdrawn_on},
        accountable_person=_name(actor),
    )
    return case


__all__ = [
    "SUBJECT_CASE",
    "OutsideMember",
    "case_set_aside",
    "case_withdraw",
    "cases_assign",
    "cases_open",
    "notice_issue",
    "settings_change",
    "team_change",
    "team_form",
]
