"""Writing the full-process record. Services call ``record`` inside their own transaction."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from tuixuan.record import checkpoints, hashing
from tuixuan.record.events import EventType
from tuixuan.record.models import Attachment, ChainHead, Event, EventPerson, chain_key
from tuixuan.record.rule import ServiceRuleError, note_event, writes_events

if TYPE_CHECKING:
    from tuixuan.core.models import Organisation, User

__all__ = ["AttachmentFile", "ServiceRuleError", "event_committed", "record", "writes_events"]

event_committed = Signal()
"""Sent with ``event=`` once the transaction that wrote the event has committed (never for a
change that was rolled back). Higher apps listen (the oversight alerts, docs/oversight.md);
the record knows none of them. Receivers are called with ``send_robust``: one that fails is
logged and does not disturb the request that wrote the event."""

logger = logging.getLogger(__name__)

ATTACHMENT_DIR = "record"
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class AttachmentFile:
    """A document to attach to an event: scanned minutes, a photo, a signed form."""

    name: str
    content: bytes | File[Any]
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class _Stored:
    name: str
    content_type: str
    size: int
    sha256: str
    sm3: str
    stored_path: str

    def hashed(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "sm3": self.sm3,
        }


def _chunks(content: bytes | File[Any]) -> Iterable[bytes]:
    if isinstance(content, bytes):
        for i in range(0, len(content), _CHUNK):
            yield content[i : i + _CHUNK]
        return
    content.seek(0)
    for chunk in content.chunks(_CHUNK):
        yield chunk if isinstance(chunk, bytes) else chunk.encode("utf-8")


def _store(attachment: AttachmentFile) -> _Stored:
    """Write the file under its SM3 digest; the same content is stored once.

    A file written for a transaction that then rolls back stays behind unreferenced; it is
    harmless because it is addressed by its content.
    """
    root = Path(settings.MEDIA_ROOT) / ATTACHMENT_DIR
    root.mkdir(parents=True, exist_ok=True)
    sm3 = hashing.new_sm3()
    sha = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=root, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in _chunks(attachment.content):
                sm3.update(chunk)
                sha.update(chunk)
                size += len(chunk)
                out.write(chunk)
        digest = sm3.hexdigest()
        relative = f"{ATTACHMENT_DIR}/{digest[:2]}/{digest}"
        target = Path(settings.MEDIA_ROOT) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            os.unlink(tmp_name)
        else:
            os.chmod(tmp_name, 0o400)
            os.replace(tmp_name, target)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    return _Stored(
        name=os.path.basename(attachment.name)[:255] or digest,
        content_type=attachment.content_type[:127],
        size=size,
        sha256=sha.hexdigest(),
        sm3=digest,
        stored_path=relative,
    )


def _persons(citizen_ids: Iterable[str] | None) -> list[str]:
    seen: set[str] = set()
    for raw in citizen_ids or ():
        cid = raw.strip().upper()
        if not cid or len(cid) > 18:
            raise ValueError(f"公民身份号码“{raw}”格式不正确，无法登记到全程纪实。")
        seen.add(cid)
    return sorted(seen)


def _lock_head(chain: str) -> tuple[int, str]:
    """The chain's last seq and hash, with its row locked until the transaction ends.

    On PostgreSQL ``FOR UPDATE`` makes a second writer wait for the first to commit; the
    insert that creates a missing head ignores the conflict so that two first writers do not
    fail, and both then queue on the lock. SQLite ignores ``FOR UPDATE``; its IMMEDIATE
    transactions already admit one writer at a time. The unique (chain, seq) constraint is
    the last line should either assumption fail.
    """
    locked = ChainHead.objects.select_for_update().filter(chain=chain)
    rows = list(locked.values_list("last_seq", "last_hash"))
    if not rows:
        ChainHead.objects.bulk_create([ChainHead(chain=chain)], ignore_conflicts=True)
        rows = list(locked.values_list("last_seq", "last_hash"))
    last_seq, last_hash = rows[0]
    return last_seq, last_hash


def _insert_persons(event_id: int, citizen_ids: list[str]) -> None:
    """One statement for all persons. The record knows persons by citizen ID only; the
    reading side finds their member rows by that ID (docs/record.md)."""
    if citizen_ids:
        EventPerson.objects.bulk_create(
            [EventPerson(event_id=event_id, citizen_id=cid) for cid in citizen_ids]
        )


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
    attachments: Sequence[AttachmentFile] = (),
) -> Event:
    """Append one event to the record; must be called inside the caller's transaction.

    ``organisation`` is the organisation the actor acted for (the actor's own when
    omitted). ``inputs`` is the snapshot of what the decision was made on; it is stored in
    canonical form (dates as ISO text, fractions as "n/d") and must not hold floats.
    """
    if not connection.in_atomic_block:
        raise ServiceRuleError("record() must run inside the service's transaction.atomic()")
    event_type = EventType(event_type)
    plain_inputs = hashing.plain(inputs or {})
    persons = _persons(person_citizen_ids)
    stored = [_store(a) for a in attachments]
    if organisation is None and actor is not None and actor.organisation_id is not None:
        organisation = actor.organisation

    chain = chain_key(campaign_id)
    at = timezone.now()
    last_seq, last_hash = _lock_head(chain)
    event = Event(
        chain=chain,
        seq=last_seq + 1,
        event_type=event_type.value,
        at=at,
        actor=actor,
        actor_name=str(actor) if actor is not None else "",
        actor_role=actor.role if actor is not None else "",
        actor_department=actor.department if actor is not None else "",
        organisation=organisation,
        organisation_name=organisation.name if organisation is not None else "",
        subject_type=subject_type,
        subject_id=str(subject_id),
        accountable_organisation=accountable_organisation,
        accountable_organisation_name=(
            accountable_organisation.name if accountable_organisation is not None else ""
        ),
        accountable_person=accountable_person,
        summary=summary,
        inputs=plain_inputs,
        campaign_id=campaign_id,
    )
    content = hashing.event_content(
        chain=chain,
        seq=event.seq,
        event_type=event.event_type,
        at=at,
        actor_id=event.actor_id,
        actor_name=event.actor_name,
        actor_role=event.actor_role,
        actor_department=event.actor_department,
        organisation_id=event.organisation_id,
        organisation_name=event.organisation_name,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        accountable_organisation_id=event.accountable_organisation_id,
        accountable_organisation_name=event.accountable_organisation_name,
        accountable_person=accountable_person,
        summary=summary,
        inputs=plain_inputs,
        campaign_id=campaign_id,
        persons=persons,
        attachments=[s.hashed() for s in stored],
    )
    event.content_hash = hashing.content_hash(content)
    event.chain_hash = hashing.link_hash(last_hash, event.content_hash)
    event.save()
    ChainHead.objects.filter(chain=chain).update(last_seq=event.seq, last_hash=event.chain_hash)
    _insert_persons(event.pk, persons)
    if stored:
        Attachment.objects.bulk_create(
            Attachment(
                event=event,
                position=i,
                name=s.name,
                content_type=s.content_type,
                size=s.size,
                sha256=s.sha256,
                sm3=s.sm3,
                stored_path=s.stored_path,
            )
            for i, s in enumerate(stored)
        )
    if event_type in checkpoints.STAGE_CLOSING:
        checkpoints.checkpoint_chain(
            chain, seq=event.seq, head_hash=event.chain_hash, reason=event_type.value
        )
    note_event(event_type)
    transaction.on_commit(lambda: _announce(event))
    return event


def _announce(event: Event) -> None:
    for receiver, result in event_committed.send_robust(sender=Event, event=event):
        if isinstance(result, Exception):
            logger.error(
                "event_committed receiver %r failed for event %s",
                receiver,
                event.pk,
                exc_info=result,
            )
