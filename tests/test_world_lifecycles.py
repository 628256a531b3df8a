"""World operations enforce the lifecycle rules and emit events in causal order."""

from __future__ import annotations

import pytest

from mockzenoti.model import Center, ClassSession
from mockzenoti.timefmt import MINUTE_TICKS as MIN
from mockzenoti.validation import validate
from mockzenoti.world import TransitionError, World


def fresh_world(**sizes: object) -> World:
    world = World(11, {"centers": 1, "guests": 50, **sizes}, recording=True)
    world.agenda.now = world.start + 30 * MIN
    return world


def names(world: World) -> list[str]:
    return [event.name for event, _ in world.pending]


def session_with(world: World, seats: int) -> tuple[Center, ClassSession]:
    center = world.centers[0]
    return center, world.schedule_session(center, world.now + 120 * MIN, capacity=seats)


def guest(world: World, center: Center):  # type: ignore[no-untyped-def]
    found = world.pool.fresh(center)
    assert found is not None
    return found


def test_no_show_is_refused_before_the_session_starts_and_allowed_after() -> None:
    world = fresh_world()
    center, s = session_with(world, 5)
    b = world.book_class(s, guest(world, center))
    before = len(world.pending)
    with pytest.raises(TransitionError, match="before it starts"):
        world.no_show_booking(b)
    assert len(world.pending) == before and b.state == "booked"
    world.agenda.now = s.start_ticks + 5 * MIN
    world.no_show_booking(b)
    assert names(world)[-1] == "Class.Booking.NoShow"
    with pytest.raises(TransitionError, match="it is noshow"):
        world.cancel_booking(b)


def test_a_full_session_waitlists_and_approval_needs_a_free_seat() -> None:
    world = fresh_world()
    center, s = session_with(world, 2)
    seated = [world.book_class(s, guest(world, center)) for _ in range(2)]
    late = world.book_class(s, guest(world, center))
    assert late.waitlist and s.occupied == 2
    with pytest.raises(TransitionError, match="seats taken"):
        world.book_class(s, guest(world, center), waitlist=False)
    with pytest.raises(TransitionError, match="seats are taken"):
        world.approve_booking(late)
    world.cancel_booking(seated[0])
    world.approve_booking(late)
    assert s.occupied == 2 and late.state == "approved"
    assert names(world)[-2:] == ["Class.Booking.Cancelled", "Class.Booking.Approved"]


def test_a_cancelled_session_ends_its_bookings_first_and_then_takes_no_more() -> None:
    world = fresh_world()
    center, s = session_with(world, 3)
    bookings = [world.book_class(s, guest(world, center)) for _ in range(3)]
    world.cancel_booking(bookings[0])
    mark = len(world.pending)
    world.cancel_session(s)
    tail = [(e.name, e.keys[0]) for e, _ in list(world.pending)[mark:]]
    assert tail == [
        ("Class.Booking.Cancelled", bookings[1].key),
        ("Class.Booking.Cancelled", bookings[2].key),
        ("Class.Schedule.Cancelled", s.key),
    ]
    with pytest.raises(TransitionError, match="it is cancelled"):
        world.book_class(s, guest(world, center))


def test_a_deleted_session_deletes_its_bookings() -> None:
    world = fresh_world()
    center, s = session_with(world, 3)
    world.book_class(s, guest(world, center))
    world.delete_session(s)
    assert names(world)[-2:] == ["Class.Booking.Deleted", "Class.Schedule.Deleted"]


def test_guest_created_comes_first_and_guest_deleted_waits_for_open_bookings() -> None:
    world = fresh_world()
    center, s = session_with(world, 3)
    g = guest(world, center)
    b = world.book_class(s, g)
    assert names(world)[-2:] == ["Guest.Created", "Class.Booking.Created"]
    with pytest.raises(TransitionError, match="still has"):
        world.delete_guest(g)
    world.cancel_booking(b)
    world.delete_guest(g)
    assert names(world)[-1] == "Guest.Deleted"
    with pytest.raises(TransitionError, match="it is deleted"):
        world.sell_membership(center, g)


def test_closing_needs_every_service_done_and_the_invoice_points_back() -> None:
    world = fresh_world()
    center = world.centers[0]
    mains = [s for s in center.services if not s.is_add_on][:2]
    g = world.book_appointment(center, guest(world, center), world.now + 60 * MIN, services=mains)
    with pytest.raises(TransitionError, match="needs checked-in"):
        world.start_appointment(g)
    world.check_in_group(g)
    world.start_appointment(g)
    with pytest.raises(TransitionError, match="still in progress"):
        world.start_appointment(g)
    world.complete_appointment(g)
    with pytest.raises(TransitionError, match="not every service"):
        world.close_group(g)
    world.start_appointment(g)
    world.complete_appointment(g)
    world.close_group(g)
    closed = next(e for e, _ in world.pending if e.name == "Invoice.Closed")
    assert closed.payload["data"]["invoice"]["appointment_group_id"] == g.id
    assert closed.keys[:2] == (g.invoice.key, g.key)
    assert names(world)[-2:] == ["Invoice.Closed", "AppointmentGroup.Status"]
    assert g.status == 1
    world.give_feedback(g)
    with pytest.raises(TransitionError, match="twice"):
        world.give_feedback(g)


def test_a_part_payment_leaves_the_invoice_open_and_a_refund_is_an_invoice_of_its_own() -> None:
    world = fresh_world()
    center = world.centers[0]
    priced = next(s for s in center.services if not s.is_add_on and s.price > 0)
    g = world.book_appointment(
        center, guest(world, center), world.now + 60 * MIN, services=[priced], utm=("", "")
    )
    with pytest.raises(TransitionError, match="needs checked-in"):
        world.pay_group(g)
    world.check_in_group(g)
    world.start_appointment(g)
    world.complete_appointment(g)
    with pytest.raises(TransitionError, match="needs closed"):
        world.refund_group(g)
    world.pay_group(g, retail=False)
    part = world.pending[-1][0].payload["data"]["invoice"]
    assert (part["is_closed"], part["lock"], part["receipt_number"]) == (False, False, "0")
    assert 0 < part["total_amount_paid"] < part["total_price"]["sum_total"]
    assert g.status == 2 and names(world)[-1] == "Invoice.Closed"  # still checked in
    world.agenda.now += 24 * 60 * MIN
    world.close_group(g)
    full = world.pending[-2][0].payload["data"]["invoice"]
    assert full["is_closed"] and full["total_amount_paid"] == full["total_price"]["sum_total"]
    assert len(full["transactions"]) == 2  # the part payment, then the rest
    assert full["transactions"][0]["amount_paid"] == part["total_amount_paid"]
    assert g.status == 1
    refund = world.refund_group(g)
    event, records = world.pending[-1]
    data = event.payload["data"]["invoice"]
    assert data["id"] == refund.id != g.invoice.id and data["appointment_group_id"] == g.id
    assert data["is_refund"] and data["total_price"]["sum_total"] < 0 and data["appointments"] == []
    assert data["total_amount_paid"] == data["total_price"]["sum_total"]
    assert event.keys[:2] == (refund.key, g.key)
    assert records is not None and records[0][2]["is_refund"] is True
    assert not validate(event.payload)


def test_a_visit_that_costs_nothing_is_neither_part_paid_nor_refunded() -> None:
    world = fresh_world()
    center = world.centers[0]
    g = world.book_appointment(center, guest(world, center), world.now + 60 * MIN)
    for item in g.invoice.items:
        item.list_price = 0.0  # a free visit
    world.check_in_group(g)
    for _ in g.appointments:
        world.start_appointment(g)
        world.complete_appointment(g)
    with pytest.raises(TransitionError, match=r"cannot pay part of .*: nothing is due"):
        world.pay_group(g)  # an open invoice is part paid: there is no part of nothing
    world.close_group(g, retail=False)
    with pytest.raises(TransitionError, match="nothing of it was paid"):
        world.refund_group(g)


def test_a_reschedule_books_a_new_group_then_cancels_the_old_one() -> None:
    world = fresh_world()
    center = world.centers[0]
    old = world.book_appointment(center, guest(world, center), world.now + 60 * MIN)
    new = world.reschedule_group(old, world.now + 24 * 60 * MIN)
    assert names(world)[-2:] == ["AppointmentGroup.Created", "AppointmentGroup.Status"]
    last = world.pending[-1][0].payload["data"]
    assert last["appointment_group_id"] == old.id and last["appointment_group_status"] == -1
    assert (old.rescheduled_to, new.rescheduled_from) == (new.id, old.id)
    assert [a.service for a in new.appointments] == [a.service for a in old.appointments]
    assert new.guest is old.guest and new.invoice is not old.invoice
    with pytest.raises(TransitionError, match="it is cancelled"):
        world.check_in_group(old)


def test_an_appointment_no_show_waits_for_the_start() -> None:
    world = fresh_world()
    center = world.centers[0]
    g = world.book_appointment(center, guest(world, center), world.now + 60 * MIN)
    with pytest.raises(TransitionError, match="before it starts"):
        world.no_show_group(g)
    world.agenda.now = g.appointments[0].start_ticks + 15 * MIN
    world.no_show_group(g)
    assert g.status == -2


def test_membership_and_package_rules() -> None:
    world = fresh_world()
    center = world.centers[0]
    m = world.sell_membership(center, guest(world, center))
    with pytest.raises(TransitionError, match="unfreeze needs frozen"):
        world.unfreeze_membership(m)
    world.freeze_membership(m)
    world.cancel_membership(m)
    assert m.freeze is None
    world.agenda.now += 31 * 24 * 60 * MIN
    with pytest.raises(TransitionError, match="over 30 days"):
        world.reinstate_membership(m)
    p = world.sell_package(center, guest(world, center))
    with pytest.raises(TransitionError, match="needs active"):
        world.redeem_package(p)
    world.activate_package(p)
    with pytest.raises(TransitionError, match="there is none"):
        world.reverse_redemption(p)
    for _ in range(sum(b.total for b in p.balances)):
        world.redeem_package(p)
    with pytest.raises(TransitionError, match="no balance"):
        world.redeem_package(p)
    world.reverse_redemption(p)
    world.redeem_package(p)


def test_only_staff_hired_in_the_stream_leave_and_not_while_booked() -> None:
    world = fresh_world()
    center = world.centers[0]
    with pytest.raises(TransitionError, match="fixed setup"):
        world.delete_employee(center.employees[0])
    hire = world.hire_employee(center, job_name=center.employees[0].job_name)
    others = [e for e in center.employees if e is not hire]
    for e in others:
        e.bookable = False
    g = world.book_appointment(center, guest(world, center), world.now + 60 * MIN)
    assert g.appointments[0].therapist is hire
    assert hire.key in world.pending[-1][0].keys  # a stream hire keys the events naming it
    with pytest.raises(TransitionError, match="still working"):
        world.delete_employee(hire)
    world.cancel_group(g)
    world.delete_employee(hire)
    assert names(world)[-1] == "Employee.Deleted"


def test_every_operation_emits_schema_valid_events() -> None:
    world = fresh_world()
    center, s = session_with(world, 4)
    g1, g2 = guest(world, center), guest(world, center)
    b = world.book_class(s, g1)
    world.update_session(s)
    m = world.sell_membership(center, g1)
    m.guestpass_balance = m.guestpass_total = 2
    world.redeem_guestpass(m, g2, s)
    world.update_guest(g2, first_name="Zoë")
    world.opt_guest(g2, "opted-out", "marketing", "sms")
    world.opt_guest(g2, "opted-in", "marketing", "sms")
    world.reject_booking(world.book_class(s, guest(world, center), waitlist=True))
    world.delete_booking(b)
    world.update_employee(center.employees[1])
    p = world.sell_package(center, g1)
    world.activate_package(p)
    world.extend_package(p, 30)
    for event, _ in world.pending:
        assert not validate(event.payload), event.name
        assert event.center_id == center.id
