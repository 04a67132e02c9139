"""Importing organisations: parents resolved before children wherever they appear in the file."""

from __future__ import annotations

from collections import Counter

from tuixuan.core.models import path_segment
from tuixuan.registry.importing import db
from tuixuan.registry.importing.columns import ORG_TYPES
from tuixuan.registry.importing.common import Err, Outcome, Prepared, Progress, RowError
from tuixuan.registry.importing.counts import recompute_counts
from tuixuan.registry.importing.orgindex import (
    OUT_OF_SCOPE,
    OrgIndex,
    OrgNode,
    organisations_fingerprint,
    path_key,
)
from tuixuan.registry.importing.readers import Table
from tuixuan.registry.importing.values import norm, squeeze

_WAIT = object()


def _text(table: Table, field: str) -> list[str]:
    raw = table.columns.get(field)
    if raw is None:
        return [""] * len(table)
    return [v if isinstance(v, str) else v.isoformat() for v in map(norm, raw)]


def run(table: Table, *, scope: str, only_valid: bool, progress: Progress) -> Prepared:
    """Check every row against the tree as it is now; ``write`` writes the result."""
    n = len(table)
    out = Outcome(total_rows=n)
    progress(0, n, "校验")
    names = _text(table, "name")
    parents = _text(table, "parent")
    types = _text(table, "org_type")
    codes = _text(table, "code")
    errors: dict[int, list[tuple[str, str]]] = {}

    def fail(i: int, field: str, reason: str) -> None:
        errors.setdefault(i, []).append((field, reason))

    type_values: list[str] = [""] * n
    code_rows: dict[str, int] = {}
    for i in range(n):
        if not names[i]:
            fail(i, "name", "不能为空")
        elif len(names[i]) > 128:
            fail(i, "name", "党组织名称过长（最多128字）")
        kind = ORG_TYPES.get(squeeze(types[i])) or ORG_TYPES.get(types[i].lower())
        if not types[i]:
            fail(i, "org_type", "不能为空")
        elif kind is None:
            fail(i, "org_type", f"未知的组织类别“{types[i]}”")
        else:
            type_values[i] = kind
        code = codes[i]
        if code:
            if len(code) > 64:
                fail(i, "code", "组织代码过长（最多64字符）")
            elif code in code_rows:
                fail(i, "code", f"组织代码“{code}”与第 {table.row_numbers[code_rows[code]]} 行重复")
            else:
                code_rows[code] = i

    index = OrgIndex.load()
    seen = organisations_fingerprint()
    child_by_name = {(node.parent_id, squeeze(node.name)): node.id for node in index.nodes.values()}
    next_id = max(index.nodes, default=0) + 1
    pending = [i for i in range(n) if i not in errors]
    pending_names = Counter(squeeze(names[i]) for i in pending)
    pending_codes = {codes[i] for i in pending if codes[i]}
    created: list[OrgNode] = []
    created_types: list[str] = []
    updated: list[tuple[str, str, int]] = []
    row_id: dict[int, int] = {}

    def parent_of(ref: str, final: bool) -> int | Err | object | None:
        if not ref:
            return None
        if not final:
            if ref in pending_codes:
                return _WAIT
            last = path_key(ref).rsplit("/", 1)[-1]
            if pending_names.get(last):
                return _WAIT
        return index.resolve(ref)

    def settle(i: int, parent: int | None) -> None:
        nonlocal next_id
        name = names[i]
        key = squeeze(name)
        existing = index.by_code.get(codes[i]) if codes[i] else child_by_name.get((parent, key))
        if existing is not None:
            node = index.nodes[existing]
            if node.parent_id != parent:
                fail(i, "parent", "不支持通过导入调整上级党组织，请在系统中调整")
                return
            if not node.path.startswith(scope):
                fail(i, "name", OUT_OF_SCOPE)
                return
            updated.append((name, type_values[i], existing))
            row_id[i] = existing
            return
        if parent is None:
            if scope:
                fail(i, "parent", OUT_OF_SCOPE)
                return
            parent_path, depth = "", 0
        else:
            parent_node = index.nodes[parent]
            if not parent_node.path.startswith(scope):
                fail(i, "parent", OUT_OF_SCOPE)
                return
            parent_path, depth = parent_node.path, parent_node.depth + 1
        org_id = next_id
        next_id += 1
        code = codes[i] or f"Z{org_id:09d}"
        if code in index.by_code:
            fail(i, "code", f"组织代码“{code}”已被其他党组织使用")
            return
        node = OrgNode(org_id, code, name, parent, parent_path + path_segment(org_id), depth)
        index.add(node)
        child_by_name[(parent, key)] = org_id
        created.append(node)
        created_types.append(type_values[i])
        row_id[i] = org_id

    final = False
    while pending:
        waiting: list[int] = []
        for i in pending:
            parent = parent_of(parents[i], final)
            if parent is _WAIT:
                waiting.append(i)
                continue
            pending_names[squeeze(names[i])] -= 1
            pending_codes.discard(codes[i])
            if isinstance(parent, Err):
                fail(i, "parent", parent.reason)
            else:
                assert parent is None or isinstance(parent, int)  # noqa: S101 (narrowing)
                settle(i, parent)
        if len(waiting) == len(pending):
            if final:
                break
            final = True
        pending = waiting

    for i, items in sorted(errors.items()):
        for field, reason in items:
            out.errors.append(RowError(table.row_numbers[i], table.headers[field], reason))
    if out.errors and not only_valid:
        return Prepared(out)

    def write() -> None:
        progress(0, n, "写入")
        if created:
            db.bulk_insert(
                "registry_organisation",
                (
                    "id",
                    "code",
                    "name",
                    "org_type",
                    "parent_id",
                    "path",
                    "depth",
                    "direct_member_count",
                    "member_count",
                    "child_count",
                ),
                [
                    [o.id for o in created],
                    [o.code for o in created],
                    [o.name for o in created],
                    created_types,
                    [o.parent_id for o in created],
                    [o.path for o in created],
                    [o.depth for o in created],
                    [0] * len(created),
                    [0] * len(created),
                    [0] * len(created),
                ],
            )
            db.fix_sequence("registry_organisation")
        if updated:
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE registry_organisation SET name = %s, org_type = %s WHERE id = %s",
                    updated,
                )
        progress(n, n, "统计")
        recompute_counts()
        out.created = len(created)
        out.updated = len(updated)
        out.written = True

    return Prepared(out, write, lambda: organisations_fingerprint() != seen)
