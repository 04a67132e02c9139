"""Blank Excel templates for each kind of import, built from the importer's own columns."""

from __future__ import annotations

from pathlib import Path

from tuixuan.core.documents.excel import write_table
from tuixuan.registry.importing.columns import (
    DEPUTY_COLUMNS,
    INVESTIGATION_COLUMNS,
    MEMBER_COLUMNS,
    ORGANISATION_COLUMNS,
    SANCTION_COLUMNS,
)
from tuixuan.registry.importing.readers import Column
from tuixuan.registry.models import ImportJob

_COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportJob.Kind.ORGANISATIONS: ORGANISATION_COLUMNS,
    ImportJob.Kind.MEMBERS: MEMBER_COLUMNS,
    ImportJob.Kind.DEPUTIES: DEPUTY_COLUMNS,
    ImportJob.Kind.SANCTIONS: SANCTION_COLUMNS,
    ImportJob.Kind.INVESTIGATIONS: INVESTIGATION_COLUMNS,
}

_NOTES = {
    "所在党组织": "党组织代码、从最上级起用“/”连接的全称路径，或唯一的党组织名称",
    "上级党组织": "同上；最上级党组织留空",
    "公民身份号码": "18 位，校验位须正确，出生日期和性别须与号码一致",
    "转正日期": "预备党员留空",
    "察看期至": "仅留党察看者填写",
}


def write_template(kind: ImportJob.Kind, path: Path) -> None:
    """A workbook whose first sheet is the empty table to fill and second the instructions."""
    columns = _COLUMNS[kind]
    headers = [c.header for c in columns]
    notes = [
        (
            c.header,
            "必填" if c.required else "选填",
            "、".join(c.synonyms) or "—",
            _NOTES.get(c.header, ""),
        )
        for c in columns
    ]
    write_table(
        path,
        [
            (f"{kind.label}名单", f"{kind.label}导入表", headers, []),
            ("填写说明", "填写说明", ["列名", "是否必填", "也可识别为", "说明"], notes),
        ],
    )
