"""The campaign (推选工作/换届): congress, election units, seats, targets, milestones.

Ratios that decide anything (margin, pool multiple, participation targets, the "close to the
seats" threshold, allocation weight, structure thresholds) are stored as integer numerator and
denominator pairs so that they come back as exact ``Fraction`` values on every database.
"""

from __future__ import annotations

from fractions import Fraction
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuixuan.campaign.rules import structure

DEFAULT_DEPARTMENTS: tuple[str, ...] = ("纪检", "公安", "审计", "综治", "信访", "卫生计生")
"""The default 六联审 departments (docs/domain.md §3.5); the list is data per campaign."""

DEFAULT_DISQUALIFICATIONS: tuple[str, ...] = (
    "政治上不合格",
    "廉洁上有风险",
    "干部档案有问题",
    "党员身份存疑",
    "举报反映问题没有查清",
    "目前还在处分影响期内",
)
"""The one-vote veto (docs/domain.md §5.2); extendable per campaign."""


def default_departments() -> list[str]:
    return list(DEFAULT_DEPARTMENTS)


def default_disqualifications() -> list[str]:
    return list(DEFAULT_DISQUALIFICATIONS)


class Level(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县")
    GRASSROOTS = "grassroots", _("基层")


class CampaignStatus(models.TextChoices):
    PREPARING = "preparing", _("筹备")
    RUNNING = "running", _("进行中")
    COMPLETED = "completed", _("完成")
    WITHDRAWN = "withdrawn", _("已撤销")


class RuleProfile(models.TextChoices):
    GRASSROOTS = "grassroots", _("党员大会/党员代表大会（基层组织选举工作条例）")
    LOCAL_CONGRESS = "local_congress", _("代表大会（地方组织选举工作条例）")
    LOCAL_PLENARY = "local_plenary", _("委员会全体会议")


class NonOverlapPolicy(models.TextChoices):
    WARN = "warn", _("提示交叉，须记录豁免决定")
    REFUSE = "refuse", _("不允许交叉")


class AllocationStatus(models.TextChoices):
    NONE = "none", _("未测算")
    DRAFT = "draft", _("待确认")
    CONFIRMED = "confirmed", _("已确认")


class ActivityKind(models.TextChoices):
    """Publicity and warning education of the deployment (docs/domain.md §3.1)."""

    MOBILISATION = "mobilisation", _("动员部署会")
    TRAINING = "training", _("业务培训")
    OUTLINE = "outline", _("宣传提纲")
    DISPLAY = "display", _("板报/展板")
    WARNING = "warning", _("警示教育")
    TALK = "talk", _("谈心谈话")
    OTHER = "other", _("其他")


class Campaign(models.Model):
    """One 推选工作 for one congress, run by the convening committee."""

    name = models.CharField(_("名称"), max_length=128)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    term = models.CharField(_("届次"), max_length=64, blank=True)
    total_seats = models.PositiveIntegerField(_("代表名额"))
    convening_organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("召集机关"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.PREPARING
    )
    allocation_status = models.CharField(
        _("名额分配"),
        max_length=16,
        choices=AllocationStatus.choices,
        default=AllocationStatus.NONE,
    )

    margin_numerator = models.PositiveIntegerField("差额比例（分子）", default=1)
    margin_denominator = models.PositiveIntegerField("差额比例（分母）", default=5)
    pool_multiple_numerator = models.PositiveIntegerField("推荐人选倍数（分子）", default=8)
    pool_multiple_denominator = models.PositiveIntegerField("推荐人选倍数（分母）", default=1)
    names_per_form = models.PositiveIntegerField(_("每张推荐表可填人数"), default=10)
    default_rule_profile = models.CharField(
        _("选举单位默认选举规则"),
        max_length=32,
        choices=RuleProfile.choices,
        default=RuleProfile.GRASSROOTS,
    )
    notice_working_days = models.PositiveIntegerField(_("公示期（工作日）"), default=5)
    second_notice = models.BooleanField(_("预备人选再次公示"), default=False)
    equal_by_election = models.BooleanField(_("补选可等额选举"), default=False)
    non_overlap_policy = models.CharField(
        _("与人大代表、政协委员交叉"),
        max_length=16,
        choices=NonOverlapPolicy.choices,
        default=NonOverlapPolicy.WARN,
    )
    departments = models.JSONField(_("联审部门"), default=default_departments)
    disqualification_reasons = models.JSONField(
        _("一票否决情形"), default=default_disqualifications
    )
    org_participation_numerator = models.PositiveIntegerField("党组织参与率目标（分子）", default=1)
    org_participation_denominator = models.PositiveIntegerField(
        "党组织参与率目标（分母）", default=1
    )
    member_participation_numerator = models.PositiveIntegerField(
        "党员参与率目标（分子）", default=19
    )
    member_participation_denominator = models.PositiveIntegerField(
        "党员参与率目标（分母）", default=20
    )
    reduction_numerator = models.PositiveIntegerField("减少名额的接近程度（分子）", default=2)
    reduction_denominator = models.PositiveIntegerField("减少名额的接近程度（分母）", default=3)
    allocation_minimum = models.PositiveIntegerField(_("每单位保底名额"), default=1)
    member_weight_numerator = models.PositiveIntegerField("名额分配中党员数权重（分子）", default=4)
    member_weight_denominator = models.PositiveIntegerField(
        "名额分配中党员数权重（分母）", default=5
    )
    required_activities = models.JSONField(_("一上开始前须开展的活动"), default=list)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("推选工作")
        verbose_name_plural = _("推选工作")
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(status__in=CampaignStatus.values),
                name="campaign_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(allocation_status__in=AllocationStatus.values),
                name="campaign_allocation_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=Level.values), name="campaign_level_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    margin_denominator__gt=0,
                    pool_multiple_denominator__gt=0,
                    org_participation_denominator__gt=0,
                    member_participation_denominator__gt=0,
                    reduction_denominator__gt=0,
                    member_weight_denominator__gt=0,
                ),
                name="campaign_denominators_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def margin_ratio(self) -> Fraction:
        return Fraction(self.margin_numerator, self.margin_denominator)

    @property
    def pool_multiple(self) -> Fraction:
        return Fraction(self.pool_multiple_numerator, self.pool_multiple_denominator)

    @property
    def org_participation_target(self) -> Fraction:
        return Fraction(self.org_participation_numerator, self.org_participation_denominator)

    @property
    def member_participation_target(self) -> Fraction:
        return Fraction(self.member_participation_numerator, self.member_participation_denominator)

    @property
    def reduction_threshold(self) -> Fraction:
        return Fraction(self.reduction_numerator, self.reduction_denominator)

    @property
    def member_weight(self) -> Fraction:
        return Fraction(self.member_weight_numerator, self.member_weight_denominator)


class Activity(models.Model):
    """A publicity or warning-education activity held by an organisation of the campaign's
    tree; its material (minutes, photos) is attached to its record event."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activities")
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("开展单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("类别"), max_length=16, choices=ActivityKind.choices)
    held_on = models.DateField(_("日期"))
    title = models.CharField(_("主题"), max_length=128)
    participants = models.PositiveIntegerField(_("参加人数"))
    note = models.TextField(_("情况"), blank=True)
    event_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("宣传发动活动")
        verbose_name_plural = _("宣传发动活动")
        ordering: ClassVar = ["-held_on", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ActivityKind.values),
                name="campaign_activity_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"


class ElectionUnit(models.Model):
    """A 选举单位: an organisation of the convening organisation's subtree that elects."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="units")
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("党组织"),
        on_delete=models.PROTECT,
        related_name="election_units",
    )
    seats = models.PositiveIntegerField(_("代表名额"), default=0)
    proposed_seats = models.PositiveIntegerField(_("测算名额"), null=True, blank=True)
    rule_profile = models.CharField(
        _("选举规则"), max_length=32, choices=RuleProfile.choices, default=RuleProfile.GRASSROOTS
    )
    secretary_name = models.CharField(_("第一责任人（书记）"), max_length=64, blank=True)
    secretary_post = models.CharField(_("第一责任人职务"), max_length=128, blank=True)
    deputy_name = models.CharField(_("具体负责人（分管领导）"), max_length=64, blank=True)
    deputy_post = models.CharField(_("具体负责人职务"), max_length=128, blank=True)
    recommending_organisations = models.ManyToManyField(
        "core.Organisation",
        verbose_name=_("参与推荐的下级党组织"),
        related_name="recommending_for_units",
        blank=True,
    )

    class Meta:
        verbose_name = _("选举单位")
        verbose_name_plural = _("选举单位")
        ordering: ClassVar = ["campaign_id", "organisation__code", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="campaign_unit_unique_org"
            ),
            models.CheckConstraint(
                condition=models.Q(rule_profile__in=RuleProfile.values),
                name="campaign_unit_rule_profile_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.organisation.name


class AllocationProposal(models.Model):
    """A proposal computed by the allocation rule, kept with its full working."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="allocation_proposals"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    total_seats = models.PositiveIntegerField()
    minimum = models.PositiveIntegerField()
    member_weight = models.CharField(max_length=32)
    explanation = models.JSONField(default=list)
    rows = models.JSONField(default=list)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.created_at:%Y-%m-%d %H:%M}"


class SeatAdjustment(models.Model):
    """A hand adjustment of a unit's seats, with the committee's reason."""

    unit = models.ForeignKey(ElectionUnit, on_delete=models.CASCADE, related_name="adjustments")
    proposal = models.ForeignKey(
        AllocationProposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    old_seats = models.PositiveIntegerField()
    new_seats = models.PositiveIntegerField()
    reason = models.TextField()
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.old_seats} -> {self.new_seats}"


class TargetRule(models.Model):
    """A structure target: for the whole campaign (``unit`` empty) or for one unit."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(
        ElectionUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="targets"
    )
    category = models.CharField(
        _("类别"),
        max_length=32,
        choices=[(c.value, label) for c, label in structure.CATEGORY_LABELS.items()],
    )
    comparator = models.CharField(
        _("比较"), max_length=2, choices=[(c.value, c.value) for c in structure.Comparator]
    )
    threshold_numerator = models.PositiveIntegerField()
    threshold_denominator = models.PositiveIntegerField(default=1)
    base = models.CharField(
        _("口径"),
        max_length=8,
        choices=[(structure.Base.SHARE.value, "比例"), (structure.Base.COUNT.value, "人数")],
    )
    note = models.CharField(_("说明"), max_length=128, blank=True)

    class Meta:
        ordering: ClassVar = ["campaign_id", "unit_id", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(threshold_denominator__gt=0),
                name="campaign_target_denominator_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(base__in=[b.value for b in structure.Base]),
                name="campaign_target_base_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(comparator__in=[c.value for c in structure.Comparator]),
                name="campaign_target_comparator_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.as_rule().describe()

    @property
    def threshold(self) -> Fraction:
        return Fraction(self.threshold_numerator, self.threshold_denominator)

    def as_rule(self) -> structure.StructureTarget:
        return structure.StructureTarget(
            category=structure.Category(self.category),
            comparator=structure.Comparator(self.comparator),
            threshold=self.threshold,
            base=structure.Base(self.base),
            note=self.note,
        )


class Stage(models.TextChoices):
    """The stages of docs/domain.md §2, in order; no step outside this list."""

    DEPLOYMENT = "deployment", _("部署")
    FIRST_UP = "first_up", _("一上")
    FIRST_DOWN = "first_down", _("一下")
    SECOND_UP = "second_up", _("二上")
    SECOND_DOWN = "second_down", _("二下")
    NOTICE = "notice", _("公示")
    ELECTION = "election", _("选举")
    CREDENTIALS = "credentials", _("资格审查")


STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)


class Milestone(models.Model):
    """The deadline of one stage of one campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="milestones")
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices)
    position = models.PositiveSmallIntegerField()
    deadline = models.DateField(_("截止日期"))
    note = models.CharField(_("工作内容"), max_length=255, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("时间节点")
        verbose_name_plural = _("时间节点")
        ordering: ClassVar = ["campaign_id", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["campaign", "stage"], name="campaign_milestone_unique"),
            models.CheckConstraint(
                condition=models.Q(stage__in=Stage.values), name="campaign_milestone_stage_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.deadline:%Y-%m-%d}"


class CalendarOverride(models.Model):
    """A day as announced by the State Council: a holiday or a make-up working day.

    Entered for years the installed ``chinesecalendar`` does not know (2027 on) or to correct
    it. A year with at least one entry counts as entered; days without an entry then follow
    the plain week.
    """

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("名称"), max_length=64)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering: ClassVar = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
