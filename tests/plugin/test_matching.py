"""How the sink's assertions find fields and rank the closest events (testing/matching.py)."""

from __future__ import annotations

from typing import Any

import pytest

from mockzenoti.testing.matching import lookup, matches, no_match_message, rank


def payload(event_type: str, event_id: str, **data: Any) -> dict[str, Any]:
    return {"id": f"d-{event_id}", "event_id": event_id, "event_type": event_type, "data": data}


NOSHOW = payload(
    "Class.Booking.NoShow",
    "e1",
    registration_id=4242,
    waitlist=False,
    guest={"id": "g1", "first_name": "Maya"},
    items=[{"n": 1}, {"n": 2}],
    id="data-id",
)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("event_id", "e1"),
        ("id", "d-e1"),  # an envelope key wins over a data key of the same name
        ("data.id", "data-id"),
        ("registration_id", 4242),
        ("data.registration_id", 4242),
        ("guest.first_name", "Maya"),
        ("data.guest.first_name", "Maya"),
        ("items.1.n", 2),
        ("items.-1.n", 2),
    ],
)
def test_lookup_finds_envelope_data_and_dotted_fields(name: str, value: Any) -> None:
    assert lookup(NOSHOW, name) == value


@pytest.mark.parametrize("name", ["nothing", "guest.nothing", "items.5.n", "items.x", "data.x"])
def test_lookup_misses(name: str) -> None:
    assert lookup(NOSHOW, name) is not None  # the sentinel, never a value
    assert not matches(NOSHOW, None, {name: None})


def test_matches_by_type_equality_subsets_and_predicates() -> None:
    assert matches(NOSHOW, "Class.Booking.NoShow", {"registration_id": 4242})
    assert matches(NOSHOW, None, {"guest": {"first_name": "Maya"}})
    assert matches(NOSHOW, None, {"registration_id": lambda v: v > 4000})
    assert not matches(NOSHOW, "Class.Booking.Created", {})
    assert not matches(NOSHOW, None, {"registration_id": 4243})
    assert not matches(NOSHOW, None, {"guest": {"first_name": "Maya", "x": 1}})
    assert not matches(NOSHOW, None, {"registration_id": lambda v: v.upper()})  # raises: no match
    assert not matches(NOSHOW, None, {"waitlist": 0})  # a bool is not a number here
    assert not matches("not a payload", None, {})


def test_rank_puts_the_same_type_first_then_most_fields_then_latest() -> None:
    events = [
        payload("Class.Booking.NoShow", "a", registration_id=1, guest_id="x"),
        payload("Class.Booking.Created", "b", registration_id=7, guest_id="g"),
        payload("Class.Booking.NoShow", "c", registration_id=2, guest_id="g"),
        payload("Class.Booking.NoShow", "d", registration_id=3, guest_id="x"),
    ]
    ranked = rank(events, "Class.Booking.NoShow", {"registration_id": 7, "guest_id": "g"})
    assert [c.payload["event_id"] for c in ranked] == ["c", "d", "a", "b"]
    assert ranked[0].line().endswith(": registration_id is 2, not 7")
    assert "event_type is 'Class.Booking.Created'" in ranked[-1].line()


def test_no_match_message() -> None:
    empty = no_match_message("zenoti_sink", [], "Guest.Created", {}, rejected=2)
    assert empty == (
        "zenoti_sink did not receive a Guest.Created event.\n"
        "It received no events (2 more requests were answered with an error)."
    )
    text = no_match_message("zenoti_sink", [NOSHOW], None, {"guest.first_name": "Mia"})
    assert text.splitlines() == [
        "zenoti_sink did not receive an event with guest.first_name='Mia'.",
        "It received 1 events: Class.Booking.NoShow x1.",
        "Closest:",
        "  #0 Class.Booking.NoShow event_id=e1: guest.first_name is 'Maya', not 'Mia'",
    ]
