"""A run's clock: the server's clock, except that a stop request cuts the pacer's wait short.

A paced run (``pace: realtime``) may wait minutes for its next event's
simulated time. The engine's pacer waits on the run's clock in the run's own
task; when the run is asked to stop, that wait raises ``RunStopped`` so the
event it holds is never accepted. Every other wait (retry backoff, chaos
delays, the rate limit: the engine's workers and scheduler) is the base
clock's, untouched.
"""

from __future__ import annotations

import asyncio

from mockzenoti.delivery import Clock

__all__ = ["RunClock", "RunStopped"]


class RunStopped(Exception):
    """The run was asked to stop while its pacer waited for the next event."""


class RunClock:
    """``Clock`` for one run's engine; ``owner`` is the task that runs ``Engine.run``."""

    __slots__ = ("_base", "_stop", "owner")

    def __init__(self, base: Clock, stop: asyncio.Event) -> None:
        self._base = base
        self._stop = stop
        self.owner: asyncio.Task[object] | None = None

    @property
    def virtual(self) -> bool:
        """Whether the base clock is virtual (the engine reads this)."""
        return bool(getattr(self._base, "virtual", False))

    def now(self) -> float:
        """The base clock's time."""
        return self._base.now()

    async def sleep(self, seconds: float) -> None:
        """The base clock's sleep; in the owner task, interrupted by a stop request."""
        if self.owner is None or asyncio.current_task() is not self.owner:
            await self._base.sleep(seconds)
            return
        if self._stop.is_set():
            raise RunStopped
        sleeper = asyncio.ensure_future(self._base.sleep(seconds))
        stopper = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait((sleeper, stopper), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for future in (sleeper, stopper):
                future.cancel()
            await asyncio.gather(sleeper, stopper, return_exceptions=True)
        if self._stop.is_set():
            raise RunStopped
