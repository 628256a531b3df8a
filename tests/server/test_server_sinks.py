"""Sinks in the server: ``/sink/{name}`` receives (and misbehaves); ``/sinks`` configures."""

from __future__ import annotations

import time

import pytest
from server_support import Api, eventually


@pytest.mark.asyncio
async def test_a_webhook_creates_the_sink_on_first_use(api: Api) -> None:
    answer = await api.request("POST", "/sink/fresh", json_body={"event_id": "e1", "id": "d1"})
    assert answer.status == 200 and answer.json == {"ok": True, "reason": None}
    listed = await api.call("GET", "/sinks")
    assert [s["name"] for s in listed["items"]] == ["fresh"]
    sink = await api.call("GET", "/sinks/fresh")
    assert sink["url"] == api.sink_url("fresh") and sink["counts"]["calls"] == 1
    assert sink["settings"]["status"] == 200 and sink["settings"]["signing"] == "none"
    error = await api.error("POST", "/sink/bad name!", expect=422)
    assert error["field"] == "name"


@pytest.mark.asyncio
async def test_received_marks_duplicates_and_can_show_payloads(api: Api) -> None:
    await api.target("a")
    for _ in range(2):  # the same seed: the same event_id, delivered twice
        await api.call("POST", "/events", {"event_type": "Guest.Created", "seed": 9}, expect=201)
    await api.call("POST", "/events", {"event_type": "Guest.Created", "seed": 10}, expect=201)
    await api.sink("a").wait_for(3)
    received = await api.call("GET", "/sink/a/received")
    assert received["total"] == 3 and received["counts"]["duplicates"] == 1
    assert [i["duplicate"] for i in received["items"]] == [False, True, False]
    assert received["counts"]["unique_events"] == 2 and "payload" not in received["items"][0]
    with_bodies = await api.call("GET", "/sink/a/received?payloads=true&offset=1&limit=1")
    assert len(with_bodies["items"]) == 1 and with_bodies["items"][0]["index"] == 1
    assert with_bodies["items"][0]["payload"]["event_type"] == "Guest.Created"
    error = await api.error("GET", "/sink/nobody/received", expect=404)
    assert error["field"] == "name"


@pytest.mark.asyncio
async def test_fail_first_makes_the_engine_retry_end_to_end(api: Api) -> None:
    await api.call("PUT", "/sinks/a", {"fail_first": 2, "fail_status": 503}, expect=201)
    await api.target("a")  # fast retries
    result = await api.call("POST", "/events", {"event_type": "Invoice.Closed"}, expect=201)
    number = result["deliveries"][0]["id"]

    async def delivered() -> bool:
        return (await api.call("GET", f"/deliveries/{number}"))["state"] == "delivered"

    await eventually(delivered)
    items = (await api.call("GET", "/sink/a/received"))["items"]
    assert [(i["attempt"], i["status"], i["reason"]) for i in items] == [
        (1, 503, "fail_first"),
        (2, 503, "fail_first"),
        (3, 200, None),
    ]
    log = (await api.call("GET", f"/deliveries/{number}"))["attempt_log"]
    assert [a["status"] for a in log] == [503, 503, 200]


@pytest.mark.asyncio
async def test_signatures_are_verified_with_the_sinks_secret(api: Api) -> None:
    await api.call("PUT", "/sinks/a", {"secret": "right"}, expect=201)
    await api.target("a", secret="wrong", retry="none", deactivate_after=0)
    await api.call("POST", "/events", {"event_type": "Guest.Created"}, expect=201)
    await api.sink("a").wait_for(1)
    received = await api.call("GET", "/sink/a/received")
    (item,) = received["items"]
    assert (item["status"], item["signature_ok"], item["reason"]) == (401, False, "signature")
    assert received["counts"]["bad_signatures"] == 1
    await api.call("PATCH", "/targets/a", {"secret": "right"})
    await api.call("POST", "/events", {"event_type": "Guest.Created"}, expect=201)
    await api.sink("a").wait_for(2)
    assert api.sink("a").last is not None and api.sink("a").last.signature_ok is True


@pytest.mark.asyncio
async def test_status_latency_and_retry_after(api: Api) -> None:
    await api.call("PUT", "/sinks/slow", {"latency": 0.15, "status": 202}, expect=201)
    start = time.monotonic()
    answer = await api.request("POST", "/sink/slow", json_body={"event_id": "e"})
    assert answer.status == 202 and time.monotonic() - start >= 0.15
    await api.call(
        "PUT",
        "/sinks/busy",
        {"fail_probability": 1, "fail_status": 429, "retry_after": 7},
        expect=201,
    )
    answer = await api.request("POST", "/sink/busy", json_body={"event_id": "e"})
    assert answer.status == 429 and answer.headers["Retry-After"] == "7"
    await api.call("PUT", "/sinks/gone", {"status": 204}, expect=201)
    answer = await api.request("PUT", "/sink/gone", json_body={"event_id": "e"})
    assert answer.status == 204


@pytest.mark.asyncio
async def test_fail_share_fails_the_first_attempt_of_some_events_only(api: Api) -> None:
    body = {"fail_first": 1, "fail_share": 0.5, "fail_status": 503, "seed": 3}
    sink = await api.call("PUT", "/sinks/half", body, expect=201)
    assert sink["settings"]["fail_share"] == 0.5
    firsts = [
        (await api.request("POST", "/sink/half", json_body={"event_id": f"e{i}"})).status
        for i in range(40)
    ]
    assert set(firsts) == {200, 503}
    for i in range(40):
        answer = await api.request("POST", "/sink/half", json_body={"event_id": f"e{i}"})
        assert answer.status == 200


@pytest.mark.asyncio
async def test_put_replaces_settings_reset_forgets_delete_removes(api: Api) -> None:
    await api.call("PUT", "/sinks/a", {"fail_first": 1, "keep": 2}, expect=201)
    for i in range(3):
        await api.request("POST", "/sink/a", json_body={"event_id": f"e{i}"})
    sink = await api.call("GET", "/sinks/a")
    assert sink["counts"]["calls"] == 2 and sink["counts"]["forgotten"] == 1
    replaced = await api.call("PUT", "/sinks/a", {"status": 201})
    assert replaced["settings"]["fail_first"] == 0 and replaced["settings"]["keep"] == 10_000
    reset = await api.call("POST", "/sinks/a/reset")
    assert reset["counts"]["calls"] == 0 and reset["settings"]["status"] == 201
    answer = await api.request("DELETE", "/sinks/a")
    assert answer.status == 204
    await api.error("GET", "/sinks/a", expect=404)
    await api.error("DELETE", "/sinks/a", expect=404)
    await api.error("POST", "/sinks/a/reset", expect=404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": 99}, "status"),
        ({"status": "ok"}, "status"),
        ({"fail_probability": 2}, "fail_probability"),
        ({"fail_share": 1.01}, "fail_share"),
        ({"fail_by": "guest"}, "fail_by"),
        ({"signing": "pgp"}, "signing"),
        ({"signing": "standard", "secret": "not-base64!"}, "secret"),
        ({"retry_after": "soon\r\nX-Evil: 1"}, "retry_after"),
        ({"retry_after": -3}, "retry_after"),
        ({"latency": -1}, "latency"),
        ({"keep": 0}, "keep"),
        ({"delay": 1}, "delay"),
    ],
)
@pytest.mark.asyncio
async def test_bad_sink_settings_name_the_field(
    api: Api, body: dict[str, object], field: str
) -> None:
    error = await api.error("PUT", "/sinks/a", body, expect=422)
    assert error["field"] == field, error
    assert (await api.call("GET", "/sinks"))["items"] == []


@pytest.mark.asyncio
async def test_a_failing_sink_eventually_deactivates_its_target(api: Api) -> None:
    await api.call("PUT", "/sinks/a", {"fail_probability": 1}, expect=201)
    await api.target("a", retry="none", deactivate_after=2)
    for _ in range(3):
        await api.call(
            "POST", "/events", {"event_type": "Guest.Created", "targets": ["a"]}, expect=201
        )

    async def deactivated() -> bool:
        return (await api.call("GET", "/targets/a"))["active"] is False

    await eventually(deactivated)


@pytest.mark.asyncio
async def test_received_has_one_shape_standalone_and_in_the_server(api: Api) -> None:
    import aiohttp

    from mockzenoti.sink import Sink

    body = b'{"id": "d1", "event_id": "e1", "event_type": "Guest.Created", "data": {}}'
    await api.request("POST", "/sink/one", data=body)
    async with Sink() as alone, aiohttp.ClientSession() as session:
        async with session.post(alone.url + "hook", data=body) as resp:
            assert resp.status == 200
        async with session.get(alone.url + "received?payloads=true&since=0") as resp:
            standalone = await resp.json()
    served = await api.call("GET", "/sink/one/received?payloads=true&since=0")
    assert (
        set(standalone)
        == set(served)
        == {"name", "counts", "items", "total", "limit", "offset", "next_offset"}
    )
    assert set(standalone["counts"]) == set(served["counts"])
    assert set(standalone["items"][0]) == set(served["items"][0])
    assert standalone["items"][0]["payload"] == served["items"][0]["payload"]
    assert (standalone["name"], served["name"]) == (None, "one")


@pytest.mark.asyncio
async def test_received_indexes_stay_absolute_after_old_requests_are_forgotten(api: Api) -> None:
    await api.call("PUT", "/sinks/small", {"keep": 2}, expect=201)
    for n in range(5):
        await api.request("POST", "/sink/small", data=f'{{"id": "d{n}", "event_id": "e{n}"}}')
    page = await api.call("GET", "/sink/small/received")
    assert [i["index"] for i in page["items"]] == [3, 4]
    assert page["counts"]["forgotten"] == 3 and page["next_offset"] is None
    tail = await api.call("GET", "/sink/small/received?since=4")
    assert [i["id"] for i in tail["items"]] == ["d4"]
