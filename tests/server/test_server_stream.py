"""``GET /stream``: server-sent events during a run, filters, drops, heartbeats, clean close."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from server_support import Api, running, settings

from mockzenoti.delivery import Hub
from mockzenoti.server.feed import Feed, FeedClient

Message = tuple[str, dict[str, Any]]


async def messages(resp: aiohttp.ClientResponse) -> AsyncIterator[Message]:
    """Parse a text/event-stream: yields (event name, data) per message; comments are skipped."""
    name, data = "message", ""
    async for raw in resp.content:
        line = raw.decode().rstrip("\n")
        if not line:
            if data:
                yield name, json.loads(data)
            name, data = "message", ""
        elif line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: "):
            data += line[len("data: ") :]


async def collect_until(
    resp: aiohttp.ClientResponse, stop: Any, timeout: float = 15.0
) -> list[Message]:
    """Read messages until ``stop(name, data)`` is true (bounded by ``timeout``)."""
    seen: list[Message] = []

    async def read() -> None:
        async for name, data in messages(resp):
            seen.append((name, data))
            if stop(name, data):
                return

    await asyncio.wait_for(read(), timeout)
    return seen


@pytest.mark.asyncio
async def test_the_stream_follows_a_run_from_start_to_finish(api: Api) -> None:
    await api.target("a")
    async with api.session.get(api.base + "/stream") as resp:
        assert resp.status == 200 and resp.headers["Content-Type"] == "text/event-stream"
        first = await collect_until(resp, lambda name, _: name == "hello")
        hello = first[-1][1]
        assert hello["counters"]["type"] == "snapshot" and "run.state" in hello["types"]
        run = await api.call(
            "POST", "/runs", {"scenario": "class-lifecycle", "events": 20}, expect=201
        )
        seen = await collect_until(
            resp, lambda name, data: name == "run.state" and data["state"] == "done"
        )
        seen += await collect_until(resp, lambda name, _: name == "snapshot")
    names = [name for name, _ in seen]
    accepted = [d for n, d in seen if n == "accepted"]
    assert len(accepted) == 20 and {d["run_id"] for d in accepted} == {run["id"]}
    delivered = [d for n, d in seen if n == "delivery.state" and d["state"] == "delivered"]
    assert len(delivered) == 20 and all(d["target"] == "a" for d in delivered)
    finished = [d for n, d in seen if n == "attempt.finished"]
    assert len(finished) == 20 and all(d["outcome"] == "success" for d in finished)
    assert names.index("run.finished") < len(names) - 1
    states = [d["state"] for n, d in seen if n == "run.state"]
    assert states == ["running", "done"]
    snapshot = seen[-1][1]  # snapshots come every snapshot_interval
    assert {"states", "attempts", "throughput", "queue_depth", "active_runs"} <= set(snapshot)
    assert snapshot["accepted"] == 20 and snapshot["attempts"] == {"success": 20}


@pytest.mark.asyncio
async def test_run_progress_is_reported_while_a_run_delivers(api: Api) -> None:
    await api.target("a")
    async with api.session.get(api.base + "/stream?types=run.progress,run.state") as resp:
        run = await api.call(
            "POST", "/runs", {"scenario": "class-lifecycle", "pace": "realtime"}, expect=201
        )
        seen = await collect_until(resp, lambda name, data: name == "run.progress")
        progress = seen[-1][1]
        assert progress["run_id"] == run["id"] and "delivered" in progress["counts"]
        await api.call("DELETE", f"/runs/{run['id']}", expect=202)
        seen += await collect_until(
            resp, lambda name, data: name == "run.state" and data["state"] == "stopped"
        )
    assert {name for name, _ in seen} <= {"hello", "run.progress", "run.state"}


@pytest.mark.asyncio
async def test_unknown_event_names_are_refused(api: Api) -> None:
    error = await api.error("GET", "/stream?types=accepted,gossip", expect=422)
    assert error["field"] == "types" and "gossip" in error["message"]


@pytest.mark.asyncio
async def test_a_slow_client_loses_changes_and_is_told() -> None:
    async with running(settings(stream_queue=1)) as api:
        await api.target("a")
        async with api.session.get(api.base + "/stream?types=accepted") as resp:
            await collect_until(resp, lambda name, _: name == "hello")
            await api.call(
                "POST", "/runs", {"scenario": "class-lifecycle", "events": 40}, expect=201
            )
            seen = await collect_until(resp, lambda name, _: name == "dropped")
        dropped = seen[-1][1]
        assert dropped["count"] >= 1 and dropped["total"] >= dropped["count"]
        assert len([n for n, _ in seen if n == "accepted"]) < 40


@pytest.mark.asyncio
async def test_heartbeats_and_duration() -> None:
    async with running(settings(heartbeat=0.05)) as api:
        start = time.monotonic()
        async with api.session.get(api.base + "/stream?duration=0.3&types=run.state") as resp:
            body = (await resp.read()).decode()
        assert time.monotonic() - start < 5
        assert ": ping\n\n" in body  # aiohttp-sse's heartbeat, one every 0.05 s
        assert body.rstrip().endswith('data: {"type":"close","reason":"duration"}')


@pytest.mark.asyncio
async def test_shutdown_ends_streams_cleanly() -> None:
    seen: list[Message] = []
    async with aiohttp.ClientSession() as session:
        async with running(settings()) as api:
            resp = await session.get(api.base + "/stream")
            seen += await collect_until(resp, lambda name, _: name == "hello")
            reader = asyncio.create_task(collect_until(resp, lambda name, _: name == "close"))
            await asyncio.sleep(0)
            start = time.monotonic()
        # leaving the block shut the server down, well within its grace
        assert time.monotonic() - start < settings().shutdown_grace
        seen += await asyncio.wait_for(reader, 5)
        assert await resp.content.read() == b""  # and the response ended
        resp.release()
    assert seen[-1] == ("close", {"type": "close", "reason": "shutdown"})


def test_feed_clients_buffer_drop_and_coalesce() -> None:
    client = FeedClient(maxsize=2, types=frozenset({"accepted", "snapshot", "run.progress"}))
    for i in range(4):
        client.offer({"type": "accepted", "seq": i})
    client.offer({"type": "attempt.finished"})  # not asked for: ignored, not dropped
    client.replace({"type": "snapshot", "n": 1})
    client.replace({"type": "snapshot", "n": 2})  # only the latest snapshot is kept
    client.replace({"type": "run.progress", "run_id": 1, "accepted": 5})
    client.replace({"type": "run.progress", "run_id": 1, "accepted": 6})
    out = client.take()
    assert out[0] == {"type": "dropped", "count": 2, "total": 2}
    assert out[1] == {"type": "snapshot", "n": 2, "dropped": 2}
    assert out[2]["accepted"] == 6
    assert [c["seq"] for c in out[3:]] == [0, 1]
    assert client.take() == []


@pytest.mark.asyncio
async def test_the_feed_listens_to_the_hub_only_while_clients_are_connected() -> None:
    async def no_progress() -> list[dict[str, Any]]:
        return []

    hub = Hub()
    feed = Feed(hub, lambda _: {"type": "snapshot"}, no_progress, interval=0.01, queue_size=10)
    feed.start()
    try:
        assert not hub.active
        client = feed.open()
        assert hub.active
        hub.emit({"type": "accepted", "seq": 1})
        assert client.take() == [{"type": "accepted", "seq": 1}]
        await asyncio.wait_for(client.wait(1.0), 1.0)
        assert client.take()[0]["type"] == "snapshot"
        feed.leave(client)
        assert not hub.active and not feed.clients
    finally:
        await feed.close()
