"""Class booking section: Created, Cancelled, Deleted, NoShow; Approved, Rejected.

The four documented events share one shape; ``add_to_all`` is 0 and
``waitlist`` false in Created and both null in the others, as documented.
Approved and Rejected (data-only in the docs) have their own key order and
list the companions booked with the guest (``training_virtual_guests``).
"""

from __future__ import annotations

from typing import Any

from mockzenoti.model import ClassBooking, Guest

__all__ = [
    "booking_approved",
    "booking_cancelled",
    "booking_created",
    "booking_deleted",
    "booking_no_show",
    "booking_rejected",
    "booking_review",
    "class_booking",
]

TRACK_NONE = -1  # track_id of a class that is not part of a track


def class_booking(booking: ClassBooking, *, created: bool = False) -> dict[str, Any]:
    """The shared data of Created, Cancelled, Deleted and NoShow."""
    session = booking.session
    offering = session.offering
    return {
        "workshop_id": offering.workshop_id,
        "track_id": TRACK_NONE,
        "class_id": offering.class_id,
        "session_id": session.session_id,
        "add_to_all": 0 if created else None,
        "training_virtual_guests": None,
        "guest_id": booking.guest.id,
        "center_id": session.center.id,
        "waitlist": booking.waitlist if created else None,
        "booking_source": None,
        "registration_id": booking.registration_id,
        "group_invoice_id": None,
        "is_recurring": False,
        "recurrence_id": None,
        "recurrence_registration_ids": None,
        "guest_registration_ids": None,
    }


def booking_created(booking: ClassBooking) -> dict[str, Any]:
    """``Class.Booking.Created``."""
    return class_booking(booking, created=True)


def booking_cancelled(booking: ClassBooking) -> dict[str, Any]:
    """``Class.Booking.Cancelled``."""
    return class_booking(booking)


def booking_deleted(booking: ClassBooking) -> dict[str, Any]:
    """``Class.Booking.Deleted``."""
    return class_booking(booking)


def booking_no_show(booking: ClassBooking) -> dict[str, Any]:
    """``Class.Booking.NoShow`` (only after the session started)."""
    return class_booking(booking)


def _companion(guest: Guest, registration_id: int) -> dict[str, Any]:
    return {
        "guest_id": guest.id,
        "registration_id": registration_id,
        "first_name": guest.first_name,
        "last_name": guest.last_name,
        "email": guest.email,
        # The docs write this number as a JSON number, not a string; null without a mobile.
        "mobile_phone": (
            None
            if guest.mobile is None
            else {"country_code": guest.mobile.country_code, "number": int(guest.mobile.number)}
        ),
        "gender": guest.gender,
    }


def booking_review(
    booking: ClassBooking, companions: list[tuple[Guest, int]] | None = None
) -> dict[str, Any]:
    """The data of Approved and Rejected: a waitlisted booking decided by staff.

    ``companions`` are (guest, registration id) pairs booked in the same group.
    """
    session = booking.session
    offering = session.offering
    return {
        "workshop_id": offering.workshop_id,
        "track_id": TRACK_NONE,
        "class_id": offering.class_id,
        "session_id": session.session_id,
        "add_to_all": 0,
        "guest_id": booking.guest.id,
        "center_id": session.center.id,
        "waitlist": booking.waitlist,
        "booking_source": booking.booking_source,
        "registration_id": booking.registration_id,
        "group_invoice_id": booking.group_invoice_id,
        "training_virtual_guests": [_companion(g, r) for g, r in companions or ()],
        "recurrence_id": booking.recurrence_id,
        "recurrence_registration_ids": booking.recurrence_registration_ids,
    }


def booking_approved(
    booking: ClassBooking, companions: list[tuple[Guest, int]] | None = None
) -> dict[str, Any]:
    """``Class.Booking.Approved`` (inferred name)."""
    return booking_review(booking, companions)


def booking_rejected(
    booking: ClassBooking, companions: list[tuple[Guest, int]] | None = None
) -> dict[str, Any]:
    """``Class.Booking.Rejected`` (inferred name)."""
    return booking_review(booking, companions)
