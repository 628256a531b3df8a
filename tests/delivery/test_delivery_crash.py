"""Crash safety: a run killed with SIGKILL resumes from the same outbox and loses nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import crash_worker
import pytest
from delivery_support import deliver

from mockzenoti.delivery import DeliveryOptions, Outbox, Target, drain, run_stream
from mockzenoti.delivery.testing import synthetic_events
from mockzenoti.sink import Sink

WORKER = Path(crash_worker.__file__)


@pytest.mark.asyncio
@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
async def test_sigkill_mid_run_then_resume_delivers_every_event(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.sqlite"
    async with Sink(secrets=("crash-secret",)) as sink:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(WORKER),
            str(outbox),
            sink.url,
            "500",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(WORKER.parent)},
        )
        try:
            await sink.wait_for(300, timeout=60)
        except TimeoutError:
            proc.kill()
            _, err = await proc.communicate()
            raise AssertionError(f"the worker did not deliver: {err.decode()[-2000:]}") from None
        proc.send_signal(signal.SIGKILL)
        await proc.communicate()
        assert proc.returncode == -signal.SIGKILL
        before = sink.call_count
        assert 300 <= before < crash_worker.COUNT  # killed mid-run

        report = await run_stream(
            str(outbox),
            crash_worker.SPEC,
            crash_worker.stream,
            crash_worker.targets(sink.url),
            DeliveryOptions(concurrency=16),
        )
    expected = {e.event_id for e in crash_worker.stream()}
    assert report.resumed
    assert 0 < report.skipped < crash_worker.COUNT
    assert report.accepted == crash_worker.COUNT
    assert report.delivered == crash_worker.COUNT and report.ok
    assert sink.event_ids() == expected  # every event at least once
    assert sink.counts()["bad_signatures"] == 0
    duplicates = sink.counts()["duplicates"]
    assert duplicates <= report.possible_duplicates  # every duplicate was counted
    assert report.possible_duplicates <= 5 * 16  # at most the marked-ahead window
    with Outbox(outbox) as box:
        assert box.counts()["delivered"] == crash_worker.COUNT
        assert box.event_count() == crash_worker.COUNT
        assert box.get_run(report.run_id).state == "finished"


@pytest.mark.asyncio
async def test_a_cancelled_run_resumes_where_it_stopped(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.sqlite"
    events = synthetic_events(300)
    spec = {"test": "cancel"}
    async with Sink(latency=0.002) as sink:
        target = Target(sink.url)
        options = DeliveryOptions(concurrency=4, batch_size=20)
        task = asyncio.create_task(
            run_stream(str(outbox), spec, lambda: iter(events), [target], options)
        )
        await sink.wait_for(60, timeout=10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        stopped_at = sink.call_count
        assert stopped_at < 300
        report = await run_stream(str(outbox), spec, lambda: iter(events), [target], options)
    assert report.resumed and report.skipped >= 60
    assert report.delivered == 300
    # a graceful stop lets attempts in flight finish and unmarks the rest: no duplicates
    assert report.possible_duplicates == 0
    assert sink.counts()["duplicates"] == 0
    assert sink.event_ids() == {e.event_id for e in events}


@pytest.mark.asyncio
async def test_a_finished_spec_starts_a_new_run(outbox: Outbox, sink: Sink) -> None:
    first = await deliver(outbox, Target(sink.url), 5, spec={"same": 1})
    second = await deliver(outbox, Target(sink.url), 5, spec={"same": 1})
    assert not first.resumed and not second.resumed
    assert second.run_id == first.run_id + 1
    assert sink.call_count == 10


@pytest.mark.asyncio
async def test_drain_delivers_what_an_interrupted_process_left(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    async with Sink() as sink:
        # leave work behind: accepted but never attempted (a down receiver, then a stop)
        with Outbox(path) as box:
            from mockzenoti.delivery.outbox.store import WriteBatch

            box.save_target(Target(sink.url, name="t"))
            batch = WriteBatch()
            for i, event in enumerate(synthetic_events(3)):
                body = event.body()
                batch.events.append((i + 1, None, i, event.id, event.name, "[]", None, body, 0.0))
                state = "delivering" if i == 0 else "pending"
                batch.deliveries.append(
                    (
                        i + 1,
                        i + 1,
                        None,
                        "t",
                        0,
                        event.id,
                        event.event_id,
                        event.event_type,
                        state,
                        1 if state == "delivering" else 0,
                        0.0,
                        0.0,
                    )
                )
            box.apply(batch)
        report = await drain(str(path))
    assert report.loaded == 3 and report.possible_duplicates == 1
    assert report.counts["delivered"] == 3 and report.ok
    assert sink.call_count == 3
