"""What waits for whom in 公示, 二下 and 报批: the home page's links and the 下一步 box of the
notice pages."""

from __future__ import annotations

from django.urls import reverse

from tuixuan.campaign.models import ElectionUnit
from tuixuan.core import clock
from tuixuan.core.models import Role, User
from tuixuan.core.next_steps import Step
from tuixuan.notice import access, domain, selectors
from tuixuan.notice.models import CandidateList, Notice, Objection


def unit_steps(unit: ElectionUnit, *, writer: bool, convener: bool = False) -> list[Step]:
    """The next step of one unit, read from its state."""
    org = unit.organisation.name
    url = reverse("notice:unit", args=[unit.pk])
    steps: list[Step] = []
    today = clock.today()
    for n in Notice.objects.filter(unit=unit).exclude(status=domain.NoticeStatus.CLOSED):
        n_url = reverse("notice:notice", args=[n.pk])
        if n.status == domain.NoticeStatus.DRAFT:
            steps.append(Step("发布公示", n_url if writer else "", "核对公示内容后发布", org))
        elif n.ends_on is not None and today > n.ends_on:
            steps.append(
                Step("结束公示", n_url if writer else "", f"公示期已于 {n.ends_on} 届满", org)
            )
        else:
            steps.append(
                Step("公示中", n_url, f"公示期至 {n.ends_on}；期间收到的举报逐件登记", org)
            )
    waiting = Objection.objects.filter(notice__unit=unit, status__in=selectors.OPEN)
    for o in waiting:
        who = {
            domain.ObjectionStatus.RECEIVED: (org, "交办核查"),
            domain.ObjectionStatus.ASSIGNED: (
                o.handler.display_name or o.handler.username if o.handler else "承办人",
                "核查并登记核查情况",
            ),
            domain.ObjectionStatus.INVESTIGATED: ("召集机关", "作出办结结论"),
        }[domain.ObjectionStatus(o.status)]
        steps.append(Step(f"举报：{who[1]}", reverse("notice:objection", args=[o.pk]), "", who[0]))
    if steps:
        return steps
    current = selectors.current_list(unit)
    if current is None:
        if selectors.decision_earliest(unit) is not None:
            steps.append(
                Step(
                    "二下：集体研究确定候选人预备人选",
                    reverse("notice:decide", args=[unit.pk]) if writer else "",
                    "须符合差额和结构比例要求",
                    org,
                )
            )
        elif any(not r.notice for r in selectors.pool(unit)):
            steps.append(Step("公示初步人选", url if writer else "", "不少于 5 个工作日", org))
        return steps
    return list_steps(current, writer=writer, convener=convener)


def list_steps(current: CandidateList, *, writer: bool, convener: bool) -> list[Step]:
    org = current.unit.organisation.name
    url = reverse("notice:list", args=[current.pk])
    if current.status == domain.ListStatus.DECIDED:
        blockers = selectors.list_blockers(current)
        if current.campaign.second_notice and selectors.second_notice(current) is None:
            return [Step("公示预备人选", url if writer else "", "本次推选要求再次公示", org)]
        return [
            Step(
                "报批：将预备人选报召集机关审批",
                url if writer else "",
                "；".join(blockers) if blockers else "登记表、名册和情况报告由系统生成",
                org,
            )
        ]
    if current.status == domain.ListStatus.SUBMITTED:
        return [
            Step(
                "审批候选人预备人选", url if convener else "", "批准或退回（写明理由）", "召集机关"
            )
        ]
    if current.status == domain.ListStatus.APPROVED:
        return [Step("组织选举", reverse("election:list"), "以批准的预备人选为候选人", org)]
    return []


def waiting_for(user: User) -> list[Step]:
    if (
        user.role not in (Role.UNIT_OPERATOR, Role.CONVENER, Role.SUPERVISOR)
        or not user.organisation
    ):
        if user.role == Role.DEPARTMENT_REVIEWER:
            return [
                Step("核查举报", reverse("notice:objection", args=[o.pk]), "", "本人")
                for o in Objection.objects.filter(
                    handler=user, status=domain.ObjectionStatus.ASSIGNED
                )
            ]
        return []
    steps: list[Step] = []
    for o in Objection.objects.filter(handler=user, status=domain.ObjectionStatus.ASSIGNED):
        steps.append(Step("核查举报", reverse("notice:objection", args=[o.pk]), "", "本人"))
    if user.role == Role.SUPERVISOR:
        return steps
    for unit in access.units_in_scope(user)[:20]:
        steps += unit_steps(unit, writer=True, convener=user.role == Role.CONVENER)
    return steps
