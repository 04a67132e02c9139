"""Types shared by the importers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tuixuan.core.errors import DomainError

Progress = Callable[[int, int, str], None]


class ImportFileError(DomainError):
    """The file as a whole cannot be read (format, encoding, no header row)."""


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad cell. ``file`` names the file when an import reads several, ``sheet`` the
    worksheet when the row is on a later sheet of its workbook (not the first); both are ""
    for the usual single file, whose errors read as they always have."""

    row: int
    column: str
    reason: str
    file: str = ""
    sheet: str = ""

    @property
    def place(self) -> str:
        """Where the row is, beside its number: ``文件“B.csv”``, ``工作表“党员（二）”``."""
        return place_label(self.file, self.sheet)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"row": self.row, "column": self.column, "reason": self.reason}
        if self.file:
            out["file"] = self.file
        if self.sheet:
            out["sheet"] = self.sheet
        return out

    def __str__(self) -> str:
        place = self.place
        where = f"第 {self.row} 行（{place}）" if place else f"第 {self.row} 行"
        return f"{where}【{self.column}】：{self.reason}"


def place_label(file: str, sheet: str) -> str:
    """``文件“B.xlsx”工作表“党员（二）”``; either part left out when empty."""
    parts = []
    if file:
        parts.append(f"文件“{file}”")
    if sheet:
        parts.append(f"工作表“{sheet}”")
    return "".join(parts)


class Err:
    """A rejected cell value; kept apart from valid values by its type alone."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


@dataclass
class Outcome:
    """What one importer did; ``written`` is False when nothing reached the database."""

    total_rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    unmatched: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Prepared:
    """A checked file: ``outcome`` holds what the checks found; ``write`` (None when nothing
    is to be written) writes it and must run inside the write transaction, where ``stale``
    tells whether what the checks read from the database has changed since."""

    outcome: Outcome
    write: Callable[[], None] | None = None
    stale: Callable[[], bool] = field(default=lambda: False)


def no_progress(done: int, total: int, stage: str) -> None:
    """Default progress callback."""
