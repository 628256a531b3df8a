"""Entity keys of world events: what per-entity ordering holds an event back on.

The delivery engine holds an event until the earlier events sharing any of
its keys are settled. The keys below keep every causal order a consumer
relies on, and nothing more:

- a class booking names its booking, its session and its guest: it follows
  ``Class.Schedule.Created`` and the guest's ``Guest.Created``, and
  ``Class.Schedule.Cancelled`` waits for the bookings the cancellation ended;
- appointment-group events name the group and the guest; ``Invoice.Closed``
  names the invoice, the group and the guest;
- memberships and packages name themselves and their guest;
- **the guest key is on every event about a guest**: ``Guest.Deleted`` must
  trail all of the guest's events and ``Guest.Created`` must lead them, which
  only a shared key guarantees. It costs little: one guest has a handful of
  events a day, so the chains it forms are short;
- an employee key is added only for employees hired during the stream
  (``Employee.Created``), which are the only ones the world deletes: the
  fixed setup's staff are known before the stream starts, and keying every
  appointment on its therapist would serialise a therapist's whole day.

Center, service, room and plan ids come from the fixed setup and get no key.
"""

from __future__ import annotations

from mockzenoti.model import AppointmentGroup, ClassBooking, Employee, GuestPackage

__all__ = ["booking_keys", "group_keys", "invoice_keys", "package_keys", "staff_keys"]


def staff_keys(employees: list[Employee]) -> tuple[str, ...]:
    """Keys of the employees among ``employees`` hired during the stream, each once."""
    keys: list[str] = []
    for e in employees:
        if e.hired_in_stream and e.key not in keys:
            keys.append(e.key)
    return tuple(keys)


def booking_keys(b: ClassBooking) -> tuple[str, ...]:
    """A class booking's event: the booking, its session, its guest."""
    return (b.key, b.session.key, b.guest.key)


def group_keys(g: AppointmentGroup) -> tuple[str, ...]:
    """An appointment-group event: the group, its guest, its stream-hired therapists."""
    for a in g.appointments:
        if a.therapist.hired_in_stream:
            return (g.key, g.guest.key, *staff_keys([a.therapist for a in g.appointments]))
    return (g.key, g.guest.key)


def invoice_keys(g: AppointmentGroup) -> tuple[str, ...]:
    """``Invoice.Closed`` of a group's invoice: the invoice first, then the group's keys."""
    return (g.invoice.key, *group_keys(g))


def package_keys(p: GuestPackage, *, redemption: bool = False) -> tuple[str, ...]:
    """A package event: the package, its guest (and for a redemption event its therapist)."""
    last = p.last_redemption
    if redemption and last is not None:
        return (p.key, p.guest.key, *staff_keys([last.therapist]))
    return (p.key, p.guest.key)
