"""Registry state changes: imports of organisations, members and outside lists.

Views and commands call these; nothing else writes the registry in bulk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tuixuan.core import faults
from tuixuan.record import services as dossier
from tuixuan.record.events import EventType
from tuixuan.record.services import writes_events
from tuixuan.registry import record_state
from tuixuan.registry.exporting import export_members, export_organisations, write_error_report
from tuixuan.registry.importing import db, outside
from tuixuan.registry.importing.common import ImportFileError, Outcome, Prepared, RowError
from tuixuan.registry.importing.pipeline import ImportResult, import_file
from tuixuan.registry.models import ImportJob

if TYPE_CHECKING:
    from tuixuan.core.models import User

__all__ = [
    "ImportFileError",
    "ImportResult",
    "RowError",
    "export_members",
    "export_organisations",
    "import_file",
    "write_error_report",
]

MAX_RECORDED_CHANGES = 10_000  # the persons are all listed; the detail is capped

_EVENTS = {
    ImportJob.Kind.ORGANISATIONS: EventType.ORGANISATIONS_IMPORTED,
    ImportJob.Kind.MEMBERS: EventType.MEMBERS_IMPORTED,
}


@writes_events(
    EventType.ORGANISATIONS_IMPORTED,
    EventType.MEMBERS_IMPORTED,
    EventType.OUTSIDE_LIST_IMPORTED,
    EventType.MEMBER_CHANGED,
    may_skip=True,  # rows that turn bad under the lock are reported and nothing is written
)
def write_import(
    *,
    actor: User | None,
    job: ImportJob,
    file_name: str,
    sha256: str,
    prepared: Prepared,
    recheck: Callable[[], Prepared],
) -> Outcome:
    """Write a checked file and record it, in one transaction (the only part of an import
    that holds the write lock). Checks that read the database are redone here first when
    the database changed since they ran."""
    with db.bulk_session():
        faults.hold("import.write")
        if prepared.stale():
            prepared = recheck()
        if prepared.write is not None:
            prepared.write()
        outcome = prepared.outcome
        if outcome.written:
            _record(ImportJob.Kind(job.kind), job, actor, file_name, sha256, outcome)
    return outcome


def _record(
    kind: ImportJob.Kind,
    job: ImportJob,
    actor: User | None,
    file_name: str,
    sha: str,
    outcome: Outcome,
) -> None:
    inputs: dict[str, Any] = {
        "file_name": file_name,
        "sha256": sha,
        "total_rows": outcome.total_rows,
        "created": outcome.created,
        "updated": outcome.updated,
        "skipped_rows": len({e.row for e in outcome.errors}),
    }
    if kind in outside.SPECS:
        inputs["list"] = str(kind)
        inputs["unmatched"] = outcome.unmatched
        list_changes = outcome.extra.get("list_changes") or []
        inputs["change_count"] = len(list_changes)
        inputs["changes"] = list_changes[:MAX_RECORDED_CHANGES]
        inputs["state"] = {"list_digest": record_state.list_digest(str(kind))}
    dossier.record(
        event_type=_EVENTS.get(kind, EventType.OUTSIDE_LIST_IMPORTED),
        actor=actor,
        summary=f"导入{kind.label}：{file_name}（新增 {outcome.created}，更新 {outcome.updated}）",
        subject_type="registry.importjob",
        subject_id=job.pk,
        organisation=actor.organisation if actor is not None else None,
        inputs=inputs,
    )
    changes = outcome.extra.get("changes") or []
    if changes:
        dossier.record(
            event_type=EventType.MEMBER_CHANGED,
            actor=actor,
            summary=f"导入 {file_name} 变更了 {len({c['citizen_id'] for c in changes})} 名党员的"
            "所在党组织、党员类型或表决权状态",
            subject_type="registry.importjob",
            subject_id=job.pk,
            organisation=actor.organisation if actor is not None else None,
            person_citizen_ids=sorted({str(c["citizen_id"]) for c in changes}),
            inputs={
                "file_name": file_name,
                "sha256": sha,
                "change_count": len(changes),
                "changes": changes[:MAX_RECORDED_CHANGES],
            },
        )
