"""The delivery machinery: workers, attempts, retries, settling, deactivation.

Life of a delivery in memory (``Job``): admitted (ordering may block it) ->
ready queue -> the dispatcher marks a batch of jobs ``delivering`` and waits
until that is committed (one commit per batch), then hands them to the workers
-> a worker waits for the rate limiter and any chaos delay, sends once and
records the attempt -> ``delivered`` / ``retrying`` (back through the
scheduler) / ``dead`` / ``held``. Settling releases per-entity successors.
``Engine`` (engine.py) adds the lifecycle and the public operations.

The dispatcher keeps up to ``4 * concurrency`` marked jobs waiting for a
worker and refills when half are taken, so marks are committed in batches and
workers never wait for the outbox. A process killed at any moment leaves at
most ``5 * concurrency`` deliveries ``delivering``; each is counted as a
possible duplicate when the work resumes (an upper bound: only those in
flight can really have reached the target).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
from typing import Any

import aiohttp

from mockzenoti import jsonfast
from mockzenoti.delivery.chaos import attempt_rng
from mockzenoti.delivery.clock import Clock
from mockzenoti.delivery.committer import Committer
from mockzenoti.delivery.live import Job, LiveTarget
from mockzenoti.delivery.observe import Hub
from mockzenoti.delivery.options import DeliveryOptions
from mockzenoti.delivery.ordering import EntityGate, ReadyQueue
from mockzenoti.delivery.outbox.queries import Outbox
from mockzenoti.delivery.ratelimit import RateLimiter
from mockzenoti.delivery.send import AttemptResult, is_retryable
from mockzenoti.delivery.writer import make_writer

__all__ = ["DeliveryCore"]


class DeliveryCore:
    """State and hot path shared by ``Engine``'s operations (not used directly)."""

    _session: aiohttp.ClientSession

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
        self._marked: asyncio.Queue[tuple[Job, LiveTarget, int]] = asyncio.Queue()
        self._prefetch = 4 * options.concurrency
        self._marked_room = asyncio.Event()
        self._dispatching: list[tuple[Job, LiveTarget, int]] = []
        self._closing = False
        self._virtual = bool(getattr(clock, "virtual", False))
        self._quiet = asyncio.Event()
        self.committer = Committer(
            make_writer(options.writer, outbox), options.flush_interval, self._fail
        )
        self._observe = hub.metrics.observe

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
            self.hub.emit(
                {
                    "type": "delivery.state",
                    "delivery": job.pk,
                    "delivery_id": job.delivery_id,
                    "event_type": job.event_type,
                    "target": job.target,
                    "run_id": job.run_id,
                    "state": state,
                }
            )

    def _admit(self, job: Job) -> None:
        """Take charge of an unsettled job: ordering, then the ready queue or the scheduler."""
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
                return
        self._dispatch(job)

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

    # -- workers and the scheduler -------------------------------------------------------------

    async def _dispatcher(self) -> None:
        """Mark ready jobs ``delivering`` in batches, durably, and hand them to workers."""
        marked, ready = self._marked, self._ready
        try:
            while True:
                # Refill only when half the prefetch is used: marks go in batches of
                # at least concurrency / 2 per commit.
                if marked.qsize() > self._prefetch // 2:
                    self._marked_room.clear()
                    await self._marked_room.wait()
                    continue
                room = self._prefetch - marked.qsize()
                picks = [await ready.get()]
                while len(picks) < room and len(ready):
                    picks.append(ready.get_nowait())
                now = self.clock.now()
                batch = self._dispatching
                for job, shift in picks:
                    if job.state != "pending":
                        continue
                    target = self._targets[job.target]
                    if not target.active:
                        self._settle(job, "held", now)
                        continue
                    job.attempts += 1
                    self._set_state(job, "delivering", now)
                    batch.append((job, target, shift))
                if batch:
                    await self.committer.durable()  # marked before any request leaves
                    for item in batch:
                        marked.put_nowait(item)
                    batch.clear()
                elif self._virtual:
                    self._check_quiet()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug: fail the run rather than hang it
            self._fail(exc)

    def _unmark(self) -> None:
        """On shutdown: jobs marked but never sent go back to ``pending``."""
        pending = list(self._dispatching)
        self._dispatching.clear()
        while not self._marked.empty():
            pending.append(self._marked.get_nowait())
        for job, _, _ in pending:
            if job.state == "delivering":
                job.attempts -= 1
                self._set_state(job, "pending")

    async def _worker(self) -> None:
        marked = self._marked
        try:
            while not self._closing:
                job, target, shift = await marked.get()
                if not self._marked_room.is_set() and marked.qsize() <= self._prefetch // 2:
                    self._marked_room.set()
                if self._closing:
                    marked.put_nowait((job, target, shift))  # _unmark() reverts it
                    return
                self._inflight += 1
                try:
                    await self._attempt(job, target, shift)
                finally:
                    self._inflight -= 1
                    if self._closing and not self._inflight:
                        self._drained.set()
                    if self._virtual:
                        self._check_quiet()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug: fail the run rather than hang it
            self._fail(exc)

    async def _scheduler(self) -> None:
        while True:
            if not self._heap:
                self._sched_wake.clear()
                await self._sched_wake.wait()
                continue
            due, _, job = self._heap[0]
            delay = due - self.clock.now()
            if delay > 0 and self._virtual and self._busy():
                # Virtual time: let every attempt under way finish before jumping ahead.
                self._quiet.clear()
                self._sched_wake.clear()
                await self._until_either(self._quiet, self._sched_wake)
                continue
            if delay > 0:
                self._sched_wake.clear()
                sleeper = asyncio.ensure_future(self.clock.sleep(delay))
                waker = asyncio.ensure_future(self._sched_wake.wait())
                try:
                    await asyncio.wait((sleeper, waker), return_when=asyncio.FIRST_COMPLETED)
                finally:
                    sleeper.cancel()
                    waker.cancel()
                    await asyncio.gather(sleeper, waker, return_exceptions=True)
                continue
            heapq.heappop(self._heap)
            if job.state == "retrying" and job.next_at == due:
                self._set_state(job, "pending", persist=False)
                self._ready.put(job, front=True)

    async def _attempt(self, job: Job, target: LiveTarget, shift: int) -> None:
        chaos: dict[str, Any] | None = {"reorder": shift} if shift else None
        if self._limiter is not None:
            await self._limiter.acquire()
        if self._chaos.delay:
            rng = attempt_rng(self.options.seed, job.delivery_id, job.attempts, "delay")
            extra = self._chaos.extra_delay(rng)
            chaos = {**(chaos or {}), "delay": round(extra, 6)}
            await self.clock.sleep(extra)
        if not target.active:  # deactivated while this job waited
            job.attempts -= 1
            self._settle(job, "held")
            return
        result = await self._send(job, target, chaos)
        if result.delivered:
            if self._chaos.duplicate:
                rng = attempt_rng(self.options.seed, job.delivery_id, job.attempts, "duplicate")
                if self._chaos.duplicates(rng):  # the same request once more, right away
                    job.attempts += 1
                    first_status = job.last_status
                    await self._send(job, target, {"duplicate": True})
                    job.last_status, job.last_error = first_status, None
            self._settle(job, "delivered")
            if target.failures:
                target.failures = 0
                self.committer.staged().targets[target.name] = target.row(self.clock.now())
            return
        retry = job.attempts - job.round_base
        policy = target.target.policy
        if is_retryable(result, target.sender.retry_statuses) and retry <= policy.max_retries:
            if not target.active:
                self._settle(job, "held")
                return
            rng = attempt_rng(self.options.seed, job.delivery_id, retry, "jitter")
            wait = policy.wait(
                retry, rng, retry_after=result.retry_after, scale=self.options.retry_scale
            )
            job.next_at = self.clock.now() + wait
            self._set_state(job, "retrying")
            heapq.heappush(self._heap, (job.next_at, next(self._tick), job))
            self._sched_wake.set()
            return
        self._settle(job, "dead")
        target.failures += 1
        self.committer.staged().targets[target.name] = target.row(self.clock.now())
        threshold = target.target.deactivate_after
        if threshold and target.failures >= threshold and target.active:
            self._deactivate(target)

    async def _send(
        self, job: Job, target: LiveTarget, chaos: dict[str, Any] | None
    ) -> AttemptResult:
        n = job.attempts
        if self.hub.active:
            self.hub.emit(
                {
                    "type": "attempt.started",
                    "delivery": job.pk,
                    "delivery_id": job.delivery_id,
                    "target": job.target,
                    "n": n,
                }
            )
        at = self.clock.now()
        result = await target.sender.send(self._session, job.body, job.delivery_id, at)
        job.last_status = result.status
        job.last_error = result.error
        latency_ms = round(result.latency * 1000, 3)
        self.committer.staged().attempts.append(
            (
                job.pk,
                n,
                at,
                result.outcome,
                result.status,
                result.error,
                latency_ms,
                result.response,
                jsonfast.dumps(chaos).decode() if chaos else None,
            )
        )
        self._observe(result.outcome, result.latency)
        if self.hub.active:
            self.hub.emit(
                {
                    "type": "attempt.finished",
                    "delivery": job.pk,
                    "delivery_id": job.delivery_id,
                    "target": job.target,
                    "n": n,
                    "outcome": result.outcome,
                    "status": result.status,
                    "error": result.error,
                    "latency_ms": latency_ms,
                    "chaos": chaos or None,
                }
            )
        return result
