"""Keyed checkpoints of the chain heads.

A checkpoint is HMAC-SHA256 over (chain, seq, head hash, time) with a key that is not in
the database: ``TUIXUAN_CHECKPOINT_KEY`` (the key as text), else the file named by
``TUIXUAN_CHECKPOINT_KEY_FILE``, else ``DATA_DIR/checkpoint_key`` (created 0600 with a
random key on first use). Each checkpoint goes into the table ``dossier_checkpoint``
(append-only like the record) and, once the transaction commits, as one JSON line into
``DATA_DIR/checkpoints.log`` (0600): someone who removes the rows still leaves the lines.

Checkpoints are written by every service that closes a stage (the event types in
``STAGE_CLOSING``, from ``record``), by ``tuixuan checkpoint`` and by
``write_checkpoints()`` for the daily job. ``verify`` checks each checkpoint's MAC and that
the chain still holds its head: a truncated tail, a head stepped back or a chain rebuilt
after an event was rewritten all fail it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tuixuan.record.events import EventType
from tuixuan.record.models import ChainHead, Checkpoint, Event

logger = logging.getLogger(__name__)

KEY_ENV = "TUIXUAN_CHECKPOINT_KEY"
KEY_FILE_ENV = "TUIXUAN_CHECKPOINT_KEY_FILE"
LOG_NAME = "checkpoints.log"

# Steps after which a stage is closed: the head that includes them is checkpointed.
STAGE_CLOSING = frozenset(
    {
        EventType.NOMINATION_LIST_DECIDED,
        EventType.NOMINATION_SHORTLIST_DECIDED,
        EventType.NOMINATION_SHORTLIST_HANDED_DOWN,
        EventType.ELECTION_ROUND_COUNTED,
        EventType.ELECTION_RESULT_RELEASED,
        EventType.ELECTION_CONCLUDED,
        EventType.ELECTION_RESULT_REPORTED,
        EventType.MILESTONE_COMPLETED,
        EventType.CAMPAIGN_STATUS_CHANGED,
        EventType.NOTICE_CLOSED,
        EventType.NOTICE_LIST_DECIDED,
        EventType.NOTICE_LIST_APPROVED,
    }
)


class CheckpointKeyError(RuntimeError):
    pass


def _key_file() -> Path:
    named = os.environ.get(KEY_FILE_ENV, "")
    return Path(named) if named else Path(settings.DATA_DIR) / "checkpoint_key"


def key() -> bytes:
    """The checkpoint key; created in the data directory when none is configured."""
    text = os.environ.get(KEY_ENV, "")
    if text:
        return text.encode("utf-8")
    path = _key_file()
    if not path.exists():
        if os.environ.get(KEY_FILE_ENV):
            raise CheckpointKeyError(f"检查点密钥文件 {path} 不存在。")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    value = path.read_text().strip()
    if not value:
        raise CheckpointKeyError(f"检查点密钥文件 {path} 为空。")
    return value.encode("utf-8")


def key_id(secret: bytes) -> str:
    """A short name for the key (not the key): which key signed a checkpoint."""
    return hashlib.sha256(b"tuixuan-checkpoint-key\n" + secret).hexdigest()[:16]


def _at_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def mac(secret: bytes, *, chain: str, seq: int, head_hash: str, at: dt.datetime) -> str:
    message = f"tuixuan-checkpoint-v1\n{chain}\n{seq}\n{head_hash}\n{_at_text(at)}"
    return hmac.new(secret, message.encode("utf-8"), hashlib.sha256).hexdigest()


def _log_path() -> Path:
    return Path(getattr(settings, "CHECKPOINT_LOG", Path(settings.DATA_DIR) / LOG_NAME))


def _append_log(lines: list[str]) -> None:
    """Append after the commit; a log that cannot be written is reported, not raised (the
    checkpoints are in the table already and the step they follow has committed)."""
    path = _log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write("".join(line + "\n" for line in lines))
    except OSError:
        logger.exception("检查点日志 %s 无法写入", path)


def _write(heads: Iterable[tuple[str, int, str]], reason: str) -> list[Checkpoint]:
    secret = key()
    kid = key_id(secret)
    at = timezone.now()
    made = [
        Checkpoint(
            chain=chain,
            seq=seq,
            head_hash=head_hash,
            at=at,
            reason=reason[:64],
            key_id=kid,
            mac=mac(secret, chain=chain, seq=seq, head_hash=head_hash, at=at),
        )
        for chain, seq, head_hash in heads
        if seq > 0
    ]
    if not made:
        return []
    Checkpoint.objects.bulk_create(made)
    lines = [
        json.dumps(
            {
                "chain": c.chain,
                "seq": c.seq,
                "head_hash": c.head_hash,
                "at": _at_text(c.at),
                "reason": c.reason,
                "key_id": c.key_id,
                "mac": c.mac,
            },
            ensure_ascii=False,
            sort_keys=True,
        )
        for c in made
    ]
    transaction.on_commit(lambda: _append_log(lines))
    return made


def checkpoint_chain(chain: str, *, seq: int, head_hash: str, reason: str) -> None:
    """Checkpoint one head inside the caller's transaction (used by ``record``)."""
    _write([(chain, seq, head_hash)], reason)


def write_checkpoints(*, reason: str = "daily") -> list[Checkpoint]:
    """Checkpoint the head of every chain; the daily job and ``tuixuan checkpoint`` call it.

    Each head is read under its row lock, so it is a head the chain really had.
    """
    with transaction.atomic():
        heads = list(
            ChainHead.objects.select_for_update()
            .order_by("chain")
            .values_list("chain", "last_seq", "last_hash")
        )
        return _write(heads, reason)


# --- verifying ---------------------------------------------------------------------------


def daily() -> dict[str, int]:
    """The daily maintenance job's part (``settings.DAILY_JOBS``): checkpoint every chain."""
    return {"checkpoints": len(write_checkpoints(reason="daily"))}


@dataclass(frozen=True)
class Stated:
    """A checkpoint as found in the table or the log."""

    source: str
    chain: str
    seq: int
    head_hash: str
    at: dt.datetime
    key_id: str
    mac: str


def _from_log() -> tuple[list[Stated], list[str]]:
    path = _log_path()
    if not path.exists():
        return [], []
    found: list[Stated] = []
    bad: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                found.append(
                    Stated(
                        source=f"{LOG_NAME} 第 {number} 行",
                        chain=str(item["chain"]),
                        seq=int(item["seq"]),
                        head_hash=str(item["head_hash"]),
                        at=dt.datetime.fromisoformat(item["at"]),
                        key_id=str(item["key_id"]),
                        mac=str(item["mac"]),
                    )
                )
            except (ValueError, KeyError, TypeError):
                bad.append(f"检查点日志 {LOG_NAME} 第 {number} 行无法读取。")
    return found, bad


def stated_checkpoints(chain: str | None = None) -> tuple[list[Stated], list[str]]:
    rows = Checkpoint.objects.order_by("pk")
    if chain is not None:
        rows = rows.filter(chain=chain)
    stated = [
        Stated(
            source=f"检查点 ID {c.pk}",
            chain=c.chain,
            seq=c.seq,
            head_hash=c.head_hash,
            at=c.at,
            key_id=c.key_id,
            mac=c.mac,
        )
        for c in rows
    ]
    logged, bad = _from_log()
    in_table = {(s.chain, s.seq, s.head_hash, s.mac) for s in stated}
    stated += [
        s
        for s in logged
        if (chain is None or s.chain == chain)
        and (s.chain, s.seq, s.head_hash, s.mac) not in in_table
    ]
    return stated, bad


def hash_at(chain: str, seq: int) -> str | None:
    """The chain hash the chain holds at ``seq`` now, or None when it has no such event."""
    row = Event.objects.filter(chain=chain, seq=seq).values_list("chain_hash", flat=True).first()
    return row


def verify(chain: str | None = None) -> list[str]:
    """One line per problem with a checkpoint; empty when every checkpoint holds."""
    try:
        secret = key()
    except CheckpointKeyError as exc:
        return [str(exc)]
    kid = key_id(secret)
    stated, problems = stated_checkpoints(chain)
    heads = dict(ChainHead.objects.values_list("chain", "last_seq"))
    for s in stated:
        where = f"{s.source}（纪实链 {s.chain} 第 {s.seq} 条，{_at_text(s.at)[:19]}）"
        if s.key_id != kid:
            problems.append(f"{where}：由另一把密钥（{s.key_id}）签发，无法用当前密钥核验。")
            continue
        want = mac(secret, chain=s.chain, seq=s.seq, head_hash=s.head_hash, at=s.at)
        if not hmac.compare_digest(want, s.mac):
            problems.append(f"{where}：校验码不符，检查点被伪造或改动。")
            continue
        now = hash_at(s.chain, s.seq)
        if now is None:
            last = (
                Event.objects.filter(chain=s.chain)
                .order_by("-seq")
                .values_list("seq", flat=True)
                .first()
            )
            problems.append(
                f"{where}：纪实链现只到第 {last or 0} 条，检查点所记的记录被截去（链尾被回退）。"
            )
            continue
        if heads.get(s.chain, 0) < s.seq:
            problems.append(
                f"{where}：链尾登记为第 {heads.get(s.chain, 0)} 条，早于检查点，链尾被回退。"
            )
        if now != s.head_hash:
            problems.append(
                f"{where}：纪实链第 {s.seq} 条的链哈希已不是检查点记下的 {s.head_hash[:16]}，"
                "此前的记录被改写后重算了链。"
            )
    return problems
