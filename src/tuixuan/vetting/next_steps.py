"""What waits for whom in 考察 and 审查: the links on the home page and the "下一步" box.

An inspector: cases of their teams still to inspect, opinions to sign (the leader). A
department reviewer: the persons of their department's requests still unanswered, with the
due date. A unit operator: cases to open, to assign, checks to record, departments to ask
or remind, cases ready for the collective decision.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from tuixuan.core import clock
from tuixuan.core.models import Role, User
from tuixuan.core.next_steps import Step
from tuixuan.vetting import access, domain
from tuixuan.vetting.models import Case, DepartmentRequest


def _inspector(user: User) -> list[Step]:
    steps: list[Step] = []
    cases = access.cases_in_scope(user).select_related("member", "team", "report")
    for case in cases.filter(status=domain.Status.INSPECTING).order_by("list_entry__position"):
        signed = hasattr(case, "report") and case.report.signed_on is not None
        if signed:
            continue
        leader = case.team is not None and case.team.leader_id == user.pk
        written = hasattr(case, "report")
        steps.append(
            Step(
                f"{'签署' if written and leader else '考察'}{case.member.name}",
                reverse("vetting:case", args=[case.pk]),
                "考察材料已形成，待组长签署" if written else "个别谈话、民主测评、考察材料",
                case.team.name if case.team else "",
            )
        )
    waiting = cases.filter(status=domain.Status.PENDING, team__leader=user).count()
    if waiting:
        team = cases.filter(status=domain.Status.PENDING, team__leader=user).first()
        assert team is not None and team.team is not None  # noqa: S101 (narrowing)
        steps.append(
            Step(
                f"发布考察预告（{waiting} 人待考察）",
                reverse("vetting:team", args=[team.team.pk]),
                "考察前发布考察预告",
                team.team.name,
            )
        )
    return steps


def _reviewer(user: User) -> list[Step]:
    today = clock.today()
    steps = []
    for r in (
        access.requests_in_scope(user)
        .select_related("unit__organisation")
        .annotate(waiting=Count("replies", filter=Q(replies__outcome="")))
        .filter(waiting__gt=0)
        .order_by("due_on")
    ):
        late = r.due_on < today
        steps.append(
            Step(
                f"回复{r.unit.organisation.name}的征求意见函（{r.waiting} 人）",
                reverse("vetting:request", args=[r.pk]),
                f"{'已逾期，' if late else ''}应于 {r.due_on.isoformat()} 前回复",
                f"{r.department}部门",
            )
        )
    return steps


def _operator(user: User) -> list[Step]:
    steps = []
    for unit in access.units_in_scope(user).filter(vetting_cases__isnull=False).distinct():
        cases = Case.objects.filter(unit=unit)
        url = reverse("vetting:board", args=[unit.pk])
        pending = cases.filter(status=domain.Status.PENDING, team__isnull=True).count()
        if pending:
            steps.append(Step(f"分配考察任务（{pending} 人）", url, "组建考察组并分配", ""))
        late = DepartmentRequest.objects.filter(
            unit=unit, due_on__lt=clock.today(), replies__outcome=""
        ).distinct()
        for r in late:
            steps.append(Step(f"催办{r.department}部门回复", url + "#departments", "已逾期", ""))
        ready = cases.filter(status=domain.Status.TO_DECIDE).count()
        if ready:
            steps.append(Step(f"集体研究确定初步人选（{ready} 人待研究）", url + "#decide", "", ""))
    return steps


def waiting_for(user: User) -> list[Step]:
    if not access.can_use_vetting(user):
        return []
    if user.role == Role.INSPECTOR:
        return _inspector(user)
    if user.role == Role.DEPARTMENT_REVIEWER:
        return _reviewer(user) if user.department else []
    if user.role in access.OPERATORS and user.role == Role.UNIT_OPERATOR:
        return _operator(user)
    return []
