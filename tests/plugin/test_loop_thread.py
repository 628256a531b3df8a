"""The background loop the plugin's sink and engines run on (mockzenoti/testing/loop.py)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from mockzenoti.testing.loop import LoopThread, refuse_blocking


@pytest.fixture
def thread() -> Iterator[LoopThread]:
    running = LoopThread("test-loop")
    running.start()
    yield running
    running.stop()


async def where() -> str:
    await asyncio.sleep(0)
    return threading.current_thread().name


def test_call_runs_on_the_background_thread(thread: LoopThread) -> None:
    assert thread.call(where()) == "test-loop"
    assert thread.call_soon(lambda: threading.current_thread().name) == "test-loop"


def test_run_awaits_from_another_event_loop(thread: LoopThread) -> None:
    async def main() -> tuple[str, str]:
        return await thread.run(where()), threading.current_thread().name

    assert asyncio.run(main()) == ("test-loop", "MainThread")


def test_errors_come_back_as_raised(thread: LoopThread) -> None:
    class Mine(TimeoutError):
        pass

    async def fail() -> None:
        raise Mine("from the work itself")

    with pytest.raises(Mine, match="from the work itself"):
        thread.call(fail())


def test_a_call_that_takes_too_long_is_cancelled(thread: LoopThread) -> None:
    started = threading.Event()
    cancelled = threading.Event()

    async def forever() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()

    with pytest.raises(TimeoutError, match=r"did not finish in 0\.05s"):
        thread.call(forever(), timeout=0.05)
    assert started.is_set() and cancelled.wait(5)


def test_cancelling_the_caller_cancels_the_work(thread: LoopThread) -> None:
    cancelled = threading.Event()

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()

    async def main() -> None:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(thread.run(forever()), 0.05)

    asyncio.run(main())
    assert cancelled.wait(5)


def test_blocking_calls_are_refused_inside_an_event_loop() -> None:
    refuse_blocking("x", "y")  # no loop here: allowed

    async def main() -> None:
        refuse_blocking("run_sync", "await run(...)")

    with pytest.raises(RuntimeError, match=r"run_sync blocks.*use `await run"):
        asyncio.run(main())


def test_stop_ends_the_thread_and_cancels_what_runs(thread: LoopThread) -> None:
    started, cancelled = threading.Event(), threading.Event()

    async def forever() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()

    thread.submit(forever())
    assert started.wait(5)
    [worker] = [t for t in threading.enumerate() if t.name == "test-loop"]
    thread.stop()
    assert cancelled.is_set() and not worker.is_alive()
