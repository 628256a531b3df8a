"""Snapshots: an entity as it was when an event about it was emitted.

The world changes its entities in place, and runs ahead of delivery: by the
time an event is accepted for delivery, the group it is about may already be
checked in. ``freeze(subjects)`` copies what an event changed at the moment
it is emitted (shallow copies, with the parts that change later copied too:
a group's appointments, an invoice's lines and payments, a guest's
preferences), so that the REST view can show each entity exactly as the
accepted events left it. A copy costs a constructor call (one to two
microseconds): the copies are made on every event of a run with a ``/v1``
API, so they must be cheap.

A snapshot is ``(kind, id, frozen, live)``: ``kind`` names the view's table
(``group``, ``invoice``, ``guest``, ``employee``, ``session``, ``booking``),
``id`` is the lowercase GUID (a class session's or registration's number),
``frozen`` the copy that reads render, ``live`` the world's own entity that
writes act on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

from mockzenoti.model import (
    Appointment,
    AppointmentGroup,
    ClassBooking,
    ClassSession,
    CommunicationPreferences,
    Employee,
    Guest,
    Invoice,
)

__all__ = ["Snapshot", "freeze"]

T = TypeVar("T")

#: (table, lowercase id, frozen copy, the live entity)
Snapshot = tuple[str, str, Any, Any]


def _cloner(cls: type[T]) -> Callable[[T], T]:
    """A fast shallow copy: the constructor called with the instance's field values."""
    names = [f.name for f in dataclasses.fields(cls) if f.init]  # type: ignore[arg-type]
    get = attrgetter(*names)

    def clone(obj: T) -> T:
        return cls(*get(obj))

    return clone


_guest = _cloner(Guest)
_prefs = _cloner(CommunicationPreferences)
_group = _cloner(AppointmentGroup)
_appointment = _cloner(Appointment)
_invoice = _cloner(Invoice)
_employee = _cloner(Employee)
_session = _cloner(ClassSession)
_booking = _cloner(ClassBooking)


def frozen_guest(guest: Guest) -> Guest:
    """A copy of ``guest`` that later changes to the guest do not reach."""
    copy = _guest(guest)
    copy.preferences = _prefs(guest.preferences)
    copy.holds = []
    return copy


def frozen_group(group: AppointmentGroup, guest: Guest) -> AppointmentGroup:
    """A copy of ``group`` (appointments copied) naming the frozen ``guest``."""
    copy = _group(group)
    copy.appointments = [_appointment(a) for a in group.appointments]
    copy.guest = guest
    return copy


def frozen_invoice(invoice: Invoice, guest: Guest) -> Invoice:
    """A copy of ``invoice`` (lines and payments copied) naming the frozen ``guest``."""
    copy = _invoice(invoice)
    copy.items = list(invoice.items)
    copy.transactions = list(invoice.transactions)
    copy.guest = guest
    return copy


def frozen_employee(employee: Employee) -> Employee:
    """A copy of ``employee``."""
    copy = _employee(employee)
    copy.holds = []
    return copy


#: Events whose group, invoice or registration brings its guest along (a guest who
#: predates the stream is known from the first of them that names them).
_WITH_GUEST = frozenset({"AppointmentGroup.Created", "Invoice.Closed", "Class.Booking.Created"})


def freeze(subjects: tuple[object, ...], name: str = "") -> tuple[Snapshot, ...]:
    """Snapshots of the entities event ``name`` changed that the REST view shows.

    The events of ``_WITH_GUEST`` bring the guest they name along; the
    others leave the guest as their last snapshot has it (reads look guests
    up by id).
    """
    out: list[Snapshot] = []
    guests: dict[str, Guest] = {}
    with_guest = name in _WITH_GUEST

    def guest_of(g: Guest) -> Guest:
        if not with_guest:
            return g
        copy = guests.get(g.id)
        if copy is None:
            copy = guests[g.id] = frozen_guest(g)
            out.append(("guest", g.id.lower(), copy, g))
        return copy

    for subject in subjects:
        if isinstance(subject, AppointmentGroup):
            guest = guest_of(subject.guest)
            out.append(("group", subject.id.lower(), frozen_group(subject, guest), subject))
        elif isinstance(subject, Invoice):
            guest = guest_of(subject.guest)
            out.append(("invoice", subject.id.lower(), frozen_invoice(subject, guest), subject))
        elif isinstance(subject, Guest):
            copy = frozen_guest(subject)
            guests[subject.id] = copy
            out.append(("guest", subject.id.lower(), copy, subject))
        elif isinstance(subject, Employee):
            out.append(("employee", subject.id.lower(), frozen_employee(subject), subject))
        elif isinstance(subject, ClassSession):
            session = _session(subject)
            session.bookings = []
            out.append(("session", str(subject.session_id), session, subject))
        elif isinstance(subject, ClassBooking):
            guest_of(subject.guest)
            out.append(("booking", str(subject.registration_id), _booking(subject), subject))
    return tuple(out)
