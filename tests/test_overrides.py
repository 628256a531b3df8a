"""Overrides by dotted path: applied copy-on-write, refused with the path and the reason."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mockzenoti.catalog import load_catalog
from mockzenoti.errors import OverrideError
from mockzenoti.generator import generate, generate_many
from mockzenoti.generator.overrides import (
    Overrides,
    coerce_text,
    parse_assignment,
    resolve,
    set_path,
)
from mockzenoti.validation import validate

CATALOG = load_catalog()


def test_nested_list_and_envelope_paths_are_applied_and_stay_valid() -> None:
    event = generate(
        "AppointmentGroup.Created",
        seed=3,
        overrides={
            "data.guest.first_name": "Ada",
            "data.appointments.0.room_name": "Suite 2",
            "event_timestamp": "2025-01-01T09:00:00.5Z",
        },
    )
    data = event.payload["data"]
    assert data["guest"]["first_name"] == "Ada"
    assert data["appointments"][0]["room_name"] == "Suite 2"
    assert event.timestamp == "2025-01-01T09:00:00.5Z"
    assert json.loads(event.body())["data"]["guest"]["first_name"] == "Ada"
    assert not validate(event.payload)


def test_overrides_apply_to_every_event_of_a_run() -> None:
    events = list(generate_many("Guest.Created", 5, seed=1, overrides={"data.code": "VIP1"}))
    assert [e.payload["data"]["code"] for e in events] == ["VIP1"] * 5
    assert len({e.id for e in events}) == 5


def test_a_missing_key_is_refused_with_the_closest_keys() -> None:
    with pytest.raises(OverrideError) as info:
        generate("AppointmentGroup.Created", overrides={"data.guest.frst_name": "Ada"})
    assert info.value.field == "data.guest.frst_name"
    assert "data.guest.first_name" in info.value.message
    with pytest.raises(OverrideError) as info:
        generate("Guest.Created", overrides={"dta.code": "X"})
    assert "data" in info.value.message


def test_list_index_out_of_range_and_non_index_are_refused() -> None:
    event = generate("AppointmentGroup.Created", seed=3)
    count = len(event.payload["data"]["appointments"])
    path = f"data.appointments.{count}.room_name"
    with pytest.raises(OverrideError) as info:
        Overrides(CATALOG.get("AppointmentGroup.Created"), {path: "x"}).apply(event)
    assert info.value.field == path
    assert "out of range" in info.value.message and f"{count} item(s)" in info.value.message
    with pytest.raises(OverrideError, match="is a list"):
        resolve(event.payload, "data.appointments.first.room_name")
    with pytest.raises(OverrideError, match="has no fields"):
        resolve(event.payload, "data.guest.first_name.x")
    with pytest.raises(OverrideError):
        resolve(event.payload, "data..guest")


@pytest.mark.parametrize(
    ("name", "path", "value", "reason"),
    [
        (
            "AppointmentGroup.Created",
            "data.appointments.0.service_duration_in_minutes",
            "sixty",
            "integer",
        ),
        ("Guest.Created", "data.personal_info.mobile_phone", "555-0100", "null"),
        ("AppointmentGroup.Created", "data.appointments.0.room_id", "Suite 2", "GUID"),
        ("Class.Booking.Created", "data.session_id", 1.5, "integer"),
        ("Guest.Created", "event_type", "Guest.Made", "unknown event type"),
        ("Invoice.Closed", "data.invoice.guest", {"id": "x"}, ""),
    ],
)
def test_values_that_break_the_schema_are_refused_naming_path_and_reason(
    name: str, path: str, value: object, reason: str
) -> None:
    with pytest.raises(OverrideError) as info:
        generate(name, seed=2, overrides={path: value})
    assert info.value.field == path
    assert info.value.message.startswith(path) and reason in info.value.message


def test_applying_copies_the_path_and_leaves_shared_objects_alone() -> None:
    entry = CATALOG.get("Employee.Created")
    first, second = list(generate_many("Employee.Created", 2, seed=6))
    before = first.body()
    culture = first.payload["data"]["preference_info"]["culture_id"]
    changed = Overrides(entry, {"data.preference_info.culture_id": 1}).apply(first)
    assert changed.payload["data"]["preference_info"]["culture_id"] == 1
    assert first.payload["data"]["preference_info"]["culture_id"] == culture
    assert json.dumps(first.payload, separators=(",", ":"), ensure_ascii=False).encode() == before
    # the rendered preference block is shared between events: still intact for the next one
    assert second.payload["data"]["preference_info"]["culture_id"] == culture
    third = generate("Employee.Created", seed=6)
    assert third.payload["data"]["preference_info"]["culture_id"] == culture
    assert changed.keys == first.keys and changed.seq == first.seq


def test_set_path_copies_only_the_containers_on_the_path() -> None:
    payload: dict[str, Any] = {"data": {"a": {"b": 1}, "c": {"d": 2}, "l": [{"x": 1}, {"x": 2}]}}
    out = set_path(payload, "data.l.1.x", 5)
    assert out["data"]["l"][1]["x"] == 5 and payload["data"]["l"][1]["x"] == 2
    assert out["data"]["c"] is payload["data"]["c"]
    assert out["data"]["l"][0] is payload["data"]["l"][0]


def test_command_line_text_is_read_by_the_schema_type() -> None:
    guest = CATALOG.get("Guest.Created")
    booking = CATALOG.get("Class.Booking.Created")
    invoice = CATALOG.get("Invoice.Closed")
    schedule = CATALOG.get("Class.Schedule.Updated")
    assert coerce_text(guest, "data.personal_info.first_name", "007", "Ann") == "007"
    assert coerce_text(guest, "data._id", "42", 1) == 42
    assert coerce_text(booking, "data.add_to_all", "null", 0) is None
    assert coerce_text(booking, "data.waitlist", "true", False) is True
    assert coerce_text(schedule, "data.description", "Bring a mat", "") == "Bring a mat"
    path = "data.invoice.total_price.net_price"
    assert coerce_text(invoice, path, "12.5", 10) == 12.5
    assert coerce_text(invoice, path, "12", 10) == 12
    with pytest.raises(OverrideError) as info:
        coerce_text(guest, "data._id", "forty", 1)
    assert info.value.field == "data._id" and "integer" in info.value.message
    # an object or list field (no single scalar type): JSON when it parses, else the text
    assert coerce_text(guest, "data.address_info", '{"city": "Oslo"}', {}) == {"city": "Oslo"}
    assert coerce_text(guest, "data.address_info", "Oslo", {}) == "Oslo"


def test_assignments_split_at_the_first_equals_sign() -> None:
    assert parse_assignment("data.guest.first_name=Ada=Lovelace") == (
        "data.guest.first_name",
        "Ada=Lovelace",
    )
    assert parse_assignment("data.code=") == ("data.code", "")
    for bad in ("data.code", "=x"):
        with pytest.raises(OverrideError):
            parse_assignment(bad)
