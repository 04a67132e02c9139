"""Pure rules of supervision (docs/domain.md §9.4): nothing here imports Django.

``canvassing`` finds statistical signs of canvassing (拉票迹象) in the recommendation data
of 一上; it reports what it found with its figures and never decides anything by itself.
"""

from __future__ import annotations
