"""What each ``/v1`` read answers, from a sandbox's view (JSON-ready, Zenoti's shapes).

Lists page with ``page`` (from 1) and ``size`` (1 to 100, default 10) and
carry ``page_info`` (``total``, ``page``, ``size``); a page past the end is
empty. ``GET /v1/appointments`` answers a bare array (as Zenoti does) for a
center and a range of local dates, at most ``MAX_RANGE_DAYS`` long.
Unknown ids raise ``RestError`` (404).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from mockzenoti.model import AppointmentGroup, Center, Guest
from mockzenoti.rest import shapes
from mockzenoti.rest.errors import TOO_MANY_ITEMS, RestError
from mockzenoti.rest.view import RestView
from mockzenoti.timefmt import local_date

__all__ = [
    "MAX_RANGE_DAYS",
    "MAX_SIZE",
    "Page",
    "appointment",
    "appointments",
    "center",
    "centers",
    "guest",
    "guest_appointments",
    "invoice",
    "search_guests",
    "services",
    "therapists",
]

MAX_SIZE = 100
MAX_RANGE_DAYS = 31
T = TypeVar("T")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]*)?$")


@dataclass(frozen=True, slots=True)
class Page:
    """``page`` (from 1) and ``size`` (1 to 100) of a list."""

    page: int = 1
    size: int = 10

    @classmethod
    def read(cls, page: str | None, size: str | None) -> Page:
        """From query parameters; a bad value is a 400 naming it, a size over 100 a 422."""
        return cls(_whole(page, "page", 1), _size(size))

    def slice(self, items: Sequence[T]) -> tuple[list[T], dict[str, int]]:
        """This page of ``items`` and its ``page_info``."""
        start = (self.page - 1) * self.size
        chosen = list(items[start : start + self.size]) if start < len(items) else []
        return chosen, {"total": len(items), "page": self.page, "size": self.size}


def _whole(value: str | None, name: str, default: int) -> int:
    if value is None:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", value) or int(value) < 1:
        raise RestError.bad(f"{name} must be a whole number from 1 (got {value!r}).", name)
    return int(value)


def _size(value: str | None) -> int:
    size = _whole(value, "size", 10)
    if size > MAX_SIZE:
        raise RestError(422, TOO_MANY_ITEMS, "size")
    return size


def read_date(value: str | None, name: str) -> date:
    """A ``YYYY-MM-DD`` date (a time after it is ignored); 400 naming ``name`` otherwise."""
    if not value:
        raise RestError.bad(f"{name} is required (YYYY-MM-DD).", name)
    match = _DATE.match(value)
    if match is None:
        raise RestError.bad(f"{name} must be a date YYYY-MM-DD (got {value!r}).", name)
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise RestError.bad(f"{name} {value!r} is not a date of the calendar.", name) from None


# -- centers -----------------------------------------------------------------------------------


def _center(view: RestView, center_id: str) -> Center:
    found = view.center(center_id)
    if found is None:
        raise RestError.not_found("center", center_id, "center_id")
    return found


def centers(view: RestView, page: Page) -> dict[str, Any]:
    """``GET /v1/centers``."""
    items, info = page.slice(list(view.centers.values()))
    return {
        "centers": [shapes.center_info(c) for c in items],
        "requested_centers": None,
        "page_info": info,
        "error": None,
    }


def center(view: RestView, center_id: str) -> dict[str, Any]:
    """``GET /v1/centers/{center_id}``."""
    return shapes.center_detail(_center(view, center_id))


def services(view: RestView, center_id: str, page: Page) -> dict[str, Any]:
    """``GET /v1/centers/{center_id}/services``."""
    items, info = page.slice(_center(view, center_id).services)
    return {"services": [shapes.service_item(s) for s in items], "page_info": info, "error": None}


def therapists(view: RestView, center_id: str, page: Page) -> dict[str, Any]:
    """``GET /v1/centers/{center_id}/therapists``: the staff who perform services."""
    found = _center(view, center_id)
    staff = [e for e in view.staff(found) if e.bookable and e.job_name != "FRONT DESK"]
    items, info = page.slice(staff)
    return {
        "therapists": [shapes.therapist_info(e) for e in items],
        "employees": None,
        "account_status": None,
        "account_last_four": None,
        "page_info": info,
        "error": None,
    }


# -- guests ------------------------------------------------------------------------------------


def guest(view: RestView, guest_id: str) -> dict[str, Any]:
    """``GET /v1/guests/{guest_id}`` (a deleted guest is not found)."""
    entry = view.guest(guest_id)
    if entry is None or entry.frozen.deleted:
        raise RestError.not_found("guest", guest_id, "guest_id")
    return shapes.guest_object(entry.frozen)


_SEARCH = ("first_name", "last_name", "email", "phone", "zip_code", "user_name", "code")


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _matches(g: Guest, wanted: dict[str, str]) -> bool:
    for key, value in wanted.items():
        value = value.strip().lower()
        if key == "first_name" and not g.first_name.lower().startswith(value):
            return False
        if key == "last_name" and not g.last_name.lower().startswith(value):
            return False
        if key == "email" and g.email.lower() != value:
            return False
        if key == "zip_code" and g.zip_code.lower() != value:
            return False
        if key == "code" and g.code.lower() != value:
            return False
        if key == "user_name" and value:
            return False  # guests made by the world have no user name
        if key == "phone":
            digits = _digits(value)
            numbers = {_digits(p.number) for p in (g.mobile, g.home_phone, g.work_phone) if p}
            full = {_digits(p.display) for p in (g.mobile, g.home_phone, g.work_phone) if p}
            if not digits or (digits not in numbers and digits not in full):
                return False
    return True


def search_guests(
    view: RestView, center_id: str | None, filters: dict[str, str], page: Page
) -> dict[str, Any]:
    """``GET /v1/guests/search``: names match from their start, the rest exactly, any case
    (no field: every guest ``/v1`` knows, of ``center_id`` if given)."""
    wanted = {k: v for k, v in filters.items() if k in _SEARCH and v}
    where = _center(view, center_id) if center_id else None
    found = [g for g in view.guests_of(where) if _matches(g, wanted)]
    items, info = page.slice(found)
    return {"guests": [shapes.guest_object(g) for g in items], "page_info": info, "error": None}


# -- appointments and invoices -----------------------------------------------------------------


def _items(view: RestView, g: AppointmentGroup) -> list[dict[str, Any]]:
    invoice = view.invoice_of(g)
    guest_now = view.guest_now(g.guest)
    return [shapes.appointment_item(g, a, invoice, guest_now) for a in g.appointments]


def appointment(view: RestView, appointment_id: str) -> list[dict[str, Any]]:
    """``GET /v1/appointments/{appointment_id}``: an array holding the appointment.

    The id of an appointment group is taken too: the array then holds every
    appointment of the group.
    """
    entry = view.group_of_appointment(appointment_id)
    if entry is not None:
        wanted = appointment_id.lower()
        return [i for i in _items(view, entry.frozen) if i["appointment_id"].lower() == wanted]
    entry = view.group(appointment_id)
    if entry is None:
        raise RestError.not_found("appointment", appointment_id, "appointment_id")
    return _items(view, entry.frozen)


def appointments(
    view: RestView,
    center_id: str | None,
    start_date: str | None,
    end_date: str | None,
    *,
    include_no_show_cancel: bool = False,
) -> list[dict[str, Any]]:
    """``GET /v1/appointments``: a center's appointments from ``start_date`` to
    ``end_date`` (local dates, both included), by start; cancelled and no-show ones
    only with ``include_no_show_cancel``."""
    if not center_id:
        raise RestError.bad("center_id is required.", "center_id")
    found = _center(view, center_id)
    first = read_date(start_date, "start_date")
    last = read_date(end_date, "end_date")
    if last < first:
        raise RestError.bad("end_date must not be before start_date.", "end_date")
    if last - first > timedelta(days=MAX_RANGE_DAYS):
        raise RestError.bad(
            f"ask for {MAX_RANGE_DAYS} days at most (start_date to end_date).", "end_date"
        )
    tz = found.tz
    out = []
    for g in view.groups_of(found):
        if g.status in (-1, -2) and not include_no_show_cancel:
            continue
        if any(first <= local_date(a.start_ticks, tz) <= last for a in g.appointments):
            for item, a in zip(_items(view, g), g.appointments, strict=True):
                if first <= local_date(a.start_ticks, tz) <= last:
                    out.append((a.start_ticks, item))
    out.sort(key=lambda pair: pair[0])
    return [item for _, item in out]


def guest_appointments(view: RestView, guest_id: str, page: Page) -> dict[str, Any]:
    """``GET /v1/guests/{guest_id}/appointments``: the guest's appointments, newest first."""
    entry = view.guest(guest_id)
    if entry is None:
        raise RestError.not_found("guest", guest_id, "guest_id")
    key = entry.frozen.id
    groups = [g for g in view.groups_of() if g.guest.id == key]
    groups.sort(key=lambda g: g.appointments[0].start_ticks, reverse=True)
    items = [item for g in groups for item in _items(view, g)]
    chosen, info = page.slice(items)
    return {"appointments": chosen, "page_info": info, "error": None}


def invoice(view: RestView, invoice_id: str) -> dict[str, Any]:
    """``GET /v1/invoices/{invoice_id}``: ``{invoice, error}``."""
    entry = view.invoice(invoice_id)
    if entry is None:
        raise RestError.not_found("invoice", invoice_id, "invoice_id")
    return {"invoice": shapes.invoice_details(entry.frozen), "error": None}
