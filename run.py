#!/usr/bin/env python3
"""One entry point for a fresh clone: sets up .venv from requirements/*.txt, then runs a task.

    python3 run.py demo [--port 8000] [--scale county|city|province]   build demo data and serve
    python3 run.py test [pytest args]                                    run the whole test suite
    python3 run.py check                                   ruff, mypy, import order, migrations
    python3 run.py setup                                                 only set up

Needs nothing but Python 3.11 with venv and pip. System packages the tests need (a CJK font,
poppler, Chromium) are installed by scripts/install-system-deps.sh.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
LOCKS = (ROOT / "requirements" / "prod.txt", ROOT / "requirements" / "dev.txt")
STAMP = VENV / ".tuixuan-installed"


def sh(*args: str | Path, env: dict[str, str] | None = None) -> int:
    return subprocess.call([str(a) for a in args], cwd=ROOT, env=env)  # noqa: S603 - fixed argv, no shell


def must(*args: str | Path, env: dict[str, str] | None = None) -> None:
    code = sh(*args, env=env)
    if code != 0:
        sys.exit(code)


def setup() -> None:
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"需要 Python 3.11，当前为 {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print("创建虚拟环境 .venv …", flush=True)
        must(sys.executable, "-m", "venv", VENV)
    wanted = hashlib.sha256(
        b"".join(lock.read_bytes() for lock in LOCKS) + (ROOT / "pyproject.toml").read_bytes()
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    print("安装依赖（requirements/prod.txt、dev.txt）…", flush=True)
    pip = [BIN / "python", "-m", "pip", "--disable-pip-version-check", "-q"]
    must(*pip, "install", "--require-hashes", "-r", LOCKS[0], "-r", LOCKS[1])
    must(*pip, "install", "--no-deps", "--no-build-isolation", "-e", ".")
    STAMP.write_text(wanted)


def main() -> None:
    args = sys.argv[1:]
    task = args[0] if args else "help"
    rest = args[1:]
    if task not in {"demo", "test", "check", "setup", "serve"}:
        print(__doc__)
        sys.exit(0 if task == "help" else 2)
    setup()
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    if task == "setup":
        return
    if task == "demo":
        must(BIN / "tuixuan", "demo", *rest, env=env)
    elif task == "serve":
        must(BIN / "tuixuan", "serve", *rest, env=env)
    elif task == "check":
        must(BIN / "ruff", "check", "src", "tests", "run.py", env=env)
        must(BIN / "ruff", "format", "--check", "src", "tests", "run.py", env=env)
        must(BIN / "mypy", "src", "tests", env=env)
        must(BIN / "lint-imports", env=env)  # apps import only downward (docs/design.md)
        check_env = dict(env, TUIXUAN_DATA_DIR=str(ROOT / "var" / "check"))
        must(BIN / "tuixuan", "makemigrations", "--check", "--dry-run", env=check_env)
    elif task == "test":
        must("bash", ROOT / "scripts" / "install-system-deps.sh", env=env)
        test_env = dict(env)
        test_env.setdefault("TUIXUAN_DATA_DIR", str(ROOT / "var" / "test"))
        code = sh(BIN / "pytest", *rest, env=test_env)
        sys.exit(code)


if __name__ == "__main__":
    main()
