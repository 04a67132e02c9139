"""Settings for running in production: the data directory, secrets from files, a reverse
proxy with HTTPS in front; and ``serve`` refusing a data directory nobody chose."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from tuixuan import settings as tuixuan_settings
from tuixuan.core.models import User

CHECKOUT = Path(__file__).resolve().parents[2]


def settings_in_child(env: dict[str, str], *names: str, cwd: Path | None = None) -> Any:
    """The named settings as a fresh process computes them from ``env`` alone."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: str(getattr(settings, n, None)) for n in {list(names)!r}}}))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TUIXUAN_", "DATABASE_"))}
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "tuixuan.settings", **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )
    return json.loads(result.stdout) if result.returncode == 0 else result.stderr


# -- the data directory -------------------------------------------------------------------


def test_the_data_directory_is_the_variable_when_set(tmp_path: Path) -> None:
    assert tuixuan_settings.data_dir({"TUIXUAN_DATA_DIR": str(tmp_path)}, Path("/x/y")) == (
        tmp_path,
        "env",
    )


def test_without_the_variable_it_is_var_of_the_checkout_whatever_the_current_directory(
    tmp_path: Path,
) -> None:
    package = CHECKOUT / "src" / "tuixuan"
    assert tuixuan_settings.data_dir({}, package) == (CHECKOUT / "var", "checkout")
    secret = tmp_path / "key"
    secret.write_text("k" * 60)
    child = settings_in_child(
        {"TUIXUAN_SECRET_KEY_FILE": str(secret), "DATABASE_URL": "sqlite:///:memory:"},
        "DATA_DIR",
        "DATA_DIR_SOURCE",
        cwd=tmp_path,
    )
    assert child == {"DATA_DIR": str(CHECKOUT / "var"), "DATA_DIR_SOURCE": "checkout"}


def test_outside_a_checkout_it_is_the_fixed_path(tmp_path: Path) -> None:
    installed = tmp_path / "lib" / "python3.11" / "site-packages" / "tuixuan"
    installed.mkdir(parents=True)
    assert tuixuan_settings.data_dir({}, installed) == (Path("/var/lib/tuixuan"), "default")


class _Exec:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, exe: str, argv: list[str]) -> None:
        self.calls.append(argv)


@pytest.fixture
def execv(monkeypatch: pytest.MonkeyPatch) -> _Exec:
    fake = _Exec()
    monkeypatch.setattr(os, "execv", fake)
    return fake


@override_settings(DEBUG=False, DATA_DIR_SOURCE="default")
def test_serve_refuses_a_production_server_without_a_chosen_data_directory(
    execv: _Exec,
) -> None:
    with pytest.raises(CommandError, match="拒绝启动服务：未设置数据目录 TUIXUAN_DATA_DIR"):
        call_command("serve")
    assert execv.calls == []


@pytest.mark.parametrize(
    ("debug", "source"), [(False, "env"), (False, "checkout"), (True, "default")]
)
def test_serve_starts_with_a_chosen_or_checkout_data_directory(
    execv: _Exec, debug: bool, source: str
) -> None:
    with override_settings(DEBUG=debug, DATA_DIR_SOURCE=source):
        call_command("serve", "--port", "8101", "--no-worker")
    assert len(execv.calls) == 1
    assert "127.0.0.1:8101" in execv.calls[0]


# -- secrets from files ---------------------------------------------------------------------


def test_secret_key_and_database_url_are_read_from_files(tmp_path: Path) -> None:
    key = tmp_path / "secret_key"
    key.write_text("from-a-file-" + "x" * 50 + "\n")
    url = tmp_path / "database_url"
    url.write_text(f"sqlite:///{tmp_path / 'from-file.sqlite3'}\n")
    child = settings_in_child(
        {
            "TUIXUAN_DATA_DIR": str(tmp_path / "data"),
            "TUIXUAN_SECRET_KEY_FILE": str(key),
            "DATABASE_URL_FILE": str(url),
        },
        "SECRET_KEY",
        "DATABASES",
    )
    assert child["SECRET_KEY"] == "from-a-file-" + "x" * 50
    assert str(tmp_path / "from-file.sqlite3") in child["DATABASES"]
    assert not (tmp_path / "data" / "secret_key").exists()


def test_a_secret_given_twice_or_unreadable_is_refused(tmp_path: Path) -> None:
    key = tmp_path / "secret_key"
    key.write_text("k" * 60)
    twice = settings_in_child(
        {
            "TUIXUAN_DATA_DIR": str(tmp_path),
            "TUIXUAN_SECRET_KEY": "y" * 60,
            "TUIXUAN_SECRET_KEY_FILE": str(key),
        },
        "SECRET_KEY",
    )
    assert "set either TUIXUAN_SECRET_KEY or TUIXUAN_SECRET_KEY_FILE, not both" in twice
    missing = settings_in_child(
        {"TUIXUAN_DATA_DIR": str(tmp_path), "DATABASE_URL_FILE": str(tmp_path / "none")},
        "DATABASES",
    )
    assert "DATABASE_URL_FILE: cannot read" in missing


# -- behind an HTTPS reverse proxy ----------------------------------------------------------


def test_the_proxy_settings_come_from_the_environment(tmp_path: Path) -> None:
    child = settings_in_child(
        {
            "TUIXUAN_DATA_DIR": str(tmp_path),
            "TUIXUAN_BEHIND_HTTPS_PROXY": "1",
            "TUIXUAN_CSRF_TRUSTED_ORIGINS": "https://tuixuan.example.cn, https://b.example.cn",
        },
        "CSRF_TRUSTED_ORIGINS",
        "SECURE_PROXY_SSL_HEADER",
        "USE_X_FORWARDED_HOST",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    )
    assert child == {
        "CSRF_TRUSTED_ORIGINS": "['https://tuixuan.example.cn', 'https://b.example.cn']",
        "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')",
        "USE_X_FORWARDED_HOST": "True",
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
    }
    plain = settings_in_child({"TUIXUAN_DATA_DIR": str(tmp_path)}, "SECURE_PROXY_SSL_HEADER")
    assert plain == {"SECURE_PROXY_SSL_HEADER": "None"}


PROXY = {
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_X_FORWARDED_HOST": "tuixuan.example.cn",
    "HTTP_ORIGIN": "https://tuixuan.example.cn",
}


def _post_login_through_the_proxy(convener: User, headers: dict[str, str] = PROXY) -> int:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/", **headers)  # type: ignore[arg-type]
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/login/",
        {"username": convener.username, "password": "wrong", "csrfmiddlewaretoken": token},
        **headers,  # type: ignore[arg-type]
    )
    return response.status_code


# A proxy that passes the scheme but not the browser's host name (Host: 127.0.0.1).
INTERNAL_HOST = {
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_HOST": "127.0.0.1",
    "HTTP_ORIGIN": "https://tuixuan.example.cn",
}


@pytest.mark.django_db
@pytest.mark.parametrize(("trusted", "status"), [(["https://tuixuan.example.cn"], 200), ([], 403)])
def test_the_trusted_origin_admits_a_post_when_the_proxy_does_not_pass_the_host(
    convener: User, trusted: list[str], status: int
) -> None:
    with override_settings(
        ALLOWED_HOSTS=["127.0.0.1"],
        CSRF_TRUSTED_ORIGINS=trusted,
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    ):
        assert _post_login_through_the_proxy(convener, INTERNAL_HOST) == status


@pytest.mark.django_db
def test_a_post_through_the_proxy_passes_the_csrf_origin_check(convener: User) -> None:
    with override_settings(
        ALLOWED_HOSTS=["tuixuan.example.cn"],
        CSRF_TRUSTED_ORIGINS=["https://tuixuan.example.cn"],
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
        USE_X_FORWARDED_HOST=True,
    ):
        assert _post_login_through_the_proxy(convener) == 200


@pytest.mark.django_db
def test_without_the_proxy_settings_the_same_post_fails_the_origin_check(
    convener: User,
) -> None:
    with override_settings(ALLOWED_HOSTS=["tuixuan.example.cn"], USE_X_FORWARDED_HOST=True):
        assert _post_login_through_the_proxy(convener) == 403
