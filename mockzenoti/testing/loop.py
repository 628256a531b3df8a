"""``LoopThread``: an asyncio event loop on a background thread, usable from any test.

The plugin's sink server and delivery engines live on this loop for the whole
session. pytest-asyncio gives each test its own loop (by default) and sync
tests have none; work submitted here runs the same in every case:

- ``await thread.run(coro)`` from any event loop (the caller's loop stays free
  to serve, e.g., the consumer's application under test);
- ``thread.call(coro)`` from synchronous code (it blocks: the public ``*_sync``
  methods refuse to run in an async test, whose loop they would starve).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["LoopThread", "refuse_blocking"]

T = TypeVar("T")


class LoopThread:
    """A daemon thread running one event loop until ``stop()``."""

    def __init__(self, name: str = "mockzenoti-plugin") -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The background loop (started on first use)."""
        if self._loop is None:
            self.start()
        assert self._loop is not None
        return self._loop

    def start(self) -> None:
        """Start the thread and its loop; returns once the loop runs."""
        if self._loop is not None:
            return
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def main() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            try:
                loop.run_forever()
            finally:
                pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
                for task in pending:
                    task.cancel()
                if pending:
                    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        thread = threading.Thread(target=main, name=self.name, daemon=True)
        thread.start()
        if not ready.wait(10.0):  # pragma: no cover - a thread that cannot start
            raise RuntimeError("the mockzenoti background event loop did not start")
        self._loop, self._thread = loop, thread

    def in_loop_thread(self) -> bool:
        """True when called from the background loop's own thread."""
        return self._thread is not None and threading.current_thread() is self._thread

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule ``coro`` on the background loop; a thread-safe future of its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` run on the background loop, from any event loop.

        Cancelling the caller cancels the work on the background loop too.
        """
        __tracebackhide__ = True
        if self.in_loop_thread():
            return await coro
        return await asyncio.wrap_future(self.submit(coro))

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run ``coro`` on the background loop and block until it is done (any thread).

        Only for work that needs nothing from the caller's own event loop
        (starting the sink, closing an engine); see ``refuse_blocking``.
        """
        if self.in_loop_thread():
            coro.close()
            raise RuntimeError("LoopThread.call from its own thread would deadlock")
        __tracebackhide__ = True
        future = self.submit(coro)
        done, _ = concurrent.futures.wait([future], timeout)
        if not done:
            future.cancel()
            raise TimeoutError(f"the background call did not finish in {timeout}s")
        problem = future.exception()
        if problem is not None:
            raise problem
        return future.result()

    def call_soon(self, fn: Callable[[], T], timeout: float = 10.0) -> T:
        """Run the plain function ``fn`` on the background loop's thread and return its result.

        Works from any thread, including one running an event loop (``fn`` does
        not wait for anything): used to change state the loop's tasks share.
        """
        if self.in_loop_thread():
            return fn()

        async def wrapper() -> T:
            return fn()

        return self.submit(wrapper()).result(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Cancel what still runs, stop the loop and join the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self._loop = self._thread = None
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)


def refuse_blocking(what: str, instead: str) -> None:
    """Raise ``RuntimeError`` when the calling thread runs an event loop (an async test).

    A blocking wait for deliveries there would stop that loop from serving
    the application under test (often the very target of the deliveries).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(f"{what} blocks, and this test runs an event loop: use `{instead}`")
