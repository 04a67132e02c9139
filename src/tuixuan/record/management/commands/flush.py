"""``flush`` that can empty the record too.

Emptying the whole database is the one legitimate way to remove record rows (a test
database between transactional tests, a demo reset). Django's own ``flush`` would be
refused by the append-only triggers, so this one lifts them for the moment of the flush
and puts them back whatever happens.

It empties only a database that the test suite or the demo created (``tuixuan.core.dbmark``);
any other database is refused before anything is touched.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections
from django.utils.translation import gettext as _

from tuixuan.core import dbmark
from tuixuan.record.triggers import install_triggers, tables_exist, uninstall_triggers


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if not dbmark.is_disposable(options["database"]):
            raise CommandError(
                _(
                    "拒绝清空数据库 {name}：它不是由测试或演示命令创建的（没有可清空标记）。"
                    "清空会抹去全程纪实；正式数据库不能用 flush 清空。"
                ).format(name=connection.settings_dict["NAME"])
            )
        if not tables_exist(connection):
            super().handle(**options)
            return
        uninstall_triggers(connection)
        try:
            super().handle(**options)
        finally:
            install_triggers(connection)
