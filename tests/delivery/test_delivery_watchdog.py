"""The engine's Watchdog: one timer cancels the attempts past their deadline."""

from __future__ import annotations

import asyncio

import pytest

from mockzenoti.delivery.watchdog import Watchdog
from mockzenoti.testing.waiting import eventually


async def _attempt(watchdog: Watchdog, timeout: float, work: asyncio.Event) -> str:
    """What Sender.send does around a request: watch, await, tell a timeout apart."""
    task = watchdog.watch(timeout)
    try:
        await work.wait()
    except asyncio.CancelledError:
        if not watchdog.expired(task):
            raise
        return "timeout"
    finally:
        watchdog.unwatch(task)
    return "done"


@pytest.mark.asyncio
async def test_an_attempt_past_its_deadline_times_out_and_its_task_goes_on() -> None:
    watchdog = Watchdog()
    loop = asyncio.get_running_loop()
    began = loop.time()
    outcome = await _attempt(watchdog, 0.02, asyncio.Event())
    elapsed = loop.time() - began
    assert outcome == "timeout"
    assert 0.02 <= elapsed < 0.5  # the tick shrinks to a tenth of a short timeout
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0  # the cancellation was withdrawn
    await asyncio.sleep(0)  # and nothing is left pending for this task
    watchdog.close()


@pytest.mark.asyncio
async def test_an_attempt_that_ends_in_time_is_left_alone_and_the_timer_disarms() -> None:
    watchdog = Watchdog()
    work = asyncio.Event()
    asyncio.get_running_loop().call_soon(work.set)
    assert await _attempt(watchdog, 5.0, work) == "done"
    assert watchdog._watched == {}
    # The armed tick then finds nothing to watch and does not re-arm itself.
    assert watchdog._handle is not None
    await eventually(lambda: watchdog._handle is None, timeout=2.0, what="the timer to disarm")


@pytest.mark.asyncio
async def test_a_shutdown_cancel_is_not_taken_for_a_timeout() -> None:
    watchdog = Watchdog()
    task = asyncio.create_task(_attempt(watchdog, 60.0, asyncio.Event()))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert watchdog._watched == {}
    watchdog.close()


@pytest.mark.asyncio
async def test_a_shutdown_cancel_at_the_deadline_still_cancels() -> None:
    watchdog = Watchdog()
    task = asyncio.create_task(_attempt(watchdog, 0.01, asyncio.Event()))
    await asyncio.sleep(0)
    watchdog._watched[task] = 0.0  # overdue now
    watchdog._check()  # the watchdog cancels it for its deadline...
    task.cancel()  # ...and shutdown cancels it too, before it runs again
    with pytest.raises(asyncio.CancelledError):
        await task
    watchdog.close()


@pytest.mark.asyncio
async def test_only_overdue_attempts_are_cancelled() -> None:
    watchdog = Watchdog()
    slow, fast = asyncio.Event(), asyncio.Event()
    overdue = asyncio.create_task(_attempt(watchdog, 0.01, slow))
    patient = asyncio.create_task(_attempt(watchdog, 60.0, fast))
    assert await overdue == "timeout"
    assert not patient.done()
    fast.set()
    assert await patient == "done"
    watchdog.close()
