"""``check_stream`` passes a good stream and names the rule each hand-broken stream breaks."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from mockzenoti.event import Event
from mockzenoti.scenarios.invariants import check_stream
from mockzenoti.timefmt import MINUTE_TICKS as MIN
from mockzenoti.world import World


def story() -> tuple[list[Event], dict[str, Any]]:
    """A small consistent stream: a class with a cancellation and a no-show, a paid visit."""
    world = World(5, {"centers": 1, "guests": 20})
    world.agenda.now = world.start + 10 * MIN
    center = world.centers[0]
    s = world.schedule_session(center, world.now + 60 * MIN, capacity=2)
    g1, g2, g3 = (world.pool.fresh(center) for _ in range(3))
    assert g1 and g2 and g3
    b1, b2 = world.book_class(s, g1), world.book_class(s, g2)
    world.cancel_booking(b2)
    group = world.book_appointment(center, g3, world.now + 120 * MIN)
    world.agenda.now = s.start_ticks + 10 * MIN
    world.no_show_booking(b1)
    world.check_in_group(group)
    for _ in group.appointments:
        world.start_appointment(group)
        world.complete_appointment(group)
    world.close_group(group)
    world.update_guest(g2)
    world.delete_guest(g2)
    return [e for e, _ in world.pending], world.setup()


def index(events: list[Event], name: str, nth: int = 0) -> int:
    return [i for i, e in enumerate(events) if e.name == name][nth]


def edited(event: Event, change: Callable[[dict[str, Any]], None]) -> Event:
    payload = copy.deepcopy(event.payload)
    change(payload)
    return Event(event.name, payload, event.keys, event.seq, event.center_id)


def test_the_good_stream_passes_as_events_and_as_payloads() -> None:
    events, setup = story()
    assert check_stream(events, setup) == []
    assert check_stream([e.payload for e in events], setup) == []


def drop_guest_created(events: list[Event]) -> list[Event]:
    return events[1:] if events[1].name == "Guest.Created" else events


def event_after_delete(events: list[Event]) -> list[Event]:
    return [*events, events[index(events, "Guest.Updated")]]


def second_terminal(events: list[Event]) -> list[Event]:
    return [*events, events[index(events, "Class.Booking.Cancelled")]]


def early_no_show(events: list[Event]) -> list[Event]:
    i = index(events, "Class.Schedule.Created")

    def later(p: dict[str, Any]) -> None:
        p["data"]["start_time"] = "2099-01-01T10:00:00"

    return [*events[:i], edited(events[i], later), *events[i + 1 :]]


def over_capacity(events: list[Event]) -> list[Event]:
    i = index(events, "Class.Schedule.Created")
    return [
        *events[:i],
        edited(events[i], lambda p: p["data"].update(capacity=1)),
        *events[i + 1 :],
    ]


def time_goes_back(events: list[Event]) -> list[Event]:
    out = list(events)
    out[-1] = edited(out[-1], lambda p: p.update(event_timestamp="2000-01-01T00:00:00Z"))
    return out


def registration_goes_back(events: list[Event]) -> list[Event]:
    i = index(events, "Class.Booking.Created", 1)
    return [
        *events[:i],
        edited(events[i], lambda p: p["data"].update(registration_id=1)),
        *events[i + 1 :],
    ]


def wrong_local_time(events: list[Event]) -> list[Event]:
    i = index(events, "AppointmentGroup.Created")

    def shift(p: dict[str, Any]) -> None:
        p["data"]["appointments"][0]["start_time_in_center"] = "1999-01-01T03:00:00"

    return [*events[:i], edited(events[i], shift), *events[i + 1 :]]


def wrong_invoice_day(events: list[Event]) -> list[Event]:
    i = index(events, "Invoice.Closed")

    def day(p: dict[str, Any]) -> None:
        p["data"]["invoice"]["invoice_date"] = "2000-01-01T00:00:00"

    return [*events[:i], edited(events[i], day), *events[i + 1 :]]


def invoice_elsewhere(events: list[Event]) -> list[Event]:
    i = index(events, "Invoice.Closed")

    def other(p: dict[str, Any]) -> None:
        p["data"]["invoice"]["appointment_group_id"] = "00000000-0000-4000-8000-000000000001"

    return [*events[:i], edited(events[i], other), *events[i + 1 :]]


def missing_guest_key(events: list[Event]) -> list[Event]:
    i = index(events, "Class.Booking.Created")
    e = events[i]
    return [*events[:i], Event(e.name, e.payload, e.keys[:2], e.seq, e.center_id), *events[i + 1 :]]


def session_ended_with_live_bookings(events: list[Event]) -> list[Event]:
    sid = events[index(events, "Class.Schedule.Created")].payload["data"]["sesion_id"]
    template = events[index(events, "Class.Schedule.Created")]
    cancelled = edited(template, lambda p: p.update(event_type="Class.Schedule.Cancelled"))
    cancelled = Event("Class.Schedule.Cancelled", cancelled.payload, (f"class-session:{sid}",))
    i = index(events, "Class.Booking.Created", 1) + 1
    return [*events[:i], cancelled]


def renamed_guest(events: list[Event]) -> list[Event]:
    i = index(events, "AppointmentGroup.Created")
    return [
        *events[:i],
        edited(events[i], lambda p: p["data"]["guest"].update(first_name="X")),
        *events[i + 1 :],
    ]


@pytest.mark.parametrize(
    ("breaker", "rule"),
    [
        (drop_guest_created, "introduced"),
        (event_after_delete, "after-end"),
        (second_terminal, "one-terminal"),
        (early_no_show, "noshow-timing"),
        (over_capacity, "capacity"),
        (time_goes_back, "time-order"),
        (registration_goes_back, "registration-order"),
        (wrong_local_time, "local-utc"),
        (wrong_invoice_day, "local-utc"),
        (invoice_elsewhere, "invoice-group"),
        (missing_guest_key, "keys"),
        (session_ended_with_live_bookings, "session-end"),
        (renamed_guest, "same-entity"),
    ],
)
def test_each_broken_stream_is_caught_by_its_rule(
    breaker: Callable[[list[Event]], list[Event]], rule: str
) -> None:
    events, setup = story()
    violations = check_stream(breaker(events), setup)
    assert rule in {v.rule for v in violations}, [str(v) for v in violations]
    assert all(str(v).startswith("#") for v in violations)


def test_an_unknown_center_or_service_is_not_in_the_setup() -> None:
    events, setup = story()
    other_setup = copy.deepcopy(setup)
    other_setup["centers"][0]["services"] = []
    violations = check_stream(events, other_setup)
    assert any(v.rule == "introduced" and "item" in v.message for v in violations)
