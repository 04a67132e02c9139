"""The full-process record: events, the persons they concern, attached documents.

Events, persons and attachments are append-only. The model and its query set refuse
updates and deletes so that ordinary code cannot change them by mistake; triggers in the
database (``tuixuan.record.triggers``) refuse them for everything else; the hash chain
makes whatever still gets through visible to ``tuixuan verify-record``.

``ChainHead`` is the one mutable table here: the tail of each chain, locked while an
event is appended so that two writers cannot both take the same place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuixuan.core.errors import DomainError
from tuixuan.record.events import EventType
from tuixuan.record.hashing import GENESIS_HASH

_M = TypeVar("_M", bound=models.Model)


class RecordImmutableError(DomainError):
    def __init__(self, message: str = "全程纪实记录不可修改或删除。") -> None:
        super().__init__(message)


class AppendOnlyQuerySet(models.QuerySet[_M]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise RecordImmutableError

    def _update(self, values: Any) -> NoReturn:
        raise RecordImmutableError

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        raise RecordImmutableError

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RecordImmutableError

    def delete(self) -> NoReturn:
        raise RecordImmutableError

    def _raw_delete(self, using: Any) -> NoReturn:
        raise RecordImmutableError


class AppendOnlyModel(models.Model):
    """Rows are inserted once and never changed or removed."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise RecordImmutableError
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RecordImmutableError


# The apps whose steps the record holds. The database refuses any other kind of event; the
# exact enumeration is checked by ``record`` instead, because a constraint listing every
# type would need a migration, and on SQLite a copy of the whole record table, each time
# a stage adds a type.
EVENT_APPS = (
    "core",
    "registry",
    "campaign",
    "nomination",
    "vetting",
    "notice",
    "election",
    "dossier",
    "oversight",
)


if TYPE_CHECKING:
    _CharField = models.CharField[str, str]
else:
    _CharField = models.CharField


class EventTypeField(_CharField):
    """``EventType`` choices for forms and display, left out of migrations (see above)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("choices", EventType.choices)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return name, path, args, kwargs


def _event_type_condition() -> models.Q:
    condition = models.Q()
    for app in EVENT_APPS:
        condition |= models.Q(event_type__startswith=f"{app}.")
    return condition


def chain_key(campaign_id: int | None) -> str:
    return "global" if campaign_id is None else f"campaign:{campaign_id}"


class Event(AppendOnlyModel):
    """One step of the work, as it happened, with who did it and who answers for it."""

    chain = models.CharField(_("纪实链"), max_length=64)
    seq = models.PositiveBigIntegerField(_("序号"))
    event_type = EventTypeField(_("事项类型"))
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        "core.User",
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("经办人姓名"), max_length=150, blank=True)
    actor_role = models.CharField(_("经办人角色"), max_length=32, blank=True)
    actor_department = models.CharField(_("经办人部门"), max_length=64, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("经办党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation_name = models.CharField(_("经办党组织名称"), max_length=128, blank=True)
    subject_type = models.CharField(_("对象类别"), max_length=32)
    subject_id = models.CharField(_("对象标识"), max_length=64)
    accountable_organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("责任党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accountable_organisation_name = models.CharField(
        _("责任党组织名称"), max_length=128, blank=True
    )
    accountable_person = models.CharField(_("责任人"), max_length=128, blank=True)
    summary = models.TextField(_("摘要"))
    inputs = models.JSONField(_("决策依据快照"), default=dict, blank=True)
    campaign_id = models.PositiveBigIntegerField(_("换届选举"), null=True, blank=True)
    content_hash = models.CharField(_("内容哈希"), max_length=64)
    chain_hash = models.CharField(_("链哈希"), max_length=64)

    objects = AppendOnlyQuerySet["Event"].as_manager()

    class Meta:
        db_table = "dossier_event"
        verbose_name = _("纪实事项")
        verbose_name_plural = _("纪实事项")
        base_manager_name = "objects"
        ordering: ClassVar = ["at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["chain", "seq"], name="dossier_event_chain_seq"),
            models.CheckConstraint(
                condition=_event_type_condition(),
                name="dossier_event_type_valid",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["subject_type", "subject_id"], name="dossier_event_subject"),
            models.Index(fields=["campaign_id", "at"], name="dossier_event_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.get_event_type_display()}"


class EventPerson(AppendOnlyModel):
    """A person an event concerns, so that each person's book is one indexed lookup."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="persons")
    citizen_id = models.CharField(_("公民身份号码"), max_length=18, db_index=True)

    objects = AppendOnlyQuerySet["EventPerson"].as_manager()

    class Meta:
        db_table = "dossier_eventperson"
        verbose_name = _("纪实涉及人员")
        verbose_name_plural = _("纪实涉及人员")
        base_manager_name = "objects"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["event", "citizen_id"], name="dossier_eventperson_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.citizen_id}"


class Attachment(AppendOnlyModel):
    """A document attached to an event, stored once under its SM3 digest."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="attachments")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=127)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    sm3 = models.CharField(max_length=64, db_index=True)
    stored_path = models.CharField(max_length=255)

    objects = AppendOnlyQuerySet["Attachment"].as_manager()

    class Meta:
        db_table = "dossier_attachment"
        verbose_name = _("纪实附件")
        verbose_name_plural = _("纪实附件")
        base_manager_name = "objects"
        ordering: ClassVar = ["event_id", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["event", "position"], name="dossier_attachment_position"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ChainHead(models.Model):
    """The tail of one chain; the row lock on it serialises appends to that chain."""

    chain = models.CharField(max_length=64, primary_key=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        db_table = "dossier_chainhead"

    def __str__(self) -> str:
        return f"{self.chain}#{self.last_seq}"


class Checkpoint(AppendOnlyModel):
    """A keyed statement that a chain had this head at this time (HMAC-SHA256 with a key
    kept outside the database): a truncated, stepped-back or rebuilt chain no longer holds
    the head, and nobody without the key can write a checkpoint for the new one."""

    chain = models.CharField(_("纪实链"), max_length=64)
    seq = models.PositiveBigIntegerField(_("序号"))
    head_hash = models.CharField(_("链尾哈希"), max_length=64)
    at = models.DateTimeField(_("时间"))
    reason = models.CharField(_("原因"), max_length=64)
    key_id = models.CharField(_("密钥标识"), max_length=16)
    mac = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet["Checkpoint"].as_manager()

    class Meta:
        db_table = "dossier_checkpoint"
        verbose_name = _("纪实检查点")
        verbose_name_plural = _("纪实检查点")
        base_manager_name = "objects"
        ordering: ClassVar = ["chain", "seq", "id"]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.at:%Y-%m-%d %H:%M}"
