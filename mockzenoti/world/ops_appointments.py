"""World operations on appointment groups: AppointmentGroup.*, Appointment.*, Invoice.Closed.

A booking creates the group and opens its invoice (``AppointmentGroup.Created``);
status changes use Zenoti's status codes (Confirm 4, Checkin 2, Cancelled -1,
NoShow -2, Closed 1). Each appointment is started and completed in turn;
closing needs every appointment completed and sends ``Invoice.Closed`` (whose
``appointment_group_id`` points back to the group) then the Closed status.
A payment that leaves a balance (``pay_group``) sends ``Invoice.Closed`` with
``is_closed: false`` and the group stays checked in until it is closed; a
refund of a closed visit (``refund_group``) is a new invoice, ``is_refund:
true`` with negative amounts, naming the group. A reschedule books a new
group for the same services and guest, then cancels the old one; each names
the other in the truth file. A checkout (Zenoti's ``POST
/v1/invoices/{id}/close`` on a visit nobody marked done) closes a group whose
appointments have all begun, without the Started/Completed events the front
desk would have sent.

Each operation is a function of the world's state (``World`` lists them as
its methods): it checks the rules, changes the entities and emits.
"""

from __future__ import annotations

from mockzenoti.model import AppointmentGroup, Center, Employee, Guest, Invoice, Service
from mockzenoti.render import appointment as render_appointment
from mockzenoti.render import appointment_group as render_group
from mockzenoti.render import invoice as render_invoice
from mockzenoti.world.holds import hold
from mockzenoti.world.keys import group_keys, invoice_keys
from mockzenoti.world.ops_people import use_guest
from mockzenoti.world.rules import TransitionError, group_state, require
from mockzenoti.world.state import WorldState

__all__ = [
    "book_appointment",
    "cancel_group",
    "check_in_group",
    "checkout_group",
    "close_group",
    "complete_appointment",
    "confirm_group",
    "give_feedback",
    "no_show_group",
    "pay_group",
    "refund_group",
    "reschedule_group",
    "start_appointment",
]

_STATUS = {"confirm": 4, "check-in": 2, "cancel": -1, "no-show": -2}


def _what(g: AppointmentGroup) -> str:
    return f"appointment group {g.id}"


def _group_rule(world: WorldState, g: AppointmentGroup, action: str) -> None:
    # the agenda's clock, not the ``now`` property: one call less per event
    start, end = g.appointments[0].start_ticks, g.appointments[-1].end_ticks
    now, tz = world.agenda.now, g.center.tz
    require("appointment", action, group_state(g), lambda: _what(g), now, start, end, tz)


def _emit_status(world: WorldState, g: AppointmentGroup) -> None:
    data = render_group.appointment_group_status(g)
    world.emit("AppointmentGroup.Status", data, group_keys(g), g.center.id, (g,))


def book_appointment(
    world: WorldState,
    center: Center,
    guest: Guest,
    start: int,
    *,
    services: list[Service] | None = None,
    therapists: list[Employee | None] | None = None,
    utm: tuple[str, str] | None = None,
    rescheduled_from: AppointmentGroup | None = None,
) -> AppointmentGroup:
    """``AppointmentGroup.Created``: ``guest`` books ``services`` (or typical ones).

    ``therapists`` (one per service; None: anyone) chooses who performs them;
    ``utm``: the booking's (utm_source, utm_medium): ``("booknow", "google")``
    for Zenoti's widget, ``("", "")`` for the front desk or a booking made
    without a link (such as through the API); None: drawn.
    """
    now = world.agenda.now
    if start <= now:
        raise TransitionError("an appointment must start after it is booked")
    use_guest(world, guest)
    g = world.factory.appointment_group(
        center, guest, start, now, services=services, therapists=therapists, utm=utm
    )
    if rescheduled_from is not None:
        g.rescheduled_from = rescheduled_from.id
    hold(guest, g, now)
    for a in g.appointments:
        if a.therapist.hired_in_stream:
            hold(a.therapist, g, now)
    data = render_group.appointment_group_created(g)
    world.emit("AppointmentGroup.Created", data, group_keys(g), center.id, (g, g.invoice))
    return g


def _status(world: WorldState, g: AppointmentGroup, action: str) -> None:
    _group_rule(world, g, action)
    g.status = _STATUS[action]
    _emit_status(world, g)


def confirm_group(world: WorldState, g: AppointmentGroup) -> None:
    """Status Confirm (4)."""
    _status(world, g, "confirm")


def check_in_group(world: WorldState, g: AppointmentGroup) -> None:
    """Status Checkin (2): the guest has arrived."""
    _status(world, g, "check-in")


def cancel_group(world: WorldState, g: AppointmentGroup) -> None:
    """Status Cancelled (-1)."""
    _status(world, g, "cancel")


def no_show_group(world: WorldState, g: AppointmentGroup) -> None:
    """Status NoShow (-2): only once the first appointment's start has passed."""
    _status(world, g, "no-show")


def start_appointment(world: WorldState, g: AppointmentGroup) -> None:
    """``Appointment.Started``: the next appointment not yet started begins (progress 1)."""
    _group_rule(world, g, "start")
    for a in g.appointments:
        if a.progress == 1:
            busy = a.service.name
            raise TransitionError(
                f"cannot start the next service of {_what(g)}: {busy} is still in progress"
            )
        if a.progress == 0:
            a.progress = 1
            break
    else:
        raise TransitionError(f"cannot start {_what(g)}: every service has been done")
    data = render_appointment.appointment_started(g)
    world.emit("Appointment.Started", data, group_keys(g), g.center.id, (g,))


def complete_appointment(world: WorldState, g: AppointmentGroup) -> None:
    """``Appointment.Completed``: the appointment in progress is done (progress 2)."""
    _group_rule(world, g, "complete")
    for a in g.appointments:
        if a.progress == 1:
            a.progress = 2
            break
    else:
        raise TransitionError(f"cannot complete {_what(g)}: no service is in progress")
    data = render_appointment.appointment_completed(g)
    world.emit("Appointment.Completed", data, group_keys(g), g.center.id, (g,))


def _pay(world: WorldState, g: AppointmentGroup, action: str, retail: bool | None) -> None:
    _group_rule(world, g, action)
    if any(a.progress != 2 for a in g.appointments):
        raise TransitionError(f"cannot {action} {_what(g)}: not every service is completed")
    partial = action == "pay"
    world.factory.close_invoice(g.invoice, world.now, retail=retail, partial=partial)
    data = render_invoice.invoice_closed(g.invoice)
    world.emit("Invoice.Closed", data, invoice_keys(g), g.center.id, (g.invoice,))


def close_group(world: WorldState, g: AppointmentGroup, *, retail: bool | None = None) -> None:
    """``Invoice.Closed`` (payment taken, maybe a retail line), then status Closed (1)."""
    _pay(world, g, "close", retail)
    g.status = 1
    _emit_status(world, g)


def pay_group(world: WorldState, g: AppointmentGroup, *, retail: bool | None = None) -> None:
    """``Invoice.Closed`` with ``is_closed: false``: part paid, the balance still open.

    The group stays checked in; ``close_group`` takes the rest later. A visit
    that costs nothing cannot be paid in part.
    """
    if g.invoice.total <= 0:
        raise TransitionError(f"cannot pay part of {_what(g)}: nothing is due")
    _pay(world, g, "pay", retail)


def refund_group(world: WorldState, g: AppointmentGroup) -> Invoice:
    """``Invoice.Closed`` of a refund: a new invoice naming ``g``, ``is_refund``, negative.

    A retail product of the visit is returned, or part of the service given back.
    """
    _group_rule(world, g, "refund")
    if not any(item.final > 0 for item in g.invoice.items):
        raise TransitionError(f"cannot refund {_what(g)}: nothing of it was paid for")
    use_guest(world, g.guest)
    refund = world.factory.refund_invoice(g.invoice, world.now)
    g.refund_due = False
    data = render_invoice.invoice_closed(refund)
    keys = (refund.key, *group_keys(g))
    world.emit("Invoice.Closed", data, keys, g.center.id, (refund,))
    return refund


def checkout_group(world: WorldState, g: AppointmentGroup) -> None:
    """Close the visit at the desk: ``Invoice.Closed`` then status Closed (1).

    Allowed once every appointment of the group has begun (no appointment in
    the future: Zenoti's error 1113), from new, confirmed or checked in. The
    services count as done; no Appointment.Started/Completed is sent for them.
    """
    last = g.appointments[-1].start_ticks
    now, tz = world.agenda.now, g.center.tz
    require("appointment", "checkout", group_state(g), lambda: _what(g), now, last, last, tz)
    for a in g.appointments:
        a.progress = 2
    world.factory.close_invoice(g.invoice, now)
    data = render_invoice.invoice_closed(g.invoice)
    world.emit("Invoice.Closed", data, invoice_keys(g), g.center.id, (g.invoice,))
    g.status = 1
    _emit_status(world, g)


def reschedule_group(world: WorldState, g: AppointmentGroup, start: int) -> AppointmentGroup:
    """A new group for the same guest and services at ``start``; the old one is cancelled."""
    _group_rule(world, g, "reschedule")
    services = [a.service for a in g.appointments]
    utm = (g.utm_source, g.utm_medium)  # the visit's booking source, kept
    new = book_appointment(
        world, g.center, g.guest, start, services=services, rescheduled_from=g, utm=utm
    )
    g.rescheduled_to = new.id
    g.status = -1
    _emit_status(world, g)
    return new


def give_feedback(
    world: WorldState,
    g: AppointmentGroup,
    *,
    version: int | None = None,
    rating: int | None = None,
) -> None:
    """``Appointment.Feedback.V1``/``V2`` (the organization's form unless ``version``)."""
    _group_rule(world, g, "feedback")
    if g.feedback_version is not None:
        raise TransitionError(f"cannot give feedback on {_what(g)} twice")
    version = version or world.feedback_version
    feedback = world.factory.feedback(g, version)
    if rating is not None:
        feedback.rating = rating
        feedback.ratings = (rating, rating, rating, rating)
        feedback.recommendation = rating >= 4
    g.feedback_version = version
    g.feedback_due = False
    render = render_appointment.feedback_v1 if version == 1 else render_appointment.feedback_v2
    name = f"Appointment.Feedback.V{version}"
    world.emit(name, render(feedback), (g.key, g.guest.key), g.center.id, (g,))
