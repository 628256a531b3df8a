"""Deactivation after N dead deliveries in a row, held events, reactivation, discard, redelivery."""

from __future__ import annotations

import pytest
from delivery_support import deliver

from mockzenoti.delivery import DeliveryOptions, Engine, FakeClock, Hub, Outbox, Target, drain
from mockzenoti.delivery.testing import synthetic_events
from mockzenoti.sink import Sink

ONE_AT_A_TIME = DeliveryOptions(concurrency=1)


@pytest.mark.asyncio
async def test_twenty_dead_in_a_row_deactivate_and_the_rest_is_held(
    outbox: Outbox, clock: FakeClock
) -> None:
    hub = Hub()
    changes: list[dict[str, object]] = []
    hub.subscribe(changes.append)
    async with Sink(status=500) as sink:
        target = Target(sink.url, policy="none")
        report = await deliver(outbox, target, 30, options=ONE_AT_A_TIME, clock=clock, hub=hub)
    assert sink.call_count == 20
    assert (report.dead, report.held, report.delivered) == (20, 10, 0)
    assert report.inactive_targets == ("default",)
    assert not report.ok
    stored = outbox.get_target("default")
    assert not stored.active and stored.consecutive_failures == 20
    assert stored.deactivated_at is not None
    assert [c["target"] for c in changes if c["type"] == "target.deactivated"] == ["default"]
    held = outbox.list_deliveries(state="held")
    assert held.total == 10 and all(d.attempts == 0 for d in held.items)


@pytest.mark.asyncio
async def test_with_many_workers_the_run_still_ends_and_nothing_is_lost(
    outbox: Outbox, clock: FakeClock
) -> None:
    async with Sink(status=500) as sink:
        target = Target(sink.url, policy="1s,1s")
        report = await deliver(
            outbox, target, 200, options=DeliveryOptions(concurrency=16), clock=clock
        )
    assert report.dead >= 20
    assert report.dead + report.held == 200
    assert report.accepted == 200


@pytest.mark.asyncio
async def test_a_success_resets_the_count(outbox: Outbox, clock: FakeClock) -> None:
    async with Sink(fail_probability=0.6, seed=11) as sink:
        target = Target(sink.url, policy="none", deactivate_after=3)
        report = await deliver(outbox, target, 80, options=ONE_AT_A_TIME, clock=clock)
    # One worker: the sink's order is the attempt order. Find where 3 failures in a row happened.
    run, stop_at = 0, None
    for index, call in enumerate(sink.calls):
        run = 0 if call.status == 200 else run + 1
        if run == 3:
            stop_at = index
            break
    assert stop_at is not None and stop_at > 3  # some successes broke earlier streaks
    assert sink.call_count == stop_at + 1
    assert report.held == 80 - sink.call_count
    assert report.dead == sum(1 for c in sink.calls if c.status != 200)


@pytest.mark.asyncio
async def test_zero_threshold_never_deactivates(outbox: Outbox, clock: FakeClock) -> None:
    async with Sink(status=500) as sink:
        target = Target(sink.url, policy="none", deactivate_after=0)
        report = await deliver(outbox, target, 40, clock=clock)
    assert (report.dead, report.held, report.inactive_targets) == (40, 0, ())
    assert outbox.get_target("default").active


@pytest.mark.asyncio
async def test_another_target_keeps_receiving(outbox: Outbox, clock: FakeClock) -> None:
    async with Sink(status=500) as broken, Sink() as healthy:
        targets = [
            Target(broken.url, name="broken", policy="none", deactivate_after=5),
            Target(healthy.url, name="healthy"),
        ]
        report = await deliver(outbox, targets, 50, clock=clock)
    assert healthy.call_count == 50
    assert outbox.counts(target="healthy")["delivered"] == 50
    assert outbox.counts(target="broken")["held"] == 50 - broken.call_count
    assert report.inactive_targets == ("broken",)


@pytest.mark.asyncio
async def test_reactivating_delivers_the_held_events(outbox: Outbox, clock: FakeClock) -> None:
    events = synthetic_events(30)
    async with Sink(status=500) as sink:
        target = Target(sink.url, policy="none", deactivate_after=5)
        async with Engine(outbox, ONE_AT_A_TIME, clock=clock) as engine:
            report = await engine.run({"r": 1}, lambda: iter(events), [target])
            assert (report.dead, report.held) == (5, 25)
            sink.configure(status=200)
            moved = await engine.reactivate("default")
            assert moved == 25
            await engine.idle()
    assert outbox.get_target("default").active
    counts = outbox.counts()
    assert (counts["delivered"], counts["dead"], counts["held"]) == (25, 5, 0)
    delivered = {c.event_id for c in sink.calls if c.status == 200}
    assert delivered == {e.event_id for e in events[5:]}


@pytest.mark.asyncio
async def test_reactivate_in_the_outbox_then_drain(outbox: Outbox, clock: FakeClock) -> None:
    async with Sink(status=500) as sink:
        target = Target(sink.url, policy="none", deactivate_after=2)
        report = await deliver(outbox, target, 10, options=ONE_AT_A_TIME, clock=clock)
        assert report.held == 8
        sink.configure(status=200)
        assert len(outbox.reactivate_target("default")) == 8
        drained = await drain(outbox, clock=clock)
    assert drained.loaded == 8
    assert drained.counts["delivered"] == 8
    assert sink.call_count == 10


@pytest.mark.asyncio
async def test_discard_drops_held_events_but_keeps_them_in_the_log(
    outbox: Outbox, clock: FakeClock
) -> None:
    async with Sink(status=500) as sink:
        target = Target(sink.url, policy="none", deactivate_after=2)
        async with Engine(outbox, ONE_AT_A_TIME, clock=clock) as engine:
            report = await engine.run({"r": 2}, lambda: iter(synthetic_events(6)), [target])
            assert report.held == 4
            sink.configure(status=200)
            assert await engine.reactivate("default", discard=True) == 4
            await engine.idle()
    assert sink.call_count == 2
    discarded = outbox.list_deliveries(state="discarded")
    assert discarded.total == 4
    assert outbox.get_delivery(discarded.items[0].pk).delivery.state == "discarded"
    assert outbox.get_target("default").active


@pytest.mark.asyncio
async def test_redeliver_dead_by_filter_gets_a_fresh_retry_budget(
    outbox: Outbox, clock: FakeClock
) -> None:
    async with Sink(status=500) as sink:
        target = Target(sink.url, policy="1s", deactivate_after=0)
        async with Engine(outbox, clock=clock) as engine:
            report = await engine.run({"r": 3}, lambda: iter(synthetic_events(4)), [target])
            assert report.dead == 4 and sink.call_count == 8
            sink.reset()
            sink.configure(fail_first=1, status=200)  # each event fails once more, then succeeds
            one = outbox.list_deliveries(state="dead").items[0]
            assert await engine.redeliver([one.pk]) == 1
            await engine.idle()
            assert await engine.redeliver(states=("dead",), event_type=None) == 3
            await engine.idle()
    assert outbox.counts()["delivered"] == 4
    detail = outbox.get_delivery(one.pk)
    assert [a.n for a in detail.attempts] == [1, 2, 3, 4]
    assert [a.status for a in detail.attempts] == [500, 500, 500, 200]
