"""The attempt path: the dispatcher, the workers, the retry scheduler.

Jobs reach the workers' queue marked ``delivering`` (committed) in two ways:
a first attempt is written ``delivering`` by its accept transaction
(intake.py); anything else (retries, reloaded deliveries, jobs ordering held
back, chaos reordering) waits in the ready queue until the dispatcher marks a
batch of them in one commit. At most ``4 * concurrency`` marked jobs wait for
a worker, refilled when a quarter are taken (the refill's commit overlaps the
sending of the other three quarters), so workers never wait for the outbox.
A process killed at any moment leaves at most ``5 * concurrency`` deliveries
``delivering``; each is counted as a possible duplicate when the work resumes
(an upper bound: only those in flight can really have reached the target).

A worker waits for the rate limiter and any chaos delay, sends once, records
the attempt, then settles the delivery (``delivered``, ``dead``, ``held``) or
schedules its retry; the scheduler puts due retries back in front of the
ready queue.
"""

from __future__ import annotations

import asyncio
import heapq
from typing import Any

from mockzenoti import jsonfast
from mockzenoti.delivery.chaos import attempt_rng
from mockzenoti.delivery.core import DeliveryCore
from mockzenoti.delivery.live import Job, LiveTarget
from mockzenoti.delivery.send import AttemptResult, is_retryable

__all__ = ["AttemptLoop"]


class AttemptLoop(DeliveryCore):
    """The tasks that turn ready jobs into requests (``Engine`` starts them)."""

    async def _dispatcher(self) -> None:
        """Mark ready jobs ``delivering`` in batches, durably, and hand them to workers."""
        marked, ready = self._marked, self._ready
        try:
            while True:
                # Refill once a quarter of the prefetch is used: marks go in batches
                # of at least concurrency per commit.
                if marked.qsize() > self._refill_at:
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
                if not self._marked_room.is_set() and marked.qsize() <= self._refill_at:
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
        at = self._sending(job)
        result = await target.sender.send(
            self._session, self._pool, job.body, job.delivery_id, at, self._watchdog
        )
        self._record(job, at, result, chaos)
        if result.delivered:
            if self._chaos.duplicate:
                rng = attempt_rng(self.options.seed, job.delivery_id, job.attempts, "duplicate")
                if self._chaos.duplicates(rng):  # the same request once more, right away
                    job.attempts += 1
                    at = self._sending(job)
                    again = await target.sender.send(
                        self._session, self._pool, job.body, job.delivery_id, at, self._watchdog
                    )
                    self._record(job, at, again, {"duplicate": True})
                    job.last_status, job.last_error = result.status, None
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

    def _sending(self, job: Job) -> float:
        """Announce an attempt; returns its start time."""
        if self.hub.active:
            self.hub.emit(
                {
                    "type": "attempt.started",
                    "delivery": job.pk,
                    "delivery_id": job.delivery_id,
                    "target": job.target,
                    "n": job.attempts,
                }
            )
        return self.clock.now()

    def _record(
        self, job: Job, at: float, result: AttemptResult, chaos: dict[str, Any] | None
    ) -> None:
        """Stage the attempt's row, count it, announce it."""
        n = job.attempts
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
