"""The branch's Excel template and reading it back.

The template has one sheet per way of counting: 推荐表 (one row per name on a form, the
form's number grouping the rows) and 汇总票数 (one row per person). Rows are matched to the
registry by citizen ID, and the name must agree with the registry's. Every bad row is
reported with its row number and column; nothing is taken when any row is bad.
"""

from __future__ import annotations

import io
import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tuixuan.core import workbooks
from tuixuan.core.documents import write_table
from tuixuan.nomination import domain
from tuixuan.nomination.domain import NominationError
from tuixuan.registry.models import Member

FORMS_SHEET = "推荐表"
TOTALS_SHEET = "汇总票数"
FORM_HEADERS = ["推荐表编号", "填表人（正式/预备）", "被推荐人姓名", "公民身份号码"]
TOTAL_HEADERS = ["被推荐人姓名", "公民身份号码", "正式党员推荐票数", "预备党员推荐票数"]
HEADER_ROWS = 5
MAX_ERRORS = 200


def template(target: io.BytesIO, *, branch: str, names_per_form: int) -> None:
    write_table(
        target,
        [
            (
                FORMS_SHEET,
                f"{branch}推荐表录入（每张表最多 {names_per_form} 人，每行一个名字）",
                FORM_HEADERS,
                [[1, "正式", "（示例）张三", "（18 位公民身份号码）"]],
            ),
            (
                TOTALS_SHEET,
                f"{branch}推荐票汇总",
                TOTAL_HEADERS,
                [["（示例）张三", "（18 位公民身份号码）", 0, 0]],
            ),
        ],
    )


def _sheet(content: bytes, name: str) -> list[list[Any]]:
    """The named sheet, checked and parsed in a separate process with memory and time limits."""
    with tempfile.TemporaryDirectory(prefix="tuixuan-upload-") as scratch:
        path = Path(scratch) / "upload.xlsx"
        path.write_bytes(content)
        try:
            return workbooks.read_sheet(path, name).rows
        except workbooks.SheetMissingError as exc:
            raise NominationError(f"文件中没有“{name}”工作表，请使用系统提供的模板。") from exc
        except workbooks.WorkbookError as exc:
            raise NominationError(f"{exc.message}。") from exc


def _header(
    rows: Sequence[Sequence[Any]], headers: Sequence[str], sheet: str
) -> tuple[int, dict[str, int]]:
    for i, row in enumerate(rows[:HEADER_ROWS]):
        cells = {str(c).strip(): j for j, c in enumerate(row) if str(c).strip()}
        if all(h in cells for h in headers):
            return i, {h: cells[h] for h in headers}
    raise NominationError(
        f"“{sheet}”工作表中找不到表头（{'、'.join(headers)}），请使用系统提供的模板。"
    )


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if value is not None else ""


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip()
    if text == "":
        return 0
    return int(text) if text.isdigit() else None


def _is_example(cid: str) -> bool:
    return cid.startswith("（")


def _resolve(
    cids: Sequence[tuple[int, str, str]], unit_path: str, errors: list[str]
) -> dict[str, Member]:
    """Look up (row, citizen ID, name) rows; report unknown, mismatched and out-of-scope."""
    found = {
        m.citizen_id: m
        for m in Member.objects.select_related("organisation").filter(
            citizen_id__in=[c for _, c, _ in cids]
        )
    }
    for row, cid, name in cids:
        m = found.get(cid)
        if m is None:
            errors.append(f"第 {row} 行“公民身份号码”列：党员名册中没有 {cid}")
        elif name and name != m.name:
            errors.append(
                f"第 {row} 行“被推荐人姓名”列：该公民身份号码的党员是“{m.name}”，不是“{name}”"
            )
        elif not m.organisation.path.startswith(unit_path):
            errors.append(f"第 {row} 行：“{m.name}”不在本选举单位范围内")
    return found


def _raise(errors: list[str]) -> None:
    if errors:
        shown = errors[:MAX_ERRORS]
        more = f"；另有 {len(errors) - MAX_ERRORS} 处错误未列出" if len(errors) > MAX_ERRORS else ""
        raise NominationError(
            "导入未完成，文件中有错误，未写入任何数据：" + "；".join(shown) + more + "。"
        )


def read_forms(content: bytes, *, unit_path: str, limit: int) -> list[domain.Form]:
    rows = _sheet(content, FORMS_SHEET)
    start, col = _header(rows, FORM_HEADERS, FORMS_SHEET)
    errors: list[str] = []
    lines: list[tuple[int, int, bool, str, str]] = []
    for i, row in enumerate(rows[start + 1 :], start=start + 2):
        cells = [_text(c) for c in row]
        if not any(cells):
            continue
        cid = cells[col["公民身份号码"]].upper() if col["公民身份号码"] < len(cells) else ""
        if _is_example(cid):
            continue
        no = _int(row[col["推荐表编号"]]) if col["推荐表编号"] < len(row) else None
        kind = cells[col["填表人（正式/预备）"]] if col["填表人（正式/预备）"] < len(cells) else ""
        name = cells[col["被推荐人姓名"]] if col["被推荐人姓名"] < len(cells) else ""
        if not no or no <= 0:
            errors.append(f"第 {i} 行“推荐表编号”列：应为正整数")
            continue
        if kind not in ("正式", "预备", ""):
            errors.append(f"第 {i} 行“填表人（正式/预备）”列：应填“正式”或“预备”，不是“{kind}”")
            continue
        if not cid:
            errors.append(f"第 {i} 行“公民身份号码”列：不能为空")
            continue
        lines.append((i, no, kind == "预备", cid, name))
    found = _resolve([(i, cid, name) for i, _, _, cid, name in lines], unit_path, errors)
    by_form: dict[int, list[tuple[int, bool, str]]] = defaultdict(list)
    for i, no, prob, cid, _ in lines:
        by_form[no].append((i, prob, cid))
    forms: list[domain.Form] = []
    for no in sorted(by_form):
        items = by_form[no]
        first = items[0][0]
        if len({p for _, p, _ in items}) > 1:
            errors.append(f"第 {first} 行起的第 {no} 张推荐表：“填表人”列前后不一致")
        if len(items) > limit:
            errors.append(
                f"第 {no} 张推荐表（第 {first} 行起）填了 {len(items)} 人，每张最多 {limit} 人"
            )
        twice = [c for c, n in Counter(c for _, _, c in items).items() if n > 1]
        if twice:
            errors.append(f"第 {no} 张推荐表（第 {first} 行起）重复填写：{'、'.join(twice)}")
        if all(c in found for _, _, c in items):
            forms.append(domain.Form([found[c].pk for _, _, c in items], items[0][1]))
    if not lines and not errors:
        errors.append(f"“{FORMS_SHEET}”工作表中没有推荐票")
    _raise(errors)
    return forms


def read_totals(content: bytes, *, unit_path: str) -> list[tuple[int, int, int]]:
    rows = _sheet(content, TOTALS_SHEET)
    start, col = _header(rows, TOTAL_HEADERS, TOTALS_SHEET)
    errors: list[str] = []
    lines: list[tuple[int, str, str, int, int]] = []
    for i, row in enumerate(rows[start + 1 :], start=start + 2):
        cells = [_text(c) for c in row]
        if not any(cells):
            continue
        cid = cells[col["公民身份号码"]].upper() if col["公民身份号码"] < len(cells) else ""
        if _is_example(cid):
            continue
        name = cells[col["被推荐人姓名"]] if col["被推荐人姓名"] < len(cells) else ""
        votes = _int(row[col["正式党员推荐票数"]]) if col["正式党员推荐票数"] < len(row) else 0
        pvotes = _int(row[col["预备党员推荐票数"]]) if col["预备党员推荐票数"] < len(row) else 0
        bad = False
        if votes is None:
            errors.append(f"第 {i} 行“正式党员推荐票数”列：应为非负整数")
            bad = True
        if pvotes is None:
            errors.append(f"第 {i} 行“预备党员推荐票数”列：应为非负整数")
            bad = True
        if not cid:
            errors.append(f"第 {i} 行“公民身份号码”列：不能为空")
            bad = True
        if not bad:
            lines.append((i, cid, name, votes or 0, pvotes or 0))
    found = _resolve([(i, cid, name) for i, cid, name, _, _ in lines], unit_path, errors)
    seen: dict[str, int] = {}
    for i, cid, *_ in lines:
        if cid in seen:
            errors.append(f"第 {i} 行“公民身份号码”列：与第 {seen[cid]} 行重复")
        seen.setdefault(cid, i)
    if not lines and not errors:
        errors.append(f"“{TOTALS_SHEET}”工作表中没有推荐票")
    _raise(errors)
    return [(found[cid].pk, v, p) for _, cid, _, v, p in lines]


# --- 二上: the sheet handed to the branch with the 考察对象, and reading it back -------------

FEEDBACK_SHEET = "二上意见"
FEEDBACK_HEADERS = ["序号", "考察对象姓名", "赞成", "不赞成", "弃权"]


def feedback_template(target: io.BytesIO, *, branch: str, names: Sequence[str]) -> None:
    """The handed-down list, one row per person in list order, votes to fill in."""
    write_table(
        target,
        [
            (
                FEEDBACK_SHEET,
                f"{branch}对考察对象名单的二上意见（填写赞成、不赞成、弃权票数）",
                FEEDBACK_HEADERS,
                [[i, name, 0, 0, 0] for i, name in enumerate(names, start=1)],
            )
        ],
    )


def read_feedback(content: bytes, *, names: Sequence[str]) -> list[tuple[int, int, int]]:
    """(赞成, 不赞成, 弃权) for each person of the list, in list order, from the filled sheet.

    Each row must keep its 序号 and name as handed out; every person must be there once."""
    rows = _sheet(content, FEEDBACK_SHEET)
    start, col = _header(rows, FEEDBACK_HEADERS, FEEDBACK_SHEET)
    errors: list[str] = []
    found: dict[int, tuple[int, int, int]] = {}
    for i, row in enumerate(rows[start + 1 :], start=start + 2):
        cells = list(row) + [None] * (len(FEEDBACK_HEADERS) + max(col.values()))
        texts = [_text(c) for c in cells]
        if not any(texts):
            continue
        number = _int(cells[col["序号"]])
        name = texts[col["考察对象姓名"]]
        if number is None or not 1 <= number <= len(names) or names[number - 1] != name:
            errors.append(f"第 {i} 行：序号和姓名与下发的名单不符（“{name}”）")
            continue
        if number in found:
            errors.append(f"第 {i} 行：“{name}”重复出现")
            continue
        votes = [_int(cells[col[h]]) for h in ("赞成", "不赞成", "弃权")]
        if any(v is None or v < 0 for v in votes):
            errors.append(f"第 {i} 行“{name}”：赞成、不赞成、弃权票数应为非负整数")
            continue
        found[number] = (votes[0] or 0, votes[1] or 0, votes[2] or 0)
    missing = [names[n - 1] for n in range(1, len(names) + 1) if n not in found]
    if missing and not errors:
        errors.append("缺少考察对象：" + "、".join(missing))
    _raise(errors)
    return [found[n] for n in range(1, len(names) + 1)]
