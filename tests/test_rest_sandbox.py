"""The REST sandbox without a server: what ``/v1`` shows is what the accepted events said.

The world runs ahead of delivery; these tests hand events out of a
simulation and publish (accept) them by hand, to pin down that the view
shows exactly the published events, in Zenoti's REST shapes, and that
writes go through the world's rules and into the truth.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from mockzenoti.event import Event
from mockzenoti.rest import RestError, Sandbox, reads
from mockzenoti.rest.access import RateLimiter, Tokens, parse_authorization
from mockzenoti.rest.reads import Page
from mockzenoti.rest.view import RestView
from mockzenoti.scenarios import Simulation, load_scenario
from mockzenoti.timefmt import parse_dotnet_utc
from mockzenoti.validation import validate

RESCHEDULE = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios" / "reschedule.yaml"


class Clock:
    """Wall seconds that move only when told."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _sandbox(scenario: str | Path = RESCHEDULE, **kwargs: Any) -> tuple[Simulation, Sandbox]:
    sim = load_scenario(scenario).simulate(1, **kwargs)
    return sim, Sandbox.for_simulation(sim, clock=Clock())


def _play(sim: Simulation, sandbox: Sandbox, until: int | None = None) -> list[Event]:
    """Hand out and publish events (all, or the first ``until``)."""
    out = []
    for event in sim:
        sandbox.publish([event])
        out.append(event)
        if until is not None and len(out) == until:
            break
    return out


def _status(sandbox: Sandbox, group_id: str) -> int:
    status: int = reads.appointment(sandbox.view, group_id)[0]["status"]
    return status


# -- publishing: the view follows the accepted events, never the world's future -----------


def test_an_event_handed_out_but_not_accepted_is_not_shown() -> None:
    sim, sandbox = _sandbox()
    guest_created, group_created = next(sim), next(sim)
    sandbox.publish([guest_created])
    group_id = group_created.payload["data"]["appointment_group_id"]
    guest_id = guest_created.payload["data"]["id"]

    assert reads.guest(sandbox.view, guest_id)["id"] == guest_id
    with pytest.raises(RestError) as refused:
        reads.appointment(sandbox.view, group_id)
    assert refused.value.status == 404 and refused.value.field == "appointment_id"

    sandbox.publish([group_created])
    assert reads.appointment(sandbox.view, group_id)[0]["appointment_group_id"] == group_id


def test_each_entity_is_shown_as_its_last_accepted_event_left_it() -> None:
    sim, sandbox = _sandbox()
    events = list(sim)  # the world is at its end: the group is closed in the world
    moved = events[2].payload["data"]["appointment_group_id"]
    live = sandbox.group(moved) if sandbox.view.group(moved) else None
    assert live is None  # nothing published yet: /v1 knows no group
    confirm_at = next(
        i
        for i, e in enumerate(events)
        if e.name == "AppointmentGroup.Status"
        and e.payload["data"]["appointment_group_status"] == 4
    )
    sandbox.publish(events[: confirm_at + 1])

    assert sandbox.group(moved).status == 1  # the world's own group has gone on
    assert _status(sandbox, moved) == 4  # /v1: as the confirmation left it
    invoice_id = events[2].payload["data"]["invoice_id"]
    assert reads.invoice(sandbox.view, invoice_id)["invoice"]["is_closed"] is False


def test_an_older_snapshot_never_replaces_a_newer_one() -> None:
    sim, sandbox = _sandbox()
    events = list(sim)
    moved = events[2].payload["data"]["appointment_group_id"]
    statuses = [e for e in events if e.name == "AppointmentGroup.Status"]
    confirm, check_in = statuses[1], statuses[2]
    sandbox.publish(events[:3])
    sandbox.publish([check_in])  # accepted first (a write's events skip the queue)
    sandbox.publish([confirm])  # emitted earlier, accepted later: older

    assert _status(sandbox, moved) == 2


def test_the_truth_follows_the_published_events() -> None:
    sim, sandbox = _sandbox()
    events = [next(sim) for _ in range(4)]
    sandbox.publish(events[:2])

    expected = sandbox.expected()
    assert expected is not None
    assert expected["events"] == 2 and expected["counts"]["appointment_groups"] == 1
    sandbox.publish(events[2:])
    assert sandbox.expected()["counts"]["appointment_groups"] == 2  # type: ignore[index]


# -- Zenoti's shapes, and agreement with the webhooks ---------------------------------------


def test_rest_times_are_local_then_utc_the_opposite_of_the_webhooks() -> None:
    sim, sandbox = _sandbox()
    events = _play(sim, sandbox)
    created = events[1].payload["data"]["appointments"][0]

    item = reads.appointment(sandbox.view, created["id"])[0]
    assert item["start_time"] == created["start_time_in_center"] == "2025-05-06T15:00:00"
    assert item["start_time_utc"] == created["start_time"] == "2025-05-06T22:00:00"
    assert item["end_time"] == created["end_time_in_center"]
    assert item["service"]["id"] == created["service_id"]
    assert item["therapist"]["id"] == created["therapist_id"]


def test_a_closed_invoice_is_the_invoice_of_invoice_closed() -> None:
    sim, sandbox = _sandbox()
    events = _play(sim, sandbox)
    closed = next(e for e in events if e.name == "Invoice.Closed").payload["data"]["invoice"]

    answer = reads.invoice(sandbox.view, closed["id"])
    assert answer["error"] is None
    shown = answer["invoice"]
    assert {k: shown[k] for k in closed} == closed
    assert shown["is_closed"] is True
    center = next(c for c in sim.world.centers if c.id == closed["center_id"])
    assert shown["invoice_number_prefix"] == center.invoice_prefix
    assert shown["group_invoice_id"] is None


def test_a_guest_is_the_guest_webhook_record_without_what_only_webhooks_carry() -> None:
    sim, sandbox = _sandbox()
    events = _play(sim, sandbox)
    record = events[0].payload["data"]

    guest = reads.guest(sandbox.view, record["id"])
    for key in ("_id", "center_name"):
        assert key in record and key not in guest
    assert "dob_incomplete_year" not in guest["personal_info"]
    assert guest["personal_info"] == {
        k: v for k, v in record["personal_info"].items() if k != "dob_incomplete_year"
    }
    assert (guest["tags"], guest["primary_employee"]) == ([], None)


def test_ids_are_found_whatever_their_case() -> None:
    sim, sandbox = _sandbox()
    events = _play(sim, sandbox)
    data = events[1].payload["data"]

    upper = reads.appointment(sandbox.view, data["appointments"][0]["id"].upper())
    assert upper[0]["appointment_id"] == data["appointments"][0]["id"]  # written lowercase
    assert reads.guest(sandbox.view, data["guest"]["id"].upper())["id"] == data["guest"]["id"]
    assert reads.center(sandbox.view, data["center_id"].upper())["id"] == data["center_id"]


def test_a_group_id_gives_every_appointment_of_the_group() -> None:
    sim, sandbox = _sandbox("appointment-lifecycle")
    events = _play(sim, sandbox)
    multi = next(
        e.payload["data"]
        for e in events
        if e.name == "AppointmentGroup.Created" and len(e.payload["data"]["appointments"]) > 1
    )
    items = reads.appointment(sandbox.view, multi["appointment_group_id"])
    assert [i["appointment_id"] for i in items] == [a["id"] for a in multi["appointments"]]
    assert items[1]["service"]["parent_appointment_id"] in (None, items[0]["appointment_id"])


def test_appointments_of_a_day_are_a_bare_array_by_start() -> None:
    sim, sandbox = _sandbox("appointment-lifecycle")
    events = _play(sim, sandbox)
    data = next(e for e in events if e.name == "AppointmentGroup.Created").payload["data"]
    day = data["appointments"][0]["start_time_in_center"][:10]

    shown = reads.appointments(sandbox.view, data["center_id"], day, day)
    assert isinstance(shown, list) and shown
    assert all(i["start_time"].startswith(day) for i in shown)
    assert [i["start_time_utc"] for i in shown] == sorted(i["start_time_utc"] for i in shown)
    assert all(i["status"] not in (-1, -2) for i in shown)
    everything = reads.appointments(
        sandbox.view, data["center_id"], day, day, include_no_show_cancel=True
    )
    assert len(everything) >= len(shown)
    with pytest.raises(RestError) as refused:
        reads.appointments(sandbox.view, data["center_id"], "2025-13-01", day)
    assert (refused.value.status, refused.value.field) == (400, "start_date")


def test_paging_and_zenotis_422_over_100() -> None:
    sim, sandbox = _sandbox("appointment-lifecycle")
    _play(sim, sandbox)
    center_id = next(iter(sandbox.view.centers.values())).id

    first = reads.services(sandbox.view, center_id, Page.read("1", "2"))
    assert len(first["services"]) == 2 and first["page_info"]["size"] == 2
    total = first["page_info"]["total"]
    last = reads.services(sandbox.view, center_id, Page.read(str(total), "1"))
    assert len(last["services"]) == 1
    assert reads.services(sandbox.view, center_id, Page.read(str(total + 1), "1"))["services"] == []
    assert Page.read(None, None) == Page(1, 10)

    with pytest.raises(RestError) as too_many:
        Page.read("1", "101")
    assert too_many.value.status == 422
    assert too_many.value.message == "You cannot request more than 100 items."
    for page, size, field in (("0", "10", "page"), ("x", "10", "page"), ("1", "-1", "size")):
        with pytest.raises(RestError) as bad:
            Page.read(page, size)
        assert (bad.value.status, bad.value.field) == (400, field)


def test_guest_search_matches_names_from_their_start() -> None:
    sim, sandbox = _sandbox()
    events = _play(sim, sandbox)
    center_id = events[0].payload["data"]["center_id"]

    found = reads.search_guests(sandbox.view, None, {"first_name": "an"}, Page())
    assert [g["personal_info"]["last_name"] for g in found["guests"]] == ["Lindqvist"]
    by_mail = reads.search_guests(
        sandbox.view, center_id, {"email": "ANA.LINDQVIST@example.com"}, Page()
    )
    assert by_mail["page_info"]["total"] == 1
    assert reads.search_guests(sandbox.view, None, {"last_name": "zz"}, Page())["guests"] == []


# -- writes -----------------------------------------------------------------------------------


def _book(sandbox: Sandbox, data: dict[str, Any], day: str) -> tuple[str, list[Event]]:
    appointment = data["appointments"][0]
    booking = sandbox.create_booking(
        data["center_id"],
        day,
        data["guest"]["id"],
        [(appointment["service_id"], appointment["therapist_id"])],
    )
    slots = sandbox.slots(booking.id)
    sandbox.reserve(booking.id, slots[0])
    group, events = sandbox.confirm(booking.id)
    assert all(validate(e.payload) == [] for e in events)  # a documented shape
    sandbox.publish(events)
    return group.id, events


def test_the_booking_flow_makes_a_group_that_reads_and_the_truth_show() -> None:
    sim, sandbox = _sandbox()
    events = _play(sim, sandbox)
    sandbox.stream_ended()
    data = events[2].payload["data"]
    end_day = events[-1].timestamp[:10]

    group_id, fired = _book(sandbox, data, "2025-05-09")

    assert [e.name for e in fired] == ["AppointmentGroup.Created"]
    created = fired[0].payload["data"]
    assert created["appointment_group_id"] == group_id
    assert created["appointments"][0]["therapist_id"] == data["appointments"][0]["therapist_id"]
    opens = next(c for c in sim.world.centers if c.id == data["center_id"]).hours_on(
        4
    )  # 2025-05-09 is a Friday
    assert opens is not None
    first = f"2025-05-09T{opens[0] // 60:02d}:{opens[0] % 60:02d}:00"
    assert created["appointments"][0]["start_time_in_center"] == first
    assert (created["utm_source"], created["utm_medium"]) == ("", "")
    item = reads.appointment(sandbox.view, group_id)[0]
    assert (item["status"], item["invoice_id"]) == (0, created["invoice_id"])
    truth = sandbox.expected()
    assert truth is not None and truth["appointment_groups"][group_id]["state"] == "new"
    assert truth["events"] == len(events) + 1
    assert end_day < "2025-05-09"


def test_a_slot_in_the_worlds_past_is_not_offered() -> None:
    sim, sandbox = _sandbox()
    events = _play(sim, sandbox)
    data = events[2].payload["data"]
    booking = sandbox.create_booking(
        data["center_id"],
        "2025-05-07",
        data["guest"]["id"],
        [(data["appointments"][0]["service_id"], None)],
    )
    now = parse_dotnet_utc(events[-1].timestamp)
    slots = sandbox.slots(booking.id)
    assert slots and all(s > "2025-05-07T15:10" for s in slots)  # after 15:10 local (22:10 UTC)
    assert now > 0
    with pytest.raises(RestError) as taken:
        sandbox.reserve(booking.id, "2025-05-07T09:00:00")
    assert (taken.value.status, taken.value.field) == (409, "slot_time")


def test_a_no_show_waits_for_the_start_on_the_worlds_clock() -> None:
    sim, sandbox = _sandbox()
    events = _play(sim, sandbox)
    sandbox.stream_ended()
    group_id, _ = _book(sandbox, events[2].payload["data"], "2025-05-08")

    with pytest.raises(RestError) as early:
        sandbox.no_show(group_id)
    assert early.value.status == 409 and "before it starts" in early.value.message

    clock = sandbox.clock
    assert isinstance(clock, Clock)
    clock.now += 24 * 3600  # the world's clock follows, from where the stream stopped
    fired = sandbox.no_show(group_id)
    sandbox.publish(fired)
    assert [e.payload["data"]["appointment_group_status"] for e in fired] == [-2]
    assert _status(sandbox, group_id) == -2
    with pytest.raises(RestError) as again:
        sandbox.no_show(group_id)
    assert again.value.status == 409


def test_closing_an_invoice_checks_out_the_visit_once_it_has_begun() -> None:
    sim, sandbox = _sandbox()
    events = _play(sim, sandbox)
    sandbox.stream_ended()
    group_id, created = _book(sandbox, events[2].payload["data"], "2025-05-08")
    invoice_id = created[0].payload["data"]["invoice_id"]

    with pytest.raises(RestError) as future:
        sandbox.close_invoice(invoice_id)
    assert (future.value.status, future.value.error_code) == (409, 1113)

    sandbox.clock.now += 24 * 3600  # type: ignore[attr-defined]
    _, fired = sandbox.close_invoice(invoice_id)
    assert all(validate(e.payload) == [] for e in fired)
    sandbox.publish(fired)
    assert [e.name for e in fired] == ["Invoice.Closed", "AppointmentGroup.Status"]
    closed = fired[0].payload["data"]["invoice"]
    shown = reads.invoice(sandbox.view, invoice_id)["invoice"]
    assert shown["is_closed"] and shown["total_price"] == closed["total_price"]
    assert _status(sandbox, group_id) == 1
    truth = sandbox.expected()
    assert truth is not None and truth["invoices"][invoice_id]["state"] == "closed"


def test_cancelling_an_invoice_cancels_its_booking() -> None:
    sim, sandbox = _sandbox()
    events = _play(sim, sandbox)
    sandbox.stream_ended()
    group_id, created = _book(sandbox, events[2].payload["data"], "2025-05-08")

    _, fired = sandbox.cancel_invoice(created[0].payload["data"]["invoice_id"])
    sandbox.publish(fired)
    assert [e.payload["data"]["appointment_group_status"] for e in fired] == [-1]
    assert _status(sandbox, group_id) == -1
    with pytest.raises(RestError) as closed:
        sandbox.cancel_invoice(events[2].payload["data"]["invoice_id"])  # a paid visit
    assert closed.value.status == 409


def test_unknown_ids_in_a_booking_are_404s_naming_the_field() -> None:
    sim, sandbox = _sandbox()
    events = _play(sim, sandbox)
    data = events[2].payload["data"]
    service = data["appointments"][0]["service_id"]
    cases = [
        (("nope", "2025-05-08", data["guest"]["id"], [(service, None)]), "center_id"),
        ((data["center_id"], "2025-05-08", "nope", [(service, None)]), "guests[0].id"),
        (
            (data["center_id"], "2025-05-08", data["guest"]["id"], [("x", None)]),
            "guests[0].items[0].item.id",
        ),
        (
            (data["center_id"], "2025-05-08", data["guest"]["id"], [(service, "x")]),
            "guests[0].items[0].therapist.id",
        ),
    ]
    for args, field in cases:
        with pytest.raises(RestError) as refused:
            sandbox.create_booking(*args)
        assert (refused.value.status, refused.value.field) == (404, field)
    with pytest.raises(RestError) as day:
        sandbox.create_booking(
            data["center_id"], "08/05/2025", data["guest"]["id"], [(service, None)]
        )
    assert (day.value.status, day.value.field) == (400, "date")


def test_a_story_whose_group_a_write_cancelled_ends_quietly() -> None:
    sim, sandbox = _sandbox("appointment-lifecycle")
    cancelled = None
    for event in sim:
        sandbox.publish([event])
        if event.name == "AppointmentGroup.Created" and cancelled is None:
            data = event.payload["data"]
            _, fired = sandbox.cancel_invoice(data["invoice_id"])
            sandbox.publish(fired)
            cancelled = data["appointment_group_id"]
            break
    assert cancelled is not None
    rest = [e for e in sim]  # the group's story would check it in: it ends instead
    assert sim.world.outside_writes == 1
    assert not [
        e
        for e in rest
        if e.payload["data"].get("appointment_group_id") == cancelled
        and e.name != "AppointmentGroup.Status"
    ]


# -- bounds, tokens, the rate limit ---------------------------------------------------------


def test_the_view_forgets_the_oldest_entries_past_its_bound() -> None:
    sim = load_scenario("appointment-lifecycle").simulate(1)
    sandbox = Sandbox.for_simulation(sim, keep=5)
    groups = [
        e.payload["data"]["appointment_group_id"]
        for e in _play(sim, sandbox)
        if e.name == "AppointmentGroup.Created"
    ]
    view: RestView = sandbox.view
    assert len(groups) > 5 and view.counts()["group"] == 5
    assert view.group(groups[0]) is None
    assert len(view._appointments) <= 5 * 3


def test_tokens_stand_for_a_key_until_they_expire() -> None:
    clock = Clock()
    tokens = Tokens(clock)
    issued = tokens.issue("key-1")
    assert tokens.key_of(issued["access_token"]) == "key-1"
    assert issued["access_token_expiry"].endswith("Z") and issued["refresh_token"]
    clock.now += 10 * 3600
    assert tokens.key_of(issued["access_token"]) is None
    assert parse_authorization("apikey abc") == ("apikey", "abc")
    assert parse_authorization("Bearer  t0k") == ("bearer", "t0k")
    assert parse_authorization("Basic x") is None and parse_authorization("apikey") is None


def test_the_rate_limit_is_a_bucket_refilled_every_minute_per_key() -> None:
    clock = Clock()
    limiter = RateLimiter(clock)
    decisions = [limiter.take("a", 3) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert decisions[3].headers() == {
        "Organization-RateLimit-Limit": "3;w=60;b=3",
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": "60",
        "Retry-After": "60",
    }
    assert limiter.take("b", 3).allowed  # per key
    clock.now += 45.5
    assert limiter.take("a", 3).headers()["Retry-After"] == "15"
    clock.now += 15
    assert limiter.take("a", 3).allowed


def test_a_class_registration_books_the_session_for_the_guest() -> None:
    sim, sandbox = _sandbox("class-lifecycle", events=30)
    events = _play(sim, sandbox)
    sandbox.stream_ended()
    created = next(e for e in events if e.name == "Class.Booking.Created").payload["data"]
    session_id = created["session_id"]
    guest_id = next(e for e in events if e.name == "Guest.Created").payload["data"]["id"]

    booking, fired = sandbox.register_class(session_id, guest_id.upper())
    sandbox.publish(fired)
    assert [e.name for e in fired] == ["Class.Booking.Created"]
    data = fired[0].payload["data"]
    assert (data["session_id"], data["registration_id"]) == (session_id, booking.registration_id)
    assert data["guest_id"] == guest_id and validate(fired[0].payload) == []
    truth = sandbox.expected()
    assert truth is not None
    assert truth["bookings"][str(booking.registration_id)]["guest_id"] == guest_id
    for args, field in (((999_999, guest_id), "SessionId"), ((session_id, "nope"), "GuestId")):
        with pytest.raises(RestError) as refused:
            sandbox.register_class(*args)
        assert (refused.value.status, refused.value.field) == (404, field)


def test_a_booking_on_a_day_the_center_is_closed_has_no_slots() -> None:
    sim, sandbox = _sandbox()
    events = _play(sim, sandbox)
    sandbox.stream_ended()
    data = events[2].payload["data"]
    center = next(c for c in sim.world.centers if c.id == data["center_id"])
    closed = [day for day in range(7) if center.hours_on(day) is None]
    assert closed, "the test wants a center that closes one day a week"
    first = date(2025, 6, 2)  # a Monday, after the stream
    day = first + timedelta(days=(closed[0] - first.weekday()) % 7)
    appointment = data["appointments"][0]
    booking = sandbox.create_booking(
        data["center_id"],
        day.isoformat(),
        data["guest"]["id"],
        [(appointment["service_id"], appointment["therapist_id"])],
    )
    assert sandbox.slots(booking.id) == []
    opened = sandbox.create_booking(
        data["center_id"],
        (day + timedelta(days=1)).isoformat(),
        data["guest"]["id"],
        [(appointment["service_id"], appointment["therapist_id"])],
    )
    assert sandbox.slots(opened.id)  # the next day it opens
