"""Proving the record unchanged: recompute every content hash and every link.

A changed row shows as a content hash that no longer matches; a removed row as a gap in
seq and a link that no longer matches; removed rows at the end of a chain as a chain
shorter than its head says. Missing triggers are reported too: the record is then still
intact, but no longer protected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from tuixuan.record import anchors as anchor_checks
from tuixuan.record import checkpoints, hashing
from tuixuan.record.models import Attachment, ChainHead, Event
from tuixuan.record.triggers import missing_triggers

_BATCH = 2000


def stored_event_content(event: Event) -> dict[str, Any]:
    """The hashed content of an event as read back (persons and attachments prefetched)."""
    return hashing.event_content(
        chain=event.chain,
        seq=event.seq,
        event_type=event.event_type,
        at=event.at,
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
        accountable_person=event.accountable_person,
        summary=event.summary,
        inputs=event.inputs,
        campaign_id=event.campaign_id,
        persons=sorted(p.citizen_id for p in event.persons.all()),
        attachments=[
            {
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "sm3": a.sm3,
            }
            for a in sorted(event.attachments.all(), key=lambda a: a.position)
        ],
    )


@dataclass(frozen=True)
class Problem:
    chain: str
    seq: int | None
    event_id: int | None
    message: str

    def __str__(self) -> str:
        if not self.chain:
            return self.message
        where = f"纪实链 {self.chain}"
        if self.seq is not None:
            where += f" 第 {self.seq} 条"
        if self.event_id is not None:
            where += f"（事件 ID {self.event_id}）"
        return f"{where}：{self.message}"


@dataclass
class Report:
    checked: int = 0
    chains: int = 0
    problems: list[Problem] = field(default_factory=list)
    # Verified tail of each chain: written down or published, it lets a later check prove
    # that the chain was not rebuilt wholesale since.
    heads: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def _events(chain: str) -> Iterator[Event]:
    return (
        Event.objects.filter(chain=chain)
        .order_by("seq")
        .prefetch_related("persons", "attachments")
        .iterator(chunk_size=_BATCH)
    )


def _verify_chain(chain: str, head: tuple[int, str] | None, report: Report) -> None:
    """Walk one chain; stop at its first problem, since every later link depends on it."""
    expected_seq = 1
    prev_hash = hashing.GENESIS_HASH
    for event in _events(chain):
        report.checked += 1
        if event.seq != expected_seq:
            missing = (
                f"第 {expected_seq} 条"
                if event.seq == expected_seq + 1
                else f"第 {expected_seq}–{event.seq - 1} 条"
            )
            report.problems.append(
                Problem(chain, event.seq, event.pk, f"序号不连续，{missing}记录缺失（已被删除）。")
            )
            return
        recomputed = hashing.content_hash(stored_event_content(event))
        if recomputed != event.content_hash:
            report.problems.append(
                Problem(chain, event.seq, event.pk, "内容哈希不符，记录内容已被改动。")
            )
            return
        if hashing.link_hash(prev_hash, event.content_hash) != event.chain_hash:
            report.problems.append(
                Problem(chain, event.seq, event.pk, "链哈希不符，与前一条记录的链接已断开。")
            )
            return
        prev_hash = event.chain_hash
        expected_seq += 1
    last_seq = expected_seq - 1
    report.heads[chain] = (last_seq, prev_hash)
    if head is not None and (head[0] != last_seq or head[1] != prev_hash):
        report.problems.append(
            Problem(
                chain,
                None,
                None,
                f"链尾登记为第 {head[0]} 条，实际只到第 {last_seq} 条，末尾记录缺失或链尾被改动。",
            )
        )


# The checks that re-derive an app's state tables from the events. The record knows no app
# above it: each app that keeps such tables registers its check when it is loaded
# (``AppConfig.ready``), in the order of INSTALLED_APPS.
StateCheck = Callable[[str | None], list["Problem"]]
STATE_CHECKS: list[StateCheck] = []


def register_state_check(check: StateCheck) -> None:
    """Add ``check(chain) -> problems`` to what ``verify_record`` re-derives (once)."""
    if check not in STATE_CHECKS:
        STATE_CHECKS.append(check)


def _check_state(chain: str | None, report: Report) -> None:
    for check in STATE_CHECKS:
        report.problems += check(chain)


def _check_checkpoints_and_anchors(
    chain: str | None, anchors: Sequence[str], report: Report
) -> None:
    problems = checkpoints.verify(chain)
    report.problems += [Problem("", None, None, p) for p in problems]
    stated, _bad = checkpoints.stated_checkpoints(chain)
    good = [
        (s.chain, s.seq, s.head_hash)
        for s in stated
        if checkpoints.hash_at(s.chain, s.seq) == s.head_hash
    ]
    for text in anchors:
        report.problems += [
            Problem("", None, None, p) for p in anchor_checks.check(text, known_good=good)
        ]


def verify_record(
    *,
    chain: str | None = None,
    check_files: bool = False,
    anchors: Sequence[str] = (),
    state: bool = True,
) -> Report:
    """The chain walk, the keyed checkpoints, the given paper anchors and (with ``state``)
    the state tables re-derived from the events."""
    report = Report()
    heads = {
        c: (seq, h) for c, seq, h in ChainHead.objects.values_list("chain", "last_seq", "last_hash")
    }
    chains = set(heads) | set(Event.objects.values_list("chain", flat=True).distinct())
    if chain is not None:
        if chain not in chains:
            report.problems.append(Problem(chain, None, None, "不存在该纪实链。"))
            return report
        chains = {chain}
    for name in sorted(chains):
        report.chains += 1
        _verify_chain(name, heads.get(name), report)
    if check_files:
        _verify_files(chain, report)
    _check_checkpoints_and_anchors(chain, anchors, report)
    if state:
        _check_state(chain, report)
    for trigger in missing_triggers(connection):
        report.problems.append(
            Problem("", None, None, f"数据库触发器 {trigger} 缺失，记录失去防改保护。")
        )
    return report


def _verify_files(chain: str | None, report: Report) -> None:
    attachments = Attachment.objects.select_related("event").order_by("event__chain", "pk")
    if chain is not None:
        attachments = attachments.filter(event__chain=chain)
    root = Path(settings.MEDIA_ROOT)
    for a in attachments.iterator(chunk_size=_BATCH):
        path = root / a.stored_path
        if not path.is_file():
            report.problems.append(
                Problem(a.event.chain, a.event.seq, a.event_id, f"附件“{a.name}”文件缺失。")
            )
            continue
        digest = hashing.new_sm3()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1024 * 1024), b""):
                digest.update(chunk)
        if digest.hexdigest() != a.sm3:
            report.problems.append(
                Problem(a.event.chain, a.event.seq, a.event_id, f"附件“{a.name}”文件内容被改动。")
            )
