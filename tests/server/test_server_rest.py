"""``/v1``: Zenoti's REST API over each run's world, through the control server.

A consumer receives webhooks and calls back into ``/v1`` for what they name;
the answers must agree with what was delivered and never show the world's
future. Writes fire webhooks to the run's targets and change what reads and
the run's expected state say.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from server_support import Api, eventually, running, settings

from mockzenoti.delivery import FakeClock
from mockzenoti.rest.errors import DENIED
from mockzenoti.scenarios import load_scenario

LIFECYCLE = {"scenario": "appointment-lifecycle", "seed": 7}


def apikey(run: dict[str, Any]) -> dict[str, str]:
    """The header that authenticates as ``run``."""
    return {"Authorization": f"apikey {run['api_key']}"}


async def v1(api: Api, run: dict[str, Any], method: str, path: str, body: Any = None) -> Any:
    """A ``/v1`` call as ``run`` that must succeed; its JSON."""
    answer = await api.request(method, path, json_body=body, headers=apikey(run))
    assert answer.status == 200, (method, path, answer.status, answer.body[:400])
    return answer.json


async def finished_run(api: Api, **body: Any) -> dict[str, Any]:
    """A run of ``body`` (appointment-lifecycle, seed 7 by default) delivered to sink ``t1``."""
    if (await api.request("GET", "/targets/t1")).status == 404:
        await api.target("t1")
    run = await api.call("POST", "/runs", {**LIFECYCLE, "targets": ["t1"], **body}, expect=201)
    return await api.wait_run(run["id"])


def received(api: Api, event_type: str, sink: str = "t1") -> list[dict[str, Any]]:
    """The ``data`` of the webhooks of ``event_type`` the sink accepted, in arrival order."""
    return [
        c.json["data"]
        for c in api.sink(sink).calls
        if c.json is not None and c.json["event_type"] == event_type and c.status == 200
    ]


# -- keys and authentication ----------------------------------------------------------------


@pytest.mark.asyncio
async def test_each_run_has_a_key_and_v1_answers_with_that_runs_world(api: Api) -> None:
    first = await finished_run(api, seed=1, events=5)
    second = await finished_run(api, seed=2, events=5)

    assert first["api_key"] != second["api_key"] and len(first["api_key"]) == 32
    assert first["rest_rate_limit"] is None
    shown = await api.call("GET", f"/runs/{first['id']}")
    assert shown["api_key"] == first["api_key"]
    centers = [(await v1(api, run, "GET", "/v1/centers"))["centers"] for run in (first, second)]
    world = load_scenario("appointment-lifecycle").world(1)
    assert [c["id"] for c in centers[0]] == [c.id for c in world.centers]
    assert {c["id"] for c in centers[0]}.isdisjoint(c["id"] for c in centers[1])


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "header", [None, "apikey wrong-key", "Basic abc", "bearer no-such-token", "apikey"]
)
async def test_without_a_key_or_with_a_wrong_one_401_with_zenotis_message(
    api: Api, header: str | None
) -> None:
    await finished_run(api, events=3)
    answer = await api.request(
        "GET", "/v1/centers", headers={"Authorization": header} if header else {}
    )
    assert answer.status == 401
    assert answer.json == {"Message": "Authorization has been denied for this request."}
    assert answer.json["Message"] == DENIED


@pytest.mark.asyncio
async def test_a_bearer_token_from_v1_tokens_stands_for_the_runs_key(api: Api) -> None:
    run = await finished_run(api, events=3)
    body = {
        "account_name": "acme",
        "user_name": "api",
        "password": "x",
        "grant_type": "password",
        "app_id": "app",
        "app_secret": run["api_key"],
        "device_id": "test",
    }
    answer = await api.request("POST", "/v1/tokens", json_body=body)
    assert answer.status == 200 and answer.json["error"] is None
    credentials = answer.json["credentials"]
    assert set(credentials) == {"access_token", "access_token_expiry", "refresh_token"}
    token = {"Authorization": f"bearer {credentials['access_token']}"}
    assert (await api.request("GET", "/v1/centers", headers=token)).status == 200

    wrong = await api.request("POST", "/v1/tokens", json_body={**body, "app_secret": "nope"})
    assert wrong.status == 401 and wrong.json == {"Message": DENIED}
    for field in ("user_name", "grant_type"):
        broken = dict(body)
        del broken[field]
        missing = await api.request("POST", "/v1/tokens", json_body=broken)
        assert missing.status == 400 and missing.json["error"]["field"] == field
    refresh = await api.request("POST", "/v1/tokens", json_body={**body, "grant_type": "refresh"})
    assert refresh.status == 400 and refresh.json["error"]["field"] == "grant_type"


@pytest.mark.asyncio
async def test_the_control_token_is_not_asked_of_v1_which_has_its_keys() -> None:
    async with running(settings(token="control-secret")) as api:
        run = await finished_run(api, events=3)
        answer = await api.request("GET", "/v1/centers", headers=apikey(run))
        assert answer.status == 200
        api.token = None
        assert (await api.request("GET", f"/runs/{run['id']}")).status == 401


# -- paging and bad input -------------------------------------------------------------------


@pytest.mark.asyncio
async def test_paging_with_page_info_and_zenotis_422_past_100(api: Api) -> None:
    run = await finished_run(api, events=3)
    center = (await v1(api, run, "GET", "/v1/centers"))["centers"][0]["id"]

    page = await v1(api, run, "GET", f"/v1/centers/{center}/services?page=2&size=3")
    assert len(page["services"]) == 3 and page["page_info"]["page"] == 2
    assert page["page_info"]["size"] == 3 and page["page_info"]["total"] > 6
    answer = await api.request(
        "GET", f"/v1/centers/{center}/services?size=101", headers=apikey(run)
    )
    assert answer.status == 422
    assert answer.json["code"] == 422
    assert answer.json["message"] == "You cannot request more than 100 items."
    assert answer.json["error"]["field"] == "size"


@pytest.mark.asyncio
async def test_bad_input_is_a_4xx_naming_the_field_never_a_500(api: Api) -> None:
    run = await finished_run(api, events=10)
    center = (await v1(api, run, "GET", "/v1/centers"))["centers"][0]["id"]
    cases: list[tuple[str, str, Any, int, str | None]] = [
        ("GET", "/v1/centers/nope", None, 404, "center_id"),
        ("GET", "/v1/guests/nope", None, 404, "guest_id"),
        ("GET", "/v1/appointments/nope", None, 404, "appointment_id"),
        ("GET", "/v1/invoices/nope", None, 404, "invoice_id"),
        ("GET", "/v1/bookings/nope/slots", None, 404, "booking_id"),
        ("GET", "/v1/centers?page=0", None, 400, "page"),
        ("GET", "/v1/centers?size=ten", None, 400, "size"),
        ("GET", "/v1/appointments", None, 400, "center_id"),
        (
            "GET",
            f"/v1/appointments?center_id={center}&start_date=x&end_date=y",
            None,
            400,
            "start_date",
        ),
        ("POST", "/v1/bookings", b"{not json", 400, "body"),
        ("POST", "/v1/bookings", [], 400, "body"),
        ("POST", "/v1/bookings", {"center_id": 5}, 400, "center_id"),
        ("POST", "/v1/bookings", {"center_id": center, "date": "2025-01-01"}, 400, "guests"),
        (
            "POST",
            "/v1/bookings",
            {
                "center_id": center,
                "date": "2025-01-01",
                "guests": [{"id": "g", "items": [{"item": "x"}]}],
            },
            400,
            "guests[0].items[0].item",
        ),
        ("POST", "/v1/bookings/nope/slots/reserve", {"slot_time": 3}, 400, "slot_time"),
        ("PUT", "/v1/appointments/nope/no_show", {"comments": 1}, 400, "comments"),
        ("PUT", "/v1/invoices/nope/cancel", None, 404, "invoice_id"),
        ("POST", "/v1/invoices/nope/close", None, 404, "invoice_id"),
        ("DELETE", "/v1/centers", None, 405, None),
        ("GET", "/v1/no/such/route", None, 404, None),
    ]
    for method, path, body, status, field in cases:
        raw = body if isinstance(body, bytes) else None
        answer = await api.request(
            method,
            path,
            json_body=None if raw is not None else body,
            data=raw,
            headers=apikey(run),
        )
        assert answer.status == status, (method, path, answer.status, answer.json)
        assert answer.headers["Content-Type"].startswith("application/json")
        assert answer.json["code"] == status and answer.json["error"]["field"] == field
        assert answer.json["message"] and b"Traceback" not in answer.body


# -- agreement: what /v1 says of what the webhooks named ------------------------------------


class Consumer:
    """A consumer that calls back into /v1 for every appointment webhook and compares."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.headers: dict[str, str] = {}
        self.checked: dict[str, int] = {}
        self.problems: list[str] = []
        self.session: aiohttp.ClientSession | None = None

    async def get(self, path: str) -> Any:
        assert self.session is not None
        async with self.session.get(self.base + path, headers=self.headers) as answer:
            body = await answer.json()
            if answer.status != 200:
                self.problems.append(f"GET {path}: {answer.status} {body}")
            return body

    def same(self, what: str, shown: Any, sent: Any) -> None:
        self.checked[what] = self.checked.get(what, 0) + 1
        if shown != sent:
            self.problems.append(f"{what}: /v1 says {shown!r}, the webhook said {sent!r}")

    async def webhook(self, request: web.Request) -> web.Response:
        event = await request.json()
        kind, data = event["event_type"], event["data"]
        if kind == "AppointmentGroup.Created":
            for sent in data["appointments"]:
                [shown] = await self.get(f"/v1/appointments/{sent['id']}")
                self.same("group", shown["appointment_group_id"], data["appointment_group_id"])
                self.same("guest", shown["guest"]["id"], data["guest"]["id"])
                self.same("service", shown["service"]["id"], sent["service_id"])
                self.same("therapist", shown["therapist"]["id"], sent["therapist_id"])
                self.same("start", shown["start_time"], sent["start_time_in_center"])
                self.same("start_utc", shown["start_time_utc"], sent["start_time"])
            guest = await self.get(f"/v1/guests/{data['guest']['id']}")
            self.same(
                "guest_name", guest["personal_info"]["first_name"], data["guest"]["first_name"]
            )
            invoice = await self.get(f"/v1/invoices/{data['invoice_id']}")
            self.same(
                "invoice_group",
                invoice["invoice"]["appointment_group_id"],
                data["appointment_group_id"],
            )
        elif kind == "Invoice.Closed":
            sent = data["invoice"]
            shown = (await self.get(f"/v1/invoices/{sent['id']}"))["invoice"]
            self.same("closed", shown["is_closed"], True)
            self.same("totals", shown["total_price"], sent["total_price"])
        elif kind == "AppointmentGroup.Status" and data["appointment_group_status"] in (-1, -2):
            shown = await self.get(f"/v1/appointments/{data['appointment_group_id']}")
            self.same("final_status", shown[0]["status"], data["appointment_group_status"])
        return web.json_response({"ok": True})


@pytest_asyncio.fixture
async def consumer(api: Api) -> AsyncIterator[tuple[Consumer, str]]:
    app = web.Application()
    found = Consumer(api.base)
    app.router.add_post("/hooks", found.webhook)
    async with aiohttp.ClientSession() as session, TestServer(app, host="127.0.0.1") as server:
        found.session = session
        yield found, str(server.make_url("/hooks"))


@pytest.mark.asyncio
async def test_a_consumer_calling_back_on_each_webhook_finds_what_it_was_told(
    api: Api, consumer: tuple[Consumer, str]
) -> None:
    found, url = consumer
    await api.call("POST", "/targets", {"id": "app", "url": url, "retry": "fast"}, expect=201)
    run = await api.call(
        "POST", "/runs", {**LIFECYCLE, "targets": ["app"], "events": 250}, expect=201
    )
    found.headers = apikey(run)
    done = await api.wait_run(run["id"], timeout=60)

    assert done["state"] == "done" and done["counts"]["delivered"] == 250
    assert found.problems == []
    assert {
        "group",
        "service",
        "therapist",
        "start_utc",
        "closed",
        "totals",
        "final_status",
    } <= set(found.checked)
    assert found.checked["group"] >= 20 and found.checked["totals"] >= 5


@pytest.mark.asyncio
async def test_v1_does_not_show_the_event_a_paced_run_holds_back(api: Api) -> None:
    await api.target("t1")
    run = await api.call(
        "POST", "/runs", {**LIFECYCLE, "targets": ["t1"], "pace": "realtime"}, expect=201
    )
    stream = list(load_scenario("appointment-lifecycle").simulate(7, events=40))
    first = stream[0].timestamp[:19]
    due_now = sum(1 for e in stream if e.timestamp[:19] == first)

    async def accepted_the_first_instant() -> bool:
        shown = await api.call("GET", f"/runs/{run['id']}?expected=false")
        return bool(shown["accepted"] == due_now)

    await eventually(accepted_the_first_instant, 10, "the events of the first instant")
    held = stream[due_now]  # the pacer holds it until its time, minutes away
    assert held.name in ("Guest.Created", "AppointmentGroup.Created")
    data = held.payload["data"]
    path = (
        f"/v1/guests/{data['id']}"
        if held.name == "Guest.Created"
        else f"/v1/appointments/{data['appointment_group_id']}"
    )
    answer = await api.request("GET", path, headers=apikey(run))
    assert answer.status == 404, "the world has made it, but it was not accepted yet"

    await api.call("DELETE", f"/runs/{run['id']}", expect=202)
    stopped = await api.wait_run(run["id"])
    assert stopped["state"] == "stopped" and stopped["accepted"] == due_now
    assert (await api.request("GET", path, headers=apikey(run))).status == 404
    assert stopped["expected"]["events"] == due_now


# -- writes ---------------------------------------------------------------------------------


async def book(api: Api, run: dict[str, Any], day: str) -> dict[str, Any]:
    """The booking flow through /v1 for a guest and service the run's webhooks named."""
    data = received(api, "AppointmentGroup.Created")[0]
    sent = data["appointments"][0]
    body = {
        "center_id": data["center_id"],
        "date": day,
        "is_only_catalog_employees": False,
        "guests": [
            {
                "id": data["guest"]["id"],
                "items": [{"item": {"id": sent["service_id"]}, "therapist": {"id": ""}}],
            }
        ],
    }
    booking = await v1(api, run, "POST", "/v1/bookings", body)
    slots = (await v1(api, run, "GET", f"/v1/bookings/{booking['id']}/slots"))["slots"]
    assert slots and all(s["Available"] for s in slots)
    reserved = await v1(
        api,
        run,
        "POST",
        f"/v1/bookings/{booking['id']}/slots/reserve",
        {"slot_time": slots[2]["Time"]},
    )
    assert reserved["is_reserved"] is True
    confirmed = await v1(
        api, run, "POST", f"/v1/bookings/{booking['id']}/slots/confirm", {"notes": "api"}
    )
    assert confirmed["is_confirmed"] is True and confirmed["Error"] is None
    invoice: dict[str, Any] = confirmed["invoice"]
    return invoice


def _day_after(run_end: str, days: int = 1) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(run_end[:10]) + timedelta(days=days)).isoformat()


@pytest.mark.asyncio
async def test_the_booking_flow_fires_appointment_group_created_to_the_runs_target(
    api: Api,
) -> None:
    run = await finished_run(api, events=60)
    end = run["expected"]["last_event_timestamp"]

    invoice = await book(api, run, _day_after(end, 3))

    async def arrived() -> bool:
        return any(
            d["appointment_group_id"] == invoice["appointment_group_id"]
            for d in received(api, "AppointmentGroup.Created")
        )

    await eventually(arrived, 10, "AppointmentGroup.Created of the booking at the sink")
    [sent] = [
        d
        for d in received(api, "AppointmentGroup.Created")
        if d["appointment_group_id"] == invoice["appointment_group_id"]
    ]
    assert sent["invoice_id"] == invoice["invoice_id"]
    [shown] = await v1(api, run, "GET", f"/v1/appointments/{sent['appointments'][0]['id']}")
    assert shown["start_time"] == sent["appointments"][0]["start_time_in_center"]
    expected = await api.call("GET", f"/runs/{run['id']}/expected")
    assert expected["appointment_groups"][invoice["appointment_group_id"]]["state"] == "new"
    assert expected["events"] == 61
    listed = await api.call(
        "GET", f"/deliveries?run={run['id']}&event_type=AppointmentGroup.Created&order=desc&limit=1"
    )
    assert listed["items"][0]["event_id"] == next(
        c.event_id
        for c in api.sink("t1").calls
        if c.json["data"].get("appointment_group_id") == invoice["appointment_group_id"]
    )

    async def counted() -> bool:
        after = await api.call("GET", f"/runs/{run['id']}?expected=false")
        return bool(after["accepted"] == 60 and after["counts"]["delivered"] == 61)

    await eventually(counted, 10, "the write's delivery among the run's, not its stream's")


@pytest.mark.asyncio
async def test_no_show_cancel_and_close_fire_their_webhooks_as_the_worlds_clock_goes_on() -> None:
    clock = FakeClock()
    async with running(settings(), clock=clock) as api:
        run = await finished_run(api, events=60)
        end = run["expected"]["last_event_timestamp"]
        first = await book(api, run, _day_after(end))
        second = await book(api, run, _day_after(end))
        third = await book(api, run, _day_after(end))
        group = first["appointment_group_id"]

        early = await api.request("PUT", f"/v1/appointments/{group}/no_show", headers=apikey(run))
        assert early.status == 409 and "before it starts" in early.json["message"]
        closing = await api.request(
            "POST", f"/v1/invoices/{third['invoice_id']}/close", headers=apikey(run)
        )
        assert closing.status == 409 and closing.json["code"] == 1113

        clock.advance(3 * 86_400)  # the world's clock follows the server's after the stream
        marked = await v1(api, run, "PUT", f"/v1/appointments/{group}/no_show", {"comments": "x"})
        assert (marked["status"], marked["appointment_group_id"]) == (-2, group)
        cancelled = await v1(api, run, "PUT", f"/v1/invoices/{second['invoice_id']}/cancel")
        assert cancelled["status"] == -1
        closed = await v1(api, run, "POST", f"/v1/invoices/{third['invoice_id']}/close")
        assert closed == {"is_invoice_closed": True, "error": None}

        written = {group, second["appointment_group_id"], third["appointment_group_id"]}

        async def all_arrived() -> bool:
            told = {d["appointment_group_id"] for d in received(api, "AppointmentGroup.Status")}
            return written <= told

        await eventually(all_arrived, 10, "the writes' webhooks at the sink")
        statuses = {
            d["appointment_group_id"]: d["appointment_group_status"]
            for d in received(api, "AppointmentGroup.Status")
        }
        assert statuses[group] == -2
        assert statuses[second["appointment_group_id"]] == -1
        assert statuses[third["appointment_group_id"]] == 1
        [paid] = [
            d["invoice"]
            for d in received(api, "Invoice.Closed")
            if d["invoice"]["id"] == third["invoice_id"]
        ]
        shown = (await v1(api, run, "GET", f"/v1/invoices/{third['invoice_id']}"))["invoice"]
        assert shown["is_closed"] and shown["total_price"] == paid["total_price"]
        expected = await api.call("GET", f"/runs/{run['id']}/expected")
        states = {
            g: expected["appointment_groups"][g]["state"]
            for g in (group, second["appointment_group_id"], third["appointment_group_id"])
        }
        assert states == {
            group: "noshow",
            second["appointment_group_id"]: "cancelled",
            third["appointment_group_id"]: "closed",
        }
        assert (
            expected["invoices"][third["invoice_id"]]["total"] == paid["total_price"]["sum_total"]
        )


@pytest.mark.asyncio
async def test_a_write_while_the_stream_goes_on_is_sent_at_once(api: Api) -> None:
    await api.target("t1")
    run = await api.call(
        "POST", "/runs", {**LIFECYCLE, "targets": ["t1"], "pace": "realtime"}, expect=201
    )

    async def one_booking_arrived() -> bool:
        return bool(received(api, "AppointmentGroup.Created"))

    await eventually(one_booking_arrived, 10, "the first booking at the sink")
    day = received(api, "AppointmentGroup.Created")[0]["appointments"][0]["start_time_in_center"]
    invoice = await book(api, run, _day_after(day, 2))

    async def arrived() -> bool:
        return len(received(api, "AppointmentGroup.Created")) == 2

    await eventually(arrived, 10, "the booking's AppointmentGroup.Created")  # not paced
    running_now = await api.call("GET", f"/runs/{run['id']}?expected=false")
    assert running_now["state"] == "running"
    await api.call("DELETE", f"/runs/{run['id']}", expect=202)
    stopped = await api.wait_run(run["id"])
    assert invoice["appointment_group_id"] in stopped["expected"]["appointment_groups"]
    assert stopped["expected"]["events"] == stopped["accepted"] + 1


# -- the rate limit, and the run's own key ----------------------------------------------------


@pytest.mark.asyncio
async def test_the_rate_limit_when_asked_429_with_retry_after_and_zenotis_headers() -> None:
    clock = FakeClock()
    async with running(settings(rest_rate_limit=3), clock=clock) as api:
        limited = await finished_run(api, events=3)
        free = await finished_run(api, events=3, rest_rate_limit=False)
        assert (limited["rest_rate_limit"], free["rest_rate_limit"]) == (3, None)
        whole = await finished_run(api, events=3, rest_rate_limit=5.0)  # a JSON integer
        assert whole["rest_rate_limit"] == 5

        answers = [
            await api.request("GET", "/v1/centers", headers=apikey(limited)) for _ in range(4)
        ]
        assert [a.status for a in answers] == [200, 200, 200, 429]
        assert answers[0].headers["Organization-RateLimit-Limit"] == "3;w=60;b=3"
        assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
        assert answers[3].headers["Retry-After"] == answers[3].headers["RateLimit-Reset"] == "60"
        assert answers[3].json["code"] == 429 and "3 calls a minute" in answers[3].json["message"]
        other = await api.request("GET", "/v1/centers", headers=apikey(free))
        assert other.status == 200 and "RateLimit-Remaining" not in other.headers

        clock.advance(60)
        again = await api.request("GET", "/v1/centers", headers=apikey(limited))
        assert again.status == 200 and again.headers["RateLimit-Remaining"] == "2"


@pytest.mark.asyncio
async def test_a_run_may_name_its_key_once(api: Api) -> None:
    run = await finished_run(api, events=3, api_key="my-test-key-1", rest_rate_limit=True)
    assert (run["api_key"], run["rest_rate_limit"]) == ("my-test-key-1", 60)
    assert (await api.request("GET", "/v1/centers", headers=apikey(run))).status == 200
    again = await api.request(
        "POST", "/runs", json_body={**LIFECYCLE, "events": 3, "api_key": "my-test-key-1"}
    )
    assert again.status == 409 and again.json["error"]["field"] == "api_key"
    bad = await api.request("POST", "/runs", json_body={**LIFECYCLE, "api_key": "short"})
    assert bad.status == 422 and bad.json["error"]["field"] == "api_key"
    rate = await api.request("POST", "/runs", json_body={**LIFECYCLE, "rest_rate_limit": 0})
    assert rate.status == 422 and rate.json["error"]["field"] == "rest_rate_limit"


@pytest.mark.asyncio
async def test_a_restarted_server_answers_a_finished_runs_key_from_its_rebuilt_world(
    tmp_path: Any,
) -> None:
    outbox = str(tmp_path / "outbox.sqlite")
    async with running(settings(outbox=outbox)) as api:
        run = await finished_run(api, events=40)
        created = received(api, "AppointmentGroup.Created")[-1]
    async with running(settings(outbox=outbox)) as api:
        [shown] = await v1(api, run, "GET", f"/v1/appointments/{created['appointments'][0]['id']}")
        assert shown["appointment_group_id"] == created["appointment_group_id"]
        assert (await api.call("GET", f"/runs/{run['id']}"))["api_key"] == run["api_key"]


@pytest.mark.asyncio
async def test_a_class_registration_fires_class_booking_created(api: Api) -> None:
    run = await finished_run(api, scenario="class-lifecycle", events=30)
    session_id = received(api, "Class.Schedule.Created")[0]["sesion_id"]
    guest_id = received(api, "Guest.Created")[0]["id"]

    answer = await api.request(
        "POST",
        "/api/Appointments/Admin/Sessions",
        json_body={
            "SessionId": session_id,
            "GuestId": guest_id,
            "BookingSrc": 0,
            "Payment": {"PaymentType": 0},
        },
        headers=apikey(run),
    )
    assert answer.status == 200, answer.json
    assert answer.json["RegistrationStatusId"] in (1, 2) and answer.json["Error"] is None
    registration = answer.json["RegistrationId"]

    async def arrived() -> bool:
        return any(
            d["registration_id"] == registration for d in received(api, "Class.Booking.Created")
        )

    await eventually(arrived, 10, "the registration's Class.Booking.Created")
    bad = await api.request(
        "POST",
        "/api/Appointments/Admin/Sessions",
        json_body={"SessionId": "x"},
        headers=apikey(run),
    )
    assert bad.status == 400 and bad.json["error"]["field"] == "SessionId"
    unknown = await api.request(
        "POST",
        "/api/Appointments/Admin/Sessions",
        json_body={"SessionId": 1, "GuestId": guest_id},
        headers=apikey(run),
    )
    assert unknown.status == 404 and unknown.json["error"]["field"] == "SessionId"
