"""Pacing: events are accepted when their simulated time comes, scaled by the speed factor."""

from __future__ import annotations

import pytest
from delivery_support import START, deliver

from mockzenoti.delivery import DeliveryOptions, FakeClock, Outbox, Target
from mockzenoti.delivery.pacing import Pacer, parse_pace
from mockzenoti.delivery.testing import synthetic_events
from mockzenoti.errors import ConfigError
from mockzenoti.event import Event
from mockzenoti.sink import Sink
from mockzenoti.timefmt import TICKS_PER_SECOND, dotnet_utc, parse_dotnet_utc

T0 = parse_dotnet_utc("2022-03-22T12:00:00Z")


def stamped(offsets_s: list[float]) -> list[Event]:
    """Synthetic events whose event_timestamp is T0 plus each offset (simulated seconds)."""
    events = synthetic_events(len(offsets_s))
    for event, offset in zip(events, offsets_s, strict=True):
        event.payload["event_timestamp"] = dotnet_utc(T0 + int(offset * TICKS_PER_SECOND))
    return events


@pytest.mark.parametrize(
    ("text", "speed"),
    [("asap", None), ("realtime", 1.0), ("60", 60.0), ("60x", 60.0), ("0.5", 0.5), (2, 2.0)],
)
def test_parse_pace_reads_every_form(text: str | int, speed: float | None) -> None:
    assert parse_pace(text) == speed


@pytest.mark.parametrize("bad", ["fast", "0", "-3", "inf", True])
def test_parse_pace_refuses_with_the_field_named(bad: object) -> None:
    with pytest.raises(ConfigError) as info:
        parse_pace(bad, field="--pace")  # type: ignore[arg-type]
    assert info.value.field == "--pace"


@pytest.mark.asyncio
async def test_pacer_releases_each_event_at_its_scaled_time() -> None:
    clock = FakeClock(START)
    pacer = Pacer(clock, speed=10.0)
    stream = iter(stamped([0, 0, 30, 60, 60.5]))
    released: list[tuple[float, int]] = []
    while batch := await pacer.take(stream, room=100):
        released.append((round(clock.now() - START, 3), len(batch)))
    # 0 s and 0 s together; 30 s of simulated time is 3 s at speed 10; 60 s is 6 s.
    assert released == [(0.0, 2), (3.0, 1), (6.0, 1), (6.05, 1)]


@pytest.mark.asyncio
async def test_pacer_never_waits_while_events_are_due() -> None:
    clock = FakeClock(START)
    pacer = Pacer(clock, speed=1.0)
    batch = await pacer.take(iter(stamped([0, 0, 0, 5])), room=2)
    assert len(batch) == 2
    assert clock.sleeps == []


@pytest.mark.asyncio
async def test_engine_with_pace_spreads_acceptance_over_simulated_time(sink: Sink) -> None:
    clock = FakeClock(START)
    box = Outbox(":memory:")
    try:
        report = await deliver(
            box,
            Target(sink.url),
            stamped([0, 120, 240]),
            options=DeliveryOptions(pace=60.0),
            clock=clock,
        )
        assert report.ok
        pks = [d.pk for d in box.list_deliveries().items]
        starts = sorted(a.at for pk in pks for a in box.get_delivery(pk).attempts)
        # Two simulated minutes apart at 60x: two wall seconds apart.
        assert [round(t - START, 3) for t in starts] == [0.0, 2.0, 4.0]
    finally:
        box.close()


def test_options_refuse_a_bad_pace() -> None:
    with pytest.raises(ConfigError) as info:
        DeliveryOptions(pace=0)
    assert info.value.field == "pace"
