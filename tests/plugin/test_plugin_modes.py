"""The plugin's fixtures in sync tests and under pytest-asyncio's strict and auto modes.

Each test writes a test file, runs it with ``pytest`` in a subprocess (the
plugin loaded from its entry point) and checks the outcomes.
"""

from __future__ import annotations

import pytest
from plugin_support import ini, run

SYNC_TESTS = """
import json
import urllib.request

import pytest


def test_emit_sync(zenoti_emitter, zenoti_sink):
    run = zenoti_emitter.emit_sync("Class.Booking.NoShow", {"data.registration_id": 4242})
    assert [d.state for d in run.deliveries] == ["delivered"]
    event = zenoti_sink.assert_received("Class.Booking.NoShow", registration_id=4242)
    assert zenoti_sink.last == event and zenoti_sink.call_count == 1


def test_run_sync_returns_delivered(zenoti_emitter, zenoti_sink):
    run = zenoti_emitter.run_sync("class-lifecycle", seed=7, events=40)
    assert run.done and run.report.ok and run.report.delivered == 40
    assert len(zenoti_sink.wait_for_sync(40)) == 40
    assert sorted(e["event_id"] for e in zenoti_sink.events) == sorted(
        e.event_id for e in run.events
    )
    assert run.expected["events"] == 40


def test_the_sink_takes_any_client(zenoti_sink):
    body = {"event_id": "e1", "id": "d1", "event_type": "Guest.Created", "data": {"id": "g1"}}
    request = urllib.request.Request(
        zenoti_sink.url + "any/path", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 200
    [event] = zenoti_sink.wait_for_sync(1)
    zenoti_sink.assert_received("Guest.Created", id="d1", **{"data.id": "g1"})
    assert zenoti_sink.calls[0].method == "POST" and zenoti_sink.calls[0].path == "/any/path"


@pytest.mark.zenoti(world={"centers": 1, "kind": "fitness"})
def test_a_world_story_sync(zenoti_world, zenoti_emitter, zenoti_sink):
    world = zenoti_world
    session = world.schedule_session(world.center(0), world.later("2h"))
    booking = world.book_class(session, world.guest())
    world.advance("2h10m")
    world.no_show_booking(booking)
    run = zenoti_emitter.send_sync(world)
    assert [e.name for e in run.events] == [
        "Class.Schedule.Created", "Guest.Created", "Class.Booking.Created",
        "Class.Booking.NoShow",
    ]
    assert run.expected["bookings"][str(booking.registration_id)]["state"] == "noshow"
    zenoti_sink.assert_received("Class.Booking.NoShow", registration_id=booking.registration_id)
"""

ASYNC_TESTS = """
import asyncio

import pytest
{fixture_import}
from aiohttp import web


{mark}
async def test_emit_to_the_sink(zenoti_emitter, zenoti_sink):
    run = await zenoti_emitter.emit("Class.Booking.NoShow", {{"data.registration_id": 4242}})
    assert [d.state for d in run.deliveries] == ["delivered"]
    zenoti_sink.assert_received("Class.Booking.NoShow", registration_id=4242)


{mark}
async def test_run_then_wait(zenoti_emitter, zenoti_sink):
    run = await zenoti_emitter.run("class-lifecycle", seed=7, events=40)
    assert len(await zenoti_sink.wait_for(40)) == 40
    report = await run.wait_delivered()
    assert report.delivered == 40 and run.expected["events"] == 40


@pytest.mark.asyncio(loop_scope="module")
async def test_on_a_module_scoped_loop(zenoti_emitter, zenoti_sink):
    await zenoti_emitter.emit("Guest.Created")
    assert len(await zenoti_sink.wait_for(1, event_type="Guest.Created")) == 1


@pytest.mark.asyncio(loop_scope="session")
async def test_on_the_session_loop(zenoti_emitter, zenoti_sink):
    await zenoti_emitter.emit("Guest.Updated")
    zenoti_sink.assert_received("Guest.Updated")


{mark}
async def test_sync_methods_refuse_to_block_the_loop(zenoti_emitter):
    with pytest.raises(RuntimeError, match="await zenoti_emitter.run"):
        zenoti_emitter.run_sync("class-lifecycle", events=1)


class TestAnAppOnTheTestsLoop:
    @{fixture_deco}
    async def receiver(self):
        got = []

        async def handle(request):
            got.append(await request.json())
            return web.json_response({{"ok": True}})

        app = web.Application()
        app.router.add_post("/hook", handle)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        yield f"http://127.0.0.1:{{port}}/hook", got, asyncio.get_running_loop()
        await runner.cleanup()

    @pytest.fixture
    def zenoti_target_url(self, receiver):
        return receiver[0]

    {mark}
    async def test_deliveries_reach_it(self, receiver, zenoti_emitter):
        url, got, loop = receiver
        assert asyncio.get_running_loop() is loop and zenoti_emitter.url == url
        run = await zenoti_emitter.run("appointment-lifecycle", seed=1, events=30)
        await run.wait_delivered()
        assert sorted(p["event_id"] for p in got) == sorted(e.event_id for e in run.events)
"""


def test_sync_tests_use_the_sync_methods(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(test_sync=SYNC_TESTS)
    run(pytester).assert_outcomes(passed=4)


def test_pytest_asyncio_strict_mode(pytester: pytest.Pytester) -> None:
    ini(pytester, "strict")
    body = ASYNC_TESTS.format(
        fixture_import="import pytest_asyncio",
        fixture_deco="pytest_asyncio.fixture",
        mark="@pytest.mark.asyncio",
    )
    pytester.makepyfile(test_strict=body)
    run(pytester).assert_outcomes(passed=6)


def test_pytest_asyncio_auto_mode(pytester: pytest.Pytester) -> None:
    ini(pytester, "auto")
    body = ASYNC_TESTS.format(fixture_import="", fixture_deco="pytest.fixture", mark="")
    pytester.makepyfile(test_auto=body)
    run(pytester).assert_outcomes(passed=6)
