"""What waits for whom in 一上, 一下 and 二上: the links on the home page and the "下一步" box
at the foot of the nomination pages.

Each function reads the state (report submitted? list decided, handed down? 二上 answered?)
and says the next step, who must take it and, when the reader can, where to do it.
"""

from __future__ import annotations

from django.urls import reverse

from tuixuan.campaign.models import Stage
from tuixuan.core.models import Organisation, Role, User
from tuixuan.core.next_steps import Step
from tuixuan.nomination import access, selectors
from tuixuan.nomination.models import (
    BranchReport,
    Feedback,
    ListKind,
    ListStatus,
    NominationList,
    ReportStatus,
    Round,
    RoundStatus,
)


def _due(round: Round, stage: Stage) -> str:
    day = selectors.deadline(round.campaign, stage)
    return f"截止 {day.isoformat()}" if day else ""


def _handed_down(round: Round, org: Organisation) -> list[NominationList]:
    """The 考察对象 lists handed down to the branch ``org`` (from its election unit)."""
    return [
        nl
        for nl in NominationList.objects.filter(
            round=round, kind=ListKind.SHORTLIST, status=ListStatus.HANDED_DOWN
        ).select_related("organisation")
        if org.path.startswith(nl.organisation.path)
    ]


def branch_steps(
    round: Round, org: Organisation, *, writer: bool, here: bool = False
) -> list[Step]:
    """The branch's own path: 一上 to fill and submit, then 二上 once the list comes down.
    ``here``: for the branch page itself, whose 报送 section the step points to."""
    steps: list[Step] = []
    report = BranchReport.objects.filter(round=round, organisation=org).first()
    branch_url = "#submit" if here else reverse("nomination:branch", args=[round.pk, org.pk])
    if round.status == RoundStatus.OPEN and (report is None or report.status == ReportStatus.DRAFT):
        steps.append(
            Step(
                "填报并报送一上推荐结果",
                branch_url if writer else "",
                "支部党员大会情况、推荐票、党员参与方式；" + _due(round, Stage.FIRST_UP),
                org.name,
            )
        )
    lists = _handed_down(round, org)
    answered = set(
        Feedback.objects.filter(shortlist__in=lists, organisation=org).values_list(
            "shortlist_id", flat=True
        )
    )
    for nl in lists:
        if nl.pk in answered:
            continue
        steps.append(
            Step(
                "报送二上意见（考察对象名单已下发）",
                reverse("nomination:feedback", args=[nl.pk, org.pk]) if writer else "",
                "召开支部党员大会，对考察对象逐人表示赞成、不赞成或弃权；"
                + _due(round, Stage.SECOND_UP),
                org.name,
            )
        )
    if not steps:
        unit = selectors.unit_of(round.campaign, org)
        above = unit.organisation.name if unit is not None else "选举单位"
        if lists:
            steps.append(Step("等待汇总二上意见，确定候选人初步人选", "", "", above))
        else:
            steps.append(
                Step(
                    "等待汇总一上推荐结果，集体研究确定考察对象并下发征求意见（二上）",
                    "",
                    "",
                    above,
                )
            )
    return steps


def unit_steps(round: Round, org: Organisation, *, writer: bool, here: bool = False) -> list[Step]:
    """An election unit's path: follow 一上, decide the 考察对象, hand them down, read 二上.
    ``here``: for the unit's level page itself, whose decision section the step points to."""
    unit = selectors.unit_of(round.campaign, org)
    if unit is None or unit.organisation_id != org.pk:
        return []
    level_url = "#decide" if here else reverse("nomination:level", args=[round.pk, org.pk])
    shortlist = selectors.list_for(round, org, ListKind.SHORTLIST)
    branches = list(selectors.branches(unit).values_list("pk", flat=True))
    if shortlist is None:
        reported = BranchReport.objects.filter(
            round=round, organisation_id__in=branches, status=ReportStatus.SUBMITTED
        ).count()
        return [
            Step(
                "汇总一上推荐结果，集体研究确定考察对象",
                level_url if writer else "",
                f"已报送 {reported} / {len(branches)} 个党支部；" + _due(round, Stage.FIRST_DOWN),
                org.name,
            )
        ]
    list_url = reverse("nomination:list", args=[shortlist.pk])
    if shortlist.status == ListStatus.DECIDED:
        return [
            Step(
                "将考察对象名单下发各党支部征求意见（二上）",
                list_url if writer else "",
                f"{len(branches)} 个党支部将收到名单",
                org.name,
            )
        ]
    answered = Feedback.objects.filter(shortlist=shortlist).values("organisation").distinct()
    return [
        Step(
            "汇总各党支部二上意见",
            list_url,
            f"已报送 {answered.count()} / {len(branches)} 个党支部；"
            + _due(round, Stage.SECOND_UP),
            org.name,
        )
    ]


def waiting_for(user: User) -> list[Step]:
    """The nomination steps waiting for the user, for the home page."""
    if not access.can_read(user) or user.organisation is None:
        return []
    org = user.organisation
    writer = user.role in access.WRITERS
    steps: list[Step] = []
    for round in access.rounds_for_user(user):
        if user.role == Role.BRANCH_OPERATOR and selectors.is_leaf(org):
            steps += branch_steps(round, org, writer=writer)
        elif user.role in (Role.UNIT_OPERATOR, Role.BRANCH_OPERATOR):
            steps += unit_steps(round, org, writer=writer)
    if user.role == Role.CONVENER:
        steps += [
            Step(
                f"开启“{c.name}”的一上推荐",
                reverse("nomination:index"),
                "名额分配确认、推选工作启动后开启",
                org.name,
            )
            for c in access.campaigns_to_open(user)
        ]
    return steps
