"""Database triggers that refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) on the record.

Installed by migration 0002 and again after every ``migrate`` (SQLite rebuilds a table to
alter it, and the rebuilt table would come back without its triggers). ``flush`` takes them
away for the moment it empties the database; nothing else should.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

APPEND_ONLY_TABLES = (
    "dossier_event",
    "dossier_eventperson",
    "dossier_attachment",
    "dossier_checkpoint",
)
UPDATE_MESSAGE = "全程纪实记录不可修改"
DELETE_MESSAGE = "全程纪实记录不可删除"
_PG_FUNCTION = "dossier_refuse_change"


def trigger_names(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"{t}_{op}" for t in APPEND_ONLY_TABLES for op in ("no_change", "no_truncate")]
    return [f"{t}_{op}" for t in APPEND_ONLY_TABLES for op in ("no_update", "no_delete")]


def _sqlite_install(tables: tuple[str, ...]) -> list[str]:
    sql = []
    for table in tables:
        for op, message in (("update", UPDATE_MESSAGE), ("delete", DELETE_MESSAGE)):
            sql.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op} BEFORE {op.upper()} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
            )
    return sql


def _postgresql_install(tables: tuple[str, ...]) -> list[str]:
    sql = [
        f"""
        CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                RAISE EXCEPTION '{UPDATE_MESSAGE}（%）', TG_TABLE_NAME
                    USING ERRCODE = 'restrict_violation';
            END IF;
            RAISE EXCEPTION '{DELETE_MESSAGE}（%，%）', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'restrict_violation';
        END
        $$
        """
    ]
    for table in tables:
        sql += [
            f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()",
        ]
    return sql


def _uninstall(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            *(
                f"DROP TRIGGER IF EXISTS {name} ON {table}"
                for table in APPEND_ONLY_TABLES
                for name in (f"{table}_no_change", f"{table}_no_truncate")
            ),
            f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()",
        ]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in trigger_names(vendor)]


def _check_vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in {"sqlite", "postgresql"}:
        raise NotImplementedError(f"append-only triggers for {connection.vendor}")
    return connection.vendor


def tables_exist(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    return set(APPEND_ONLY_TABLES) <= existing


def install_triggers(connection: BaseDatabaseWrapper) -> None:
    """Install the triggers on those of the tables that exist (a migration adds them one
    by one; the migration that creates a table installs its triggers)."""
    vendor = _check_vendor(connection)
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    tables = tuple(t for t in APPEND_ONLY_TABLES if t in existing)
    statements = _postgresql_install(tables) if vendor == "postgresql" else _sqlite_install(tables)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall_triggers(connection: BaseDatabaseWrapper) -> None:
    vendor = _check_vendor(connection)
    with connection.cursor() as cursor:
        for statement in _uninstall(vendor):
            cursor.execute(statement)


def missing_triggers(connection: BaseDatabaseWrapper) -> list[str]:
    """Names of the expected triggers that are absent or disabled."""
    vendor = _check_vendor(connection)
    expected = trigger_names(vendor)
    placeholders = ", ".join(["%s"] * len(expected))
    if vendor == "postgresql":
        query = (
            "SELECT tgname FROM pg_trigger "  # noqa: S608 -- placeholders only, no user text
            f"WHERE NOT tgisinternal AND tgenabled <> 'D' AND tgname IN ({placeholders})"
        )
    else:
        query = (
            "SELECT name FROM sqlite_master "  # noqa: S608 -- placeholders only, no user text
            f"WHERE type = 'trigger' AND name IN ({placeholders})"
        )
    with connection.cursor() as cursor:
        cursor.execute(query, expected)
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in expected if name not in present]
