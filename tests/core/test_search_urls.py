"""A citizen ID typed into a search box never stands in a URL: forms post the text, the page
redirects to a token that stands for it (tuixuan.core.search)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

import tuixuan
from tests import factories
from tests.campaign.conftest import _fast, campaign, with_units  # noqa: F401 -- fixtures
from tests.conftest import Tree
from tests.nomination.conftest import People, people, round_, seated  # noqa: F401 -- fixtures
from tests.nomination.test_views import _submit_a1
from tuixuan.core.models import User
from tuixuan.nomination.models import Round
from tuixuan.registry.models import Member

pytestmark = pytest.mark.django_db

SRC = Path(tuixuan.__file__).resolve().parent


def _search(client: Client, url: str, text: str) -> tuple[str, str]:
    """Post the search; the URL it redirects to and the page found there."""
    response = client.post(url, {"q": text})
    assert response.status_code == 302
    location = response["Location"]
    return location, client.get(location).content.decode()


def _found_without_leaking(client: Client, url: str, wanted: Member, other: Member) -> None:
    location, html = _search(client, url, wanted.citizen_id)
    assert wanted.citizen_id not in location
    assert "s=" in location
    assert wanted.name in html and other.name not in html
    links = re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"', html)
    assert all(wanted.citizen_id not in link for link in links)


def test_a_citizen_id_searched_in_the_registry_stays_out_of_urls(
    client: Client, tree: Tree, convener: User
) -> None:
    wanted = factories.member(tree.branch_a1, "查找对象")
    other = factories.member(tree.branch_a1, "另一党员")
    client.force_login(convener)
    _found_without_leaking(client, reverse("registry:members"), wanted, other)


def test_a_citizen_id_searched_in_the_record_stays_out_of_urls(
    client: Client,
    tree: Tree,
    convener: User,
    branch_operator: User,
    round_: Round,  # noqa: F811 -- fixture
    people: People,  # noqa: F811 -- fixture
) -> None:
    _submit_a1(round_, tree, people, branch_operator)
    client.force_login(convener)
    _found_without_leaking(client, reverse("dossier:index"), people.a1[0], people.sanctioned)


def test_the_members_export_takes_the_same_token(
    client: Client, tree: Tree, convener: User
) -> None:
    wanted = factories.member(tree.branch_a1, "导出对象")
    factories.member(tree.branch_a1, "不导出")
    client.force_login(convener)
    location, _html = _search(client, reverse("registry:members"), wanted.citizen_id)
    token = location.split("s=", 1)[1]
    response = client.get(reverse("registry:members_export") + f"?s={token}")
    assert response.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    rows = list(load_workbook(BytesIO(body)).active.iter_rows(values_only=True))
    names = {r[1] for r in rows[1:]} | {r[0] for r in rows[1:]}
    assert "导出对象" in names and "不导出" not in names


def test_a_token_of_another_session_finds_nothing(
    client: Client, tree: Tree, convener: User
) -> None:
    wanted = factories.member(tree.branch_a1, "他人所查")
    client.force_login(convener)
    location, _ = _search(client, reverse("registry:members"), wanted.citizen_id)
    stranger = Client()
    stranger.force_login(convener)
    html = stranger.get(location).content.decode()
    assert wanted.citizen_id not in html or "他人所查" in html  # an empty search lists all


def test_no_search_box_that_takes_a_citizen_id_sends_it_in_a_url() -> None:
    """Every template: the nomination candidate search posts; the registry and record search
    forms post."""
    for path in sorted(SRC.rglob("templates/**/*.html")):
        text = path.read_text()
        assert "hx-get=\"{% url 'nomination:search'" not in text, path.name
    for name in ("templates/registry/member_list.html", "dossier/templates/dossier/index.html"):
        text = (SRC / name).read_text()
        assert '<form method="get"' not in text, name
