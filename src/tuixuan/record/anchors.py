"""Paper anchors the chain: every signed or filed document prints the chain head.

An anchor is the head of one chain when a document was made: the chain, the seq of its last
event and that event's chain hash. Printed in short form (``campaign:5/123/<16 hex>``) and as
a QR code of the full form (the whole hash), it lets anyone holding the paper ask
``tuixuan verify-record --anchor campaign:5/123/…`` whether the chain still contains that
head. A chain rewritten from an earlier event onwards and recomputed no longer has that hash
at that seq, whatever else it proves about itself.

``anchor_blocks(kit, chains)`` is the one helper every document calls (``kit`` is
:mod:`tuixuan.core.documents.pdf` or :mod:`tuixuan.core.documents.word`).
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import segno
from django.utils.translation import gettext as _

from tuixuan.record.models import ChainHead, Event, chain_key

SHORT_HEX = 16
_PATTERN = re.compile(r"^(global|campaign:\d+)/(\d+)/([0-9a-f]{16,64})$")


@dataclass(frozen=True)
class Anchor:
    chain: str
    seq: int
    head_hash: str

    @property
    def short(self) -> str:
        return f"{self.chain}/{self.seq}/{self.head_hash[:SHORT_HEX]}"

    @property
    def full(self) -> str:
        return f"{self.chain}/{self.seq}/{self.head_hash}"


class AnchorFormatError(ValueError):
    pass


def current(chains: Iterable[str]) -> list[Anchor]:
    """The head of each chain now (a chain with no event yet is left out)."""
    wanted = sorted(set(chains))
    heads = {
        c: (seq, h)
        for c, seq, h in ChainHead.objects.filter(chain__in=wanted).values_list(
            "chain", "last_seq", "last_hash"
        )
    }
    return [Anchor(c, heads[c][0], heads[c][1]) for c in wanted if c in heads and heads[c][0] > 0]


def chains_of(event_ids: Iterable[int]) -> list[str]:
    """The chains the given events belong to (a book or form shows events of several)."""
    ids = list(event_ids)
    if not ids:
        return []
    found = Event.objects.filter(pk__in=ids).values_list("chain", flat=True).distinct()
    return sorted(set(found))


def for_campaign(campaign_id: int | None) -> list[Anchor]:
    return current([chain_key(campaign_id)])


@functools.lru_cache(maxsize=64)
def qr_png(anchor: Anchor) -> bytes:
    """The anchor's QR code (the books of a batch print the same few anchors: made once)."""
    out = io.BytesIO()
    segno.make(anchor.full, error="m").save(out, kind="png", scale=4, border=2)
    return out.getvalue()


def chain_label(chain: str) -> str:
    """A chain as a reader names it: the whole system's, or one campaign's."""
    if chain == "global":
        return _("全局纪实链")
    if chain.startswith("campaign:"):
        return _("推选工作（编号 %(n)s）纪实链") % {"n": chain.split(":", 1)[1]}
    return _("纪实链 %(chain)s") % {"chain": chain}


def anchor_blocks(kit: ModuleType, chains: Iterable[str]) -> list[Any]:
    """One block per chain: its QR code, the short digest and how to check it."""
    return blocks_of(kit, current(chains))


def blocks_of(kit: ModuleType, heads: Iterable[Anchor]) -> list[Any]:
    """The blocks of anchors read beforehand: a process that renders without the database
    (the batch export's pool) gets the heads from the process that read them."""
    blocks: list[Any] = []
    for anchor in heads:
        lines = [
            _("全程纪实锚点：%(chain)s第 %(seq)d 条")
            % {"chain": chain_label(anchor.chain), "seq": anchor.seq},
            _("校验值：%(digest)s") % {"digest": anchor.short},
            _("核验方法：tuixuan verify-record --anchor %(digest)s") % {"digest": anchor.short},
        ]
        blocks.append(kit.anchor_block(lines, qr_png(anchor)))
    return blocks


def campaign_anchor_blocks(kit: ModuleType, campaign_id: int | None) -> list[Any]:
    return anchor_blocks(kit, [chain_key(campaign_id)])


def parse(text: str) -> tuple[str, int, str]:
    """(chain, seq, hash or its first hex digits) from a printed or scanned anchor."""
    value = text.strip().lower()
    match = _PATTERN.match(value)
    if match is None:
        raise AnchorFormatError(
            _("锚点格式应为“纪实链/序号/校验值”，如 campaign:5/123/0123456789abcdef。")
        )
    return match.group(1), int(match.group(2)), match.group(3)


def check(text: str, *, known_good: Sequence[tuple[str, int, str]] = ()) -> list[str]:
    """Problems with one anchor against the chain as it is now; empty when it holds.

    ``known_good`` are (chain, seq, hash) heads proved still in the chain (valid
    checkpoints): the latest of them before the anchor narrows down where the change is.
    """
    try:
        chain, seq, digest = parse(text)
    except AnchorFormatError as exc:
        return [str(exc)]
    where = f"锚点 {chain}/{seq}/{digest[:SHORT_HEX]}"
    row = Event.objects.filter(chain=chain, seq=seq).values_list("pk", "chain_hash").first()
    if row is None:
        last = (
            Event.objects.filter(chain=chain).order_by("-seq").values_list("seq", flat=True).first()
        )
        return [
            f"{where}：纪实链 {chain} 现只到第 {last or 0} 条，纸质文件所记的第 {seq} 条已不在链中"
            "（链尾被截去或链被重建）。"
        ]
    event_id, chain_hash = row
    if chain_hash.startswith(digest):
        return []
    floor = max((s for c, s, _h in known_good if c == chain and s < seq), default=0)
    span = f"第 {floor + 1}–{seq} 条" if floor + 1 < seq else f"第 {seq} 条"
    return [
        f"{where}：纪实链 {chain} 第 {seq} 条（事件 ID {event_id}）的链哈希现为 "
        f"{chain_hash[:SHORT_HEX]}，与纸质文件不符：{span}中有记录被改写，其后的链哈希被重新计算。"
    ]
