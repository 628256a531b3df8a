"""Restarts on the same outbox: targets, runs and deliveries survive; runs resume."""

from __future__ import annotations

from pathlib import Path

import pytest
from server_support import eventually, running, settings

from mockzenoti.delivery import FakeClock
from mockzenoti.errors import ConfigError
from mockzenoti.scenarios import load_scenario
from mockzenoti.server import create_app


@pytest.mark.asyncio
async def test_targets_and_finished_runs_survive_a_restart(tmp_path: Path) -> None:
    outbox = str(tmp_path / "outbox.sqlite")
    async with running(settings(outbox=outbox)) as api:
        port = api.port
        await api.target("a", secret="s3")
        run = await api.call(
            "POST", "/runs", {"scenario": "guest-lifecycle", "events": 10}, expect=201
        )
        done = await api.wait_run(run["id"])
    async with running(settings(outbox=outbox), port) as api:
        (target,) = (await api.call("GET", "/targets"))["items"]
        assert target["id"] == "a" and target["secret_count"] == 1 and target["retry"] == "fast"
        again = await api.call("GET", f"/runs/{run['id']}")
        assert again["state"] == "done" and again["expected"] == done["expected"]
        assert again["counts"]["delivered"] == 10 and again["resumed"] is False


@pytest.mark.asyncio
async def test_a_run_interrupted_by_a_shutdown_resumes_where_it_stopped(tmp_path: Path) -> None:
    outbox = str(tmp_path / "outbox.sqlite")
    async with running(settings(outbox=outbox, concurrency=2)) as api:
        port = api.port
        await api.target("a")
        await api.call("PUT", "/sinks/a", {"latency": 0.02}, expect=201)
        run = await api.call(
            "POST", "/runs", {"scenario": "class-lifecycle", "seed": 4, "events": 80}, expect=201
        )
        first = api.sink("a")
        await first.wait_for(10)
    # the server stopped gracefully mid-run: attempts in flight finished
    before = {c.event_id for c in first.calls if c.status == 200}
    assert 10 <= len(before) < 80
    async with running(settings(outbox=outbox), port) as api:
        resumed = await api.wait_run(run["id"])
        assert resumed["state"] == "done" and resumed["resumed"] is True
        assert resumed["accepted"] == 80 and resumed["counts"]["delivered"] == 80
        after = [c.event_id for c in api.sink("a").calls]
    sim = load_scenario("class-lifecycle").simulate(4, events=80)
    everything = {e.event_id for e in sim}
    assert before | set(after) == everything
    assert not before & set(after) and len(after) == len(set(after))  # nothing sent twice
    assert resumed["expected"] == sim.expected()


@pytest.mark.asyncio
async def test_a_stop_asked_before_a_shutdown_is_honoured_on_resume(tmp_path: Path) -> None:
    outbox = str(tmp_path / "outbox.sqlite")
    async with running(settings(outbox=outbox)) as api:
        port = api.port
        await api.target("a", retry="30s,30s,30s,30s,30s")
        await api.call("PUT", "/sinks/a", {"fail_probability": 1}, expect=201)
        run = await api.call(
            "POST", "/runs", {"scenario": "class-lifecycle", "pace": "realtime"}, expect=201
        )
        await api.sink("a").wait_for(1)
        asked = await api.call("DELETE", f"/runs/{run['id']}", expect=202)
        assert asked["state"] == "running" and asked["stop_requested"]  # still retrying
    # Its sink now accepts; the stored 30 s retry waits pass in virtual time.
    async with running(settings(outbox=outbox), port, clock=FakeClock()) as api:
        stopped = await api.wait_run(run["id"])
        assert stopped["state"] == "stopped" and stopped["resumed"] is True
        assert stopped["counts"]["delivered"] == stopped["accepted"] >= 1
        assert api.sink("a").call_count == stopped["accepted"]  # no new event was taken


@pytest.mark.asyncio
async def test_deliveries_left_unsettled_are_delivered_after_a_restart(tmp_path: Path) -> None:
    outbox = str(tmp_path / "outbox.sqlite")
    async with running(settings(outbox=outbox)) as api:
        port = api.port
        await api.target("a", retry="30s,30s,30s,30s,30s")
        await api.call("PUT", "/sinks/a", {"fail_probability": 1}, expect=201)
        sent = await api.call("POST", "/events", {"event_type": "Invoice.Closed"}, expect=201)
        await api.sink("a").wait_for(1)
    # The stored 30 s retry wait passes in virtual time: no real backoff.
    async with running(settings(outbox=outbox), port, clock=FakeClock()) as api:
        number = sent["deliveries"][0]["id"]

        async def delivered() -> bool:
            return (await api.call("GET", f"/deliveries/{number}"))["state"] == "delivered"

        await eventually(delivered)
        assert api.sink("a").last is not None
        assert api.sink("a").last.event_id == sent["event_id"]


@pytest.mark.asyncio
async def test_one_outbox_serves_one_server_at_a_time(tmp_path: Path) -> None:
    outbox = str(tmp_path / "outbox.sqlite")
    async with running(settings(outbox=outbox)) as api:
        from aiohttp import web

        runner = web.AppRunner(create_app(settings(outbox=outbox)))
        with pytest.raises(ConfigError) as info:
            await runner.setup()
        await runner.cleanup()
        assert info.value.field == "outbox" and "in use" in info.value.message
        assert (await api.request("GET", "/health")).status == 200
