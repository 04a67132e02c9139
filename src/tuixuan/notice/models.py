"""公示, objections, the candidate list (二下) and its approval (报批): docs/domain.md §3.6,
docs/domain.md §3.7, docs/notice.md.

Every row is written by one service of ``tuixuan.notice.services`` with its record event in
the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import ClassVar, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuixuan.notice import domain

E = TypeVar("E", bound=StrEnum)


def _choices(labels: Mapping[E, str]) -> list[tuple[str, str]]:
    return [(k.value, v) for k, v in labels.items()]


class Notice(models.Model):
    """One public notice of a unit's 初步人选 (or, when the campaign asks, 预备人选)."""

    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("campaign.ElectionUnit", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(
        _("公示对象"), max_length=16, choices=_choices(domain.NOTICE_KIND_LABELS)
    )
    candidate_list = models.ForeignKey(
        "notice.CandidateList", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=_choices(domain.NOTICE_STATUS_LABELS),
        default=domain.NoticeStatus.DRAFT.value,
    )
    scope = models.CharField(_("公示范围"), max_length=16, choices=_choices(domain.SCOPE_LABELS))
    channels = models.JSONField(_("公示渠道"), default=list)
    contact_phone = models.CharField(_("受理电话"), max_length=32)
    contact_address = models.CharField(_("通信地址"), max_length=255)
    working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"))
    text = models.TextField(_("公示内容"), blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in domain.NoticeStatus]),
                name="notice_notice_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.status}"


class NoticeEntry(models.Model):
    """A person on a notice, in stroke order (``position``)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="entries")
    case = models.ForeignKey("vetting.Case", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering: ClassVar = ["position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["notice", "member"], name="notice_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.member_id}"


class Objection(models.Model):
    """举报 / 异议 about one person on a notice. ``content`` and ``findings`` are read only
    through ``notice.access.can_read_objection_content`` (the convener, the handler and the
    supervisors); the record keeps a digest of them, never the text."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    entry = models.ForeignKey(NoticeEntry, on_delete=models.PROTECT, related_name="objections")
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=_choices(domain.OBJECTION_STATUS_LABELS),
        default=domain.ObjectionStatus.RECEIVED.value,
    )
    received_on = models.DateField(_("收到日期"))
    channel = models.CharField(
        _("反映方式"), max_length=16, choices=_choices(domain.CHANNEL_LABELS)
    )
    anonymous = models.BooleanField(_("匿名"), default=False)
    complainant = models.CharField(_("反映人"), max_length=64, blank=True)
    complainant_contact = models.CharField(_("反映人联系方式"), max_length=64, blank=True)
    content = models.TextField(_("反映内容"))
    received_event_id = models.BigIntegerField(null=True, blank=True)
    """The record event that carries the attachments."""
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    handler = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_on = models.DateField(_("交办日期"), null=True, blank=True)
    findings = models.TextField(_("核查情况"), blank=True)
    investigated_on = models.DateField(_("核查完成日期"), null=True, blank=True)
    conclusion = models.CharField(
        _("结论"), max_length=16, blank=True, choices=_choices(domain.CONCLUSION_LABELS)
    )
    disqualification = models.CharField(_("一票否决情形"), max_length=64, blank=True)
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in domain.ObjectionStatus]),
                name="notice_objection_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.status}"


class Placement(models.Model):
    """A candidate nominated by the higher committee (上级提名) placed in a unit
    (docs/domain.md §4.6)."""

    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("campaign.ElectionUnit", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    nominated_by = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    placed_on = models.DateField(_("提名日期"))
    reason = models.TextField(_("提名理由"))
    post = models.CharField(_("现任职务"), max_length=128, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["campaign", "member"], name="notice_placement_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.member_id}"


class CandidateList(models.Model):
    """候选人预备人选名单: the unit committee's collective decision (二下) and its approval by
    the convening committee (报批)."""

    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("campaign.ElectionUnit", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=_choices(domain.LIST_STATUS_LABELS),
        default=domain.ListStatus.DECIDED.value,
    )
    decided_on = models.DateField(_("研究日期"))
    attendance_due = models.PositiveIntegerField(_("应到会人数"))
    attendance_present = models.PositiveIntegerField(_("实到会人数"))
    decision = models.TextField(_("研究决定"))
    accountable_person = models.CharField(_("责任人"), max_length=64)
    seats = models.PositiveIntegerField(_("代表名额"))
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    # 报批
    submitted_on = models.DateField(_("报批日期"), null=True, blank=True)
    method = models.TextField(_("产生方法"), blank=True)
    principles = models.TextField(_("把握的原则"), blank=True)
    # the convening committee's answer
    reviewed_on = models.DateField(_("审批日期"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_reason = models.TextField(_("审批意见"), blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("候选人预备人选名单")
        verbose_name_plural = _("候选人预备人选名单")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in domain.ListStatus]),
                name="notice_list_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.decided_on} {self.status}"


class CandidateEntry(models.Model):
    """One person on a list: a case of the unit (本单位推荐) or a placement (上级提名)."""

    candidate_list = models.ForeignKey(
        CandidateList, on_delete=models.CASCADE, related_name="entries"
    )
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "vetting.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    placement = models.ForeignKey(
        Placement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    origin = models.CharField(_("产生方式"), max_length=16, choices=_choices(domain.ORIGIN_LABELS))
    votes = models.PositiveIntegerField(_("同意票数"))
    position = models.PositiveIntegerField()
    return_reason = models.TextField(_("退回意见"), blank=True)

    class Meta:
        ordering: ClassVar = ["position"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["candidate_list", "member"], name="notice_candidate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate_list_id} {self.member_id}"
