"""Engine lifecycle: shutdown drains then cancels, failures surface, writers, bad streams."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from delivery_support import deliver

from mockzenoti.delivery import DeliveryOptions, Engine, Outbox, Target, run_stream
from mockzenoti.delivery.outbox.store import Database, WriteBatch
from mockzenoti.delivery.testing import synthetic_events, synthetic_stream
from mockzenoti.errors import ConfigError, NotFound
from mockzenoti.sink import Sink


@pytest.mark.asyncio
async def test_closing_lets_attempts_in_flight_finish_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    events = synthetic_events(100)
    async with Sink(latency=0.05) as sink:
        box = Outbox(path)
        engine = Engine(box, DeliveryOptions(concurrency=4, shutdown_grace=5))
        await engine.start()
        run = asyncio.create_task(
            engine.run({"close": 1}, lambda: iter(events), [Target(sink.url)])
        )
        await sink.wait_for(6, timeout=10)
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run
        await engine.close()
        arrived = sink.call_count
        counts = box.counts()
        accepted = box.get_run(1).accepted
        box.close()
        # everything that arrived was answered and recorded: nothing is left mid-attempt
        assert counts["delivering"] == 0
        assert counts["delivered"] == arrived
        assert counts["pending"] == accepted - arrived > 0
        assert accepted < 100  # the stream is read as fast as deliveries go
        report = await run_stream(str(path), {"close": 1}, lambda: iter(events), [Target(sink.url)])
    assert report.resumed and report.skipped == accepted
    assert report.possible_duplicates == 0
    assert report.delivered == 100
    assert sink.event_ids() == {e.event_id for e in events}
    assert sink.counts()["duplicates"] == 0


@pytest.mark.asyncio
async def test_an_outbox_write_failure_fails_the_run_instead_of_hanging(
    outbox: Outbox, sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    original = Database.apply

    def flaky(self: Database, batch: WriteBatch) -> None:
        calls["n"] += 1
        if calls["n"] > 1:
            raise OSError("disk full")
        original(self, batch)

    monkeypatch.setattr(Database, "apply", flaky)
    with pytest.raises(OSError, match="disk full"):
        await asyncio.wait_for(deliver(outbox, Target(sink.url), 50), timeout=10)


@pytest.mark.asyncio
async def test_a_stream_of_something_else_is_refused(outbox: Outbox, sink: Sink) -> None:
    with pytest.raises(ConfigError) as info:
        await deliver(outbox, Target(sink.url), [{"id": "x"}])  # type: ignore[list-item]
    assert info.value.field == "stream"


@pytest.mark.asyncio
async def test_a_file_outbox_holds_every_delivery_after_small_batches(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    async with Sink() as sink:
        with Outbox(path) as box:
            options = DeliveryOptions(batch_size=16)
            report = await deliver(box, Target(sink.url), 60, options=options)
    assert report.delivered == 60
    with Outbox(path) as box:
        assert box.counts()["delivered"] == 60
        assert box.event_count() == 60
        assert box.get_delivery(60).attempts[0].status == 200


@pytest.mark.asyncio
async def test_operations_on_unknown_targets_raise_not_found(outbox: Outbox) -> None:
    async with Engine(outbox) as engine:
        with pytest.raises(NotFound):
            await engine.reactivate("nope")
        with pytest.raises(NotFound):
            await engine.deactivate("nope")


@pytest.mark.asyncio
async def test_deactivating_by_hand_holds_and_reactivating_sends(outbox: Outbox) -> None:
    async with Sink() as sink:
        target = Target(sink.url, name="crm")
        async with Engine(outbox) as engine:
            await engine.use_targets([target])
            await engine.deactivate("crm")
            report = await engine.run({"manual": 1}, lambda: synthetic_stream(5), [target])
            assert (report.held, sink.call_count) == (5, 0)
            assert await engine.reactivate("crm") == 5
            await engine.idle()
    assert sink.call_count == 5
    assert outbox.counts()["delivered"] == 5


def test_the_synthetic_stream_is_deterministic() -> None:
    first = [e.body() for e in synthetic_stream(20, seed=4)]
    again = [e.body() for e in synthetic_stream(20, seed=4)]
    other = [e.body() for e in synthetic_stream(20, seed=5)]
    assert first == again and first != other
    events = synthetic_events(20, seed=4)
    assert [e.seq for e in events] == list(range(20))
    assert len({e.event_id for e in events}) == 20


def test_run_drives_a_coroutine_to_its_end() -> None:
    from mockzenoti.delivery import run

    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    assert run(answer()) == 42
