"""Appointment group section: Created, Status.

In ``AppointmentGroup.Created`` (documented) ``start_time``/``end_time`` are UTC
and ``start_time_in_center``/``end_time_in_center`` the center's local wall
time in its real zone (Bellevue sample: 16:15 UTC = 09:15 local);
``creation_date``/``last_updated_on`` are UTC (they match the sample's
``event_timestamp``). Typo kept: ``center_Name``.
"""

from __future__ import annotations

from typing import Any

from mockzenoti.model import Appointment, AppointmentGroup
from mockzenoti.render._common import ZERO_GUID, local, utc
from mockzenoti.render.invoice import receipt_text

__all__ = ["appointment_group_created", "appointment_group_status", "yes_no"]


def yes_no(flag: bool) -> str:
    """Zenoti's string flags: ``"Yes"`` / ``"No"``."""
    return "Yes" if flag else "No"


def _appointment(appt: Appointment, tz: str) -> dict[str, Any]:
    therapist = appt.therapist
    room = appt.room
    return {
        "id": appt.id,
        "invoice_item_id": appt.invoice_item_id,
        "service_name": appt.service.name,
        "service_id": appt.service.id,
        "start_time": utc(appt.start_ticks),
        "end_time": utc(appt.end_ticks),
        "start_time_in_center": local(appt.start_ticks, tz),
        "end_time_in_center": local(appt.end_ticks, tz),
        "creation_date": utc(appt.created_ticks),
        "last_updated_on": utc(appt.updated_ticks),
        "service_duration_in_minutes": appt.minutes,
        "has_add_ons": appt.has_add_ons,
        "is_add_on": appt.is_add_on,
        "therapist_name": therapist.name,
        "therapist_id": therapist.id,
        "is_recurring": False,
        "show_in_calendar": True,
        "appointment_type": appt.appointment_type,
        "therapist_request_type": appt.therapist_request_type,
        "room_id": room.id if room is not None else ZERO_GUID,
        "room_name": room.name if room is not None else "",
        "equipment_name": appt.equipment_name,
    }


def appointment_group_created(group: AppointmentGroup) -> dict[str, Any]:
    """``AppointmentGroup.Created``: fired at booking, paid or not, with the link's UTM values."""
    center = group.center
    guest = group.guest
    tz = center.tz
    return {
        "invoice_id": group.invoice.id,
        "invoice_number": str(group.invoice.number),
        "invoice_number_prefix": center.invoice_prefix,
        "utm_source": group.utm_source,
        "utm_medium": group.utm_medium,
        "appointment_group_id": group.id,
        "organization_id": center.org.id,
        "center_id": center.id,
        "center_Name": center.name,
        "guest": {
            "id": guest.id,
            "first_name": guest.first_name,
            "last_name": guest.last_name,
            "email": guest.email,
        },
        "appointments": [_appointment(a, tz) for a in group.appointments],
    }


def appointment_group_status(group: AppointmentGroup) -> dict[str, Any]:
    """``AppointmentGroup.Status``: the group's status code after a change.

    Codes: NoShow -2, Cancelled -1, New 0, Closed 1, Checkin 2, Confirm 4 ...
    """
    invoice = group.invoice
    return {
        "invoice_id": invoice.id,
        "invoice_number": str(invoice.number),
        "receipt_number": receipt_text(invoice),
        "appointment_group_id": group.id,
        "appointment_group_status": group.status,
        "is_noshowfeerequired": yes_no(group.noshow_fee_required),
        "is_cancellationfeerequired": yes_no(group.cancellation_fee_required),
    }
