"""Synthetic registry files for the import benchmark: realistic, valid, reproducible."""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tuixuan.core.citizen_id import make

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰萍红梅鑫波斌宇浩凯健俊帆帅旭宁龙林欣"
    "辉鹏飞海峰亮成志晨婷雪琳颖佳慧文云莉倩丹丹玲燕春兰小红海燕立新永红德明志强卫东晓东子涵梓萱一诺浩然"
)
ETHNIC = ("汉族",) * 92 + ("土家族", "苗族", "侗族", "瑶族", "回族", "壮族", "蒙古族", "满族")
EDUCATION = (
    ("研究生",) * 5
    + ("大学本科",) * 30
    + ("大学专科",) * 25
    + ("中专",) * 10
    + ("高中",) * 15
    + ("初中及以下",) * 15
)
OCCUPATION = (
    ("工人",) * 10
    + ("农牧渔民",) * 30
    + ("专业技术人员",) * 15
    + ("企事业单位管理人员",) * 8
    + ("党政机关工作人员",) * 10
    + ("学生",) * 2
    + ("离退休人员",) * 22
    + ("其他",) * 3
)
REGIONS = ("430102", "430103", "430104", "430105", "430111", "430112", "430121", "430181")
MEMBER_HEADER = (
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
    "流动党员",
    "离退休",
)
ORG_HEADER = ("组织代码", "党组织名称", "上级党组织", "组织类别")


@dataclass
class BenchFiles:
    organisations: Path
    members: Path
    rows: list[tuple[str, ...]]
    branch_count: int


def generate(directory: Path, members: int, *, seed: int = 20261125) -> BenchFiles:
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    branches = max(1, members // 150)
    units = max(1, branches // 40)
    orgs: list[tuple[str, str, str, str]] = [("BENCH", "基准市委", "", "市委")]
    for u in range(units):
        orgs.append((f"U{u:05d}", f"第{u + 1}党委", "BENCH", "党委"))
    branch_codes = []
    for b in range(branches):
        code = f"B{b:07d}"
        branch_codes.append(code)
        orgs.append((code, f"第{b + 1}党支部", f"U{b % units:05d}", "党支部"))
    org_path = directory / "bench_orgs.csv"
    with org_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ORG_HEADER)
        writer.writerows(orgs)

    rows: list[tuple[str, ...]] = []
    today = dt.date(2026, 1, 1)
    seen: set[str] = set()
    seq = 0
    while len(rows) < members:
        seq += 1
        gender = "M" if rng.random() < 0.72 else "F"
        birth = dt.date(1935, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 68))
        number = make(rng.choice(REGIONS), birth, rng.randrange(500), gender)
        if number in seen:
            continue
        seen.add(number)
        name = rng.choice(SURNAMES) + "".join(
            rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2)))
        )
        earliest = dt.date(birth.year + 19, birth.month, min(birth.day, 28))
        span = max(1, (today - earliest).days - 400)
        joined = earliest + dt.timedelta(days=rng.randrange(span))
        probationary = rng.random() < 0.03
        full = "" if probationary else (joined + dt.timedelta(days=365)).isoformat()
        retired = birth.year < 1966
        rows.append(
            (
                name,
                "男" if gender == "M" else "女",
                rng.choice(ETHNIC),
                number,
                birth.isoformat(),
                rng.choice(EDUCATION),
                "离退休人员" if retired else rng.choice(OCCUPATION),
                joined.isoformat(),
                full,
                "预备党员" if probationary else "正式党员",
                branch_codes[len(rows) % branches],
                "是" if rng.random() < 0.04 else "否",
                "是" if retired else "否",
            )
        )
    member_path = directory / "bench_members.csv"
    with member_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(MEMBER_HEADER)
        writer.writerows(rows)
    return BenchFiles(org_path, member_path, rows, branches)


_COLUMN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_XLSX_PARTS = {
    "[Content_Types].xml": (
        f'{_XML_DECL}<Types xmlns="{_PKG}/content-types">'
        '<Default Extension="rels"'
        ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml"'
        f' ContentType="{_TYPE}.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml"'
        f' ContentType="{_TYPE}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'{_XML_DECL}<Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'{_XML_DECL}<workbook xmlns="{_SML}" xmlns:r="{_DOC}">'
        '<sheets><sheet name="党员" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'{_XML_DECL}<Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}


def write_xlsx(path: Path, rows: list[tuple[str, ...]]) -> None:
    """The rows as a one-sheet workbook laid out as Excel saves one (text in the shared
    string table, empty cells left out), written directly: openpyxl needs minutes for a
    million rows, which kept the benchmark from comparing .xlsx at that size."""
    import zipfile
    from xml.sax.saxutils import escape

    strings: dict[str, int] = {}

    def cells(r: int, values: Sequence[str]) -> str:
        parts = [f'<row r="{r}">']
        for letter, value in zip(_COLUMN_LETTERS, values, strict=False):
            if value:
                index = strings.setdefault(value, len(strings))
                parts.append(f'<c r="{letter}{r}" t="s"><v>{index}</v></c>')
        parts.append("</row>")
        return "".join(parts)

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _XLSX_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData>"
            )
            sheet.write((cells(1, ["基准党员名册"]) + cells(2, MEMBER_HEADER)).encode())
            for start in range(0, len(rows), 10_000):
                chunk = rows[start : start + 10_000]
                text = "".join(cells(start + k + 3, row) for k, row in enumerate(chunk))
                sheet.write(text.encode())
            sheet.write(b"</sheetData></worksheet>")
        shared = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
        archive.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            f' count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>',
        )
