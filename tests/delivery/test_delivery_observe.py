"""The changes feed, live counters, and cheapness when nobody listens."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from delivery_support import deliver

from mockzenoti.delivery import DeliveryOptions, FakeClock, Hub, Outbox, Target
from mockzenoti.delivery.observe import LATENCY_BUCKETS
from mockzenoti.sink import Sink


@pytest.mark.asyncio
async def test_the_feed_tells_the_story_of_a_run(outbox: Outbox, clock: FakeClock) -> None:
    hub = Hub()
    async with Sink(fail_first=1) as sink, hub.listen() as feed:
        report = await deliver(outbox, Target(sink.url, policy="1s"), 4, clock=clock, hub=hub)
        feed.close()
        changes = [change async for change in feed]
    kinds = Counter(c["type"] for c in changes)
    assert kinds["accepted"] == 4
    assert kinds["attempt.started"] == kinds["attempt.finished"] == 8
    assert kinds["run.finished"] == 1
    states = [c["state"] for c in changes if c["type"] == "delivery.state"]
    # A due retry goes from "retrying" straight to "delivering": the feed tells
    # the states the outbox holds, nothing in between.
    assert Counter(states) == {"delivering": 8, "retrying": 4, "delivered": 4}
    accepted_ids = {c["event_id"] for c in changes if c["type"] == "accepted"}
    state_ids = {c["event_id"] for c in changes if c["type"] == "delivery.state"}
    assert state_ids == accepted_ids and len(accepted_ids) == 4  # each change names its event
    finished = [c for c in changes if c["type"] == "attempt.finished"]
    assert Counter(c["outcome"] for c in finished) == {"server_error": 4, "success": 4}
    assert all(c["latency_ms"] > 0 and c["target"] == "default" for c in finished)
    assert changes[-1] == {"type": "run.finished", "run_id": report.run_id, "counts": report.counts}


@pytest.mark.asyncio
async def test_callbacks_and_unsubscribing(outbox: Outbox, sink: Sink) -> None:
    hub = Hub()
    seen: list[dict[str, Any]] = []
    unsubscribe = hub.subscribe(seen.append)
    assert hub.active
    await deliver(outbox, Target(sink.url), 2, hub=hub)
    count = len(seen)
    assert count > 0
    assert unsubscribe() and not hub.active
    await deliver(outbox, Target(sink.url), 2, hub=hub, spec={"second": 1})
    assert len(seen) == count


@pytest.mark.asyncio
async def test_nothing_is_built_when_nobody_listens(outbox: Outbox, sink: Sink) -> None:
    hub = Hub()

    def fail(change: dict[str, Any]) -> None:
        raise AssertionError(f"emitted with no listener: {change}")

    hub.emit = fail  # type: ignore[method-assign]
    report = await deliver(outbox, Target(sink.url), 20, hub=hub)
    assert report.delivered == 20


@pytest.mark.asyncio
async def test_a_slow_reader_loses_changes_not_speed() -> None:
    hub = Hub()
    async with hub.listen(maxsize=3) as feed:
        for i in range(10):
            hub.emit({"type": "x", "i": i})
        assert feed.dropped == 7
        feed.close()
        assert [c["i"] async for c in feed] == [0, 1, 2]


@pytest.mark.asyncio
async def test_metrics_count_states_outcomes_and_latency(outbox: Outbox, clock: FakeClock) -> None:
    hub = Hub()
    async with Sink(fail_first=1) as sink:
        await deliver(outbox, Target(sink.url, policy="1s"), 5, clock=clock, hub=hub)
    snap = hub.metrics.snapshot()
    assert snap["states"] == {"delivered": 5}
    assert snap["attempts"] == {"server_error": 5, "success": 5}
    assert snap["accepted"] == 5
    assert snap["queue_depth"] == 0
    buckets = snap["latency"]["buckets"]
    assert [b[0] for b in buckets] == [*LATENCY_BUCKETS, "+Inf"]
    counts = [b[1] for b in buckets]
    assert counts == sorted(counts) and counts[-1] == snap["latency"]["count"] == 10
    text = hub.metrics.prometheus()
    assert 'mockzenoti_deliveries{state="delivered"} 5' in text
    assert 'mockzenoti_attempts_total{outcome="success"} 5' in text
    assert 'mockzenoti_attempt_latency_seconds_bucket{le="+Inf"} 10' in text
    assert "mockzenoti_attempt_latency_seconds_count 10" in text


@pytest.mark.asyncio
async def test_queue_depth_is_live_and_bounded(outbox: Outbox) -> None:
    hub = Hub()
    depths: list[int] = []
    hub.subscribe(lambda change: depths.append(hub.metrics.queue_depth))
    async with Sink(latency=0.001) as sink:
        options = DeliveryOptions(concurrency=4, max_outstanding=50, batch_size=10)
        report = await deliver(outbox, Target(sink.url), 300, options=options, hub=hub)
    assert report.delivered == 300
    assert max(depths) > 0
    assert max(depths) <= 50  # never more than max_outstanding waiting in memory
    assert hub.metrics.queue_depth == 0
    await asyncio.sleep(0)
