"""SM3 digests and the canonical form of record content.

The record must be checkable by anyone holding a copy of the data and the rules written in
docs/record.md, so the canonical form is plain JSON with no room for choice: sorted keys,
no insignificant whitespace, UTF-8 without escaping, ISO dates. Floats are refused because
their text form is not stable across JSON stores (PostgreSQL ``jsonb`` rewrites ``1e16``
as ``10000000000000000``), which would make an honest record look tampered with.

SM3 (GB/T 32905-2016) comes from OpenSSL through ``hashlib`` when available; the pure
implementation below exists for interpreters built against an OpenSSL without it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import struct
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol
from uuid import UUID

GENESIS_HASH = "0" * 64
CANONICAL_VERSION = 1


class Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...

    def hexdigest(self) -> str: ...


# --- pure SM3 -------------------------------------------------------------------------

_MASK = 0xFFFFFFFF
_IV = (
    0x7380166F,
    0x4914B2B9,
    0x172442D7,
    0xDA8A0600,
    0xA96F30BC,
    0x163138AA,
    0xE38DEE4D,
    0xB0FB0E4E,
)


def _rotl(x: int, n: int) -> int:
    n %= 32
    return ((x << n) | (x >> (32 - n))) & _MASK


_T_ROT = tuple(_rotl(0x79CC4519 if j < 16 else 0x7A879D8A, j) for j in range(64))


def _p0(x: int) -> int:
    return x ^ _rotl(x, 9) ^ _rotl(x, 17)


def _p1(x: int) -> int:
    return x ^ _rotl(x, 15) ^ _rotl(x, 23)


def _compress(v: tuple[int, ...], block: bytes) -> tuple[int, ...]:
    w = list(struct.unpack(">16I", block))
    for j in range(16, 68):
        w.append(_p1(w[j - 16] ^ w[j - 9] ^ _rotl(w[j - 3], 15)) ^ _rotl(w[j - 13], 7) ^ w[j - 6])
    a, b, c, d, e, f, g, h = v
    for j in range(64):
        a12 = _rotl(a, 12)
        ss1 = _rotl((a12 + e + _T_ROT[j]) & _MASK, 7)
        ss2 = ss1 ^ a12
        if j < 16:
            ff = a ^ b ^ c
            gg = e ^ f ^ g
        else:
            ff = (a & b) | (a & c) | (b & c)
            gg = (e & f) | (~e & g)
        tt1 = (ff + d + ss2 + (w[j] ^ w[j + 4])) & _MASK
        tt2 = (gg + h + ss1 + w[j]) & _MASK
        d, c, b, a = c, _rotl(b, 9), a, tt1
        h, g, f, e = g, _rotl(f, 19), e, _p0(tt2)
    return tuple(x ^ y for x, y in zip(v, (a, b, c, d, e, f, g, h), strict=True))


class PureSM3:
    """Incremental SM3 with the same interface as a ``hashlib`` object."""

    def __init__(self, data: bytes = b"") -> None:
        self._v: tuple[int, ...] = _IV
        self._buffer = b""
        self._length = 0
        self.update(data)

    def update(self, data: bytes, /) -> None:
        self._length += len(data)
        buffer = self._buffer + data
        full = len(buffer) - len(buffer) % 64
        for i in range(0, full, 64):
            self._v = _compress(self._v, buffer[i : i + 64])
        self._buffer = buffer[full:]

    def hexdigest(self) -> str:
        tail = self._buffer + b"\x80"
        tail += b"\x00" * ((56 - len(tail)) % 64)
        tail += struct.pack(">Q", self._length * 8)
        v = self._v
        for i in range(0, len(tail), 64):
            v = _compress(v, tail[i : i + 64])
        return "".join(f"{x:08x}" for x in v)


def _openssl_has_sm3() -> bool:
    try:
        hashlib.new("sm3")
    except ValueError:
        return False
    return True


OPENSSL_SM3 = _openssl_has_sm3()


def new_sm3(data: bytes = b"") -> Hasher:
    if OPENSSL_SM3:
        return hashlib.new("sm3", data)
    return PureSM3(data)


def sm3_hex(data: bytes) -> str:
    return new_sm3(data).hexdigest()


# --- canonical form -------------------------------------------------------------------


def _plain(value: Any, where: str) -> Any:
    """Reduce a value to JSON types with one fixed text form, or refuse it."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        raise TypeError(f"{where}: 纪实输入不得使用浮点数，请用整数、分数或文本。")
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise TypeError(f"{where}: 纪实输入中的时间必须带时区。")
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: 纪实输入的键必须是文本，得到 {key!r}。")
            out[key] = _plain(item, f"{where}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [_plain(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, set | frozenset):
        return sorted(_plain(item, where) for item in value)
    raise TypeError(f"{where}: 纪实输入不支持类型 {type(value).__name__}。")


def plain(value: Any) -> Any:
    """The JSON value that is stored and hashed for ``value``."""
    return _plain(value, "inputs")


def canonical_bytes(value: Any) -> bytes:
    return json.dumps(
        plain(value),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    ).encode("utf-8")


def content_hash(content: Mapping[str, Any]) -> str:
    return sm3_hex(canonical_bytes(content))


def link_hash(prev_chain_hash: str, content_hash_hex: str) -> str:
    """Chain hash: SM3 over the ASCII of the previous chain hash followed by this content hash."""
    return sm3_hex((prev_chain_hash + content_hash_hex).encode("ascii"))


def event_content(
    *,
    chain: str,
    seq: int,
    event_type: str,
    at: dt.datetime,
    actor_id: int | None,
    actor_name: str,
    actor_role: str,
    actor_department: str,
    organisation_id: int | None,
    organisation_name: str,
    subject_type: str,
    subject_id: str,
    accountable_organisation_id: int | None,
    accountable_organisation_name: str,
    accountable_person: str,
    summary: str,
    inputs: Any,
    campaign_id: int | None,
    persons: Sequence[str],
    attachments: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """Everything an event's content hash covers, in the form docs/record.md describes."""
    return {
        "v": CANONICAL_VERSION,
        "chain": chain,
        "seq": seq,
        "event_type": event_type,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_name": actor_name,
        "actor_role": actor_role,
        "actor_department": actor_department,
        "organisation_id": organisation_id,
        "organisation_name": organisation_name,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "accountable_organisation_id": accountable_organisation_id,
        "accountable_organisation_name": accountable_organisation_name,
        "accountable_person": accountable_person,
        "summary": summary,
        "inputs": inputs,
        "campaign_id": campaign_id,
        "persons": list(persons),
        "attachments": list(attachments),
    }
