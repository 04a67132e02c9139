"""``tuixuan db-roles``: the PostgreSQL roles that keep the record out of the app's reach.

Prints the SQL a superuser runs once (``psql -f``) to create the owner role (runs
migrations), the application role (owns nothing) and the database; ``--grant ROLE`` applies
the application role's grants now (``tuixuan migrate`` does it by itself after every
migration when ``DATABASE_OWNER_URL`` is set).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from tuixuan.record.roles import grant_app_role, setup_sql


class Command(BaseCommand):
    help = "输出创建数据库属主角色和应用角色的 SQL，或为应用角色授予权限（PostgreSQL）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default="tuixuan", help="数据库名")
        parser.add_argument("--owner", default="tuixuan_owner", help="属主角色（执行迁移）")
        parser.add_argument("--app", default="tuixuan_app", help="应用角色（运行系统）")
        parser.add_argument("--grant", metavar="ROLE", help="以属主身份为该应用角色授予权限")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["grant"]:
            if connection.vendor != "postgresql":
                raise CommandError("角色和授权只用于 PostgreSQL。")
            grant_app_role(connection, options["grant"])
            self.stdout.write(f"已为应用角色 {options['grant']} 授予权限。")
            return
        self.stdout.write("-- 由数据库超级用户执行一次，例如：psql -U postgres -f roles.sql")
        self.stdout.write("-- 口令另行设置：ALTER ROLE … PASSWORD '…'（或 psql 的 \\password）")
        for statement in setup_sql(
            database=options["database"], owner=options["owner"], app=options["app"]
        ):
            self.stdout.write(statement if statement.startswith("\\") else statement + ";")
