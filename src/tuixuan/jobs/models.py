"""Background jobs as the pages see them: who started what, how far it got, how it ended.

The queue itself belongs to django-tasks (its database rows, or Redis with RQ); a ``Job`` is
our own row beside it, the same whichever backend runs the work, so that a page can show
progress, a dead worker can be noticed, and a failed job can be started again with the
same inputs.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Kind(models.TextChoices):
        IMPORT = "import", _("导入")
        EXPORT_BOOKS = "export_books", _("批量导出一人一册")
        EXPORT_MEMBERS = "export_members", _("导出党员名册")
        ELECTORATE_DRAW = "electorate_draw", _("生成应到会名单")
        DAILY = "daily", _("每日维护")

    class Status(models.TextChoices):
        PENDING = "pending", _("待执行")
        RUNNING = "running", _("执行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=255, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=255, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    worker_host = models.CharField(max_length=255, blank=True)
    worker_pid = models.PositiveIntegerField(null=True, blank=True)
    # Changes at every boot (Linux): a pid seen before a restart says nothing after it.
    worker_boot = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # Allowed status changes; anything else is a programming error.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.PENDING: frozenset({Status.RUNNING, Status.FAILED}),
        Status.RUNNING: frozenset({Status.DONE, Status.FAILED}),
        Status.FAILED: frozenset({Status.PENDING}),
        Status.DONE: frozenset(),
    }

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["status"], name="jobs_job_status_idx")]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "running", "done", "failed"]),
                name="jobs_job_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def percent(self) -> int:
        return self.done * 100 // self.total if self.total else 0


class DailyRun(models.Model):
    """One row per local date: the first worker to insert it enqueues that day's maintenance,
    so it runs once a day however many workers there are."""

    day = models.DateField(unique=True)
    job = models.ForeignKey(Job, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.day)
