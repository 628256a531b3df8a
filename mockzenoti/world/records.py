"""Truth records: what a correct consumer knows of one entity after an event about it.

``record(entity)`` returns ``(section, id, fields)`` for the truth file
(``docs/truth.md``). The world computes a record for each entity an event
changes at the moment it renders the event, and the simulation applies it
only when it hands the event out: the truth after N events is exactly what
those N events said. Records are fresh dicts, never changed afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockzenoti.model import (
    AppointmentGroup,
    ClassBooking,
    ClassSession,
    Employee,
    Guest,
    GuestMembership,
    GuestPackage,
    Invoice,
)
from mockzenoti.render._common import local, local_day, money, utc
from mockzenoti.render.guest import mobile_phone
from mockzenoti.render.invoice import receipt_text
from mockzenoti.world.rules import (
    STATUS_NAMES,
    booking_state,
    employee_state,
    group_state,
    guest_state,
    membership_state,
    package_state,
)

__all__ = ["SECTIONS", "Record", "record"]

# (section, id, fields)
Record = tuple[str, str, dict[str, Any]]

SECTIONS = (
    "sessions",
    "bookings",
    "appointment_groups",
    "invoices",
    "memberships",
    "packages",
    "guests",
    "employees",
)


def _session(s: ClassSession) -> Record:
    tz = s.center.tz
    return (
        "sessions",
        str(s.session_id),
        {
            "state": s.state,
            "center_id": s.center.id,
            "class_id": s.offering.class_id,
            "class_name": s.offering.name,
            "start_time": local(s.start_ticks, tz),
            "end_time": local(s.end_ticks, tz),
            "duration_in_mins": s.minutes,
            "capacity": s.capacity,
            "web_capacity": s.web_capacity,
            "seats_taken": s.occupied,
        },
    )


def _booking(b: ClassBooking) -> Record:
    return (
        "bookings",
        str(b.registration_id),
        {
            "state": booking_state(b),
            "session_id": b.session.session_id,
            "guest_id": b.guest.id,
            "center_id": b.session.center.id,
            "waitlist": b.waitlist,
        },
    )


def _group(g: AppointmentGroup) -> Record:
    return (
        "appointment_groups",
        g.id,
        {
            "state": group_state(g),
            "status": g.status,
            "status_name": STATUS_NAMES.get(g.status, str(g.status)),
            "center_id": g.center.id,
            "guest_id": g.guest.id,
            "invoice_id": g.invoice.id,
            "rescheduled_from": g.rescheduled_from,
            "rescheduled_to": g.rescheduled_to,
            "appointments": [
                {
                    "id": a.id,
                    "service_id": a.service.id,
                    "therapist_id": a.therapist.id,
                    "start_time": utc(a.start_ticks),
                    "end_time": utc(a.end_ticks),
                    "progress": a.progress,
                }
                for a in g.appointments
            ],
            "feedback_version": g.feedback_version,
        },
    )


def _invoice(i: Invoice) -> Record:
    closed = i.is_closed
    told = i.paid_ticks is not None  # an Invoice.Closed has been sent (closed or not)
    return (
        "invoices",
        i.id,
        {
            "state": "closed" if closed else "open",
            "appointment_group_id": i.group.id if i.group is not None else None,
            "guest_id": i.guest.id,
            "center_id": i.center.id,
            "invoice_number": str(i.number),
            "invoice_number_prefix": i.center.invoice_prefix,
            "receipt_number": receipt_text(i) if closed else None,
            "total": money(i.total) if told else None,
            "paid": money(i.paid) if told else None,
            "is_refund": i.is_refund,
        },
    )


def _membership(m: GuestMembership) -> Record:
    return (
        "memberships",
        m.id,
        {
            "state": membership_state(m),
            "guest_id": m.guest.id,
            "center_id": m.center.id,
            "plan_id": m.plan.id,
            "plan_name": m.plan.name,
            "invoice_id": m.invoice.id,
            "expiry_date": local_day(m.expiry_ticks, m.center.tz),
            "guestpass_balance": m.guestpass_balance,
        },
    )


def _package(p: GuestPackage) -> Record:
    return (
        "packages",
        p.id,
        {
            "state": package_state(p),
            "guest_id": p.guest.id,
            "center_id": p.center.id,
            "plan_id": p.plan.id,
            "plan_name": p.plan.name,
            "invoice_id": p.invoice.id,
            "end": local(p.end_ticks, p.center.tz),
            "balances": [
                {"service_id": b.service.id, "total": b.total, "used": b.used, "balance": b.balance}
                for b in p.balances
            ],
        },
    )


def _guest(g: Guest) -> Record:
    return (
        "guests",
        g.id,
        {
            "state": guest_state(g),
            "center_id": g.center.id,
            "code": g.code,
            "first_name": g.first_name,
            "last_name": g.last_name,
            "email": g.email,
            "mobile_phone": mobile_phone(g),
            "preferences": g.preferences.as_dict(),
            "predates_stream": g.predates_stream,
        },
    )


def _employee(e: Employee) -> Record:
    return (
        "employees",
        e.id,
        {
            "state": employee_state(e),
            "center_id": e.center.id,
            "first_name": e.first_name,
            "last_name": e.last_name,
            "email": e.email,
            "job_name": e.job_name,
        },
    )


_RECORDERS: dict[type, Callable[[Any], Record]] = {
    ClassSession: _session,
    ClassBooking: _booking,
    AppointmentGroup: _group,
    Invoice: _invoice,
    GuestMembership: _membership,
    GuestPackage: _package,
    Guest: _guest,
    Employee: _employee,
}


def record(entity: object) -> Record:
    """The truth record of ``entity`` as it is now."""
    return _RECORDERS[type(entity)](entity)
