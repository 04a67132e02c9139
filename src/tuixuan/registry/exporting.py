"""Exports to .xlsx with the same Chinese headers the importers accept, so an export can be
edited and imported again."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from tuixuan.core.documents.excel import ExcelValue, excel_row, new_workbook
from tuixuan.core.models import Organisation, OrgType
from tuixuan.registry.importing.common import ImportFileError, RowError
from tuixuan.registry.importing.readers import read_rows
from tuixuan.registry.models import (
    CadreRank,
    Education,
    Gender,
    Member,
    MemberType,
    Occupation,
    RightsStatus,
)

MEMBER_HEADERS = (
    "姓名",
    "性别",
    "民族",
    "公民身份号码",
    "出生日期",
    "学历",
    "人员类别",
    "入党日期",
    "转正日期",
    "党员类型",
    "所在党组织",
    "所在党组织名称",
    "表决权状态",
    "察看期至",
    "流动党员",
    "离退休",
    "失联",
    "出国境",
    "干部级别",
    "现任职务",
)
ORGANISATION_HEADERS = ("组织代码", "党组织名称", "上级党组织", "组织类别", "党员数（含下级）")

_MEMBER_VALUES = (
    "name",
    "gender",
    "ethnicity",
    "citizen_id",
    "birth_date",
    "education",
    "occupation",
    "joined_date",
    "full_member_date",
    "member_type",
    "organisation__code",
    "organisation__name",
    "rights_status",
    "rights_until",
    "is_floating",
    "is_retired",
    "is_lost_contact",
    "is_abroad",
    "cadre_rank",
    "current_post",
)


def _labels(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "是"
    if value is False:
        return "否"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


Progress = Callable[[int], None]
PROGRESS_EVERY = 5000
# Rows fetched from the database at a time: memory holds one chunk, whatever the total.
CHUNK_ROWS = 2000


def _write(
    path: Path,
    title: str,
    headers: Iterable[str],
    rows: Iterable[Iterable[Any]],
    progress: Progress | None = None,
) -> int:
    """Stream the rows into a write-only workbook: openpyxl keeps each row on disk as it is
    appended, so memory stays the same for a thousand rows or a million."""
    workbook = new_workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(excel_row(sheet, headers))
    count = 0
    for row in rows:
        sheet.append(excel_row(sheet, row))
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    workbook.save(str(path))
    if progress is not None:
        progress(count)
    return count


def export_members(
    source: QuerySet[Member] | Mapping[str, Any] | None,
    path: Path,
    progress: Progress | None = None,
) -> int:
    """Write members (a queryset, or filters for ``Member.objects``) to ``path``; return the count.

    Every value is written as text, so citizen IDs keep all 18 digits and dates read back
    exactly as they were. The rows are read in chunks (a server-side cursor on PostgreSQL)
    and streamed into the file; ``progress(rows_written)`` is called every 5,000 rows.
    """
    if source is None:
        queryset: QuerySet[Member] = Member.objects.all()
    elif isinstance(source, QuerySet):
        queryset = source
    else:
        queryset = Member.objects.filter(**source)
    label = {
        "gender": _labels(Gender.choices),
        "education": _labels(Education.choices),
        "occupation": _labels(Occupation.choices),
        "member_type": _labels(MemberType.choices),
        "rights_status": _labels(RightsStatus.choices),
        "cadre_rank": _labels(CadreRank.choices),
    }
    coded = [label.get(f) for f in _MEMBER_VALUES]

    def rows() -> Iterable[list[str]]:
        values = queryset.order_by("organisation__path", "id").values_list(*_MEMBER_VALUES)
        for record in values.iterator(chunk_size=CHUNK_ROWS):
            yield [
                labels.get(v, v) if labels is not None else _text(v)
                for v, labels in zip(record, coded, strict=True)
            ]

    return _write(path, "党员", MEMBER_HEADERS, rows(), progress)


def export_organisations(
    source: QuerySet[Organisation] | Mapping[str, Any] | None, path: Path
) -> int:
    """Write organisations parents first (by path), each naming its parent by code."""
    if source is None:
        queryset: QuerySet[Organisation] = Organisation.objects.all()
    elif isinstance(source, QuerySet):
        queryset = source
    else:
        queryset = Organisation.objects.filter(**source)
    types = _labels(OrgType.choices)

    def rows() -> Iterable[list[Any]]:
        values = queryset.order_by("path").values_list(
            "code", "name", "parent__code", "org_type", "member_count"
        )
        for code, name, parent_code, org_type, count in values.iterator(chunk_size=5000):
            yield [code, name, parent_code or "", types.get(org_type, org_type), count]

    return _write(path, "党组织", ORGANISATION_HEADERS, rows())


def write_error_report(
    errors: Sequence[RowError | dict[str, Any]],
    path: Path,
    *,
    source: Path | None = None,
    sources: Mapping[str, Path] | None = None,
) -> Path:
    """An .xlsx listing 行号, 列, 原因 and, when the imported file is given, that row's values.

    An import of several sheets or files adds a 位置 column (file and sheet, as in the
    errors) after 行号; each row's values are then read from its own file (``sources``, by
    the name the errors give) and sheet."""
    found = [e if isinstance(e, RowError) else RowError(**e) for e in errors]
    cache: dict[tuple[str, str], list[list[Any]]] = {}

    def original(e: RowError) -> list[Any]:
        key = (e.file, e.sheet)
        if key not in cache:
            where = (sources or {}).get(e.file) if e.file else source
            rows: list[list[Any]] = []
            if where is not None and where.exists():
                try:
                    rows = read_rows(where, e.sheet or 0)
                except ImportFileError:
                    rows = []
            cache[key] = rows
        rows = cache[key]
        return rows[e.row - 1] if 0 < e.row <= len(rows) else []

    placed = any(e.file or e.sheet for e in found)
    workbook = new_workbook(write_only=True)
    sheet = workbook.create_sheet("错误清单")
    head = (
        ["行号", "位置", "列", "原因", "原始数据"] if placed else ["行号", "列", "原因", "原始数据"]
    )
    sheet.append(excel_row(sheet, head))
    for e in found:
        values: list[ExcelValue] = (
            [e.row, e.place, e.column, e.reason]
            if placed
            else [
                e.row,
                e.column,
                e.reason,
            ]
        )
        values += ["" if v is None else str(v) for v in original(e)]
        sheet.append(excel_row(sheet, values))
    workbook.save(str(path))
    return path
