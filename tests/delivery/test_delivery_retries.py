"""Retries against a real sink on 127.0.0.1: attempt counts, exact waits, what is retried.

Time is virtual (FakeClock) except where a test is about real timeouts or
the real-clock scale, and those are bounded to fractions of a second.
"""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
from aiohttp import web
from delivery_support import START, attempt_times, deliver, gaps, only_delivery

from mockzenoti.delivery import DeliveryOptions, FakeClock, Outbox, Target, parse_policy
from mockzenoti.delivery.chaos import attempt_rng
from mockzenoti.delivery.policy import STANDARD, ZENOTI
from mockzenoti.sink import Sink


def expected_zenoti_waits(delivery_id: str, seed: int = 0, scale: float = 1.0) -> list[float]:
    return [
        ZENOTI.base_wait(k, attempt_rng(seed, delivery_id, k, "jitter")) * scale
        for k in range(1, 6)
    ]


@pytest.mark.asyncio
async def test_zenoti_policy_makes_six_attempts_at_the_formula_s_times(
    outbox: Outbox, clock: FakeClock
) -> None:
    async with Sink(status=503) as sink:
        report = await deliver(outbox, Target(sink.url), 1, clock=clock)
    assert report.dead == 1
    assert sink.call_count == 6
    pk = only_delivery(outbox)
    detail = outbox.get_delivery(pk)
    assert [a.n for a in detail.attempts] == [1, 2, 3, 4, 5, 6]
    assert {a.outcome for a in detail.attempts} == {"server_error"}
    waits = gaps(attempt_times(outbox, pk))
    assert waits == pytest.approx(expected_zenoti_waits(detail.delivery.delivery_id), abs=1e-6)
    for k, wait in enumerate(waits, start=1):
        assert 30 * 2 ** (k - 1) <= wait <= 30 * 2 ** (k - 1) + 3
    assert detail.attempts[0].at == START


@pytest.mark.asyncio
async def test_standard_policy_follows_the_svix_schedule(outbox: Outbox, clock: FakeClock) -> None:
    async with Sink(status=500) as sink:
        report = await deliver(outbox, Target(sink.url, policy="standard"), 1, clock=clock)
    assert report.dead == 1
    assert sink.call_count == 8
    waits = gaps(attempt_times(outbox, only_delivery(outbox)))
    assert waits == pytest.approx(list(STANDARD.schedule), abs=1e-6)


@pytest.mark.asyncio
async def test_none_policy_tries_once(outbox: Outbox, clock: FakeClock) -> None:
    async with Sink(status=500) as sink:
        report = await deliver(outbox, Target(sink.url, policy="none"), 1, clock=clock)
    assert report.dead == 1
    assert sink.call_count == 1
    assert clock.sleeps == []


@pytest.mark.asyncio
async def test_explicit_schedule_is_followed_exactly(outbox: Outbox, clock: FakeClock) -> None:
    async with Sink(status=502) as sink:
        await deliver(outbox, Target(sink.url, policy="1s,5s,30s"), 1, clock=clock)
    assert sink.call_count == 4
    assert gaps(attempt_times(outbox, only_delivery(outbox))) == pytest.approx([1, 5, 30])


@pytest.mark.asyncio
async def test_success_after_failures_stops_retrying(outbox: Outbox, clock: FakeClock) -> None:
    async with Sink(fail_first=2) as sink:
        report = await deliver(outbox, Target(sink.url), 3, clock=clock)
    assert report.delivered == 3
    assert sink.call_count == 9
    for record in outbox.list_deliveries().items:
        detail = outbox.get_delivery(record.pk)
        assert [a.status for a in detail.attempts] == [500, 500, 200]
        assert detail.delivery.state == "delivered"
        assert gaps([a.at for a in detail.attempts]) == pytest.approx(
            expected_zenoti_waits(record.delivery_id)[:2], abs=1e-6
        )


@pytest.mark.asyncio
async def test_retry_scale_shrinks_every_wait(outbox: Outbox, clock: FakeClock) -> None:
    async with Sink(status=500) as sink:
        await deliver(
            outbox, Target(sink.url), 1, clock=clock, options=DeliveryOptions(retry_scale=0.001)
        )
    assert sink.call_count == 6
    detail = outbox.get_delivery(only_delivery(outbox))
    expected = expected_zenoti_waits(detail.delivery.delivery_id, scale=0.001)
    assert gaps([a.at for a in detail.attempts]) == pytest.approx(expected, abs=1e-6)
    assert sum(expected) < 1.0


@pytest.mark.asyncio
async def test_real_clock_full_schedule_at_small_scale_finishes_fast(outbox: Outbox) -> None:
    began = time.perf_counter()
    async with Sink(status=500) as sink:
        report = await deliver(
            outbox, Target(sink.url), 1, options=DeliveryOptions(retry_scale=0.0002)
        )
    assert report.dead == 1
    assert sink.call_count == 6
    assert time.perf_counter() - began < 2.0  # 930 s of schedule, scaled: about 0.19 s


@pytest.mark.asyncio
async def test_fast_preset_is_over_in_milliseconds(outbox: Outbox) -> None:
    began = time.perf_counter()
    async with Sink(status=500) as sink:
        await deliver(outbox, Target(sink.url, policy="fast"), 3)
    assert sink.call_count == 18
    assert time.perf_counter() - began < 2.0


@pytest.mark.asyncio
async def test_retry_after_seconds_is_honoured(outbox: Outbox, clock: FakeClock) -> None:
    async with Sink(fail_first=2, status=200, fail_status=429, retry_after="7") as sink:
        report = await deliver(outbox, Target(sink.url), 1, clock=clock)
    assert report.delivered == 1
    assert gaps(attempt_times(outbox, only_delivery(outbox))) == pytest.approx([7, 7])


@pytest.mark.asyncio
async def test_retry_after_http_date_is_honoured(outbox: Outbox, clock: FakeClock) -> None:
    when = format_datetime(datetime.fromtimestamp(START + 120, UTC), usegmt=True)
    async with Sink(fail_first=1, fail_status=503, retry_after=when) as sink:
        await deliver(outbox, Target(sink.url), 1, clock=clock)
    assert sink.call_count == 2
    assert gaps(attempt_times(outbox, only_delivery(outbox))) == pytest.approx([120])


@pytest.mark.asyncio
async def test_retry_after_is_bounded_and_not_scaled(outbox: Outbox, clock: FakeClock) -> None:
    async with Sink(fail_first=1, fail_status=503, retry_after="86400") as sink:
        await deliver(
            outbox, Target(sink.url), 1, clock=clock, options=DeliveryOptions(retry_scale=0.001)
        )
    assert sink.call_count == 2
    # a day asked for, bounded to zenoti's 10 minutes, in real time: the scale is the policy's
    assert gaps(attempt_times(outbox, only_delivery(outbox))) == pytest.approx([600])
    first = outbox.get_delivery(only_delivery(outbox)).attempts[0]
    assert (first.wait, first.wait_from) == (600.0, "retry-after")
    assert outbox.retry_waits() == {"policy": 0, "retry-after": 1}


@pytest.mark.asyncio
async def test_scale_retry_after_scales_the_receivers_wait_too(
    outbox: Outbox, clock: FakeClock
) -> None:
    async with Sink(fail_first=1, fail_status=429, retry_after="60") as sink:
        options = DeliveryOptions(retry_scale=0.001, scale_retry_after=True)
        await deliver(outbox, Target(sink.url), 1, clock=clock, options=options)
    assert sink.call_count == 2
    assert gaps(attempt_times(outbox, only_delivery(outbox))) == pytest.approx([0.06])


@pytest.mark.asyncio
async def test_a_rate_limited_receiver_gets_everything_when_its_wait_is_honoured(
    outbox: Outbox, clock: FakeClock
) -> None:
    """A consumer's limiter answers 429 with Retry-After: 60 until a minute has passed.

    With the policy's waits scaled to milliseconds, scaling Retry-After too would
    hit the limit again and again; honouring it delivers everything.
    """
    opened = clock.now() + 60
    seen = {"limited": 0, "ok": 0}

    async def limiter(request: web.Request) -> web.Response:
        await request.read()
        if clock.now() < opened:
            seen["limited"] += 1
            return web.Response(status=429, headers={"Retry-After": "60"})
        seen["ok"] += 1
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", limiter)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
        report = await deliver(
            outbox, Target(url), 20, clock=clock, options=DeliveryOptions(retry_scale=0.001)
        )
    finally:
        await runner.cleanup()
    assert report.counts["delivered"] == 20
    assert seen == {"limited": 20, "ok": 20}
    waits = outbox.retry_waits()
    assert waits["retry-after"] == 20 and waits["policy"] == 0


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [400, 401, 404, 410, 422])
async def test_other_4xx_fail_at_once(outbox: Outbox, clock: FakeClock, status: int) -> None:
    async with Sink(status=status) as sink:
        report = await deliver(outbox, Target(sink.url), 1, clock=clock)
    assert report.dead == 1
    assert sink.call_count == 1
    assert outbox.get_delivery(only_delivery(outbox)).attempts[0].outcome == "client_error"


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [408, 429, 500, 503, 599])
async def test_408_429_and_5xx_are_retried(outbox: Outbox, clock: FakeClock, status: int) -> None:
    async with Sink(fail_first=1, fail_status=status) as sink:
        report = await deliver(outbox, Target(sink.url), 1, clock=clock)
    assert report.delivered == 1
    assert sink.call_count == 2


@pytest.mark.asyncio
async def test_listed_4xx_statuses_are_retried_anyway(outbox: Outbox, clock: FakeClock) -> None:
    async with Sink(fail_first=2, fail_status=409) as sink:
        target = Target(sink.url, retry_statuses=frozenset({409}))
        report = await deliver(outbox, target, 1, clock=clock)
    assert report.delivered == 1
    assert sink.call_count == 3


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [200, 201, 202, 204])
async def test_every_2xx_is_success(outbox: Outbox, clock: FakeClock, status: int) -> None:
    async with Sink(status=status) as sink:
        report = await deliver(outbox, Target(sink.url), 2, clock=clock)
    assert report.delivered == 2
    assert sink.call_count == 2


@pytest.mark.asyncio
async def test_a_redirect_is_not_followed_and_fails(outbox: Outbox, clock: FakeClock) -> None:
    async with Sink(status=302) as sink:
        report = await deliver(outbox, Target(sink.url), 1, clock=clock)
    assert report.dead == 1
    assert [c.path for c in sink.calls] == ["/"]  # nothing went to the Location
    attempt = outbox.get_delivery(only_delivery(outbox)).attempts[0]
    assert (attempt.outcome, attempt.status) == ("redirect", 302)


@pytest.mark.asyncio
async def test_a_slow_receiver_times_out_and_is_retried(outbox: Outbox, clock: FakeClock) -> None:
    async with Sink(latency=2.0) as sink:
        target = Target(sink.url, timeout=0.05, policy="1s")
        began = time.perf_counter()
        report = await deliver(outbox, target, 1, clock=clock)
        elapsed = time.perf_counter() - began
    assert report.dead == 1
    assert sink.call_count == 2
    attempts = outbox.get_delivery(only_delivery(outbox)).attempts
    assert [a.outcome for a in attempts] == ["timeout", "timeout"]
    assert all(a.error == "timed out" and a.latency_ms is not None for a in attempts)
    assert all(40 <= (a.latency_ms or 0) < 1000 for a in attempts)
    assert elapsed < 1.5


@pytest.mark.asyncio
async def test_connection_refused_is_retried_then_dead(outbox: Outbox, clock: FakeClock) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # the port is closed now: connections are refused
    target = Target(f"http://127.0.0.1:{port}/hook", policy="1s,2s")
    report = await deliver(outbox, target, 1, clock=clock)
    assert report.dead == 1
    attempts = outbox.get_delivery(only_delivery(outbox)).attempts
    assert [a.outcome for a in attempts] == ["connection"] * 3
    assert all(a.status is None and a.error for a in attempts)
    assert gaps([a.at for a in attempts]) == pytest.approx([1, 2])


@pytest.mark.asyncio
async def test_ids_stay_the_same_across_retries(outbox: Outbox, clock: FakeClock) -> None:
    async with Sink(fail_first=3) as sink:
        await deliver(outbox, Target(sink.url, policy=parse_policy("1s,1s,1s")), 1, clock=clock)
    assert sink.call_count == 4
    assert len({c.delivery_id for c in sink.calls}) == 1
    assert len({c.event_id for c in sink.calls}) == 1
    assert len({c.body for c in sink.calls}) == 1
