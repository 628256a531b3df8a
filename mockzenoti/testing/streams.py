"""The events a test sends: a scenario's stream with its truth, or one event.

``simulate`` runs a scenario to the end (or to ``events``/``duration``) and
returns its events with the expected final state; runs are materialized, so
``MAX_RUN_EVENTS`` bounds them. ``make_event`` turns what ``emit`` takes (a
catalog name with overrides, an ``Event``, a raw payload) into an ``Event``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockzenoti.errors import ConfigError
from mockzenoti.event import Event

if TYPE_CHECKING:
    from mockzenoti.rest import Sandbox

__all__ = ["MAX_RUN_EVENTS", "Stream", "make_event", "simulate"]

#: A scenario run is materialized before it is sent; larger runs are refused.
MAX_RUN_EVENTS = 1_000_000
_FALLBACK_SECOND = 0x68000000  # 2025-04-16: ids for raw payloads that carry none


@dataclass(frozen=True, slots=True)
class Stream:
    """Events to send, what identifies them (``spec``), the truth after them, a label, and
    the ``/v1`` sandbox of their world (scenario and world runs with ``zenoti_api``)."""

    spec: dict[str, Any]
    events: list[Event]
    expected: dict[str, Any] | None
    label: str
    sandbox: Sandbox | None = None


def simulate(
    scenario: str | Path,
    seed: int | str,
    events: int | None,
    duration: timedelta | str | None,
    sizes: Mapping[str, Any] | None,
    *,
    rest: bool = False,
) -> Stream:
    """A scenario's events (a built-in name or a YAML path) and the truth after them.

    ``rest``: give the world a ``/v1`` sandbox (``zenoti_api``) before it emits.
    """
    from mockzenoti.scenarios import load_scenario

    chosen = load_scenario(scenario)
    if chosen.endless and events is None and duration is None:
        raise ConfigError(f"{chosen.name} never ends: give events= or duration=", field="events")
    sim = chosen.simulate(seed, events=events, duration=duration, sizes=sizes, track_truth=True)
    sandbox = None
    if rest:
        from mockzenoti.rest import Sandbox

        sandbox = Sandbox.for_simulation(sim, defer_truth=False)
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
    if sandbox is not None:
        sandbox.stream_ended()
    label = f"scenario {chosen.name} (seed {seed})"
    return Stream(spec, stream, sim.expected(), label, sandbox)


def make_event(
    event: str | Event | Mapping[str, Any], overrides: Mapping[str, Any] | None, seed: int | str
) -> Event:
    """The event ``emit`` sends.

    A catalog name is generated under ``seed`` with ``overrides`` (dotted
    paths, checked against the schema); an ``Event`` or a raw payload gets the
    overrides unchecked (send what Zenoti never would), and a payload without
    ``event_id``/``id`` gets seeded ones.
    """
    if isinstance(event, str):
        from mockzenoti.generator import generate

        return generate(event, seed=seed, overrides=overrides)
    from mockzenoti.generator.overrides import set_path

    if isinstance(event, Event):
        payload = event.payload
        for path, value in (overrides or {}).items():
            payload = set_path(payload, path, value)
        return Event(event.name, payload, event.keys, event.seq, event.center_id)
    if not isinstance(event, Mapping):
        raise ConfigError("emit() takes an event type, an Event or a payload dict", field="event")
    payload = dict(event)
    for path, value in (overrides or {}).items():
        payload = set_path(payload, path, value)
    if "event_id" not in payload or "id" not in payload:
        from mockzenoti.ids import ObjectIdFactory

        event_id, delivery_id = ObjectIdFactory(random.Random(str(seed))).pair(_FALLBACK_SECOND)
        payload.setdefault("event_id", event_id)
        payload.setdefault("id", delivery_id)
    return Event(str(payload.get("event_type", "raw")), payload)
