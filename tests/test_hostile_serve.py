"""Hostile files against a real ``tuixuan serve`` (gunicorn): each is answered with a Chinese
reason, the worker processes stay the same, and the site keeps answering.

A scratch data directory and SQLite database get the small demo (``tuixuan demo --no-serve``);
the server runs on a free port as it would in production (background imports on). The
convener uploads through the registry import page, the demo branch operator through the
branch's Excel import.
"""

from __future__ import annotations

import html
import http.client
import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import hostile

pytestmark = pytest.mark.slow

PASSWORD = "Tuixuan@2026"  # the demo accounts' password (docs/demo.md)
BIG_MB = 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    base: str
    host: str
    port: int
    process: subprocess.Popen[bytes]
    data_dir: Path
    round_pk: int
    branch_pk: int

    def workers(self) -> set[int]:
        """The gunicorn worker pids (children of the master, which is our process)."""
        pid = self.process.pid
        found: set[int] = set()
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            found |= {int(p) for p in text}
        return found

    def uploads(self) -> list[Path]:
        folder = self.data_dir / "uploads"
        return sorted(folder.iterdir()) if folder.exists() else []


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.pop("TUIXUAN_IMPORT_IN_BACKGROUND", None)
    env.update(
        TUIXUAN_DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{data_dir / 'tuixuan.sqlite3'}",
        TUIXUAN_ALLOWED_HOSTS="127.0.0.1,localhost",
        TUIXUAN_DEBUG="false",
    )
    return env


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("serve")
    env = _env(data_dir)
    tuixuan = str(Path(sys.executable).with_name("tuixuan"))
    subprocess.run(  # noqa: S603  # our own command
        [tuixuan, "demo", "--no-serve", "--members", "300", "--branches", "6", "-v", "0"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    with sqlite3.connect(data_dir / "tuixuan.sqlite3") as db:
        (round_pk,) = db.execute("select id from nomination_round order by id").fetchone()
        (branch_pk,) = db.execute(
            "select organisation_id from core_user where username = 'branch'"
        ).fetchone()
    port = _free_port()
    log = (data_dir / "serve.log").open("wb")
    process = subprocess.Popen(  # noqa: S603  # our own command
        [tuixuan, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/login/", timeout=5) as r:  # noqa: S310
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise AssertionError((data_dir / "serve.log").read_text())
        time.sleep(0.3)
    srv = Server(base, "127.0.0.1", port, process, data_dir, round_pk, branch_pk)
    while len(srv.workers()) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    try:
        yield srv
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


class Browser:
    """A cookie-keeping client for the form posts a user's browser would make."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.server.base + path, timeout=60) as r:
            return r.geturl(), r.read().decode()

    def csrf(self, page: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, page[:500]
        return found.group(1)

    def login(self, username: str) -> None:
        _, page = self.get("/login/")
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": self.csrf(page), "username": username, "password": PASSWORD}
        ).encode()
        request = urllib.request.Request(  # noqa: S310  # http://127.0.0.1 only
            self.server.base + "/login/", data=data, headers={"Referer": self.server.base}
        )
        with self.opener.open(request, timeout=60) as r:
            assert "/login/" not in r.geturl(), r.read().decode()[:2000]

    def upload(self, path: str, fields: dict[str, str], file: Path) -> tuple[int, str, str]:
        """A multipart POST streamed from disk (so a 200 MB file costs no memory here)."""
        boundary = "----tuixuan-hostile-boundary"
        head = "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
            for k, v in fields.items()
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        tail = f"\r\n--{boundary}--\r\n".encode()
        body = file.with_suffix(".body")
        with body.open("wb") as out:
            out.write(head.encode())
            with file.open("rb") as src:
                while block := src.read(1024 * 1024):
                    out.write(block)
            out.write(tail)
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.jar)
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=120)
        try:
            with body.open("rb") as fh:
                conn.request(
                    "POST",
                    path,
                    body=fh,
                    headers={
                        "Content-Type": f"multipart/form-data; boundary={boundary}",
                        "Content-Length": str(body.stat().st_size),
                        "Cookie": cookies,
                        "Referer": self.server.base + path,
                    },
                )
                response = conn.getresponse()
                text = response.read().decode()
                return response.status, response.getheader("Location") or "", text
        finally:
            conn.close()
            body.unlink()

    def follow(self, location: str, *, until: str, seconds: float = 120) -> str:
        """GET the redirect target, polling (a background import) until ``until`` is in it."""
        deadline = time.monotonic() + seconds
        url = location if location.startswith("/") else urllib.parse.urlparse(location).path
        while True:
            final, page = self.get(url)
            if until in page or time.monotonic() > deadline:
                return page
            url = urllib.parse.urlparse(final).path
            time.sleep(0.5)


FILES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("sparse-range", hostile.sparse_range, "工作表声明的范围有 16384 列，超过上限 200 列"),
    ("ten-million-columns", hostile.wide_sheet, "工作表声明的范围有 10000000 列，超过上限 200 列"),
    (
        "sparse-undeclared",
        lambda p: hostile.sparse_range(p, declare=False),
        "读取文件所需内存超过 4096 MB 上限，已停止",
    ),
    (
        "zip-bomb",
        lambda p: hostile.cached_zip_bomb(),
        "工作簿中的部件“xl/worksheets/sheet1.xml”解压后为 2048 MB，超过上限 1024 MB",
    ),
    ("200-MB", lambda p: hostile.big_file(p, mb=BIG_MB), "文件超过 50 MB 的上限，未上传。"),
]


def _still_up(server: Server, workers: set[int]) -> None:
    assert server.process.poll() is None
    with urllib.request.urlopen(f"{server.base}/login/", timeout=10) as r:  # noqa: S310
        assert r.status == 200
    assert server.workers() == workers, "a worker process died and was replaced"


@pytest.mark.parametrize(("label", "make", "reason"), FILES, ids=[f[0] for f in FILES])
def test_registry_import_answers_each_hostile_file(
    server: Server, tmp_path: Path, label: str, make: Callable[[Path], Path], reason: str
) -> None:
    workers = server.workers()
    assert len(workers) == 2
    before = server.uploads()
    browser = Browser(server)
    browser.login("convener")
    _, page = browser.get("/registry/import/")
    fields = {"csrfmiddlewaretoken": browser.csrf(page), "kind": "members"}
    status, location, text = browser.upload(
        "/registry/import/", fields, make(tmp_path / "党员.xlsx")
    )
    if status == 302:
        text = browser.follow(location, until=reason)
    else:
        assert status == 200
    assert reason in html.unescape(text)
    if label == "200-MB":
        assert server.uploads() == before, "the refused upload was stored"
    assert all(p.stat().st_size < 10 * 1024 * 1024 for p in server.uploads())
    _still_up(server, workers)


@pytest.mark.parametrize(("label", "make", "reason"), FILES, ids=[f[0] for f in FILES])
def test_nomination_import_answers_each_hostile_file(
    server: Server, tmp_path: Path, label: str, make: Callable[[Path], Path], reason: str
) -> None:
    workers = server.workers()
    browser = Browser(server)
    browser.login("branch")
    branch = f"/nomination/round/{server.round_pk}/branch/{server.branch_pk}/"
    _, page = browser.get(branch)
    fields = {"csrfmiddlewaretoken": browser.csrf(page)}
    status, _, page = browser.upload(f"{branch}import/", fields, make(tmp_path / "推荐.xlsx"))
    assert status == 200  # the branch page again, the reason next to the file field
    assert 'class="errorlist"' in page
    assert reason in html.unescape(page)
    _still_up(server, workers)
