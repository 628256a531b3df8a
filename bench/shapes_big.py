"""The two large shapes: ``Invoice.Closed`` (``k`` items) and ``Employee.Created``/``Updated``."""

from __future__ import annotations

import random

from bench.envelope import (
    EMPTY_DATE,
    EPOCH_2024,
    SERVICE_NAMES,
    ZERO_GUID,
    Fields,
    Payload,
    envelope,
    guid,
    naive,
)

__all__ = ["employee", "invoice_closed"]


def _item(rng: random.Random, seller: str, seller_name: str) -> Payload:
    sales = rng.randrange(0, 400)
    discount = rng.choice((0, 0, 0, 5, 12))
    return {
        "invoice_item_id": guid(rng),
        "id": guid(rng),
        "name": rng.choice(SERVICE_NAMES),
        "type": rng.choice((0, 0, 2)),
        "code": f"S{rng.randrange(100, 999)}",
        "price": {
            "currency_id": 148,
            "sales": sales,
            "tax": 0,
            "final": sales,
            "discount": discount,
        },
        "quantity": 1,
        "sale_by_id": seller,
        "therapist_name": seller_name,
    }


def invoice_closed(rng: random.Random, f: Fields, k: int) -> Payload:
    """``Invoice.Closed`` with ``k`` invoice items (about 1.6 KB + 0.3 KB each)."""
    second = EPOCH_2024 + rng.randrange(86400 * 365)
    seller, seller_name = guid(rng), f"{f.first_name()} {f.last_name()}"
    items = [_item(rng, seller, seller_name) for _ in range(k)]
    total = sum(i["price"]["final"] for i in items)
    first = items[0]
    email = f.email()
    data = {
        "invoice": {
            "id": guid(rng),
            "invoice_number": str(rng.randrange(1000, 99999)),
            "invoice_number_prefix": "CH",
            "receipt_number": f"R{rng.randrange(1000, 9999)}",
            "appointment_group_id": guid(rng),
            "lock": True,
            "is_closed": True,
            "is_refund": False,
            "invoice_date": naive(second - second % 86400),
            "center_id": guid(rng),
            "total_price": {
                "currency_id": 0,
                "net_price": total,
                "tax": 0,
                "rounding_adjustment": 0,
                "sum_total": total,
            },
            "guest": {
                "id": guid(rng),
                "first_name": f.first_name(),
                "last_name": f.last_name(),
                "gender": rng.randrange(3),
                "code": "",
                "mobile_phone": f.phone(),
                "guest_email": email,
                "email": email,
            },
            "invoice_items": items,
            "appointments": [
                {
                    "id": guid(rng),
                    "invoice_item_id": first["invoice_item_id"],
                    "service_name": first["name"],
                    "service_id": first["id"],
                    "start_time": naive(second - 7200),
                    "end_time": naive(second - 3600),
                    "serviceduration_in_miutes": 60,
                    "has_add_ons": False,
                    "is_add_on": False,
                    "therapist_name": seller_name,
                    "TherapistId": seller,
                    "is_recurring": False,
                    "appointment_type": 2,
                    "therapist_request_type": rng.choice((0, 3, 4)),
                    "room_name": f"Room{rng.randrange(1, 12)}",
                    "equipment_name": "",
                }
            ],
            "transactions": [
                {
                    "id": guid(rng),
                    "payment_type": 0,
                    "name": "Cash",
                    "payment_instrument_id": ZERO_GUID,
                    "amount_paid": total,
                    "transaction_date": naive(second - 2),
                }
            ],
            "total_amount_paid": total,
        }
    }
    return envelope(rng, "Invoice.Closed", "Invoice", data)


def employee(rng: random.Random, f: Fields, k: int) -> Payload:
    """``Employee.Created`` / ``Updated`` (about 2.3 KB)."""
    etype = rng.choice(("Employee.Created", "Employee.Updated"))
    first, last = f.first_name(), f.last_name()
    start = naive(EPOCH_2024 + rng.randrange(365) * 86400)
    phone = {"country_code": 1, "number": f.phone()}
    empty_phone = {"country_code": 1, "number": ""}
    zero_job = dict.fromkeys(
        (
            "salary",
            "hourly_rate",
            "overtime_baseline_hours",
            "overtime_type",
            "request_therapist_bonus",
            "mandatory_break_period",
            "max_work_hours",
            "target_revenue",
            "vacation_days",
            "special_leave_days",
            "pay_type",
        ),
        0,
    )
    prefs = {
        "culture_id": 54,
        "search_tags": "",
        "receive_marketing_emails": True,
        "receive_marketing_messages": True,
        "receive_transactional_emails": True,
        "receive_transactional_messages": True,
        "receive_daily_reports": False,
        "receive_register_closure_report": False,
        "waive_biometric_checkin": False,
        "access_manager_productivity_app": False,
        "is_mentor": False,
        "access_employee_productivity_app": False,
        "access_code": "",
        "keyword": "",
        "allow_analytics_access": 0,
        "allow_api_access": False,
        "text_field_1": "",
        "text_field_2": "",
        "additional_date_1": EMPTY_DATE,
        "additional_date_2": EMPTY_DATE,
        "send_confirmation_for_scheduled_appointments": True,
    }
    data = {
        "id": guid(rng),
        "code": str(rng.randrange(100, 999)),
        "center_id": guid(rng),
        "is_consultant": None,
        "created_by": ZERO_GUID,
        "personal_info": {
            "first_name": first,
            "middle_name": "",
            "last_name": last,
            "nick_name": "",
            "notification_name": f"{first} {last}",
            "email": f.email(),
            "mobile_phone": phone,
            "home_phone": empty_phone,
            "work_phone": empty_phone,
            "gender": rng.choice((-1, 0, 1)),
            "birth_date": EMPTY_DATE,
            "anniversary_date": EMPTY_DATE,
        },
        "address": {
            "address_1": f.street(),
            "address_2": "",
            "city": f.city(),
            "country_id": 225,
            "state_id": rng.randrange(1, 150),
            "zip_code": f.zip_code(),
        },
        "login_info": {"username": f.email()},
        "job_info": {
            "job_id": guid(rng),
            "job_name": rng.choice(("BEAUTICIAN", "STYLIST", "TRAINER", "THERAPIST")),
            "designation_id": None,
            "company_name": f.company(),
            **zero_job,
            "overtime_multiplier": 1,
            "work_task_ids": None,
            "is_elgible_for_additional_commision_bonus": False,
            "start_date": start,
            "end_date": EMPTY_DATE,
            "tenure_start_date": EMPTY_DATE,
        },
        "preference_info": prefs,
        "payroll_info": {"include_in_payroll": 1},
        "vanity_image_url": None,
        "roles": {"security_profile_id": ZERO_GUID},
        "catalog_info": {"show_in_catalog": False, "display_name": "", "description": ""},
    }
    return envelope(rng, etype, "Employee", data)
