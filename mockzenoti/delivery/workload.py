"""The deliveries an engine holds in memory, and the queues between its parts.

Life of a delivery in memory (``Job``): registered (ordering may block it) ->
the ready queue, or the retry heap when it waits for a retry -> the
dispatcher marks a batch ``delivering`` (attempts.py) -> the marked queue ->
a worker sends once -> settled (``delivered``, ``dead``, ``held``: forgotten
here, its ordering successors released) or back to the retry heap.

``Workload`` also bounds memory (``max_outstanding``: the ``space`` event
pauses intake) and tells when nothing is left (``idle``) or a run's last
delivery settled. ``Alarm`` stops everything when a part fails.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random

from mockzenoti.delivery.live import Job, LiveTarget
from mockzenoti.delivery.options import DeliveryOptions
from mockzenoti.delivery.ordering import EntityGate, HandOff, ReadyQueue
from mockzenoti.delivery.transition import Ledger

__all__ = ["Alarm", "Workload"]


class Alarm:
    """The engine's failure: an outbox write failed or a task hit a bug; waits that end on it."""

    __slots__ = ("_event", "fatal")

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.fatal: BaseException | None = None

    def fail(self, exc: BaseException) -> None:
        """Stop everything (the first failure is kept)."""
        if self.fatal is None:
            self.fatal = exc
        self._event.set()

    async def until(self, event: asyncio.Event) -> None:
        """Wait for ``event``, raising at once if the engine failed."""
        if not event.is_set():
            await either(event, self._event)
        if self.fatal is not None:
            raise self.fatal


async def either(first: asyncio.Event, second: asyncio.Event) -> None:
    """Wait until one of two events is set."""
    waiters = [asyncio.ensure_future(first.wait()), asyncio.ensure_future(second.wait())]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)


class Workload:
    """Unsettled jobs in memory, their ordering, and the engine's queues (module docstring)."""

    def __init__(self, options: DeliveryOptions, ledger: Ledger) -> None:
        self.options = options
        self.ledger = ledger
        self.live: dict[int, Job] = {}
        self.ready = ReadyQueue(options.chaos.reorder, random.Random(f"{options.seed}/reorder"))
        self.marked = HandOff()  # jobs marked delivering, for the workers
        self.dispatching: list[tuple[Job, LiveTarget, int]] = []  # being marked
        self.heap: list[tuple[float, int, Job]] = []  # retries by due time
        self.heap_changed = asyncio.Event()
        self.prefetch = 4 * options.concurrency
        # Refill once a quarter of the prefetch is used: the commit that marks the
        # refill then overlaps the sending of the three quarters still queued.
        self.refill_at = self.prefetch - max(1, self.prefetch // 4)
        self.marked_room = asyncio.Event()
        # First attempts skip the ready queue unless chaos reorders it.
        self.fast = options.chaos.reorder <= 1
        self.space = asyncio.Event()
        self.space.set()
        self.idle = asyncio.Event()
        self.idle.set()
        self._tick = itertools.count()
        self._gates: dict[str, EntityGate] | None = {} if options.ordering == "per-entity" else None
        self._space_blocked = False
        self._run_open: dict[int | None, int] = {}
        self.run_done: dict[int | None, asyncio.Event] = {}

    def room(self) -> int:
        """How many more deliveries fit in memory (at least 1: the caller waits for ``space``)."""
        return max(1, min(self.options.batch_size, self.options.max_outstanding - len(self.live)))

    def open_in_run(self, run_id: int | None) -> int:
        """Deliveries of ``run_id`` still unsettled in memory."""
        return self._run_open.get(run_id, 0)

    def register(self, job: Job) -> bool:
        """Hold ``job`` in memory and in its ordering lines; True when it may go now."""
        live = self.live
        if not live:
            self.idle.clear()
        live[job.pk] = job
        self._run_open[job.run_id] = self._run_open.get(job.run_id, 0) + 1
        if len(live) >= self.options.max_outstanding and not self._space_blocked:
            self._space_blocked = True
            self.space.clear()
        if self._gates is not None and job.keys:
            gate = self._gates.get(job.target)
            if gate is None:
                gate = self._gates[job.target] = EntityGate()
            if not gate.admit(job):
                job.blocked = True
                return False
        return True

    def admit(self, job: Job) -> None:
        """Take charge of an unsettled job: ordering, then the ready queue or the retry heap."""
        if self.register(job):
            self.dispatch(job)

    def dispatch(self, job: Job) -> None:
        """A job free to go: a due-later retry waits in the heap, anything else is ready."""
        job.blocked = False
        if job.state == "retrying" and job.next_at is not None:
            self.schedule(job)
        else:
            self.ready.put(job)

    def schedule(self, job: Job) -> None:
        """Put a ``retrying`` job in the heap for ``job.next_at``."""
        assert job.next_at is not None
        heapq.heappush(self.heap, (job.next_at, next(self._tick), job))
        self.heap_changed.set()

    def settle(self, job: Job, state: str, now: float | None = None) -> None:
        """A final (or held) state: the transition, then forget the job and free what it held."""
        job.next_at = None
        self.ledger.move(job, state, now)
        live = self.live
        if live.pop(job.pk, None) is not None:
            left = self._run_open[job.run_id] = self._run_open[job.run_id] - 1
            if not left and job.run_id in self.run_done:
                self.run_done[job.run_id].set()
        job.body = b""
        if self._gates is not None and job.keys:
            gate = self._gates.get(job.target)
            if gate is not None:
                for freed in gate.release(job):
                    self.dispatch(freed)
        if self._space_blocked and len(live) < self.options.max_outstanding:
            self._space_blocked = False
            self.space.set()
        if not live:
            self.idle.set()

    def hold_waiting(self, target: str) -> None:
        """Hold every waiting job for ``target`` (those in flight settle when they finish)."""
        waiting = [j for j in self.live.values() if j.target == target]
        for job in waiting:
            if job.state in ("pending", "retrying"):
                self.settle(job, "held")

    def busy(self) -> bool:
        """True while anything is queued or being marked (in flight: ask the attempt loop)."""
        return bool(len(self.ready) or self.marked.qsize() or self.dispatching)
