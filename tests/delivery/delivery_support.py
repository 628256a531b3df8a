"""Helpers shared by the delivery tests (not fixtures: plain functions)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from mockzenoti.delivery import (
    Clock,
    DeliveryOptions,
    Hub,
    Outbox,
    RunReport,
    Target,
    run_stream,
)
from mockzenoti.delivery.testing import synthetic_events
from mockzenoti.event import Event

START = 1_700_000_000.0  # a whole second: HTTP dates in Retry-After are exact


async def deliver(
    outbox: Outbox,
    targets: Target | Sequence[Target],
    events: list[Event] | int = 1,
    *,
    options: DeliveryOptions | None = None,
    clock: Clock | None = None,
    hub: Hub | None = None,
    spec: Any = None,
    seed: int = 0,
) -> RunReport:
    """Run ``events`` (or that many synthetic ones) to ``targets`` through ``run_stream``."""
    if isinstance(events, int):
        events = synthetic_events(events, seed=seed)
    fixed = list(events)
    target_list = [targets] if isinstance(targets, Target) else list(targets)
    return await run_stream(
        outbox,
        spec if spec is not None else {"test": len(fixed), "seed": seed},
        lambda: iter(fixed),
        target_list,
        options or DeliveryOptions(),
        clock=clock,
        hub=hub,
    )


def attempt_times(outbox: Outbox, pk: int) -> list[float]:
    """When each attempt of delivery ``pk`` started (outbox clock)."""
    return [a.at for a in outbox.get_delivery(pk).attempts]


def gaps(times: list[float]) -> list[float]:
    """Differences between consecutive times."""
    return [b - a for a, b in itertools.pairwise(times)]


def only_delivery(outbox: Outbox) -> int:
    """The pk of the outbox's single delivery."""
    page = outbox.list_deliveries()
    assert page.total == 1, page
    return page.items[0].pk
