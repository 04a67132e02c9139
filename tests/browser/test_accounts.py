"""End to end in headless Chromium: a unit operator creates a branch account, its owner must
change the one-time password before anything else, then works normally."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.conftest import Tree
from tuixuan.core.models import Role, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_account_is_handed_over_and_its_password_changed(
    page: Any, live_server: Any, tree: Tree
) -> None:
    factories.user(Role.UNIT_OPERATOR, tree.unit_a, username="unit_a_op")
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "unit_a_op")
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=下一步要做的事")

    page.click("text=账户")
    page.wait_for_selector("h1:has-text('账户管理')")
    page.click("text=新建账户")
    page.fill("input[name=username]", "gaoshan")
    page.fill("input[name=display_name]", "高山")
    page.select_option("select[name=role]", "branch_operator")
    page.fill("input[name=organisation]", "A2")
    page.click("button:has-text('创建账户')")
    password = page.inner_text("td code")
    assert User.objects.get(username="gaoshan").must_change_password

    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "gaoshan")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=请先设置自己的密码")
    page.goto(f"{base}/registry/members/")
    assert page.url.endswith("/account/password/")
    page.fill("input[name=old_password]", password)
    page.fill("input[name=new_password]", "Gaoshan-Own-2026")
    page.fill("input[name=new_password2]", "Gaoshan-Own-2026")
    page.click("button:has-text('修改密码')")
    page.wait_for_selector("text=密码已修改")
    page.goto(f"{base}/registry/members/")
    assert page.url.endswith("/registry/members/")
    assert not User.objects.get(username="gaoshan").must_change_password
