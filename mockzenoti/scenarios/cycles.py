"""The cyclic garbage collector while a process only simulates: off, with a periodic pass.

Simulating allocates a few dicts and lists per event, and they die by
reference counting: the world makes no reference cycles (a full collection
after 200,000 ``day-in-the-life`` events finds nothing to free). Left on, the
collector still re-scans the world's growing state every few hundred
allocations, about a tenth of ``simulate``'s time. ``CyclePause`` freezes what
exists when it starts (modules, catalog, the built world: they live until the
process exits), turns automatic collection off, and runs one full collection
every ``every`` events (``count``), so that a custom scenario that does make
cycles still has its memory bounded.
"""

from __future__ import annotations

import gc

__all__ = ["CyclePause"]


class CyclePause:
    """``with CyclePause() as cycles: ... cycles.count(n)`` (see the module docstring)."""

    __slots__ = ("_enabled", "_every", "_left")

    def __init__(self, every: int = 250_000) -> None:
        self._every = self._left = every
        self._enabled = False

    def __enter__(self) -> CyclePause:
        gc.freeze()
        self._enabled = gc.isenabled()
        gc.disable()
        return self

    def count(self, events: int) -> None:
        """``events`` more were simulated: collect once every ``every`` of them."""
        self._left -= events
        if self._left <= 0:
            self._left = self._every
            gc.collect()

    def __exit__(self, *exc: object) -> None:
        if self._enabled:
            gc.enable()
