"""Project date formats: forms write dates as ISO ``2026-12-01``, the only value an
``<input type=date>`` accepts; the other Chinese spellings are still read."""
