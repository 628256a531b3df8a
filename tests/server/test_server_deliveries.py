"""``/deliveries``: listing with filters and pages, one delivery's attempts and body, redelivery."""

from __future__ import annotations

import json

import pytest
from server_support import Api, eventually


async def _dead_letters(api: Api, n: int) -> list[dict[str, object]]:
    """``n`` events to target ``a`` that end dead (its sink always answers 500, no retries)."""
    await api.target("a", retry="none", deactivate_after=0)
    await api.call("PUT", "/sinks/a", {"fail_probability": 1.0}, expect=201)
    events = [
        await api.call("POST", "/events", {"event_type": "Guest.Created", "seed": i}, expect=201)
        for i in range(n)
    ]

    async def all_dead() -> bool:
        return (await api.call("GET", "/deliveries?state=dead"))["total"] == n

    await eventually(all_dead)
    return events


@pytest.mark.asyncio
async def test_a_delivery_shows_every_attempt_and_the_bytes_sent(api: Api) -> None:
    (event,) = await _dead_letters(api, 1)
    number = event["deliveries"][0]["id"]
    detail = await api.call("GET", f"/deliveries/{number}")
    assert detail["state"] == "dead" and detail["attempts"] == 1
    (attempt,) = detail["attempt_log"]
    assert attempt["n"] == 1 and attempt["status"] == 500 and attempt["outcome"] == "server_error"
    assert detail["payload"] == event["event"]
    by_envelope = await api.call("GET", f"/deliveries/{detail['delivery_id']}")
    assert by_envelope["id"] == number
    body = await api.request("GET", f"/deliveries/{number}/body")
    assert body.status == 200 and body.headers["Content-Type"].startswith("application/json")
    assert json.loads(body.body) == event["event"]
    assert body.body == api.sink("a").last.body  # exactly what went on the wire

    await api.call("PUT", "/sinks/a", {})  # now it accepts
    result = await api.call("POST", "/deliveries/redeliver", {"ids": [number]})
    assert result == {"redelivered": 1}

    async def delivered() -> bool:
        return (await api.call("GET", f"/deliveries/{number}"))["state"] == "delivered"

    await eventually(delivered)
    log = (await api.call("GET", f"/deliveries/{number}"))["attempt_log"]
    assert [a["status"] for a in log] == [500, 200]


@pytest.mark.asyncio
async def test_redeliver_by_filter_and_discard_held(api: Api) -> None:
    await _dead_letters(api, 3)
    await api.call("PUT", "/sinks/a", {})
    assert (await api.call("POST", "/deliveries/redeliver", {"state": "held"})) == {
        "redelivered": 0
    }
    result = await api.call("POST", "/deliveries/redeliver", {"state": ["dead"], "target": "a"})
    assert result == {"redelivered": 3}

    async def delivered() -> bool:
        return (await api.call("GET", "/deliveries?state=delivered"))["total"] == 3

    await eventually(delivered)
    await api.call("PATCH", "/targets/a", {"active": False})
    await api.call("POST", "/events", {"event_type": "Guest.Updated", "targets": ["a"]}, expect=201)
    assert (await api.call("POST", "/deliveries/discard", {"event_type": "Guest.Updated"})) == {
        "discarded": 1
    }
    assert (await api.call("GET", "/deliveries?state=discarded"))["total"] == 1


@pytest.mark.asyncio
async def test_listing_filters_and_pages(api: Api) -> None:
    await api.target("a")
    await api.target("b", event_types=["Guest.Created"])
    for name in ("Guest.Created", "Invoice.Closed", "Guest.Created"):
        await api.call("POST", "/events", {"event_type": name}, expect=201)
    everything = await api.call("GET", "/deliveries")
    assert everything["total"] == 5 and everything["next_offset"] is None
    ids = [d["id"] for d in everything["items"]]
    assert ids == sorted(ids)
    newest = await api.call("GET", "/deliveries?order=desc&limit=2")
    assert [d["id"] for d in newest["items"]] == ids[::-1][:2] and newest["next_offset"] == 2
    second = await api.call("GET", "/deliveries?order=desc&limit=2&offset=2")
    assert [d["id"] for d in second["items"]] == ids[::-1][2:4]
    only_b = await api.call("GET", "/deliveries?target=b")
    assert only_b["total"] == 2 and {d["event_type"] for d in only_b["items"]} == {"Guest.Created"}
    invoices = await api.call("GET", "/deliveries?event_type=Invoice.Closed")
    assert invoices["total"] == 1
    several = await api.call("GET", "/deliveries?state=delivered,delivering,pending")
    assert several["total"] == 5
    assert (await api.call("GET", "/deliveries?run=1"))["total"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("state=lost", "state"),
        ("run=abc", "run"),
        ("limit=0", "limit"),
        ("limit=5000", "limit"),
        ("offset=-1", "offset"),
        ("order=sideways", "order"),
    ],
)
@pytest.mark.asyncio
async def test_bad_filters_name_the_parameter(api: Api, query: str, field: str) -> None:
    error = await api.error("GET", f"/deliveries?{query}", expect=422)
    assert error["field"] == field


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ids": []}, "ids"),
        ({"ids": ["x"]}, "ids"),
        ({"state": "delivered"}, "state"),
        ({"run": "one"}, "run"),
        ({"everything": True}, "everything"),
    ],
)
@pytest.mark.asyncio
async def test_bad_redeliveries_name_the_field(
    api: Api, body: dict[str, object], field: str
) -> None:
    error = await api.error("POST", "/deliveries/redeliver", body, expect=422)
    assert error["field"] == field


@pytest.mark.asyncio
async def test_missing_deliveries_are_404(api: Api) -> None:
    for key in ("999", "0123456789abcdef01234567", "nope"):
        error = await api.error("GET", f"/deliveries/{key}", expect=404)
        assert error["field"] == "id"
    await api.error("GET", "/deliveries/999/body", expect=404)


@pytest.mark.asyncio
async def test_discard_takes_only_held_deliveries(api: Api) -> None:
    error = await api.error("POST", "/deliveries/discard", {"state": "dead"}, expect=422)
    assert error["field"] == "state"
    error = await api.error("POST", "/deliveries/discard", {"run": 0}, expect=422)
    assert error["field"] == "run"
    assert await api.call("POST", "/deliveries/discard", {"state": "held"}) == {"discarded": 0}


@pytest.mark.asyncio
async def test_force_redelivers_a_delivered_delivery(api: Api) -> None:
    await api.target("a")
    sent = await api.call("POST", "/events", {"event_type": "Guest.Created"}, expect=201)
    number = sent["deliveries"][0]["id"]
    await api.sink("a").wait_for(1)

    async def delivered(n: int) -> bool:
        detail = await api.call("GET", f"/deliveries/{number}")
        return detail["state"] == "delivered" and len(detail["attempt_log"]) == n

    await eventually(lambda: delivered(1))
    unforced = await api.call("POST", "/deliveries/redeliver", {"ids": [number]})
    assert unforced == {"redelivered": 0}  # only dead and held, unless forced
    forced = await api.call("POST", "/deliveries/redeliver", {"ids": [number], "force": True})
    assert forced == {"redelivered": 1}
    await api.sink("a").wait_for(2)
    await eventually(lambda: delivered(2))
    assert api.sink("a").calls[1].duplicate


@pytest.mark.asyncio
@pytest.mark.parametrize("signing", ["zenoti", "standard"])
async def test_a_delivery_shows_the_request_its_receiver_got(api: Api, signing: str) -> None:
    await api.target(
        "a", secret="whsec_c2VjcmV0LXNlY3JldA==", signing=signing, headers={"X-Tenant": "t1"}
    )
    sent = await api.call("POST", "/events", {"event_type": "Guest.Created"}, expect=201)
    number = sent["deliveries"][0]["id"]
    await api.sink("a").wait_for(1)

    async def settled() -> bool:
        return (await api.call("GET", f"/deliveries/{number}"))["state"] == "delivered"

    await eventually(settled)
    detail = await api.call("GET", f"/deliveries/{number}")
    request = detail["request"]
    got = api.sink("a").calls[0]
    assert (request["method"], request["url"], request["attempt"]) == ("POST", api.sink_url("a"), 1)
    assert request["settings_changed"] is False
    for name, value in request["headers"].items():
        assert got.headers.get(name) == value, name  # every header shown is what arrived
    signature = "zenoti-webhook-signature" if signing == "zenoti" else "webhook-signature"
    assert signature in request["headers"] and "X-Tenant" in request["headers"]
    await api.call("PATCH", "/targets/a", {"headers": {"X-Tenant": "t2"}})
    assert (await api.call("GET", f"/deliveries/{number}"))["request"]["settings_changed"]
