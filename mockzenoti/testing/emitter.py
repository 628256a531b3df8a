"""The ``zenoti_emitter`` fixture: sends events to one target, as Zenoti would.

    run = await zenoti_emitter.run("class-lifecycle", seed=7, events=60)
    await run.wait_delivered()
    await zenoti_emitter.emit("Class.Booking.NoShow", {"data.registration_id": 4242})

One ``Engine`` per test, with its own outbox (``:memory:`` or a file in
``tmp_path``), started on first use on the plugin's background loop and
closed at teardown. Deliveries leave from that loop whatever loop the test
runs, so a consumer served by the test's own loop receives them while the
test awaits, and synchronous tests use the ``*_sync`` methods.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockzenoti.delivery.engine import Engine
from mockzenoti.delivery.outbox import Outbox
from mockzenoti.delivery.reports import RunReport
from mockzenoti.errors import ConfigError
from mockzenoti.event import Event
from mockzenoti.testing.loop import LoopThread, refuse_blocking
from mockzenoti.testing.runs import ZenotiRun
from mockzenoti.testing.settings import ZenotiSettings
from mockzenoti.testing.streams import Stream, make_event, simulate
from mockzenoti.testing.wiring import build_options, build_target
from mockzenoti.testing.world import ZenotiWorld

if TYPE_CHECKING:
    from mockzenoti.testing.api import ZenotiApi

__all__ = ["ZenotiEmitter"]


class ZenotiEmitter:
    """Delivers a test's events to ``url`` (``zenoti_target_url``, or ``zenoti_sink``).

    ``target`` (URL, signing, ``policy``) and ``options`` (``retry_scale``,
    ``ordering``, ``chaos``) show what the test's settings became; ``runs``
    lists every run started in this test.
    """

    def __init__(
        self, thread: LoopThread, settings: ZenotiSettings, url: str, outbox: str | Path
    ) -> None:
        self.settings = settings
        self.url = url
        self.target = build_target(settings, url)
        self.options = build_options(settings, self.target.policy)
        self.runs: list[ZenotiRun] = []
        self._thread = thread
        self._outbox_path = str(outbox)
        self._outbox: Outbox | None = None
        self._engine: Engine | None = None
        self._emitted = 0
        #: The test's ``zenoti_api`` (set by the fixture): runs with a world get a ``/v1``.
        self.api: ZenotiApi | None = None

    @property
    def outbox(self) -> Outbox:
        """The test's outbox (every run, delivery and attempt); opened on first use."""
        if self._outbox is None:
            self._outbox = Outbox(self._outbox_path)
        return self._outbox

    # -- running a scenario ----------------------------------------------------------------

    async def run(
        self,
        scenario: str | Path,
        *,
        seed: int | str | None = None,
        events: int | None = None,
        duration: timedelta | str | None = None,
        sizes: Mapping[str, Any] | None = None,
    ) -> ZenotiRun:
        """Start delivering a scenario's stream (a built-in name or a YAML path).

        ``seed`` defaults to the settings' seed. Returns at once with the run:
        ``await run.wait_delivered()``, then ``run.expected`` is the state a
        correct consumer ends in.
        """
        chosen_seed = self.settings.effective_seed if seed is None else seed
        stream = simulate(scenario, chosen_seed, events, duration, sizes, rest=self.api is not None)
        return await self._thread.run(self._start(stream))

    def run_sync(
        self,
        scenario: str | Path,
        *,
        seed: int | str | None = None,
        events: int | None = None,
        duration: timedelta | str | None = None,
        sizes: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        check: bool = True,
    ) -> ZenotiRun:
        """``run`` for synchronous tests: returns once delivered (``wait_delivered_sync``)."""
        __tracebackhide__ = True
        refuse_blocking("zenoti_emitter.run_sync", "await zenoti_emitter.run(...)")
        chosen_seed = self.settings.effective_seed if seed is None else seed
        stream = simulate(scenario, chosen_seed, events, duration, sizes, rest=self.api is not None)
        run = self._thread.call(self._start(stream))
        run.wait_delivered_sync(timeout, check=check)
        return run

    # -- single events and your own ---------------------------------------------------------

    async def emit(
        self,
        event: str | Event | Mapping[str, Any],
        overrides: Mapping[str, Any] | None = None,
        /,
        *,
        seed: int | str | None = None,
        wait: bool = True,
        check: bool = True,
        timeout: float | None = None,
    ) -> ZenotiRun:
        """Send one event and (``wait``, default) return once it is delivered.

        ``event`` is a catalog name (a realistic event is generated; ``overrides``
        map dotted paths to values, checked against the schema), an ``Event``,
        or a raw payload dict (sent as is: use it to send what Zenoti should
        not; missing ``event_id``/``id`` are filled in). Each emit of a test
        gets its own seed (so its own ids) unless ``seed`` is given.
        """
        __tracebackhide__ = True
        run = await self._thread.run(self._start(self._one(event, overrides, seed)))
        if wait:
            await run.wait_delivered(timeout, check=check)
        return run

    def emit_sync(
        self,
        event: str | Event | Mapping[str, Any],
        overrides: Mapping[str, Any] | None = None,
        /,
        *,
        seed: int | str | None = None,
        timeout: float | None = None,
        check: bool = True,
    ) -> ZenotiRun:
        """``emit`` for synchronous tests: returns once delivered."""
        __tracebackhide__ = True
        refuse_blocking("zenoti_emitter.emit_sync", "await zenoti_emitter.emit(...)")
        run = self._thread.call(self._start(self._one(event, overrides, seed)))
        run.wait_delivered_sync(timeout, check=check)
        return run

    async def send(self, events: Iterable[Event] | ZenotiWorld) -> ZenotiRun:
        """Start delivering ``events`` in order, or what a ``zenoti_world`` has done since
        the last send (then ``run.expected`` is the world's expected state)."""
        return await self._thread.run(self._start(self._batch(events)))

    def send_sync(
        self,
        events: Iterable[Event] | ZenotiWorld,
        *,
        timeout: float | None = None,
        check: bool = True,
    ) -> ZenotiRun:
        """``send`` for synchronous tests: returns once delivered."""
        __tracebackhide__ = True
        refuse_blocking("zenoti_emitter.send_sync", "await zenoti_emitter.send(...)")
        run = self._thread.call(self._start(self._batch(events)))
        run.wait_delivered_sync(timeout, check=check)
        return run

    def _batch(self, events: Iterable[Event] | ZenotiWorld) -> Stream:
        if isinstance(events, ZenotiWorld):
            taken = events.take()
            label = f"world (seed {events.seed})"
            sandbox = events.sandbox if self.api is not None else None
            return Stream({}, taken, events.expected(), label, sandbox)
        stream = list(events)
        if not all(isinstance(e, Event) for e in stream):
            raise ConfigError("send() takes Event objects or a zenoti_world", field="events")
        return Stream({}, stream, None, "events")

    def _one(
        self,
        event: str | Event | Mapping[str, Any],
        overrides: Mapping[str, Any] | None,
        seed: int | str | None,
    ) -> Stream:
        self._emitted += 1
        seed = f"{self.settings.seed}:emit:{self._emitted}" if seed is None else seed
        made = make_event(event, overrides, seed)
        return Stream({}, [made], None, f"emit {made.name}")

    # -- the engine --------------------------------------------------------------------------

    async def _start(self, stream: Stream) -> ZenotiRun:
        """On the background loop: start the engine if needed and the run's task."""
        if self._engine is None:
            engine = Engine(self.outbox, self.options)
            await engine.start()
            self._engine = engine
        number = len(self.runs) + 1
        spec = {"mockzenoti-pytest": number, "label": stream.label, **stream.spec}
        events = stream.events
        sandbox = stream.sandbox
        task: asyncio.Task[RunReport] = asyncio.create_task(
            self._engine.run(
                spec,
                lambda: events,
                [self.target],
                accepted=sandbox.publish if sandbox is not None else None,
            ),
            name=f"mockzenoti-pytest-run-{number}",
        )
        run = ZenotiRun(
            thread=self._thread,
            outbox=self.outbox,
            target=self.target,
            spec=spec,
            label=f"run #{number}: {stream.label}",
            events=events,
            expected=stream.expected,
            task=task,
            wait_timeout=self.settings.wait_timeout,
            sandbox=sandbox,
        )
        self.runs.append(run)
        if sandbox is not None and self.api is not None:
            self.api.attach(run, sandbox)
        return run

    async def deliver_outside(self, events: list[Event], run_id: int | None) -> None:
        """Send ``events`` (a ``/v1`` write's) to the target now, filed under ``run_id``
        (on the background loop, once a run has started the engine)."""
        engine = self._engine
        if engine is None:
            raise ConfigError("no run of this test has started", field="zenoti_api")
        live = engine.intake.targets.get(self.target.name)
        if live is None:
            live = (await engine.intake.use_targets([self.target]))[0]
        await engine.intake.accept(run_id, list(events), [live], None)

    def close(self) -> None:
        """Stop delivering (attempts in flight get half a second) and close the outbox."""
        if self._engine is not None:
            self._thread.call(self._close(), timeout=30.0)
        if self._outbox is not None:
            self._outbox.close()
            self._outbox = None

    async def _close(self) -> None:
        engine, self._engine = self._engine, None
        unfinished = [r._task for r in self.runs if not r._task.done()]
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*unfinished, return_exceptions=True)
        if engine is not None:
            await engine.close()
