"""考察 and 审查 (docs/domain.md §3.5, docs/vetting.md).

One ``Case`` per person on an election unit's decided 考察对象 list. Everything the vetting
finds hangs from the case: the team that inspects it, the notice, talks, the democratic
evaluation, the report, the 六必查 results, the departments' replies (六联审), the 四必 for
cadres, vetoes and, at the end, the committee's decision. Every row is written by one service
of ``tuixuan.vetting.services`` with its record event in the same transaction.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuixuan.vetting import domain


def _default_check_items() -> list[str]:
    return list(domain.CHECK_ITEMS)


def _default_departments() -> list[str]:
    return list(domain.DEFAULT_DEPARTMENTS)


def _default_dimensions() -> list[str]:
    return list(domain.EVALUATION_DIMENSIONS)


def _default_not_considered() -> list[str]:
    return list(domain.NOT_CONSIDERED_REASONS)


class Settings(models.Model):
    """The vetting settings of one campaign: data, changed only by a recorded service."""

    campaign = models.OneToOneField(
        "campaign.Campaign", on_delete=models.CASCADE, related_name="vetting_settings"
    )
    check_items = models.JSONField(_("六必查项目"), default=_default_check_items)
    departments = models.JSONField(_("联审部门"), default=_default_departments)
    evaluation_dimensions = models.JSONField(_("民主测评维度"), default=_default_dimensions)
    not_considered_reasons = models.JSONField(_("不予考虑理由"), default=_default_not_considered)
    reply_working_days = models.PositiveSmallIntegerField(
        _("部门回复时限（工作日）"), default=domain.DEPARTMENT_REPLY_WORKING_DAYS
    )
    started_on = models.DateField(_("考察开始日期"))

    class Meta:
        verbose_name = _("考察审查设置")
        verbose_name_plural = _("考察审查设置")

    def __str__(self) -> str:
        return f"{self.campaign_id} 考察审查设置"


class Team(models.Model):
    """A 考察组 of one election unit: a leader (an inspector user) and members."""

    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("campaign.ElectionUnit", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("考察组名称"), max_length=64)
    leader = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    formed_on = models.DateField(_("组建日期"))
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("考察组")
        verbose_name_plural = _("考察组")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["unit", "name"], name="vetting_team_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """A member of a team: an inspector user, or a person named from outside the system."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=64)
    post = models.CharField(_("单位职务"), max_length=128, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所在党组织"),
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=models.Q(user__isnull=False),
                name="vetting_teammember_user_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class InspectionNotice(models.Model):
    """考察预告: published before the team arrives."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="notices")
    issued_on = models.DateField(_("发布日期"))
    starts_on = models.DateField(_("考察开始日期"))
    ends_on = models.DateField(_("考察结束日期"))
    scope = models.TextField(_("预告范围"))
    contact_person = models.CharField(_("联系人"), max_length=64)
    contact_phone = models.CharField(_("联系电话"), max_length=32)

    class Meta:
        verbose_name = _("考察预告")
        verbose_name_plural = _("考察预告")

    def __str__(self) -> str:
        return f"{self.team_id} {self.issued_on}"


class Case(models.Model):
    """One person on a unit's 考察对象 list, and where the vetting of that person stands."""

    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "campaign.ElectionUnit", on_delete=models.CASCADE, related_name="vetting_cases"
    )
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    list_entry = models.ForeignKey(
        "nomination.ListEntry", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=[(s.value, label) for s, label in domain.STATUS_LABELS.items()],
        default=domain.Status.PENDING.value,
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    notice = models.ForeignKey(
        InspectionNotice, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    # The person's post as the vetting saw it (the registry's current post when opened).
    post = models.CharField(_("现任职务"), max_length=128, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    close_reason = models.CharField(_("理由"), max_length=64, blank=True)
    close_detail = models.TextField(_("具体说明"), blank=True)
    flag = models.TextField(_("资格复核提示"), blank=True)
    flagged_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("考察对象")
        verbose_name_plural = _("考察对象")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["campaign", "member"], name="vetting_case_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in domain.Status]),
                name="vetting_case_status_valid",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.status}"


class TalkCount(models.Model):
    """How many individual talks the team held per category (领导班子成员, 党员, 群众)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="talk_counts")
    category = models.CharField(_("谈话对象类别"), max_length=32)
    count = models.PositiveIntegerField(_("人数"))

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "category"], name="vetting_talkcount_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.category} {self.count}"


class TalkNote(models.Model):
    """The note of one talk: readable by the team and supervisors only (docs/vetting.md)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="talk_notes")
    category = models.CharField(_("谈话对象类别"), max_length=32)
    talked_on = models.DateField(_("谈话日期"))
    interviewee = models.CharField(_("谈话对象"), max_length=64)
    note = models.TextField(_("谈话记录"))
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.case_id} {self.talked_on}"


class Evaluation(models.Model):
    """The democratic evaluation (民主测评) of a case: totals per dimension and grade."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="evaluation")
    held_on = models.DateField(_("测评日期"))
    due = models.PositiveIntegerField(_("应参加测评人数"))
    participants = models.PositiveIntegerField(_("实参加测评人数"))
    counts = models.JSONField(_("测评结果"))
    """{dimension: {grade: count}}."""

    def __str__(self) -> str:
        return f"{self.case_id} 民主测评"


class InspectionReport(models.Model):
    """考察材料 and the team's opinion, signed by the team leader (谁考察谁负责)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="report")
    material = models.TextField(_("考察材料"))
    opinion = models.CharField(
        _("考察组意见"),
        max_length=16,
        choices=[(o.value, label) for o, label in domain.OPINION_LABELS.items()],
    )
    reasons = models.TextField(_("意见理由"), blank=True)
    written_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()
    signed_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField(_("签署日期"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.case_id} 考察材料"


class CheckResult(models.Model):
    """One 六必查 item of one case: who checked, when, and what was found. Attachments are on
    the record event (``event_id``), through the record's attachment mechanism."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="check_results")
    item = models.CharField(_("核查项目"), max_length=32)
    checked_on = models.DateField(_("核查日期"))
    checked_by = models.CharField(_("核查人"), max_length=64)
    finding = models.CharField(
        _("核查结论"),
        max_length=16,
        choices=[(f.value, label) for f, label in domain.FINDING_LABELS.items()],
    )
    detail = models.TextField(_("具体情况"), blank=True)
    event_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "item"], name="vetting_check_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.item}"


class DepartmentRequest(models.Model):
    """One batch of persons a unit sends to one department for its opinion (六联审)."""

    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("campaign.ElectionUnit", on_delete=models.CASCADE, related_name="+")
    department = models.CharField(_("联审部门"), max_length=32)
    sent_on = models.DateField(_("发函日期"))
    working_days = models.PositiveSmallIntegerField(_("回复时限（工作日）"))
    due_on = models.DateField(_("回复截止日期"))
    reminders = models.PositiveSmallIntegerField(_("催办次数"), default=0)
    last_reminded_on = models.DateField(_("最近催办日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("联审函")
        verbose_name_plural = _("联审函")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["unit", "department"], name="vetting_department_request_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.department}"


class DepartmentReply(models.Model):
    """A department's answer about one person of a request; empty ``outcome`` = unanswered."""

    request = models.ForeignKey(DepartmentRequest, on_delete=models.CASCADE, related_name="replies")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="department_replies")
    outcome = models.CharField(
        _("部门意见"),
        max_length=16,
        blank=True,
        choices=[(r.value, label) for r, label in domain.REPLY_LABELS.items()],
    )
    detail = models.TextField(_("具体情况"), blank=True)
    reviewer = models.CharField(_("审查人"), max_length=64, blank=True)
    replied_on = models.DateField(_("回复日期"), null=True, blank=True)
    replied_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["request", "case"], name="vetting_reply_unique")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.case_id} {self.outcome}"


class CadreCheck(models.Model):
    """One 四必 item of a leading cadre's case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="cadre_checks")
    item = models.CharField(_("四必项目"), max_length=32)
    done_on = models.DateField(_("完成日期"))
    done_by = models.CharField(_("经办人"), max_length=64)
    finding = models.CharField(
        _("结论"),
        max_length=16,
        choices=[(f.value, label) for f, label in domain.FINDING_LABELS.items()],
    )
    detail = models.TextField(_("具体情况"), blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "item"], name="vetting_cadrecheck_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.item}"


class VetoSource(models.TextChoices):
    CHECK = "check", _("六必查")
    DEPARTMENT = "department", _("部门联审")
    CADRE = "cadre", _("四必")
    REGISTRY = "registry", _("党员名册及外部名单")


class Veto(models.Model):
    """A one-vote veto on a case; lifted only by a recorded collective decision."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="vetoes")
    reason = models.CharField(_("否决情形"), max_length=64)
    source = models.CharField(_("来源"), max_length=16, choices=VetoSource.choices)
    source_label = models.CharField(_("来源说明"), max_length=128)
    finding = models.TextField(_("发现的问题"))
    applied_at = models.DateTimeField()
    lifted_on = models.DateField(_("解除日期"), null=True, blank=True)
    lift_reason = models.TextField(_("解除理由"), blank=True)
    lift_due = models.PositiveIntegerField(null=True, blank=True)
    lift_present = models.PositiveIntegerField(null=True, blank=True)
    lift_accountable = models.CharField(max_length=64, blank=True)
    lifted_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(source__in=VetoSource.values), name="vetting_veto_source_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.reason}"


class Decision(models.Model):
    """The unit committee's collective decision fixing the 初步人选."""

    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("campaign.ElectionUnit", on_delete=models.CASCADE, related_name="+")
    decided_on = models.DateField(_("研究日期"))
    attendance_due = models.PositiveIntegerField(_("应到会人数"))
    attendance_present = models.PositiveIntegerField(_("实到会人数"))
    decision = models.TextField(_("研究决定"))
    accountable_person = models.CharField(_("责任人"), max_length=64)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.decided_on}"


class DecisionVote(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="votes")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    votes = models.PositiveIntegerField(_("同意票数"))

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["decision", "case"], name="vetting_vote_unique")
        ]

    def __str__(self) -> str:
        return f"{self.decision_id} {self.case_id} {self.votes}"
