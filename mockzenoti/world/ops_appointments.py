"""World operations on appointment groups: AppointmentGroup.*, Appointment.*, Invoice.Closed.

A booking creates the group and opens its invoice (``AppointmentGroup.Created``);
status changes use Zenoti's status codes (Confirm 4, Checkin 2, Cancelled -1,
NoShow -2, Closed 1). Each appointment is started and completed in turn;
closing needs every appointment completed and sends ``Invoice.Closed`` (whose
``appointment_group_id`` points back to the group) then the Closed status.
A reschedule books a new group for the same services and guest, then
cancels the old one; each names the other in the truth file.
"""

from __future__ import annotations

from mockzenoti.model import AppointmentGroup, Center, Guest, Service
from mockzenoti.render import appointment as render_appointment
from mockzenoti.render import appointment_group as render_group
from mockzenoti.render import invoice as render_invoice
from mockzenoti.world.holds import hold
from mockzenoti.world.keys import group_keys, invoice_keys
from mockzenoti.world.ops_classes import ClassOps
from mockzenoti.world.rules import TransitionError, group_state, require

__all__ = ["AppointmentOps"]

_STATUS = {"confirm": 4, "check-in": 2, "cancel": -1, "no-show": -2}


def _what(g: AppointmentGroup) -> str:
    return f"appointment group {g.id}"


class AppointmentOps(ClassOps):
    """Book, confirm, check in, start, complete, close, cancel, no-show, reschedule, feedback."""

    def _group_rule(self, g: AppointmentGroup, action: str) -> None:
        # the agenda's clock, not the ``now`` property: one call less per event
        start, end = g.appointments[0].start_ticks, g.appointments[-1].end_ticks
        require("appointment", action, group_state(g), lambda: _what(g), self.agenda.now, start,
                end, g.center.tz)  # fmt: skip

    def book_appointment(
        self,
        center: Center,
        guest: Guest,
        start: int,
        *,
        services: list[Service] | None = None,
        rescheduled_from: AppointmentGroup | None = None,
    ) -> AppointmentGroup:
        """``AppointmentGroup.Created``: ``guest`` books ``services`` (or typical ones)."""
        now = self.agenda.now
        if start <= now:
            raise TransitionError("an appointment must start after it is booked")
        self.use_guest(guest)
        g = self.factory.appointment_group(center, guest, start, now, services=services)
        if rescheduled_from is not None:
            g.rescheduled_from = rescheduled_from.id
        hold(guest, g, now)
        for a in g.appointments:
            if a.therapist.hired_in_stream:
                hold(a.therapist, g, now)
        self._emit("AppointmentGroup.Created", render_group.appointment_group_created(g),
                   group_keys(g), center.id, (g, g.invoice))  # fmt: skip
        return g

    def _status(self, g: AppointmentGroup, action: str) -> None:
        self._group_rule(g, action)
        g.status = _STATUS[action]
        self._emit("AppointmentGroup.Status", render_group.appointment_group_status(g),
                   group_keys(g), g.center.id, (g,))  # fmt: skip

    def confirm_group(self, g: AppointmentGroup) -> None:
        """Status Confirm (4)."""
        self._status(g, "confirm")

    def check_in_group(self, g: AppointmentGroup) -> None:
        """Status Checkin (2): the guest has arrived."""
        self._status(g, "check-in")

    def cancel_group(self, g: AppointmentGroup) -> None:
        """Status Cancelled (-1)."""
        self._status(g, "cancel")

    def no_show_group(self, g: AppointmentGroup) -> None:
        """Status NoShow (-2): only once the first appointment's start has passed."""
        self._status(g, "no-show")

    def start_appointment(self, g: AppointmentGroup) -> None:
        """``Appointment.Started``: the next appointment not yet started begins (progress 1)."""
        self._group_rule(g, "start")
        for a in g.appointments:
            if a.progress == 1:
                raise TransitionError(f"cannot start the next service of {_what(g)}: "
                                      f"{a.service.name} is still in progress")  # fmt: skip
            if a.progress == 0:
                a.progress = 1
                break
        else:
            raise TransitionError(f"cannot start {_what(g)}: every service has been done")
        self._emit("Appointment.Started", render_appointment.appointment_started(g),
                   group_keys(g), g.center.id, (g,))  # fmt: skip

    def complete_appointment(self, g: AppointmentGroup) -> None:
        """``Appointment.Completed``: the appointment in progress is done (progress 2)."""
        self._group_rule(g, "complete")
        for a in g.appointments:
            if a.progress == 1:
                a.progress = 2
                break
        else:
            raise TransitionError(f"cannot complete {_what(g)}: no service is in progress")
        self._emit("Appointment.Completed", render_appointment.appointment_completed(g),
                   group_keys(g), g.center.id, (g,))  # fmt: skip

    def close_group(self, g: AppointmentGroup, *, retail: bool | None = None) -> None:
        """``Invoice.Closed`` (payment taken, maybe a retail line), then status Closed (1)."""
        self._group_rule(g, "close")
        if any(a.progress != 2 for a in g.appointments):
            raise TransitionError(f"cannot close {_what(g)}: not every service is completed")
        self.factory.close_invoice(g.invoice, self.now, retail=retail)
        self._emit("Invoice.Closed", render_invoice.invoice_closed(g.invoice), invoice_keys(g),
                   g.center.id, (g.invoice,))  # fmt: skip
        g.status = 1
        self._emit("AppointmentGroup.Status", render_group.appointment_group_status(g),
                   group_keys(g), g.center.id, (g,))  # fmt: skip

    def reschedule_group(self, g: AppointmentGroup, start: int) -> AppointmentGroup:
        """A new group for the same guest and services at ``start``; the old one is cancelled."""
        self._group_rule(g, "reschedule")
        services = [a.service for a in g.appointments]
        new = self.book_appointment(g.center, g.guest, start, services=services,
                                    rescheduled_from=g)  # fmt: skip
        g.rescheduled_to = new.id
        g.status = -1
        self._emit("AppointmentGroup.Status", render_group.appointment_group_status(g),
                   group_keys(g), g.center.id, (g,))  # fmt: skip
        return new

    def give_feedback(
        self, g: AppointmentGroup, *, version: int | None = None, rating: int | None = None
    ) -> None:
        """``Appointment.Feedback.V1``/``V2`` (the organization's form unless ``version``)."""
        self._group_rule(g, "feedback")
        if g.feedback_version is not None:
            raise TransitionError(f"cannot give feedback on {_what(g)} twice")
        version = version or self.feedback_version
        feedback = self.factory.feedback(g, version)
        if rating is not None:
            feedback.rating = rating
            feedback.ratings = (rating, rating, rating, rating)
            feedback.recommendation = rating >= 4
        g.feedback_version = version
        g.feedback_due = False
        render = render_appointment.feedback_v1 if version == 1 else render_appointment.feedback_v2
        name = f"Appointment.Feedback.V{version}"
        self._emit(name, render(feedback), (g.key, g.guest.key), g.center.id, (g,))
