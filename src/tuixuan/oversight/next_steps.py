"""The home page's state-aware lines that no stage gives: for the levels above the branches,
how many branches have not reported and which units are overdue; for the chief scrutineer,
the ballots waiting for a ruling; for everyone, unread alerts and open findings.

Read first what nomination and election already say (their ``next_steps``): the branch's own
一上 and 二上, the unit's "已报送 x / y" and the election's next step are theirs and not
repeated here; the unit operator therefore gets no branch count from this module.
"""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse

from tuixuan.campaign.progress import BoardStage
from tuixuan.core.models import Role, User
from tuixuan.core.next_steps import Step
from tuixuan.election.models import Batch, BatchStatus, ElectionStatus, RoundStatus
from tuixuan.election.selectors import pending_differences
from tuixuan.oversight import access, board
from tuixuan.oversight.models import AlertReceipt, Finding, FindingStatus

HOME_LIMIT = 10
"""At most this many campaigns on one home page."""


def _md(day: object) -> str:
    return f"{day.month}月{day.day}日"  # type: ignore[attr-defined]


def board_steps(user: User) -> list[Step]:
    """Per running campaign in the reader's scope: branches not reported in 一上, overdue units."""
    steps: list[Step] = []
    campaigns = access.campaigns_for_board(user).filter(status__in=board.LIVE)
    for campaign in campaigns.order_by("-pk")[:HOME_LIMIT]:
        b = board.build(campaign, access.board_units(user, campaign))
        url = reverse("oversight:board", args=[campaign.pk])
        cells = [r.cell(BoardStage.FIRST_UP) for r in b.rows]
        open_cells = [c for c in cells if c.state is not None and not c.done]
        missing = sum(
            (f.of or 0) - f.value for c in open_cells for f in c.figures[:1] if f.of is not None
        )
        if missing > 0 and open_cells:
            when = ""
            first = open_cells[0]
            if first.deadline is not None:
                when = "（" + first.time_text + "）"
            steps.append(
                Step(
                    f"{missing} 个党支部未报送一上推荐结果{when}", url, campaign.name, "各选举单位"
                )
            )
        overdue = b.overdue_rows
        if overdue:
            names = "、".join(r.unit.organisation.name for r in overdue[:3])
            more = f"等 {len(overdue)} 个" if len(overdue) > 3 else ""
            steps.append(
                Step(
                    f"{names}{more}选举单位进度逾期",
                    url,
                    campaign.name + "：逾期单位排在进度表最前",
                    "召集机关",
                )
            )
    return steps


def ruling_steps(user: User) -> list[Step]:
    """ "待您裁定 N 张选票": ballots read differently or doubted, in the elections where the
    user is the chief scrutineer."""
    batches = Batch.objects.filter(
        round__election__chief_scrutineer=user,
        round__election__status=ElectionStatus.IN_SESSION,
        round__status=RoundStatus.VOTING,
        status=BatchStatus.RECONCILING,
    ).select_related("round__election")
    steps = []
    for batch in batches.order_by("pk")[:HOME_LIMIT]:
        n = len(pending_differences(batch))
        if n:
            steps.append(
                Step(
                    f"待您裁定 {n} 张选票",
                    reverse("election:batch_differences", args=[batch.pk]),
                    f"{batch.round.election.title} 第 {batch.number} 批",
                    "总监票人",
                )
            )
    return steps


def inbox_steps(user: User) -> list[Step]:
    steps = []
    unread = AlertReceipt.objects.filter(user=user, acknowledged_at__isnull=True).count()
    if unread:
        steps.append(Step(f"{unread} 条预警待确认", reverse("oversight:inbox"), "", "本人"))
    if user.organisation_id is not None and user.role in access.ANSWERERS:
        due = Finding.objects.filter(
            organisation_id=user.organisation_id, status=FindingStatus.OPEN
        ).aggregate(n=Count("pk"), first=Min("due_on"))
        n, first = due["n"], due["first"]
        if n and first is not None:
            steps.append(
                Step(
                    f"{n} 条监督意见待答复（最早 {_md(first)}到期）",
                    reverse("oversight:findings"),
                    "",
                    user.organisation.name if user.organisation else "",
                )
            )
    if access.is_supervisor(user):
        answered = access.findings_in_scope(user).filter(status=FindingStatus.ANSWERED).count()
        if answered:
            steps.append(
                Step(
                    f"{answered} 条监督意见已答复，待办结",
                    reverse("oversight:findings"),
                    "",
                    "监督保卫组",
                )
            )
    return steps


def waiting_for(user: User) -> list[Step]:
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return []
    steps: list[Step] = []
    if user.role in (Role.CONVENER, Role.SUPERVISOR):
        steps += board_steps(user)
    if user.role == Role.TELLER:  # a chief scrutineer is a teller's account
        steps += ruling_steps(user)
    steps += inbox_steps(user)
    return steps
