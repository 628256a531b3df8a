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
import random
from collections.abc import Iterable, Mapping
from datetime import timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from mockzenoti.delivery.chaos import Chaos
from mockzenoti.delivery.engine import Engine
from mockzenoti.delivery.options import DeliveryOptions
from mockzenoti.delivery.outbox import Outbox
from mockzenoti.delivery.policy import RetryPolicy
from mockzenoti.delivery.reports import RunReport
from mockzenoti.delivery.targets import Target
from mockzenoti.errors import ConfigError
from mockzenoti.event import Event
from mockzenoti.testing.loop import LoopThread, refuse_blocking
from mockzenoti.testing.runs import ZenotiRun
from mockzenoti.testing.settings import AUTO_SCALE_LONGEST, ZenotiSettings
from mockzenoti.testing.world import ZenotiWorld

__all__ = ["MAX_RUN_EVENTS", "ZenotiEmitter", "auto_retry_scale", "build_options", "build_target"]

#: A scenario run is materialized before it is sent; larger runs are refused.
MAX_RUN_EVENTS = 1_000_000
_FALLBACK_SECOND = 0x68000000  # 2025-04-16: ids for raw payloads that carry none


def auto_retry_scale(policy: RetryPolicy) -> float:
    """1.0 for ``fast`` and ``none``; else the scale that makes the longest wait 50 ms."""
    longest = max(policy.schedule, default=0.0) if policy.schedule is not None else policy.wait_max
    if longest <= AUTO_SCALE_LONGEST:
        return 1.0
    return AUTO_SCALE_LONGEST / longest


def build_target(settings: ZenotiSettings, url: str) -> Target:
    """The target a test's events go to: its URL, signing, retry policy and extra settings.

    A problem is reported under the setting's name (``retry``, ``secret``, ``target.*``).
    """
    signed = settings.scheme != "none" and settings.secret is not None
    try:
        return Target(
            url,
            name="zenoti-test",
            secrets=(settings.secret,) if signed and settings.secret else (),
            signature=settings.scheme if signed else None,  # type: ignore[arg-type]
            timeout=settings.timeout,
            policy=settings.retry,  # type: ignore[arg-type]
            **dict(settings.target),
        )
    except TypeError as exc:  # an unknown target setting
        raise ConfigError(f"target: {exc}", field="target") from None
    except ConfigError as exc:
        name = {"policy": "retry", "secrets": "secret", "signature": "signing"}.get(
            exc.field or "", f"target.{exc.field}"
        )
        raise ConfigError(f"{name}: {exc.message}", field=name) from None


def build_options(settings: ZenotiSettings, policy: RetryPolicy) -> DeliveryOptions:
    """The engine options of a test: concurrency, retry scale, ordering, chaos, seed."""
    chaos = Chaos(**settings.chaos) if settings.chaos else Chaos()  # type: ignore[arg-type]
    scale = auto_retry_scale(policy) if settings.retry_scale is None else settings.retry_scale
    return DeliveryOptions(
        concurrency=settings.concurrency,
        retry_scale=scale,
        ordering=settings.ordering,  # type: ignore[arg-type]
        chaos=chaos,
        seed=settings.seed_number,
        shutdown_grace=0.5,
    )


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
        spec, stream, expected, label = self._simulate(scenario, seed, events, duration, sizes)
        return await self._thread.run(self._start(spec, stream, expected, label))

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
        spec, stream, expected, label = self._simulate(scenario, seed, events, duration, sizes)
        run = self._thread.call(self._start(spec, stream, expected, label))
        run.wait_delivered_sync(timeout, check=check)
        return run

    def _simulate(
        self,
        scenario: str | Path,
        seed: int | str | None,
        events: int | None,
        duration: timedelta | str | None,
        sizes: Mapping[str, Any] | None,
    ) -> tuple[dict[str, Any], list[Event], dict[str, Any], str]:
        from mockzenoti.scenarios import load_scenario

        chosen = load_scenario(scenario)
        seed = self.settings.seed if seed is None else seed
        if chosen.endless and events is None and duration is None:
            raise ConfigError(
                f"{chosen.name} never ends: give events= or duration=", field="events"
            )
        sim = chosen.simulate(seed, events=events, duration=duration, sizes=sizes, track_truth=True)
        stream = list(islice(sim, MAX_RUN_EVENTS + 1))
        if len(stream) > MAX_RUN_EVENTS:
            raise ConfigError(
                f"{chosen.name} makes more than {MAX_RUN_EVENTS} events here; "
                "limit it with events= or duration=",
                field="events",
            )
        spec = {
            "scenario": chosen.name,
            "seed": str(seed),
            "events": events,
            "duration": None if duration is None else str(duration),
            "sizes": None if sizes is None else dict(sizes),
        }
        return spec, stream, sim.expected(), f"scenario {chosen.name} (seed {seed})"

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
        made = self._event(event, overrides, seed)
        run = await self._thread.run(self._start({}, [made], None, f"emit {made.name}"))
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
        made = self._event(event, overrides, seed)
        run = self._thread.call(self._start({}, [made], None, f"emit {made.name}"))
        run.wait_delivered_sync(timeout, check=check)
        return run

    async def send(self, events: Iterable[Event] | ZenotiWorld) -> ZenotiRun:
        """Start delivering ``events`` in order, or what a ``zenoti_world`` has done since
        the last send (then ``run.expected`` is the world's expected state)."""
        stream, expected, label = self._batch(events)
        return await self._thread.run(self._start({}, stream, expected, label))

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
        stream, expected, label = self._batch(events)
        run = self._thread.call(self._start({}, stream, expected, label))
        run.wait_delivered_sync(timeout, check=check)
        return run

    def _batch(
        self, events: Iterable[Event] | ZenotiWorld
    ) -> tuple[list[Event], dict[str, Any] | None, str]:
        if isinstance(events, ZenotiWorld):
            taken = events.take()
            return taken, events.expected(), f"world (seed {events.seed})"
        stream = list(events)
        if not all(isinstance(e, Event) for e in stream):
            raise ConfigError("send() takes Event objects or a zenoti_world", field="events")
        return stream, None, "events"

    def _event(
        self,
        event: str | Event | Mapping[str, Any],
        overrides: Mapping[str, Any] | None,
        seed: int | str | None,
    ) -> Event:
        self._emitted += 1
        seed = f"{self.settings.seed}:emit:{self._emitted}" if seed is None else seed
        if isinstance(event, str):
            from mockzenoti.generator import generate

            return generate(event, seed=seed, overrides=overrides)
        from mockzenoti.overrides import set_path

        if isinstance(event, Event):
            payload = event.payload
            for path, value in (overrides or {}).items():
                payload = set_path(payload, path, value)
            return Event(event.name, payload, event.keys, event.seq, event.center_id)
        if not isinstance(event, Mapping):
            raise ConfigError(
                "emit() takes an event type, an Event or a payload dict", field="event"
            )
        payload = dict(event)
        for path, value in (overrides or {}).items():
            payload = set_path(payload, path, value)
        if "event_id" not in payload or "id" not in payload:
            from mockzenoti.ids import ObjectIdFactory

            event_id, delivery_id = ObjectIdFactory(random.Random(seed)).pair(_FALLBACK_SECOND)
            payload.setdefault("event_id", event_id)
            payload.setdefault("id", delivery_id)
        return Event(str(payload.get("event_type", "raw")), payload)

    # -- the engine --------------------------------------------------------------------------

    async def _start(
        self,
        spec: dict[str, Any],
        stream: list[Event],
        expected: dict[str, Any] | None,
        label: str,
    ) -> ZenotiRun:
        """On the background loop: start the engine if needed and the run's task."""
        if self._engine is None:
            engine = Engine(self.outbox, self.options)
            await engine.start()
            self._engine = engine
        number = len(self.runs) + 1
        full_spec = {"mockzenoti-pytest": number, "label": label, **spec}
        task: asyncio.Task[RunReport] = asyncio.create_task(
            self._engine.run(full_spec, lambda: stream, [self.target]),
            name=f"mockzenoti-pytest-run-{number}",
        )
        run = ZenotiRun(
            thread=self._thread,
            outbox=self.outbox,
            target=self.target,
            spec=full_spec,
            label=f"run #{number}: {label}",
            events=stream,
            expected=expected,
            task=task,
            wait_timeout=self.settings.wait_timeout,
        )
        self.runs.append(run)
        return run

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
