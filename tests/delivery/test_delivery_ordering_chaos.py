"""Per-entity ordering under failures, and seeded chaos recorded in the attempt log."""

from __future__ import annotations

import itertools
from collections import defaultdict

import pytest
from delivery_support import deliver

from mockzenoti.delivery import Chaos, DeliveryOptions, FakeClock, Outbox, Target
from mockzenoti.delivery.testing import synthetic_events
from mockzenoti.event import Event
from mockzenoti.sink import Sink, SinkCall

RETRY_A_LOT = "1s,1s,1s,1s,1s,1s,1s,1s"


def overtakes(events: list[Event], calls: list[SinkCall]) -> list[tuple[int, int]]:
    """Pairs (earlier seq, later seq) of events sharing a key where the later event's
    first request arrived before the earlier event's last one."""
    seq_of = {e.event_id: e.seq for e in events}
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for call in calls:
        seq = seq_of[call.event_id or ""]
        first.setdefault(seq, call.index)
        last[seq] = call.index
    by_key: dict[str, list[int]] = defaultdict(list)
    for e in events:
        for key in e.keys:
            by_key[key].append(e.seq)
    bad = []
    for seqs in by_key.values():
        for earlier, later in itertools.pairwise(seqs):
            if first[later] < last[earlier]:
                bad.append((earlier, later))
    return bad


@pytest.mark.asyncio
async def test_per_entity_ordering_holds_under_failures(outbox: Outbox, clock: FakeClock) -> None:
    events = synthetic_events(120, entities=5, seed=3)
    async with Sink(fail_probability=0.4, seed=5) as sink:
        options = DeliveryOptions(ordering="per-entity", concurrency=16)
        report = await deliver(
            outbox, Target(sink.url, policy=RETRY_A_LOT), events, options=options, clock=clock
        )
    assert report.delivered + report.dead == 120
    assert sum(1 for c in sink.calls if c.status != 200) > 20  # failures did happen
    assert overtakes(events, sink.calls) == []
    # and each entity's events were accepted in stream order
    seq_of = {e.event_id: e.seq for e in events}
    per_key: dict[str, list[int]] = defaultdict(list)
    key_of = {e.event_id: e.keys[0] for e in events}
    for call in sink.accepted:
        per_key[key_of[call.event_id or ""]].append(seq_of[call.event_id or ""])
    assert all(seqs == sorted(seqs) for seqs in per_key.values())


@pytest.mark.asyncio
async def test_without_ordering_later_events_do_overtake(outbox: Outbox, clock: FakeClock) -> None:
    events = synthetic_events(120, entities=5, seed=3)
    async with Sink(fail_probability=0.4, seed=5) as sink:
        options = DeliveryOptions(ordering="none", concurrency=16)
        await deliver(
            outbox, Target(sink.url, policy=RETRY_A_LOT), events, options=options, clock=clock
        )
    assert overtakes(events, sink.calls)  # the check above can fail


@pytest.mark.asyncio
async def test_an_event_with_several_keys_waits_for_all_of_them(
    outbox: Outbox, clock: FakeClock
) -> None:
    base = synthetic_events(3)
    events = [
        Event(base[0].name, base[0].payload, keys=("guest:1",), seq=0),
        Event(base[1].name, base[1].payload, keys=("booking:9",), seq=1),
        Event(base[2].name, base[2].payload, keys=("booking:9", "guest:1"), seq=2),
    ]
    async with Sink(fail_first=2, fail_by="id") as sink:  # every event fails twice
        options = DeliveryOptions(ordering="per-entity", concurrency=4)
        await deliver(
            outbox, Target(sink.url, policy="1s,1s,1s"), events, options=options, clock=clock
        )
    indexes: dict[int, list[int]] = defaultdict(list)
    seq_of = {e.event_id: e.seq for e in events}
    for call in sink.calls:
        indexes[seq_of[call.event_id or ""]].append(call.index)
    assert min(indexes[2]) > max(indexes[0]) and min(indexes[2]) > max(indexes[1])
    assert min(indexes[1]) < max(indexes[0])  # unrelated keys: no waiting
    assert overtakes(events, sink.calls) == []


@pytest.mark.asyncio
async def test_duplicates_send_the_same_request_twice_and_are_logged(
    outbox: Outbox, clock: FakeClock
) -> None:
    options = DeliveryOptions(chaos=Chaos(duplicate=1.0))
    async with Sink() as sink:
        report = await deliver(
            outbox, Target(sink.url, secrets=("k",)), 10, options=options, clock=clock
        )
    assert report.delivered == 10
    assert sink.call_count == 20
    assert sink.counts()["duplicates"] == 10
    by_id: dict[str | None, set[bytes]] = defaultdict(set)
    for call in sink.calls:
        by_id[call.delivery_id].add(call.body)
    assert len(by_id) == 10 and all(len(bodies) == 1 for bodies in by_id.values())
    for record in outbox.list_deliveries().items:
        attempts = outbox.get_delivery(record.pk).attempts
        assert [a.chaos for a in attempts] == [None, {"duplicate": True}]
        assert record.state == "delivered" and record.attempts == 2


async def _duplicated(seed: int, clock: FakeClock) -> set[str]:
    box = Outbox(":memory:")
    try:
        async with Sink() as sink:
            options = DeliveryOptions(chaos=Chaos(duplicate=0.3), seed=seed)
            await deliver(box, Target(sink.url), 60, options=options, clock=clock)
        return {c.delivery_id or "" for c in sink.calls if c.duplicate}
    finally:
        box.close()


@pytest.mark.asyncio
async def test_duplicate_chaos_is_reproducible_from_the_seed(clock: FakeClock) -> None:
    first, again, other = (
        await _duplicated(1, clock),
        await _duplicated(1, clock),
        await _duplicated(2, clock),
    )
    assert first == again
    assert 5 < len(first) < 35
    assert first != other


@pytest.mark.asyncio
async def test_reordering_stays_within_its_window(outbox: Outbox, clock: FakeClock) -> None:
    events = synthetic_events(100)
    options = DeliveryOptions(chaos=Chaos(reorder=4), concurrency=1)
    async with Sink() as sink:
        await deliver(outbox, Target(sink.url), events, options=options, clock=clock)
    order = {e.id: e.seq for e in events}
    seqs = [order[e["id"]] for e in sink.events]
    assert sorted(seqs) == list(range(100)) and seqs != sorted(seqs)
    for position, seq in enumerate(seqs):
        overtaken = sum(1 for later in seqs[position + 1 :] if later < seq)
        assert overtaken <= 3
    shifts = [
        a.chaos["reorder"]
        for d in outbox.list_deliveries().items
        for a in outbox.get_delivery(d.pk).attempts
        if a.chaos
    ]
    assert shifts and all(1 <= s <= 3 for s in shifts)


@pytest.mark.asyncio
async def test_extra_delay_is_bounded_recorded_and_reproducible(outbox: Outbox) -> None:
    async def delays() -> list[float]:
        clock = FakeClock(start=0)
        box = Outbox(":memory:")
        try:
            async with Sink() as sink:
                options = DeliveryOptions(chaos=Chaos(delay=2.0), concurrency=1, seed=4)
                await deliver(box, Target(sink.url), 10, options=options, clock=clock)
            assert sink.call_count == 10
            recorded = [
                a.chaos["delay"]
                for d in box.list_deliveries().items
                for a in box.get_delivery(d.pk).attempts
                if a.chaos
            ]
            assert clock.sleeps == pytest.approx(recorded, abs=1e-6)
            return recorded
        finally:
            box.close()

    first = await delays()
    assert len(first) == 10 and all(0 <= d <= 2.0 for d in first)
    assert len(set(first)) == 10
    assert await delays() == first
