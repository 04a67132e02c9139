from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuixuan.core import citizen_id


@pytest.mark.parametrize(
    ("number", "birth", "gender"),
    [
        ("11010519491231002X", dt.date(1949, 12, 31), "F"),
        ("440524188001010014", dt.date(1880, 1, 1), "M"),
    ],
)
def test_it_parses_valid_ids(number: str, birth: dt.date, gender: str) -> None:
    parsed = citizen_id.parse(number)
    assert parsed.birth_date == birth
    assert parsed.gender == gender


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("110105194912310021", "校验位错误"),
        ("11010519491231002", "应为18位"),
        ("1101051949123100AX", "非法字符"),
        ("110105194902300025", "出生日期不存在"),
    ],
)
def test_it_rejects_bad_ids_with_a_reason(raw: str, reason: str) -> None:
    if reason == "出生日期不存在":
        raw = raw[:17] + citizen_id.check_digit(raw[:17])
    with pytest.raises(citizen_id.CitizenIdError, match=reason):
        citizen_id.parse(raw)


def test_it_normalises_full_width_and_lower_case() -> None:
    assert citizen_id.parse("１１０１０５１９４９１２３１００２ｘ").number == "11010519491231002X"


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2010, 12, 31)),
    st.integers(min_value=0, max_value=499),
    st.sampled_from(["M", "F"]),
)
def test_made_ids_round_trip(birth: dt.date, seq: int, gender: str) -> None:
    parsed = citizen_id.parse(citizen_id.make("430102", birth, seq, gender))
    assert (parsed.birth_date, parsed.gender) == (birth, gender)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17), st.sampled_from("0123456789X"))
def test_exactly_one_check_digit_is_valid(first17: str, last: str) -> None:
    number = first17 + last
    try:
        citizen_id.parse(number)
        ok = True
    except citizen_id.CitizenIdError as exc:
        ok = False
        assert "校验位" in str(exc) or "出生日期" in str(exc)
    if ok:
        assert last == citizen_id.check_digit(first17)
