"""The runs manager: one task per run, each delivering a scenario's stream through its own engine.

A run's task opens an ``Engine`` with the run's options (pace, ordering,
chaos, retry scale) on the shared outbox, session, clock and hub, and calls
``engine.run(spec, stream, targets)``. The stream reads the simulation
lazily and ends as soon as a stop is requested (``RunClock`` cuts a paced
wait short); deliveries already accepted are still delivered. When the run's
deliveries are settled, its final state (``done``, ``stopped``, ``failed``),
error and expected final state are stored with the run in the outbox
(``set_run_result``), so they survive restarts.

On shutdown the run tasks are cancelled: each engine lets attempts in flight
finish, the run stays ``running`` in the outbox, and the next server on that
outbox resumes it (skipping the events already accepted). A stop requested
before the shutdown is stored at once and honoured on resume.

Each run has a ``/v1`` API (``mockzenoti.rest``): its sandbox is made with
its simulation, the engine publishes each batch it accepts to it, and it
stays registered (``Sandboxes``) after the run ends. A run whose world took
``/v1`` writes while its stream went on cannot be simulated again the same
way, so it is not resumed after a restart: it is ``failed`` and what it had
accepted is still delivered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aiohttp

from mockzenoti.delivery import Clock, Engine, Hub, Outbox, Target
from mockzenoti.delivery.committer import Committer
from mockzenoti.event import Event
from mockzenoti.rest import Sandbox, SandboxStream
from mockzenoti.server.engine import ServerEngine
from mockzenoti.server.runclock import RunClock, RunStopped
from mockzenoti.server.runspec import RunSpec
from mockzenoti.server.runstate import FINAL, RunHandle, describe, expected_for
from mockzenoti.server.sandboxes import Sandboxes
from mockzenoti.server.settings import ServerSettings
from mockzenoti.server.stats import Stats

__all__ = ["REST_WRITES_NOT_RESUMED", "RunStream", "RunsManager"]

REST_WRITES_NOT_RESUMED = (
    "not resumed: its world took writes through /v1 while its stream went on, so the "
    "stream cannot be simulated again as it was sent (what it accepted is still delivered)"
)

log = logging.getLogger("mockzenoti.server.runs")


class RunsManager:
    """Owns every run task and the recovery of a previous process's work."""

    def __init__(
        self,
        settings: ServerSettings,
        outbox: Outbox,
        hub: Hub,
        session: aiohttp.ClientSession,
        engine: ServerEngine,
        clock: Clock,
        stats: Stats,
        sandboxes: Sandboxes | None = None,
    ) -> None:
        self.settings = settings
        self.outbox = outbox
        self.hub = hub
        self.session = session
        self.engine = engine
        self.clock = clock
        self.stats = stats
        self.sandboxes = sandboxes or Sandboxes(outbox, settings, clock)
        self.handles: dict[int, RunHandle] = {}
        #: Called with each run this process starts or resumes (``serve`` prints its key).
        self.on_start: list[Callable[[RunHandle], None]] = []
        self._recovery: asyncio.Task[None] | None = None
        #: Simulations are built (and truth computed) on one thread, off the event loop.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mockzenoti-sim")

    @property
    def active(self) -> int:
        """Runs with a task in this process."""
        return sum(1 for h in self.handles.values() if h.running)

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Resume the runs a previous process left running, deliver the rest of its backlog.

        Deliveries a killed process left ``delivering`` are requeued first,
        before any engine of this process marks one.
        """
        up_to = await self.engine.last_delivery()
        await self.engine.requeue_interrupted()
        resumed: list[int] = []
        offset = 0
        while True:
            page = await self.outbox.call(self.outbox.list_runs, limit=500, offset=offset)
            for record in page:
                if record.state != "running":
                    continue
                spec = RunSpec.from_spec(record.spec)
                result = record.result if isinstance(record.result, dict) else {}
                if spec is None or result.get("error") or result.get("state") in FINAL:
                    continue  # not ours, or failed: its leftovers are delivered as backlog
                if result.get("rest_writes"):
                    failed = {**result, "error": REST_WRITES_NOT_RESUMED}
                    await self.outbox.call(self.outbox.set_run_result, record.id, failed)
                    continue  # delivered as backlog too
                handle = RunHandle(record.id, spec, result=dict(result), resumed=True)
                if result.get("stop_requested"):
                    handle.stop.set()
                self.handles[record.id] = handle
                resumed.append(record.id)
            offset += len(page)
            if len(page) < 500:
                break
        for run_id in sorted(resumed):
            self._launch(self.handles[run_id], None)
        self._recovery = asyncio.create_task(
            self._recover(set(resumed), up_to), name="mockzenoti-recovery"
        )

    async def _recover(self, skip: set[int], up_to: int) -> None:
        try:
            taken = await self.engine.recover(skip, up_to)
            if taken:
                log.info("delivering %d deliveries left unsettled by a previous process", taken)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("could not deliver the outbox's backlog")

    async def close(self) -> None:
        """Cancel the runs (each lets its attempts in flight finish) and the recovery."""
        tasks = [h.task for h in self.handles.values() if h.task is not None]
        if self._recovery is not None:
            tasks.append(self._recovery)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.executor.shutdown(wait=True, cancel_futures=True)

    # -- operations ----------------------------------------------------------------------------

    async def create(self, spec: RunSpec, targets: Sequence[Target], sim: Any) -> RunHandle:
        """Start a run of ``spec`` to ``targets`` (checked by the caller) with its simulation."""
        record, _ = await self.outbox.call(
            self.outbox.start_run, spec.to_spec(), [t.name for t in targets], now=self.clock.now()
        )
        handle = RunHandle(record.id, spec, sim=sim)
        self._attach_api(handle)
        self.handles[record.id] = handle
        self._launch(handle, list(targets))
        return handle

    def _attach_api(self, handle: RunHandle, sandbox: Sandbox | None = None) -> None:
        """Give the run its ``/v1`` sandbox (made before its simulation hands out an event)."""
        if sandbox is None:
            sandbox = Sandbox.for_simulation(handle.sim, clock=self.clock.now)
        handle.api = self.sandboxes.register(handle.id, handle.spec, sandbox)

    async def note_write(self, handle: RunHandle) -> None:
        """A ``/v1`` write changed the run's world while it runs: never resume it as it was."""
        await self._save(handle, rest_writes=(handle.result.get("rest_writes") or 0) + 1)

    async def stop(self, run_id: int) -> RunHandle | None:
        """Ask run ``run_id`` to take no more events; None when it is not running here."""
        handle = self.handles.get(run_id)
        if handle is None or not handle.running:
            return None
        if not handle.stop.is_set():
            handle.stop.set()
            await self._save(handle, stop_requested=True)
            self._emit(handle, "running")
        return handle

    # -- a run's task --------------------------------------------------------------------------

    def _launch(self, handle: RunHandle, targets: list[Target] | None) -> None:
        self.stats.runs_started += 1
        for listener in self.on_start:
            listener(handle)
        handle.task = asyncio.create_task(
            self._execute(handle, targets), name=f"mockzenoti-run-{handle.id}"
        )

    def _resimulate(self, handle: RunHandle, accepted: int) -> tuple[Any, Sandbox]:
        """A resumed run's simulation past its first ``accepted`` events, and its ``/v1``
        sandbox with those events published (on the sim thread: the event loop never
        spends seconds regenerating them)."""
        sim = handle.spec.simulate(self.settings.catalog)
        sandbox = Sandbox.for_simulation(sim, clock=self.clock.now)
        SandboxStream(sim, sandbox).skip(accepted)
        return sim, sandbox

    async def _targets(self, handle: RunHandle) -> list[Target]:
        record = await self.outbox.call(self.outbox.get_run, handle.id)
        records = [await self.outbox.call(self.outbox.get_target, n) for n in record.targets]
        return [r.target for r in records]

    async def _execute(self, handle: RunHandle, targets: list[Target] | None) -> None:
        clock = RunClock(self.clock, handle.stop)
        clock.owner = asyncio.current_task()
        accepted: int | None = None
        self._emit(handle, "running")
        try:
            if handle.sim is None:  # resumed: simulated again, past what was accepted, off the loop
                record = await self.outbox.call(self.outbox.get_run, handle.id)
                handle.sim, sandbox = await self._in_thread(
                    self._resimulate, handle, record.accepted
                )
                self._attach_api(handle, sandbox)
            if targets is None:
                targets = await self._targets(handle)
            options = handle.spec.options(
                self.settings.concurrency,
                self.settings.retry_scale,
                self.settings.shutdown_grace,
                self.settings.scale_retry_after,
            )
            engine = Engine(self.outbox, options, session=self.session, clock=clock, hub=self.hub)
            handle.engine = engine
            async with engine:
                try:
                    report = await engine.run(
                        handle.spec.to_spec(),
                        lambda: RunStream(handle, self.stats),
                        targets,
                        accepted=handle.api.sandbox.publish if handle.api is not None else None,
                    )
                    accepted = report.accepted
                except RunStopped:
                    handle.cut = True
                    await self._settle(engine, handle)
                except Exception as exc:  # the stream failed: a scenario problem at run time
                    handle.error = describe(exc)
                    log.warning("run %d failed: %s", handle.id, handle.error, exc_info=exc)
                    await self._save(handle, error=handle.error)
                    await self._settle(engine, handle)
        except asyncio.CancelledError:
            raise  # shutting down: the run stays "running" in the outbox and resumes next time
        except Exception as exc:
            handle.error = handle.error or describe(exc)
            log.warning("run %d failed: %s", handle.id, handle.error, exc_info=exc)
            await self._leftovers(handle)
        await self._finish(handle, accepted)

    async def _settle(self, engine: Engine, handle: RunHandle) -> None:
        """Deliver what the run accepted (the stream is over), then close the run in the outbox."""
        await engine.idle()
        await engine.committer.durable()
        counts = await self.outbox.call(self.outbox.counts, run_id=handle.id)
        await self.outbox.call(self.outbox.finish_run, handle.id, counts, now=self.clock.now())

    async def _leftovers(self, handle: RunHandle) -> None:
        """The run's engine failed: close the run, let the server's engine deliver the rest."""
        try:
            counts = await self.outbox.call(self.outbox.counts, run_id=handle.id)
            await self.outbox.call(self.outbox.finish_run, handle.id, counts, now=self.clock.now())
            await self._save(handle, error=handle.error)
            await self.engine.adopt_run(handle.id)
        except Exception:
            log.exception("run %d: could not hand its deliveries over", handle.id)

    async def _finish(self, handle: RunHandle, accepted: int | None) -> None:
        state = "failed" if handle.error else "stopped" if handle.cut else "done"
        expected = None
        try:
            if accepted is None:
                record = await self.outbox.call(self.outbox.get_run, handle.id)
                accepted = record.accepted
            if state != "failed":
                if handle.api is not None:  # the truth follows the accepted events already
                    expected = handle.api.sandbox.expected()
                else:
                    expected = await self._in_thread(expected_for, handle, accepted, self.settings)
            await self._save(
                handle, state=state, expected=expected, resumed=handle.resumed, error=handle.error
            )
        except Exception as exc:
            log.exception("run %d: could not store its result", handle.id)
            handle.error = handle.error or describe(exc)
        handle.final = state  # views read the result from the handle until it is dropped
        handle.sim = None
        if handle.api is not None:
            self.sandboxes.finished(handle.api.key)
        self.handles.pop(handle.id, None)
        self._emit(handle, state)

    def committers(self) -> list[Committer]:
        """The committers of the runs' engines delivering now (see ``tally.py``)."""
        return [
            h.engine.committer
            for h in list(self.handles.values())
            if h.engine is not None and h.running
        ]

    async def current(self) -> dict[int, RunHandle]:
        """The runs this process delivers (or has just finished), by id."""
        return dict(self.handles)

    async def progress(self) -> list[dict[str, Any]]:
        """``run.progress`` changes for the runs delivering now."""
        out = []
        for handle in list(self.handles.values()):
            if not handle.running:
                continue
            record = await self.outbox.call(self.outbox.get_run, handle.id)
            counts = await self.outbox.call(self.outbox.counts, run_id=handle.id)
            out.append(
                {
                    "type": "run.progress",
                    "run_id": handle.id,
                    "accepted": record.accepted,
                    "counts": counts,
                    "stop_requested": handle.stop.is_set(),
                }
            )
        return out

    # -- helpers -------------------------------------------------------------------------------

    async def _in_thread(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    async def _save(self, handle: RunHandle, **changes: Any) -> None:
        handle.result.update(changes)
        await self.outbox.call(self.outbox.set_run_result, handle.id, dict(handle.result))

    def _emit(self, handle: RunHandle, state: str) -> None:
        if self.hub.active:
            self.hub.emit(
                {
                    "type": "run.state",
                    "run_id": handle.id,
                    "state": state,
                    "stop_requested": handle.stop.is_set(),
                    "error": handle.error,
                }
            )


class RunStream(Iterator[Event]):
    """A run's events, read lazily from its simulation; ends at the first event asked for
    after a stop.

    A simulation that fails (a scenario step the world refuses) ends the
    stream too: the events before the failure are accepted and delivered,
    and the run is ``failed`` with the error. A resumed run's simulation comes
    past the events a previous process accepted (``skip`` does nothing). When
    the stream ends, the run's world clock starts following the server's clock
    (``Sandbox.stream_ended``).
    """

    def __init__(self, handle: RunHandle, stats: Stats) -> None:
        self.handle = handle
        self.stats = stats
        self._over = False

    def __iter__(self) -> RunStream:
        return self

    def __next__(self) -> Event:
        event = None if self._over else self._take()
        if event is None:
            self._end()
            raise StopIteration
        self.stats.events_generated += 1
        return event

    def _take(self) -> Event | None:
        handle = self.handle
        if handle.stop.is_set():
            handle.cut = True
            return None
        sim = handle.sim
        assert sim is not None
        try:
            return next(sim, None)
        except Exception as exc:
            handle.error = describe(exc)
            log.warning("run %d failed: %s", handle.id, handle.error, exc_info=exc)
            return None

    def _end(self) -> None:
        self._over = True
        if self.handle.api is not None:
            self.handle.api.sandbox.stream_ended()

    def skip(self, count: int) -> None:
        """Nothing to drop here: a resumed run's simulation dropped (and published) the events
        an earlier process accepted on the simulation thread already (``_resimulate``)."""
