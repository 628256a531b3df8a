"""Class stories: a session is published, guests book it, some cancel, some never show.

``session`` publishes the session, sends its guests' bookings along over the
time left before it starts, may edit, cancel or delete it, and turns down
whoever is still waitlisted ten minutes before the start. ``booking`` is one
guest's booking and its ending: kept, cancelled, deleted, or a no-show once
the session has started. A freed seat goes to the first waitlisted guest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockzenoti.model import (
    Center,
    ClassBooking,
    ClassOffering,
    ClassSession,
    Guest,
    GuestMembership,
)
from mockzenoti.timefmt import MINUTE_TICKS
from mockzenoti.world import Process
from mockzenoti.world.holds import NOSHOW_WINDOW
from mockzenoti.world.rules import booking_state, membership_state

if TYPE_CHECKING:
    from mockzenoti.scenarios.activity import Activity

__all__ = ["booking", "session"]

MIN = MINUTE_TICKS


def session(act: Activity, center: Center, start: int, offering: ClassOffering) -> Process:
    """A session of ``offering`` starting at ``start``, from publication until it is over.

    Once no event can name them, the session forgets its bookings: they refer
    to it, and the cycle would wait for Python's cyclic collector.
    """
    s = act.world.schedule_session(center, start, offering=offering)
    try:
        yield from _run_session(act, s)
    finally:
        s.bookings.clear()


def _run_session(act: Activity, s: ClassSession) -> Process:
    world, rng, p = act.world, act.rng, act.profile
    low, high = p.class_fill
    wanted = int(s.capacity * (low + (high - low) * rng.random()))
    last = s.start_ticks - 5 * MIN
    if last > world.now + MIN:
        for when in act.class_booking_times(s.center, world.now + MIN, last, wanted):
            world.agenda.spawn(when, booking(act, s))
    r = rng.random()
    change = (
        "update"
        if r < p.session_update
        else "cancel"
        if r < p.session_update + p.session_cancel
        else "delete"
        if r < p.session_update + p.session_cancel + p.session_delete
        else None
    )
    if change is not None and s.start_ticks - 40 * MIN > world.now + 10 * MIN:
        yield act.between(world.now + 10 * MIN, s.start_ticks - 30 * MIN)
        if change == "update":
            world.update_session(s)
        elif change == "cancel":
            world.cancel_session(s)
            return
        else:
            world.delete_session(s)
            return
    yield s.start_ticks - 10 * MIN
    if s.state == "scheduled" and world.now < s.start_ticks:
        for b in list(s.bookings):
            if booking_state(b) == "waitlisted":
                world.reject_booking(b)
    yield s.end_ticks + NOSHOW_WINDOW


def _guest_for(act: Activity, s: ClassSession) -> tuple[Guest, GuestMembership | None] | None:
    """Who books next: sometimes a member with guest passes, else a new or returning guest."""
    rng = act.rng
    members = act.members[s.center.id]
    member = None
    if members and rng.random() < act.profile.member_bookings:
        m = members[rng.randrange(len(members))]
        if membership_state(m) == "active" and m.guestpass_balance > 0 and not m.guest.deleted:
            member = m
    guest = member.guest if member is not None else None
    taken = {b.guest.id for b in s.bookings}
    for _ in range(3):
        if guest is not None and guest.id not in taken:
            return guest, member
        guest, member = act.world.pool.pick(s.center, rng, act.profile.returning), None
    return None


def booking(act: Activity, s: ClassSession) -> Process:
    """One guest's booking of ``s`` and how it ends."""
    world, rng, p = act.world, act.rng, act.profile
    if s.state != "scheduled" or world.now >= s.start_ticks - MIN:
        return
    waiting = sum(1 for b in s.bookings if booking_state(b) == "waitlisted")
    if s.occupied >= s.capacity and waiting >= 3:
        return
    chosen = _guest_for(act, s)
    if chosen is None:
        return
    guest, member = chosen
    if p.companions and rng.random() < p.companions:
        b = world.book_class(s, guest, companions=_companions(act, s))
    else:
        b = world.book_class(s, guest)
    if b.waitlist:
        return  # the session approves or rejects it
    if member is not None and rng.random() < p.guestpass and s.occupied < s.capacity:
        visitor = world.pool.fresh(s.center)
        if visitor is not None:
            world.redeem_guestpass(member, visitor, s)
    r = rng.random()
    if r < p.booking_cancel + p.booking_delete:
        if s.start_ticks - world.now < 3 * MIN:
            return
        yield act.between(world.now + MIN, s.start_ticks - MIN)
        if booking_state(b) == "booked" and s.state == "scheduled" and world.now < s.start_ticks:
            if r < p.booking_cancel:
                world.cancel_booking(b)
            else:
                world.delete_booking(b)
            world.agenda.spawn(world.now + rng.randint(1, 10) * MIN, _seat_freed(act, s))
    elif r < p.booking_cancel + p.booking_delete + p.booking_noshow:
        while True:  # the session may have been moved later meanwhile
            yield s.start_ticks + rng.randint(5, 20) * MIN
            if world.now >= s.start_ticks:
                break
        if s.state == "scheduled" and booking_state(b) in ("booked", "approved"):
            world.no_show_booking(b)


def _companions(act: Activity, s: ClassSession) -> list[Guest]:
    """One or two new guests booked together with another."""
    found = (act.world.pool.fresh(s.center) for _ in range(act.rng.choice((1, 1, 2))))
    return [g for g in found if g is not None]


def _fits(b: ClassBooking) -> bool:
    """True when ``b`` and its waitlisted companions fit in the seats left."""
    s = b.session
    waiting = sum(1 for c in b.companions if booking_state(c) == "waitlisted")
    return s.occupied + 1 + waiting <= s.capacity


def _seat_freed(act: Activity, s: ClassSession) -> Process:
    """The first waitlisted booking that fits gets the seat a cancellation freed."""
    world = act.world
    if s.state == "scheduled" and world.now < s.start_ticks and s.occupied < s.capacity:
        for b in s.bookings:
            if booking_state(b) == "waitlisted" and (not b.companions or _fits(b)):
                world.approve_booking(b)
                break
    yield from ()
