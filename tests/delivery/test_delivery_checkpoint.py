"""The outbox's WAL checkpoints run on a thread while an engine writes inline (checkpoint.py)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from mockzenoti.delivery import DeliveryOptions, Outbox, Target, run_stream
from mockzenoti.delivery.committer import Committer
from mockzenoti.delivery.outbox.checkpoint import AUTOCHECKPOINT_PAGES, ENGINE_AUTOCHECKPOINT_PAGES
from mockzenoti.delivery.testing import synthetic_events
from mockzenoti.sink import Sink
from mockzenoti.testing.waiting import eventually


def autocheckpoint(box: Outbox) -> int:
    pages: int = box.db.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    return pages


@pytest.mark.asyncio
async def test_the_committer_checkpoints_on_a_thread_and_restores_the_default(
    tmp_path: Path,
) -> None:
    box = Outbox(tmp_path / "o.sqlite")
    try:
        writer = Committer(box, 0.02, lambda exc: None)
        checkpointer = writer._checkpointer
        assert checkpointer is not None
        await writer.start()
        assert autocheckpoint(box) == ENGINE_AUTOCHECKPOINT_PAGES
        # The thread checkpoints by itself, every quarter second: wait for the first.
        await eventually(lambda: checkpointer.checkpoints > 0, what="a first checkpoint")
        await writer.close()
        assert autocheckpoint(box) == AUTOCHECKPOINT_PAGES
        assert not any(t.name == "mockzenoti-outbox-checkpoint" for t in threading.enumerate())
    finally:
        box.close()


def test_a_memory_outbox_has_no_checkpoint_thread() -> None:
    with Outbox(":memory:") as box:
        assert Committer(box, 0.02, lambda exc: None)._checkpointer is None


@pytest.mark.asyncio
async def test_a_run_with_thread_checkpoints_keeps_everything_and_a_small_wal(
    tmp_path: Path,
) -> None:
    path = tmp_path / "o.sqlite"
    events = synthetic_events(3_000)
    async with Sink() as sink:
        report = await run_stream(
            str(path),
            {"n": 3_000},
            lambda: iter(events),
            [Target(sink.url)],
            DeliveryOptions(concurrency=16),
        )
    assert report.counts["delivered"] == 3_000
    with Outbox(path) as box:
        assert box.counts()["delivered"] == 3_000 and box.event_count() == 3_000
    wal = Path(str(path) + "-wal")
    assert not wal.exists() or os.path.getsize(wal) <= ENGINE_AUTOCHECKPOINT_PAGES * 16384 * 2
