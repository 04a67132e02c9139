"""Account management pages, the user import and the ``tuixuan user`` command."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.conftest import Tree, login
from tests.record import assert_events
from tuixuan.core.models import LoginThrottle, Role, User
from tuixuan.record.events import EventType
from tuixuan.record.models import Event

pytestmark = pytest.mark.django_db

HEADER = ["用户名", "姓名", "角色", "组织代码", "手机"]


def _xlsx(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["用户导入表"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _snapshot() -> tuple[int, int, int]:
    return User.objects.count(), Event.objects.count(), LoginThrottle.objects.count()


# --- pages --------------------------------------------------------------------------------


def test_the_convener_sees_every_account_and_a_unit_only_its_own(
    tree: Tree, convener: User, unit_operator: User, other_unit_operator: User
) -> None:
    mine = factories.user(Role.BRANCH_OPERATOR, tree.branch_a1, username="mine_b")
    theirs = factories.user(Role.BRANCH_OPERATOR, tree.branch_b1, username="theirs_b")
    city_page = login(convener).get(reverse("accounts:account_list")).content.decode()
    assert "mine_b" in city_page and "theirs_b" in city_page and "unit_b_op" in city_page
    unit_page = login(unit_operator).get(reverse("accounts:account_list")).content.decode()
    assert "mine_b" in unit_page
    assert "theirs_b" not in unit_page and "unit_b_op" not in unit_page
    client = login(unit_operator)
    for url in (
        reverse("accounts:account_detail", args=[theirs.pk]),
        reverse("accounts:account_detail", args=[convener.pk]),
        reverse("accounts:account_detail", args=[999999]),
    ):
        assert client.get(url).status_code == 404
    assert mine.pk


@pytest.mark.parametrize(
    "persona", ["branch_operator", "inspector", "department_reviewer", "supervisor", "teller"]
)
def test_roles_that_manage_no_accounts_are_refused(
    persona: str, request: pytest.FixtureRequest
) -> None:
    client = login(request.getfixturevalue(persona))
    for name in ("accounts:account_list", "accounts:account_create", "accounts:account_import"):
        assert client.get(reverse(name)).status_code == 403


def test_the_account_list_costs_the_same_queries_for_many_accounts(
    tree: Tree, convener: User, django_assert_num_queries: Any
) -> None:
    client = login(convener)
    for _ in range(3):
        factories.user(Role.BRANCH_OPERATOR, tree.branch_a1)
    client.get(reverse("accounts:account_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:account_list"))
    for _ in range(60):
        factories.user(Role.BRANCH_OPERATOR, tree.branch_a2)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("accounts:account_list"))
    assert len(few.captured_queries) <= 10
    assert "共 " in response.content.decode()


def test_out_of_scope_actions_answer_404_and_change_nothing(
    tree: Tree, unit_operator: User
) -> None:
    theirs = factories.user(Role.BRANCH_OPERATOR, tree.branch_b1)
    client = login(unit_operator)
    before = (_snapshot(), User.objects.get(pk=theirs.pk).password)
    for name in (
        "accounts:account_unlock",
        "accounts:account_reset",
        "accounts:account_set_active",
    ):
        response = client.post(reverse(name, args=[theirs.pk]), {"active": "0", "reason": "x"})
        assert response.status_code == 404
    response = client.post(
        reverse("accounts:account_detail", args=[theirs.pk]),
        {"display_name": "x", "role": "branch_operator", "organisation": "A1"},
    )
    assert response.status_code == 404
    assert (_snapshot(), User.objects.get(pk=theirs.pk).password) == before


def test_creating_an_account_shows_its_password_once(tree: Tree, unit_operator: User) -> None:
    client = login(unit_operator)
    form = client.get(reverse("accounts:account_create")).content.decode()
    # Only the roles the unit may give are offered.
    assert 'value="branch_operator"' in form and 'value="convener"' not in form
    with assert_events([EventType.USER_CREATED]):
        response = client.post(
            reverse("accounts:account_create"),
            {
                "username": "li_branch",
                "display_name": "李四",
                "role": "branch_operator",
                "organisation": "A2",
                "phone": "13912345678",
            },
        )
    page = response.content.decode()
    password = re.search(r"<code>([^<]+)</code>", page)
    assert password
    user = User.objects.get(username="li_branch")
    assert user.check_password(password.group(1))
    assert user.must_change_password and user.organisation == tree.branch_a2
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"role": "convener"}, "选择一个有效的选项"),
        ({"organisation": "B1"}, "组织代码不存在或不在您的管理范围内。"),
        ({"organisation": "NOPE"}, "组织代码不存在或不在您的管理范围内。"),
        ({"username": "unit_a_op"}, "用户名“unit_a_op”已存在。"),
        ({"phone": "123"}, "手机号码应为 11 位数字"),
    ],
)
def test_a_refused_creation_says_why_and_keeps_what_was_typed(
    tree: Tree, unit_operator: User, fields: dict[str, str], message: str
) -> None:
    data = {
        "username": "new_one",
        "display_name": "新人",
        "role": "branch_operator",
        "organisation": "A1",
        "phone": "",
        **fields,
    }
    before = _snapshot()
    page = login(unit_operator).post(reverse("accounts:account_create"), data).content.decode()
    assert message in page
    assert 'value="新人"' in page
    assert _snapshot() == before


def test_edit_unlock_reset_and_disable_from_the_account_page(
    tree: Tree, convener: User, branch_operator: User
) -> None:
    client = login(convener)
    url = reverse("accounts:account_detail", args=[branch_operator.pk])
    assert branch_operator.username in client.get(url).content.decode()
    with assert_events([EventType.USER_CHANGED]):
        client.post(
            url,
            {
                "display_name": "赵六",
                "role": "unit_operator",
                "organisation": "A",
                "department": "",
                "phone": "",
            },
        )
    branch_operator.refresh_from_db()
    assert (branch_operator.role, branch_operator.organisation) == ("unit_operator", tree.unit_a)
    LoginThrottle.objects.create(
        kind=LoginThrottle.Kind.ACCOUNT, key=branch_operator.username, failures=2
    )
    with assert_events([EventType.USER_UNLOCKED]):
        client.post(reverse("accounts:account_unlock", args=[branch_operator.pk]))
    assert not LoginThrottle.objects.exists()
    with assert_events([EventType.USER_PASSWORD_RESET]):
        page = client.post(
            reverse("accounts:account_reset", args=[branch_operator.pk]), {"confirm": "1"}
        )
    assert "密码已重置" in page.content.decode()
    with assert_events([EventType.USER_DISABLED]):
        client.post(
            reverse("accounts:account_set_active", args=[branch_operator.pk]),
            {"active": "0", "reason": "调离", "confirm": "1"},
        )
    assert not User.objects.get(pk=branch_operator.pk).is_active


def test_a_disabled_user_is_logged_out_at_once(convener: User, branch_operator: User) -> None:
    theirs = login(branch_operator)
    assert theirs.get(reverse("core:home")).status_code == 200
    login(convener).post(
        reverse("accounts:account_set_active", args=[branch_operator.pk]),
        {"active": "0", "reason": "离职", "confirm": "1"},
    )
    assert theirs.get(reverse("core:home")).status_code == 302


def test_the_convener_sees_and_unlocks_locked_addresses(
    convener: User, unit_operator: User
) -> None:
    LoginThrottle.objects.create(
        kind=LoginThrottle.Kind.ADDRESS,
        key="10.6.6.6",
        lockouts=2,
        locked_until="2999-01-01T00:00Z",
    )
    assert (
        "10.6.6.6"
        not in login(unit_operator).get(reverse("accounts:account_list")).content.decode()
    )
    before = _snapshot()
    refused = login(unit_operator).post(
        reverse("accounts:address_unlock"), {"address": "10.6.6.6"}, follow=True
    )
    assert "只有召集机关可以解除客户端地址的锁定。" in refused.content.decode()
    assert _snapshot() == before
    client = login(convener)
    assert "10.6.6.6" in client.get(reverse("accounts:account_list")).content.decode()
    with assert_events([EventType.LOGIN_ADDRESS_UNLOCKED]):
        client.post(reverse("accounts:address_unlock"), {"address": "10.6.6.6"})
    assert not LoginThrottle.objects.exists()


# --- import -------------------------------------------------------------------------------


def test_the_import_template_has_the_columns(convener: User) -> None:
    response = login(convener).get(reverse("accounts:account_import_template"))
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    values = [c.value for row in wb.worksheets[0].iter_rows() for c in row]
    for header in HEADER:
        assert header in values


def test_hundreds_of_branch_accounts_import_in_one_go(
    tree: Tree, unit_operator: User, tmp_path: Path
) -> None:
    rows = [
        [f"zb{n:03d}", f"支部{n}", "基层党组织操作员", "A1" if n % 2 else "A2", f"139{n:08d}"]
        for n in range(300)
    ]
    path = _xlsx(tmp_path / "users.xlsx", rows)
    with path.open("rb") as fh:
        response = login(unit_operator).post(reverse("accounts:account_import"), {"file": fh})
    page = response.content.decode()
    assert "已导入 300 个账户" in page
    assert User.objects.filter(username__startswith="zb", must_change_password=True).count() == 300
    assert page.count("<code>") == 300
    assert Event.objects.filter(event_type=EventType.USERS_IMPORTED).count() == 1


def test_a_bad_file_is_reported_by_row_and_column_and_nothing_is_written(
    tree: Tree, unit_operator: User, tmp_path: Path
) -> None:
    rows = [
        ["ok1", "甲", "基层党组织操作员", "A1", ""],
        ["ok2", "乙", "市长", "A1", ""],
        ["ok3", "丙", "召集机关", "A", ""],
        ["ok4", "丁", "计票人", "B1", ""],
        ["ok1", "戊", "计票人", "A2", ""],
        ["ok6", "", "计票人", "A2", "12345"],
        ["unit_a_op", "己", "计票人", "A2", ""],
    ]
    path = _xlsx(tmp_path / "bad.xlsx", rows)
    before = _snapshot()
    with path.open("rb") as fh:
        page = login(unit_operator).post(reverse("accounts:account_import"), {"file": fh})
    text = page.content.decode()
    found = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>', text)
    assert ("4", "角色", "无法识别的角色“市长”。") in found
    assert ("5", "角色", "您无权授予“组织部/机关工委（召集机关）”角色。") in found
    assert ("6", "组织代码", "组织代码不存在或不在您的管理范围内。") in found
    assert ("7", "用户名", "与第 3 行的用户名重复。") in found
    assert ("8", "姓名", "姓名不能为空。") in found
    assert ("8", "手机", "手机号码应为 11 位数字，以 1 开头。") in found
    assert ("9", "用户名", "用户名已存在。") in found
    assert len(found) == 7
    assert "未导入任何账户" in text
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["名字", "电话"], "未找到表头"),
        (["用户名", "姓名", "角色"], "组织代码|缺少必填列。"),
    ],
)
def test_a_file_without_the_columns_is_refused(
    tree: Tree, convener: User, tmp_path: Path, header: list[str], message: str
) -> None:
    path = _xlsx(tmp_path / "x.xlsx", [["a", "b", "c"]], header=header)
    before = _snapshot()
    with path.open("rb") as fh:
        text = login(convener).post(reverse("accounts:account_import"), {"file": fh}).content
    assert all(part in text.decode() for part in message.split("|"))
    assert _snapshot() == before


# --- the command --------------------------------------------------------------------------


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("user", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_user_command_creates_resets_unlocks_and_disables(tree: Tree) -> None:
    out = _run("create", "--username", "cli_op", "--name", "命令", "--role", "选举单位操作员",
               "--org", "A")  # fmt: skip
    password = out.strip().rsplit("：", 1)[1]
    user = User.objects.get(username="cli_op")
    assert user.check_password(password) and user.must_change_password
    LoginThrottle.objects.create(kind=LoginThrottle.Kind.ACCOUNT, key="cli_op", failures=1)
    assert "已解除" in _run("unlock", "cli_op")
    assert not LoginThrottle.objects.exists()
    new = _run("reset", "cli_op").strip().rsplit("：", 1)[1]
    user.refresh_from_db()
    assert user.check_password(new)
    assert "已停用" in _run("disable", "cli_op", "--reason", "测试")
    assert not User.objects.get(pk=user.pk).is_active
    assert "已启用" in _run("enable", "cli_op")
    types = list(Event.objects.order_by("id").values_list("event_type", flat=True))
    assert types[-5:] == [
        EventType.USER_CREATED,
        EventType.USER_UNLOCKED,
        EventType.USER_PASSWORD_RESET,
        EventType.USER_DISABLED,
        EventType.USER_ENABLED,
    ]


def test_the_user_command_imports_a_file(tree: Tree, tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "u.xlsx", [["c1", "甲", "计票人", "A1", ""], ["c2", "乙", "监督", "CITY", ""]]
    )
    out = _run("import", str(path))
    assert "c1\t甲\t监票/计票人员\tA1\t" in out
    assert User.objects.filter(username__in=["c1", "c2"]).count() == 2


def test_the_user_command_acting_as_someone_keeps_to_their_authority(
    tree: Tree, branch_operator: User, tmp_path: Path
) -> None:
    before = _snapshot()
    with pytest.raises(CommandError, match="该党组织不在您的管理范围内"):
        _run("--actor", branch_operator.username, "create", "--username", "forged",
             "--role", "召集机关", "--org", "CITY")  # fmt: skip
    path = _xlsx(tmp_path / "u.xlsx", [["f1", "甲", "召集机关", "CITY", ""]])
    with pytest.raises(CommandError, match="1 处错误"):
        _run("--actor", branch_operator.username, "import", str(path))
    assert _snapshot() == before
