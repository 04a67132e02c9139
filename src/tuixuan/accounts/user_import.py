"""Reading an Excel or CSV file of accounts: every bad row is reported, nothing half-done."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from tuixuan.accounts.rules import check_grant, check_phone, check_username
from tuixuan.accounts.services import NewUser
from tuixuan.core import access
from tuixuan.core.documents.excel import write_table
from tuixuan.core.models import Organisation, Role, User
from tuixuan.registry.importing.common import RowError
from tuixuan.registry.importing.readers import Column, read_table

USER_COLUMNS = (
    Column("username", "用户名", ("登录名", "账号")),
    Column("display_name", "姓名"),
    Column("role", "角色"),
    Column("organisation", "组织代码", ("党组织代码",)),
    Column("phone", "手机", ("手机号码", "联系电话"), required=False),
    Column("department", "所属部门", ("部门",), required=False),
)

# What the role column may say: the role's full name, its code, or a usual short name.
ROLE_NAMES: dict[str, Role] = {
    **{str(r.label): r for r in Role},
    **{r.value: r for r in Role},
    "召集机关": Role.CONVENER,
    "组织部": Role.CONVENER,
    "选举单位": Role.UNIT_OPERATOR,
    "支部操作员": Role.BRANCH_OPERATOR,
    "党支部操作员": Role.BRANCH_OPERATOR,
    "基层党组织": Role.BRANCH_OPERATOR,
    "考察组": Role.INSPECTOR,
    "联审部门": Role.DEPARTMENT_REVIEWER,
    "监督": Role.SUPERVISOR,
    "计票人": Role.TELLER,
    "监票人": Role.TELLER,
}

MAX_ROWS = 5000


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_users(path: Path, *, actor: User | None) -> tuple[list[NewUser], list[RowError]]:
    """The accounts of the file, or every reason (row, column) it cannot be imported."""
    table = read_table(path, USER_COLUMNS)
    if table.missing:
        missing = "、".join(c.header for c in table.missing)
        return [], [RowError(table.header_row, missing, _("缺少必填列。"))]
    if len(table) > MAX_ROWS:
        return [], [
            RowError(table.header_row, "", _("一次最多导入 {n} 个用户。").format(n=MAX_ROWS))
        ]
    cols = {f: [_text(v) for v in table.columns.get(f, [])] for f in table.headers}
    n = len(table)
    for field in ("phone", "department"):
        if not cols.get(field):
            cols[field] = [""] * n
    codes = {c for c in cols["organisation"] if c}
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    names = {u for u in cols["username"] if u}
    taken = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    seen: dict[str, int] = {}
    rows: list[NewUser] = []
    errors: list[RowError] = []
    for i, line in enumerate(table.row_numbers):
        row_errors: list[RowError] = []

        def bad(
            field: str, reason: str, line: int = line, out: list[RowError] = row_errors
        ) -> None:
            out.append(RowError(line, table.headers[field], reason))

        username = cols["username"][i]
        reason = check_username(username)
        if reason:
            bad("username", reason)
        elif username in taken:
            bad("username", _("用户名已存在。"))
        elif username in seen:
            bad("username", _("与第 {row} 行的用户名重复。").format(row=seen[username]))
        seen.setdefault(username, line)
        name = cols["display_name"][i]
        if not name:
            bad("display_name", _("姓名不能为空。"))
        elif len(name) > 64:
            bad("display_name", _("姓名不能超过 64 个字符。"))
        role = ROLE_NAMES.get(cols["role"][i])
        if role is None:
            bad("role", _("无法识别的角色“{value}”。").format(value=cols["role"][i]))
        org = orgs.get(cols["organisation"][i])
        if org is None or (actor is not None and not access.in_scope(actor, org)):
            bad("organisation", _("组织代码不存在或不在您的管理范围内。"))
        elif role is not None:
            reason = check_grant(actor, role, org)
            if reason:
                bad("role", reason)
        reason = check_phone(cols["phone"][i])
        if reason:
            bad("phone", reason)
        department = cols["department"][i]
        if role == Role.DEPARTMENT_REVIEWER and not department:
            bad("department", _("联审部门审查人必须指定所属部门。"))
        if row_errors or role is None or org is None:
            errors.extend(row_errors)
            continue
        rows.append(NewUser(username, role, org, name, department, cols["phone"][i]))
    return rows, errors


def write_template(target: Path) -> None:
    """The empty table to fill, and a sheet explaining each column and the role names."""
    notes = [
        ("用户名", "必填", "字母、数字和 @ . + - _，全市唯一"),
        ("姓名", "必填", ""),
        ("角色", "必填", "、".join(str(r.label) for r in Role)),
        ("组织代码", "必填", "党组织代码，须在您的管理范围内"),
        ("手机", "选填", "11 位手机号码"),
        ("所属部门", "选填", "联审部门审查人必填"),
    ]
    write_table(
        target,
        [
            ("用户名单", "用户导入表", [c.header for c in USER_COLUMNS], []),
            ("填写说明", "填写说明", ["列名", "是否必填", "说明"], notes),
        ],
    )
