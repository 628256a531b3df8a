"""Service bookings in progress: ``POST /v1/bookings`` until ``.../slots/confirm``.

Zenoti's service booking flow (its "Service Booking" guide): create a
booking (center, date, guest, services and maybe therapists), list its
slots, reserve one (``slot_time``, the center's local time without an
offset), confirm it. Only confirming changes the world (an appointment
group and its invoice: ``AppointmentGroup.Created``); until then a booking
is a request kept here.

Slots are every 15 minutes of the center's opening hours on the booking's
date (none on a day it is closed; Zenoti's appointment time slot setting, at
15 minutes), from which the booking's services fit before closing, and that
start after the world's present. Therapists are not checked for overlaps:
the world does not keep their calendars.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from mockzenoti.model import Center, Employee, Guest, Service
from mockzenoti.render._common import local
from mockzenoti.timefmt import MINUTE_TICKS, at_local

__all__ = ["SLOT_MINUTES", "Booking", "slot_times"]

SLOT_MINUTES = 15


@dataclass(slots=True, eq=False)
class Booking:
    """A booking request: who, where, which day, what; its reserved slot; its group once made."""

    id: str
    center: Center
    guest: Guest
    day: date
    items: list[tuple[Service, Employee | None]]
    slot: int | None = None  # the reserved start (ticks)
    group_id: str | None = None  # set once confirmed
    notes: str = ""
    reserved_as: str | None = field(default=None)  # the slot_time as the client wrote it

    @property
    def minutes(self) -> int:
        """How long the booking's services take, one after the other."""
        return sum(max(service.minutes, 5) for service, _ in self.items)


def slot_times(booking: Booking, now: int) -> list[int]:
    """The starts (ticks) the booking can take on its day, after ``now``."""
    center = booking.center
    hours = center.hours_on(booking.day.weekday())
    if hours is None:  # the center is closed that day
        return []
    opens = at_local(booking.day, hours[0], center.tz)
    last = at_local(booking.day, hours[1], center.tz) - booking.minutes * MINUTE_TICKS
    step = SLOT_MINUTES * MINUTE_TICKS
    out = []
    at = opens
    while at <= last:
        if at > now:
            out.append(at)
        at += step
    return out


def slot_text(booking: Booking, ticks: int) -> str:
    """A slot's ``Time``: the center's local wall time, no offset."""
    return local(ticks, booking.center.tz)
