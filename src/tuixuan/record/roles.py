"""Two PostgreSQL roles: an owner that runs migrations, an application role that owns nothing.

The application role may read and write the working tables, append to the record and
nothing more: it owns no table, so it can neither drop nor disable a trigger nor replace
the trigger function; it is no superuser, so it cannot set ``session_replication_role``
(which would silence every trigger); it has no UPDATE, DELETE or TRUNCATE on the record's
tables, so even without the triggers the database refuses a change to an event.

``tuixuan migrate`` runs as the owner when ``DATABASE_OWNER_URL`` is set (``tuixuan.cli``
swaps the URL for that command and names the application role in ``TUIXUAN_DB_APP_ROLE``);
after every migration the grants below are put in place again, so a table a migration
adds is covered at once. ``tuixuan db-roles`` prints the SQL a superuser runs once to
create the two roles and the database.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

from tuixuan.record.triggers import APPEND_ONLY_TABLES

APPEND_ONLY_PRIVILEGES = "SELECT, INSERT"
WORKING_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"


def _ident(connection: BaseDatabaseWrapper, name: str) -> str:
    return connection.ops.quote_name(name)


def grant_statements(connection: BaseDatabaseWrapper, app_role: str) -> list[str]:
    """The grants for the application role on what the migrations made (run as owner)."""
    role = _ident(connection, app_role)
    record = ", ".join(APPEND_ONLY_TABLES)
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
        f"GRANT {WORKING_PRIVILEGES} ON ALL TABLES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE ON {record} FROM {role}",
        f"REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]


def grant_app_role(connection: BaseDatabaseWrapper, app_role: str) -> None:
    if connection.vendor != "postgresql" or not app_role:
        return
    with connection.cursor() as cursor:
        for statement in grant_statements(connection, app_role):
            cursor.execute(statement)


def setup_sql(*, database: str, owner: str, app: str) -> list[str]:
    """What a superuser runs once (passwords are set apart, with \\password or ALTER ROLE)."""

    def q(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    return [
        f"CREATE ROLE {q(owner)} LOGIN NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS",
        f"CREATE ROLE {q(app)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS",
        f"CREATE DATABASE {q(database)} OWNER {q(owner)}",
        f"\\connect {q(database)}",
        f"ALTER SCHEMA public OWNER TO {q(owner)}",
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        f"REVOKE ALL ON DATABASE {q(database)} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {q(database)} TO {q(app)}",
        f"GRANT USAGE ON SCHEMA public TO {q(app)}",
    ]
