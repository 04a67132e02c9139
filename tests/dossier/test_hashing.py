from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuixuan.record import hashing
from tuixuan.record.hashing import PureSM3

VECTORS = [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
]


@pytest.mark.parametrize(("data", "digest"), VECTORS)
def test_pure_sm3_matches_the_standard_vectors(data: bytes, digest: str) -> None:
    assert PureSM3(data).hexdigest() == digest


@pytest.mark.parametrize(("data", "digest"), VECTORS)
def test_sm3_hex_matches_the_standard_vectors(data: bytes, digest: str) -> None:
    assert hashing.sm3_hex(data) == digest


@pytest.mark.skipif(not hashing.OPENSSL_SM3, reason="OpenSSL without SM3")
@given(st.binary(max_size=300), st.integers(min_value=1, max_value=70))
def test_pure_sm3_equals_openssl_whatever_the_chunking(data: bytes, step: int) -> None:
    pure = PureSM3()
    for i in range(0, len(data), step):
        pure.update(data[i : i + step])
    assert pure.hexdigest() == hashlib.new("sm3", data).hexdigest()


@pytest.mark.parametrize("length", [0, 55, 56, 63, 64, 65, 119, 120, 128])
def test_pure_sm3_pads_every_boundary_like_openssl(length: int) -> None:
    if not hashing.OPENSSL_SM3:
        pytest.skip("OpenSSL without SM3")
    data = bytes(range(256))[:length] if length <= 256 else b""
    assert PureSM3(data).hexdigest() == hashlib.new("sm3", data).hexdigest()


def test_hexdigest_can_be_taken_twice() -> None:
    h = PureSM3(b"ab")
    first = h.hexdigest()
    h.update(b"c")
    assert first != h.hexdigest() == VECTORS[0][1]


def test_canonical_form_is_sorted_compact_utf8() -> None:
    assert hashing.canonical_bytes({"b": 1, "a": "推选", "c": [True, None]}) == (
        '{"a":"推选","b":1,"c":[true,null]}'.encode()
    )


def test_canonical_form_writes_dates_fractions_and_decimals_as_text() -> None:
    at = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    value = {
        "at": at,
        "day": dt.date(2026, 3, 1),
        "share": Fraction(2, 3),
        "d": Decimal("1.50"),
        "ids": {3, 1, 2},
        "t": (1, 2),
    }
    assert hashing.plain(value) == {
        "at": "2026-03-01T01:30:00.000000+00:00",
        "day": "2026-03-01",
        "share": "2/3",
        "d": "1.50",
        "ids": [1, 2, 3],
        "t": [1, 2],
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"votes": 0.5}, "浮点数"),
        ({"at": dt.datetime(2026, 1, 1)}, "时区"),  # noqa: DTZ001 -- the naive time is the case
        ({1: "x"}, "键必须是文本"),
        ({"x": object()}, "不支持类型"),
    ],
)
def test_canonical_form_refuses_what_has_no_stable_text(value: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        hashing.canonical_bytes(value)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )
)
def test_plain_values_hash_the_same_after_a_json_round_trip(value: object) -> None:
    import json

    again = json.loads(json.dumps(hashing.plain(value)))
    assert hashing.canonical_bytes(again) == hashing.canonical_bytes(value)


def test_link_hash_depends_on_both_halves() -> None:
    a, b = hashing.sm3_hex(b"a"), hashing.sm3_hex(b"b")
    assert hashing.link_hash(hashing.GENESIS_HASH, a) == hashing.sm3_hex(
        (hashing.GENESIS_HASH + a).encode()
    )
    assert hashing.link_hash(a, b) != hashing.link_hash(b, a)
