from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuixuan.core.models import Organisation


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class MemberType(models.TextChoices):
    FULL = "full", _("正式党员")
    PROBATIONARY = "probationary", _("预备党员")


class RightsStatus(models.TextChoices):
    NORMAL = "normal", _("正常")
    PROBATION = "probation", _("留党察看")
    DETAINED = "detained", _("留置")
    ARRESTED = "arrested", _("被逮捕")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    BACHELOR = "bachelor", _("大学本科")
    COLLEGE = "college", _("大学专科")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中专")
    HIGH_SCHOOL = "high_school", _("高中")
    JUNIOR_OR_BELOW = "junior_or_below", _("初中及以下")


class Occupation(models.TextChoices):
    WORKER = "worker", _("工人")
    FARMER = "farmer", _("农牧渔民")
    PROFESSIONAL = "professional", _("专业技术人员")
    MANAGER = "manager", _("企事业单位管理人员")
    OFFICIAL = "official", _("党政机关工作人员")
    STUDENT = "student", _("学生")
    RETIRED = "retired", _("离退休人员")
    MILITARY = "military", _("解放军、武警")
    OTHER = "other", _("其他")


class CadreRank(models.TextChoices):
    """Rank of a leading cadre (领导干部); blank for a member who is not one. A cadre's case
    carries the 四必 checks (docs/domain.md §3.5)."""

    PROVINCE_MINISTRY = "province_ministry", _("省部级")
    BUREAU = "bureau", _("厅局级")
    DIVISION = "division", _("县处级")
    SECTION = "section", _("乡科级")


class Member(models.Model):
    name = models.CharField(_("姓名"), max_length=64, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=16)
    citizen_id = models.CharField(_("公民身份号码"), max_length=18, unique=True)
    birth_date = models.DateField(_("出生日期"))
    education = models.CharField(_("学历"), max_length=32, choices=Education.choices)
    occupation = models.CharField(_("人员类别"), max_length=32, choices=Occupation.choices)
    joined_date = models.DateField(_("入党日期"))
    full_member_date = models.DateField(_("转正日期"), null=True, blank=True)
    member_type = models.CharField(_("党员类型"), max_length=16, choices=MemberType.choices)
    rights_status = models.CharField(
        _("表决权状态"), max_length=16, choices=RightsStatus.choices, default=RightsStatus.NORMAL
    )
    rights_until = models.DateField(_("察看期至"), null=True, blank=True)
    is_floating = models.BooleanField(_("流动党员"), default=False)
    is_retired = models.BooleanField(_("离退休"), default=False)
    is_lost_contact = models.BooleanField(_("失联"), default=False)
    is_abroad = models.BooleanField(_("出国境"), default=False)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所在党组织"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    name_initials = models.CharField(_("姓名拼音首字母"), max_length=64, blank=True, db_index=True)
    # Empty in the database too: the bulk paths (imports, benchmarks) write only the columns
    # they carry, and most members are not cadres.
    cadre_rank = models.CharField(
        _("干部级别"),
        max_length=32,
        choices=CadreRank.choices,
        blank=True,
        default="",
        db_default="",
    )
    current_post = models.CharField(
        _("现任职务"), max_length=128, blank=True, default="", db_default=""
    )

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(member_type__in=MemberType.values),
                name="registry_member_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(rights_status__in=RightsStatus.values),
                name="registry_member_rights_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(gender__in=Gender.values), name="registry_member_gender_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(cadre_rank__in=["", *CadreRank.values]),
                name="registry_member_cadre_rank_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_cadre(self) -> bool:
        return bool(self.cadre_rank)


class MemberChange(models.Model):
    """History of a member: one row for each move or change of type or rights status."""

    class Field(models.TextChoices):
        ORGANISATION = "organisation", _("所在党组织")
        MEMBER_TYPE = "member_type", _("党员类型")
        RIGHTS_STATUS = "rights_status", _("表决权状态")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(db_index=True)
    field = models.CharField(max_length=32, choices=Field.choices)
    old_value = models.CharField(max_length=128)
    new_value = models.CharField(max_length=128)
    source = models.CharField(max_length=128)

    class Meta:
        ordering: ClassVar = ["member_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.field}: {self.old_value} -> {self.new_value}"


class DeputyBody(models.TextChoices):
    NPC = "npc", _("人大代表")
    CPPCC = "cppcc", _("政协委员")


class Level(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县")
    TOWNSHIP = "township", _("乡镇")


class OutsideRecord(models.Model):
    """Base of the lists from other bodies, matched to members by citizen ID.

    ``scope`` is the organisation path of the import that brought the row ("" from the
    command line): the row applies to members of that subtree only, and only an import of
    the same scope changes it.
    """

    scope = models.CharField(_("导入范围"), max_length=255, blank=True, default="")
    citizen_id = models.CharField(_("公民身份号码"), max_length=18, db_index=True)
    name = models.CharField(_("姓名"), max_length=64)
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        abstract = True


class Deputy(OutsideRecord):
    body = models.CharField(_("类别"), max_length=8, choices=DeputyBody.choices)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    term = models.CharField(_("届次"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("人大代表/政协委员")
        verbose_name_plural = _("人大代表/政协委员")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["scope", "citizen_id", "body", "level"], name="registry_deputy_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()}{self.get_body_display()}）"


class Sanction(OutsideRecord):
    kind = models.CharField(_("处分种类"), max_length=64)
    decided_on = models.DateField(_("处分决定日期"))
    effect_until = models.DateField(_("影响期至"))
    authority = models.CharField(_("决定机关"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("处分")
        verbose_name_plural = _("处分")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["scope", "citizen_id", "kind", "decided_on"],
                name="registry_sanction_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.kind}"


class Investigation(OutsideRecord):
    opened_on = models.DateField(_("立案日期"))
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    authority = models.CharField(_("立案机关"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("立案审查调查")
        verbose_name_plural = _("立案审查调查")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["scope", "citizen_id", "opened_on"], name="registry_investigation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.opened_on}"


class ImportJob(models.Model):
    """An import started from the web or the command line, with its outcome."""

    class Kind(models.TextChoices):
        ORGANISATIONS = "organisations", _("党组织")
        MEMBERS = "members", _("党员")
        DEPUTIES = "deputies", _("人大代表/政协委员")
        SANCTIONS = "sanctions", _("处分")
        INVESTIGATIONS = "investigations", _("立案审查调查")

    class Status(models.TextChoices):
        PENDING = "pending", _("等待中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("有错误，未写入")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    stored_path = models.CharField(max_length=500, blank=True)
    # An import of several files (members, docs/imports.md): each file's name, stored path
    # and SHA-256, in the order imported; ``stored_path`` is the first, ``file_sha256`` the
    # digest of them all. Empty for one file.
    sources = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "running", "done", "failed"]),
                name="registry_importjob_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"
