"""Deliveries by state, outbox-wide, beside the live counters taken at the same moment.

``GET /stats`` answers both, and the live page shows ``outbox + (live now -
live then)``: so the two must describe one moment, or the page stays off by
whatever was in between until it reads ``/stats`` again. An engine stages its
changes for a group commit (every ``flush_interval``), so the outbox alone
trails the live counters.

- ``OutboxTally`` (the control server): every engine commits what it has
  staged, at once and together, then the live counters are read, then the
  outbox is counted on its thread; if an engine committed again meanwhile,
  all of it once more (a few times at most).
- ``BaselineTally`` (``mockzenoti run --live``): the outbox was counted once
  before the run's engine started; since then every change went through that
  engine's counters, so settled states are that count plus the live ones.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from mockzenoti.delivery import Hub, Outbox
from mockzenoti.delivery.committer import Committer
from mockzenoti.delivery.outbox import STATES, UNSETTLED

__all__ = ["BaselineTally", "OutboxTally", "Tally"]

Counts = dict[str, int]


class Tally(Protocol):
    """``await tally()``: ``(deliveries by state, the live counters' snapshot)``, one moment."""

    async def __call__(self) -> tuple[Counts, dict[str, Any]]:
        """Both, consistent with each other."""


class OutboxTally:
    """The server's: commit what every engine staged, read the live counters, count the outbox."""

    TRIES = 5

    def __init__(self, outbox: Outbox, hub: Hub, committers: Callable[[], list[Committer]]) -> None:
        self.outbox = outbox
        self.hub = hub
        self.committers = committers

    async def __call__(self) -> tuple[Counts, dict[str, Any]]:
        """Deliveries by state and the live snapshot of the same moment (see the module)."""
        for _ in range(self.TRIES):
            parts = self.committers()
            for committer in parts:
                with contextlib.suppress(Exception):  # a failing writer ends its own work
                    committer.commit_now()
            live = self.hub.metrics.snapshot()
            before = [(id(c), c.commits) for c in parts]
            counts = await self.outbox.call(self.outbox.counts)
            if [(id(c), c.commits) for c in self.committers()] == before:
                break
        return counts, live


class BaselineTally:
    """A CLI run's: the outbox counted before the run, plus what its engine counted since."""

    def __init__(self, baseline: Mapping[str, int], hub: Hub) -> None:
        self.baseline = dict(baseline)
        self.hub = hub

    async def __call__(self) -> tuple[Counts, dict[str, Any]]:
        """Deliveries by state (settled: baseline plus live; unsettled: live) and the snapshot."""
        live = self.hub.metrics.snapshot()
        states = live["states"]
        counts = {
            s: states.get(s, 0) + (0 if s in UNSETTLED else self.baseline.get(s, 0)) for s in STATES
        }
        return counts, live
