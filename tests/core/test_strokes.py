"""姓氏笔画: total strokes, then strokes in writing order (横 丨 丿 丶 乛), surname first."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuixuan.core import strokes
from tuixuan.core.strokes import (
    DIAN,
    HENG,
    PIE,
    SHU,
    ZHE,
    char_key,
    first_stroke,
    name_key,
    sort_names,
    split_name,
    stroke_info,
)


@pytest.mark.parametrize(
    ("char", "total", "first"),
    [
        ("一", 1, HENG),
        ("乙", 1, ZHE),
        ("丁", 2, HENG),
        ("人", 2, PIE),
        ("王", 4, HENG),
        ("中", 4, SHU),
        ("方", 4, DIAN),
        ("马", 3, ZHE),
        ("张", 7, ZHE),
        ("李", 7, HENG),
        ("欧", 8, HENG),
        ("赵", 9, HENG),
        ("刘", 6, DIAN),
        ("龙", 5, HENG),
        ("鑫", 24, PIE),
    ],
)
def test_it_knows_real_stroke_data(char: str, total: int, first: int) -> None:
    info = stroke_info(char)
    assert info is not None
    assert info.total == total
    assert first_stroke(char) == first


def test_it_covers_the_whole_cjk_unified_block() -> None:
    missing = [cp for cp in range(0x4E00, 0x9FFF + 1) if stroke_info(chr(cp)) is None]
    assert missing == []


def test_it_loads_the_data_once() -> None:
    assert strokes._table() is strokes._table()


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        # fewer strokes first
        (["王小明", "丁一"], ["丁一", "王小明"]),
        # same total: 横 before 竖 before 撇 before 点 before 折
        (["马力", "山川", "上官"], ["上官", "山川", "马力"]),
        (["毛", "王", "方", "中", "孔"], ["王", "中", "毛", "方", "孔"]),
        # same surname: the given name decides, likewise
        (["李四", "李一"], ["李一", "李四"]),
        # the surname decides before the given name
        (["丁十八画", "王一"], ["丁十八画", "王一"]),
        # compound surnames are one unit: all 欧 before all 欧阳
        (["欧阳一", "欧明", "欧小"], ["欧小", "欧明", "欧阳一"]),
        # unknown characters after known ones
        (["Smith", "张三"], ["张三", "Smith"]),
    ],
)
def test_sort_names(names: list[str], expected: list[str]) -> None:
    assert sort_names(names) == expected


@pytest.mark.parametrize(
    ("name", "surname", "given"),
    [
        ("欧阳修", "欧阳", "修"),
        ("司马相如", "司马", "相如"),
        ("上官婉儿", "上官", "婉儿"),
        ("欧阳", "欧", "阳"),  # two characters: a single surname and a given name
        ("张三", "张", "三"),
        ("单于明", "单于", "明"),
    ],
)
def test_split_name(name: str, surname: str, given: str) -> None:
    assert split_name(name) == (surname, given)


def test_unknown_characters_sort_by_code_point() -> None:
    assert char_key("A") < char_key("B") < char_key("·")
    assert char_key("龘") < char_key("A")


@given(st.lists(st.text(alphabet="王李张刘陈杨赵黄周吴欧阳司马一二三小明华·A", max_size=5)))
def test_the_order_is_total_and_stable(names: list[str]) -> None:
    once = sort_names(names)
    assert sort_names(reversed(once)) == once
    assert sorted(once, key=name_key) == once
