"""Named points where a fault test can hold a running process.

``hold("import.write")`` does nothing unless the environment names that point in
``TUIXUAN_HOLD_AT`` and gives a file in ``TUIXUAN_HOLD_FILE``: then the process writes
``<file>.reached`` and waits while ``<file>`` exists. The fault tests use it to kill a worker
at a known moment; in-process tests replace ``hold`` itself.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def hold(point: str) -> None:
    if os.environ.get("TUIXUAN_HOLD_AT") != point:
        return
    gate = Path(os.environ["TUIXUAN_HOLD_FILE"])
    Path(f"{gate}.reached").write_text(str(os.getpid()))
    while gate.exists():
        time.sleep(0.05)
