"""Waiting for a condition, never for a fixed time: ``wait_until`` and ``eventually``.

Both re-check ``condition`` every ``every`` seconds until it returns something
true, return that value, and raise ``WaitTimeout`` (naming ``what`` and the
last value seen) once ``timeout`` seconds have passed: a wait is always
bounded. ``wait_until`` blocks (threads, child processes, a server in
another thread); ``eventually`` awaits (the condition may be a coroutine
function) and lets the event loop run in between.

    wait_until(lambda: sink.call_count >= 10, what="ten requests")
    await eventually(lambda: watchdog.idle, timeout=2)
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from mockzenoti.testing.errors import WaitTimeout

__all__ = ["eventually", "wait_until"]

T = TypeVar("T")


def _timed_out(what: str, timeout: float, last: object) -> WaitTimeout:
    return WaitTimeout(f"timed out after {timeout:g}s waiting for {what} (last seen: {last!r})")


def wait_until(
    condition: Callable[[], T],
    *,
    timeout: float = 10.0,
    every: float = 0.02,
    what: str = "the condition",
) -> T:
    """``condition()``'s first true value, re-checked every ``every`` s for ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        left = deadline - time.monotonic()
        if left <= 0:
            raise _timed_out(what, timeout, value)
        time.sleep(min(every, left))


async def eventually(
    condition: Callable[[], T | Awaitable[T]],
    *,
    timeout: float = 10.0,
    every: float = 0.01,
    what: str = "the condition",
) -> T:
    """As ``wait_until``, awaiting: the loop runs between checks; ``condition`` may be async."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        left = deadline - loop.time()
        if left <= 0:
            raise _timed_out(what, timeout, value)
        await asyncio.sleep(min(every, left))
