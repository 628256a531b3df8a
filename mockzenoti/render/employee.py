"""Employee section: Created, Updated, Deleted (one ``data`` shape).

Most of an employee record is configuration that never changes in a stream;
those sub-objects are built once per country and shared between events.
They are never mutated after rendering (overrides copy what they touch).
Typo kept: ``is_elgible_for_additional_commision_bonus``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from mockzenoti.model import Employee
from mockzenoti.render._common import EMPTY_DATE, ZERO_GUID, local_day

__all__ = ["employee_created", "employee_deleted", "employee_record", "employee_updated"]

_PAYROLL = {"include_in_payroll": 1}
_ROLES = {"security_profile_id": ZERO_GUID}


@lru_cache(maxsize=64)
def _preferences(culture_id: int) -> dict[str, Any]:
    return {
        "culture_id": culture_id,
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


@lru_cache(maxsize=256)
def _address(country_id: int, state_id: int) -> dict[str, Any]:
    return {
        "address_1": "",
        "address_2": "",
        "city": "",
        "country_id": country_id,
        "state_id": state_id,
        "zip_code": "",
    }


def _job(e: Employee) -> dict[str, Any]:
    return {
        "job_id": e.job_id,
        "job_name": e.job_name,
        "designation_id": None,
        "company_name": e.center.org.short_name,
        "salary": 0,
        "hourly_rate": 0,
        "overtime_baseline_hours": 0,
        "overtime_type": 0,
        "overtime_multiplier": 1,
        "work_task_ids": None,
        "request_therapist_bonus": 0,
        "mandatory_break_period": 0,
        "is_elgible_for_additional_commision_bonus": False,
        "max_work_hours": 0,
        "target_revenue": 0,
        "vacation_days": 0,
        "special_leave_days": 0,
        "start_date": local_day(e.start_ticks, e.center.tz),
        "end_date": EMPTY_DATE,
        "tenure_start_date": EMPTY_DATE,
        "pay_type": 0,
    }


def employee_record(e: Employee) -> dict[str, Any]:
    """The data shared by ``Employee.Created``, ``Employee.Updated`` and ``Employee.Deleted``."""
    center = e.center
    country = center.country
    code = e.mobile.country_code
    return {
        "id": e.id,
        "code": e.code,
        "center_id": center.id,
        "is_consultant": None,
        "created_by": e.created_by,
        "personal_info": {
            "first_name": e.first_name,
            "middle_name": e.middle_name,
            "last_name": e.last_name,
            "nick_name": e.nick_name,
            "notification_name": e.name,
            "email": e.email,
            "mobile_phone": {"country_code": code, "number": e.mobile.number},
            "home_phone": {"country_code": code, "number": ""},
            "work_phone": {"country_code": code, "number": ""},
            "gender": e.gender,
            "birth_date": EMPTY_DATE,
            "anniversary_date": EMPTY_DATE,
        },
        "address": _address(country.country_id, center.site.state_id),
        "login_info": {"username": e.email.lower()},
        "job_info": _job(e),
        "preference_info": _preferences(country.culture_id),
        "payroll_info": _PAYROLL,
        "vanity_image_url": None,
        "roles": _ROLES,
        "catalog_info": {
            "show_in_catalog": e.show_in_catalog,
            "display_name": "",
            "description": "",
        },
    }


def employee_created(e: Employee) -> dict[str, Any]:
    """``Employee.Created``."""
    return employee_record(e)


def employee_updated(e: Employee) -> dict[str, Any]:
    """``Employee.Updated``: the record after the change."""
    return employee_record(e)


def employee_deleted(e: Employee) -> dict[str, Any]:
    """``Employee.Deleted``: the last record."""
    return employee_record(e)
