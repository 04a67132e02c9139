"""The demo's 考察 and 审查, through the vetting services, so that every page has something.

One election unit (the smallest one besides the demo unit account's, whose first branch is
kept for the branch account's 一上) finishes 一上 in every branch and decides its 考察对象
list; its cases are then carried to every state:

- a team led by the demo inspector, with cases assigned, a notice issued and inspections
  done, half done and not begun (the inspector has work), one case left unassigned;
- 六必查 and the six departments' replies for those inspected; one person vetoed by a 纪检
  finding; the demo reviewer's department (纪检) still has persons to answer; 公安 was given
  one working day, so it is late from the day after the build;
- one leading cadre with the 四必 done;
- a withdrawal, and the unit's collective decision on its 初步人选 (one selected, one not).

Dates are the build day: nothing in the record may be dated before the list was decided.
"""

from __future__ import annotations

from collections.abc import Sequence

from tuixuan.campaign import selectors as campaign_selectors
from tuixuan.campaign.models import Campaign, ElectionUnit
from tuixuan.core import clock
from tuixuan.core.models import Organisation, User
from tuixuan.nomination import selectors as nomination_selectors
from tuixuan.nomination import services as nomination_services
from tuixuan.nomination.models import (
    BranchReport,
    EntryMode,
    ParticipationMode,
    ReportStatus,
    Round,
)
from tuixuan.registry import services as registry_services
from tuixuan.registry.models import CadreRank, Member
from tuixuan.vetting import domain, services
from tuixuan.vetting.models import Case

PERSONS = 9


def _fill_branch(
    actor: User, round: Round, branch: Organisation, popular: Sequence[Member]
) -> None:
    """A branch's 一上 with per-name totals, submitted."""
    today = clock.today()
    report = BranchReport.objects.filter(round=round, organisation=branch).first()
    if report is not None and report.status == ReportStatus.SUBMITTED:
        return
    voters = [
        m
        for m in nomination_selectors.eligible_members(branch.path, today=today)
        if m.organisation_id == branch.pk
    ]
    if not voters:
        return
    present = len(voters)
    nomination_services.report_update(
        actor=actor,
        round=round,
        organisation=branch,
        meeting_date=today,
        meeting_place="党员活动室",
        presider="支部书记",
        members_due=len(voters),
        members_present=present,
        accountable_person=f"{branch.name}书记",
        mode=EntryMode.TOTALS,
        survey_total=present,
        survey_satisfied=present,
        survey_basic=0,
    )
    nomination_services.participation_set(
        actor=actor,
        round=round,
        organisation=branch,
        modes={m.pk: ParticipationMode.ONSITE for m in voters},
    )
    nomination_services.totals_set(
        actor=actor,
        round=round,
        organisation=branch,
        rows=[(m.pk, max(present - k, 1), 0) for k, m in enumerate(popular)],
    )
    report = BranchReport.objects.get(round=round, organisation=branch)
    nomination_services.report_submit(actor=actor, report=report)


def _unit(campaign: Campaign, keep_free: Sequence[Organisation]) -> ElectionUnit | None:
    taken = [o.path for o in keep_free]
    best: tuple[int, ElectionUnit] | None = None
    for unit in campaign_selectors.units(campaign):
        if any(p.startswith(unit.organisation.path) for p in taken):
            continue
        n = nomination_selectors.branches(unit).count()
        if campaign_selectors.pool_limit(campaign, unit) < PERSONS:
            continue
        if n and (best is None or n < best[0]):
            best = (n, unit)
    return best[1] if best else None


def _persons(unit: ElectionUnit) -> list[Member]:
    """Members of the unit with nothing against them (no sanction, investigation, overlap),
    spread over its branches."""
    today = clock.today()
    out: list[Member] = []
    candidates = (
        nomination_selectors.eligible_members(unit.organisation.path, today=today)
        .filter(member_type="full", is_lost_contact=False, is_abroad=False)
        .select_related("organisation")
        .order_by("organisation__path", "id")[:400]
    )
    found = nomination_selectors.findings_for(unit.campaign, list(candidates), unit=unit)
    seen_branches: dict[int, int] = {}
    for m in candidates:
        if found.get(m.pk):
            continue
        seen_branches[m.organisation_id] = seen_branches.get(m.organisation_id, 0) + 1
        if seen_branches[m.organisation_id] <= 3:
            out.append(m)
    # Spread over the branches where the unit has enough of them; else as they come.
    rest = [m for m in candidates if not found.get(m.pk) and m not in out]
    return (out + rest)[:PERSONS]


def build_demo_vetting(
    *,
    campaign: Campaign,
    convener: User,
    inspector: User,
    reviewer: User,
    keep_free: Sequence[Organisation] = (),
) -> list[Case]:
    """Vetting at every state in one unit (see the module docstring)."""
    today = clock.today()
    unit = _unit(campaign, keep_free)
    if unit is None:
        return []
    round = Round.objects.get(campaign=campaign)
    persons = _persons(unit)
    if len(persons) < PERSONS:
        return []
    for branch in nomination_selectors.branches(unit):
        _fill_branch(convener, round, branch, persons)
    shortlist = nomination_services.shortlist_decide(
        actor=convener,
        round=round,
        organisation=unit.organisation,
        candidate_ids=[m.pk for m in persons],
        decided_on=today,
        attendance_due=9,
        attendance_present=8,
        decision="集体研究确定考察对象",
        accountable_person=f"{unit.organisation.name}书记",
    )
    # One of them is a leading cadre (the registry's column, through its service).
    cadre = persons[1]
    registry_services.member_cadre_set(
        actor=convener, member=cadre, cadre_rank=CadreRank.DIVISION, current_post="乡镇副镇长"
    )
    cases = services.cases_open(actor=convener, shortlist=shortlist)
    by_member = {c.member_id: c for c in cases}
    c = [by_member[m.pk] for m in persons]
    team = services.team_form(
        actor=convener,
        unit=unit,
        name="第一考察组",
        leader=inspector,
        outside_members=[services.OutsideMember("王外聘", "市委组织部退休干部")],
        formed_on=today,
    )
    services.cases_assign(actor=convener, team=team, cases=c[:8])
    services.notice_issue(
        actor=inspector,
        team=team,
        cases=c[:7],
        issued_on=today,
        starts_on=today,
        ends_on=today,
        scope=f"{unit.organisation.name}党员群众",
        contact_person="刘志刚",
        contact_phone="0731-88880000",
    )
    dims = list(domain.EVALUATION_DIMENSIONS)
    for i, case in enumerate(c[:6]):
        case = Case.objects.get(pk=case.pk)
        services.talks_record(
            actor=inspector, case=case, counts={"领导班子成员": 3, "党员": 9 + i, "群众": 5}
        )
        if i == 5:
            continue  # 考察中: talks only, the inspector's work to do
        services.talk_note_add(
            actor=inspector,
            case=case,
            category="党员",
            talked_on=today,
            interviewee="支部党员",
            note=f"反映{case.member.name}工作认真负责，群众基础好。",
        )
        services.evaluation_enter(
            actor=inspector,
            case=case,
            held_on=today,
            due=30,
            participants=28,
            counts={d: {"优秀": 22, "称职": 5, "基本称职": 1, "不称职": 0} for d in dims},
        )
        if i == 4:
            continue  # 考察中: the material still to write
        services.report_write(
            actor=inspector,
            case=case,
            material=f"{case.member.name}同志政治立场坚定，工作实绩突出，群众公认度高。",
            opinion=domain.Opinion.AGREE,
        )
        services.report_sign(actor=inspector, case=case, signed_on=today)
    for case in c[:4]:
        for item in domain.CHECK_ITEMS:
            services.check_record(
                actor=convener,
                case=case,
                item=item,
                checked_on=today,
                checked_by="组织部 王建国",
                finding=domain.Finding.CLEAR,
            )
    for item in domain.FOUR_MUSTS:
        services.cadre_check_record(
            actor=convener,
            case=c[1],
            item=item,
            done_on=today,
            done_by="干部监督科",
            finding=domain.Finding.CLEAR,
        )
    requests = {
        d: services.department_request_send(
            actor=convener,
            unit=unit,
            department=d,
            cases=c[:6],
            sent_on=today,
            working_days=1 if d == "公安" else None,
        )
        for d in domain.DEFAULT_DEPARTMENTS
    }
    # Answers: every department for c0 and c3; all but 公安 (late) for the cadre c1; 纪检
    # finds a problem with c2 and vetoes it. 纪检 (the demo reviewer) still owes c4 and c5.
    for d, req in requests.items():
        for case in (c[0], c[1], c[2], c[3]):
            if d == "公安" and case.pk in (c[1].pk, c[2].pk):
                continue
            if d == "纪检" and case.pk == c[2].pk:
                services.department_reply(
                    actor=reviewer if reviewer.department == d else convener,
                    request=req,
                    case=case,
                    outcome=domain.Reply.PROBLEM,
                    detail="反映其在项目审批中收受礼金，经初核属实",
                    replied_on=today,
                    reviewer="纪委监委 陈丽华",
                    disqualification="廉洁上有风险",
                )
                continue
            services.department_reply(
                actor=convener,
                request=req,
                case=case,
                outcome=domain.Reply.CLEAR,
                replied_on=today,
                reviewer=f"{d}部门审查人",
            )
    services.case_withdraw(
        actor=convener,
        case=Case.objects.get(pk=c[8].pk),
        reason="工作调动",
        withdrawn_on=today,
    )
    # The unit's decision: c0 agreed by 8 of 8, c3 by 3 of 8 (不予考虑); c1 (公安 late) and
    # c2 (vetoed) are not yet decidable.
    services.candidates_decide(
        actor=convener,
        unit=unit,
        decided_on=today,
        attendance_due=9,
        attendance_present=8,
        decision="集体研究确定初步人选",
        accountable_person=f"{unit.organisation.name}书记",
        votes={c[0].pk: 8, c[3].pk: 3},
    )
    return list(Case.objects.filter(unit=unit))
