"""Hostile files through the registry import page: refused with a Chinese reason, nothing written.

The same files against a running server are in tests/test_hostile_serve.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from tests import hostile
from tests.conftest import Tree, login
from tests.workers import JobQueue
from tuixuan.core.models import User
from tuixuan.jobs.models import Job
from tuixuan.record.models import Event
from tuixuan.registry.models import ImportJob, Member

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def bomb() -> Path:
    return hostile.cached_zip_bomb()


def _uploads() -> set[str]:
    folder = Path(settings.DATA_DIR) / "uploads"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def _post(user: User, path: Path) -> str:
    client = login(user)
    with path.open("rb") as fh:
        response = client.post(
            reverse("registry:import"), {"kind": "members", "file": fh}, follow=True
        )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (hostile.sparse_range, "工作表声明的范围有 16384 列，超过上限 200 列"),
        (hostile.wide_sheet, "工作表声明的范围有 10000000 列，超过上限 200 列"),
    ],
    ids=["sparse-range", "ten-million-columns"],
)
def test_hostile_workbooks_are_refused(
    tree: Tree,
    convener: User,
    tmp_path: Path,
    jobs: JobQueue,
    make: Callable[[Path], Path],
    reason: str,
) -> None:
    # The declared range is checked in the request: the form again, the reason at the field.
    members, events, before = Member.objects.count(), Event.objects.count(), _uploads()
    page = _post(convener, make(tmp_path / "党员.xlsx"))
    assert 'id="import-form"' in page and reason in page
    assert jobs.run() == 0
    assert not Job.objects.exists() and not ImportJob.objects.exists()
    assert _uploads() == before
    assert Member.objects.count() == members and Event.objects.count() == events


def test_a_workbook_that_only_parsing_reveals_fails_in_its_job(
    tree: Tree, convener: User, tmp_path: Path, jobs: JobQueue
) -> None:
    # Nothing declares the far cell, so only the limited reader in the job can find it.
    reason = "读取文件所需内存超过 4096 MB 上限，已停止"
    members, events = Member.objects.count(), Event.objects.count()
    page = _post(convener, hostile.sparse_range(tmp_path / "党员.xlsx", declare=False))
    assert "正在导入" in page and reason not in page
    assert jobs.run() == 1
    job = Job.objects.get()
    result = login(convener).get(reverse("registry:import_progress", args=[job.pk]), follow=True)
    assert reason in result.content.decode()
    import_job = ImportJob.objects.get()
    assert import_job.status == ImportJob.Status.FAILED and reason in import_job.message
    assert Member.objects.count() == members and Event.objects.count() == events


def test_the_zip_bomb_is_refused(tree: Tree, convener: User, bomb: Path, jobs: JobQueue) -> None:
    members, events = Member.objects.count(), Event.objects.count()
    page = _post(convener, bomb)
    assert 'id="import-form"' in page
    assert "工作簿中的部件“xl/worksheets/sheet1.xml”解压后为 2048 MB，超过上限 1024 MB" in page
    assert jobs.run() == 0
    assert not Job.objects.exists() and not ImportJob.objects.exists()
    assert Member.objects.count() == members and Event.objects.count() == events


@override_settings(UPLOAD_MAX_MB=1)
def test_an_upload_over_the_limit_is_refused_before_it_is_stored(
    tree: Tree, convener: User, tmp_path: Path
) -> None:
    before = _uploads()
    page = _post(convener, hostile.big_file(tmp_path / "大文件.xlsx", mb=3))
    assert "文件超过 1 MB 的上限，未上传。请拆分后分批导入。" in page
    assert 'id="import-form"' in page  # the form again, the reason next to its file field
    assert _uploads() == before
    assert not ImportJob.objects.exists()


@override_settings(UPLOAD_MAX_MB=1)
def test_a_file_that_reaches_the_view_oversized_is_refused_too(
    tree: Tree, convener: User, settings: object
) -> None:
    # Without the streaming handler (another handler list), the view still checks the size.
    with override_settings(
        FILE_UPLOAD_HANDLERS=["django.core.files.uploadhandler.TemporaryFileUploadHandler"]
    ):
        client = login(convener)
        upload = SimpleUploadedFile("党员.xlsx", b"PK" + b"\0" * (2 * 1024 * 1024))
        page = client.post(
            reverse("registry:import"), {"kind": "members", "file": upload}
        ).content.decode()
    assert "文件超过 1 MB 的上限，未上传。" in page
    assert not ImportJob.objects.exists()


def test_the_command_line_import_refuses_a_hostile_file_with_exit_2(
    tree: Tree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    members = Member.objects.count()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_members", str(hostile.sparse_range(tmp_path / "党员.xlsx")))
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert "工作表声明的范围有 16384 列，超过上限 200 列" in captured.out + captured.err
    assert Member.objects.count() == members
