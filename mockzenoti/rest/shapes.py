"""Zenoti's REST objects, written from the world's entities (``../shared/zenoti-docs/REST.md``).

Each function reads entities (frozen snapshots, or the fixed setup) and
returns a new JSON-ready dict in the shape REST.md gives: the fields it
lists, in its order. Where REST.md lists a field without its content the
value is ours and plain (``null``, ``""``, the zero GUID), and documented as
such in docs/rest.md.

Times follow REST's convention, the opposite of the webhooks': ``start_time``
is the center's local wall time and ``start_time_utc`` the UTC one, both
without an offset. Ids are the webhooks' GUIDs, lowercase, as the webhooks
write them.

Objects that share the webhooks' shape are written by the webhooks'
renderers (a guest is ``Guest.Created``'s record without the three keys
only webhooks add; an invoice is ``Invoice.Closed``'s), so what ``/v1`` says
and what the webhooks said cannot drift apart.
"""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Any

from mockzenoti.model import (
    Appointment,
    AppointmentGroup,
    Center,
    Employee,
    Guest,
    Invoice,
    InvoiceItem,
    Phone,
    Service,
)
from mockzenoti.render._common import ZERO_GUID, local, money, utc
from mockzenoti.render.guest import guest_record
from mockzenoti.render.invoice import INVOICE_ITEM_CURRENCY_ID, invoice_body

__all__ = [
    "CURRENCIES",
    "appointment_item",
    "center_detail",
    "center_info",
    "guest_object",
    "invoice_details",
    "service_item",
    "therapist_info",
]

#: Currency by country (ISO code, symbol, name); ``currency_id`` is the one id the
#: documented samples show for invoice items (what it stands for is not documented).
CURRENCIES: dict[str, tuple[str, str, str]] = {
    "US": ("USD", "$", "US Dollar"),
    "CA": ("CAD", "$", "Canadian Dollar"),
    "GB": ("GBP", "£", "Pound Sterling"),
    "AU": ("AUD", "$", "Australian Dollar"),
    "IN": ("INR", "₹", "Indian Rupee"),
}
_CULTURES = {"US": "en-US", "CA": "en-CA", "GB": "en-GB", "AU": "en-AU", "IN": "en-IN"}
_SEGMENTS = uuid.UUID("5b0c4f4e-8a55-4d2e-9d1e-6d6f636b7a65")
_NOBODY = {"id": ZERO_GUID, "name": ""}


@lru_cache(maxsize=64)
def time_zone_id(tz: str) -> int:
    """A stable small integer for an IANA zone (Zenoti's ids are not documented)."""
    return 1 + int.from_bytes(uuid.uuid5(_SEGMENTS, tz).bytes[:2], "big") % 400


def _phone(phone: Phone | None, country_id: int) -> dict[str, Any] | None:
    if phone is None:
        return None
    return {"country_id": country_id, "number": phone.number, "display_number": phone.display}


# -- the fixed setup ---------------------------------------------------------------------------


def center_info(center: Center) -> dict[str, Any]:
    """An item of ``GET /v1/centers``: ``CenterInfo``."""
    site, country = center.site, center.country
    code, symbol, name = CURRENCIES.get(country.iso, ("USD", "$", "US Dollar"))
    return {
        "id": center.id,
        "code": center.code,
        "name": center.name,
        "display_name": center.name,
        "description": "",
        "online_booking_start_date": "0001-01-01T00:00:00",
        "enable_parallel_services_at_center": False,
        "culture_code_at_center": _CULTURES.get(country.iso, "en-US"),
        "zone": {"id": time_zone_id(center.tz), "name": center.tz},
        "country": {"id": country.country_id, "code": country.iso, "name": country.name},
        "state": {"id": site.state_id, "code": "", "name": site.state},
        "location": {"latitude": 0, "longitude": 0},
        "currency": {"id": INVOICE_ITEM_CURRENCY_ID, "name": name, "code": code, "symbol": symbol},
        "address_info": {
            "address_1": "",
            "address_2": "",
            "city": site.city,
            "zip_code": site.zip_code,
            "country_id": country.country_id,
            "state_id": site.state_id,
        },
        "settings": {
            "business_hours": {
                "opens": f"{center.opens_minute // 60:02d}:{center.opens_minute % 60:02d}",
                "closes": f"{center.closes_minute // 60:02d}:{center.closes_minute % 60:02d}",
            },
            "time_zone": center.tz,
        },
        "contact_info": {
            "phone_1": _phone(center.phone, country.country_id),
            "email": center_email(center),
        },
    }


def center_email(center: Center) -> str:
    """The center's e-mail address (its code at the organization's domain)."""
    return f"{center.code.lower()}@{center.org.domain}"


def center_detail(center: Center) -> dict[str, Any]:
    """``GET /v1/centers/{center_id}``."""
    return {
        "id": center.id,
        "name": center.name,
        "code": center.code,
        "phone": center.phone.display,
        "time_zone_id": time_zone_id(center.tz),
        "currency_id": INVOICE_ITEM_CURRENCY_ID,
        "email": center_email(center),
        "error": None,
    }


def service_item(service: Service) -> dict[str, Any]:
    """An item of ``GET /v1/centers/{center_id}/services`` (no ``expand``: its parts null)."""
    return {
        "id": service.id,
        "code": service.code,
        "name": service.name,
        "description": "",
        "duration": service.minutes,
        "recovery_time": 0,
        "price_info": {
            "currency_id": INVOICE_ITEM_CURRENCY_ID,
            "sale_price": money(service.price),
            "tax_id": None,
            "ssg": False,
            "include_tax": False,
            "demand_group_id": None,
        },
        "is_addon": service.is_add_on,
        "additional_info": None,
        "catalog_info": None,
        "variants_info": None,
        "add_ons_info": None,
        "image_paths": None,
    }


def therapist_info(employee: Employee) -> dict[str, Any]:
    """An item of ``therapists`` in ``GET /v1/centers/{center_id}/therapists``."""
    country = employee.center.country
    return {
        "id": employee.id,
        "code": employee.code,
        "personal_info": {
            "first_name": employee.first_name,
            "last_name": employee.last_name,
            "middle_name": employee.middle_name,
            "nick_name": employee.nick_name,
            "display_name": employee.name,
            "email": employee.email,
            "gender": employee.gender,
            "mobile_phone": _phone(employee.mobile, country.country_id),
        },
        "job_details": {"job_id": employee.job_id, "job_name": employee.job_name},
        "can_book_online": employee.show_in_catalog,
    }


# -- guests ------------------------------------------------------------------------------------


def guest_object(guest: Guest) -> dict[str, Any]:
    """``GET /v1/guests/{guest_id}``: the Guest.* webhook record without ``_id``,
    ``center_name`` and ``dob_incomplete_year`` (which only webhooks carry)."""
    record = guest_record(guest)
    personal = dict(record["personal_info"])
    personal.pop("dob_incomplete_year", None)
    return {
        "id": record["id"],
        "code": record["code"],
        "center_id": record["center_id"],
        "created_date": record["created_date"],
        "personal_info": personal,
        "address_info": record["address_info"],
        "preferences": record["preferences"],
        "tags": [],
        "referral": {"referral_source": dict(_NOBODY), "referred_by": None},
        "primary_employee": None,
    }


# -- appointments and invoices -----------------------------------------------------------------


def _segment_id(appointment: Appointment) -> str:
    return str(uuid.uuid5(_SEGMENTS, appointment.id))


def _line(invoice: Invoice, appointment: Appointment) -> InvoiceItem | None:
    for item in invoice.items:
        if item.id == appointment.invoice_item_id:
            return item
    return None


def _price(item: InvoiceItem | None) -> dict[str, Any] | None:
    if item is None:
        return None
    sales, tax = item.sales, item.tax
    return {
        "currency_id": INVOICE_ITEM_CURRENCY_ID,
        "sales": money(sales),
        "tax": money(tax),
        "final": money(sales + tax),
        "discount": money(item.discount),
    }


def appointment_item(
    group: AppointmentGroup, appointment: Appointment, invoice: Invoice, guest: Guest
) -> dict[str, Any]:
    """One appointment as ``GET /v1/appointments`` lists it (REST times: local, then UTC).

    ``group`` and ``invoice`` are the snapshots the view holds, ``guest`` the
    guest's latest one. ``status`` is the group's status code.
    """
    center = group.center
    tz = center.tz
    service = appointment.service
    therapist = appointment.therapist
    room = appointment.room
    parent = None
    if appointment.is_add_on:
        index = group.appointments.index(appointment)
        parent = group.appointments[index - 1].id if index > 0 else None
    closed = invoice.is_closed
    return {
        "appointment_id": appointment.id,
        "appointment_segment_id": _segment_id(appointment),
        "appointment_group_id": group.id,
        "invoice_id": invoice.id,
        "service": {
            "id": service.id,
            "name": service.name,
            "is_addon": appointment.is_add_on,
            "has_addons": appointment.has_add_ons,
            "parent_appointment_id": parent,
            "business_unit": {"guid": ZERO_GUID, "name": "", "id": 0},
            "category": dict(_NOBODY),
            "sub_category": dict(_NOBODY),
        },
        "start_time": local(appointment.start_ticks, tz),
        "start_time_utc": utc(appointment.start_ticks),
        "end_time": local(appointment.end_ticks, tz),
        "end_time_utc": utc(appointment.end_ticks),
        "status": group.status,
        "source": 0,
        "progress": appointment.progress,
        "locked": closed,
        "invoice_locked": closed,
        "guest": {
            "id": guest.id,
            "first_name": guest.first_name,
            "last_name": guest.last_name,
            "gender": guest.gender,
            "mobile": _phone(guest.mobile, center.country.country_id),
            "email": guest.email,
            "indicator": "",
            "lp_tier_info": None,
        },
        "therapist": {
            "id": therapist.id,
            "first_name": therapist.first_name,
            "last_name": therapist.last_name,
            "nick_name": therapist.nick_name,
            "display_name": therapist.name,
            "email": therapist.email,
            "gender": therapist.gender,
            "vanity_image_url": None,
        },
        "room": {"id": room.id, "name": room.name} if room is not None else None,
        "equipment": None,
        "notes": "",
        "price": _price(_line(invoice, appointment)),
        "actual_start_time": None,
        "actual_completed_time": None,
        "checkin_time": None,
        "therapist_preference_type": appointment.therapist_request_type,
        "creation_date": local(appointment.created_ticks, tz),
        "creation_date_utc": utc(appointment.created_ticks),
        "created_by_id": ZERO_GUID,
        "closed_by_id": ZERO_GUID if closed else None,
        "show_in_calender": True,
        "group_invoice_id": None,
        "package_id": None,
        "error": None,
        "id": appointment.id,
    }


def invoice_details(invoice: Invoice) -> dict[str, Any]:
    """``GET /v1/invoices/{invoice_id}``'s ``invoice``: ``Invoice.Closed``'s invoice object
    (open ones too), with ``invoice_number_prefix`` and ``group_invoice_id``."""
    body = invoice_body(invoice)
    body.setdefault("invoice_number_prefix", invoice.center.invoice_prefix)
    body.setdefault("group_invoice_id", None)
    return body
