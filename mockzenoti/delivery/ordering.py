"""Per-entity ordering and the queue of deliveries ready to go.

``EntityGate`` (one per target) keeps, for every entity key, the line of
unsettled deliveries sharing it, in acceptance order. A delivery may go when
it heads the line of every one of its keys; when it settles (delivered, dead,
held or discarded) it leaves its lines and the deliveries it was holding back
are released if nothing else holds them.

``ReadyQueue`` is a FIFO with two extras: due retries jump to the front, and
chaos reordering takes a random one of the first ``window`` items.
"""

from __future__ import annotations

import random
from collections import deque

from mockzenoti.delivery.live import Job, LiveTarget
from mockzenoti.delivery.waiters import Waiters

__all__ = ["EntityGate", "HandOff", "ReadyQueue"]


class EntityGate:
    """Holds a delivery back until earlier deliveries sharing any of its keys settle."""

    __slots__ = ("_lines",)

    def __init__(self) -> None:
        self._lines: dict[str, deque[Job]] = {}

    def admit(self, job: Job) -> bool:
        """Queue ``job`` behind earlier ones on its keys; True when it may go now."""
        for key in job.keys:
            self._lines.setdefault(key, deque()).append(job)
        return self._free(job)

    def _free(self, job: Job) -> bool:
        return all(self._lines[key][0] is job for key in job.keys)

    def release(self, job: Job) -> list[Job]:
        """Take settled ``job`` out of its lines; returns the deliveries now free to go."""
        freed: list[Job] = []
        for key in job.keys:
            line = self._lines.get(key)
            if line is None:
                continue
            if line[0] is job:
                line.popleft()
            else:
                try:
                    line.remove(job)
                except ValueError:
                    continue
            if not line:
                del self._lines[key]
                continue
            head = line[0]
            if head.blocked and head not in freed and self._free(head):
                freed.append(head)
        return freed

    def __len__(self) -> int:
        """How many entity keys have unsettled deliveries."""
        return len(self._lines)


class ReadyQueue(Waiters):
    """Deliveries ready for a worker; ``get()`` returns ``(job, displacement)``.

    ``displacement`` is how many older deliveries the job overtook (chaos
    reordering; 0 otherwise).
    """

    __slots__ = ("_items", "_rng", "_window")

    def __init__(self, window: int = 0, rng: random.Random | None = None) -> None:
        super().__init__()
        self._items: deque[Job] = deque()
        self._window = window if window > 1 else 0
        self._rng = rng or random.Random(0)

    def __len__(self) -> int:
        return len(self._items)

    def put(self, job: Job, *, front: bool = False) -> None:
        """Add a job at the back (or the front, for a due retry) and wake one getter."""
        if front:
            self._items.appendleft(job)
        else:
            self._items.append(job)
        self.wake()

    def get_nowait(self) -> tuple[Job, int]:
        """Take a job without waiting (the queue must not be empty)."""
        if self._window and len(self._items) > 1:
            index = self._rng.randrange(min(self._window, len(self._items)))
            job = self._items[index]
            del self._items[index]
            return job, index
        return self._items.popleft(), 0

    async def get(self) -> tuple[Job, int]:
        """Wait for a job; the oldest, or a random one of the first ``window``."""
        if not self._items:
            await self.until_any(self._items)
        return self.get_nowait()


class HandOff(Waiters):
    """A FIFO from the dispatcher to the workers: cheaper than ``asyncio.Queue``.

    ``get()`` returns at once while items are queued (no coroutine switch);
    otherwise the getter waits on its own future.
    """

    __slots__ = ("_items",)

    def __init__(self) -> None:
        super().__init__()
        self._items: deque[tuple[Job, LiveTarget, int]] = deque()

    def qsize(self) -> int:
        """How many items wait."""
        return len(self._items)

    def empty(self) -> bool:
        """True when nothing waits."""
        return not self._items

    def put_nowait(self, item: tuple[Job, LiveTarget, int]) -> None:
        """Queue an item and wake one waiting getter."""
        self._items.append(item)
        self.wake()

    def get_nowait(self) -> tuple[Job, LiveTarget, int]:
        """Take the oldest item (the queue must not be empty)."""
        return self._items.popleft()

    async def get(self) -> tuple[Job, LiveTarget, int]:
        """Wait for an item and take it."""
        if not self._items:
            await self.until_any(self._items)
        return self._items.popleft()
