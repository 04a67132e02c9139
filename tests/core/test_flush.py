"""``flush`` empties only a database that the tests or the demo created."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.conftest import Tree
from tuixuan.core import dbmark
from tuixuan.core.models import Organisation
from tuixuan.record.models import Event


def _unmark() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {dbmark.MARK_TABLE}")


@pytest.mark.django_db
def test_the_test_database_is_marked() -> None:
    assert "tests" in dbmark.marks()
    assert dbmark.is_disposable()


@pytest.mark.django_db
def test_flush_refuses_a_database_without_the_mark(tree: Tree) -> None:
    _unmark()
    organisations, events = Organisation.objects.count(), Event.objects.count()

    with pytest.raises(CommandError, match=r"拒绝清空数据库.*不是由测试或演示命令创建的"):
        call_command("flush", "--noinput", verbosity=0)

    assert Organisation.objects.count() == organisations > 0
    assert Event.objects.count() == events


@pytest.mark.django_db
def test_a_mark_of_another_purpose_is_refused() -> None:
    with pytest.raises(ValueError):
        dbmark.mark("production")
    assert dbmark.marks() == {"tests"}


@pytest.mark.django_db(transaction=True)
def test_flush_empties_a_marked_database_and_keeps_the_mark(tree: Tree) -> None:
    call_command("flush", "--noinput", verbosity=0)
    assert not Organisation.objects.exists()
    assert dbmark.marks() == {"tests"}
