"""Faults with real processes: a worker killed in the middle of an import, and page views
while an import holds the database's write lock."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.jobs.world import Browser, World, free_port, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ROWS = 20_000
PASSWORD = "Tuixuan-Test-2026!"

SETUP = f"""
import datetime as dt
from tests import factories
from tests.registry.helpers import person, write_csv
from tuixuan.core.models import Role
from tuixuan.core.models import OrgType
city = factories.organisation("示范市委", org_type=OrgType.CITY, code="CITY")
unit = factories.organisation("东河镇党委", parent=city, org_type=OrgType.COMMITTEE, code="A")
factories.organisation("东河村党支部", parent=unit, code="A1")
factories.user(Role.UNIT_OPERATOR, unit, username="op")
path = write_csv(Path(os.environ["TUIXUAN_DATA_DIR"]) / "members.csv",
                 (person(org="A1", birth=dt.date(1960, 1, 1) + dt.timedelta(days=i // 400))
                  for i in range({ROWS})))
out = str(path)
"""

START = """
from tuixuan.core.models import User
from tuixuan.registry import jobs
job = jobs.start_import(actor=User.objects.get(username="op"), kind="members",
                        path=Path(os.environ["TUIXUAN_DATA_DIR"]) / "members.csv",
                        file_name="members.csv", only_valid=False)
out = job.pk
"""

STATE = """
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from django_tasks_db.models import DBTaskResult
from tuixuan.jobs import runner
from tuixuan.jobs.models import Job
from tuixuan.registry.models import ImportJob, Member
runner.reap()
job = Job.objects.get(kind="import")
out = {
    "status": job.status, "error": job.error, "attempts": job.attempts,
    "members": Member.objects.count(),
    "events": Event.objects.filter(event_type=EventType.MEMBERS_IMPORTED).count(),
    "member_changes": Event.objects.filter(event_type=EventType.MEMBER_CHANGED).count(),
    "imports": list(ImportJob.objects.order_by("pk").values_list("status", flat=True)),
    "task": DBTaskResult.objects.get(id=job.task_id).status if job.task_id else None,
}
"""


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World.create(tmp_path / "world")
    w.python(SETUP)
    yield w
    w.stop()


def _hold(world: World, *points: str) -> tuple[list[Path], dict[str, str]]:
    """Gates that stop the worker at these points until removed."""
    gates = [world.root / f"hold.{point}" for point in points]
    for gate in gates:
        gate.write_text("")
    return gates, {
        "TUIXUAN_HOLD_AT": ",".join(points),
        "TUIXUAN_HOLD_FILE": str(world.root / "hold"),
    }


def _locked(world: World) -> bool:
    """Whether someone holds SQLite's write lock now."""
    probe = sqlite3.connect(world.root / "world.sqlite3", timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    finally:
        probe.close()
    return False


def test_a_worker_killed_mid_import_fails_the_job_and_a_retry_writes_it_once(
    world: World,
) -> None:
    job_id = world.python(START)
    (gate,), hold = _hold(world, "import.write")
    worker = world.start("worker", extra=hold)
    reached = Path(f"{gate}.reached")
    wait_for(reached.exists, 120, "the import to reach its write phase")
    assert int(reached.read_text()) == worker.pid
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()

    state = world.python(STATE)
    assert state["status"] == "failed"
    assert f"进程 {worker.pid}）已停止，任务未完成" in state["error"]
    assert state["members"] == 0 and state["events"] == 0 and state["member_changes"] == 0
    assert state["imports"] == ["failed"]
    assert state["task"] == "FAILED"  # the queue's own row is closed too

    gate.unlink()
    world.python(
        f"""
from tuixuan.core.models import User
from tuixuan.jobs import runner
from tuixuan.jobs.models import Job
job = runner.retry(job=Job.objects.get(pk={job_id}), actor=User.objects.get(username="op"))
out = job.status
"""
    )
    world.command("worker", "--batch")
    state = world.python(STATE)
    assert state["status"] == "done", state["error"]
    assert state["attempts"] == 2
    assert state["members"] == ROWS and state["events"] == 1
    assert state["imports"] == ["failed", "done"]


def test_page_views_stay_fast_while_an_import_holds_the_write_lock(world: World) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    world.start("serve", "--no-worker", "--port", str(port), "--workers", "2")

    def up() -> bool:
        try:
            Browser(base).get("/login/")
        except OSError:
            return False
        return True

    wait_for(up, 60, "the web server")
    browsers = [Browser(base) for _ in range(3)]
    for b in browsers:
        b.login("op", PASSWORD)  # sessions written now, before the import holds the lock
    job_id = world.python(START)
    (checked, gate), hold = _hold(world, "import.checked", "import.write")
    world.start("worker", extra=hold)
    wait_for(Path(f"{checked}.reached").exists, 120, "the import to have checked every row")
    if connection.vendor == "sqlite":
        assert not _locked(world)  # reading and checking the file took no write lock
    checked.unlink()
    wait_for(Path(f"{gate}.reached").exists, 120, "the import to reach its write phase")
    if connection.vendor == "sqlite":
        assert _locked(world)  # the import really holds SQLite's write lock now

    timings: list[tuple[str, float, int]] = []
    errors: list[BaseException] = []

    def views(b: Browser) -> None:
        try:
            for _ in range(3):
                for path in ("/registry/members/", "/", f"/registry/import/progress/{job_id}/"):
                    started = time.monotonic()
                    status, page = b.get(path)
                    timings.append((path, time.monotonic() - started, status))
                    if "progress" in path:
                        assert "执行中" in page
        except BaseException as exc:  # handed to the test thread
            errors.append(exc)

    threads = [threading.Thread(target=views, args=(b,)) for b in browsers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(timings) == 27
    assert all(status == 200 for _, _, status in timings)
    slowest = max(timings, key=lambda t: t[1])
    print(f"page views during the held import: slowest {slowest[1]:.3f} s ({slowest[0]})")
    assert slowest[1] < 1.0, slowest

    gate.unlink()
    wait_for(lambda: world.python(STATE)["status"] == "done", 120, "the import to finish")
    assert world.python(STATE)["members"] == ROWS


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_serve_runs_the_web_server_and_a_worker_and_stops_both(world: World) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to find the child processes")
    port = free_port()
    serve = world.start("serve", "--port", str(port), "--workers", "1")
    wait_for(lambda: len(_children(serve.pid)) == 2, 60, "the web server and the worker")
    children = _children(serve.pid)
    # The worker works: on start it queued today's maintenance and ran it.
    daily = (
        "from tuixuan.jobs.models import Job\n"
        'out = list(Job.objects.filter(kind="daily").values_list("status", flat=True))'
    )
    wait_for(lambda: world.python(daily) == ["done"], 60, "the daily maintenance")
    serve.send_signal(signal.SIGTERM)
    assert serve.wait(timeout=60) == 0
    for pid in children:
        assert not Path(f"/proc/{pid}").exists(), f"process {pid} outlived serve"
