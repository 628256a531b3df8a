"""The attempt loop: the dispatcher, the workers, the retry scheduler.

Jobs reach the workers' queue marked ``delivering`` (committed) in two ways:
a first attempt is written ``delivering`` by its accept transaction
(intake.py); anything else (due retries, reloaded deliveries, jobs ordering
held back, chaos reordering) waits in the ready queue until the dispatcher
marks a batch of them in one commit. At most ``4 * concurrency`` marked jobs
wait for a worker, refilled when a quarter are taken (the refill's commit
overlaps the sending of the other three quarters), so workers never wait for
the outbox. A process killed at any moment leaves at most ``5 * concurrency``
deliveries ``delivering``; each is counted as a possible duplicate when the
work resumes (an upper bound: only those in flight can really have reached
the target).

A worker waits for the rate limiter and any chaos delay, sends once, and asks
the retry decision (``decision.decide``) what comes next; the ledger logs the
attempt and makes the transition (``delivered``, ``retrying``, ``dead``,
``held``). Every request written is one attempt in the log. The scheduler
puts due retries back in front of the ready queue.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mockzenoti.delivery.chaos import attempt_rng
from mockzenoti.delivery.clock import Clock
from mockzenoti.delivery.committer import Committer
from mockzenoti.delivery.decision import AttemptResult, decide
from mockzenoti.delivery.http1 import HttpPool
from mockzenoti.delivery.live import Job, LiveTarget
from mockzenoti.delivery.options import DeliveryOptions
from mockzenoti.delivery.ratelimit import RateLimiter
from mockzenoti.delivery.transition import Ledger
from mockzenoti.delivery.watchdog import Watchdog
from mockzenoti.delivery.workload import Alarm, Workload, either

if TYPE_CHECKING:
    from mockzenoti.delivery.send import SessionSlot

__all__ = ["AttemptLoop"]


class AttemptLoop:
    """The tasks that turn ready jobs into requests (``Engine`` starts and stops them).

    ``targets``: the engine's live targets by name (the intake's);
    ``deactivate(target)`` is called when a dead delivery deactivates its target.
    """

    def __init__(
        self,
        targets: dict[str, LiveTarget],
        options: DeliveryOptions,
        clock: Clock,
        ledger: Ledger,
        workload: Workload,
        committer: Committer,
        alarm: Alarm,
        deactivate: Callable[[LiveTarget], None],
    ) -> None:
        self._targets = targets
        self.options = options
        self.clock = clock
        self.ledger = ledger
        self.workload = workload
        self.committer = committer
        self.alarm = alarm
        self._deactivate = deactivate
        self._chaos = options.chaos
        self._limiter = RateLimiter(options.rate, clock) if options.rate else None
        self._virtual = bool(getattr(clock, "virtual", False))
        self.quiet = asyncio.Event()  # virtual time: nothing queued or in flight
        self.drained = asyncio.Event()  # closing: the last attempt in flight ended
        self.watchdog = Watchdog()  # the attempts' timeouts
        self.inflight = 0
        self.closing = False
        self.session: SessionSlot | None = None
        self.pool: HttpPool | None = None

    def busy(self) -> bool:
        """True while anything is queued, being marked or in flight."""
        return bool(self.inflight or self.workload.busy())

    def _check_quiet(self) -> None:
        if self._virtual and not self.busy():
            self.quiet.set()

    # -- the tasks ----------------------------------------------------------------------------

    async def dispatcher(self) -> None:
        """Mark ready jobs ``delivering`` in batches, durably, and hand them to workers."""
        work = self.workload
        marked, ready, batch = work.marked, work.ready, work.dispatching
        move = self.ledger.move
        try:
            while True:
                # Refill once a quarter of the prefetch is used: marks go in batches
                # of at least concurrency per commit.
                if marked.qsize() > work.refill_at:
                    work.marked_room.clear()
                    await work.marked_room.wait()
                    continue
                room = work.prefetch - marked.qsize()
                picks = [await ready.get()]
                while len(picks) < room and len(ready):
                    picks.append(ready.get_nowait())
                now = self.clock.now()
                targets = self._targets
                for job, shift in picks:
                    if job.state not in ("pending", "retrying"):
                        continue  # settled (held) while it waited
                    target = targets[job.target]
                    if not target.active:
                        work.settle(job, "held", now)
                        continue
                    job.attempts += 1
                    job.next_at = None
                    move(job, "delivering", now)
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
            self.alarm.fail(exc)

    async def worker(self) -> None:
        """Take marked jobs and attempt each once."""
        work = self.workload
        marked = work.marked
        try:
            while not self.closing:
                job, target, shift = await marked.get()
                if not work.marked_room.is_set() and marked.qsize() <= work.refill_at:
                    work.marked_room.set()
                if self.closing:
                    marked.put_nowait((job, target, shift))  # unmark() reverts it
                    return
                self.inflight += 1
                try:
                    await self._attempt(job, target, shift)
                finally:
                    self.inflight -= 1
                    if self.closing and not self.inflight:
                        self.drained.set()
                    if self._virtual:
                        self._check_quiet()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug: fail the run rather than hang it
            self.alarm.fail(exc)

    async def scheduler(self) -> None:
        """Put retries back in front of the ready queue when they are due."""
        work = self.workload
        heap, wake = work.heap, work.heap_changed
        while True:
            if not heap:
                wake.clear()
                await wake.wait()
                continue
            due, _, job = heap[0]
            delay = due - self.clock.now()
            if delay > 0 and self._virtual and self.busy():
                # Virtual time: let every attempt under way finish before jumping ahead.
                self.quiet.clear()
                wake.clear()
                await either(self.quiet, wake)
                continue
            if delay > 0:
                wake.clear()
                sleeper = asyncio.ensure_future(self.clock.sleep(delay))
                waker = asyncio.ensure_future(wake.wait())
                try:
                    await asyncio.wait((sleeper, waker), return_when=asyncio.FIRST_COMPLETED)
                finally:
                    sleeper.cancel()
                    waker.cancel()
                    await asyncio.gather(sleeper, waker, return_exceptions=True)
                continue
            heapq.heappop(heap)
            if job.state == "retrying" and job.next_at == due:
                work.ready.put(job, front=True)  # still "retrying" until it is marked

    def unmark(self) -> None:
        """On shutdown: jobs marked but never sent go back to ``pending``."""
        work = self.workload
        pending = list(work.dispatching)
        work.dispatching.clear()
        while not work.marked.empty():
            pending.append(work.marked.get_nowait())
        for job, _, _ in pending:
            if job.state == "delivering":
                job.attempts -= 1
                self.ledger.move(job, "pending")

    # -- one attempt --------------------------------------------------------------------------

    async def _attempt(self, job: Job, target: LiveTarget, shift: int) -> None:
        chaos: dict[str, Any] | None = {"reorder": shift} if shift else None
        ledger, work = self.ledger, self.workload
        if self._limiter is not None:
            await self._limiter.acquire()
        if self._chaos.delay:
            rng = attempt_rng(self.options.seed, job.delivery_id, job.attempts, "delay")
            extra = self._chaos.extra_delay(rng)
            chaos = {**(chaos or {}), "delay": round(extra, 6)}
            await self.clock.sleep(extra)
        if not target.active:  # deactivated while this job waited: nothing was sent
            job.attempts -= 1
            work.settle(job, "held")
            return
        at, result = await self._send(job, target)
        retry = job.attempts - job.round_base
        now = self.clock.now()
        seed, delivery_id = self.options.seed, job.delivery_id
        decision = decide(
            result,
            retry,
            target.target.policy,
            target.state(),
            now,
            rng=lambda: attempt_rng(seed, delivery_id, retry, "jitter"),
            retry_scale=self.options.retry_scale,
            scale_retry_after=self.options.scale_retry_after,
        )
        ledger.attempt(job, at, result, chaos, decision)
        kind = decision.kind
        if kind == "delivered":
            if self._chaos.duplicate:
                await self._duplicate(job, target)
            work.settle(job, "delivered")
        elif kind == "retry":
            job.next_at = decision.at
            ledger.move(job, "retrying", now)
            work.schedule(job)
        else:
            work.settle(job, kind, now)
        if target.failures != decision.failures:
            target.failures = decision.failures
            ledger.target(target, now)
        if decision.deactivate and target.active:
            self._deactivate(target)

    async def _send(self, job: Job, target: LiveTarget) -> tuple[float, AttemptResult]:
        at = self.ledger.starting(job)
        assert self.session is not None
        result = await target.sender.send(
            self.session, self.pool, job.body, job.delivery_id, at, self.watchdog
        )
        return at, result

    async def _duplicate(self, job: Job, target: LiveTarget) -> None:
        """Chaos: the same request once more, right away (its own attempt in the log)."""
        rng = attempt_rng(self.options.seed, job.delivery_id, job.attempts, "duplicate")
        if not self._chaos.duplicates(rng):
            return
        status = job.last_status
        job.attempts += 1
        at, again = await self._send(job, target)
        self.ledger.attempt(job, at, again, {"duplicate": True})
        job.last_status, job.last_error = status, None
