"""Synthetic registry files for the import benchmark: realistic, valid, reproducible."""

from __future__ import annotations

import csv
import datetime as dt
import random
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


def write_xlsx(path: Path, rows: list[tuple[str, ...]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("党员")
    sheet.append(["基准党员名册"])
    sheet.append(list(MEMBER_HEADER))
    for row in rows:
        sheet.append(list(row))
    workbook.save(str(path))
