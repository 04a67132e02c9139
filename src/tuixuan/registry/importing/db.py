"""Bulk writes via the driver (bulk_create measured 14-19x slower): executemany on SQLite, COPY on
PostgreSQL. The ORM is kept out of these paths; it costs an order of magnitude here."""

from __future__ import annotations

import gc
import itertools
import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from django.db import connection

CHUNK = 20_000
BULK_INDEX_THRESHOLD = 50_000
SQLITE_BULK_CACHE_KIB = 1_048_576
LARGE_FILE_BYTES = 4 * 1024 * 1024


@contextmanager
def gc_paused(enabled: bool = True) -> Iterator[None]:
    """Pause the cyclic garbage collector for one large import.

    An import holds millions of strings and tuples that form no cycles; each full collection
    would walk all of them for nothing. Only for large files: the pause is process-wide.
    """
    was_enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if enabled and was_enabled:
            gc.enable()


@contextmanager
def bulk_session() -> Iterator[None]:
    """On SQLite, a page cache large enough (used only as far as needed) that a large load
    and its index builds stay in memory instead of spilling through the WAL; restored after."""
    old_cache: int | None = None
    try:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                row = cursor.fetchone()
                old_cache = int(row[0]) if row else None
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}")
        yield
    finally:
        if old_cache is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {old_cache}")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _copy_escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return _copy_escape(value)
    return str(value)


def copy_column(column: Sequence[Any]) -> Sequence[str]:
    """A column as COPY text; converted once per distinct value."""
    distinct = set(column)
    if set(map(type, distinct)) == {str}:
        joined = "".join(distinct)
        if not ("\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined):
            return column
    mapping = {v: _copy_value(v) for v in distinct}
    return list(map(mapping.__getitem__, column))


def bulk_insert(
    table: str,
    names: Sequence[str],
    columns: Sequence[Sequence[Any]],
    *,
    on_chunk: Callable[[int], None] | None = None,
) -> None:
    """Insert rows given column by column, in the caller's transaction."""
    total = len(columns[0]) if columns else 0
    if total == 0:
        return
    connection.ensure_connection()
    column_list = ", ".join(names)
    if is_postgres():
        texts = [copy_column(c) for c in columns]
        lines = map("\t".join, zip(*texts, strict=True))
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                done = 0
                while text_chunk := list(itertools.islice(lines, CHUNK)):
                    copy.write("\n".join(text_chunk) + "\n")
                    done += len(text_chunk)
                    if on_chunk:
                        on_chunk(done)
        return
    marks = ", ".join("?" * len(names))
    assert connection.connection is not None  # noqa: S101 (ensured above)
    raw_cursor = connection.connection.cursor()
    sql = f"INSERT INTO {table} ({column_list}) VALUES ({marks})"  # noqa: S608 (fixed names)
    rows: Iterable[tuple[Any, ...]] = zip(*columns, strict=True)
    done = 0
    while chunk := list(itertools.islice(rows, CHUNK)):
        raw_cursor.executemany(sql, chunk)
        done += len(chunk)
        if on_chunk:
            on_chunk(done)
    raw_cursor.close()


# While a background insert runs, the checking thread hands the interpreter lock back this
# often, so the writer (which needs it briefly between rows) is not starved.
BACKGROUND_SWITCH_INTERVAL = 0.0005


class BackgroundInsert:
    """Insert chunks of rows (given column by column) from a second thread, in the caller's
    transaction, while the calling thread prepares the next chunk.

    The drivers release the interpreter lock inside SQLite and libpq, so the database work
    overlaps the checking instead of following it. The calling thread must not use the
    connection until the block ends; the block re-raises any error the writer met.
    """

    def __init__(self, table: str, names: Sequence[str]) -> None:
        connection.ensure_connection()
        self._raw = connection.connection
        self._postgres = is_postgres()
        column_list = ", ".join(names)
        if self._postgres:
            self._sql = f"COPY {table} ({column_list}) FROM STDIN"
        else:
            marks = ", ".join("?" * len(names))
            self._sql = f"INSERT INTO {table} ({column_list}) VALUES ({marks})"  # noqa: S608
        self._queue: queue.Queue[Sequence[Sequence[Any]] | None] = queue.Queue(maxsize=2)
        self._thread = threading.Thread(target=self._work, name="bulk-insert", daemon=True)
        self._error: BaseException | None = None
        self._ended = False
        self._switch = sys.getswitchinterval()
        self.done = 0

    def __enter__(self) -> BackgroundInsert:
        sys.setswitchinterval(min(self._switch, BACKGROUND_SWITCH_INTERVAL))
        self._thread.start()
        return self

    def put(self, columns: Sequence[Sequence[Any]]) -> None:
        if columns and len(columns[0]) and self._error is None:
            self._queue.put(columns)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._queue.put(None)
        self._thread.join()
        sys.setswitchinterval(self._switch)
        if self._error is not None and exc_type is None:
            raise self._error

    def _chunks(self) -> Iterator[Sequence[Sequence[Any]]]:
        while not self._ended:
            item = self._queue.get()
            if item is None:
                self._ended = True
            else:
                yield item

    def _work(self) -> None:
        try:
            if self._postgres:
                with self._raw.cursor() as cursor, cursor.copy(self._sql) as copy:
                    for columns in self._chunks():
                        texts = [copy_column(c) for c in columns]
                        copy.write("\n".join(map("\t".join, zip(*texts, strict=True))) + "\n")
                        self.done += len(columns[0])
            else:
                cursor = self._raw.cursor()
                try:
                    for columns in self._chunks():
                        cursor.executemany(self._sql, zip(*columns, strict=True))
                        self.done += len(columns[0])
                finally:
                    cursor.close()
        except BaseException as exc:  # handed to the calling thread at the end of the block
            self._error = exc
            for _ in self._chunks():
                pass


def table_is_empty(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608 (fixed names)
        return cursor.fetchone() is None


def drop_secondary_indexes(table: str) -> list[str]:
    """Drop the table's indexes (and on PostgreSQL its unique and foreign-key constraints);
    return the statements that rebuild them. Only for a bulk load into an empty table, in
    the same transaction: building an index once is cheaper than maintaining it per row."""
    rebuild: list[str] = []
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
                [table],
            )
            constraints = cursor.fetchall()
            constraint_names = {name for name, _ in constraints}
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
                " AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')",
                [table],
            )
            indexes = [(n, d) for n, d in cursor.fetchall() if n not in constraint_names]
            for name, _definition in constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
                rebuild.append(definition)
            rebuild.extend(
                f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                for name, definition in sorted(constraints, key=lambda c: "FOREIGN" in c[1])
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
                " AND sql IS NOT NULL",
                [table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
                rebuild.append(definition)
    return rebuild


def rebuild_indexes(statements: Sequence[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def lock_for_import(table: str) -> None:
    """On PostgreSQL, keep concurrent imports from interleaving, so created/updated counts and
    history are exact; SQLite's IMMEDIATE transactions already serialise writers."""
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")


def fix_sequence(table: str) -> None:
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
                f" COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
