"""The consumer under Zenoti's traffic, with nothing but mockzenoti's pytest fixtures.

Each test runs a stream (a scenario, a bespoke story, one event) against the
consumer and compares what the consumer stored with ``run.expected``: the
state a correct consumer is in after those events.
"""

from __future__ import annotations

from typing import Any

import pytest

from consumer.app import Store
from mockzenoti.testing.emitter import ZenotiEmitter
from mockzenoti.testing.world import ZenotiWorld

pytestmark = pytest.mark.asyncio

BOOKING_FIELDS = ("state", "session_id", "guest_id", "center_id", "waitlist")
GROUP_FIELDS = ("state", "status", "center_id", "guest_id", "invoice_id", "feedback_version")


def stored(records: dict[Any, dict[str, Any]], keys: tuple[str, ...]) -> dict[str, Any]:
    """The consumer's records as the truth file writes them: text keys, chosen fields."""
    return {str(k): {f: r.get(f) for f in keys} for k, r in records.items()}


def expected(section: dict[str, dict[str, Any]], keys: tuple[str, ...]) -> dict[str, Any]:
    """The truth's records, the same fields."""
    return {k: {f: r[f] for f in keys} for k, r in section.items()}


async def test_class_lifecycle(zenoti_emitter: ZenotiEmitter, store: Store) -> None:
    run = await zenoti_emitter.run("class-lifecycle", seed=1)
    await run.wait_delivered()

    truth = run.expected["bookings"]
    states = {b["state"] for b in truth.values()}
    assert {"booked", "cancelled", "noshow", "deleted", "rejected"} <= states
    assert stored(store.bookings, BOOKING_FIELDS) == expected(truth, BOOKING_FIELDS)
    assert store.duplicates == 0


async def test_appointment_lifecycle_with_reschedules(
    zenoti_emitter: ZenotiEmitter, store: Store
) -> None:
    run = await zenoti_emitter.run("appointment-lifecycle", seed=7)
    await run.wait_delivered()

    truth = run.expected["appointment_groups"]
    moved = [g for g in truth.values() if g["rescheduled_to"]]
    assert moved, "seed 7 reschedules some visits"
    for old in moved:
        new = truth[old["rescheduled_to"]]
        assert store.groups[new["rescheduled_from"]]["state"] == "cancelled"
        assert store.groups[old["rescheduled_to"]]["guest_id"] == old["guest_id"]
    assert stored(store.groups, GROUP_FIELDS) == expected(truth, GROUP_FIELDS)


async def test_invoices_store_what_was_paid_and_guests_their_mobile(
    zenoti_emitter: ZenotiEmitter, store: Store
) -> None:
    """``amount_paid`` and the guest's ``mobile_phone``, as consumers of live traffic read them."""
    run = await zenoti_emitter.run("day-in-the-life", seed=7, duration="3d")
    await run.wait_delivered()

    truth = run.expected
    told = {i: v for i, v in truth["invoices"].items() if v["paid"] is not None}
    assert told and {i: store.invoices[i]["paid"] for i in told} == {
        i: v["paid"] for i, v in told.items()
    }
    assert all(store.invoices[i]["state"] == v["state"] for i, v in told.items())
    assert any(v["state"] == "closed" for v in told.values())
    registered = {
        g: store.guests[g] for g in truth["guests"] if "mobile" in store.guests.get(g, {})
    }
    assert registered
    for gid, stored in registered.items():
        phone = truth["guests"][gid]["mobile_phone"]
        assert stored["mobile"] == (None if phone is None else phone["number"])
    with_phone = [g for g in registered.values() if g["mobile"] is not None]
    assert len(with_phone) > len(registered) / 2  # most guests give a mobile number
    for stored in with_phone:  # the invoice shows the same number in international form
        if stored.get("phone_shown"):
            assert stored["phone_shown"].replace(" ", "").endswith(stored["mobile"].lstrip("0"))


async def test_a_reschedule_told_step_by_step(
    zenoti_emitter: ZenotiEmitter, zenoti_world: ZenotiWorld, store: Store
) -> None:
    world = zenoti_world
    visit = world.book_appointment(world.center(0), world.guest(), world.later("3h"))
    world.advance("20m")
    world.confirm_group(visit)
    world.advance("1h")
    moved = world.reschedule_group(visit, world.later("1d"))
    world.advance("1d")
    world.check_in_group(moved)
    for _ in moved.appointments:
        world.start_appointment(moved)
        world.advance("1h")
        world.complete_appointment(moved)
    world.close_group(moved)

    run = await zenoti_emitter.send(world)
    await run.wait_delivered()

    assert store.groups[visit.id]["state"] == "cancelled"
    assert store.groups[moved.id]["state"] == "closed"
    truth = run.expected["appointment_groups"]
    assert truth[moved.id]["rescheduled_from"] == visit.id
    assert stored(store.groups, GROUP_FIELDS) == expected(truth, GROUP_FIELDS)


async def test_retries_after_the_consumer_fails_twice(
    zenoti_emitter: ZenotiEmitter, store: Store
) -> None:
    store.fail_first = 2  # every event: 503, 503, then accepted

    run = await zenoti_emitter.emit("Class.Booking.Created", {"data.registration_id": 4242})

    [delivery] = run.deliveries
    assert (delivery.state, delivery.attempts) == ("delivered", 3)
    assert [a.status for a in run.attempts()] == [503, 503, 200]
    assert run.policy.spec == "fast"
    assert store.attempts[delivery.event_id] == 3
    assert store.bookings[4242]["state"] == "booked"


@pytest.mark.zenoti(retry="zenoti")
async def test_a_whole_day_through_zenoti_retries(
    zenoti_emitter: ZenotiEmitter, store: Store
) -> None:
    store.fail_first = 2
    run = await zenoti_emitter.run("class-lifecycle", seed=3)
    await run.wait_delivered()

    assert run.policy.spec == "zenoti"
    assert zenoti_emitter.options.retry_scale < 0.001  # 30 s waits become milliseconds
    assert {d.attempts for d in run.deliveries} == {3}
    truth = run.expected["bookings"]
    assert stored(store.bookings, BOOKING_FIELDS) == expected(truth, BOOKING_FIELDS)


@pytest.mark.zenoti(chaos={"duplicate": 0.3, "reorder": 16}, seed=11)
async def test_duplicates_and_reordering_under_chaos(
    zenoti_emitter: ZenotiEmitter, store: Store
) -> None:
    run = await zenoti_emitter.run("appointment-lifecycle", seed=7)
    await run.wait_delivered()

    sent = [e.event_id for e in run.events]
    first_arrivals = list(dict.fromkeys(store.arrivals))
    assert store.duplicates > 0 and store.applied == len(sent)  # each applied once
    assert first_arrivals != sent and sorted(first_arrivals) == sorted(sent)
    truth = run.expected["appointment_groups"]
    assert stored(store.groups, GROUP_FIELDS) == expected(truth, GROUP_FIELDS)


@pytest.mark.zenoti(secret="not-the-consumers-secret")
async def test_a_wrong_signature_is_refused(zenoti_emitter: ZenotiEmitter, store: Store) -> None:
    run = await zenoti_emitter.emit("Class.Booking.Created", check=False)

    [delivery] = run.deliveries
    assert (delivery.state, delivery.last_status, delivery.attempts) == ("dead", 401, 1)
    assert store.bookings == {}
