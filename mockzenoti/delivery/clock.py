"""Time as the delivery layer sees it: an injectable clock.

Every wait in the delivery layer (retry backoff, ``Retry-After``, the rate
limiter, chaos delays) goes through a ``Clock``, so tests swap in a
``FakeClock`` and never sleep for real. ``now()`` is wall-clock seconds since
the Unix epoch because due times are written to the outbox and must mean the
same thing after a restart.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from typing import Any, Protocol, runtime_checkable

__all__ = ["Clock", "FakeClock", "RealClock"]


@runtime_checkable
class Clock(Protocol):
    """What the delivery layer needs from time."""

    def now(self) -> float:
        """Seconds since the Unix epoch (may be virtual)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (may be virtual); zero or less returns at once."""
        ...


class RealClock:
    """The wall clock and ``asyncio.sleep``."""

    __slots__ = ()

    virtual = False

    def now(self) -> float:
        """``time.time()``."""
        return time.time()

    async def sleep(self, seconds: float) -> None:
        """``asyncio.sleep(seconds)``; a non-positive wait only yields to the loop."""
        await asyncio.sleep(max(0.0, seconds))


class FakeClock:
    """Virtual time for tests: sleeping advances time instead of waiting.

    ``sleep(d)`` records ``d`` in ``sleeps``, yields to the event loop once,
    then moves virtual time to the sleeper's wake-up time (``now() + d`` as
    seen when the sleep began) unless time is already past it. Time never goes
    backwards: with concurrent sleepers it is the latest wake-up time reached
    so far, and a sleeper always resumes at or after its own wake-up time,
    which keeps the schedule of any single delivery exact.

    ``start`` defaults to the real time at creation so that timestamps signed
    with it (Standard Webhooks' 5-minute tolerance) stay verifiable.
    """

    __slots__ = ("_now", "sleeps")

    virtual = True

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else float(start)
        self.sleeps: list[float] = []

    def now(self) -> float:
        """The current virtual time."""
        return self._now

    def sleep(self, seconds: float) -> Coroutine[Any, Any, None]:
        """Record the wait, yield once, then jump virtual time to its end.

        The wake-up time is fixed when ``sleep`` is called, not when the
        returned coroutine first runs.
        """
        seconds = max(0.0, seconds)
        self.sleeps.append(seconds)
        return self._wake_at(self._now + seconds)

    async def _wake_at(self, wake: float) -> None:
        await asyncio.sleep(0)
        self._now = max(self._now, wake)

    def advance(self, seconds: float) -> None:
        """Move virtual time forward without sleeping (for tests)."""
        if seconds < 0:
            raise ValueError("time does not go backwards")
        self._now += seconds
