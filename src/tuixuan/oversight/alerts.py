"""Alerts: the rules, who receives them, and when they are evaluated (docs/oversight.md).

An alert is raised once per cause: its ``cause`` key is unique and names what it is about
(the milestone with its deadline, the unit, the round, the state of the record), so the same
cause found again — on the next event, the next day — raises nothing. The rules run

- when an event of the campaign is committed (``record.services.event_committed``), for
  that campaign, and
- once a day in the background job (``daily``, listed in ``settings.DAILY_JOBS``), for every
  running campaign, with the automatic verify-record run and overdue findings.

Raising an alert and marking it read are operational state, like a job's row; the
recipient's acknowledgement is a record event (``services.alert_acknowledge``).

Not alerted: an out-of-order step that a service refuses. A refusal rolls its transaction
back and writes no event, so nothing is committed that a rule could hear.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from tuixuan.campaign.models import Campaign
from tuixuan.campaign.progress import BoardStage, StageState
from tuixuan.core import clock
from tuixuan.core.models import Organisation, Role, User
from tuixuan.oversight import board as board_module
from tuixuan.oversight.models import (
    Alert,
    AlertKind,
    AlertReceipt,
    Finding,
    FindingStatus,
    VerifyRun,
)
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.record.verification import verify_record

logger = logging.getLogger(__name__)

OVERSEERS = (Role.CONVENER, Role.SUPERVISOR)
LIVE = board_module.LIVE


def _prefixes(path: str) -> list[str]:
    return [path[: i + 1] for i, ch in enumerate(path) if ch == "."]


def recipients(organisation: Organisation | None) -> list[User]:
    """Who receives an alert about ``organisation``: its own operators (the unit answers
    for its work) and the conveners and supervisors at it or above it — everyone whose
    subtree holds it, nobody else. Without an organisation (the record as a whole): the
    conveners and supervisors at the top of a tree."""
    users = User.objects.filter(is_active=True)
    if organisation is None:
        return list(users.filter(role__in=OVERSEERS, organisation__parent__isnull=True))
    return list(
        users.filter(
            Q(role__in=OVERSEERS, organisation__path__in=_prefixes(organisation.path))
            | Q(role=Role.UNIT_OPERATOR, organisation=organisation)
        ).order_by("pk")
    )


def raise_alert(
    *,
    cause: str,
    kind: AlertKind,
    title: str,
    organisation: Organisation | None = None,
    campaign_id: int | None = None,
    text: str = "",
    url: str = "",
    to: Iterable[User] | None = None,
) -> Alert | None:
    """Raise the alert unless its cause was raised before; the new alert, else None."""
    if Alert.objects.filter(cause=cause).exists():
        return None
    people = list(to) if to is not None else recipients(organisation)
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                cause=cause[:191],
                kind=kind,
                organisation=organisation,
                campaign_id=campaign_id,
                title=title[:255],
                text=text,
                url=url[:255],
            )
            AlertReceipt.objects.bulk_create(
                [AlertReceipt(alert=alert, user=u) for u in {u.pk: u for u in people}.values()]
            )
    except IntegrityError:  # raised at the same moment by another process
        return None
    if settings.ALERT_EMAIL:
        transaction.on_commit(lambda: _email(alert.pk))
    return alert


def _email(alert_pk: int) -> None:
    alert = Alert.objects.get(pk=alert_pk)
    for receipt in alert.receipts.select_related("user").filter(emailed=False):
        address = receipt.user.email
        if not address:
            continue
        try:
            send_mail(
                f"【推选工作预警】{alert.title}",
                f"{alert.title}\n\n{alert.text}\n",
                None,
                [address],
            )
        except Exception:  # a mail server down must not lose the alert in the inbox
            logger.exception("alert %s: mail to user %s failed", alert.pk, receipt.user_id)
            continue
        AlertReceipt.objects.filter(pk=receipt.pk).update(emailed=True)


def mark_read(receipt: AlertReceipt) -> None:
    """Operational, like a job row: the inbox shows what the user has opened."""
    if receipt.read_at is None:
        AlertReceipt.objects.filter(pk=receipt.pk, read_at__isnull=True).update(read_at=clock.now())


# --- the rules ---------------------------------------------------------------------------


def _md(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def evaluate_campaign(campaign: Campaign, *, today: dt.date | None = None) -> list[Alert]:
    """Milestones in 3 working days or missed, and participation below target once a unit's
    一上 is complete or past its deadline (docs/domain.md §7.1 and docs/domain.md §8)."""
    if campaign.status not in LIVE:
        return []
    today = today or clock.today()
    units = campaign.units.select_related("organisation").order_by("organisation__code", "id")
    board = board_module.build(campaign, units, today=today)
    known = set(Alert.objects.filter(campaign_id=campaign.pk).values_list("cause", flat=True))
    raised: list[Alert] = []

    def once(cause: str, **fields: Any) -> Alert | None:
        # one query for the causes already raised, instead of one per overdue cell
        return None if cause in known else raise_alert(cause=cause, **fields)

    for row in board.rows:
        unit = row.unit
        org = unit.organisation
        for cell in row.cells:
            if cell.deadline is None:
                continue
            key = f"{campaign.pk}:{cell.stage.value}:{unit.pk}:{cell.deadline.isoformat()}"
            where = cell.url or reverse("oversight:unit", args=[unit.pk])
            if cell.overdue:
                alert = once(
                    f"milestone_missed:{key}",
                    kind=AlertKind.MILESTONE_MISSED,
                    organisation=org,
                    campaign_id=campaign.pk,
                    title=f"{org.name}{cell.stage.label}已逾期（截止 {_md(cell.deadline)}）",
                    text="；".join(f.text for f in cell.figures),
                    url=where,
                )
            elif cell.due_soon:
                alert = once(
                    f"milestone_soon:{key}",
                    kind=AlertKind.MILESTONE_SOON,
                    organisation=org,
                    campaign_id=campaign.pk,
                    title=(
                        f"{org.name}{cell.stage.label}截止 {_md(cell.deadline)}，"
                        f"还有 {cell.days_left} 个工作日"
                    ),
                    text="；".join(f.text for f in cell.figures),
                    url=where,
                )
            else:
                alert = None
            if alert is not None:
                raised.append(alert)
        first_up = row.cell(BoardStage.FIRST_UP)
        closed = first_up.state == StageState.DONE or (
            first_up.deadline is not None and first_up.deadline < today
        )
        if closed and first_up.state is not None:
            for figure in first_up.figures:
                if figure.below_target and figure.rate is not None:
                    alert = once(
                        f"participation_low:{campaign.pk}:{unit.pk}:{figure.label}",
                        kind=AlertKind.PARTICIPATION_LOW,
                        organisation=org,
                        campaign_id=campaign.pk,
                        title=f"{org.name}一上{figure.label}未达目标：{figure.text}",
                        url=first_up.url or reverse("oversight:unit", args=[unit.pk]),
                    )
                    if alert is not None:
                        raised.append(alert)
    return raised


def overdue_findings(*, today: dt.date | None = None) -> list[Alert]:
    today = today or clock.today()
    raised = []
    for finding in Finding.objects.filter(
        status=FindingStatus.OPEN, due_on__lt=today
    ).select_related("organisation", "raised_by"):
        org = finding.organisation
        answerers = User.objects.filter(
            is_active=True,
            organisation=org,
            role__in=(Role.CONVENER, Role.UNIT_OPERATOR, Role.BRANCH_OPERATOR),
        )
        alert = raise_alert(
            cause=f"finding_overdue:{finding.pk}:{finding.due_on.isoformat()}",
            kind=AlertKind.FINDING_OVERDUE,
            organisation=org,
            campaign_id=finding.campaign_id,
            title=f"{org.name}未在 {_md(finding.due_on)} 前答复监督意见“{finding.title}”",
            url=reverse("oversight:finding", args=[finding.pk]),
            to=[*answerers, finding.raised_by],
        )
        if alert is not None:
            raised.append(alert)
    return raised


def verify(*, check_files: bool = False) -> VerifyRun:
    """Run verify-record, keep the result, alert on a failure (once per set of problems)."""
    report = verify_record(check_files=check_files)
    problems = [str(p) for p in report.problems]
    run = VerifyRun.objects.create(
        ok=report.ok, checked=report.checked, chains=report.chains, problems=problems[:200]
    )
    if not report.ok:
        digest = hashlib.sha256("\n".join(problems).encode()).hexdigest()[:32]
        raise_alert(
            cause=f"record_broken:{digest}",
            kind=AlertKind.RECORD_BROKEN,
            title=f"全程纪实自动校验未通过：发现 {len(problems)} 处问题",
            text="\n".join(problems[:20]),
            url=reverse("oversight:supervision"),
        )
    return run


def daily() -> dict[str, Any]:
    """The daily job (settings.DAILY_JOBS): verify the record, then every campaign under way."""
    run = verify()
    raised = 0
    for campaign in Campaign.objects.filter(status__in=LIVE):
        raised += len(evaluate_campaign(campaign))
    raised += len(overdue_findings())
    return {"verified": run.ok, "events": run.checked, "alerts": raised}


# --- hearing the record ------------------------------------------------------------------

HEARD = frozenset(
    {
        # the deadlines and the campaign's state
        EventType.CAMPAIGN_STATUS_CHANGED,
        EventType.MILESTONES_PLANNED,
        EventType.MILESTONE_CHANGED,
        EventType.MILESTONE_COMPLETED,
        EventType.ACTIVITY_RECORDED,
        # a unit's stage moving on
        EventType.NOMINATION_ROUND_OPENED,
        EventType.NOMINATION_REPORT_SUBMITTED,
        EventType.NOMINATION_LATE_ACCEPTED,
        EventType.NOMINATION_REPORT_CORRECTED,
        EventType.NOMINATION_PARTICIPATION_RECORDED,
        EventType.NOMINATION_SHORTLIST_DECIDED,
        EventType.NOMINATION_SHORTLIST_HANDED_DOWN,
        EventType.NOMINATION_FEEDBACK_SUBMITTED,
        EventType.ELECTION_CREATED,
        EventType.ELECTION_CONCLUDED,
        EventType.ELECTION_RESULT_REPORTED,
        EventType.ELECTION_DELEGATE_CONFIRMED,
        EventType.ELECTION_DELEGATE_REMOVED,
    }
)
"""The events after which a rule can come out differently; a ballot entered, a form typed in
or a book exported changes no deadline or participation figure and is not evaluated."""


def on_event_committed(sender: Any, event: Event, **kwargs: Any) -> None:
    """Evaluate the campaign of a committed stage event (connected in ``apps.py``)."""
    if event.campaign_id is None or event.event_type not in HEARD:
        return
    campaign = Campaign.objects.filter(pk=event.campaign_id).first()
    if campaign is not None:
        evaluate_campaign(campaign)
