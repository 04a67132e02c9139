"""Signals the registry sends when what it knows about persons changes.

Apps above the registry (vetting) connect to them to re-check their open work; the
registry never imports those apps. Receivers run inside the registry's write transaction,
so whatever they record is committed with the change or not at all.
"""

from __future__ import annotations

from django.dispatch import Signal

persons_changed = Signal()
"""Sent with ``actor`` (a User or None), ``citizen_ids`` (list of str) and ``source`` (a
Chinese phrase naming the import or edit) after members or outside lists changed."""
