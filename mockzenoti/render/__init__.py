"""Renderers: entities in, Zenoti ``data`` objects out, one module per docs section.

Every function is pure (it reads entities, changes nothing) and returns a new
dict whose keys, key order, typos, types and nulls are those of the event's
documented sample. Some sub-dicts that never change (an employee's preference
block) are shared between events: never mutate a rendered ``data``; copy what
you change (``overrides`` does).

``RENDERERS`` maps each catalog name to its renderer; the argument is the
entity the event is about:

=================================================  =====================================
``Invoice.Closed``                                  ``Invoice`` (closed)
``Guest.Created`` / ``Updated`` / ``Deleted``       ``Guest``
``Guest.OptedIn`` / ``OptedOut``                    ``Guest, category, channel, ticks``
``Class.Schedule.*``                                ``ClassSession``
``Class.Booking.*``                                 ``ClassBooking`` (+ companions for
                                                    Approved / Rejected)
``Guest.Membership.*``                              ``GuestMembership``
``Guestpass.redeemed``                              ``GuestPassRedemption``
``Appointment.Started`` / ``Completed``             ``AppointmentGroup``
``Appointment.Feedback.V1`` / ``V2``                ``Feedback``
``AppointmentGroup.Created`` / ``Status``           ``AppointmentGroup``
``Employee.*``                                      ``Employee``
``Guest.Package.*``                                 ``GuestPackage`` (``last_redemption``
                                                    for the redemption events)
=================================================  =====================================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockzenoti.render.appointment import (
    appointment_completed,
    appointment_started,
    feedback_v1,
    feedback_v2,
)
from mockzenoti.render.appointment_group import (
    appointment_group_created,
    appointment_group_status,
)
from mockzenoti.render.class_booking import (
    booking_approved,
    booking_cancelled,
    booking_created,
    booking_deleted,
    booking_no_show,
    booking_rejected,
)
from mockzenoti.render.class_schedule import (
    schedule_cancelled,
    schedule_created,
    schedule_deleted,
    schedule_updated,
)
from mockzenoti.render.employee import employee_created, employee_deleted, employee_updated
from mockzenoti.render.guest import guest_created, guest_deleted, guest_opted, guest_updated
from mockzenoti.render.invoice import invoice_closed
from mockzenoti.render.membership import (
    guestpass_redeemed,
    membership_cancelled,
    membership_freeze,
    membership_reinstate,
    membership_unfreeze,
)
from mockzenoti.render.membership_created import membership_created
from mockzenoti.render.package import (
    package_creation,
    package_redemption,
    package_redemption_reversal,
    package_status_update,
    package_validity_update,
)

__all__ = ["RENDERERS"]

RENDERERS: dict[str, Callable[..., dict[str, Any]]] = {
    "Invoice.Closed": invoice_closed,
    "Guest.Created": guest_created,
    "Guest.Updated": guest_updated,
    "Guest.Deleted": guest_deleted,
    "Guest.OptedIn": guest_opted,
    "Guest.OptedOut": guest_opted,
    "Class.Schedule.Created": schedule_created,
    "Class.Schedule.Updated": schedule_updated,
    "Class.Schedule.Cancelled": schedule_cancelled,
    "Class.Schedule.Deleted": schedule_deleted,
    "Class.Booking.Created": booking_created,
    "Class.Booking.Cancelled": booking_cancelled,
    "Class.Booking.Deleted": booking_deleted,
    "Class.Booking.NoShow": booking_no_show,
    "Class.Booking.Approved": booking_approved,
    "Class.Booking.Rejected": booking_rejected,
    "Guest.Membership.Created": membership_created,
    "Guest.Membership.Freeze": membership_freeze,
    "Guest.Membership.Unfreeze": membership_unfreeze,
    "Guest.Membership.Cancelled": membership_cancelled,
    "Guest.Membership.Reinstate": membership_reinstate,
    "Guestpass.redeemed": guestpass_redeemed,
    "Appointment.Started": appointment_started,
    "Appointment.Completed": appointment_completed,
    "Appointment.Feedback.V1": feedback_v1,
    "Appointment.Feedback.V2": feedback_v2,
    "AppointmentGroup.Created": appointment_group_created,
    "AppointmentGroup.Status": appointment_group_status,
    "Employee.Created": employee_created,
    "Employee.Updated": employee_updated,
    "Employee.Deleted": employee_deleted,
    "Guest.Package.Creation": package_creation,
    "Guest.Package.Redemption": package_redemption,
    "Guest.Package.RedemptionReversal": package_redemption_reversal,
    "Guest.Package.StatusUpdate": package_status_update,
    "Guest.Package.ValidityUpdate": package_validity_update,
}
