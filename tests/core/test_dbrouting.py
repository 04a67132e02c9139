"""Where the router sends each query when a read replica is configured (core/dbrouting.py).

The suite has a second alias, ``replica``, mirroring the test database (tests/conftest.py);
these tests turn ``READ_REPLICA`` on and watch the queries of both aliases.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connections, router, transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from tests import factories
from tests.conftest import Tree
from tuixuan.core import dbrouting
from tuixuan.core.dbrouting import read_replica
from tuixuan.core.models import Organisation, User
from tuixuan.dossier.exports import book_export_record
from tuixuan.record.models import Event
from tuixuan.registry.models import Member

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(settings: Any) -> None:
    settings.READ_REPLICA = True


@contextmanager
def queries() -> Iterator[dict[str, CaptureQueriesContext]]:
    captured = {a: CaptureQueriesContext(connections[a]) for a in ("default", "replica")}
    for context in captured.values():
        context.__enter__()
    try:
        yield captured
    finally:
        for context in captured.values():
            context.__exit__(None, None, None)


def _sql(context: CaptureQueriesContext, table: str) -> list[str]:
    return [q["sql"] for q in context.captured_queries if table in q["sql"]]


def test_without_a_replica_everything_reads_from_the_primary(settings: Any) -> None:
    settings.READ_REPLICA = False
    seen: list[str] = []

    @read_replica
    def page(request: HttpRequest) -> HttpResponse:
        seen.append(router.db_for_read(Member))
        return HttpResponse()

    page(HttpRequest())
    assert seen == ["default"]


def test_reads_outside_a_marked_page_go_to_the_primary(replica: None) -> None:
    assert router.db_for_read(Member) == "default"
    assert router.db_for_write(Member) == "default"


def test_a_marked_page_reads_from_the_replica_until_it_writes(replica: None, tree: Tree) -> None:
    seen: list[str] = []

    @read_replica
    def page(request: HttpRequest) -> HttpResponse:
        seen.append(router.db_for_read(Member))
        with queries() as q:
            names = list(Organisation.objects.values_list("name", flat=True))
        seen.append("replica" if _sql(q["replica"], "registry_organisation") else "default")
        assert tree.city.name in names
        Organisation.objects.filter(pk=tree.city.pk).update(name="已改名")  # a write
        seen.append(router.db_for_read(Member))
        with queries() as q:
            name = Organisation.objects.get(pk=tree.city.pk).name
        assert name == "已改名" and not q["replica"].captured_queries
        return HttpResponse()

    page(HttpRequest())
    assert seen == ["replica", "replica", "default"]


def test_a_transaction_and_a_service_on_a_marked_page_use_the_primary(
    replica: None, tree: Tree
) -> None:
    @read_replica
    def page(request: HttpRequest) -> HttpResponse:
        with transaction.atomic():
            assert router.db_for_read(Member) == "default"
        with queries() as q:
            book_export_record(
                actor=None, citizen_ids=["110101199001011234"], file_format="pdf", scope="测试"
            )
        assert not q["replica"].captured_queries
        assert q["default"].captured_queries
        return HttpResponse()

    page(HttpRequest())
    assert Event.objects.filter(event_type="dossier.book_exported").exists()


def test_the_member_list_reads_members_from_the_replica_and_shows_the_same(
    tree: Tree, convener: User, settings: Any
) -> None:
    factories.member(tree.branch_a1, "名册甲")
    client = Client()
    client.force_login(convener)
    settings.READ_REPLICA = False
    before = client.get(reverse("registry:members"))
    settings.READ_REPLICA = True
    with queries() as q:
        after = client.get(reverse("registry:members"))
    assert after.status_code == before.status_code == 200
    assert "名册甲" in after.content.decode()
    assert _sql(q["replica"], "registry_member")
    assert not _sql(q["default"], "registry_member")
    assert not _sql(q["replica"], "django_session")  # sessions always from the primary


def test_after_a_request_that_wrote_the_browser_reads_from_the_primary(
    replica: None, tree: Tree, convener: User
) -> None:
    client = Client()
    client.force_login(convener)
    # The search form posts and keeps the text in the session: a write.
    response = client.post(reverse("registry:members"), {"q": "甲"})
    assert response.status_code == 302
    assert response.cookies[dbrouting.PIN_COOKIE]["max-age"] == 10
    with queries() as q:
        assert client.get(response["Location"]).status_code == 200
    assert not q["replica"].captured_queries
    client.cookies.pop(dbrouting.PIN_COOKIE)
    with queries() as q:
        assert client.get(reverse("registry:members")).status_code == 200
    assert _sql(q["replica"], "registry_member")


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("registry:members", {}),
        ("registry:org", {"pk": 1}),
        ("dossier:index", {}),
        ("nomination:index", {}),
        ("nomination:round", {"pk": 1}),
        ("nomination:level", {"pk": 1, "org_pk": 1}),
    ],
)
def test_the_board_and_report_pages_are_marked(name: str, kwargs: dict[str, int]) -> None:
    assert dbrouting.is_read_replica(resolve(reverse(name, kwargs=kwargs)).func)


def test_pages_that_write_are_not_marked() -> None:
    for name, kwargs in [
        ("registry:import", {}),
        ("dossier:verify", {}),
        ("election:electorate_draw", {"pk": 1}),
    ]:
        assert not dbrouting.is_read_replica(resolve(reverse(name, kwargs=kwargs)).func)


def test_migrations_run_on_the_primary_only() -> None:
    assert router.allow_migrate("default", "registry")
    assert not router.allow_migrate("replica", "registry")
