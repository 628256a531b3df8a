"""The delivery machinery: workers, attempts, retries, settling, deactivation.

Life of a delivery in memory (``Job``): admitted (ordering may block it) ->
ready queue -> the dispatcher marks a batch of jobs ``delivering`` and waits
until that is committed (one commit per batch), then hands them to the workers
(attempts.py) -> a worker sends once and records the attempt -> ``delivered``
/ ``retrying`` (back through the scheduler) / ``dead`` / ``held``. Settling
releases per-entity successors. This module holds the state and its
transitions; ``intake.py`` takes jobs in, ``engine.py`` adds the lifecycle
and the public operations.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random

import aiohttp

from mockzenoti.delivery.clock import Clock
from mockzenoti.delivery.committer import Committer
from mockzenoti.delivery.http1 import HttpPool
from mockzenoti.delivery.live import Job, LiveTarget
from mockzenoti.delivery.observe import Hub
from mockzenoti.delivery.options import DeliveryOptions
from mockzenoti.delivery.ordering import EntityGate, HandOff, ReadyQueue
from mockzenoti.delivery.outbox.queries import Outbox
from mockzenoti.delivery.ratelimit import RateLimiter
from mockzenoti.delivery.watchdog import Watchdog
from mockzenoti.delivery.writer import make_writer

__all__ = ["DeliveryCore"]


class DeliveryCore:
    """State and hot path shared by ``Engine``'s operations (not used directly)."""

    _session: aiohttp.ClientSession
    _pool: HttpPool | None

    def __init__(self, outbox: Outbox, options: DeliveryOptions, clock: Clock, hub: Hub) -> None:
        self.outbox = outbox
        self.options = options
        self.clock = clock
        self.hub = hub
        self.metrics = hub.metrics
        self._chaos = options.chaos
        self._limiter = RateLimiter(options.rate, clock) if options.rate else None
        self._ready = ReadyQueue(options.chaos.reorder, random.Random(f"{options.seed}/reorder"))
        self._gates: dict[str, EntityGate] | None = {} if options.ordering == "per-entity" else None
        self._live: dict[int, Job] = {}
        self._targets: dict[str, LiveTarget] = {}
        self._heap: list[tuple[float, int, Job]] = []
        self._tick = itertools.count()
        self._sched_wake = asyncio.Event()
        self._space = asyncio.Event()
        self._space.set()
        self._space_blocked = False
        self._idle = asyncio.Event()
        self._idle.set()
        self._states = hub.metrics.states
        self._drained = asyncio.Event()
        self._run_open: dict[int | None, int] = {}
        self._run_done: dict[int | None, asyncio.Event] = {}
        self._alarm = asyncio.Event()
        self._fatal: BaseException | None = None
        self._inflight = 0
        self._marked = HandOff()
        self._prefetch = 4 * options.concurrency
        # Refill once a quarter of the prefetch is used: the commit that marks the
        # refill then overlaps the sending of the three quarters still queued.
        self._refill_at = self._prefetch - max(1, self._prefetch // 4)
        # First attempts skip the ready queue unless chaos reorders it.
        self._fast = options.chaos.reorder <= 1
        self._marked_room = asyncio.Event()
        self._dispatching: list[tuple[Job, LiveTarget, int]] = []
        self._closing = False
        self._virtual = bool(getattr(clock, "virtual", False))
        self._quiet = asyncio.Event()
        self.committer = Committer(
            make_writer(options.writer, outbox), options.flush_interval, self._fail
        )
        self._observe = hub.metrics.observe
        self._watchdog = Watchdog()  # the attempts' timeouts

    # -- failure -------------------------------------------------------------------------------

    def _fail(self, exc: BaseException) -> None:
        """Stop everything: an outbox write failed or a worker hit a bug."""
        if self._fatal is None:
            self._fatal = exc
        self._alarm.set()

    async def _until(self, event: asyncio.Event) -> None:
        """Wait for ``event``, raising at once if the engine failed."""
        if not event.is_set():
            await self._until_either(event, self._alarm)
        if self._fatal is not None:
            raise self._fatal

    async def _until_either(self, first: asyncio.Event, second: asyncio.Event) -> None:
        waiters = [asyncio.ensure_future(first.wait()), asyncio.ensure_future(second.wait())]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waiters:
                w.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)

    def _busy(self) -> bool:
        """True while anything is queued, being marked or in flight."""
        return bool(self._inflight or len(self._ready) or self._marked.qsize() or self._dispatching)

    def _check_quiet(self) -> None:
        if self._virtual and not self._busy():
            self._quiet.set()

    # -- state changes -------------------------------------------------------------------------

    def _set_state(
        self, job: Job, state: str, now: float | None = None, *, persist: bool = True
    ) -> None:
        states = self._states
        states[job.state] -= 1
        states[state] += 1
        job.state = state
        if persist:
            self.committer.staged().updates[job.pk] = (
                state,
                job.attempts,
                job.round_base,
                job.next_at,
                job.last_status,
                job.last_error,
                self.clock.now() if now is None else now,
                job.pk,
            )
        if self.hub.active:
            self.hub.emit(job.state_change(state))

    def _admit(self, job: Job) -> None:
        """Take charge of an unsettled job: ordering, then the ready queue or the scheduler."""
        if self._register(job):
            self._dispatch(job)

    def _register(self, job: Job) -> bool:
        """Hold ``job`` in memory and in its ordering lines; True when it may go now."""
        live = self._live
        if not live:
            self._idle.clear()
        live[job.pk] = job
        self._run_open[job.run_id] = self._run_open.get(job.run_id, 0) + 1
        if len(live) >= self.options.max_outstanding and not self._space_blocked:
            self._space_blocked = True
            self._space.clear()
        if self._gates is not None and job.keys:
            gate = self._gates.get(job.target)
            if gate is None:
                gate = self._gates[job.target] = EntityGate()
            if not gate.admit(job):
                job.blocked = True
                return False
        return True

    def _dispatch(self, job: Job) -> None:
        job.blocked = False
        if job.state == "retrying" and job.next_at is not None:
            heapq.heappush(self._heap, (job.next_at, next(self._tick), job))
            self._sched_wake.set()
        else:
            self._ready.put(job)

    def _settle(self, job: Job, state: str, now: float | None = None) -> None:
        """A final (or held) state: forget the job, release what it held back."""
        job.next_at = None
        self._set_state(job, state, now)
        live = self._live
        if live.pop(job.pk, None) is not None:
            left = self._run_open[job.run_id] = self._run_open[job.run_id] - 1
            if not left and job.run_id in self._run_done:
                self._run_done[job.run_id].set()
        job.body = b""
        if self._gates is not None and job.keys:
            gate = self._gates.get(job.target)
            if gate is not None:
                for freed in gate.release(job):
                    self._dispatch(freed)
        if self._space_blocked and len(live) < self.options.max_outstanding:
            self._space_blocked = False
            self._space.set()
        if not live:
            self._idle.set()

    def _deactivate(self, target: LiveTarget) -> None:
        target.active = False
        target.deactivated_at = self.clock.now()
        self.committer.staged().targets[target.name] = target.row(self.clock.now())
        if self.hub.active:
            self.hub.emit({"type": "target.deactivated", "target": target.name})
        for listener in tuple(target.listeners):
            listener(target.name)

    def _on_deactivated(self, name: str) -> None:
        """Hold every waiting delivery for ``name`` (in-flight ones settle when they finish)."""
        waiting = [j for j in self._live.values() if j.target == name and j.state != "delivering"]
        for job in waiting:
            if job.state in ("pending", "retrying"):
                self._settle(job, "held")
