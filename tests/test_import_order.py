"""The apps import only downward (docs/design.md, [tool.importlinter] in pyproject.toml).

`python3 run.py check` runs the contract on the tree; this proves that the contract holds
and that it would refuse an upward import, also one inside a function."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(src: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(src))
    return subprocess.run(  # noqa: S603 - fixed argv
        [str(LINT), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_the_tree_keeps_the_order() -> None:
    result = _lint(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "planted"),
    [
        ("core/clock.py", "from tuixuan.registry import models as _m\n"),
        ("record/hashing.py", "def _f() -> None:\n    from tuixuan.dossier import books  # noqa\n"),
    ],
)
def test_an_upward_import_is_refused(tmp_path: Path, module: str, planted: str) -> None:
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "tuixuan", src / "tuixuan", ignore=shutil.ignore_patterns("__pycache__")
    )
    target = src / "tuixuan" / module
    target.write_text(target.read_text(encoding="utf-8") + "\n" + planted, encoding="utf-8")
    result = _lint(src)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
