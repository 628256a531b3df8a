"""Attempt timeouts with one timer for all attempts, not one per request.

aiohttp's per-request timeout arms a timer and a timer context for every
request and tears them down after; at thousands of requests a second that is
a measurable share of the sender's CPU (about 7 % of a soak in side-by-side
runs). Here an attempt only records its deadline (a dict insert and delete),
and a single timer, armed while attempts are under way, wakes every ``tick``
seconds and cancels the attempts past their deadline. An attempt with timeout
``t`` therefore ends between ``t`` and ``t + tick`` seconds after it started;
``tick`` is at most 50 ms and at most a tenth of the shortest timeout seen.

Cancelling works like ``asyncio.timeout``: the attempt's task is cancelled,
``Watchdog.expired`` tells the attempt that the cancellation was its timeout
(and uncancels the task), and any other cancellation (shutdown) is re-raised.
"""

from __future__ import annotations

import asyncio

__all__ = ["Watchdog"]

_LONGEST_TICK = 0.05
_SHORTEST_TICK = 0.001


class Watchdog:
    """Cancels attempts that overrun their deadline (see the module docstring)."""

    __slots__ = ("_expired", "_handle", "_loop", "_tick", "_watched")

    def __init__(self) -> None:
        self._watched: dict[asyncio.Task[object], float] = {}
        self._expired: set[asyncio.Task[object]] = set()
        self._handle: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tick = _LONGEST_TICK

    def watch(self, timeout: float) -> asyncio.Task[object]:
        """Watch the current task for ``timeout`` seconds from now; returns the task."""
        task: asyncio.Task[object] | None = asyncio.current_task()
        if task is None:
            raise RuntimeError("Watchdog.watch() must be called from a task")
        loop = self._loop
        if loop is None:
            loop = self._loop = asyncio.get_running_loop()
        self._watched[task] = loop.time() + timeout
        if timeout < 10 * self._tick:
            self._tick = max(_SHORTEST_TICK, timeout / 10)
        if self._handle is None:
            self._handle = loop.call_later(self._tick, self._check)
        return task

    def unwatch(self, task: asyncio.Task[object]) -> None:
        """The attempt of ``task`` is over (whatever its outcome)."""
        self._watched.pop(task, None)
        self._expired.discard(task)

    def expired(self, task: asyncio.Task[object]) -> bool:
        """True when ``task`` was cancelled for its deadline and nothing else.

        Call it on ``CancelledError``: when True the cancellation is withdrawn
        (``Task.uncancel``) and the attempt timed out; when False re-raise.
        """
        if task not in self._expired:
            return False
        self._expired.discard(task)
        return task.uncancel() == 0

    def close(self) -> None:
        """Disarm the timer (the engine is stopping)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _check(self) -> None:
        self._handle = None
        watched = self._watched
        if not watched:
            return
        assert self._loop is not None
        now = self._loop.time()
        overdue = [task for task, deadline in watched.items() if deadline <= now]
        for task in overdue:
            del watched[task]
            self._expired.add(task)
            task.cancel()
        if watched:
            self._handle = self._loop.call_later(self._tick, self._check)
