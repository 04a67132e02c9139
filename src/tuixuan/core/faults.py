"""Named points where a fault test can hold a running process.

``hold("import.write")`` does nothing unless the environment names that point in
``TUIXUAN_HOLD_AT`` (comma-separated) and gives a file name in ``TUIXUAN_HOLD_FILE``: then
the process writes ``<file>.<point>.reached`` and waits while ``<file>.<point>`` exists.
The fault tests use it to kill a worker, or look at the database, at a known moment.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def hold(point: str) -> None:
    if point not in os.environ.get("TUIXUAN_HOLD_AT", "").split(","):
        return
    gate = Path(f"{os.environ['TUIXUAN_HOLD_FILE']}.{point}")
    Path(f"{gate}.reached").write_text(str(os.getpid()))
    while gate.exists():
        time.sleep(0.05)
