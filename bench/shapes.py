"""Zenoti-shaped webhook envelopes built by hand with ``random``: the references' events.

The shapes follow the documented samples field for field (envelope plus
``data``). A shape is a function ``(rng, fields, k) -> dict``; ``k`` (at least
1) is the number of repeated items (appointments of a group, items of an
invoice), the knob that sets the average event size. ``SHAPES`` and ``MIX``
(weights of a day at a salon, spa or studio) are what the builders draw from.

This is deliberately independent of mockzenoti's own code: it is what a person
writes by hand when they need Zenoti-looking traffic.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from bench.envelope import (
    CLASS_NAMES,
    EPOCH_2024,
    SERVICE_NAMES,
    Fields,
    Payload,
    envelope,
    guid,
    naive,
)
from bench.shapes_big import employee, invoice_closed

__all__ = ["MIX", "SHAPES", "Shape"]


def guest(rng: random.Random, f: Fields, k: int) -> Payload:
    """``Guest.Created`` / ``Updated`` (about 1.2 KB)."""
    etype = rng.choice(("Guest.Created", "Guest.Updated"))
    flags = {
        n: rng.random() < 0.8
        for n in (
            "receive_transactional_email",
            "receive_transactional_sms",
            "receive_marketing_email",
            "receive_marketing_sms",
            "recieve_lp_stmt",
            "opt_in_for_loyalty_program",
        )
    }
    optins = {
        n: rng.randrange(3)
        for n in (
            "transactional_sms_optin",
            "transactional_email_optin",
            "marketing_sms_optin",
            "marketing_email_optin",
            "transactional_whatsapp_optin",
        )
    }
    data = {
        "id": guid(rng),
        "_id": rng.randrange(100000, 999999),
        "code": f"{rng.randrange(1, 9)}A{rng.randrange(100, 999)}",
        "center_id": guid(rng),
        "center_name": f.city(),
        "created_date": naive(EPOCH_2024 + rng.randrange(86400 * 365)),
        "personal_info": {
            "user_name": "",
            "first_name": f.first_name(),
            "last_name": f.last_name(),
            "middle_name": "",
            "email": f.email(),
            "mobile_phone": {"country_code": 1, "number": f.phone().lstrip("+1 ")},
            "work_phone": None,
            "home_phone": None,
            "gender": rng.randrange(3),
            "date_of_birth": None,
            "is_minor": False,
            "nationality_id": rng.randrange(1, 250),
            "anniversary_date": None,
            "lock_guest_custom_data": False,
            "pan": "",
            "dob_incomplete_year": None,
        },
        "address_info": {
            "address_1": f.street(),
            "address_2": "",
            "city": f.city(),
            "country_id": 225,
            "state_id": -1,
            "state_other": "",
            "zip_code": f.zip_code(),
        },
        "preferences": {**flags, **optins, "receive_transactional_whatsapp": True},
    }
    return envelope(rng, etype, "Guest", data)


def class_booking(rng: random.Random, f: Fields, k: int) -> Payload:
    """``Class.Booking.Created`` / ``Cancelled`` / ``NoShow`` (about 0.6 KB)."""
    etype = rng.choice(("Class.Booking.Created", "Class.Booking.Cancelled", "Class.Booking.NoShow"))
    workshop = rng.randrange(10000, 20000)
    data = {
        "workshop_id": workshop,
        "track_id": -1,
        "class_id": workshop,
        "session_id": rng.randrange(80000, 99999),
        "add_to_all": 0,
        "training_virtual_guests": None,
        "guest_id": guid(rng),
        "center_id": guid(rng),
        "waitlist": rng.random() < 0.1,
        "booking_source": None,
        "registration_id": rng.randrange(100000, 999999),
        "group_invoice_id": None,
        "is_recurring": False,
        "recurrence_id": None,
        "recurrence_registration_ids": None,
        "guest_registration_ids": None,
    }
    return envelope(rng, etype, "Class", data)


def class_schedule(rng: random.Random, f: Fields, k: int) -> Payload:
    """``Class.Schedule.Created`` / ``Updated`` (about 0.9 KB)."""
    etype = rng.choice(("Class.Schedule.Created", "Class.Schedule.Updated"))
    start = EPOCH_2024 + rng.randrange(365) * 86400 + rng.randrange(6, 20) * 3600
    minutes = rng.choice((30, 45, 60, 90))
    nulls = dict.fromkeys(
        (
            "instructor_details_list",
            "room_id",
            "description",
            "html_description",
            "recurrence_start_time",
            "recurrence_end_time",
            "recurrence_type",
            "frequency",
            "num_occurences",
            "weekdays",
            "code",
            "event_id",
            "student_virtual_link",
            "instructor_virtual_link",
            "recurrence_id",
            "recurrence_session_ids",
        )
    )
    data = {
        "sesion_id": rng.randrange(80000, 99999),
        "center_id": guid(rng),
        "class_name": rng.choice(CLASS_NAMES),
        "start_time": naive(start),
        "end_time": naive(start + minutes * 60),
        "duration_in_mins": minutes,
        "capacity": rng.randrange(5, 30),
        "web_capacity": rng.randrange(1, 5),
        "show_in_catalog": 1,
        "is_free_session": False,
        "is_recurring": False,
        "override_conflict_check": False,
        "enforce_add_on_conflict": False,
        "class_type": 1,
        **nulls,
    }
    return envelope(rng, etype, "Class", data)


def _appointment(rng: random.Random, f: Fields, start: int) -> Payload:
    return {
        "id": guid(rng),
        "invoice_item_id": guid(rng),
        "service_name": rng.choice(SERVICE_NAMES),
        "service_id": guid(rng),
        "start_time": naive(start),
        "end_time": naive(start + 3600),
        "start_time_in_center": naive(start - 7 * 3600),
        "end_time_in_center": naive(start - 6 * 3600),
        "creation_date": naive(start - 86400),
        "last_updated_on": naive(start - 86400),
        "service_duration_in_minutes": 60,
        "has_add_ons": False,
        "is_add_on": False,
        "therapist_name": f"{f.first_name()} {f.last_name()}",
        "therapist_id": guid(rng),
        "is_recurring": False,
        "show_in_calendar": True,
        "appointment_type": 2,
        "therapist_request_type": rng.choice((0, 3, 4)),
        "room_id": guid(rng),
        "room_name": f"Room {rng.randrange(1, 12)}",
        "equipment_name": "",
    }


def appointment_group_created(rng: random.Random, f: Fields, k: int) -> Payload:
    """``AppointmentGroup.Created`` with ``k`` appointments (about 0.8 KB + 0.7 KB each)."""
    start = EPOCH_2024 + rng.randrange(365) * 86400 + rng.randrange(8, 20) * 3600
    data = {
        "invoice_id": guid(rng),
        "invoice_number": str(rng.randrange(1000, 99999)),
        "invoice_number_prefix": "CH",
        "utm_source": rng.choice(("", "booknow")),
        "utm_medium": rng.choice(("google", "instagram")),
        "appointment_group_id": guid(rng),
        "organization_id": guid(rng),
        "center_id": guid(rng),
        "center_Name": f.city(),
        "guest": {
            "id": guid(rng),
            "first_name": f.first_name(),
            "last_name": f.last_name(),
            "email": f.email(),
        },
        "appointments": [_appointment(rng, f, start + i * 3600) for i in range(k)],
    }
    return envelope(rng, "AppointmentGroup.Created", None, data)


def appointment_group_status(rng: random.Random, f: Fields, k: int) -> Payload:
    """``AppointmentGroup.Status`` (about 0.5 KB)."""
    data = {
        "invoice_id": guid(rng),
        "invoice_number": str(rng.randrange(1000, 99999)),
        "receipt_number": "0",
        "appointment_group_id": guid(rng),
        "appointment_group_status": rng.choice((-2, -1, 1, 2, 4)),
        "is_noshowfeerequired": rng.choice(("Yes", "No")),
        "is_cancellationfeerequired": rng.choice(("Yes", "No")),
    }
    return envelope(rng, "AppointmentGroup.Status", "AppointmentGroup", data)


Shape = Callable[[random.Random, Fields, int], Payload]

SHAPES: dict[str, Shape] = {
    "guest": guest,
    "class_booking": class_booking,
    "class_schedule": class_schedule,
    "appointment_group_created": appointment_group_created,
    "appointment_group_status": appointment_group_status,
    "invoice_closed": invoice_closed,
    "employee": employee,
}

# Weights of a day at a salon/spa/studio: many bookings and status changes,
# fewer invoices and guests, rare staff changes.
MIX: dict[str, int] = {
    "guest": 12,
    "class_booking": 25,
    "class_schedule": 8,
    "appointment_group_created": 15,
    "appointment_group_status": 20,
    "invoice_closed": 15,
    "employee": 2,
}
