"""The benchmarks are installed by the development settings only."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.apps import apps

PROBE = (
    "import django; django.setup(); from django.apps import apps; "
    "print(apps.is_installed('tuixuan.bench'))"
)


def _installed(dev: str | None) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tuixuan.settings"}
    env.pop("TUIXUAN_DEV", None)
    if dev is not None:
        env["TUIXUAN_DEV"] = dev
    result = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_the_suite_has_the_benchmarks() -> None:
    assert apps.is_installed("tuixuan.bench")


@pytest.mark.parametrize(("dev", "installed"), [(None, "True"), ("1", "True"), ("0", "False")])
def test_development_settings_install_them(dev: str | None, installed: str) -> None:
    # Here the development dependencies are importable, so the default is development.
    assert _installed(dev) == installed
