"""Generated events of every catalog type: schema-valid, shaped like the docs, faithful in detail.

500 events per type (five seeds of 100) are generated once per type and
shared by the tests of this module. Each is played by a small world
(``mockzenoti.generator``); ``test_generate_plays_the_world`` shows it.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from shape_check import documented, shape_problems, walk

from mockzenoti.catalog import load_catalog
from mockzenoti.catalog.attested import ATTESTED
from mockzenoti.event import Event
from mockzenoti.generator import generate_many
from mockzenoti.validation import format_problems, validate
from mockzenoti.vocab import COUNTRIES, SITES

CATALOG = load_catalog()
NAMES = CATALOG.names
SEEDS = (11, 22, 33, 44, 55)
PER_SEED = 100

GUID_ANY_CASE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
CLASS_ID_KEYS = {"session_id", "sesion_id", "class_id", "workshop_id", "registration_id"}
PHONE_CODES = {c.phone_code for c in COUNTRIES.values()}
PHONE_CODE_BY_COUNTRY_ID = {c.country_id: c.phone_code for c in COUNTRIES.values()}
TZ_BY_CENTER_NAME = {s.name: s.tz for s in SITES}


@cache
def events(name: str) -> tuple[Event, ...]:
    """The 500 events of one type this module checks."""
    return tuple(
        event
        for seed in SEEDS
        for event in generate_many(name, PER_SEED, seed=seed, catalog=CATALOG)
    )


@pytest.mark.parametrize("name", NAMES)
def test_500_events_of_each_type_validate_against_its_schema(name: str) -> None:
    generated = events(name)
    assert len(generated) == 500
    for event in generated:
        problems = validate(event.payload, CATALOG)
        assert not problems, format_problems(problems)


@pytest.mark.parametrize("name", NAMES)
def test_key_sets_order_types_and_nulls_follow_the_documented_sample(name: str) -> None:
    """The documented shape, or where consumers attest another form, that form."""
    entry = CATALOG.get(name)
    sample = documented(entry, CATALOG)
    attested = {a.path: a.value for a in ATTESTED.get(name, ())}
    for event in events(name):
        assert event.name == name
        problems = shape_problems(sample, event.payload, attested=attested)
        assert not problems, problems[:5]


def test_the_shape_check_refuses_what_is_neither_documented_nor_attested() -> None:
    sample = documented(CATALOG.get("Guest.Created"), CATALOG)
    attested = {a.path: a.value for a in ATTESTED["Guest.Created"]}
    event = copy.deepcopy(events("Guest.Created")[0].payload)
    phone = {"country_code": 44, "number": "07903624233"}
    event["data"]["personal_info"]["mobile_phone"] = phone
    assert shape_problems(sample, event, attested=attested) == []
    assert shape_problems(sample, event)  # not documented
    bad = {**phone, "number": 7903624233}
    event["data"]["personal_info"]["mobile_phone"] = bad
    assert shape_problems(sample, event, attested=attested)
    event["data"]["personal_info"]["mobile_phone"] = None
    event["data"]["personal_info"]["fax"] = None  # an extra key nobody attests
    assert shape_problems(sample, event, attested=attested)


@pytest.mark.parametrize("name", NAMES)
def test_lists_that_the_docs_show_with_items_get_items(name: str) -> None:
    """So that the list-item key checks above have something to check."""
    sample = documented(CATALOG.get(name), CATALOG)
    documented_lists = {p for p, _, _ in _list_paths(sample)}
    seen: set[str] = set()
    for event in events(name):
        seen |= {p for p, _, n in _list_paths(event.payload) if n}
    assert documented_lists <= seen | {p for p, _, n in _list_paths(sample) if not n}


def _list_paths(value: object, path: str = "") -> list[tuple[str, str, int]]:
    found: list[tuple[str, str, int]] = []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _list_paths(child, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        found.append((path, path, len(value)))
        if value:
            found += _list_paths(value[0], f"{path}.0")
    return found


@pytest.mark.parametrize("name", NAMES)
def test_guids_are_lowercase(name: str) -> None:
    for event in events(name):
        for path, _, value in walk(event.payload):
            if isinstance(value, str) and GUID_ANY_CASE.match(value):
                assert value == value.lower(), f"{path}: {value}"


CLASS_SIDE = [n for n in NAMES if n.startswith("Class.") or n == "Guestpass.redeemed"]


@pytest.mark.parametrize("name", CLASS_SIDE)
def test_class_side_ids_are_integers(name: str) -> None:
    checked = 0
    for event in events(name):
        for path, key, value in walk(event.payload["data"]):
            parent = path.rsplit(".", 2)[0] if key.isdigit() else ""
            if key in CLASS_ID_KEYS or (key == "recurrence_id" and value is not None):
                assert type(value) is int, f"{path}: {value!r}"
                checked += 1
            if parent.endswith("recurrence_registration_ids"):
                assert type(value) is int, f"{path}: {value!r}"
    assert checked >= 500


TYPOS: dict[str, tuple[str, ...]] = {
    "Invoice.Closed": (
        "data.invoice.appointments.0.serviceduration_in_miutes",
        "data.invoice.appointments.0.TherapistId",
    ),
    "Guest.Created": ("data.preferences.recieve_lp_stmt",),
    "Guest.Updated": ("data.preferences.recieve_lp_stmt",),
    "Guest.Deleted": ("data.preferences.recieve_lp_stmt",),
    "Class.Schedule.Created": ("data.sesion_id", "data.num_occurences"),
    "Class.Schedule.Updated": ("data.sesion_id", "data.num_occurences"),
    "Class.Schedule.Cancelled": ("data.sesion_id", "data.num_occurences"),
    "Class.Schedule.Deleted": ("data.sesion_id", "data.num_occurences"),
    "Guest.Membership.Created": (
        "data.service_balance.0.transfered",
        "data.service_balance.0.frequncy",
        "data.membership.is_dicount_only_membership",
    ),
    "Guest.Membership.Reinstate": (
        "data.service_balance.0.transfered",
        "data.service_balance.0.frequncy",
    ),
    "Appointment.Started": (
        "data.appointments.0.serviceduration_in_miutes",
        "data.appointments.0.TherapistId",
    ),
    "Appointment.Completed": (
        "data.appointments.0.serviceduration_in_miutes",
        "data.appointments.0.TherapistId",
    ),
    "AppointmentGroup.Created": ("data.center_Name",),
    "Employee.Created": ("data.job_info.is_elgible_for_additional_commision_bonus",),
}
CORRECTED = (
    "session_id",
    "num_occurrences",
    "center_name",
    "therapist_id",
    "receive_lp_stmt",
    "transferred",
    "frequency",
    "is_discount_only_membership",
)


@pytest.mark.parametrize("name", sorted(TYPOS))
def test_field_name_typos_are_kept(name: str) -> None:
    event = next(e for e in events(name) if _has_paths(e, TYPOS[name]))
    for path in TYPOS[name]:
        parent, key = path.rsplit(".", 1)
        node = _at(event.payload, parent)
        assert key in node
        fixed = {
            "sesion_id": "session_id",
            "num_occurences": "num_occurrences",
            "center_Name": "center_name",
            "TherapistId": "therapist_id",
            "recieve_lp_stmt": "receive_lp_stmt",
            "transfered": "transferred",
            "frequncy": "frequency",
            "serviceduration_in_miutes": "serviceduration_in_minutes",
            "is_dicount_only_membership": "is_discount_only_membership",
            "is_elgible_for_additional_commision_bonus": (
                "is_eligible_for_additional_commission_bonus"
            ),
        }[key]
        assert fixed not in node, f"{parent} has both {key} and {fixed}"


def _has_paths(event: Event, paths: tuple[str, ...]) -> bool:
    try:
        for p in paths:
            parent, key = p.rsplit(".", 1)
            if key not in _at(event.payload, parent):
                return False
    except (KeyError, IndexError):
        return False
    return True


def _at(doc: object, path: str) -> dict[str, object]:
    node = doc
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]  # type: ignore[index]
    assert isinstance(node, dict)
    return node


@pytest.mark.parametrize("name", [n for n in NAMES if n.startswith("Class.Schedule.")])
def test_schedule_data_event_id_is_never_the_envelopes(name: str) -> None:
    for event in events(name):
        inner = event.payload["data"]["event_id"]
        assert inner is None or type(inner) is int
        assert inner != event.payload["event_id"]


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in folded if ch.isalnum())


def assert_email_from_name(first: str, last: str, email: str) -> None:
    """The address was built from this name (first name, or initial and surname, first)."""
    if not email:
        return
    local = email.split("@", 1)[0].lower()
    f, la = _fold(first), _fold(last)
    assert local.startswith(f) or local.startswith(f[:1] + la), (first, last, email)


def test_guest_names_and_emails_agree() -> None:
    checked = 0
    for name in ("Guest.Created", "Guest.Deleted", "AppointmentGroup.Created"):
        for event in events(name):
            data = event.payload["data"]
            person = data.get("personal_info") or data.get("guest")
            assert_email_from_name(person["first_name"], person["last_name"], person["email"])
            checked += bool(person["email"])
    for event in events("Class.Booking.Approved"):
        for companion in event.payload["data"]["training_virtual_guests"]:
            assert_email_from_name(
                companion["first_name"], companion["last_name"], companion["email"]
            )
    assert checked > 1000


@pytest.mark.parametrize("name", ["Employee.Created", "Employee.Updated", "Employee.Deleted"])
def test_employee_names_emails_and_phones_agree(name: str) -> None:
    for event in events(name):
        data = event.payload["data"]
        info = data["personal_info"]
        assert info["notification_name"] == f"{info['first_name']} {info['last_name']}"
        assert data["login_info"]["username"] == info["email"].lower()
        assert_email_from_name(info["first_name"], info["last_name"], info["email"])
        expected = PHONE_CODE_BY_COUNTRY_ID[data["address"]["country_id"]]
        for phone in ("mobile_phone", "home_phone", "work_phone"):
            assert info[phone]["country_code"] == expected
        assert info["mobile_phone"]["number"].isdigit()


def test_invoice_guest_phone_is_written_with_its_country_code() -> None:
    without = 0
    for event in events("Invoice.Closed"):
        phone = event.payload["data"]["invoice"]["guest"]["mobile_phone"]
        if phone == "":  # a guest who gave no mobile number
            without += 1
            continue
        match = re.fullmatch(r"\+(\d{1,3}) (\d{9,10})", phone)
        assert match is not None, phone
        assert int(match.group(1)) in PHONE_CODES
    assert 0 < without < len(events("Invoice.Closed")) // 5


@pytest.mark.parametrize("name", ["Guest.Created", "Guest.Updated", "Guest.Deleted"])
def test_guest_mobile_phone_is_an_object_in_national_form_or_null(name: str) -> None:
    """``{country_code, number}`` as consumers of live traffic read it; null without a phone."""
    shown = 0
    for event in events(name):
        data = event.payload["data"]
        phone = data["personal_info"]["mobile_phone"]
        if phone is None:
            continue
        shown += 1
        country = next(
            c for c in COUNTRIES.values() if c.country_id == data["address_info"]["country_id"]
        )
        assert phone["country_code"] == country.phone_code
        assert phone["number"].isdigit() and phone["number"].startswith(country.trunk_prefix)
        national = len(phone["number"]) - len(country.trunk_prefix)
        assert national == country.mobile_length, phone
    assert shown > 400  # most guests have a mobile


@pytest.mark.parametrize("name", ["Guest.OptedIn", "Guest.OptedOut"])
def test_opt_events_phones_share_one_country_code(name: str) -> None:
    for event in events(name):
        codes = {p["country_code"] for p in event.payload["data"]["details"]["phone"]}
        assert len(codes) == 1 and codes <= PHONE_CODES


def test_appointment_group_local_times_are_the_centers_zone_of_the_utc_times() -> None:
    for event in events("AppointmentGroup.Created"):
        data = event.payload["data"]
        tz = ZoneInfo(TZ_BY_CENTER_NAME[data["center_Name"]])
        for appt in data["appointments"]:
            for utc_key, local_key in (
                ("start_time", "start_time_in_center"),
                ("end_time", "end_time_in_center"),
            ):
                instant = datetime.fromisoformat(appt[utc_key]).replace(tzinfo=UTC)
                local = instant.astimezone(tz).replace(tzinfo=None)
                assert local.isoformat() == appt[local_key]
            # created at the event's own (UTC) second
            assert appt["creation_date"] == event.timestamp[:19]


def test_stories_run_in_order_and_within_business_hours() -> None:
    for event in events("Invoice.Closed"):  # every service is over before the invoice closes
        fired = event.timestamp[:19]
        appts = event.payload["data"]["invoice"]["appointments"]
        assert all(a["start_time"] < a["end_time"] <= fired for a in appts)
    for event in events("Appointment.Completed"):  # one service completed at a time, in turn
        fired = event.timestamp[:19]
        appts = event.payload["data"]["appointments"]
        assert all(a["start_time"] < a["end_time"] for a in appts)
        assert appts[0]["end_time"] <= fired
    for event in events("AppointmentGroup.Created"):
        appts = event.payload["data"]["appointments"]
        assert all(a["start_time"] > event.timestamp[:19] for a in appts)  # booked ahead
        # The visit starts in business hours (the world lets a last service run past closing).
        local = datetime.fromisoformat(appts[0]["start_time_in_center"])
        assert 6 <= local.hour < 21


def test_invoice_totals_add_up_and_the_payment_covers_them() -> None:
    for event in events("Invoice.Closed"):
        invoice = event.payload["data"]["invoice"]
        items = invoice["invoice_items"]
        total = invoice["total_price"]
        assert total["net_price"] == pytest.approx(sum(i["price"]["sales"] for i in items))
        assert total["sum_total"] == pytest.approx(total["net_price"] + total["tax"])
        assert total["sum_total"] == pytest.approx(sum(i["price"]["final"] for i in items))
        paid = [t["amount_paid"] for t in invoice["transactions"]]
        assert invoice["total_amount_paid"] == pytest.approx(sum(paid))
        if invoice["is_closed"]:
            assert sum(paid) == pytest.approx(total["sum_total"])
        else:  # a part payment: the balance is still open
            assert 0 < sum(paid) < total["sum_total"] and invoice["receipt_number"] == "0"
        if invoice["is_refund"]:
            assert total["sum_total"] < 0 and all(p < 0 for p in paid) and invoice["is_closed"]
        appointment_items = {a["invoice_item_id"] for a in invoice["appointments"]}
        assert appointment_items <= {i["invoice_item_id"] for i in items}
