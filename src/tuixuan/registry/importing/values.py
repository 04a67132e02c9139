"""Cell values: normalisation, dates, yes/no flags. Pure: no Django."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from tuixuan.registry.importing.common import Err

Cell = str | dt.date | dt.datetime | dt.time | dt.timedelta | float | int | bool | None
T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

_CONTROL = dict.fromkeys(range(32), " ")
_SPACES = re.compile(r"\s+")


def norm(value: Cell) -> str | dt.date:
    """NFKC (full-width digits, letters, parentheses, spaces), trimmed, no control characters.

    Dates from a spreadsheet stay dates; whole numbers lose the ".0" a spreadsheet adds.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        if not value.isascii():
            value = unicodedata.normalize("NFKC", value)
        if not value.isprintable():
            value = value.translate(_CONTROL)
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


def header_key(value: Cell) -> str:
    """A header cell reduced for matching: no spaces, no required-field marks."""
    text = norm(value)
    if not isinstance(text, str):
        return ""
    text = _SPACES.sub("", text).strip("*")
    for mark in ("(必填)", "(选填)", "(可选)"):
        text = text.replace(mark, "")
    return text


def map_unique(column: Sequence[K], fn: Callable[[K], T]) -> tuple[Sequence[T], dict[K, T]]:
    """Apply ``fn`` once per distinct value; return the mapped column and the mapping.

    When ``fn`` leaves every value as it was, the column itself is returned uncopied.
    """
    mapping = {v: fn(v) for v in set(column)}
    if all(type(k) is type(r) and k == r for k, r in mapping.items()):
        return column, mapping  # type: ignore[return-value]
    return list(map(mapping.__getitem__, column)), mapping


def squeeze(text: str) -> str:
    return _SPACES.sub("", text)


_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: str | dt.date) -> str | Err | None:
    """ISO date text, an error, or None for an empty cell.

    ISO text rather than ``date`` objects: it is what SQLite stores and PostgreSQL's COPY
    reads, and it compares correctly as a string.
    """
    if isinstance(value, dt.date):
        return value.isoformat()
    if not value:
        return None
    m = _DATE.fullmatch(value)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif len(value) == 8 and value.isdigit():
        y, mo, d = int(value[:4]), int(value[4:6]), int(value[6:])
    elif value.isdigit() and len(value) <= 5:
        serial = int(value)
        if not 1 <= serial <= 80000:
            return Err(f"日期“{value}”无法识别")
        return (_EXCEL_EPOCH + dt.timedelta(days=serial)).isoformat()
    else:
        return Err(f"日期“{value}”无法识别，应为如 2005-07-01 的格式")
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return Err(f"日期“{value}”不存在")


_YES = frozenset({"是", "y", "yes", "√", "✓", "✔", "1", "true", "t", "有"})
_NO = frozenset({"否", "n", "no", "×", "✗", "0", "false", "f", "无", ""})


def parse_flag(value: str | dt.date) -> bool | Err:
    text = value.lower() if isinstance(value, str) else ""
    if text in _YES:
        return True
    if text in _NO:
        return False
    return Err(f"“{value}”应为“是”或“否”")


def vocabulary(labels: dict[str, Sequence[str]]) -> dict[str, str]:
    """Value lookup: each choice's value, its label and its synonyms, all normalised."""
    out: dict[str, str] = {}
    for choice, names in labels.items():
        # A plain str, not the enum member: the sqlite3 driver binds exact str objects on
        # its fast path and str subclasses through the slow adapter lookup.
        value = str(choice)
        out[value] = value
        for name in names:
            key = str(norm(name))
            out[squeeze(key)] = value
            out[key.lower()] = value
    return out
