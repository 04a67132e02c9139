"""Pure rules for setting up a campaign: seat allocation, candidate margin, structure targets.

Nothing here imports Django, so the rules can be read next to the regulation and tested
exhaustively. Every number that decides anything is an ``int`` or a ``fractions.Fraction``.
"""

from __future__ import annotations
