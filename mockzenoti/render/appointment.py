"""Appointment section: Started, Completed, Feedback (V1 and V2).

Appointment ``start_time``/``end_time`` are UTC here, as in
AppointmentGroup.Created, the one webhook that shows both UTC and local
times (inferred for these events; see docs/fidelity.md).
"""

from __future__ import annotations

from typing import Any

from mockzenoti.model import Appointment, AppointmentGroup, Feedback
from mockzenoti.render._common import utc

__all__ = [
    "appointment_completed",
    "appointment_item",
    "appointment_progress",
    "appointment_started",
    "feedback_v1",
    "feedback_v2",
]


def appointment_item(appt: Appointment) -> dict[str, Any]:
    """One appointment as Invoice.Closed lists it (typos kept: ``serviceduration_in_miutes``)."""
    therapist = appt.therapist
    return {
        "id": appt.id,
        "invoice_item_id": appt.invoice_item_id,
        "service_name": appt.service.name,
        "service_id": appt.service.id,
        "start_time": utc(appt.start_ticks),
        "end_time": utc(appt.end_ticks),
        "serviceduration_in_miutes": appt.minutes,
        "has_add_ons": appt.has_add_ons,
        "is_add_on": appt.is_add_on,
        "therapist_name": therapist.name,
        "TherapistId": therapist.id,
        "is_recurring": False,
        "appointment_type": appt.appointment_type,
        "therapist_request_type": appt.therapist_request_type,
        "room_name": appt.room.name if appt.room is not None else "",
        "equipment_name": appt.equipment_name,
    }


def _progress_item(appt: Appointment) -> dict[str, Any]:
    item = appointment_item(appt)
    item["room_id"] = appt.room.id if appt.room is not None else ""
    item["equipment_id"] = ""
    item["appointment_progress"] = appt.progress
    return item


def appointment_progress(group: AppointmentGroup) -> dict[str, Any]:
    """The shared data of Started and Completed: the group with each appointment's progress."""
    return {
        "invoice_id": group.invoice.id,
        "invoice_number": str(group.invoice.number),
        "appointment_group_id": group.id,
        "center_id": group.center.id,
        "appointments": [_progress_item(a) for a in group.appointments],
    }


def appointment_started(group: AppointmentGroup) -> dict[str, Any]:
    """``Appointment.Started``: set ``progress`` 1 on the started appointments first."""
    return appointment_progress(group)


def appointment_completed(group: AppointmentGroup) -> dict[str, Any]:
    """``Appointment.Completed``: set ``progress`` 2 on the completed appointments first."""
    return appointment_progress(group)


def _feedback_head(feedback: Feedback) -> dict[str, Any]:
    group = feedback.group
    return {
        "organization_id": group.center.org.id,
        "center_id": group.center.id,
        "user_id": group.guest.id,
        "version": feedback.version,
        "appointment_group_id": group.id,
    }


def feedback_v1(feedback: Feedback) -> dict[str, Any]:
    """``Appointment.Feedback.V1``: four ratings, a comment, recommend and share flags."""
    service, therapist, ambience, cleanliness = feedback.ratings
    data = _feedback_head(feedback)
    data["rating_value"] = {
        "service": service,
        "therapist": therapist,
        "ambience": ambience,
        "cleanliness": cleanliness,
    }
    data["comments"] = feedback.comments
    data["source"] = feedback.source
    data["recommendation"] = feedback.recommendation
    data["share_feedback"] = feedback.share_feedback
    return data


def feedback_v2(feedback: Feedback) -> dict[str, Any]:
    """``Appointment.Feedback.V2``: one rating and the tags the guest picked."""
    data = _feedback_head(feedback)
    data["rating_value"] = feedback.rating
    data["guest_feedback_tags"] = [{"id": i, "name": name} for i, name in feedback.tags]
    data["comments"] = feedback.comments
    data["source"] = feedback.source
    return data
