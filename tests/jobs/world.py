"""A separate installation for fault tests: its own database (a SQLite file, or the test
database on PostgreSQL), its own data directory, and real processes (worker, web server)
that can be killed."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PRELUDE = """
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuixuan.settings")
django.setup()
from pathlib import Path
"""


@dataclass
class World:
    root: Path
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @classmethod
    def create(cls, root: Path) -> World:
        root.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "TUIXUAN_"))}
        env["TUIXUAN_DATA_DIR"] = str(root / "data")
        env["PYTHONPATH"] = str(ROOT)
        env["TUIXUAN_JOB_STALE_SECONDS"] = "600"
        if connection.vendor == "postgresql":
            s = connection.settings_dict
            env["DATABASE_URL"] = (
                f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
            )
            world = cls(root, env)
        else:
            env["DATABASE_URL"] = f"sqlite:///{root / 'world.sqlite3'}"
            world = cls(root, env)
            world.command("migrate", "-v0")
        return world

    def command(self, *args: str, extra: dict[str, str] | None = None) -> str:
        result = subprocess.run(  # noqa: S603 - fixed argv
            [str(BIN / "tuixuan"), *args],
            env={**self.env, **(extra or {})},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def python(self, code: str) -> Any:
        """Run code in the world; it leaves its answer in ``out``."""
        result = subprocess.run(  # noqa: S603 - fixed argv
            [sys.executable, "-c", PRELUDE + code + "\nprint(json.dumps(out, default=str))"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            cwd=ROOT,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return json.loads(result.stdout.strip().splitlines()[-1])

    def start(self, *args: str, extra: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(  # noqa: S603 - fixed argv
            [str(BIN / "tuixuan"), *args],
            env={**self.env, **(extra or {})},
            stdout=subprocess.DEVNULL,
            stderr=(self.root / f"{args[0]}-{len(self.processes)}.log").open("wb"),
        )
        self.processes.append(proc)
        return proc

    def stop(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Browser:
    """A logged-in HTTP client against a real server."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=60) as response:
            return int(response.status), response.read().decode()

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(  # noqa: S310 - our own server
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=60) as response:
            return int(response.status), response.read().decode()

    def login(self, username: str, password: str) -> None:
        _status, page = self.get("/login/")
        assert re.search(r"csrfmiddlewaretoken", page)
        _status, page = self.post("/login/", {"username": username, "password": password})
        assert "退出" in page or "下一步要做的事" in page, page[:500]
