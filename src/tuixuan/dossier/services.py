"""Writing the full-process record. Services call ``record`` inside their own transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tuixuan.dossier.events import EventType

if TYPE_CHECKING:
    from tuixuan.core.models import User
    from tuixuan.registry.models import Organisation


def record(
    *,
    event_type: EventType,
    actor: User | None,
    summary: str,
    subject_type: str,
    subject_id: str | int,
    organisation: Organisation | None = None,
    accountable_organisation: Organisation | None = None,
    accountable_person: str = "",
    person_citizen_ids: list[str] | None = None,
    inputs: dict[str, Any] | None = None,
    campaign_id: int | None = None,
) -> Any:
    """Append one event to the record; must be called inside the caller's transaction."""
    # Implementation pending in this module: the event store, hash chain and triggers.
    return None
