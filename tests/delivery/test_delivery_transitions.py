"""One transition, every request an attempt, composed parts.

- After each state change, the job, the counters, the staged outbox row and the
  feed agree (the ledger is the only place that writes a state).
- A receiver that reads a request on a reused connection and closes without
  answering (the keep-alive race) sees exactly as many requests as the attempt
  log holds, and the delivery is flagged a possible duplicate.
- No chain of more than two project classes by inheritance in ``delivery/``.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from delivery_support import deliver

import mockzenoti.delivery
from mockzenoti.delivery import DeliveryOptions, Engine, FakeClock, Hub, Outbox, Target
from mockzenoti.delivery.live import Job
from mockzenoti.delivery.testing import synthetic_events
from mockzenoti.delivery.transition import Ledger
from mockzenoti.sink import Sink


@pytest.mark.asyncio
async def test_job_counters_row_and_feed_agree_after_each_transition(
    outbox: Outbox, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = Hub()
    feed: dict[int, str] = {}
    hub.subscribe(
        lambda c: (
            feed.__setitem__(c["delivery"], c["state"]) if c["type"] == "delivery.state" else None
        )
    )
    checked = Counter[str]()
    async with Sink(fail_first=2, fail_status=503) as sink:
        target = Target(sink.url, policy="1s,1s,1s", deactivate_after=0)
        engine = Engine(outbox, DeliveryOptions(concurrency=4), clock=clock, hub=hub)
        real_move = Ledger.move

        def move(ledger: Ledger, job: Job, state: str, now: float | None = None) -> None:
            before, old = dict(hub.metrics.states), job.state
            real_move(ledger, job, state, now)
            assert job.state == state  # the job
            row = engine.committer.batch.updates[job.pk]  # the outbox row, staged
            assert (row[0], row[1], row[-1]) == (state, job.attempts, job.pk)
            assert feed[job.pk] == state  # the feed
            after = hub.metrics.states  # the counters
            assert (after[old], after[state]) == (before[old] - 1, before[state] + 1)
            checked[state] += 1

        monkeypatch.setattr(Ledger, "move", move)
        async with engine:
            events = synthetic_events(6)
            report = await engine.run({"t": 1}, lambda: iter(events), [target])
    assert report.counts["delivered"] == 6
    # two failures each: retrying twice; marked delivering for the 2nd and 3rd attempts
    assert checked == {"retrying": 12, "delivering": 12, "delivered": 6}
    # what the outbox holds, what the counters say and what the feed said last, agree
    rows = {d.pk: d.state for d in outbox.list_deliveries().items}
    assert rows == feed
    assert hub.metrics.states["delivered"] == 6
    assert sum(n for s, n in hub.metrics.states.items() if s != "delivered") == 0


async def _racing_server(
    answered: list[int], handlers: set[asyncio.Task[Any]]
) -> tuple[asyncio.Server, int, dict[str, int]]:
    """Answers the first request on each connection; reads the second and closes silently.

    Each connection's handler task is put in ``handlers`` (to be awaited at the end).
    """
    seen = {"read": 0}
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        handlers.add(task)
        try:
            for n in range(2):
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                await reader.readexactly(length)
                seen["read"] += 1
                if n == 0:
                    writer.write(ok)
                    await writer.drain()
                    answered.append(1)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1], seen


@pytest.mark.asyncio
@pytest.mark.parametrize("client", ["auto", "aiohttp"])
async def test_requests_read_by_the_receiver_equal_the_attempts_logged(
    outbox: Outbox, clock: FakeClock, client: str
) -> None:
    answered: list[int] = []
    handlers: set[asyncio.Task[Any]] = set()
    server, port, seen = await _racing_server(answered, handlers)
    try:
        target = Target(f"http://127.0.0.1:{port}/hook", policy="1s,1s,1s,1s,1s,1s")
        options = DeliveryOptions(concurrency=1, http_client=client)  # type: ignore[arg-type]
        report = await deliver(outbox, target, 20, options=options, clock=clock)
    finally:
        server.close()
        await server.wait_closed()
        # the engine closed its connections: each handler reads the end and returns
        await asyncio.wait_for(asyncio.gather(*handlers), 30)
    assert report.counts["delivered"] == 20
    attempts = sum(outbox.attempt_outcomes().values())
    assert attempts == seen["read"]  # every request the receiver read is in the log
    lost = outbox.attempt_outcomes().get("connection", 0)
    assert lost == seen["read"] - len(answered) > 0
    assert outbox.get_run(report.run_id).possible_duplicates == lost == report.possible_duplicates
    flagged = sum(d.possible_duplicates for d in outbox.list_deliveries().items)
    assert flagged == lost


def _project_classes() -> list[type[Any]]:
    out = []
    root = Path(mockzenoti.delivery.__file__).parent
    for info in pkgutil.walk_packages([str(root)], "mockzenoti.delivery."):
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ == module.__name__:
                out.append(obj)
    return out


def test_no_chain_of_more_than_two_project_classes_by_inheritance() -> None:
    classes = _project_classes()
    assert len(classes) > 20
    for cls in classes:
        ours = [c for c in cls.__mro__ if c.__module__.startswith("mockzenoti.")]
        assert len(ours) <= 2, f"{cls.__qualname__}: {' <- '.join(c.__name__ for c in ours)}"


def test_the_outbox_keeps_rows_not_live_targets() -> None:
    with Outbox(":memory:") as box:
        assert not hasattr(box, "live")


def test_an_outbox_of_schema_version_1_gains_the_wait_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with Outbox(path) as box:
        box.db.conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn = sqlite3.connect(path)  # as version 1 had it: no wait columns
    conn.executescript(
        "CREATE TABLE a2 AS SELECT delivery, n, at, outcome, status, error, latency_ms, "
        "response, chaos FROM attempts; DROP TABLE attempts; ALTER TABLE a2 RENAME TO attempts;"
    )
    conn.close()
    with Outbox(path) as box:
        columns = [r[1] for r in box.db.conn.execute("PRAGMA table_info(attempts)")]
        assert columns[-2:] == ["wait", "wait_from"]
        version = box.db.conn.execute("SELECT value FROM meta").fetchone()[0]
        assert version == "2"
