"""Lists from other bodies: deputies, sanctions, investigations, matched by citizen ID.

Unmatched rows are kept: the member may be imported later, and ``members.link_outside_lists``
then fills in the match. Every row belongs to the subtree of the import that brought it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from tuixuan.registry.importing.columns import (
    DEPUTY_BODIES,
    DEPUTY_COLUMNS,
    INVESTIGATION_COLUMNS,
    LEVELS,
    SANCTION_COLUMNS,
)
from tuixuan.registry.importing.common import Err, Outcome, Prepared, Progress, RowError
from tuixuan.registry.importing.members import (
    _LATIN,
    REQUIRED,
    check_citizen_id,
    link_outside_lists,
)
from tuixuan.registry.importing.readers import Column, Table
from tuixuan.registry.importing.values import norm, parse_date, squeeze

Check = Callable[[str], Any]


def _text(limit: int, *, required: bool) -> Check:
    def check(value: str) -> str | Err:
        if required and not value:
            return Err(REQUIRED)
        if len(value) > limit:
            return Err(f"内容过长（最多{limit}字）")
        return value

    return check


def _name(value: str) -> str | Err:
    """Chinese names lose stray spaces; names in Latin letters keep theirs."""
    if not _LATIN.search(value):
        value = squeeze(value)
    if not value:
        return Err(REQUIRED)
    return value if len(value) <= 64 else Err("姓名过长（最多64字）")


def _id(value: str) -> str | Err:
    return check_citizen_id(value) if value else Err(REQUIRED)


def _choice(vocab: dict[str, str], what: str) -> Check:
    def check(value: str) -> str | Err:
        if not value:
            return Err(REQUIRED)
        found = vocab.get(squeeze(value)) or vocab.get(value.lower())
        return found if found is not None else Err(f"未知的{what}“{value}”")

    return check


def _date(*, required: bool) -> Check:
    def check(value: str) -> str | Err | None:
        parsed = parse_date(value)
        if parsed is None and required:
            return Err(REQUIRED)
        return parsed

    return check


@dataclass(frozen=True)
class ListSpec:
    table: str
    columns: tuple[Column, ...]
    checks: dict[str, Check]
    key: tuple[str, ...]


SPECS = {
    "deputies": ListSpec(
        "registry_deputy",
        DEPUTY_COLUMNS,
        {
            "name": _name,
            "citizen_id": _id,
            "body": _choice(DEPUTY_BODIES, "类别"),
            "level": _choice(LEVELS, "层级"),
            "term": _text(32, required=False),
        },
        ("citizen_id", "body", "level"),
    ),
    "sanctions": ListSpec(
        "registry_sanction",
        SANCTION_COLUMNS,
        {
            "name": _name,
            "citizen_id": _id,
            "kind": _text(64, required=True),
            "decided_on": _date(required=True),
            "effect_until": _date(required=True),
            "authority": _text(128, required=False),
        },
        ("citizen_id", "kind", "decided_on"),
    ),
    "investigations": ListSpec(
        "registry_investigation",
        INVESTIGATION_COLUMNS,
        {
            "name": _name,
            "citizen_id": _id,
            "opened_on": _date(required=True),
            "closed_on": _date(required=False),
            "authority": _text(128, required=False),
        },
        ("citizen_id", "opened_on"),
    ),
}


def run(
    table: Table, *, kind: str, only_valid: bool, progress: Progress, scope: str = ""
) -> Prepared:
    """Check one list for ``scope`` (a path prefix, "" for the whole tree); the returned
    ``write`` stores it.

    Rows are stored under the importer's scope and apply to members of that subtree only; a
    citizen ID that belongs to a member elsewhere is stored and counted exactly like one that
    belongs to nobody, so the counts tell nothing about other subtrees. Changed rows are
    returned in ``extra["list_changes"]`` with their old and new values, for the record.
    """
    spec = SPECS[kind]
    n = len(table)
    out = Outcome(total_rows=n)
    progress(0, n, "校验")
    fields = list(spec.checks)
    values: dict[str, list[Any]] = {}
    bad: set[int] = set()
    found: list[tuple[int, str, str]] = []
    for f in fields:
        raw = table.columns.get(f, [""] * n)
        column: list[Any] = []
        for i, cell in enumerate(raw):
            v = norm(cell)
            result = spec.checks[f](v.isoformat() if isinstance(v, dt.date) else v)
            if isinstance(result, Err):
                found.append((i, f, result.reason))
                bad.add(i)
            column.append(result)
        values[f] = column
    if kind == "sanctions":
        for i in range(n):
            d, u = values["decided_on"][i], values["effect_until"][i]
            if isinstance(d, str) and isinstance(u, str) and u < d:
                found.append((i, "effect_until", "影响期至早于处分决定日期"))
                bad.add(i)
    if kind == "investigations":
        for i in range(n):
            o, c = values["opened_on"][i], values["closed_on"][i]
            if isinstance(o, str) and isinstance(c, str) and c < o:
                found.append((i, "closed_on", "结案日期早于立案日期"))
                bad.add(i)
    seen: dict[tuple[Any, ...], int] = {}
    for i in range(n):
        if i in bad:
            continue
        key = tuple(values[k][i] for k in spec.key)
        if key in seen:
            found.append((i, "citizen_id", f"与第 {table.row_numbers[seen[key]]} 行重复"))
            bad.add(i)
        else:
            seen[key] = i
    out.errors = [RowError(table.row_numbers[i], table.headers[f], r) for i, f, r in sorted(found)]
    if out.errors and not only_valid:
        return Prepared(out)

    def write() -> None:
        progress(0, n, "写入")
        good = [i for i in range(n) if i not in bad]
        rows = [(scope, *(values[f][i] for f in fields)) for i in good]
        keys = [tuple(values[k][i] for k in spec.key) for i in good]
        updates = [f for f in fields if f not in spec.key]
        existing = _existing_rows(spec, scope, keys, updates)
        changes: list[dict[str, Any]] = []
        for i, key in zip(good, keys, strict=True):
            old = existing.get(key)
            if old is None:
                continue
            new = {f: values[f][i] for f in updates}
            diff = {f: {"old": old[f], "new": new[f]} for f in updates if old[f] != new[f]}
            if diff:
                changes.append({"citizen_id": key[0], "key": list(key), "fields": diff})
        _upsert(spec, ["scope", *fields], rows)
        link_outside_lists()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {spec.table} WHERE member_id IS NULL AND scope = %s",  # noqa: S608
                [scope],
            )
            row = cursor.fetchone()
        out.unmatched = _unmatched([values["citizen_id"][i] for i in good], scope)
        out.extra["unmatched_total"] = int(row[0]) if row else 0
        out.extra["list_changes"] = changes
        out.extra["citizen_ids"] = sorted({str(values["citizen_id"][i]) for i in good})
        out.updated = len(existing)
        out.created = len(good) - len(existing)
        out.written = True
        progress(n, n, "完成")

    return Prepared(out, write)


def _existing_rows(
    spec: ListSpec, scope: str, keys: Sequence[tuple[Any, ...]], updates: Sequence[str]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The rows of this scope the file names, keyed as in the file, with their other fields."""
    wanted = set(keys)
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    ids = sorted({k[0] for k in keys})
    columns = [*spec.key, *updates]
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 900):
            part = ids[start : start + 900]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM {spec.table}"  # noqa: S608 (fixed names)
                f" WHERE scope = %s AND citizen_id IN ({marks})",
                [scope, *part],
            )
            for row in cursor.fetchall():
                cells = [v.isoformat() if isinstance(v, dt.date) else v for v in row]
                key = tuple(cells[: len(spec.key)])
                if key in wanted:
                    found[key] = dict(zip(updates, cells[len(spec.key) :], strict=True))
    return found


def _upsert(spec: ListSpec, fields: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    if not rows:
        return
    conflict = ["scope", *spec.key]
    updates = [f for f in fields if f not in conflict]
    marks = ", ".join(["%s"] * len(fields))
    sets = ", ".join(f"{f} = excluded.{f}" for f in updates)
    sql = (
        f"INSERT INTO {spec.table} ({', '.join(fields)}) VALUES ({marks})"  # noqa: S608
        f" ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {sets}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(rows))


def _unmatched(ids: Sequence[str], scope: str) -> int:
    """IDs of the file with no member inside the scope (a member elsewhere counts as none)."""
    wanted = sorted(set(ids))
    matched = 0
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), 900):
            part = wanted[start : start + 900]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                "SELECT COUNT(*) FROM registry_member AS m"  # noqa: S608
                " JOIN registry_organisation AS o ON o.id = m.organisation_id"
                f" WHERE m.citizen_id IN ({marks}) AND substr(o.path, 1, %s) = %s",
                [*part, len(scope), scope],
            )
            row = cursor.fetchone()
            matched += int(row[0]) if row else 0
    return len(wanted) - matched
