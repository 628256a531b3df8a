"""A smooth rate limiter: requests evenly spaced, never in bursts.

Each ``acquire()`` reserves the next free slot, ``interval = 1 / rate``
seconds after the previous one (or now, if the limiter has been idle), and
sleeps until it on the injected clock. Slot ``i`` of a busy limiter is at
``t0 + i * interval`` exactly, so ``n`` requests take ``(n - 1) / rate``
seconds and an idle limiter never saves up a burst (a GCRA with a burst of 1).
"""

from __future__ import annotations

import math

from mockzenoti.delivery.clock import Clock
from mockzenoti.errors import ConfigError

__all__ = ["RateLimiter"]


class RateLimiter:
    """At most ``rate`` acquisitions per second, evenly spaced."""

    __slots__ = ("_clock", "_next", "interval", "rate")

    def __init__(self, rate: float, clock: Clock) -> None:
        if isinstance(rate, bool) or not isinstance(rate, int | float):
            raise ConfigError("rate is a number of events per second", field="rate")
        if not (rate > 0 and math.isfinite(rate)):
            raise ConfigError("rate must be a positive number of events per second", field="rate")
        self.rate = float(rate)
        self.interval = 1.0 / self.rate
        self._clock = clock
        self._next = -math.inf

    def reserve(self) -> float:
        """Take the next slot without waiting; returns the seconds until it."""
        now = self._clock.now()
        slot = max(now, self._next)
        self._next = slot + self.interval
        return slot - now

    async def acquire(self) -> None:
        """Wait for the next slot."""
        wait = self.reserve()
        if wait > 0:
            await self._clock.sleep(wait)
