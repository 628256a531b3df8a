"""Tasks waiting their turn, each on its own future, woken one at a time (oldest first).

Cheaper than an ``asyncio.Condition`` (no lock) and fair. ``turn()`` returns
after one ``wake()``: the caller re-checks what it waits for. A waiter that is
woken and cancelled at once passes its wake-up on, so none is lost. Used by the
engine's queues (``ordering.py``) and the HTTP pool's connection limit
(``http1.py``).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sized

__all__ = ["Waiters"]


class Waiters:
    """Waiting tasks, woken one at a time (see the module docstring)."""

    __slots__ = ("_getters",)

    def __init__(self) -> None:
        self._getters: deque[asyncio.Future[None]] = deque()

    def wake(self) -> None:
        """Wake the oldest task still waiting (none: nothing happens)."""
        while self._getters:
            getter = self._getters.popleft()
            if not getter.done():
                getter.set_result(None)
                return

    async def turn(self) -> None:
        """Wait for one ``wake()``."""
        getter = asyncio.get_running_loop().create_future()
        self._getters.append(getter)
        try:
            await getter
        except asyncio.CancelledError:
            if getter.done() and not getter.cancelled():
                self.wake()  # pass the wake-up on to another waiter
            else:
                getter.cancel()
            raise

    async def until_any(self, items: Sized) -> None:
        """Return once ``items`` (the caller's own collection) is not empty."""
        while not items:
            await self.turn()
