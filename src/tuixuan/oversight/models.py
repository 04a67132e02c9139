"""Oversight's own rows: findings of the supervisors, alerts with their receipts, and the last
runs of the automatic record verification. Everything else it shows it reads from the stages.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class FindingKind(models.TextChoices):
    OPINION = "opinion", _("督查意见")
    LEAD = "lead", _("问题线索")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")
    ESCALATED = "escalated", _("已提级处理")


FINDING_TRANSITIONS: dict[str, frozenset[str]] = {
    FindingStatus.OPEN: frozenset({FindingStatus.ANSWERED, FindingStatus.ESCALATED}),
    FindingStatus.ANSWERED: frozenset(
        {FindingStatus.CLOSED, FindingStatus.ESCALATED, FindingStatus.OPEN}
    ),
    FindingStatus.CLOSED: frozenset(),
    FindingStatus.ESCALATED: frozenset(),
}
"""docs/domain.md §9.4: raised → answered → closed or escalated; an answer the supervisor does
not accept sends the finding back (answered → open). Closed and escalated are final."""


class Finding(models.Model):
    """A supervisor's 督查意见 or 问题线索 on a unit, a person's case or a recorded step."""

    kind = models.CharField(_("类别"), max_length=16, choices=FindingKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("责任党组织"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    campaign_id = models.PositiveBigIntegerField(null=True, blank=True)
    citizen_id = models.CharField(_("涉及人员"), max_length=18, blank=True)
    person_name = models.CharField(_("涉及人员姓名"), max_length=64, blank=True)
    event = models.ForeignKey(
        "record.Event",
        verbose_name=_("涉及环节"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("标题"), max_length=128)
    text = models.TextField(_("意见内容"))
    due_on = models.DateField(_("答复期限"))
    raised_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("答复内容"), blank=True)
    answered_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    conclusion = models.TextField(_("办结或提级意见"), blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("监督意见")
        verbose_name_plural = _("监督意见")
        ordering: ClassVar = ["-raised_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(status__in=FindingStatus.values),
                name="oversight_finding_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=FindingKind.values),
                name="oversight_finding_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def subject(self) -> str:
        if self.event_id is not None:
            return f"环节（纪实事件 {self.event_id}）"
        if self.citizen_id:
            return f"人员 {self.person_name or ''}".strip()
        return "单位"


class AlertKind(models.TextChoices):
    MILESTONE_SOON = "milestone_soon", _("时间节点临近")
    MILESTONE_MISSED = "milestone_missed", _("时间节点已逾期")
    PARTICIPATION_LOW = "participation_low", _("参与率低于目标")
    RECORD_BROKEN = "record_broken", _("全程纪实校验未通过")
    FINDING_OVERDUE = "finding_overdue", _("监督意见逾期未答复")


class Alert(models.Model):
    """A warning raised once per cause: the cause key is unique, so evaluating the rules again
    (on the next event, the next day) finds it and raises nothing."""

    cause = models.CharField(max_length=191, unique=True)
    kind = models.CharField(_("类别"), max_length=32, choices=AlertKind.choices)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("涉及党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    campaign_id = models.PositiveBigIntegerField(null=True, blank=True)
    title = models.CharField(_("预警"), max_length=255)
    text = models.TextField(_("说明"), blank=True)
    url = models.CharField(max_length=255, blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering: ClassVar = ["-raised_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AlertKind.values), name="oversight_alert_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AlertReceipt(models.Model):
    """One recipient of one alert, with what they did with it."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["-alert__raised_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["alert", "user"], name="oversight_receipt_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} → {self.user_id}"


class VerifyRun(models.Model):
    """One automatic run of verify-record by the daily job; the supervisors' page shows the
    last one."""

    at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField()
    checked = models.PositiveIntegerField(default=0)
    chains = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list)

    class Meta:
        ordering: ClassVar = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'failed'}"


class SatisfactionSurvey(models.Model):
    """The members' satisfaction with a unit's 一上 (docs/domain.md §8), the totals of the
    paper forms as counted: 满意, 基本满意, 不满意 out of the members surveyed."""

    round = models.ForeignKey("nomination.Round", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("campaign.ElectionUnit", on_delete=models.CASCADE, related_name="+")
    held_on = models.DateField(_("测评日期"))
    participants = models.PositiveIntegerField(_("参加测评人数"))
    satisfied = models.PositiveIntegerField(_("满意"))
    basic = models.PositiveIntegerField(_("基本满意"))
    dissatisfied = models.PositiveIntegerField(_("不满意"))
    entered_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("党员满意度测评")
        verbose_name_plural = _("党员满意度测评")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["round", "unit"], name="oversight_survey_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.satisfied}/{self.basic}/{self.dissatisfied}"

    @property
    def blank(self) -> int:
        """Forms returned without a choice."""
        return self.participants - self.satisfied - self.basic - self.dissatisfied
