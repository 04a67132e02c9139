"""Recommendation and nomination: rounds 一上 / 一下 / 二上.

A branch's report (``BranchReport``) holds its meeting, its participation and either the
members' forms one by one (``FormEntry``) or its own per-name totals (``ReportCount``). On
submission the per-name counts are fixed in ``ReportCount`` and added, in the same
transaction, to the maintained ``Tally`` of the branch and of every organisation above it up
to the election unit, so that a level's ranking is one indexed read instead of a GROUP BY over
every form of its subtree.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class Round(models.Model):
    """The 一上 of one campaign; everything recommended in the campaign hangs from it."""

    campaign = models.OneToOneField(
        "campaign.Campaign", on_delete=models.CASCADE, related_name="nomination_round"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("推荐轮次")
        verbose_name_plural = _("推荐轮次")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(status__in=RoundStatus.values),
                name="nomination_round_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} 一上"


class RoundStage(models.TextChoices):
    FIRST_UP = "first_up", _("一上")
    SECOND_UP = "second_up", _("二上")


class UnitRoundStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class UnitRound(models.Model):
    """一上 or 二上 of one election unit: open until the unit closes it (``round_close``), or,
    for 一上, until the unit's 考察对象 are decided (docs/domain.md §7.3). A row exists once
    the stage has been closed; no row reads as open."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="unit_rounds")
    unit = models.ForeignKey("campaign.ElectionUnit", on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(_("轮次"), max_length=16, choices=RoundStage.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=UnitRoundStatus.choices, default=UnitRoundStatus.OPEN
    )
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("选举单位推荐轮次")
        verbose_name_plural = _("选举单位推荐轮次")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["round", "unit", "stage"], name="nomination_unitround_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(stage__in=RoundStage.values),
                name="nomination_unitround_stage_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=UnitRoundStatus.values),
                name="nomination_unitround_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.stage} {self.status}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已报送")


class EntryMode(models.TextChoices):
    FORMS = "forms", _("逐张录入推荐表")
    TOTALS = "totals", _("按人录入汇总票数")


class BranchReport(models.Model):
    """One branch's 一上: meeting, participation, recommendations, satisfaction survey."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(
        "campaign.ElectionUnit", on_delete=models.CASCADE, related_name="nomination_reports"
    )
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="nomination_reports"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    mode = models.CharField(
        _("录入方式"), max_length=16, choices=EntryMode.choices, default=EntryMode.FORMS
    )
    meeting_date = models.DateField(_("会议日期"), null=True, blank=True)
    meeting_place = models.CharField(_("会议地点"), max_length=128, blank=True)
    presider = models.CharField(_("主持人"), max_length=64, blank=True)
    members_due = models.PositiveIntegerField(_("应到会党员"), default=0)
    members_present = models.PositiveIntegerField(_("实到会党员"), default=0)
    accountable_person = models.CharField(_("责任人（支部书记）"), max_length=64, blank=True)
    survey_total = models.PositiveIntegerField(_("满意度测评人数"), default=0)
    survey_satisfied = models.PositiveIntegerField(_("满意"), default=0)
    survey_basic = models.PositiveIntegerField(_("基本满意"), default=0)
    survey_dissatisfied = models.PositiveIntegerField(_("不满意"), default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    late_reason = models.TextField(_("逾期受理理由"), blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("党支部推荐报告")
        verbose_name_plural = _("党支部推荐报告")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["round", "organisation"], name="nomination_report_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values),
                name="nomination_report_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(mode__in=EntryMode.values),
                name="nomination_report_mode_valid",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return f"{self.organisation} 一上"


class ParticipationMode(models.TextChoices):
    ONSITE = "onsite", _("现场")
    HOME = "home", _("上门")
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
    WRITTEN = "written", _("书面")


class Participation(models.Model):
    report = models.ForeignKey(BranchReport, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("参与方式"), max_length=16, choices=ParticipationMode.choices)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["report", "member"], name="nomination_participation_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(mode__in=ParticipationMode.values),
                name="nomination_participation_mode_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.mode}"


class FormEntry(models.Model):
    """One name on one member's recommendation form; the form is its number in the report.

    Forms are anonymous (the branch records who took part, not who wrote which form); a form
    filled in by a probationary member is marked so that it is counted apart.
    """

    report = models.ForeignKey(BranchReport, on_delete=models.CASCADE, related_name="entries")
    form_no = models.PositiveIntegerField()
    candidate = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    probationary = models.BooleanField(default=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["report", "form_no", "candidate"], name="nomination_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id}#{self.form_no} {self.candidate_id}"


class ReportCount(models.Model):
    """A branch's count for one person: entered (totals mode) or counted from its forms."""

    report = models.ForeignKey(BranchReport, on_delete=models.CASCADE, related_name="counts")
    candidate = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    votes = models.PositiveIntegerField(default=0)
    probationary_votes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["report", "candidate"], name="nomination_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.candidate_id}: {self.votes}"


class Tally(models.Model):
    """The submitted counts of an organisation's subtree, kept up to date by every submission
    and correction in their own transaction."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    candidate = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    votes = models.IntegerField(default=0)
    probationary_votes = models.IntegerField(default=0)
    reports = models.IntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["round", "organisation", "candidate"], name="nomination_tally_unique"
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["round", "organisation", "-votes"], name="nomination_tally_rank")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.candidate_id}: {self.votes}"


class OrgRecommendation(models.Model):
    """A name a level adds in its own right (组织推荐); it answers for it (谁推荐谁负责)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="org_recommendations")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    candidate = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    accountable_person = models.CharField(_("责任人"), max_length=64)
    reason = models.TextField(_("推荐理由"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["round", "organisation", "candidate"], name="nomination_orgrec_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.candidate_id}"


class ListKind(models.TextChoices):
    POOL = "pool", _("推荐人选名单")
    SHORTLIST = "shortlist", _("考察对象（初步人选）名单")


class ListStatus(models.TextChoices):
    DECIDED = "decided", _("已集体研究确定")
    HANDED_DOWN = "handed_down", _("已下发征求意见")
    REOPENED = "reopened", _("已决定重新研究")


class NominationList(models.Model):
    """A list fixed by a level's collective decision (集体讨论): its pool sent up, or at the
    election unit the 考察对象 handed down for 二上."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="lists")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("campaign.ElectionUnit", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=ListKind.choices)
    status = models.CharField(max_length=16, choices=ListStatus.choices, default=ListStatus.DECIDED)
    decided_on = models.DateField(_("研究日期"))
    attendance_due = models.PositiveIntegerField(_("应到会人数"))
    attendance_present = models.PositiveIntegerField(_("实到会人数"))
    decision = models.TextField(_("研究决定"))
    accountable_person = models.CharField(_("责任人"), max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handed_down_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(
        _("须复核"),
        blank=True,
        help_text=_("受理逾期报送后按排名规则名单会有变化时写明，名单重新研究后不再显示"),
    )
    reopened_on = models.DateField(_("决定重新研究的日期"), null=True, blank=True)
    reopen_reason = models.TextField(_("重新研究的理由"), blank=True)

    class Meta:
        constraints: ClassVar = [
            # One list in force per level and kind; a list reopened stays beside its successor.
            models.UniqueConstraint(
                fields=["round", "organisation", "kind"],
                condition=~models.Q(status="reopened"),
                name="nomination_list_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ListKind.values), name="nomination_list_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ListStatus.values),
                name="nomination_list_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.kind}"


class ListEntry(models.Model):
    nomination_list = models.ForeignKey(
        NominationList, on_delete=models.CASCADE, related_name="entries"
    )
    candidate = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    votes = models.IntegerField(default=0)
    org_recommended = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["position"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["nomination_list", "candidate"], name="nomination_listentry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.nomination_list_id} {self.candidate_id}"


class Exemption(models.Model):
    """A recorded decision letting a same-level 人大代表/政协委员 go on (一般不交叉)."""

    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("决定日期"))
    decision = models.TextField(_("决定内容"))
    accountable_person = models.CharField(_("责任人"), max_length=64)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["campaign", "candidate"], name="nomination_exemption_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.candidate_id}"


class Feedback(models.Model):
    """A branch's 二上 view of the handed-down list."""

    shortlist = models.ForeignKey(NominationList, on_delete=models.CASCADE, related_name="feedback")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    meeting_date = models.DateField(_("会议日期"))
    members_due = models.PositiveIntegerField(_("应到会党员"))
    members_present = models.PositiveIntegerField(_("实到会党员"))
    accountable_person = models.CharField(_("责任人"), max_length=64)
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["shortlist", "organisation"], name="nomination_feedback_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shortlist_id} {self.organisation_id}"


class FeedbackView(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="views")
    candidate = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    agree = models.PositiveIntegerField(_("同意"))
    disagree = models.PositiveIntegerField(_("不同意"))
    abstain = models.PositiveIntegerField(_("弃权"))

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["feedback", "candidate"], name="nomination_view_unique")
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.candidate_id}"


class WriteIn(models.Model):
    """A person a branch proposes instead (另提人选) in 二上."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="write_ins")
    candidate = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    votes = models.PositiveIntegerField(_("票数"))

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["feedback", "candidate"], name="nomination_writein_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.candidate_id}"
