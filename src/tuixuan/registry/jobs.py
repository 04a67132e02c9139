"""Progress of long imports, readable from any process: one small JSON file per run."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings


def _dir() -> Path:
    path = Path(settings.DATA_DIR) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_token() -> str:
    return uuid.uuid4().hex


def write(token: str, **data: Any) -> None:
    """Replace the progress file atomically, so a reader never sees half a file."""
    if not token.isalnum():
        raise ValueError("bad token")
    target = _dir() / f"{token}.json"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, target)


def read(token: str) -> dict[str, Any] | None:
    if not token.isalnum():
        return None
    target = _dir() / f"{token}.json"
    try:
        data: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return data
