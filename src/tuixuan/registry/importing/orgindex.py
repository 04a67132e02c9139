"""Finding an organisation from what a file says: its code, its full path of names, or its name."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from tuixuan.registry.importing.common import Err
from tuixuan.registry.importing.values import squeeze

OUT_OF_SCOPE = "党组织不在您的管理范围内"


def path_key(ref: str) -> str:
    return "/".join(squeeze(part) for part in ref.split("/") if part.strip())


@dataclass
class OrgNode:
    id: int
    code: str
    name: str
    parent_id: int | None
    path: str
    depth: int


@dataclass
class OrgIndex:
    nodes: dict[int, OrgNode] = field(default_factory=dict)
    by_code: dict[str, int] = field(default_factory=dict)
    by_full_name: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=dict)
    full_name: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> OrgIndex:
        index = cls()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, code, name, parent_id, path, depth FROM registry_organisation"
                " ORDER BY path"
            )
            for row in cursor.fetchall():
                index.add(OrgNode(*row))
        return index

    def add(self, node: OrgNode) -> None:
        self.nodes[node.id] = node
        self.by_code[node.code] = node.id
        key = squeeze(node.name)
        parent_full = self.full_name.get(node.parent_id) if node.parent_id else None
        full = f"{parent_full}/{key}" if parent_full else key
        self.full_name[node.id] = full
        self.by_full_name[full] = node.id
        self.by_name.setdefault(key, []).append(node.id)

    def resolve(self, ref: str) -> int | Err:
        """The id ``ref`` names, or an error saying why it names none or several."""
        if ref in self.by_code:
            return self.by_code[ref]
        if "/" in ref:
            found = self.by_full_name.get(path_key(ref))
            return found if found is not None else Err(f"找不到党组织“{ref}”")
        ids = self.by_name.get(squeeze(ref), [])
        if len(ids) == 1:
            return ids[0]
        if not ids:
            return Err(f"找不到党组织“{ref}”")
        return Err(
            f"党组织名称“{ref}”不唯一（共{len(ids)}个），请填写组织代码或从上级起的完整路径（用“/”分隔）"
        )

    def in_scope(self, org_id: int, scope: str) -> bool:
        return self.nodes[org_id].path.startswith(scope)


def organisations_fingerprint() -> tuple[int, int, int, int]:
    """Changes whenever an organisation is added, removed, renamed or moved (count, largest
    id, total length of paths and of names): checks made against an index loaded earlier
    are redone when it differs."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(LENGTH(path)), 0),"
            " COALESCE(SUM(LENGTH(name)), 0) FROM registry_organisation"
        )
        row = cursor.fetchone()
    return (int(row[0]), int(row[1]), int(row[2]), int(row[3])) if row else (0, 0, 0, 0)
