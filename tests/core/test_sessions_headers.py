"""Idle timeout against polling, Content-Security-Policy, no-store, cookies, server banner."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

import tuixuan
from tests import factories
from tests.conftest import login
from tuixuan.core.models import User

pytestmark = pytest.mark.django_db

SRC = Path(tuixuan.__file__).resolve().parent
POLLING_URLS = [
    ("registry:import_progress", [999999]),
    ("dossier:export_progress", [999999]),
    ("election:signin_count", [999999]),
    ("election:screen_partial", [999999]),
]


def _views() -> dict[str, Any]:
    found: dict[str, Any] = {}

    def walk(patterns: list[Any], ns: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{ns}{p.namespace}:" if p.namespace else ns)
            elif isinstance(p, URLPattern) and p.name:
                found[f"{ns}{p.name}"] = p.callback

    walk(get_resolver().url_patterns, "")
    return found


def _templates() -> list[Path]:
    return sorted(SRC.rglob("templates/**/*.html"))


def test_every_timed_request_in_a_template_goes_to_a_polling_view() -> None:
    views = _views()
    pollers = 0
    for path in _templates():
        text = path.read_text()
        for tag in re.findall(r"<[^>]*hx-trigger=\"[^\"]*every [^>]*>", text):
            name = re.search(r"hx-get=\"\{% url '([^']+)'", tag)
            if name:
                names = [name.group(1)]
            else:
                # A shared template polls the URL it is given: it names the views in a comment.
                declared = re.search(r"polled by: ([^\n{]+)", text)
                assert declared, f"{path.name}: timed request without a named URL"
                names = declared.group(1).split()
            for view_name in names:
                assert getattr(views[view_name], "tuixuan_polling", False), view_name
                pollers += 1
    assert pollers >= 4


def _last_seen(client: Client) -> float:
    return float(client.session["tuixuan_last_seen"])


def _set_last_seen(client: Client, seconds_ago: int) -> float:
    session = client.session
    value = timezone.now().timestamp() - seconds_ago
    session["tuixuan_last_seen"] = value
    session.save()
    return value


@pytest.mark.parametrize(("name", "args"), POLLING_URLS)
def test_polling_does_not_renew_the_idle_timeout(
    unit_operator: User, name: str, args: list[Any]
) -> None:
    client = login(unit_operator)
    client.get(reverse("core:home"))
    before = _set_last_seen(client, 29 * 60)
    for _ in range(3):
        client.get(reverse(name, args=args), HTTP_HX_REQUEST="true")
    assert _last_seen(client) == before
    # Two minutes later the idle time is over although the page kept polling.
    _set_last_seen(client, 31 * 60)
    expired = client.get(reverse(name, args=args), HTTP_HX_REQUEST="true")
    # htmx follows a 302 without seeing it: the page is sent to the login page instead.
    assert expired.status_code == 200
    assert expired["HX-Redirect"] == reverse("core:login")
    assert expired.content == b""
    assert not client.session.get("_auth_user_id")


def test_a_user_action_renews_the_idle_timeout(unit_operator: User) -> None:
    client = login(unit_operator)
    before = _set_last_seen(client, 29 * 60)
    assert client.get(reverse("registry:members")).status_code == 200
    assert _last_seen(client) > before + 28 * 60


def test_pages_carry_a_strict_content_security_policy(unit_operator: User) -> None:
    client = login(unit_operator)
    response = client.get(reverse("core:home"))
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


def test_an_inline_script_carries_the_nonce_of_its_response() -> None:
    from csp.middleware import CSPMiddleware
    from django.template import engines
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    middleware = CSPMiddleware(lambda r: None)  # type: ignore[arg-type]
    middleware.process_request(request)
    template = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}"></script>')
    html = template.render({"request": request})
    from django.http import HttpResponse

    response = middleware.process_response(request, HttpResponse(html))
    nonce = re.search(r'nonce="([^"]+)"', html)
    assert nonce and f"'nonce-{nonce.group(1)}'" in response["Content-Security-Policy"]


def test_no_template_has_script_the_policy_would_refuse() -> None:
    for path in _templates():
        text = path.read_text()
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", text):
            allowed = "src=" in tag or "nonce=" in tag or 'type="application/json"' in tag
            assert allowed, f"{path.name}: {tag}"
        handlers = re.findall(r"\son[a-z]+=\"", text)
        assert not handlers, f"{path.name}: inline event handler {handlers}"
        assert "javascript:" not in text, path.name


@pytest.mark.parametrize(
    "url",
    [
        reverse("core:home"),
        reverse("registry:members"),
        reverse("accounts:password_change"),
        reverse("accounts:account_list"),
        reverse("accounts:account_import_template"),
        reverse("registry:import_template", args=["members"]),
    ],
)
def test_pages_and_files_are_never_stored(convener: User, url: str) -> None:
    response = login(convener).get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_session_cookie_is_http_only_and_ends_with_the_browser(
    client: Client, unit_operator: User
) -> None:
    client.post(
        reverse("core:login"),
        {"username": unit_operator.username, "password": factories.PASSWORD},
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert not cookie["max-age"] and not cookie["expires"]
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert not csrf["max-age"] and not csrf["expires"]


def _settings_under(env: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    code = (
        "import json, tuixuan.settings as s; print(json.dumps({k: getattr(s, k, None) for k in "
        "['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_NAME', "
        "'CSRF_COOKIE_NAME', 'SESSION_COOKIE_AGE']}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TUIXUAN_")}
    out = subprocess.run(  # noqa: S603 -- this interpreter, fixed code
        [sys.executable, "-c", code],
        env={**clean, "TUIXUAN_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout))


def test_cookies_are_secure_only_when_served_over_https(tmp_path: Path) -> None:
    plain = _settings_under({}, tmp_path)
    assert (plain["SESSION_COOKIE_SECURE"], plain["CSRF_COOKIE_SECURE"]) == (False, False)
    secure = _settings_under(
        {"TUIXUAN_HTTPS": "1", "TUIXUAN_SESSION_MAX_AGE_SECONDS": "3600"}, tmp_path
    )
    assert (secure["SESSION_COOKIE_SECURE"], secure["CSRF_COOKIE_SECURE"]) == (True, True)
    assert secure["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert secure["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert secure["SESSION_COOKIE_AGE"] == 3600


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_served_app_names_no_server_software(tmp_path: Path) -> None:
    port = _free_port()
    tuixuan_cmd = Path(sys.executable).with_name("tuixuan")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TUIXUAN_", "DATABASE"))}
    server = subprocess.Popen(  # noqa: S603 -- our own console script, fixed arguments
        [str(tuixuan_cmd), "serve", "--port", str(port), "--workers", "1"],
        env={**clean, "TUIXUAN_DATA_DIR": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as r:
                    headers = r.headers
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert headers.get("Server") is None, headers.get("Server")
        assert "gunicorn" not in str(headers).lower()
        assert "no-store" in headers["Cache-Control"]
        assert "Content-Security-Policy" in headers
    finally:
        server.terminate()
        server.wait(timeout=20)
