"""The sink: records, verifies, misbehaves on purpose, waits without polling, mounts."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from aiohttp import web

from mockzenoti.delivery.signing import Signer
from mockzenoti.errors import MockZenotiError
from mockzenoti.sink import Sink, SinkSettings

BODY = b'{"id":"6239c378a961750e01dda09c","event_id":"6239c378a961750e01dda099","event_type":"X"}'
OTHER = b'{"id":"6239c378a961750e01dda0a1","event_id":"6239c378a961750e01dda099","event_type":"X"}'


async def post(url: str, body: bytes = BODY, **headers: str) -> tuple[int, dict[str, str]]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers, allow_redirects=False) as resp,
    ):
        await resp.read()
        return resp.status, dict(resp.headers)


@pytest.mark.asyncio
async def test_records_everything_about_a_request(sink: Sink) -> None:
    status, _ = await post(sink.url + "hooks/zenoti?x=1", **{"X-Trace": "t1"})
    assert status == 200
    call = sink.last
    assert call is not None
    assert (call.method, call.path, call.body) == ("POST", "/hooks/zenoti", BODY)
    assert call.headers["x-trace"] == "t1"  # case-insensitive
    assert call.json["event_type"] == "X"
    assert (call.event_id, call.delivery_id, call.attempt) == (
        "6239c378a961750e01dda099",
        "6239c378a961750e01dda09c",
        1,
    )
    assert call.status == 200 and call.signature_ok is None and not call.duplicate
    assert abs(call.arrived_at - time.time()) < 5
    assert sink.events == [call.json] and sink.call_count == 1
    await post(sink.url, b"not json")
    assert sink.last is not None and sink.last.json is None
    assert len(sink.events) == 1  # only parsed payloads
    sink.reset()
    assert (sink.call_count, sink.events, sink.last) == (0, [], None)


@pytest.mark.asyncio
async def test_duplicates_are_marked_and_counted(sink: Sink) -> None:
    await post(sink.url)
    await post(sink.url, OTHER)  # same event_id, another delivery id: a duplicate
    await post(sink.url)
    assert [c.duplicate for c in sink.calls] == [False, True, True]
    assert sink.counts() == {
        "calls": 3,
        "accepted": 3,
        "rejected": 0,
        "unique_events": 1,
        "duplicates": 2,
        "bad_signatures": 0,
    }
    listing = sink.listing()
    assert [row["duplicate"] for row in listing] == [False, True, True]
    assert listing[0]["event_type"] == "X"


@pytest.mark.asyncio
async def test_wait_for_returns_as_soon_as_enough_arrived(sink: Sink) -> None:
    async def later() -> None:
        for _ in range(3):
            await post(sink.url)

    task = asyncio.create_task(later())
    await sink.wait_for(3, timeout=5)
    assert sink.call_count >= 3
    await task
    with pytest.raises(TimeoutError, match="got 3 of 4"):
        await sink.wait_for(4, timeout=0.05)
    await sink.wait_until(lambda: sink.counts()["duplicates"] == 2, timeout=1)


@pytest.mark.asyncio
async def test_fail_first_counts_per_event_or_per_delivery() -> None:
    async with Sink(fail_first=1) as per_event:
        assert (await post(per_event.url))[0] == 500
        assert (await post(per_event.url, OTHER))[0] == 200  # same event_id: its 2nd attempt
    async with Sink(fail_first=1, fail_by="id") as per_delivery:
        assert (await post(per_delivery.url))[0] == 500
        assert (await post(per_delivery.url, OTHER))[0] == 500  # another delivery id
        assert (await post(per_delivery.url))[0] == 200
    assert [c.reason for c in per_delivery.calls] == ["fail_first", "fail_first", None]


@pytest.mark.asyncio
async def test_fail_share_fails_the_first_attempt_of_a_stable_share_of_events() -> None:
    bodies = [BODY.replace(b"dda099", f"{i:06x}".encode()) for i in range(200)]

    async def failed_events(seed: int, order: list[bytes]) -> set[str]:
        async with Sink(fail_first=1, fail_share=0.2, fail_status=503, seed=seed) as sink:
            for body in order:
                await post(sink.url, body)
            for body in order:  # every second attempt is accepted
                assert (await post(sink.url, body))[0] == 200
            assert {c.reason for c in sink.calls if c.status == 503} == {"fail_first"}
            return {c.event_id for c in sink.calls if c.status == 503 and c.event_id}

    chosen = await failed_events(1, bodies)
    assert 20 <= len(chosen) <= 60  # about a fifth of 200
    assert chosen == await failed_events(1, bodies[::-1])  # the pick ignores arrival order
    assert chosen != await failed_events(2, bodies)
    assert SinkSettings(fail_share=0).chosen("x") is False
    assert SinkSettings().chosen("x") is True


@pytest.mark.asyncio
async def test_random_failures_are_seeded() -> None:
    async def pattern(seed: int) -> list[int]:
        async with Sink(fail_probability=0.5, seed=seed, fail_status=503) as sink:
            for _ in range(20):
                await post(sink.url)
            return [c.status for c in sink.calls]

    first = await pattern(3)
    assert first == await pattern(3)
    assert set(first) == {200, 503}
    assert first != await pattern(4)


@pytest.mark.asyncio
async def test_status_retry_after_and_latency(sink: Sink) -> None:
    sink.configure(status=202)
    assert (await post(sink.url))[0] == 202
    sink.configure(fail_first=5, fail_status=429, retry_after="7")
    status, headers = await post(sink.url, OTHER.replace(b"099", b"777"))
    assert status == 429 and headers["Retry-After"] == "7"
    sink.configure(fail_first=0, status=200, latency=0.1)
    began = time.perf_counter()
    status, headers = await post(sink.url, OTHER.replace(b"099", b"778"))
    assert status == 200 and "Retry-After" not in headers
    assert time.perf_counter() - began >= 0.1
    sink.configure(status=302, latency=0)
    status, headers = await post(sink.url)
    assert status == 302 and headers["Location"] == "/moved"


@pytest.mark.asyncio
async def test_signatures_are_verified() -> None:
    zenoti = dict(Signer("zenoti", ["s3cret"]).headers(BODY, "", 0))
    async with Sink(secrets=("s3cret",)) as sink:
        assert (await post(sink.url, **zenoti))[0] == 200
        assert (await post(sink.url, BODY + b" ", **zenoti))[0] == 401
        assert (await post(sink.url))[0] == 401  # unsigned
        assert (await post(sink.url, b""))[0] == 200  # a ping has no body and no signature
    assert [c.signature_ok for c in sink.calls] == [True, False, False, None]
    assert sink.counts()["bad_signatures"] == 2
    secret = "whsec_dGhlIHN0YW5kYXJkIHNlY3JldCBmb3IgdGVzdHM="
    standard = dict(Signer("standard", [secret]).headers(BODY, "msg_1", time.time()))
    async with Sink(secrets=(secret,), scheme="standard") as sink:
        assert (await post(sink.url, **standard))[0] == 200
        assert (await post(sink.url, **zenoti))[0] == 401


@pytest.mark.asyncio
async def test_mounted_under_sink_name_in_another_app() -> None:
    first, second = Sink(), Sink(status=201)
    app = web.Application()
    first.mount(app, "first")
    second.mount(app, "second")
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        assert (await post(f"http://127.0.0.1:{port}/sink/first"))[0] == 200
        assert (await post(f"http://127.0.0.1:{port}/sink/second/deep/path"))[0] == 201
    finally:
        await runner.cleanup()
    assert first.call_count == 1 and second.call_count == 1
    assert second.last is not None and second.last.path == "/sink/second/deep/path"


@pytest.mark.asyncio
async def test_its_app_mounts_as_a_subapp() -> None:
    sink = Sink()
    app = web.Application()
    app.add_subapp("/hooks/", sink.app())
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        assert (await post(f"http://127.0.0.1:{runner.addresses[0][1]}/hooks/anything"))[0] == 200
    finally:
        await runner.cleanup()
    assert sink.call_count == 1


@pytest.mark.asyncio
async def test_a_slow_answer_does_not_hold_up_stopping() -> None:
    sink = Sink(latency=30)
    await sink.start()
    request = asyncio.create_task(post(sink.url))
    await sink.wait_for(1, timeout=5)
    began = time.perf_counter()
    await sink.stop()
    assert time.perf_counter() - began < 3
    status, _ = await request
    assert status == 200


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"status": 99}, "status"),
        ({"fail_status": 700}, "fail_status"),
        ({"fail_first": -1}, "fail_first"),
        ({"fail_by": "guest"}, "fail_by"),
        ({"fail_probability": 2}, "fail_probability"),
        ({"fail_share": 1.5}, "fail_share"),
        ({"latency": -1}, "latency"),
        ({"scheme": "md5", "secrets": ("s",)}, "scheme"),
        ({"scheme": "standard", "secrets": ("%%",)}, "secrets"),
    ],
)
def test_bad_settings_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(MockZenotiError) as info:
        SinkSettings(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


def test_url_needs_a_running_sink() -> None:
    with pytest.raises(RuntimeError):
        _ = Sink().url
