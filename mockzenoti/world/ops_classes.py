"""World operations on class sessions and bookings: Class.Schedule.*, Class.Booking.*, guest passes.

Seats: a booking takes a seat unless it is on the waitlist; an approval
takes one; a cancellation or deletion of a seated booking frees it. A
booking is made on the waitlist when the session is full, so bookings never
exceed capacity. A cancelled or deleted session first ends each of its
live bookings (Cancelled or Deleted), as Zenoti does.

Each operation is a function of the world's state (``World`` lists them as
its methods): it checks the rules, changes the entities and emits.
"""

from __future__ import annotations

from collections.abc import Sequence

from mockzenoti.model import (
    Center,
    ClassBooking,
    ClassOffering,
    ClassSession,
    Employee,
    Guest,
    GuestMembership,
)
from mockzenoti.render import class_booking as render_booking
from mockzenoti.render import class_schedule as render_schedule
from mockzenoti.render import membership as render_membership
from mockzenoti.timefmt import MINUTE_TICKS
from mockzenoti.world.holds import hold
from mockzenoti.world.keys import booking_keys
from mockzenoti.world.ops_people import use_guest
from mockzenoti.world.rules import TransitionError, booking_state, membership_state, require
from mockzenoti.world.state import WorldState

__all__ = [
    "approve_booking",
    "book_class",
    "cancel_booking",
    "cancel_session",
    "delete_booking",
    "delete_session",
    "no_show_booking",
    "redeem_guestpass",
    "reject_booking",
    "schedule_session",
    "seated",
    "update_session",
]


def seated(b: ClassBooking) -> bool:
    """True when ``b`` takes a seat of its session."""
    return b.state == "approved" or (b.state == "booked" and not b.waitlist)


def _what(b: ClassBooking) -> str:
    return f"class booking {b.registration_id}"


def _session_what(s: ClassSession) -> str:
    return f"class session {s.session_id} ({s.offering.name})"


def _booking_rule(world: WorldState, b: ClassBooking, action: str) -> None:
    s = b.session
    # by position, and the agenda's clock rather than ``now``: calls less on the hot path
    now, tz = world.agenda.now, s.center.tz
    require(
        "booking", action, booking_state(b), lambda: _what(b), now, s.start_ticks, s.end_ticks, tz
    )


def _session_rule(world: WorldState, s: ClassSession, action: str) -> None:
    now, tz = world.agenda.now, s.center.tz
    require(
        "session", action, s.state, lambda: _session_what(s), now, s.start_ticks, s.end_ticks, tz
    )


def schedule_session(
    world: WorldState,
    center: Center,
    start: int,
    *,
    offering: ClassOffering | None = None,
    capacity: int | None = None,
    minutes: int | None = None,
    instructor: Employee | None = None,
) -> ClassSession:
    """``Class.Schedule.Created``: a session of ``center`` starting at ``start`` (future)."""
    if start <= world.now:
        raise TransitionError("a class session must start after it is scheduled")
    s = world.factory.class_session(center, start, offering=offering, instructor=instructor)
    if capacity is not None:
        s.capacity = capacity
        s.web_capacity = min(s.web_capacity, capacity)
    s.minutes = minutes or s.minutes
    data = render_schedule.schedule_created(s)
    world.emit("Class.Schedule.Created", data, (s.key,), center.id, (s,))
    return s


def update_session(
    world: WorldState,
    s: ClassSession,
    *,
    start: int | None = None,
    minutes: int | None = None,
    capacity: int | None = None,
) -> None:
    """``Class.Schedule.Updated``: the given values change, or (none given) a typical edit."""
    _session_rule(world, s, "update")
    rng = world.rng
    if start is None and minutes is None and capacity is None:
        change = rng.randrange(3)
        if change == 0:
            minutes = s.minutes + 15
        elif change == 1:
            start = s.start_ticks + rng.choice((15, 30, 60)) * MINUTE_TICKS
        else:
            capacity = max(s.occupied, 4, s.capacity - rng.randrange(2, 6))
    if start is not None and start <= world.now:
        raise TransitionError(f"cannot move {_session_what(s)} into the past")
    if capacity is not None and capacity < s.occupied:
        raise TransitionError(
            f"cannot give {_session_what(s)} {capacity} seats: {s.occupied} are taken"
        )
    s.start_ticks = start if start is not None else s.start_ticks
    s.minutes = minutes or s.minutes
    if capacity is not None:
        s.capacity = capacity
        s.web_capacity = min(s.web_capacity, max(capacity - 2, 1))
    s.edited = True
    data = render_schedule.schedule_updated(s)
    world.emit("Class.Schedule.Updated", data, (s.key,), s.center.id, (s,))


def _end_session(world: WorldState, s: ClassSession, action: str) -> None:
    _session_rule(world, s, action)
    for b in s.bookings:
        if booking_state(b) in ("booked", "waitlisted", "approved"):
            _end_booking(world, b, "cancelled" if action == "cancel" else "deleted")
    if action == "cancel":
        s.state = "cancelled"
        name, data = "Class.Schedule.Cancelled", render_schedule.schedule_cancelled(s)
    else:
        s.state = "deleted"
        name, data = "Class.Schedule.Deleted", render_schedule.schedule_deleted(s)
    world.emit(name, data, (s.key,), s.center.id, (s,))


def cancel_session(world: WorldState, s: ClassSession) -> None:
    """Its live bookings Cancelled, then ``Class.Schedule.Cancelled`` (before it starts)."""
    _end_session(world, s, "cancel")


def delete_session(world: WorldState, s: ClassSession) -> None:
    """Its live bookings Deleted, then ``Class.Schedule.Deleted`` (before it ends)."""
    _end_session(world, s, "delete")


def book_class(
    world: WorldState,
    s: ClassSession,
    guest: Guest,
    *,
    waitlist: bool | None = None,
    companions: Sequence[Guest] = (),
) -> ClassBooking:
    """``Class.Booking.Created`` for ``guest`` (introduced first if new).

    A full session puts the booking on the waitlist; ``waitlist=False``
    refuses instead, ``waitlist=True`` asks for the waitlist. ``companions``
    are guests booked together with ``guest``: each gets a booking of its
    own right after (on the waitlist with a waitlisted guest), and the
    booking's approval or rejection decides them too.
    """
    _session_rule(world, s, "book")
    full = s.occupied >= s.capacity
    if waitlist is False and full:
        raise TransitionError(f"cannot book {_session_what(s)}: all {s.capacity} seats taken")
    use_guest(world, guest)
    now = world.agenda.now  # not the ``now`` property: a call less on the hot path
    b = world.factory.class_booking(s, guest, now)
    b.waitlist = full if waitlist is None else waitlist
    if not b.waitlist:
        s.occupied += 1
    s.bookings.append(b)
    hold(guest, b, now)
    data = render_booking.booking_created(b)
    world.emit("Class.Booking.Created", data, booking_keys(b), s.center.id, (b, s))
    if companions:
        along = True if b.waitlist else None
        b.companions = tuple(book_class(world, s, c, waitlist=along) for c in companions)
    return b


def _end_booking(world: WorldState, b: ClassBooking, state: str) -> None:
    if seated(b):
        b.session.occupied -= 1
    if state == "cancelled":
        b.state = "cancelled"
        name, data = "Class.Booking.Cancelled", render_booking.booking_cancelled(b)
    else:
        b.state = "deleted"
        name, data = "Class.Booking.Deleted", render_booking.booking_deleted(b)
    world.emit(name, data, booking_keys(b), b.session.center.id, (b, b.session))


def cancel_booking(world: WorldState, b: ClassBooking) -> None:
    """``Class.Booking.Cancelled`` (before the session starts); frees its seat."""
    _booking_rule(world, b, "cancel")
    _end_booking(world, b, "cancelled")


def delete_booking(world: WorldState, b: ClassBooking) -> None:
    """``Class.Booking.Deleted`` (before the session ends); frees its seat."""
    _booking_rule(world, b, "delete")
    _end_booking(world, b, "deleted")


def no_show_booking(world: WorldState, b: ClassBooking) -> None:
    """``Class.Booking.NoShow``: only once the session has started."""
    _booking_rule(world, b, "no-show")
    b.state = "no-show"
    data = render_booking.booking_no_show(b)
    world.emit("Class.Booking.NoShow", data, booking_keys(b), b.session.center.id, (b,))


def _waiting(b: ClassBooking) -> list[ClassBooking]:
    """``b``'s companions still on the waitlist: decided together with it."""
    return [c for c in b.companions if booking_state(c) == "waitlisted"]


def _along(b: ClassBooking) -> list[tuple[Guest, int]]:
    return [(c.guest, c.registration_id) for c in b.companions]


def _decision_keys(b: ClassBooking) -> tuple[str, ...]:
    """An approval's or rejection's keys: the booking's, and each companion it names."""
    keys = booking_keys(b)
    return keys + tuple(c.guest.key for c in b.companions) if b.companions else keys


def approve_booking(world: WorldState, b: ClassBooking) -> None:
    """``Class.Booking.Approved``: a waitlisted booking (and its companions) get free seats."""
    _booking_rule(world, b, "approve")
    s = b.session
    waiting = _waiting(b) if b.companions else ()
    if s.occupied + len(waiting) >= s.capacity:
        raise TransitionError(f"cannot approve {_what(b)}: all {s.capacity} seats are taken")
    for c in waiting:
        approve_booking(world, c)
    s.occupied += 1
    b.state = "approved"
    data = render_booking.booking_approved(b, _along(b) if b.companions else None)
    world.emit("Class.Booking.Approved", data, _decision_keys(b), s.center.id, (b, s))


def reject_booking(world: WorldState, b: ClassBooking) -> None:
    """``Class.Booking.Rejected``: a waitlisted booking (and its companions) turned down."""
    _booking_rule(world, b, "reject")
    for c in _waiting(b) if b.companions else ():
        reject_booking(world, c)
    b.state = "rejected"
    data = render_booking.booking_rejected(b, _along(b) if b.companions else None)
    world.emit("Class.Booking.Rejected", data, _decision_keys(b), b.session.center.id, (b,))


def redeem_guestpass(
    world: WorldState, m: GuestMembership, visitor: Guest, s: ClassSession
) -> ClassBooking:
    """A member brings ``visitor`` to ``s``: Booking.Created, then Guestpass.redeemed."""
    require("membership", "guestpass", membership_state(m), f"membership {m.id}")
    if m.guestpass_balance <= 0:
        raise TransitionError(f"cannot use a guest pass of membership {m.id}: none left")
    if s.occupied >= s.capacity:
        raise TransitionError(f"cannot book {_session_what(s)}: all seats taken")
    booking = book_class(world, s, visitor, waitlist=False)
    redemption = world.factory.guestpass_redemption(m, visitor, s, world.now)
    data = render_membership.guestpass_redeemed(redemption)
    world.emit("Guestpass.redeemed", data, (m.key, s.key, visitor.key), s.center.id, (m,))
    return booking
