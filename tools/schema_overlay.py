"""Hand decisions that the schema builder applies on top of what the samples show.

Everything here is a reading of Zenoti's documentation that the samples alone
cannot give: which events share a ``data`` shape (their field types are
unioned), which numbers are money (``number``) rather than ids, counts or codes
(``integer``), and the documented enums and consts (FACTS.md "Enums").
"""

from __future__ import annotations

from typing import Any

# Events whose samples show one data shape: a field's type is the union of the
# types it has in any of them (0 in one, null in another: integer or null).
# Each event still keeps exactly its own sample's keys.
FAMILIES: dict[str, tuple[str, ...]] = {
    "guest": ("Guest.Created", "Guest.Updated", "Guest.Deleted"),
    "guest-communication": ("Guest.OptedOut", "Guest.OptedIn"),
    "class-schedule": (
        "Class.Schedule.Created",
        "Class.Schedule.Updated",
        "Class.Schedule.Cancelled",
        "Class.Schedule.Deleted",
    ),
    "class-booking": (
        "Class.Booking.Created",
        "Class.Booking.Cancelled",
        "Class.Booking.Deleted",
        "Class.Booking.NoShow",
    ),
    # Approved and Rejected show another shape (a list of virtual guests, no
    # is_recurring): a family of their own.
    "class-booking-approval": ("Class.Booking.Approved", "Class.Booking.Rejected"),
    "membership": (
        "Guest.Membership.Created",
        "Guest.Membership.Freeze",
        "Guest.Membership.Unfreeze",
        "Guest.Membership.Cancelled",
        "Guest.Membership.Reinstate",
    ),
    "appointment": ("Appointment.Started", "Appointment.Completed"),
    "employee": ("Employee.Created", "Employee.Updated", "Employee.Deleted"),
    "package": (
        "Guest.Package.Creation",
        "Guest.Package.Redemption",
        "Guest.Package.RedemptionReversal",
        "Guest.Package.StatusUpdate",
        "Guest.Package.ValidityUpdate",
    ),
}

# Money, price, amount, balance and rate fields: JSON numbers (integers pass).
# Every other numeric field is an id, count, code or enum: integer.
MONEY_KEYS: frozenset[str] = frozenset(
    {
        "amount",
        "amount_paid",
        "total_amount_paid",
        "balance",
        "balance_amount",
        "guestpass_balance",
        "redeemable_balance",
        "package_service_price",
        "renew_membership_amount",
        "fee",
        "salary",
        "hourly_rate",
        "overtime_multiplier",
        "target_revenue",
        "request_therapist_bonus",
        "peak_discount",
        "offpeak_discount",
        "post_credit_peak_discount",
        "post_credit_offpeak_discount",
    }
)
# Objects whose numeric members are all amounts, except the ids among them
# (price.currency_id): sales, tax, final, discount, net_price, sum_total ...
MONEY_OBJECTS: frozenset[str] = frozenset({"price", "total_price", "credit_balance"})

_APPOINTMENT_STATUS = (
    "NoShow -2, Cancelled -1, New 0, Closed 1, Checkin 2, Confirm 4, Break 10, "
    "NotSpecified 11, Available 20, Voided 21 (Zenoti's appointment status enum)"
)
_PAYMENT_TYPES = (
    "Zenoti's class registration payment type codes, 0 to 17 (Cash 0, GiftCard 1, ... "
    "Package 17; the names of the codes between are not in our reference); used for the "
    "completed invoice transactions (inferred)"
)
_PREFERENCE = {"enum": ["opted-in", "opted-out"]}

# Documented enums that hold wherever the key occurs.
KEY_RULES: dict[str, dict[str, Any]] = {
    "appointment_group_status": {
        "enum": [-2, -1, 0, 1, 2, 4, 10, 11, 20, 21],
        "description": _APPOINTMENT_STATUS,
    },
    "appointment_progress": {
        "enum": [0, 1, 2],
        "description": "0 open (inferred), 1 started, 2 completed (as the samples show)",
    },
}

# Documented enums and consts at one path (list items as "*"), per event family
# or per event name.
PATH_RULES: dict[str, dict[str, dict[str, Any]]] = {
    "Invoice.Closed": {
        "data.invoice.transactions.*.payment_type": {
            "enum": list(range(18)),
            "description": _PAYMENT_TYPES,
        },
    },
    "Appointment.Feedback.V1": {"data.version": {"const": 1}},
    "Appointment.Feedback.V2": {"data.version": {"const": 2}},
    "guest-communication": {
        "data.preference_update.category": {"enum": ["marketing", "transactional"]},
        "data.preference_update.channel": {"enum": ["email", "sms", "whatsapp"]},
        **{
            f"data.current_preferences.{category}.{channel}": _PREFERENCE
            for category in ("marketing", "transactional")
            for channel in ("email", "sms", "whatsapp")
        },
    },
}


def is_id_key(key: str) -> bool:
    """True for keys that name an identifier (``id``, ``room_id``, ``TherapistId``)."""
    return key == "id" or key.endswith("_id") or key.endswith("Id")
