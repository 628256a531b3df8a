"""The delivery machinery: workers, attempts, retries, settling, deactivation.

Life of a delivery in memory (``Job``): admitted (ordering may block it) ->
ready queue -> a worker takes it, waits for the rate limiter and any chaos
delay, marks it ``delivering`` *durably* (group commit), sends once, records
the attempt -> ``delivered`` / ``retrying`` (back through the scheduler) /
``dead`` / ``held``. Settling releases per-entity successors. ``Engine``
(engine.py) adds the lifecycle and the public operations.
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
        self._idle = asyncio.Event()
        self._idle.set()
        self._drained = asyncio.Event()
        self._run_open: dict[int | None, int] = {}
        self._run_done: dict[int | None, asyncio.Event] = {}
        self._alarm = asyncio.Event()
        self._fatal: BaseException | None = None
        self._inflight = 0
        self._closing = False
        self._virtual = bool(getattr(clock, "virtual", False))
        self._quiet = asyncio.Event()
        self.committer = Committer(outbox, options.flush_interval, self._fail)

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

    def _check_quiet(self) -> None:
        if self._virtual and not self._inflight and not len(self._ready):
            self._quiet.set()

    # -- state changes -------------------------------------------------------------------------

    def _set_state(self, job: Job, state: str, *, persist: bool = True) -> None:
        self.metrics.move(job.state, state)
        job.state = state
        if persist:
            self.committer.staged().updates[job.pk] = (
                state,
                job.attempts,
                job.round_base,
                job.next_at,
                job.last_status,
                job.last_error,
                self.clock.now(),
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
        self._live[job.pk] = job
        self._run_open[job.run_id] = self._run_open.get(job.run_id, 0) + 1
        self._idle.clear()
        if len(self._live) >= self.options.max_outstanding:
            self._space.clear()
        gate = None if self._gates is None else self._gates.setdefault(job.target, EntityGate())
        if gate is not None and job.keys and not gate.admit(job):
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

    def _settle(self, job: Job, state: str) -> None:
        """A final (or held) state: forget the job, release what it held back."""
        job.next_at = None
        self._set_state(job, state)
        if self._live.pop(job.pk, None) is not None:
            left = self._run_open[job.run_id] = self._run_open[job.run_id] - 1
            if not left and job.run_id in self._run_done:
                self._run_done[job.run_id].set()
        job.body = b""
        if self._gates is not None and job.keys:
            gate = self._gates.get(job.target)
            if gate is not None:
                for freed in gate.release(job):
                    self._dispatch(freed)
        if len(self._live) < self.options.max_outstanding:
            self._space.set()
        if not self._live:
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

    async def _worker(self) -> None:
        try:
            while not self._closing:
                job, shift = await self._ready.get()
                if job.state != "pending" or self._closing:
                    self._check_quiet()
                    continue
                self._inflight += 1
                try:
                    await self._attempt(job, shift)
                finally:
                    self._inflight -= 1
                    if self._closing and not self._inflight:
                        self._drained.set()
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
            if delay > 0 and self._virtual and (self._inflight or len(self._ready)):
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

    async def _attempt(self, job: Job, shift: int) -> None:
        target = self._targets[job.target]
        if not target.active:
            self._settle(job, "held")
            return
        chaos: dict[str, Any] = {}
        if shift:
            chaos["reorder"] = shift
        if self._limiter is not None:
            await self._limiter.acquire()
        if self._chaos.delay:
            rng = attempt_rng(self.options.seed, job.delivery_id, job.attempts + 1, "delay")
            extra = self._chaos.extra_delay(rng)
            chaos["delay"] = round(extra, 6)
            await self.clock.sleep(extra)
        if job.state != "pending":  # held while waiting
            return
        job.attempts += 1
        self._set_state(job, "delivering")
        await self.committer.durable()  # accepted + marked before the request leaves
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

    async def _send(self, job: Job, target: LiveTarget, chaos: dict[str, Any]) -> AttemptResult:
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
        self.metrics.observe(result.outcome, result.latency)
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
