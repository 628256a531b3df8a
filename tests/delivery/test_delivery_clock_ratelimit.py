"""The fake clock never waits; the rate limiter spaces requests evenly."""

from __future__ import annotations

import asyncio
import time

import pytest
from delivery_support import deliver, gaps

from mockzenoti.delivery import DeliveryOptions, FakeClock, Outbox, Target
from mockzenoti.delivery.ratelimit import RateLimiter
from mockzenoti.sink import Sink


@pytest.mark.asyncio
async def test_fake_clock_records_sleeps_and_does_not_wait(clock: FakeClock) -> None:
    start_real, start_virtual = time.perf_counter(), clock.now()
    await clock.sleep(3600)
    await clock.sleep(-5)
    await clock.sleep(0.25)
    assert time.perf_counter() - start_real < 0.5
    assert clock.sleeps == [3600, 0, 0.25]
    assert clock.now() == start_virtual + 3600.25


@pytest.mark.asyncio
async def test_concurrent_fake_sleepers_wake_at_their_own_times(clock: FakeClock) -> None:
    woke: dict[str, float] = {}

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke[name] = clock.now()

    t0 = clock.now()
    await asyncio.gather(sleeper("a", 30), sleeper("b", 31))
    assert woke["a"] >= t0 + 30
    assert woke["b"] == t0 + 31
    assert clock.now() == t0 + 31


@pytest.mark.asyncio
async def test_limiter_spaces_sequential_acquisitions_evenly(clock: FakeClock) -> None:
    limiter = RateLimiter(20, clock)
    t0 = clock.now()
    stamps = []
    for _ in range(50):
        await limiter.acquire()
        stamps.append(clock.now())
    assert stamps[0] == t0  # an idle limiter lets the first one go at once
    assert all(g == pytest.approx(0.05) for g in gaps(stamps))
    achieved = (len(stamps) - 1) / (stamps[-1] - stamps[0])
    assert achieved == pytest.approx(20)


@pytest.mark.asyncio
async def test_limiter_gives_concurrent_callers_distinct_even_slots(clock: FakeClock) -> None:
    limiter = RateLimiter(100, clock)
    t0 = clock.now()
    waits = [limiter.reserve() for _ in range(10)]
    assert waits == pytest.approx([i * 0.01 for i in range(10)])
    await asyncio.gather(*(limiter.acquire() for _ in range(10)))
    assert clock.now() == pytest.approx(t0 + 0.19)


@pytest.mark.asyncio
async def test_idle_limiter_does_not_save_up_a_burst(clock: FakeClock) -> None:
    limiter = RateLimiter(10, clock)
    await limiter.acquire()
    clock.advance(60)  # a minute idle
    assert limiter.reserve() == 0
    assert limiter.reserve() == pytest.approx(0.1)
    assert limiter.reserve() == pytest.approx(0.2)


def _all_attempt_times(outbox: Outbox) -> list[float]:
    return sorted(
        a.at for d in outbox.list_deliveries().items for a in outbox.get_delivery(d.pk).attempts
    )


@pytest.mark.asyncio
async def test_engine_paces_attempts_evenly_at_the_configured_rate(
    outbox: Outbox, sink: Sink, clock: FakeClock
) -> None:
    options = DeliveryOptions(rate=10, concurrency=1)
    report = await deliver(outbox, Target(sink.url), 20, options=options, clock=clock)
    assert report.delivered == 20
    times = _all_attempt_times(outbox)
    assert gaps(times) == pytest.approx([0.1] * 19)


@pytest.mark.asyncio
async def test_engine_with_many_workers_never_exceeds_the_rate(
    outbox: Outbox, sink: Sink, clock: FakeClock
) -> None:
    options = DeliveryOptions(rate=50, concurrency=8)
    t0 = clock.now()
    report = await deliver(outbox, Target(sink.url), 40, options=options, clock=clock)
    assert report.delivered == 40
    # 40 slots 20 ms apart: the last one cannot start before 39 intervals have passed.
    assert _all_attempt_times(outbox)[-1] - t0 >= 39 * 0.02 - 1e-6
    assert clock.now() - t0 == pytest.approx(39 * 0.02, abs=0.021)
