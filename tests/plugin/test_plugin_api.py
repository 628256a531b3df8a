"""The ``zenoti_api`` fixture: ``/v1`` over the world of the test's own run, in this suite."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import aiohttp
import pytest

from mockzenoti.testing.api import ZenotiApi
from mockzenoti.testing.emitter import ZenotiEmitter
from mockzenoti.testing.sink import ZenotiSink
from mockzenoti.testing.world import ZenotiWorld


def call(api: ZenotiApi, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """A blocking ``/v1`` call (for sync tests): status and JSON."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {**api.headers, "Content-Type": "application/json"}
    request = urllib.request.Request(api.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


@pytest.mark.asyncio
async def test_the_appointment_a_webhook_names_is_found_with_the_tests_key(
    zenoti_emitter: ZenotiEmitter, zenoti_sink: ZenotiSink, zenoti_api: ZenotiApi
) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(zenoti_api.url + "/v1/centers", headers=zenoti_api.headers) as no:
            assert no.status == 401  # no run yet: the key answers for nothing
        run = await zenoti_emitter.run("appointment-lifecycle", seed=3, events=60)
        await run.wait_delivered()
        assert zenoti_api.run is run
        created = zenoti_sink.events_of("AppointmentGroup.Created")[-1]["data"]
        url = f"{zenoti_api.url}/v1/appointments/{created['appointments'][0]['id']}"
        async with session.get(url, headers=zenoti_api.headers) as answer:
            assert answer.status == 200
            [shown] = await answer.json()
    assert shown["appointment_group_id"] == created["appointment_group_id"]
    assert shown["guest"]["id"] == created["guest"]["id"]
    assert shown["start_time"] == created["appointments"][0]["start_time_in_center"]


def test_a_booking_through_v1_fires_its_webhook_and_the_expected_state_follows(
    zenoti_emitter: ZenotiEmitter, zenoti_sink: ZenotiSink, zenoti_api: ZenotiApi
) -> None:
    run = zenoti_emitter.run_sync("appointment-lifecycle", seed=3, events=60)
    data = zenoti_sink.events_of("AppointmentGroup.Created")[0]["data"]
    day = _next(run.expected["last_event_timestamp"][:10])  # after the run: every slot is open
    body = {
        "center_id": data["center_id"],
        "date": day,
        "guests": [
            {
                "id": data["guest"]["id"],
                "items": [{"item": {"id": data["appointments"][0]["service_id"]}}],
            }
        ],
    }
    status, booking = call(zenoti_api, "POST", "/v1/bookings", body)
    assert status == 200, booking
    _, slots = call(zenoti_api, "GET", f"/v1/bookings/{booking['id']}/slots")
    slot = slots["slots"][0]["Time"]
    assert (
        call(
            zenoti_api, "POST", f"/v1/bookings/{booking['id']}/slots/reserve", {"slot_time": slot}
        )[0]
        == 200
    )
    status, confirmed = call(zenoti_api, "POST", f"/v1/bookings/{booking['id']}/slots/confirm")
    assert status == 200, confirmed
    group = confirmed["invoice"]["appointment_group_id"]

    zenoti_sink.wait_for_sync(1, event_type="AppointmentGroup.Created", appointment_group_id=group)
    status, early = call(zenoti_api, "PUT", f"/v1/appointments/{group}/no_show")
    assert status == 409 and early["error"]["field"] == "appointment_group_id"
    zenoti_api.advance("2d")  # the world's clock, after the stream: past the start
    assert call(zenoti_api, "PUT", f"/v1/appointments/{group}/no_show")[0] == 200
    zenoti_sink.wait_for_sync(
        1,
        event_type="AppointmentGroup.Status",
        appointment_group_id=group,
        appointment_group_status=-2,
    )
    assert run.expected["appointment_groups"][group]["state"] == "noshow"
    assert run.expected["events"] == 62


def _next(day: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


@pytest.mark.zenoti(world={"centers": 1, "kind": "spa"})
def test_a_world_run_closed_through_v1_sends_invoice_closed(
    zenoti_world: ZenotiWorld,
    zenoti_emitter: ZenotiEmitter,
    zenoti_sink: ZenotiSink,
    zenoti_api: ZenotiApi,
) -> None:
    world = zenoti_world
    group = world.book_appointment(world.center(0), world.guest(), world.later("1h"))
    world.advance("1h")
    world.check_in_group(group)
    for _ in group.appointments:
        world.start_appointment(group)
        world.complete_appointment(group)
    world.advance("4h")  # every service has begun (Zenoti refuses to close a future one: 1113)
    run = zenoti_emitter.send_sync(world)

    status, answer = call(zenoti_api, "POST", f"/v1/invoices/{group.invoice.id}/close")
    assert (status, answer) == (200, {"is_invoice_closed": True, "error": None}), answer
    closed = zenoti_sink.wait_for_sync(1, event_type="Invoice.Closed")[0]["data"]["invoice"]
    _, shown = call(zenoti_api, "GET", f"/v1/invoices/{group.invoice.id}")
    assert (
        shown["invoice"]["is_closed"] and shown["invoice"]["total_price"] == closed["total_price"]
    )
    assert run.expected["invoices"][group.invoice.id]["state"] == "closed"


@pytest.mark.zenoti(rest_rate_limit=2)
def test_zenotis_rate_limit_when_the_marker_asks(
    zenoti_emitter: ZenotiEmitter, zenoti_api: ZenotiApi
) -> None:
    zenoti_emitter.run_sync("appointment-lifecycle", seed=3, events=5)
    statuses = [call(zenoti_api, "GET", "/v1/centers")[0] for _ in range(3)]
    assert statuses == [200, 200, 429]
