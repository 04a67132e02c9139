"""The data directory, the database file, keys, uploads and attachments are private."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import Tree, login
from tuixuan.core.models import User
from tuixuan.record.events import EventType
from tuixuan.record.services import AttachmentFile, record

TUIXUAN = str(Path(sys.executable).with_name("tuixuan"))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_data_directory_and_its_database_are_private(tmp_path: Path) -> None:
    data = tmp_path / "fresh" / "var"
    env = {**os.environ, "TUIXUAN_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(  # noqa: S603 -- our own console script
        [TUIXUAN, "migrate", "--no-input", "-v", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    done = subprocess.run(  # noqa: S603 -- our own console script
        [TUIXUAN, "checkpoint"], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr
    assert _mode(data) == 0o700
    assert _mode(data / "tuixuan.sqlite3") == 0o600
    assert _mode(data / "secret_key") == 0o600
    assert _mode(data / "checkpoint_key") == 0o600
    others = [p for p in data.rglob("*") if _mode(p) & 0o077]
    assert others == []


def test_a_data_directory_made_before_is_narrowed_at_start(tmp_path: Path) -> None:
    data = tmp_path / "old"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)  # noqa: S103 -- the old, too open mode
    (data / "tuixuan.sqlite3").write_bytes(b"")
    os.chmod(data / "tuixuan.sqlite3", 0o644)
    env = {**os.environ, "TUIXUAN_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(  # noqa: S603 -- our own console script
        [TUIXUAN, "check"], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr
    assert _mode(data) == 0o700
    assert _mode(data / "tuixuan.sqlite3") == 0o600


def test_attachments_and_their_folders_are_for_the_system_only(db: None, media_root: Path) -> None:
    from django.db import transaction

    with transaction.atomic():
        event = record(
            event_type=EventType.MEMBER_CHANGED,
            actor=None,
            summary="党员转正",
            subject_type="member",
            subject_id=1,
            attachments=[AttachmentFile("决议.pdf", b"resolution")],
        )
    stored = media_root / event.attachments.get().stored_path
    assert _mode(stored) == 0o400
    assert _mode(stored.parent) == 0o700


def test_an_uploaded_import_file_is_private(
    tree: Tree, convener: User, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    upload = SimpleUploadedFile("党员.csv", "姓名,公民身份号码\n".encode(), "text/csv")
    response = login(convener).post(reverse("registry:import"), {"kind": "members", "file": upload})
    assert response.status_code in {200, 302}
    (stored,) = (tmp_path / "data" / "uploads").iterdir()
    assert _mode(stored) == 0o600
    assert _mode(stored.parent) == 0o700
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700
