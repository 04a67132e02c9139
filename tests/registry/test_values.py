"""Cell values: dates, flags, encodings, headers. Pure functions, table-driven."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuixuan.registry.importing.common import Err
from tuixuan.registry.importing.readers import decode
from tuixuan.registry.importing.values import header_key, norm, parse_date, parse_flag


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2005-07-01", "2005-07-01"),
        ("2005/7/1", "2005-07-01"),
        ("2005.07.01", "2005-07-01"),
        ("20050701", "2005-07-01"),
        ("2005年7月1日", "2005-07-01"),
        ("2005-07-01 00:00:00", "2005-07-01"),
        ("38534", "2005-07-01"),  # Excel serial number
        (dt.date(2005, 7, 1), "2005-07-01"),
        ("", None),
    ],
)
def test_it_reads_the_usual_date_spellings(text: str | dt.date, expected: str | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2005-02-30", "20051301", "2005年13月1日", "七月一日", "2005-7"])
def test_it_refuses_impossible_or_unknown_dates(text: str) -> None:
    assert isinstance(parse_date(text), Err)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_date_round_trips_through_each_spelling(day: dt.date) -> None:
    for text in (
        day.isoformat(),
        f"{day:%Y%m%d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}/{day.month}/{day.day}",
    ):
        assert parse_date(text) == day.isoformat()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("是", True), ("Y", True), ("√", True), ("否", False), ("N", False), ("", False)],
)
def test_it_reads_yes_no_flags(text: str, expected: bool) -> None:
    assert parse_flag(text) is expected


def test_it_refuses_an_unknown_flag() -> None:
    assert isinstance(parse_flag("也许"), Err)


def test_it_normalises_full_width_characters_and_spaces() -> None:
    assert norm("　４３０１０２ｘ ") == "430102x"
    assert norm("县（区）委") == "县(区)委"
    assert header_key(" 公民 身份号码 *") == "公民身份号码"


def test_it_decodes_utf8_with_and_without_bom_and_gbk() -> None:
    text = "姓名,性别\n张三,男\n"
    assert decode(text.encode("utf-8")) == text
    assert decode(text.encode("utf-8-sig")) == text
    assert decode(text.encode("gbk")) == text
