"""The delivery engine: accepts events into the outbox and delivers them.

``async with Engine(outbox, options, session=..., clock=..., hub=...) as engine``
starts ``concurrency`` workers, the retry scheduler and the outbox writer;
leaving the block lets attempts in flight finish (up to
``options.shutdown_grace`` seconds), cancels the rest and commits what is
staged. Work the engine did not finish stays in the outbox, unsettled, for the
next run or drain: nothing accepted is lost.

How a delivery moves: core.py (state), intake.py (taking work in),
attempts.py (sending and retrying).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any

import aiohttp

from mockzenoti.delivery.clock import Clock, RealClock
from mockzenoti.delivery.http1 import HttpPool
from mockzenoti.delivery.intake import Intake
from mockzenoti.delivery.observe import Hub
from mockzenoti.delivery.options import DeliveryOptions
from mockzenoti.delivery.outbox.queries import Outbox
from mockzenoti.delivery.pacing import Pacer
from mockzenoti.delivery.reports import DrainReport, RunReport
from mockzenoti.delivery.send import new_session
from mockzenoti.delivery.targets import Target
from mockzenoti.errors import NotFound
from mockzenoti.event import Event

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


class Engine(Intake):
    """Delivers runs' events and the outbox's backlog; see the module docstring.

    Pass the process's ``ClientSession`` (``send.client_session``); without
    one the engine opens its own and closes it on exit. Requests to plain
    ``http://`` targets go through the engine's own ``HttpPool`` (at most
    ``concurrency`` connections, closed on exit) unless ``options.http_client``
    is ``aiohttp``. ``clock`` defaults to
    ``RealClock``; ``hub`` (changes feed and metrics) to a private ``Hub``.
    """

    def __init__(
        self,
        outbox: Outbox,
        options: DeliveryOptions | None = None,
        *,
        session: aiohttp.ClientSession | None = None,
        clock: Clock | None = None,
        hub: Hub | None = None,
    ) -> None:
        super().__init__(outbox, options or DeliveryOptions(), clock or RealClock(), hub or Hub())
        self._given_session = session
        self._tasks: list[asyncio.Task[None]] = []
        self._started = False

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the writer, the workers and the scheduler (``async with`` does it)."""
        if self._started:
            return
        self._started = True
        if self._given_session is None:
            self._session = new_session(self.options.concurrency)
        else:
            self._session = self._given_session
        lean = self.options.http_client == "auto"
        self._pool = HttpPool(self.options.concurrency) if lean else None
        try:
            await self.committer.start()
        except BaseException:
            self._started = False
            if self._given_session is None:
                await self._session.close()
            raise
        self._tasks = [
            asyncio.create_task(self._worker(), name=f"mockzenoti-worker-{i}")
            for i in range(self.options.concurrency)
        ]
        self._tasks.append(asyncio.create_task(self._scheduler(), name="mockzenoti-scheduler"))
        self._tasks.append(asyncio.create_task(self._dispatcher(), name="mockzenoti-dispatcher"))
        self.metrics.add_depth_source(id(self), lambda: len(self._live) - self._inflight)

    async def close(self) -> None:
        """Let attempts in flight finish (bounded), cancel the rest, commit, clean up."""
        if not self._started:
            return
        self._started = False
        self._closing = True
        if self._inflight:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._drained.wait(), self.options.shutdown_grace)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        self._unmark()
        self._watchdog.close()
        await self.committer.close()
        for target in self._targets.values():
            with contextlib.suppress(ValueError):
                target.listeners.remove(self._on_deactivated)
        self.metrics.drop_depth_source(id(self))
        if self._pool is not None:
            await self._pool.close()
        if self._given_session is None:
            await self._session.close()

    async def __aenter__(self) -> Engine:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- operations ----------------------------------------------------------------------------

    async def run(
        self, spec: Any, stream_factory: Callable[[], Iterable[Event]], targets: Iterable[Target]
    ) -> RunReport:
        """Deliver a run: resume it if this spec has an unfinished run, else start one.

        Resuming requeues the run's interrupted attempts (counted as possible
        duplicates), loads its unsettled deliveries, skips the stream events
        already accepted and continues the stream to its end. Returns when
        every delivery of the run is settled (delivered, dead) or held.
        """
        start = time.perf_counter()
        live = await self.use_targets(targets)
        now = self.clock.now()
        run, resumed = await self.outbox.call(
            self.outbox.start_run, spec, [t.name for t in live], now=now
        )
        done = self._run_done.setdefault(run.id, asyncio.Event())
        if resumed:
            found = await self.outbox.call(self.outbox.requeue_interrupted, now, run.id)
            self.metrics.possible_duplicates += found
            await self._load(run_id=run.id)
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
            room = await self._room()
            if callable(ready) and not ready():
                await _readable(stream, ready)  # the events are still being simulated
            chunk = list(islice(stream, room)) if pacer is None else await pacer.take(stream, room)
            if not chunk:
                break
            total += len(chunk)
            await self._accept(run.id, chunk, live, total)
            await asyncio.sleep(0)
        if self._run_open.get(run.id, 0):
            done.clear()
            await self._until(done)
        self._run_done.pop(run.id, None)
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
            self._attach(record)
        found = await self.outbox.call(self.outbox.requeue_interrupted, self.clock.now())
        self.metrics.possible_duplicates += found
        loaded = await self._load()
        await self.idle()
        await self.committer.durable()
        counts = await self.outbox.call(self.outbox.counts)
        inactive = tuple(sorted(n for n, t in self._targets.items() if not t.active))
        return DrainReport(counts, loaded, found, inactive, time.perf_counter() - start)

    async def idle(self) -> None:
        """Wait until this engine has nothing unsettled in memory."""
        await self._until(self._idle)

    async def reactivate(self, name: str, *, discard: bool = False) -> int:
        """Activate target ``name`` and deliver its held deliveries (or discard them).

        Returns how many held deliveries were moved. Use ``idle()`` to wait
        for them to be delivered.
        """
        target = await self._target(name)
        if target is None:
            raise NotFound(f"no target named {name!r}", field="target")
        target.active, target.failures, target.deactivated_at = True, 0, None
        self.committer.staged().targets[name] = target.row(self.clock.now())
        await self.committer.durable()  # every "held" written before we move them
        moved = await self.outbox.call(
            self.outbox.reactivate_target, name, discard=discard, now=self.clock.now()
        )
        if self.hub.active:
            self.hub.emit({"type": "target.reactivated", "target": name, "moved": len(moved)})
        if not discard:
            await self._load(pks=moved)
        return len(moved)

    async def deactivate(self, name: str) -> None:
        """Deactivate target ``name`` by hand: its waiting deliveries are held."""
        target = await self._target(name)
        if target is None:
            raise NotFound(f"no target named {name!r}", field="target")
        if target.active:
            self._deactivate(target)
        await self.committer.durable()

    async def redeliver(self, pks: Sequence[int] | None = None, **filters: Any) -> int:
        """Redeliver dead/held deliveries by pk or filter (see ``Outbox.redeliver``)."""
        await self.committer.durable()
        moved = await self.outbox.call(self.outbox.redeliver, pks, now=self.clock.now(), **filters)
        await self._load(pks=moved)
        return len(moved)

    async def discard(self, pks: Sequence[int] | None = None, **filters: Any) -> int:
        """Discard held deliveries by pk or filter (see ``Outbox.discard``)."""
        await self.committer.durable()
        moved = await self.outbox.call(self.outbox.discard, pks, now=self.clock.now(), **filters)
        return len(moved)
