"""Guest membership section: ``Guest.Membership.Created``.

The Created sample writes purchase and expiry as local dates; most of its
configuration fields are null in the docs and stay null. The sample is cut
short inside ``service_balance``; the item's tail and ``auto_renewal`` follow
the catalog's completion (Reinstate's shape). Typos kept:
``transfered``, ``frequncy``, ``is_dicount_only_membership``.
"""

from __future__ import annotations

from typing import Any

from mockzenoti.model import GuestMembership, ServiceBalance
from mockzenoti.render._common import local_day
from mockzenoti.render.membership import (
    DISCOUNT_DETAILS,
    auto_renewal,
    credit_balance,
    invoice_no,
    members,
    purchase_price,
    receipt_no,
)

__all__ = ["membership_created"]


def _created_balance(b: ServiceBalance) -> dict[str, Any]:
    s = b.service
    return {
        "service": {
            "sale_as_part_of_package_or_membership_only": None,
            "book_with_partial_balance": 1,
            "item_type": None,
            "id": s.id,
            "name": s.name,
            "duration": s.minutes,
            "has_segments": False,
        },
        "total": b.total,
        "balance": b.balance,
        "redeemable_balance": 0,
        "used": b.used,
        "transfered": b.transferred,
        "expired": b.expired,
        "frequncy": "Any",
        "last_usage_date": None,
        "accrued_on": None,
        "is_category": False,
        "exists_in_current_center": True,
        "discount_details": DISCOUNT_DETAILS,
        "price": None,
    }


def membership_created(m: GuestMembership) -> dict[str, Any]:
    """``Guest.Membership.Created``: the membership as sold (member code not yet given)."""
    tz = m.center.tz
    plan = m.plan
    return {
        "guest_id": m.guest.id,
        "payments": {
            "payment_type": 0,
            "duration": 0,
            "duration_type": 0,
            "default_payment_info": None,
        },
        "pending_waive_collections": 0,
        "next_collection_date": None,
        "grace_period_date": None,
        "grace_period_days": 0,
        "recurrence_status": m.recurrence_status,
        "sold_by": {"id": None, "name": None},
        "payment_history": [],
        "has_digital_form": False,
        "user_membership_id": m.id,
        "group_user_membership_id": m.invoice.id,
        "status": m.status,
        "is_refunded": m.is_refunded,
        "invoice": {
            "allow_other_centers_for_action_on_invoices": False,
            "item_id": m.invoice.items[0].id if m.invoice.items else m.invoice.id,
            "receipt_no": receipt_no(m),
            "status": m.invoice.status,
            "id": m.invoice.id,
            "no": invoice_no(m),
        },
        "membership": {
            "code": plan.code,
            "OTP_required": plan.otp_required,
            "T&C": None,
            "add_on_members_count": 0,
            "redemption_post_expiry_settings": {
                "can_select_specific_post_expiry_setting": False,
                "redeem_post_expiry": True,
                "grace_period_days": None,
            },
            "guestpass_total": m.guestpass_total,
            "guestpass_balance": m.guestpass_balance,
            "lock_cycles": 0,
            "restrict_cross_center_redemption": False,
            "type": plan.type,
            "freeze_fee_reason_enabled": False,
            "freeze_fee": None,
            "is_dicount_only_membership": None,
            "id": plan.id,
            "name": plan.name,
        },
        "recurring_details": None,
        "purchase": {"price": purchase_price(m), "date": local_day(m.purchased_ticks, tz)},
        "tc_acceptedon": None,
        "expiry_date": local_day(m.expiry_ticks, tz),
        "member_code": None,
        "members": members(m),
        "credit_balance": credit_balance(m),
        "center": {
            "id": m.center.id,
            "name": m.center.name,
            "location": {
                "address_1": None,
                "address_2": None,
                "city": None,
                "state": None,
                "country": None,
            },
            "time_zone": {
                "id": 0,
                "name": None,
                "standard_name": None,
                "identifier_name": None,
                "abbreviation": None,
            },
        },
        "service_balance": [_created_balance(b) for b in m.balances],
        "auto_renewal": auto_renewal(m),
    }
