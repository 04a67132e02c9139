"""Long actions of the web as jobs with progress, through the real task backend: the member
export to Excel and the drawing of a large electorate (the batch export of books is in
tests/dossier/test_exports.py)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories
from tests.conftest import Tree, login
from tests.workers import JobQueue
from tuixuan.core.models import Role, User
from tuixuan.election import services
from tuixuan.election.models import DueVoter, Election
from tuixuan.election.services import meeting
from tuixuan.jobs import runner
from tuixuan.jobs.models import Job
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.registry import exporting
from tuixuan.registry.models import Member


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    return tmp_path / "data"


def _watch_progress(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Every progress the running job reports, in order (the page shows the latest)."""
    seen: list[tuple[int, int]] = []
    original = runner.Reporter.progress

    def watch(self: runner.Reporter, done: int, total: int, message: str = "") -> None:
        seen.append((done, total))
        original(self, done, total, message)

    monkeypatch.setattr(runner.Reporter, "progress", watch)
    return seen


# --- the member export ------------------------------------------------------------------


def test_a_small_member_export_still_comes_at_once(
    tree: Tree, convener: User, data_dir: Path, settings: Any
) -> None:
    settings.MEMBER_EXPORT_JOB_MIN_ROWS = 10
    factories.member(tree.branch_a1, "少量甲")
    response = login(convener).get(reverse("registry:members_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert not Job.objects.exists()


def test_a_large_member_export_asks_then_runs_as_a_job_with_progress(
    tree: Tree,
    convener: User,
    unit_operator: User,
    data_dir: Path,
    settings: Any,
    jobs: JobQueue,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.MEMBER_EXPORT_JOB_MIN_ROWS = 3
    monkeypatch.setattr(exporting, "PROGRESS_EVERY", 2)
    for i in range(5):
        factories.member(tree.branch_a1, f"甲支部{i}")
    factories.member(tree.branch_b1, "乙支部党员")
    client = login(unit_operator)  # unit A: branch_b1 is outside its subtree
    query = f"?org={tree.unit_a.pk}"
    ask = client.get(reverse("registry:members_export") + query)
    assert ask.status_code == 200 and not Job.objects.exists()  # a GET writes nothing
    page = ask.content.decode()
    assert 'id="export-rows">5<' in page and 'method="post"' in page

    started = client.post(reverse("registry:members_export") + query)
    job = Job.objects.get()
    assert started["Location"] == reverse("registry:members_export_progress", args=[job.pk])
    assert job.kind == Job.Kind.EXPORT_MEMBERS and job.total == 5
    assert job.status == Job.Status.PENDING
    waiting = client.get(started["Location"]).content.decode()
    assert "待执行" in waiting and 'hx-trigger="every 1s"' in waiting

    seen = _watch_progress(monkeypatch)
    assert jobs.run() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert (job.done, job.total) == (5, 5)
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]
    assert job.result["rows"] == 5

    done = client.get(started["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert reverse("registry:members_export_download", args=[job.pk]) in done
    download = client.get(reverse("registry:members_export_download", args=[job.pk]))
    assert download.status_code == 200
    saved = data_dir / "got.xlsx"
    saved.write_bytes(b"".join(download.streaming_content))  # type: ignore[attr-defined]
    names = [row[0] for row in load_workbook(saved).active.iter_rows(values_only=True)][1:]
    assert sorted(names) == [f"甲支部{i}" for i in range(5)]

    # Another user, even a convener above, gets nothing of this job.
    other = login(convener)
    assert other.get(started["Location"]).status_code == 404
    assert other.get(reverse("registry:members_export_download", args=[job.pk])).status_code == 404


def test_the_export_job_exports_only_what_the_user_may_see(
    tree: Tree, data_dir: Path, settings: Any, jobs: JobQueue
) -> None:
    """The worker reads the filters again for the user who started it: an organisation
    outside the user's subtree named in the filters fails the job instead of leaking."""
    settings.MEMBER_EXPORT_JOB_MIN_ROWS = 1
    branch = factories.user(Role.BRANCH_OPERATOR, tree.branch_a1, username="a1_exporter")
    factories.member(tree.branch_a1, "本支部")
    factories.member(tree.branch_a2, "邻支部")
    client = login(branch)
    client.post(reverse("registry:members_export"))
    jobs.run()
    job = Job.objects.get()
    assert job.status == Job.Status.DONE and job.result["rows"] == 1


def test_a_member_export_keeps_memory_flat_however_many_rows(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows are streamed (read a chunk at a time, written to a write-only workbook that
    keeps them on disk): with chunks of 100 rows, the peak memory of an export of 3,000 rows
    is not much above that of 300."""
    monkeypatch.setattr(exporting, "CHUNK_ROWS", 100)

    def peak(rows: int) -> int:
        Member.objects.all().delete()
        base = factories.member(tree.branch_a1, "模板")
        Member.objects.all().delete()
        Member.objects.bulk_create(
            [
                Member(
                    **{
                        f.attname: getattr(base, f.attname)
                        for f in Member._meta.concrete_fields
                        if not f.primary_key
                    }
                    | {"name": f"党员{i:05d}", "citizen_id": f"{i:017d}X"}
                )
                for i in range(rows)
            ],
            batch_size=1000,
        )
        tracemalloc.start()
        try:
            assert exporting.export_members(None, tmp_path / f"m{rows}.xlsx") == rows
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    # Both sizes span several chunks of the export (2,000 rows each): flat memory means the
    # peak of four times the rows stays close to the smaller one's.
    small, large = peak(2500), peak(10000)
    assert large < small * 1.5, (small, large)


# --- the electorate -----------------------------------------------------------------------


def _election(tree: Tree, operator: User, members: int) -> Election:
    for i in range(members):
        factories.member(tree.branch_a1 if i % 2 else tree.branch_a2, f"党员{i:03d}")
    return services.election_create(
        actor=operator,
        organisation=tree.unit_a,
        title="东河镇党员大会",
        body_type="members_meeting",
        profile="grassroots",
        seats=2,
    )


def test_a_small_electorate_is_drawn_at_once(
    tree: Tree, unit_operator: User, settings: Any
) -> None:
    settings.ELECTORATE_JOB_MIN_MEMBERS = 10
    election = _election(tree, unit_operator, 3)
    response = login(unit_operator).post(reverse("election:electorate_draw", args=[election.pk]))
    assert response["Location"] == reverse("election:voters", args=[election.pk])
    assert DueVoter.objects.filter(election=election).count() == 3
    assert not Job.objects.exists()


def test_a_large_electorate_is_drawn_by_a_job_with_progress(
    tree: Tree,
    unit_operator: User,
    supervisor: User,
    settings: Any,
    jobs: JobQueue,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.ELECTORATE_JOB_MIN_MEMBERS = 5
    monkeypatch.setattr(meeting, "DRAW_BATCH", 2)
    election = _election(tree, unit_operator, 5)
    client = login(unit_operator)
    started = client.post(reverse("election:electorate_draw", args=[election.pk]))
    job = Job.objects.get()
    assert started["Location"] == reverse("election:draw_progress", args=[job.pk])
    assert job.kind == Job.Kind.ELECTORATE_DRAW and job.total == 5
    assert not DueVoter.objects.filter(election=election).exists()  # nothing in the request
    page = client.get(started["Location"]).content.decode()
    assert "待执行" in page and 'hx-trigger="every 1s"' in page

    seen = _watch_progress(monkeypatch)
    assert jobs.run() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert seen == [(0, 5), (0, 5), (2, 5), (4, 5), (5, 5)]
    assert (job.done, job.total) == (5, 5) and job.result["voters"] == 5
    assert DueVoter.objects.filter(election=election).count() == 5
    drawn = Event.objects.filter(event_type=EventType.ELECTION_ELECTORATE_DRAWN).get()
    assert drawn.inputs["with_voting_rights"] == 5  # one event, as the service writes it

    done = client.get(started["Location"], HTTP_HX_REQUEST="true")
    assert done.status_code == 204
    assert done["HX-Redirect"] == reverse("election:voters", args=[election.pk])
    # Someone else's job reads like none; a role without elections is refused first.
    assert login(supervisor).get(started["Location"]).status_code == 404


def test_a_draw_job_refused_by_the_service_fails_with_its_reason(
    tree: Tree, unit_operator: User, settings: Any, jobs: JobQueue
) -> None:
    settings.ELECTORATE_JOB_MIN_MEMBERS = 2
    election = _election(tree, unit_operator, 3)
    client = login(unit_operator)
    started = client.post(reverse("election:electorate_draw", args=[election.pk]))
    Election.objects.filter(pk=election.pk).update(electorate_frozen=True)
    jobs.run()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "应到会名单不能再变更" in job.error
    assert not DueVoter.objects.filter(election=election).exists()
    page = client.get(started["Location"]).content.decode()
    assert "应到会名单不能再变更" in page and "重试" in page
