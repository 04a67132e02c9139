"""Building registry files for the import tests."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from tuixuan.core.citizen_id import make

HEADER = (
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
)
_seq = itertools.count(1)


def person(
    *,
    name: str | None = None,
    gender: str = "M",
    birth: dt.date = dt.date(1980, 5, 17),
    org: str = "A1",
    **override: str,
) -> dict[str, str]:
    n = next(_seq)
    row = {
        "姓名": name or f"党员{n}",
        "性别": "男" if gender == "M" else "女",
        "民族": "汉族",
        "公民身份号码": make("430102", birth, n, gender),
        "出生日期": birth.isoformat(),
        "学历": "本科",
        "人员类别": "工人",
        "入党日期": "2005-07-01",
        "转正日期": "2006-07-01",
        "党员类型": "正式党员",
        "所在党组织": org,
    }
    row.update(override)
    return row


def write_csv(
    path: Path,
    rows: Iterable[dict[str, str]],
    *,
    encoding: str = "utf-8",
    title: str | None = None,
    header: Sequence[str] = HEADER,
) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        if title:
            writer.writerow([title])
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(h, "") for h in header])
    return path


def write_xlsx(
    path: Path, rows: Iterable[Sequence[Any]], *, header: Sequence[str], title: str | None = None
) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(str(path))
    return path


def bad_check_digit(number: str) -> str:
    wrong = "0" if number[17] != "0" else "1"
    return number[:17] + wrong
