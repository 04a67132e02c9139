"""The outside lists (deputies, sanctions, investigations) as the record last saw them.

Each list import records in ``inputs.state.list_digest`` a digest of the whole list table
after the import. ``tuixuan verify-record`` computes the digest of the table as it stands
and names the table whose rows changed without an import: a sanction shortened, lifted or
planted directly in the database changes a fact that decides eligibility.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from tuixuan.record import hashing
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.record.verification import Problem
from tuixuan.registry.importing.outside import SPECS


def list_digest(kind: str) -> str:
    """SM3 over the list's rows (every field the import writes), in key order."""
    spec = SPECS[kind]
    fields = list(spec.checks)
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f) for f in fields)
    order = ", ".join(qn(f) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {qn(spec.table)} ORDER BY {order}")  # noqa: S608 -- names from the list spec
        rows: list[Any] = [list(row) for row in cursor.fetchall()]
    return hashing.content_hash({"list": kind, "rows": hashing.plain(rows)})


def check(chain: str | None) -> list[Problem]:
    if chain not in (None, "global"):
        return []
    latest: dict[str, Event] = {}
    events = Event.objects.filter(
        chain="global", event_type=EventType.OUTSIDE_LIST_IMPORTED
    ).order_by("seq")
    for event in events.only("id", "chain", "seq", "inputs"):
        kind = event.inputs.get("list")
        if kind in SPECS and "list_digest" in (event.inputs.get("state") or {}):
            latest[kind] = event
    problems: list[Problem] = []
    for kind, event in sorted(latest.items()):
        if list_digest(kind) != event.inputs["state"]["list_digest"]:
            problems.append(
                Problem(
                    event.chain,
                    event.seq,
                    event.pk,
                    f"数据表 {SPECS[kind].table} 的内容与最近一次导入（本条记录）后不符，"
                    "名单在导入之外被改动。",
                )
            )
    return problems
