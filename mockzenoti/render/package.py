"""Guest package section: Creation, Redemption, RedemptionReversal, StatusUpdate, ValidityUpdate.

All five open with the same head (package, invoice, purchase, validity dates,
schedule, center). As the samples show: ``purchase.date`` is the UTC instant
of the sale; Creation and the redemption events write the validity dates as
local dates and ``next_schedule_date`` as the UTC instant of local midnight;
StatusUpdate and ValidityUpdate write the validity dates as local wall times
of the activation and a null schedule. ``usage_date`` has its own form
(``2022-03-01 20:00:00.000``).
"""

from __future__ import annotations

from typing import Any

from mockzenoti.model import GuestPackage, PackageBalance, PackageRedemption
from mockzenoti.render._common import center_ref, local, local_day, midnight_utc, money, usage_date
from mockzenoti.render._common import utc as utc_naive
from mockzenoti.timefmt import add_local_days

__all__ = [
    "package_creation",
    "package_redemption",
    "package_redemption_reversal",
    "package_status_update",
    "package_validity_update",
]


def _head(p: GuestPackage, *, activated: bool) -> dict[str, Any]:
    tz = p.center.tz
    invoice = p.invoice
    grace_end = add_local_days(p.end_ticks, p.grace_days, tz)
    if activated:
        dates = {
            "end_date_with_grace": local(grace_end, tz),
            "start": local(p.start_ticks, tz),
            "end": local(p.end_ticks, tz),
        }
        schedule: dict[str, Any] = {"completed_schedules": None, "next_schedule_date": None}
    else:
        dates = {
            "end_date_with_grace": local_day(grace_end, tz),
            "start": local_day(p.start_ticks, tz),
            "end": local_day(p.end_ticks, tz),
        }
        nxt = p.next_schedule_ticks
        schedule = {
            "completed_schedules": p.completed_schedules or 0,
            "next_schedule_date": midnight_utc(nxt if nxt is not None else p.end_ticks, tz),
        }
    receipt = invoice.receipt_number
    return {
        "user_package_id": p.id,
        "status": p.status,
        "user_package_state": p.state,
        "invoice": {
            "status": invoice.status,
            "receipt_no": "0" if receipt is None else f"{p.center.code}R{receipt}",
            "id": invoice.id,
            "no": f"{p.center.invoice_prefix}{invoice.number}",
        },
        "package": {
            "code": p.plan.code,
            "is_OTP_required": p.plan.otp_required,
            "type": p.plan.type,
            "id": p.plan.id,
            "name": p.plan.name,
        },
        "purchase": {
            # Every documented purchase price shows sales and tax 0 beside the final amount.
            "price": {"currency_id": 0, "sales": 0, "tax": 0, "final": money(p.plan.price)},
            "date": utc_naive(p.purchased_ticks),
        },
        "date": dates,
        "schedule": schedule,
        "center": center_ref(p.center),
        "is_refunded": p.is_refunded,
        "sale_invoice": {"id": None, "no": None},
    }


def _tail(p: GuestPackage, data: dict[str, Any]) -> dict[str, Any]:
    data["lookup_package_user_id"] = None
    data["start_validity_at_first_redemption"] = p.start_validity_at_first_redemption
    data["never_expires"] = p.never_expires
    data["has_first_redemption"] = p.has_first_redemption
    data["expiration_days"] = p.expiration_days
    return data


def _line(b: PackageBalance) -> dict[str, Any]:
    s = b.service
    return {
        "service_type_info": {
            "service_category_type": s.category_type,
            "id": s.id,
            "name": s.name,
            "duration": s.minutes,
            "has_segments": False,
        },
        "exists_in_current_center": True,
        "total": b.total,
        "used": b.used,
        "balance": b.balance,
        "balance_amount": money(b.balance * b.unit_price),
        "price": None,
        "package_service_price": money(b.unit_price),
        "sale_as_part_of_package_or_membership_only": False,
        "book_with_partial_balance": 1,
    }


def package_creation(p: GuestPackage) -> dict[str, Any]:
    """``Guest.Package.Creation``: the package as sold, one line per included service."""
    data = _head(p, activated=False)
    data["services"] = [_line(b) for b in p.balances]
    return data


def _redemption_invoice(r: PackageRedemption) -> dict[str, Any]:
    return {
        "status": r.invoice.status,
        "id": r.invoice.id,
        "no": f"{r.center.invoice_prefix}{r.invoice.number}",
        "item_id": r.item_id,
    }


def _usages(p: GuestPackage) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    r = p.last_redemption
    if r is None:
        raise ValueError(f"package {p.id} has no redemption")
    tz = r.center.tz
    common = {
        "therapist": {"id": r.therapist.id, "name": r.therapist.name},
        "usage_date": usage_date(r.ticks, tz),
        "center": center_ref(r.center),
    }
    services: list[dict[str, Any]] = []
    products: list[dict[str, Any]] = []
    if r.service is not None:
        s = r.service
        info = {"service_category_type": s.category_type, "id": s.id, "name": s.name}
        services.append(
            {
                "invoice": _redemption_invoice(r),
                "service": {"id": s.id, "name": s.name},
                "service_type_info": info,
                **common,
            }
        )
    if r.product is not None:
        pr = r.product
        info = {"product_category_type": 2, "id": pr.id, "name": pr.name}
        products.append(
            {
                "invoice": _redemption_invoice(r),
                "product": {"id": pr.id, "name": pr.name},
                "product_type_info": info,
                **common,
            }
        )
    return services, products


def package_redemption(p: GuestPackage) -> dict[str, Any]:
    """``Guest.Package.Redemption``: the package after ``p.last_redemption``."""
    services, products = _usages(p)
    data = _tail(p, _head(p, activated=False))
    data["service_redemptions"] = services
    data["product_redemptions"] = products
    return data


def package_redemption_reversal(p: GuestPackage) -> dict[str, Any]:
    """``Guest.Package.RedemptionReversal``: ``p.last_redemption`` undone."""
    services, products = _usages(p)
    data = _tail(p, _head(p, activated=False))
    data["service_redemptions_reversal"] = services
    data["product_redemptions_reversal"] = products
    return data


def package_status_update(p: GuestPackage) -> dict[str, Any]:
    """``Guest.Package.StatusUpdate``: status or state changed (validity as wall times)."""
    return _tail(p, _head(p, activated=True))


def package_validity_update(p: GuestPackage) -> dict[str, Any]:
    """``Guest.Package.ValidityUpdate``: start or end of validity changed."""
    return _tail(p, _head(p, activated=True))
