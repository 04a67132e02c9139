"""Registry state changes: imports of organisations, members and outside lists.

Views and commands call these; nothing else writes the registry in bulk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tuixuan.core import faults
from tuixuan.core.access import in_scope
from tuixuan.core.errors import DomainError, PermissionDeniedError
from tuixuan.record import services as dossier
from tuixuan.record.events import EventType
from tuixuan.record.services import writes_events
from tuixuan.registry import record_state, signals
from tuixuan.registry.exporting import export_members, export_organisations, write_error_report
from tuixuan.registry.importing import db, outside
from tuixuan.registry.importing.common import ImportFileError, Outcome, Prepared, RowError
from tuixuan.registry.importing.pipeline import ImportResult, import_file
from tuixuan.registry.models import CadreRank, ImportJob, Member

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
    sources: list[dict[str, Any]] | None = None,
) -> Outcome:
    """Write a checked file and record it, in one transaction (the only part of an import
    that holds the write lock). Checks that read the database are redone here first when
    the database changed since they ran. ``sources``, for a table read from several sheets
    or files, lists what each file gave (name, SHA-256, sheets read and left out, rows); the
    event keeps it."""
    with db.bulk_session():
        faults.hold("import.write")
        if prepared.stale():
            prepared = recheck()
        if prepared.write is not None:
            prepared.write()
        outcome = prepared.outcome
        if outcome.written:
            kind = ImportJob.Kind(job.kind)
            _record(kind, job, actor, file_name, sha256, outcome, sources or [])
            persons = _persons_changed(kind, outcome)
            if persons:
                signals.persons_changed.send(
                    sender=Member,
                    actor=actor,
                    citizen_ids=persons,
                    source=f"导入{kind.label}：{file_name}",
                )
    return outcome


def _persons_changed(kind: ImportJob.Kind, outcome: Outcome) -> list[str]:
    """Persons an import may have made ineligible: every row of an outside list, and the
    members whose organisation, type or rights changed."""
    ids: set[str] = set()
    if kind in outside.SPECS:
        ids.update(str(c) for c in outcome.extra.get("citizen_ids") or ())
    ids.update(str(c["citizen_id"]) for c in outcome.extra.get("changes") or ())
    return sorted(ids)


def _record(
    kind: ImportJob.Kind,
    job: ImportJob,
    actor: User | None,
    file_name: str,
    sha: str,
    outcome: Outcome,
    sources: list[dict[str, Any]],
) -> None:
    inputs: dict[str, Any] = {
        "file_name": file_name,
        "sha256": sha,
        "total_rows": outcome.total_rows,
        "created": outcome.created,
        "updated": outcome.updated,
        "skipped_rows": len({(e.file, e.sheet, e.row) for e in outcome.errors}),
    }
    if sources:
        inputs["files"] = sources
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


@writes_events(EventType.MEMBER_CHANGED)
def member_cadre_set(*, actor: User, member: Member, cadre_rank: str, current_post: str) -> Member:
    """Record whether a member is a leading cadre (领导干部), of what rank, and the post held."""
    if actor.organisation is None or not in_scope(actor, member.organisation):
        raise PermissionDeniedError("该党员不在您的管理范围内。")
    problems: list[tuple[str | None, str]] = []
    if cadre_rank not in ("", *CadreRank.values):
        problems.append(("cadre_rank", f"未知的干部级别“{cadre_rank}”"))
    post = current_post.strip()
    if len(post) > 128:
        problems.append(("current_post", "现任职务过长（最多128字）"))
    if cadre_rank and not post:
        problems.append(("current_post", "领导干部须填写现任职务"))
    if problems:
        raise DomainError(
            "；".join(m for _, m in problems) + "。",
            field=problems[0][0],
            errors=[(f, m + "。") for f, m in problems],
        )
    member = Member.objects.select_for_update().select_related("organisation").get(pk=member.pk)
    old = {"cadre_rank": member.cadre_rank, "current_post": member.current_post}
    new = {"cadre_rank": cadre_rank, "current_post": post}
    if old == new:
        raise DomainError("干部级别和现任职务没有变化。")
    member.cadre_rank, member.current_post = cadre_rank, post
    member.save(update_fields=["cadre_rank", "current_post"])
    label = CadreRank(cadre_rank).label if cadre_rank else "非领导干部"
    dossier.record(
        event_type=EventType.MEMBER_CHANGED,
        actor=actor,
        summary=f"登记{member.name}的干部级别为{label}，现任职务：{post or '（无）'}",
        subject_type="registry.member",
        subject_id=member.pk,
        organisation=actor.organisation,
        person_citizen_ids=[member.citizen_id],
        inputs={"old": old, "new": new},
    )
    signals.persons_changed.send(
        sender=Member, actor=actor, citizen_ids=[member.citizen_id], source="变更干部信息"
    )
    return member
