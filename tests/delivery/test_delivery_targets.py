"""What reaches a target: method, headers, body bytes, filters, delivery ids, signatures, ping."""

from __future__ import annotations

import base64
import hashlib
import hmac

import aiohttp
import pytest
from delivery_support import deliver
from standardwebhooks import Webhook

from mockzenoti.delivery import FakeClock, Outbox, Target, client_session, ping
from mockzenoti.delivery.testing import synthetic_events
from mockzenoti.ids import target_delivery_id
from mockzenoti.sink import Sink

SECRET_A = "whsec_" + base64.b64encode(b"first secret key for tests!!").decode()
SECRET_B = base64.b64encode(b"the rotated-in second secret").decode()


@pytest.mark.asyncio
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
async def test_method_headers_and_exact_body(outbox: Outbox, sink: Sink, method: str) -> None:
    events = synthetic_events(3)
    target = Target(sink.url, method=method, headers={"Authorization": "Bearer t0k", "X-Env": "ci"})
    report = await deliver(outbox, target, events)
    assert report.ok
    assert [c.method for c in sink.calls] == [method] * 3
    for call in sink.calls:
        assert call.headers["Content-Type"] == "application/json"
        assert call.headers["Authorization"] == "Bearer t0k"
        assert call.headers["X-Env"] == "ci"
        assert "zenoti-webhook-signature" not in call.headers
    assert sorted(c.body for c in sink.calls) == sorted(e.body() for e in events)
    assert [e["event_id"] for e in sink.events] == [e.event_id for e in events]


@pytest.mark.asyncio
async def test_event_type_and_center_filters(outbox: Outbox) -> None:
    events = synthetic_events(60, centers=("c-1", "c-2", "c-3"))
    async with Sink() as all_sink, Sink() as guests, Sink() as center2:
        targets = [
            Target(all_sink.url, name="all"),
            Target(guests.url, name="guests", event_types=frozenset({"Guest.Created"})),
            Target(center2.url, name="c2", center_ids=frozenset({"c-2"})),
        ]
        report = await deliver(outbox, targets, events)
    assert report.ok
    assert all_sink.call_count == 60
    assert {e["event_type"] for e in guests.events} == {"Guest.Created"}
    assert guests.call_count == sum(1 for e in events if e.event_type == "Guest.Created") > 0
    assert center2.call_count == sum(1 for e in events if e.center_id == "c-2") == 20
    assert outbox.counts(target="c2")["delivered"] == 20


@pytest.mark.asyncio
async def test_each_target_gets_its_own_delivery_id_of_the_same_event(outbox: Outbox) -> None:
    events = synthetic_events(5)
    async with Sink() as first, Sink() as second, Sink() as third:
        targets = [Target(s.url, name=n) for s, n in ((first, "a"), (second, "b"), (third, "c"))]
        await deliver(outbox, targets, events)
    by_event = {e.event_id: e for e in events}
    for index, sink in enumerate((first, second, third)):
        assert sink.call_count == 5
        for call in sink.calls:
            event = by_event[call.event_id or ""]
            assert call.delivery_id == target_delivery_id(event.id, index)
            expected = event.body().replace(event.id.encode(), call.delivery_id.encode(), 1)
            assert call.body == expected
    assert first.calls[0].delivery_id != second.calls[0].delivery_id


@pytest.mark.asyncio
async def test_zenoti_signature_recomputed_over_the_received_bytes(outbox: Outbox) -> None:
    async with Sink(secrets=("s3cret",)) as sink:
        await deliver(outbox, Target(sink.url, secrets=("s3cret",)), 4)
    assert sink.counts()["bad_signatures"] == 0
    for call in sink.calls:
        digest = hmac.new(b"s3cret", call.body, hashlib.sha256).hexdigest().upper()
        pairs = "-".join(digest[i : i + 2] for i in range(0, 64, 2))
        assert call.headers["zenoti-webhook-signature"] == "sha256 =" + pairs
        assert call.signature_ok is True


@pytest.mark.asyncio
async def test_a_wrong_secret_is_refused_by_the_sink(outbox: Outbox, clock: FakeClock) -> None:
    async with Sink(secrets=("right",)) as sink:
        report = await deliver(outbox, Target(sink.url, secrets=("wrong",)), 2, clock=clock)
    assert report.dead == 2  # 401 is not retried
    assert [c.status for c in sink.calls] == [401, 401]
    assert sink.counts()["bad_signatures"] == 2


@pytest.mark.asyncio
async def test_standard_signatures_verify_with_the_library_during_rotation(
    outbox: Outbox,
) -> None:
    clock = FakeClock()  # near real time: the library refuses timestamps 5 minutes off
    async with Sink(fail_first=2) as sink:
        target = Target(sink.url, signature="standard", secrets=(SECRET_A, SECRET_B))
        report = await deliver(outbox, target, 2, clock=clock)
    assert report.delivered == 2
    assert sink.call_count == 6
    for call in sink.calls:
        headers = dict(call.headers)
        assert Webhook(SECRET_A).verify(call.body, headers)["id"] == call.delivery_id
        assert Webhook(SECRET_B).verify(call.body, headers)["id"] == call.delivery_id
        assert headers["webhook-id"] == call.delivery_id
    per_event: dict[str | None, set[str]] = {}
    for call in sink.calls:
        per_event.setdefault(call.event_id, set()).add(call.headers["webhook-id"])
    assert all(len(ids) == 1 for ids in per_event.values())  # stable across retries


@pytest.mark.asyncio
async def test_the_standard_scheme_is_verified_by_the_sink_too(outbox: Outbox) -> None:
    async with Sink(secrets=(SECRET_B,), scheme="standard") as sink:
        target = Target(sink.url, signature="standard", secrets=(SECRET_A, SECRET_B))
        await deliver(outbox, target, 3)
    assert [c.signature_ok for c in sink.calls] == [True] * 3


@pytest.mark.asyncio
async def test_ping_is_an_empty_unsigned_post(sink: Sink) -> None:
    target = Target(sink.url, method="PUT", secrets=("s3cret",), headers={"X-Env": "ci"})
    async with client_session() as session:
        result = await ping(session, target)
    assert result.delivered and result.status == 200
    call = sink.last
    assert call is not None
    assert call.method == "POST"
    assert call.body == b""
    assert call.json is None
    assert "zenoti-webhook-signature" not in call.headers
    assert "Content-Type" not in call.headers
    assert call.headers["X-Env"] == "ci"


@pytest.mark.asyncio
async def test_ping_reports_a_refused_connection() -> None:
    async with Sink() as gone:
        url = gone.url
    async with aiohttp.ClientSession() as session:
        result = await ping(session, Target(url, timeout=1))
    assert result.outcome == "connection"
    assert not result.delivered
