"""``flush`` that can empty the record too.

Emptying the whole database is the one legitimate way to remove record rows (a test
database between transactional tests, a demo reset). Django's own ``flush`` would be
refused by the append-only triggers, so this one lifts them for the moment of the flush
and puts them back whatever happens.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections

from tuixuan.dossier.triggers import install_triggers, tables_exist, uninstall_triggers


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if not tables_exist(connection):
            super().handle(**options)
            return
        uninstall_triggers(connection)
        try:
            super().handle(**options)
        finally:
            install_triggers(connection)
