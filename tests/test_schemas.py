"""The generated schemas: current, well-formed, and matching the documented samples."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mockzenoti.catalog import CatalogEntry, load_catalog
from mockzenoti.catalog.attested import ATTESTED
from mockzenoti.catalog.fixtures import fixtures_dir
from tools.build_schemas import build

CATALOG = load_catalog()
ENTRIES = list(CATALOG)
WITH_SAMPLE = [e for e in ENTRIES if e.sample is not None]


def _ids(entries: list[CatalogEntry]) -> list[str]:
    return [e.name for e in entries]


def test_builder_reproduces_the_committed_files_byte_for_byte() -> None:
    built = build()
    assert sorted(built) == sorted(e.schema_file for e in ENTRIES)
    on_disk = sorted(p.name for p in (fixtures_dir() / "schemas").glob("*.json"))
    assert on_disk == sorted(f.split("/")[-1] for f in built), "stale schema files on disk"
    for relative, text in built.items():
        committed = (fixtures_dir() / relative).read_bytes()
        assert committed == text.encode("utf-8"), (
            f"{relative} is stale: run python -m tools.build_schemas"
        )


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids(ENTRIES))
def test_every_schema_is_a_valid_draft_2020_12_schema(entry: CatalogEntry) -> None:
    schema = entry.schema
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == entry.name
    assert schema["$id"].endswith(entry.name)
    assert schema["properties"]["event_type"]["const"] == entry.event_type
    assert schema["properties"]["event_resource"]["const"] == entry.event_resource


@pytest.mark.parametrize("entry", WITH_SAMPLE, ids=_ids(WITH_SAMPLE))
def test_every_documented_sample_validates_against_its_schema(entry: CatalogEntry) -> None:
    errors = list(Draft202012Validator(entry.schema).iter_errors(entry.sample))
    assert errors == [], [e.message for e in errors]


def _closed_objects(schema: dict[str, Any], path: str) -> list[str]:
    """Paths of object schemas that are not closed (should be none)."""
    found = []
    if "properties" in schema and schema.get("additionalProperties") is not False:
        found.append(path)
    for key, sub in schema.get("properties", {}).items():
        found += _closed_objects(sub, f"{path}.{key}")
    if "items" in schema:
        found += _closed_objects(schema["items"], f"{path}.*")
    return found


def _required_matches(schema: dict[str, Any], value: Any, path: str, optional: set[str]) -> None:
    if isinstance(value, dict):
        assert schema["required"] == list(value), path
        extra = [k for k in schema["properties"] if k not in value]
        assert [k for k in schema["properties"] if k in value] == list(value), path
        pattern = re.sub(r"\.\d+(?=\.|$)", ".*", path).lstrip(".")
        assert {f"{pattern}.{k}" for k in extra} <= optional, path
        for key, child in value.items():
            _required_matches(schema["properties"][key], child, f"{path}.{key}", optional)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _required_matches(schema["items"], item, f"{path}.{i}", optional)


@pytest.mark.parametrize("entry", WITH_SAMPLE, ids=_ids(WITH_SAMPLE))
def test_required_keys_equal_the_samples_keys_at_every_level(entry: CatalogEntry) -> None:
    """Every key a sample shows is required; the only others are optional attested keys."""
    assert _closed_objects(entry.schema, "") == []
    attested = {a.path for a in ATTESTED.get(entry.name, ())}
    _required_matches(entry.schema, entry.sample, "", attested)


def test_opted_in_has_the_shape_of_opted_out() -> None:
    opted_in = CATALOG.get("Guest.OptedIn").schema
    opted_out = CATALOG.get("Guest.OptedOut").schema
    assert opted_in["properties"]["data"] == opted_out["properties"]["data"]
    assert opted_in["properties"]["event_type"]["const"] == "Guest.OptedIn"


def _field(name: str, dotted: str) -> dict[str, Any]:
    schema = CATALOG.get(name).schema["properties"]["data"]
    for part in dotted.split("."):
        schema = schema["items"] if part == "*" else schema["properties"][part]
    return schema


@pytest.mark.parametrize(
    ("name", "dotted", "types"),
    [
        # 0 in Booking.Created, null in the other three: the family's union.
        ("Class.Booking.NoShow", "add_to_all", ["integer", "null"]),
        ("Class.Booking.Created", "waitlist", ["boolean", "null"]),
        # null in every documented booking sample: null only.
        ("Class.Booking.Created", "booking_source", "null"),
        ("Class.Schedule.Created", "description", ["string", "null"]),
        ("Class.Schedule.Cancelled", "event_id", ["integer", "null"]),
        ("Guest.Created", "personal_info.dob_incomplete_year", ["string", "null"]),
        ("Guest.Membership.Created", "membership.T&C", ["string", "null"]),
        ("Guest.Membership.Reinstate", "invoice.item_id", ["string", "null"]),
        # money is number even where the sample shows an integer; ids stay integer
        ("Invoice.Closed", "invoice.total_price.sum_total", "number"),
        ("Invoice.Closed", "invoice.total_price.currency_id", "integer"),
        ("Guest.Membership.Created", "credit_balance.total", "number"),
        ("Guest.Membership.Created", "service_balance.*.total", "integer"),
        ("Guest.Membership.Created", "service_balance.*.balance", "number"),
        ("Employee.Created", "job_info.hourly_rate", "number"),
        ("Guest.Package.Creation", "services.*.balance_amount", "number"),
        # flags keep their documented form
        ("AppointmentGroup.Status", "is_noshowfeerequired", "string"),
        ("Class.Schedule.Created", "show_in_catalog", "integer"),
        ("Employee.Created", "catalog_info.show_in_catalog", "boolean"),
        ("Class.Booking.Approved", "training_virtual_guests", "array"),
    ],
)
def test_field_types_follow_the_samples_and_the_overlay(
    name: str, dotted: str, types: str | list[str]
) -> None:
    assert _field(name, dotted)["type"] == types


def test_each_event_keeps_its_own_key_set() -> None:
    approved = CATALOG.get("Class.Booking.Approved").schema["properties"]["data"]
    created = CATALOG.get("Class.Booking.Created").schema["properties"]["data"]
    assert "is_recurring" not in approved["properties"]
    assert "is_recurring" in created["properties"]
    assert _field("Class.Booking.Created", "training_virtual_guests")["type"] == "null"


@pytest.mark.parametrize(
    ("name", "dotted", "ref"),
    [
        ("Appointment.Started", "appointments.*.room_id", "#/$defs/guid_or_empty"),
        ("AppointmentGroup.Created", "appointments.*.room_id", "#/$defs/guid"),
        ("Employee.Created", "created_by", "#/$defs/guid"),
        ("Guest.Package.Redemption", "service_redemptions.*.usage_date", "#/$defs/sql_datetime"),
        ("Guest.OptedOut", "timestamp", "#/$defs/utc_seconds"),
        ("Employee.Created", "personal_info.birth_date", "#/$defs/datetime"),
    ],
)
def test_string_forms_are_referenced_from_defs(name: str, dotted: str, ref: str) -> None:
    assert _field(name, dotted)["$ref"] == ref
    defs = CATALOG.get(name).schema["$defs"]
    assert "pattern" in defs[ref.split("/")[-1]]


def test_documented_enums_and_consts() -> None:
    assert _field("AppointmentGroup.Status", "appointment_group_status")["enum"] == [
        -2,
        -1,
        0,
        1,
        2,
        4,
        10,
        11,
        20,
        21,
    ]
    assert _field("Appointment.Completed", "appointments.*.appointment_progress")["enum"] == [
        0,
        1,
        2,
    ]
    assert _field("Appointment.Feedback.V1", "version")["const"] == 1
    assert _field("Appointment.Feedback.V2", "version")["const"] == 2
    assert _field("Guest.OptedIn", "current_preferences.marketing.sms")["enum"] == [
        "opted-in",
        "opted-out",
    ]
    assert _field("Invoice.Closed", "invoice.transactions.*.payment_type")["enum"] == list(
        range(18)
    )
    # undocumented codes get no enum
    assert "enum" not in _field("Class.Schedule.Created", "class_type")


def test_renames_flow_into_the_schema_consts() -> None:
    catalog = load_catalog(
        renames={"Appointment.Started": "Appointment.Start"},
        resources={"Appointment.Started": None},
    )
    schema = catalog.get("Appointment.Started").schema
    assert schema["properties"]["event_type"]["const"] == "Appointment.Start"
    assert schema["properties"]["event_resource"]["const"] is None
    # the default catalog's entry is untouched
    assert CATALOG.get("Appointment.Started").schema["properties"]["event_type"]["const"] == (
        "Appointment.Started"
    )


def _valid(name: str, event: dict[str, Any]) -> list[str]:
    return [e.message for e in Draft202012Validator(CATALOG.get(name).schema).iter_errors(event)]


def test_attested_forms_validate_beside_the_documented_ones() -> None:
    """The documented samples validate, and so do the forms consumers of live traffic read."""
    guest = copy.deepcopy(CATALOG.get("Guest.Created").sample)
    assert guest is not None and guest["data"]["personal_info"]["mobile_phone"] is None
    guest["data"]["personal_info"]["mobile_phone"] = {"country_code": 44, "number": "07903624233"}
    assert _valid("Guest.Created", guest) == []
    guest["data"]["personal_info"]["mobile_phone"] = {"country_code": 44, "number": 7903624233}
    assert _valid("Guest.Created", guest)  # the number is text
    guest["data"]["personal_info"]["mobile_phone"] = "+44 7903624233"
    assert _valid("Guest.Created", guest)  # the object, not the invoice's display string

    invoice = copy.deepcopy(CATALOG.get("Invoice.Closed").sample)
    assert invoice is not None
    body = invoice["data"]["invoice"]
    assert "invoice_number_prefix" not in body and _valid("Invoice.Closed", invoice) == []
    body = invoice["data"]["invoice"] = {
        "id": body["id"],
        "invoice_number": body["invoice_number"],
        "invoice_number_prefix": "CH",  # attested, beside invoice_number
        **{k: v for k, v in body.items() if k not in ("id", "invoice_number")},
    }
    body["guest"]["email"] = "ana@example.com"
    body["is_closed"], body["is_refund"], body["lock"] = False, True, False
    body["total_price"]["sum_total"] = -88
    body["transactions"][0]["amount_paid"] = body["total_amount_paid"] = -88
    assert _valid("Invoice.Closed", invoice) == []
    body["transactions"][0]["amount"] = -88  # the invented field: not a form anybody reads
    assert _valid("Invoice.Closed", invoice)
    del body["transactions"][0]["amount"]
    body["invoice_number_prefix"] = 12
    assert _valid("Invoice.Closed", invoice)

    approved = copy.deepcopy(CATALOG.get("Class.Booking.Approved").sample)
    assert approved is not None
    approved["data"]["training_virtual_guests"][0]["mobile_phone"] = None
    assert _valid("Class.Booking.Approved", approved) == []


def test_every_attested_path_is_in_its_schema() -> None:
    for name, forms in ATTESTED.items():
        for form in forms:
            assert form.evidence and form.source in ("attested", "inferred")
            node = CATALOG.get(name).schema["properties"]["data"]
            for part in form.path.split(".")[1:]:
                node = node["items"] if part == "*" else node["properties"][part]
            assert node, (name, form.path)
