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
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}

    def __str__(self) -> str:
        return f"第 {self.row} 行【{self.column}】：{self.reason}"


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
