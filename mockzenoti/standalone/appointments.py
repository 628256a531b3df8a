"""Standalone appointment, appointment group and invoice events."""

from __future__ import annotations

from mockzenoti.model import AppointmentGroup
from mockzenoti.render import appointment as render_appointment
from mockzenoti.render import appointment_group as render_group
from mockzenoti.render import invoice as render_invoice
from mockzenoti.standalone._scene import Builder, Built, Scene
from mockzenoti.timefmt import MINUTE_TICKS

__all__ = ["BUILDERS"]

# (status code, weight) of AppointmentGroup.Status changes: Checkin, Confirm, Cancelled,
# NoShow, Closed.
_STATUS_CHANGES = ((2, 40), (4, 20), (-1, 20), (-2, 8), (1, 12))


def _group_at(scene: Scene, t: int, start: int) -> AppointmentGroup:
    """A group of one guest whose first appointment starts at ``start``, booked before it."""
    guest = scene.guest(t)
    booked = min(scene.days_before(start, 0, 21), t - MINUTE_TICKS)
    return scene.factory.appointment_group(scene.center, guest, start, booked)


def _ended_by(scene: Scene, t: int, low_minutes: int, high_minutes: int) -> AppointmentGroup:
    """A completed group whose last appointment ended ``low``..``high`` minutes before ``t``."""
    group = _group_at(scene, t, t)
    first = group.appointments[0].start_ticks
    minutes = (group.appointments[-1].end_ticks - first) // MINUTE_TICKS
    shift = scene.slot_before(t, minutes, low_minutes, high_minutes) - first
    for appt in group.appointments:
        appt.start_ticks += shift
        appt.end_ticks += shift
        appt.progress = 2
    group.created_ticks = min(group.created_ticks, group.appointments[0].start_ticks)
    for appt in group.appointments:
        appt.created_ticks = appt.updated_ticks = group.created_ticks
    group.invoice.opened_ticks = group.created_ticks
    return group


def _keys(group: AppointmentGroup) -> tuple[str, ...]:
    return (group.key, group.invoice.key, group.guest.key)


def group_created(scene: Scene, t: int) -> Built:
    """A booking confirmed at ``t`` for a day up to three weeks ahead."""
    guest = scene.guest(t, low_days=0, high_days=400)
    group = scene.factory.appointment_group(scene.center, guest, t + MINUTE_TICKS, t)
    first = group.appointments[0].start_ticks
    minutes = (group.appointments[-1].end_ticks - first) // MINUTE_TICKS
    shift = scene.slot(t, 0, 21, minutes) - first  # a slot with room for every service
    for appt in group.appointments:
        appt.start_ticks += shift
        appt.end_ticks += shift
    return render_group.appointment_group_created(group), _keys(group)


def group_status(scene: Scene, t: int) -> Built:
    """A group's status changed at ``t``: check-in, confirmation, cancel, no-show, close."""
    rng = scene.factory.rng
    status = rng.choices([s for s, _ in _STATUS_CHANGES], [w for _, w in _STATUS_CHANGES])[0]
    if status in (2, -2):  # around the start
        start = t + rng.randrange(-10, 15) * MINUTE_TICKS
        start -= start % (5 * MINUTE_TICKS)
        group = _group_at(scene, t, start)
    elif status == 1:
        group = _ended_by(scene, t, 1, 30)
        scene.factory.close_invoice(group.invoice, t)
    else:
        group = _group_at(scene, t, scene.slot(t, 1, 14, 90))
    group.status = status
    return render_group.appointment_group_status(group), _keys(group)


def appointment_started(scene: Scene, t: int) -> Built:
    """The first appointment of a group started at ``t``."""
    group = _group_at(scene, t, t - t % (5 * MINUTE_TICKS))
    group.status = 2
    group.appointments[0].progress = 1
    return render_appointment.appointment_started(group), _keys(group)


def appointment_completed(scene: Scene, t: int) -> Built:
    """A group's appointments completed at ``t``."""
    group = _ended_by(scene, t, 0, 10)
    group.status = 2
    return render_appointment.appointment_completed(group), _keys(group)


def _feedback(scene: Scene, t: int, version: int) -> Built:
    group = _ended_by(scene, t, 30, 60 * 30)
    group.status = 1
    feedback = scene.factory.feedback(group, version)
    data = (render_appointment.feedback_v1 if version == 1 else render_appointment.feedback_v2)(
        feedback
    )
    return data, _keys(group)


def feedback_v1(scene: Scene, t: int) -> Built:
    """Feedback (V1 shape) left at ``t`` for a visit earlier that day or the day before."""
    return _feedback(scene, t, 1)


def feedback_v2(scene: Scene, t: int) -> Built:
    """Feedback (V2 shape) left at ``t``."""
    return _feedback(scene, t, 2)


def invoice_closed(scene: Scene, t: int) -> Built:
    """An invoice closed at ``t``, shortly after the group's last appointment ended."""
    group = _ended_by(scene, t, 1, 25)
    group.status = 1
    invoice = scene.factory.close_invoice(group.invoice, t)
    return render_invoice.invoice_closed(invoice), (invoice.key, group.key, group.guest.key)


BUILDERS: dict[str, Builder] = {
    "Invoice.Closed": invoice_closed,
    "Appointment.Started": appointment_started,
    "Appointment.Completed": appointment_completed,
    "Appointment.Feedback.V1": feedback_v1,
    "Appointment.Feedback.V2": feedback_v2,
    "AppointmentGroup.Created": group_created,
    "AppointmentGroup.Status": group_status,
}
