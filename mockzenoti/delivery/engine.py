"""The delivery engine: accepts events into the outbox and delivers them.

``async with Engine(outbox, options, session=..., clock=..., hub=...) as engine``
starts ``concurrency`` workers, the retry scheduler and the group committer;
leaving the block lets attempts in flight finish (up to
``options.shutdown_grace`` seconds), cancels the rest and commits what is
staged. Work the engine did not finish stays in the outbox, unsettled, for the
next run or drain: nothing accepted is lost.

The engine is composed of parts, each held as an attribute:

- ``ledger`` (transition.py): the one place a delivery changes state (job,
  counters, outbox row, live feed) and the attempt log;
- ``workload`` (workload.py): the unsettled jobs in memory and the queues;
- ``intake`` (intake.py): targets in use, accepting stream events, loading
  deliveries back from the outbox;
- ``attempts`` (attempts.py): dispatcher, workers and retry scheduler, which
  ask the retry decision (decision.py) after each attempt;
- ``actions`` (actions.py): the user's reactivate, deactivate, redeliver, discard;
- ``committer`` (committer.py): group commits to the ``outbox``;
- the live targets come from the process's ``TargetBook`` (live.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

from mockzenoti.delivery.actions import UserActions
from mockzenoti.delivery.attempts import AttemptLoop
from mockzenoti.delivery.clock import Clock, RealClock
from mockzenoti.delivery.committer import Committer
from mockzenoti.delivery.http1 import HttpPool
from mockzenoti.delivery.intake import Intake
from mockzenoti.delivery.live import TargetBook, book_for
from mockzenoti.delivery.observe import Hub
from mockzenoti.delivery.options import DeliveryOptions
from mockzenoti.delivery.outbox.box import Outbox
from mockzenoti.delivery.pacing import Pacer
from mockzenoti.delivery.reports import DrainReport, RunReport
from mockzenoti.delivery.send import SessionSlot
from mockzenoti.delivery.targets import Target
from mockzenoti.delivery.transition import Ledger
from mockzenoti.delivery.workload import Alarm, Workload
from mockzenoti.event import Event

if TYPE_CHECKING:
    import aiohttp

__all__ = ["Engine"]


async def _readable(stream: Any, ready: Callable[[], bool]) -> None:
    """Wait, without blocking the loop, until ``stream.ready()`` (its ``fileno()`` readable)."""
    loop = asyncio.get_running_loop()
    fd = stream.fileno()
    while not ready():
        readable: asyncio.Future[None] = loop.create_future()
        loop.add_reader(fd, _wake, readable)
        try:
            await readable
        finally:
            loop.remove_reader(fd)


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class Engine:
    """Delivers runs' events and the outbox's backlog; see the module docstring.

    Pass the process's ``ClientSession`` (``client.client_session``); without
    one the engine opens its own when a request first needs aiohttp, and
    closes it on exit. Requests to plain ``http://`` targets go through the
    engine's own ``HttpPool`` (at most ``concurrency`` connections, closed on
    exit) unless ``options.http_client`` is ``aiohttp``. ``clock`` defaults
    to ``RealClock``; ``hub`` (changes feed and metrics) to a private
    ``Hub``; ``targets`` to the process's ``TargetBook`` of this outbox.
    """

    def __init__(
        self,
        outbox: Outbox,
        options: DeliveryOptions | None = None,
        *,
        session: aiohttp.ClientSession | None = None,
        clock: Clock | None = None,
        hub: Hub | None = None,
        targets: TargetBook | None = None,
    ) -> None:
        self.outbox = outbox
        self.options = options = options or DeliveryOptions()
        self.clock = clock = clock or RealClock()
        self.hub = hub = hub or Hub()
        self.metrics = hub.metrics
        self.alarm = Alarm()
        self.committer = Committer(outbox, options.flush_interval, self.alarm.fail)
        self.ledger = Ledger(self.committer, hub, clock)
        self.workload = Workload(options, self.ledger)
        self.intake = Intake(
            outbox,
            options,
            clock,
            targets if targets is not None else book_for(outbox),
            self.ledger,
            self.workload,
            self.committer,
            self.metrics,
            self.alarm,
            self.workload.hold_waiting,
        )
        self.actions = UserActions(outbox, clock, hub, self.ledger, self.committer, self.intake)
        self.attempts = AttemptLoop(
            self.intake.targets,
            options,
            clock,
            self.ledger,
            self.workload,
            self.committer,
            self.alarm,
            self.actions.deactivate_now,
        )
        self._session = SessionSlot(session, options.concurrency)
        self._tasks: list[asyncio.Task[None]] = []
        self._started = False

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the committer, the workers and the scheduler (``async with`` does it)."""
        if self._started:
            return
        self._started = True
        lean = self.options.http_client == "auto"
        loop = self.attempts
        loop.session = self._session
        loop.pool = HttpPool(self.options.concurrency) if lean else None
        try:
            await self.committer.start()
        except BaseException:
            self._started = False
            raise
        self._tasks = [
            asyncio.create_task(loop.worker(), name=f"mockzenoti-worker-{i}")
            for i in range(self.options.concurrency)
        ]
        self._tasks.append(asyncio.create_task(loop.scheduler(), name="mockzenoti-scheduler"))
        self._tasks.append(asyncio.create_task(loop.dispatcher(), name="mockzenoti-dispatcher"))
        work = self.workload
        self.metrics.add_depth_source(id(self), lambda: len(work.live) - loop.inflight)

    async def close(self) -> None:
        """Let attempts in flight finish (bounded), cancel the rest, commit, clean up."""
        if not self._started:
            return
        self._started = False
        loop = self.attempts
        loop.closing = True
        if loop.inflight:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(loop.drained.wait(), self.options.shutdown_grace)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        loop.unmark()
        loop.watchdog.close()
        await self.committer.close()
        self.intake.detach_all()
        self.metrics.drop_depth_source(id(self))
        if loop.pool is not None:
            await loop.pool.close()
        await self._session.close()

    async def __aenter__(self) -> Engine:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- operations ----------------------------------------------------------------------------

    async def run(
        self,
        spec: Any,
        stream_factory: Callable[[], Iterable[Event]],
        targets: Iterable[Target],
        *,
        accepted: Callable[[list[Event]], object] | None = None,
    ) -> RunReport:
        """Deliver a run: resume it if this spec has an unfinished run, else start one.

        Resuming requeues the run's interrupted attempts (counted as possible
        duplicates), loads its unsettled deliveries, skips the stream events
        already accepted and continues the stream to its end. Returns when
        every delivery of the run is settled (delivered, dead) or held.
        ``accepted(events)`` is called with each batch once it is committed,
        before any of its events is sent (the REST sandbox publishes them).
        """
        start = time.perf_counter()
        intake, work = self.intake, self.workload
        live = await intake.use_targets(targets)
        now = self.clock.now()
        run, resumed = await self.outbox.call(
            self.outbox.start_run, spec, [t.name for t in live], now=now
        )
        done = work.run_done.setdefault(run.id, asyncio.Event())
        if resumed:
            found = await self.outbox.call(self.outbox.requeue_interrupted, now, run.id)
            self.metrics.possible_duplicates += found
            await intake.load(run_id=run.id)
        stream = iter(stream_factory())
        skip = getattr(stream, "skip", None)
        if callable(skip):  # the stream drops them itself (a simulation in a child process)
            skip(run.accepted)
        else:
            deque(islice(stream, run.accepted), maxlen=0)  # accepted by an earlier process
        total = run.accepted
        pacer = None if self.options.pace is None else Pacer(self.clock, self.options.pace)
        ready = getattr(stream, "ready", None)
        while True:
            room = await intake.room()
            if callable(ready) and not ready():
                await _readable(stream, ready)  # the events are still being simulated
            chunk = list(islice(stream, room)) if pacer is None else await pacer.take(stream, room)
            if not chunk:
                break
            total += len(chunk)
            await intake.accept(run.id, chunk, live, total)
            if accepted is not None:
                accepted(chunk)
            await asyncio.sleep(0)
        if work.open_in_run(run.id):
            done.clear()
            await self.alarm.until(done)
        work.run_done.pop(run.id, None)
        await self.committer.durable()
        counts = await self.outbox.call(self.outbox.counts, run_id=run.id)
        final = await self.outbox.call(self.outbox.finish_run, run.id, counts, now=self.clock.now())
        if self.hub.active:
            self.hub.emit({"type": "run.finished", "run_id": run.id, "counts": counts})
        return RunReport(
            run_id=run.id,
            resumed=resumed,
            accepted=total,
            skipped=run.accepted,
            counts=counts,
            possible_duplicates=final.possible_duplicates,
            inactive_targets=tuple(t.name for t in live if not t.active),
            duration=time.perf_counter() - start,
        )

    async def drain(self) -> DrainReport:
        """Deliver what the outbox holds unsettled (every run), with the stored targets."""
        start = time.perf_counter()
        for record in await self.outbox.call(self.outbox.list_targets):
            self.intake.attach(record)
        found = await self.outbox.call(self.outbox.requeue_interrupted, self.clock.now())
        self.metrics.possible_duplicates += found
        loaded = await self.intake.load()
        await self.idle()
        await self.committer.durable()
        counts = await self.outbox.call(self.outbox.counts)
        targets = self.intake.targets
        inactive = tuple(sorted(n for n, t in targets.items() if not t.active))
        return DrainReport(counts, loaded, found, inactive, time.perf_counter() - start)

    async def idle(self) -> None:
        """Wait until this engine has nothing unsettled in memory."""
        await self.alarm.until(self.workload.idle)

    async def use_targets(self, targets: Iterable[Target]) -> None:
        """Store (upsert) targets and deliver to them; active flags are kept."""
        await self.intake.use_targets(targets)

    async def reactivate(self, name: str, *, discard: bool = False) -> int:
        """Activate target ``name`` and deliver (or discard) its held deliveries; how many moved."""
        return await self.actions.reactivate(name, discard=discard)

    async def deactivate(self, name: str) -> None:
        """Deactivate target ``name`` by hand: its waiting deliveries are held."""
        await self.actions.deactivate(name)

    async def redeliver(self, pks: Sequence[int] | None = None, **filters: Any) -> int:
        """Redeliver dead/held deliveries by pk or filter (see ``Outbox.redeliver``)."""
        return await self.actions.redeliver(pks, **filters)

    async def discard(self, pks: Sequence[int] | None = None, **filters: Any) -> int:
        """Discard held deliveries by pk or filter (see ``Outbox.discard``)."""
        return await self.actions.discard(pks, **filters)
