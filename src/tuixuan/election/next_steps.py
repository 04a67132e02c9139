"""What comes next in an election meeting and who takes it: the "下一步" box of the election
pages and the election lines of the home page."""

from __future__ import annotations

from django.urls import reverse

from tuixuan.core.models import Role, User
from tuixuan.core.next_steps import Step
from tuixuan.election import access, selectors
from tuixuan.election.models import Election, ElectionStatus, RoundStatus


def election_steps(user: User, election: Election) -> list[Step]:
    """The election's next step by its state; a link only where the reader can act."""
    manage = access.can_manage(user, election)
    unit = election.organisation.name
    detail = reverse("election:detail", args=[election.pk])
    if election.status == ElectionStatus.PREPARING:
        source = _candidate_source_step(election, manage, detail, unit)
        if source is not None:
            return [source]
        blockers = selectors.open_blockers(election)
        if blockers:
            return [Step("做好会议准备：" + "".join(blockers), detail if manage else "", "", unit)]
        return [
            Step(
                "确定应到会名单，开始签到",
                detail if manage else "",
                "开始后名单冻结，选举人逐一签到",
                unit,
            )
        ]
    if election.status == ElectionStatus.IN_SESSION:
        if not election.method_adopted:
            signin = reverse("election:signin", args=[election.pk])
            return [
                Step(
                    "签到达到法定人数后，大会表决通过选举办法",
                    signin if manage else "",
                    "",
                    unit,
                )
            ]
        current = selectors.active_round(election)
        if current is None:
            return [Step("开始新一轮投票", detail if manage else "", "", unit)]
        url = reverse("election:round", args=[current.pk])
        if current.status == RoundStatus.PREPARING:
            return [Step(f"{current}：确定候选人，印制并发出选票", url if manage else "", "", unit)]
        if current.status == RoundStatus.VOTING:
            teller = access.can_enter(user, election) or access.is_chief_scrutineer(user, election)
            return [
                Step(
                    f"{current}：两名计票人分别录入选票，总监票人核对后计票",
                    url if teller else "",
                    "",
                    "监票计票人员",
                )
            ]
        chief = access.is_chief_scrutineer(user, election)
        return [Step(f"{current}：总监票人宣布选举结果", url if chief else "", "", "总监票人")]
    if election.status == ElectionStatus.CONCLUDED:
        return [Step("将选举结果报召集机关", detail if manage else "", "", unit)]
    credentials = reverse("election:credentials", args=[election.pk])
    return [
        Step(
            "代表资格审查：确认或终止代表资格",
            credentials if access.can_check_credentials(user, election) else "",
            "",
            "召集机关",
        )
    ]


HOME_LIMIT = 20
"""At most this many elections on one home page; the election list has them all."""


def waiting_for(user: User) -> list[Step]:
    """Elections under way that wait for this user (operators of the unit, tellers)."""
    if user.role not in (Role.UNIT_OPERATOR, Role.TELLER, Role.CONVENER):
        return []
    steps: list[Step] = []
    elections = access.elections_in_scope(user).select_related("organisation")
    if user.role == Role.CONVENER:
        elections = elections.filter(status=ElectionStatus.REPORTED)  # 资格审查 is theirs
    elif user.role == Role.TELLER:
        elections = elections.filter(status=ElectionStatus.IN_SESSION)
    else:
        elections = elections.exclude(status=ElectionStatus.REPORTED)
    for election in elections.order_by("pk")[:HOME_LIMIT]:
        steps += [
            Step(f"{election.title}：{s.title}", s.url, s.hint, s.who)
            for s in election_steps(user, election)
            if s.url
        ]
    return steps


def _candidate_source_step(election: Election, manage: bool, detail: str, unit: str) -> Step | None:
    """A campaign's election waits for the approved 候选人预备人选 (docs/domain.md §3.7):
    first the convening committee's approval, then the unit takes the list."""
    if election.unit_id is None:
        return None
    newer = selectors.approved_list_changed(election)
    if newer is not None:
        what = (
            "采用召集机关批准的候选人预备人选名单"
            if election.candidate_list_id is None
            else "批准的候选人预备人选名单已变更，重新采用"
        )
        return Step(what, detail if manage else "", "名单按姓氏笔画排列，注明产生方式", unit)
    if election.candidate_list_id is None:
        campaign = selectors.campaign_of(election)
        convener = campaign.convening_organisation.name if campaign is not None else "召集机关"
        return Step("等待召集机关批准候选人预备人选名单（报批）", "", "", convener)
    return None
