"""What keeps a guest or an employee from being deleted: their open bookings, visits and sales.

A guest *holds* each booking, appointment group, membership and package of
theirs, an employee each group they work in. An entity stops holding once
no event can name it any more: a class booking after a terminal event or two
hours after its session ends (the window for marking no-shows); an
appointment group once it is cancelled, a no-show, or closed with no
feedback or refund still to come; a membership when it expires, or 30 days after a
cancellation that was not reinstated; a package at the end of its validity
and grace. ``Guest.Deleted`` and ``Employee.Deleted`` are refused while
anything is held, so they come last.

Holds are weak references: an entity that no story and no scenario handle
refers to any more can never be named by an event again, so it holds
nothing, and the world does not keep it alive (a year-long membership whose
story is over costs no memory). Lists are pruned at each addition.
"""

from __future__ import annotations

import weakref

from mockzenoti.model import (
    AppointmentGroup,
    ClassBooking,
    Employee,
    Guest,
    GuestMembership,
    GuestPackage,
)
from mockzenoti.timefmt import DAY_TICKS, MINUTE_TICKS

__all__ = ["NOSHOW_WINDOW", "REINSTATE_WINDOW", "hold", "is_open", "open_holds"]

NOSHOW_WINDOW = 120 * MINUTE_TICKS  # after a session ends, its bookings may still be no-shows
REINSTATE_WINDOW = 30 * DAY_TICKS  # after a cancellation, a membership may be reinstated


def is_open(entity: object, now: int) -> bool:
    """True while an event may still name ``entity``."""
    if isinstance(entity, ClassBooking):
        if entity.state not in ("booked", "approved"):
            return False
        return now < entity.session.end_ticks + NOSHOW_WINDOW
    if isinstance(entity, AppointmentGroup):
        return entity.status in (0, 2, 4) or entity.feedback_due or entity.refund_due
    if isinstance(entity, GuestMembership):
        if entity.cancellation is not None:
            return now < entity.cancellation.initiated_ticks + REINSTATE_WINDOW
        return now < entity.expiry_ticks
    if isinstance(entity, GuestPackage):
        return now < entity.end_ticks + entity.grace_days * DAY_TICKS
    return False


def hold(person: Guest | Employee, entity: object, now: int) -> None:
    """Record that ``person`` holds ``entity`` (pruning what no longer is open)."""
    holds = person.holds
    if holds:
        holds[:] = [h for h in holds if _live(h, now)]
    holds.append(weakref.ref(entity))


def _live(ref: object, now: int) -> bool:
    entity = ref() if isinstance(ref, weakref.ref) else ref
    return entity is not None and is_open(entity, now)


def open_holds(person: Guest | Employee, now: int) -> list[object]:
    """What ``person`` still holds at ``now``."""
    found = []
    for ref in person.holds:
        entity = ref() if isinstance(ref, weakref.ref) else ref
        if entity is not None and is_open(entity, now):
            found.append(entity)
    return found
