"""A rule that refuses, raised where no view catches it, answers 400 in Chinese, not 500;
the refusal is one line in the log."""

from __future__ import annotations

import io
import logging
import sys
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.conftest import Tree
from tuixuan.core.logs import RefusalLine
from tuixuan.core.models import User
from tuixuan.nomination.models import Round
from tuixuan.record.models import Event


def _requests_log() -> tuple[logging.StreamHandler[Any], io.StringIO]:
    handler = next(
        h
        for h in logging.getLogger("django.request").handlers
        if any(isinstance(f, RefusalLine) for f in h.filters)
    )
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    handler.setStream(buffer)
    return handler, buffer


def test_a_rollup_of_an_organisation_outside_every_unit_answers_like_a_missing_one(
    client: Client, convener: User, round_: Round, tree: Tree
) -> None:
    client.force_login(convener)
    events = Event.objects.count()
    handler, buffer = _requests_log()
    try:
        response = client.get(reverse("nomination:level_xlsx", args=[round_.pk, tree.city.pk]))
    finally:
        handler.setStream(sys.stderr)
    # Not a unit of the round: the organisation is outside what the round's pages serve, so it
    # answers like a missing one (docs/design.md, access), logged in one line, never a 500.
    assert response.status_code == 404
    assert Event.objects.count() == events
    lines = buffer.getvalue().splitlines()
    path = reverse("nomination:level_xlsx", args=[round_.pk, tree.city.pk])
    assert len(lines) == 1 and lines[0].startswith(f"404 GET {path} user={convener.username}")


def test_a_refused_request_is_one_line_without_a_traceback(
    client: Client, branch_operator: User, round_: Round
) -> None:
    client.force_login(branch_operator)
    handler, buffer = _requests_log()
    try:
        response = client.post(reverse("campaign:calendar_remove", args=[1]))
        missing = client.get("/no-such-page/")
    finally:
        handler.setStream(sys.stderr)
    assert response.status_code == 403 and missing.status_code == 404
    text = buffer.getvalue()
    assert "Traceback" not in text
    lines = text.splitlines()
    path = reverse("campaign:calendar_remove", args=[1])
    assert lines[0].startswith(f"403 POST {path} user={branch_operator.username}"), lines
    assert lines[1].startswith(f"404 GET /no-such-page/ user={branch_operator.username}"), lines
    assert len(lines) == 2
