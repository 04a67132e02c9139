"""Retention: uploads, error reports and exports hold personal data and are kept only
``RETENTION_DAYS`` days (by modification time)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from tuixuan.core.models import FormSubmission

# Folders of the data directory whose files are temporary copies.
FOLDERS = ("uploads", "exports", "jobs")


def old_files(days: int, now: dt.datetime | None = None) -> list[Path]:
    cutoff = (now or timezone.now()).timestamp() - days * 86400
    found: list[Path] = []
    for folder in FOLDERS:
        base = Path(settings.DATA_DIR) / folder
        if not base.is_dir():
            continue
        found.extend(
            p for p in sorted(base.rglob("*")) if p.is_file() and p.stat().st_mtime < cutoff
        )
    return found


def purge_old_files(days: int | None = None, *, dry_run: bool = False) -> dict[str, Any]:
    keep = settings.RETENTION_DAYS if days is None else days
    files = old_files(keep)
    size = 0
    for path in files:
        size += path.stat().st_size
        if not dry_run:
            path.unlink(missing_ok=True)
    return {"days": keep, "files": len(files), "bytes": size}


def prune_task_results(days: int | None = None) -> dict[str, Any]:
    """Drop the queue's own rows of tasks that ended more than the retention period ago
    (database backend only; the ``Job`` rows stay)."""
    if settings.TASKS_BACKEND != "database":
        return {"deleted": 0}
    from django_tasks_db.models import DBTaskResult

    keep = settings.RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - dt.timedelta(days=keep)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return {"deleted": deleted}


def prune_form_submissions(days: int | None = None) -> dict[str, Any]:
    """Drop one-time form keys older than the retention period: a form sent again after that
    long is a new submission, and the rows would otherwise grow for ever."""
    keep = settings.RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - dt.timedelta(days=keep)
    deleted, _ = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    return {"deleted": deleted}
