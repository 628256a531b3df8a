"""``POST /events``: a generated event with overrides, or a full payload, to the targets."""

from __future__ import annotations

import copy

import pytest
from server_support import Api, eventually

from mockzenoti.generator import generate
from mockzenoti.validation import validate


@pytest.mark.asyncio
async def test_a_generated_event_with_overrides_reaches_every_active_target(api: Api) -> None:
    await api.target("a", secret="s3")
    await api.target("b")
    await api.call("PUT", "/sinks/a", {"secret": "s3"}, expect=201)
    result = await api.call(
        "POST",
        "/events",
        {
            "event_type": "Guest.Created",
            "seed": 5,
            "overrides": {"data.personal_info.first_name": "Ada"},
        },
        expect=201,
    )
    event = result["event"]
    assert event["data"]["personal_info"]["first_name"] == "Ada"
    assert result["event_type"] == "Guest.Created" and result["seed"] == 5
    assert validate(event) == []
    deliveries = result["deliveries"]
    assert [d["target"] for d in deliveries] == ["a", "b"]
    assert deliveries[0]["delivery_id"] == event["id"]  # the first target gets the event's id
    assert deliveries[1]["delivery_id"] != event["id"]  # others get their own
    assert {d["event_id"] for d in deliveries} == {event["event_id"]}
    await api.sink("a").wait_for(1)
    await api.sink("b").wait_for(1)
    call = api.sink("a").last
    assert call is not None and call.signature_ok is True and call.json == event
    assert call.headers["zenoti-webhook-signature"]
    other = api.sink("b").last
    assert other is not None and other.json["id"] == deliveries[1]["delivery_id"]

    async def settled() -> bool:
        page = await api.call("GET", f"/deliveries?event_id={event['event_id']}")
        return [d["state"] for d in page["items"]] == ["delivered", "delivered"]

    await eventually(settled)


@pytest.mark.asyncio
async def test_the_same_seed_gives_the_same_event_and_no_seed_a_fresh_one(api: Api) -> None:
    await api.target("a")
    one = await api.call(
        "POST", "/events", {"event_type": "Invoice.Closed", "seed": "x"}, expect=201
    )
    two = await api.call(
        "POST", "/events", {"event_type": "Invoice.Closed", "seed": "x"}, expect=201
    )
    assert one["event"] == two["event"] == generate("Invoice.Closed", seed="x").payload
    assert one["deliveries"][0]["id"] != two["deliveries"][0]["id"]  # two deliveries all the same
    fresh = await api.call("POST", "/events", {"event_type": "Invoice.Closed"}, expect=201)
    assert isinstance(fresh["seed"], int) and fresh["event"]["event_id"] != one["event"]["event_id"]


@pytest.mark.asyncio
async def test_bad_event_requests_name_the_field(api: Api) -> None:
    await api.target("a")
    error = await api.error("POST", "/events", {"event_type": "Guest.Craeted"}, expect=422)
    assert error["field"] == "event_type" and "Guest.Created" in error["message"]
    error = await api.error(
        "POST",
        "/events",
        {"event_type": "Guest.Created", "overrides": {"data.nope": 1}},
        expect=422,
    )
    assert error["field"] == "overrides.data.nope"
    bad_type = {"event_type": "Guest.Created", "overrides": {"data.personal_info.first_name": 5}}
    error = await api.error("POST", "/events", bad_type, expect=422)
    assert error["field"] == "overrides.data.personal_info.first_name"
    error = await api.error("POST", "/events", {}, expect=422)
    assert error["field"] == "event_type"
    error = await api.error(
        "POST", "/events", {"event_type": "Guest.Created", "seed": 1.5}, expect=422
    )
    assert error["field"] == "seed"
    error = await api.error(
        "POST", "/events", {"event_type": "Guest.Created", "targets": ["zz"]}, expect=422
    )
    assert (error["field"], error["code"]) == ("targets[0]", "unknown_target")
    payload = generate("Guest.Created", seed=1).payload
    both = {"payload": payload, "event_type": "Guest.Created"}
    error = await api.error("POST", "/events", both, expect=422)
    assert error["field"] == "event_type"
    assert (await api.call("GET", "/deliveries"))["total"] == 0


@pytest.mark.asyncio
async def test_no_active_target_is_a_clear_422(api: Api) -> None:
    error = await api.error("POST", "/events", {"event_type": "Guest.Created"}, expect=422)
    assert (error["code"], error["field"]) == ("no_target", "targets")


@pytest.mark.asyncio
async def test_a_full_payload_is_checked_then_sent_as_is(api: Api) -> None:
    await api.target("a")
    payload = generate("Class.Booking.Created", seed=3).payload
    result = await api.call("POST", "/events", {"payload": payload}, expect=201)
    assert result["event"] == payload and result["name"] == "Class.Booking.Created"
    await api.sink("a").wait_for(1)
    assert api.sink("a").last is not None and api.sink("a").last.json == payload

    broken = copy.deepcopy(payload)
    del broken["data"]["session_id"]
    broken["data"]["guest_id"] = 12
    error = await api.error("POST", "/events", {"payload": broken}, expect=422)
    assert error["code"] == "invalid_payload" and error["field"].startswith("payload.data")
    paths = {p["path"] for p in error["problems"]}
    assert "payload.data.guest_id" in paths and len(error["problems"]) >= 2


@pytest.mark.asyncio
async def test_validate_false_sends_an_intentionally_invalid_payload(api: Api) -> None:
    await api.target("a")
    payload = generate("Guest.Created", seed=2).payload
    broken = {**payload, "data": {"totally": "wrong"}}
    result = await api.call("POST", "/events", {"payload": broken, "validate": False}, expect=201)
    assert result["event"]["data"] == {"totally": "wrong"}
    overridden = await api.call(
        "POST",
        "/events",
        {
            "event_type": "Guest.Created",
            "validate": False,
            "overrides": {"data.personal_info.first_name": 5},
        },
        expect=201,
    )
    assert overridden["event"]["data"]["personal_info"]["first_name"] == 5
    await api.sink("a").wait_for(2)
    assert {"totally": "wrong"} in [c.json["data"] for c in api.sink("a").calls]
    # Even unchecked, a payload needs the ids that make it a delivery.
    error = await api.error(
        "POST", "/events", {"payload": {"event_type": "X"}, "validate": False}, expect=422
    )
    assert error["field"] == "payload.id"


@pytest.mark.asyncio
async def test_a_targets_filters_apply(api: Api) -> None:
    await api.target("guests", event_types=["Guest.Created"])
    await api.target("all")
    result = await api.call("POST", "/events", {"event_type": "Invoice.Closed"}, expect=201)
    assert [d["target"] for d in result["deliveries"]] == ["all"]
    only = await api.call(
        "POST", "/events", {"event_type": "Invoice.Closed", "targets": ["guests"]}, expect=201
    )
    assert only["deliveries"] == []


@pytest.mark.asyncio
async def test_get_events_lists_what_was_accepted(api: Api) -> None:
    await api.target("a")
    guest = {"event_type": "Guest.Created", "seed": 4}
    posted = await api.call("POST", "/events", guest, expect=201)
    run = await api.call("POST", "/runs", {"scenario": "class-lifecycle", "events": 5}, expect=201)
    await api.wait_run(run["id"])
    page = await api.call("GET", "/events")
    assert page["total"] == 6 and page["next_offset"] is None
    first = page["items"][0]
    assert (first["event_id"], first["event_type"], first["run_id"]) == (
        posted["event_id"],
        "Guest.Created",
        None,
    )
    assert "payload" not in first
    of_run = await api.call("GET", f"/events?run={run['id']}&order=desc&limit=2&payloads=true")
    assert of_run["total"] == 5 and [e["seq"] for e in of_run["items"]] == [4, 3]
    assert of_run["items"][0]["payload"]["event_id"] == of_run["items"][0]["event_id"]
    typed = await api.call("GET", "/events?event_type=Guest.Created")
    assert {e["event_type"] for e in typed["items"]} == {"Guest.Created"}
