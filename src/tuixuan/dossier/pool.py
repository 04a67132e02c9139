"""The processes that render books for a batch export (docs/performance.md).

This module is what a pool process imports first, before Django is set up, so it imports
nothing of the models at module level: ``start`` sets Django up, and only then does
``render_pdf`` import the book module (and the books arrive, unpickled, after ``start``).

Spawn, not fork. The process that exports is a job worker with a heartbeat thread and an
open database connection (an SQLite file in WAL mode with its locks and shared memory, or a
PostgreSQL socket). A forked child inherits both: a child that touches or merely closes them
corrupts the parent's session, and a lock another thread held at the fork stays held for
ever in the child. Spawned processes start clean, receive the books already read and checked
by value, and send back bytes; they never connect to the database, so the export behaves
the same on SQLite (one writer, WAL) and on PostgreSQL, and the record's checks stay in the
one process that read the events (docs/domain.md §9.3).
"""

from __future__ import annotations

import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tuixuan.dossier.books import Book
    from tuixuan.record.anchors import Anchor


def start() -> None:
    """A pool process: a fresh interpreter that sets Django up for the settings, the
    translations and the fonts, and never opens a database connection."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuixuan.settings")
    django.setup()


def render_pdf(book: Book, heads: list[Anchor]) -> bytes:
    """The PDF of one book from what the exporting process read and checked; reads nothing
    from the database, so it runs in a pool process as well as in the exporting one."""
    # Imported here, not at the top: in a pool process this module is loaded before
    # ``start`` has set Django up, and the book module needs the models.
    from tuixuan.dossier import books

    buffer = io.BytesIO()
    books.write_book_pdf(book, buffer, heads)
    return buffer.getvalue()


def executor(processes: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=start,
    )
