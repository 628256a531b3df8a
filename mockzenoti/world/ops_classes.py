"""World operations on class sessions and bookings: Class.Schedule.*, Class.Booking.*, guest passes.

Seats: a booking takes a seat unless it is on the waitlist; an approval
takes one; a cancellation or deletion of a seated booking frees it. A
booking is made on the waitlist when the session is full, so bookings never
exceed capacity. A cancelled or deleted session first ends each of its
live bookings (Cancelled or Deleted), as Zenoti does.
"""

from __future__ import annotations

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
from mockzenoti.world.ops_people import PeopleOps
from mockzenoti.world.rules import (
    TransitionError,
    booking_state,
    membership_state,
    require,
)

__all__ = ["ClassOps", "seated"]


def seated(b: ClassBooking) -> bool:
    """True when ``b`` takes a seat of its session."""
    return b.state == "approved" or (b.state == "booked" and not b.waitlist)


def _what(b: ClassBooking) -> str:
    return f"class booking {b.registration_id}"


def _session_what(s: ClassSession) -> str:
    return f"class session {s.session_id} ({s.offering.name})"


class ClassOps(PeopleOps):
    """Schedule, update, cancel and delete sessions; book, end, approve and reject bookings."""

    def _booking_rule(self, b: ClassBooking, action: str) -> None:
        s = b.session
        require("booking", action, booking_state(b), lambda: _what(b), self.agenda.now,
                s.start_ticks, s.end_ticks, s.center.tz)  # fmt: skip

    def _session_rule(self, s: ClassSession, action: str) -> None:
        require("session", action, s.state, lambda: _session_what(s), self.agenda.now,
                s.start_ticks, s.end_ticks, s.center.tz)  # fmt: skip

    def schedule_session(
        self,
        center: Center,
        start: int,
        *,
        offering: ClassOffering | None = None,
        capacity: int | None = None,
        minutes: int | None = None,
        instructor: Employee | None = None,
    ) -> ClassSession:
        """``Class.Schedule.Created``: a session of ``center`` starting at ``start`` (future)."""
        if start <= self.now:
            raise TransitionError("a class session must start after it is scheduled")
        s = self.factory.class_session(center, start, offering=offering, instructor=instructor)
        if capacity is not None:
            s.capacity = capacity
            s.web_capacity = min(s.web_capacity, capacity)
        s.minutes = minutes or s.minutes
        self._emit("Class.Schedule.Created", render_schedule.schedule_created(s), (s.key,),
                   center.id, (s,))  # fmt: skip
        return s

    def update_session(
        self,
        s: ClassSession,
        *,
        start: int | None = None,
        minutes: int | None = None,
        capacity: int | None = None,
    ) -> None:
        """``Class.Schedule.Updated``: the given values change, or (none given) a typical edit."""
        self._session_rule(s, "update")
        if start is None and minutes is None and capacity is None:
            change = self.rng.randrange(3)
            if change == 0:
                minutes = s.minutes + 15
            elif change == 1:
                start = s.start_ticks + self.rng.choice((15, 30, 60)) * MINUTE_TICKS
            else:
                capacity = max(s.occupied, 4, s.capacity - self.rng.randrange(2, 6))
        if start is not None and start <= self.now:
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
        self._emit("Class.Schedule.Updated", render_schedule.schedule_updated(s), (s.key,),
                   s.center.id, (s,))  # fmt: skip

    def _end_session(self, s: ClassSession, action: str) -> None:
        self._session_rule(s, action)
        for b in s.bookings:
            if booking_state(b) in ("booked", "waitlisted", "approved"):
                self._end_booking(b, "cancelled" if action == "cancel" else "deleted")
        s.state = "cancelled" if action == "cancel" else "deleted"
        name = "Class.Schedule.Cancelled" if action == "cancel" else "Class.Schedule.Deleted"
        render = (
            render_schedule.schedule_cancelled if action == "cancel"
            else render_schedule.schedule_deleted
        )  # fmt: skip
        self._emit(name, render(s), (s.key,), s.center.id, (s,))

    def cancel_session(self, s: ClassSession) -> None:
        """Its live bookings Cancelled, then ``Class.Schedule.Cancelled`` (before it starts)."""
        self._end_session(s, "cancel")

    def delete_session(self, s: ClassSession) -> None:
        """Its live bookings Deleted, then ``Class.Schedule.Deleted`` (before it ends)."""
        self._end_session(s, "delete")

    def book_class(self, s: ClassSession, guest: Guest, *, waitlist: bool | None = None
                   ) -> ClassBooking:  # fmt: skip
        """``Class.Booking.Created`` for ``guest`` (introduced first if new).

        A full session puts the booking on the waitlist; ``waitlist=False``
        refuses instead, ``waitlist=True`` asks for the waitlist.
        """
        self._session_rule(s, "book")
        full = s.occupied >= s.capacity
        if waitlist is False and full:
            raise TransitionError(f"cannot book {_session_what(s)}: all {s.capacity} seats taken")
        self.use_guest(guest)
        now = self.agenda.now  # not the ``now`` property: a call less on the hot path
        b = self.factory.class_booking(s, guest, now)
        b.waitlist = full if waitlist is None else waitlist
        if not b.waitlist:
            s.occupied += 1
        s.bookings.append(b)
        hold(guest, b, now)
        self._emit("Class.Booking.Created", render_booking.booking_created(b), booking_keys(b),
                   s.center.id, (b, s))  # fmt: skip
        return b

    def _end_booking(self, b: ClassBooking, state: str) -> None:
        if seated(b):
            b.session.occupied -= 1
        b.state = state  # type: ignore[assignment]
        name, render = {
            "cancelled": ("Class.Booking.Cancelled", render_booking.booking_cancelled),
            "deleted": ("Class.Booking.Deleted", render_booking.booking_deleted),
        }[state]
        self._emit(name, render(b), booking_keys(b), b.session.center.id, (b, b.session))

    def cancel_booking(self, b: ClassBooking) -> None:
        """``Class.Booking.Cancelled`` (before the session starts); frees its seat."""
        self._booking_rule(b, "cancel")
        self._end_booking(b, "cancelled")

    def delete_booking(self, b: ClassBooking) -> None:
        """``Class.Booking.Deleted`` (before the session ends); frees its seat."""
        self._booking_rule(b, "delete")
        self._end_booking(b, "deleted")

    def no_show_booking(self, b: ClassBooking) -> None:
        """``Class.Booking.NoShow``: only once the session has started."""
        self._booking_rule(b, "no-show")
        b.state = "no-show"
        self._emit("Class.Booking.NoShow", render_booking.booking_no_show(b), booking_keys(b),
                   b.session.center.id, (b,))  # fmt: skip

    def approve_booking(self, b: ClassBooking) -> None:
        """``Class.Booking.Approved``: a waitlisted booking gets a free seat."""
        self._booking_rule(b, "approve")
        s = b.session
        if s.occupied >= s.capacity:
            raise TransitionError(f"cannot approve {_what(b)}: all {s.capacity} seats are taken")
        s.occupied += 1
        b.state = "approved"
        self._emit("Class.Booking.Approved", render_booking.booking_approved(b),
                   booking_keys(b), s.center.id, (b, s))  # fmt: skip

    def reject_booking(self, b: ClassBooking) -> None:
        """``Class.Booking.Rejected``: a waitlisted booking is turned down."""
        self._booking_rule(b, "reject")
        b.state = "rejected"
        self._emit("Class.Booking.Rejected", render_booking.booking_rejected(b),
                   booking_keys(b), b.session.center.id, (b,))  # fmt: skip

    def redeem_guestpass(self, m: GuestMembership, visitor: Guest, s: ClassSession) -> ClassBooking:
        """A member brings ``visitor`` to ``s``: Booking.Created, then Guestpass.redeemed."""
        require("membership", "guestpass", membership_state(m), f"membership {m.id}")
        if m.guestpass_balance <= 0:
            raise TransitionError(f"cannot use a guest pass of membership {m.id}: none left")
        if s.occupied >= s.capacity:
            raise TransitionError(f"cannot book {_session_what(s)}: all seats taken")
        booking = self.book_class(s, visitor, waitlist=False)
        redemption = self.factory.guestpass_redemption(m, visitor, s, self.now)
        self._emit("Guestpass.redeemed", render_membership.guestpass_redeemed(redemption),
                   (m.key, s.key, visitor.key), s.center.id, (m,))  # fmt: skip
        return booking
