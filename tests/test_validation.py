"""validate(): strictness with readable paths, entry choice, speed, agreement with jsonschema."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mockzenoti.catalog import load_catalog
from mockzenoti.validation import (
    InvalidPayload,
    Problem,
    check,
    format_problems,
    is_valid,
    validate,
)

CATALOG = load_catalog()
SAMPLES = {e.name: e.sample for e in CATALOG if e.sample is not None}


def sample(name: str) -> dict[str, Any]:
    """A deep copy of the catalog's sample, safe to mutate."""
    return copy.deepcopy(SAMPLES[name])


def paths(problems: list[Problem]) -> list[str]:
    return [p.path for p in problems]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_documented_sample_is_valid(name: str) -> None:
    assert validate(SAMPLES[name]) == []


def _set(doc: Any, dotted: str, value: Any) -> None:
    *head, last = dotted.split(".")
    for part in head:
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    if isinstance(doc, list):
        doc[int(last)] = value
    else:
        doc[last] = value


@pytest.mark.parametrize(
    ("name", "dotted", "value", "words"),
    [
        ("AppointmentGroup.Created", "data.appointments.0.room_name", 7, "expected string"),
        ("Class.Booking.Created", "data.registration_id", "119986", "expected integer"),
        ("Class.Booking.Created", "data.registration_id", None, "got null"),
        ("Class.Booking.Created", "data.booking_source", 0, "expected null"),
        ("Class.Booking.Created", "data.add_to_all", True, "expected integer or null"),
        ("Invoice.Closed", "data.invoice.total_price.sum_total", "488", "expected number"),
        ("Guest.Created", "id", "622B63E6A961750E01DB6558", "ObjectId"),
        ("Guest.Created", "event_id", "622b63e6a961750e01db655", "ObjectId"),
        ("Guest.Created", "event_timestamp", "2022-03-11T14:59:50.87458371Z", "UTC timestamp"),
        ("Guest.Created", "event_timestamp", "2022-03-11T14:59:50.8745837", "UTC timestamp"),
        ("Guest.Created", "event_timestamp", "2022-03-11 14:59:50Z", "UTC timestamp"),
        ("Guest.Created", "data.created_date", "2022-03-11T14:59:49+05:30", "without offset"),
        ("Guest.Created", "data.created_date", "2022-03-11T14:59:49Z", "without offset"),
        ("Guest.Created", "data.created_date", "2022-03-11T14:59:49.123", "without offset"),
        ("Guest.Created", "data.center_id", "34aac717-e7df-4231-afc8-14420213957", "GUID"),
        ("Guest.Created", "data.center_id", "", "GUID"),
        ("Guest.Created", "data.center_id", "34aac717-e7df-4231-afc8-14420213957c\n", "GUID"),
        ("Appointment.Started", "data.appointments.0.room_id", "a35dbd63-fdc2", 'GUID or ""'),
        ("AppointmentGroup.Created", "data.appointments.0.room_id", "", "GUID"),
        ("Guest.Created", "event_schema", "v2", 'expected "v1"'),
        ("Guest.Created", "event_resource", "Guests", 'expected "Guest"'),
        ("AppointmentGroup.Status", "data.appointment_group_status", 3, "one of"),
        ("Appointment.Started", "data.appointments.0.appointment_progress", 3, "one of"),
        ("Appointment.Feedback.V1", "data.version", 2, "expected 1"),
        ("Guest.OptedOut", "data.current_preferences.marketing.email", "opted_out", "one of"),
        ("Guest.OptedOut", "data.preference_update.channel", "push", "one of"),
        ("Guest.OptedOut", "data.timestamp", "2023-11-15T14:30:45", "UTC date and time"),
        ("Guest.Package.Redemption", "data.service_redemptions.0.usage_date", "2022-03-01", "ms"),
        ("Guest.Membership.Created", "data.payment_history", [{}], "empty list"),
    ],
)
def test_a_wrong_value_is_reported_at_its_path(
    name: str, dotted: str, value: Any, words: str
) -> None:
    payload = sample(name)
    _set(payload, dotted, value)
    problems = validate(payload)
    assert paths(problems) == [dotted]
    message = problems[0].message
    assert words.replace("ms", "milliseconds") in message, message
    assert problems[0].event_type == name


@pytest.mark.parametrize(
    ("name", "dotted", "value"),
    [
        ("Guest.Created", "event_timestamp", "2022-03-11T14:59:50Z"),
        ("Guest.Created", "event_timestamp", "2022-03-11T14:59:50.8Z"),
        ("Guest.Created", "data.center_id", "34AAC717-E7DF-4231-AFC8-14420213957C"),
        ("Guest.Created", "data.center_id", "00000000-0000-0000-0000-000000000000"),
        ("Employee.Created", "data.job_info.end_date", "0001-01-01T00:00:00"),
        ("Appointment.Started", "data.appointments.0.room_id", ""),
        ("Class.Booking.Cancelled", "data.add_to_all", 1),
        ("Class.Schedule.Created", "data.description", "Morning class"),
        ("Invoice.Closed", "data.invoice.total_price.sum_total", 488.5),
        (
            "Guest.Membership.Reinstate",
            "data.invoice.item_id",
            "36b417b4-699c-4675-960e-7e33c9859a9d",
        ),
    ],
)
def test_documented_variants_pass(name: str, dotted: str, value: Any) -> None:
    payload = sample(name)
    _set(payload, dotted, value)
    assert validate(payload) == []


def test_an_extra_key_and_a_missing_key_are_named() -> None:
    payload = sample("Invoice.Closed")
    payload["data"]["invoice"]["invoice_items"][1]["colour"] = "red"
    del payload["data"]["invoice"]["guest"]["guest_email"]
    payload["surprise"] = 1
    problems = validate(payload)
    assert sorted(paths(problems)) == [
        "data.invoice.guest.guest_email",
        "data.invoice.invoice_items.1.colour",
        "surprise",
    ]
    by_path = {p.path: p.message for p in problems}
    assert "missing" in by_path["data.invoice.guest.guest_email"]
    assert "unexpected key" in by_path["surprise"]


def test_unknown_missing_and_malformed_event_types() -> None:
    (unknown,) = validate({**sample("Class.Booking.NoShow"), "event_type": "Class.Booking.Noshow"})
    assert unknown.path == "event_type"
    assert "Class.Booking.NoShow" in unknown.message
    payload = sample("Guest.Created")
    del payload["event_type"]
    (missing,) = validate(payload)
    assert missing.path == "event_type" and "missing" in missing.message
    (wrong,) = validate({**payload, "event_type": 5})
    assert wrong.path == "event_type" and "expected string" in wrong.message
    (not_object,) = validate([payload])
    assert not_object.path == "" and "JSON object" in not_object.message


def test_renamed_types_validate_under_their_wire_name_only() -> None:
    catalog = load_catalog(renames={"Appointment.Started": "Appointment.Start"})
    payload = sample("Appointment.Started")
    assert paths(validate(payload, catalog)) == ["event_type"]
    assert "Appointment.Start" in validate(payload, catalog)[0].message
    payload["event_type"] = "Appointment.Start"
    assert validate(payload, catalog) == []
    assert paths(validate(payload)) == ["event_type"]  # the default catalog does not know it


def test_a_shared_wire_type_passes_if_any_entry_accepts_and_reports_the_closest() -> None:
    catalog = load_catalog(
        renames={
            "Appointment.Feedback.V1": "Feedback.Created",
            "Appointment.Feedback.V2": "Feedback.Created",
        }
    )
    v1, v2 = sample("Appointment.Feedback.V1"), sample("Appointment.Feedback.V2")
    v1["event_type"] = v2["event_type"] = "Feedback.Created"
    assert validate(v1, catalog) == [] and validate(v2, catalog) == []
    v2["data"]["comments"] = 5  # nearest to V2 (one problem) rather than V1 (many)
    assert paths(validate(v2, catalog)) == ["data.comments"]


def test_check_raises_with_a_readable_report() -> None:
    check(sample("Guest.Created"))
    payload = sample("Guest.Created")
    payload["data"]["_id"] = "683768"
    with pytest.raises(InvalidPayload) as info:
        check(payload)
    assert info.value.field == "data._id"
    assert info.value.problems == validate(payload)
    report = format_problems(info.value.problems)
    assert report.splitlines() == [
        "Guest.Created: 1 problem(s)",
        '  data._id: expected integer, got string "683768"',
    ]
    assert format_problems([]) == "valid"


def _mutations(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, replacement) pairs: every position paired with a value of another kind."""
    replacements: list[Any] = [None, "", "x", 0, 1.5, True, [], {}, "0001-01-01T00:00:00"]
    if path:
        yield path, replacements[len(path) * 7 % len(replacements)]
        yield path, replacements[(len(path) * 3 + 1) % len(replacements)]
    children = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, child in children:
        yield from _mutations(child, (*path, key))


def _replaced(doc: Any, path: tuple[Any, ...], new: Any) -> Any:
    doc = copy.deepcopy(doc)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return doc


def _removed(doc: Any, path: tuple[Any, ...]) -> Any:
    doc = copy.deepcopy(doc)
    target = doc
    for key in path[:-1]:
        target = target[key]
    if isinstance(target, dict):
        del target[path[-1]]
        target["unexpected"] = 1 if len(path) % 2 else None
    return doc


def test_validation_agrees_with_pure_python_jsonschema_on_every_mutation() -> None:
    """jsonschema-rs (what validate uses) and jsonschema (an independent oracle) agree."""
    compared = 0
    for entry in CATALOG:
        payload = entry.sample
        if payload is None:
            continue
        oracle = Draft202012Validator(entry.schema)
        for path, new in _mutations(payload):
            for variant in (_replaced(payload, path, new), _removed(payload, path)):
                assert is_valid(variant) == oracle.is_valid(variant), (entry.name, path, new)
                compared += 1
    assert compared > 3000


def test_every_mutation_is_reported_at_its_own_path() -> None:
    for entry in CATALOG:
        payload = entry.sample
        if payload is None:
            continue
        for path, new in _mutations(payload):
            problems = validate(_replaced(payload, path, new))
            if problems:  # some replacements fit (a null where null is allowed)
                dotted = ".".join(str(p) for p in path)
                near = [p for p in problems if f"{p.path}.".startswith(f"{dotted}.")]
                assert near, (entry.name, dotted, problems)  # at the path, or under it


def test_validation_is_fast_enough_for_soak_tests() -> None:
    payloads = list(SAMPLES.values())
    for payload in payloads:  # compile every validator first
        validate(payload)
    count, started = 0, time.perf_counter()
    while count < 20_000:
        for payload in payloads:
            assert not validate(payload)
        count += len(payloads)
    elapsed = time.perf_counter() - started
    # About 20 µs an event here; the bound leaves room for slow CI machines.
    assert elapsed < 10, f"{count} validations took {elapsed:.1f}s"


def test_a_pattern_end_does_not_match_before_a_final_newline() -> None:
    """JSON Schema's ``$`` (ECMA 262), not Python's: ``...Z\\n`` is not a timestamp."""
    payload = sample("Guest.Created")
    payload["event_timestamp"] += "\n"
    (problem,) = validate(payload)
    assert problem.path == "event_timestamp" and "expected" in problem.message
