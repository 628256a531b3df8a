"""Guest membership section: Freeze, Unfreeze, Cancelled, Reinstate, Guestpass.redeemed.

``Guest.Membership.Created`` is in ``membership_created``.

Each event keeps its own documented key order and its own date forms: the
Created sample writes purchase and expiry as local dates (``T00:00:00``);
the later events write expiry, freeze and cancel dates as the UTC instant of
local midnight (``T20:00:00`` for a UTC+4 center) and collection and grace
dates as local dates. A missing date where the docs show one is written as
Zenoti's empty date. Typos kept: ``transfered``, ``frequncy``,
``is_dicount_only_membership``.
"""

from __future__ import annotations

from typing import Any

from mockzenoti.model import GuestMembership, GuestPassRedemption, ServiceBalance
from mockzenoti.render._common import (
    EMPTY_DATE,
    center_ref,
    local,
    local_day,
    midnight_utc,
    money,
    utc,
)

__all__ = [
    "DISCOUNT_DETAILS",
    "auto_renewal",
    "credit_balance",
    "guestpass_redeemed",
    "invoice_no",
    "members",
    "membership_cancelled",
    "membership_freeze",
    "membership_reinstate",
    "membership_unfreeze",
    "purchase_price",
    "receipt_no",
]


def receipt_no(m: GuestMembership) -> str:
    """``BTSR522``: center code, ``R``, receipt number (``"0"`` while unpaid)."""
    n = m.invoice.receipt_number
    return "0" if n is None else f"{m.center.code}R{n}"


def invoice_no(m: GuestMembership) -> str:
    """``BTS1325``: the center's invoice prefix and the invoice number."""
    return f"{m.center.invoice_prefix}{m.invoice.number}"


def members(m: GuestMembership) -> list[dict[str, Any]]:
    """The members list: the primary member as ``first name, last initial (Primary)``."""
    g = m.guest
    return [{"id": g.id, "name": f"{g.first_name} {g.last_name[:1]} (Primary)"}]


def credit_balance(m: GuestMembership) -> dict[str, Any]:
    """The membership's credit, all of it service credit."""
    credit = money(m.credit_total)
    return {"total": credit, "service": credit, "product": 0, "other": 0, "comments": None}


def purchase_price(m: GuestMembership) -> dict[str, Any]:
    """The purchase price object."""
    # Every documented purchase price shows sales and tax 0 beside the final amount.
    return {"currency_id": 0, "sales": 0, "tax": 0, "final": money(m.plan.price)}


# Shared, never mutated: service balances carry no discounts in any sample.
DISCOUNT_DETAILS: dict[str, Any] = {
    "discount_type": 0,
    "peak_discount": 0,
    "offpeak_discount": 0,
    "post_credit_peak_discount": 0,
    "post_credit_offpeak_discount": 0,
}


def auto_renewal(m: GuestMembership) -> dict[str, Any]:
    """The renewal option: renews automatically when the plan collects monthly."""
    return {
        "selected_option": {
            "renew_status": m.next_collection_ticks is not None,
            "is_expired": False,
            "renew_membership_amount": 0,
            "id": m.renewal_option_id,
            "name": m.plan.name,
        }
    }


def _date_or_empty(ticks: int | None, tz: str) -> str:
    return EMPTY_DATE if ticks is None else local_day(ticks, tz)


def _status_head(m: GuestMembership) -> dict[str, Any]:
    return {
        "user_membership_id": m.id,
        "group_user_membership_id": m.invoice.id,
        "status": m.status,
        "recurrence_status": m.recurrence_status,
        "expiry_date": midnight_utc(m.expiry_ticks, m.center.tz),
        "member_code": m.member_code,
        "center": center_ref(m.center),
    }


def membership_freeze(m: GuestMembership) -> dict[str, Any]:
    """``Guest.Membership.Freeze``: ``m.freeze`` must be set."""
    freeze = m.freeze
    if freeze is None:
        raise ValueError(f"membership {m.id} has no freeze")
    tz = m.center.tz
    data = _status_head(m)
    data["next_collection_date"] = _date_or_empty(m.next_collection_ticks, tz)
    data["freeze"] = {
        "start_date": midnight_utc(freeze.start_ticks, tz),
        "end_date": midnight_utc(freeze.end_ticks, tz),
        "type": freeze.type,
        "fee": money(freeze.fee),
        "fee_type": freeze.fee_type,
        "comments": freeze.comments,
        "froze_by": freeze.by.name,
    }
    return data


def membership_unfreeze(m: GuestMembership) -> dict[str, Any]:
    """``Guest.Membership.Unfreeze``."""
    data = _status_head(m)
    data["next_collection_date"] = _date_or_empty(m.next_collection_ticks, m.center.tz)
    return data


def membership_cancelled(m: GuestMembership) -> dict[str, Any]:
    """``Guest.Membership.Cancelled``: ``m.cancellation`` must be set."""
    cancel = m.cancellation
    if cancel is None:
        raise ValueError(f"membership {m.id} has no cancellation")
    tz = m.center.tz
    data = _status_head(m)
    data["grace_period_date"] = _date_or_empty(m.grace_period_ticks, tz)
    data["grace_period_days"] = m.grace_period_days
    data["cancel"] = {
        "cancel_initiated_date": utc(cancel.initiated_ticks),
        "cancel_date": midnight_utc(cancel.cancel_ticks, tz),
        "termination_date": midnight_utc(cancel.termination_ticks, tz),
        "reason": cancel.reason,
        "cancelled_by": cancel.by.name,
    }
    return data


def _reinstate_balance(b: ServiceBalance) -> dict[str, Any]:
    s = b.service
    return {
        "service": {
            "sale_as_part_of_package_or_membership_only": None,
            "book_with_partial_balance": 1,
            "id": s.id,
            "name": s.name,
            "duration": s.minutes,
            "has_segments": False,
        },
        "total": b.total,
        "balance": b.balance,
        "used": b.used,
        "transfered": b.transferred,
        "expired": b.expired,
        "frequncy": "Any",
        "last_usage_date": None,
        "is_category": False,
        "exists_in_current_center": True,
        "discount_details": DISCOUNT_DETAILS,
        "price": None,
    }


def membership_reinstate(m: GuestMembership) -> dict[str, Any]:
    """``Guest.Membership.Reinstate``: a cancelled membership made active again."""
    tz = m.center.tz
    plan = m.plan
    next_collection = m.next_collection_ticks
    return {
        "user_membership_id": m.id,
        "group_user_membership_id": m.invoice.id,
        "payments": {
            "payment_type": 0,
            "duration": m.payment_duration,
            "duration_type": m.payment_duration_type,
            "default_payment_info": m.default_payment_info or "Cash",
        },
        "pending_waive_collections": 0,
        "next_collection_date": _date_or_empty(next_collection, tz),
        "grace_period_date": _date_or_empty(m.grace_period_ticks, tz),
        "grace_period_days": m.grace_period_days,
        "recurrence_status": m.recurrence_status,
        "has_digital_form": False,
        "status": m.status,
        "is_refunded": m.is_refunded,
        "invoice": {
            "allow_other_centers_for_action_on_invoices": False,
            "item_id": None,
            "receipt_no": receipt_no(m),
            "status": m.invoice.status,
            "id": m.invoice.id,
            "no": invoice_no(m),
        },
        "membership": {
            "code": plan.code,
            "OTP_required": plan.otp_required,
            "T&C": plan.terms or "",
            "redemption_post_expiry_settings": {
                "can_select_specific_post_expiry_setting": False,
                "redeem_post_expiry": False,
            },
            "type": plan.type,
            "id": plan.id,
            "name": plan.name,
        },
        "purchase": {"price": purchase_price(m), "date": local_day(m.purchased_ticks, tz)},
        "expiry_date": midnight_utc(m.expiry_ticks, tz),
        "member_code": m.member_code,
        "members": members(m),
        "credit_balance": credit_balance(m),
        "center": center_ref(m.center),
        "service_balance": [_reinstate_balance(b) for b in m.balances],
        "auto_renewal": auto_renewal(m),
    }


def guestpass_redeemed(r: GuestPassRedemption) -> dict[str, Any]:
    """``Guestpass.redeemed``: a member's guest pass used for a visitor's class."""
    m = r.membership
    return {
        "id": r.id,
        "date": local(r.session.start_ticks, r.session.center.tz),
        "guestpass_id": r.guestpass_id,
        "guest_id": r.guest.id,
        "session_id": r.session.session_id,
        "invoice_id": r.invoice_id,
        "user_membership_id": m.id,
        "membership": {"id": m.plan.id, "name": m.plan.name},
        "is_category": True,
        "total": m.guestpass_total,
        "balance": m.guestpass_balance,
        "used": m.guestpass_total - m.guestpass_balance,
        "transferred": 0,
        "expired": 0,
        "frequency": "Any",
    }
