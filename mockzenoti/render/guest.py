"""Guest section: Created, Updated, Deleted, OptedIn, OptedOut.

The three record events share one shape. ``personal_info.mobile_phone`` is
``{country_code, number}`` with the number in national form for a guest
with a mobile, null for one without (attested by consumers of live traffic:
every documented sample shows a guest without one). Fields null in every
documented sample otherwise stay null (``work_phone``, ``home_phone``,
``date_of_birth``, ``anniversary_date``); ``dob_incomplete_year`` is null in
Created and Updated and ``""`` in Deleted, as documented.
"""

from __future__ import annotations

from typing import Any

from mockzenoti.model import Guest, Phone
from mockzenoti.render._common import utc, utc_z

__all__ = [
    "guest_created",
    "guest_deleted",
    "guest_opted",
    "guest_record",
    "guest_updated",
    "mobile_phone",
]


def mobile_phone(guest: Guest) -> dict[str, Any] | None:
    """A guest's ``mobile_phone`` object: ``{"country_code": 44, "number": "07903624233"}``.

    The number in national form (trunk prefix included where the country has
    one), the same number ``Invoice.Closed`` writes as ``+44 7903624233``;
    None for a guest without a mobile. The one place the guest phone object is
    written (webhooks and the REST sandbox alike).
    """
    phone = guest.mobile
    if phone is None:
        return None
    return {"country_code": phone.country_code, "number": phone.national}


def guest_record(guest: Guest, *, dob_incomplete_year: str | None = None) -> dict[str, Any]:
    """The data shared by ``Guest.Created``, ``Guest.Updated`` and ``Guest.Deleted``."""
    center = guest.center
    prefs = guest.preferences
    t_sms, t_email, m_sms, m_email, whatsapp = guest.optin_codes
    return {
        "id": guest.id,
        "_id": guest.number,
        "code": guest.code,
        "center_id": center.id,
        "center_name": center.name,
        "created_date": utc(guest.created_ticks),
        "personal_info": {
            "user_name": "",
            "first_name": guest.first_name,
            "last_name": guest.last_name,
            "middle_name": guest.middle_name,
            "email": guest.email,
            "mobile_phone": mobile_phone(guest),
            "work_phone": None,
            "home_phone": None,
            "gender": guest.gender,
            "date_of_birth": None,
            "is_minor": False,
            "nationality_id": center.country.nationality_id,
            "anniversary_date": None,
            "lock_guest_custom_data": False,
            "pan": "",
            "dob_incomplete_year": dob_incomplete_year,
        },
        "address_info": {
            "address_1": "",
            "address_2": "",
            "city": "",
            "country_id": center.country.country_id,
            "state_id": -1,
            "state_other": "",
            "zip_code": guest.zip_code,
        },
        "preferences": {
            "receive_transactional_email": prefs.transactional_email == "opted-in",
            "receive_transactional_sms": prefs.transactional_sms == "opted-in",
            "receive_marketing_email": prefs.marketing_email == "opted-in",
            "receive_marketing_sms": prefs.marketing_sms == "opted-in",
            "recieve_lp_stmt": guest.loyalty_opt_in,
            "opt_in_for_loyalty_program": guest.loyalty_opt_in,
            "transactional_sms_optin": t_sms,
            "transactional_email_optin": t_email,
            "marketing_sms_optin": m_sms,
            "marketing_email_optin": m_email,
            "transactional_whatsapp_optin": whatsapp,
            "receive_transactional_whatsapp": prefs.transactional_whatsapp == "opted-in",
        },
    }


def guest_created(guest: Guest) -> dict[str, Any]:
    """``Guest.Created``."""
    return guest_record(guest)


def guest_updated(guest: Guest) -> dict[str, Any]:
    """``Guest.Updated``: the guest's record after the change."""
    return guest_record(guest)


def guest_deleted(guest: Guest) -> dict[str, Any]:
    """``Guest.Deleted``: the last record (``dob_incomplete_year`` is ``""`` here)."""
    return guest_record(guest, dob_incomplete_year=guest.dob_incomplete_year or "")


def _phone(kind: str, phone: Phone | None, fallback_code: int) -> dict[str, Any]:
    if phone is None:
        return {"type": kind, "country_code": fallback_code, "number": ""}
    return {"type": kind, "country_code": phone.country_code, "number": phone.number}


def guest_opted(guest: Guest, category: str, channel: str, at: int) -> dict[str, Any]:
    """``Guest.OptedIn`` and ``Guest.OptedOut``: ``category``/``channel`` changed at ``at``.

    The caller changes ``guest.preferences`` first; ``current_preferences`` is
    read from it. Phones the guest lacks are written with an empty number.
    """
    prefs = guest.preferences
    code = guest.center.country.phone_code
    return {
        "id": guest.id,
        "_id": guest.number,
        "timestamp": utc_z(at),
        "details": {
            "first_name": guest.first_name,
            "last_name": guest.last_name,
            "email": guest.email,
            "phone": [
                _phone("Mobile", guest.mobile, code),
                _phone("Home", guest.home_phone, code),
                _phone("Work", guest.work_phone, code),
            ],
        },
        "preference_update": {"category": category, "channel": channel},
        "current_preferences": prefs.as_dict(),
    }
