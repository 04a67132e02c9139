"""The mark that says a database may be thrown away: written when the test suite or the demo
creates it, checked by ``flush`` and by ``demo --reset``.

The mark lives in a small table that no Django model owns (created by a migration), so
``flush`` itself, which empties only the models' tables, keeps it: a test database stays
marked between transactional tests.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from tuixuan.core import clock

MARK_TABLE = "tuixuan_database_mark"
DISPOSABLE = frozenset({"tests", "demo"})


def create_table_sql() -> str:
    return (
        f"CREATE TABLE {MARK_TABLE} ("
        "purpose varchar(16) NOT NULL PRIMARY KEY, marked_at varchar(40) NOT NULL)"
    )


def marks(using: str = DEFAULT_DB_ALIAS) -> frozenset[str]:
    """The purposes this database was marked with (empty if none or no table)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if MARK_TABLE not in connection.introspection.table_names(cursor):
            return frozenset()
        try:
            cursor.execute(f"SELECT purpose FROM {MARK_TABLE}")  # noqa: S608 - constant name
        except DatabaseError:
            return frozenset()
        return frozenset(row[0] for row in cursor.fetchall())


def mark(purpose: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Mark the database as created by ``purpose`` (``tests`` or ``demo``)."""
    if purpose not in DISPOSABLE:
        raise ValueError(purpose)
    if purpose in marks(using):
        return
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {MARK_TABLE} (purpose, marked_at) VALUES (%s, %s)",  # noqa: S608
            [purpose, clock.now().isoformat()],
        )


def is_disposable(using: str = DEFAULT_DB_ALIAS) -> bool:
    return bool(marks(using) & DISPOSABLE)
