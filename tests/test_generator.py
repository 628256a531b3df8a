"""generate() and generate_many(): played by the world; determinism, seeds, time, the envelope."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from mockzenoti.catalog import load_catalog
from mockzenoti.envelope import EventStream
from mockzenoti.errors import MockZenotiError, UnknownEventType
from mockzenoti.generator import PERIOD_DAYS, PERIOD_START, generate, generate_many, play
from mockzenoti.generator.play import RECIPES, recipe_for
from mockzenoti.ids import objectid_second
from mockzenoti.scenarios.invariants import check_stream
from mockzenoti.timefmt import TICKS_PER_SECOND, parse_dotnet_utc, to_datetime
from mockzenoti.validation import validate
from mockzenoti.vocab import SITES
from mockzenoti.world import World

CATALOG = load_catalog()
NAMES = CATALOG.names
# 7 fraction digits at most, the last one not zero (.NET drops trailing zeros).
DOTNET_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{0,6}[1-9])?Z$")


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_bytes_and_other_seeds_differ(name: str) -> None:
    first = [e.body() for e in generate_many(name, 5, seed=7, catalog=CATALOG)]
    again = [e.body() for e in generate_many(name, 5, seed=7, catalog=CATALOG)]
    other = [e.body() for e in generate_many(name, 5, seed=8, catalog=CATALOG)]
    assert first == again
    assert len(set(first)) == 5
    assert not set(first) & set(other)


@pytest.mark.parametrize("name", NAMES)
def test_first_of_generate_many_is_generate(name: str) -> None:
    many = next(iter(generate_many(name, 3, seed="abc", catalog=CATALOG)))
    assert many.body() == generate(name, seed="abc", catalog=CATALOG).body()


def test_types_generated_under_one_seed_share_no_ids() -> None:
    events = [generate(name, seed=0, catalog=CATALOG) for name in NAMES]
    assert len({e.event_id for e in events}) == len(NAMES)
    assert len({e.id for e in events}) == len(NAMES)


def test_wire_names_are_accepted_and_unknown_names_suggest_the_closest() -> None:
    assert generate("Class.Booking.NoShow").name == "Class.Booking.NoShow"
    with pytest.raises(UnknownEventType) as info:
        generate("Class.Booking.Noshow")
    assert "Class.Booking.NoShow" in info.value.suggestions


def test_negative_count_is_refused_naming_count() -> None:
    with pytest.raises(MockZenotiError) as info:
        list(generate_many("Guest.Created", -1))
    assert info.value.field == "count"
    assert list(generate_many("Guest.Created", 0)) == []


@pytest.mark.parametrize("name", NAMES)
def test_objectids_share_the_timestamps_second_and_one_machine_per_stream(name: str) -> None:
    events = list(generate_many(name, 40, seed=3, catalog=CATALOG))
    machines = {e.id[8:18] for e in events} | {e.event_id[8:18] for e in events}
    assert len(machines) == 1
    previous = -1
    for event in events:
        second = parse_dotnet_utc(event.timestamp) // TICKS_PER_SECOND
        assert objectid_second(event.id) == objectid_second(event.event_id) == second
        step = int(event.id[18:], 16) - int(event.event_id[18:], 16)
        assert 1 <= step <= 3
        counter = int(event.event_id[18:], 16)
        assert counter > previous  # the counter keeps increasing along the stream
        previous = int(event.id[18:], 16)


@pytest.mark.parametrize("name", NAMES)
def test_timestamps_have_a_dotnet_fraction_and_never_go_back(name: str) -> None:
    events = list(generate_many(name, 60, seed=9, catalog=CATALOG))
    stamps = [parse_dotnet_utc(e.timestamp) for e in events]
    assert all(DOTNET_UTC.match(e.timestamp) for e in events)
    assert stamps == sorted(stamps)
    seqs = [e.seq for e in events]  # positions in the world's stream: increasing
    assert seqs == sorted(set(seqs))
    # 7 fraction digits unless the fraction ends in zeros
    assert any(len(e.timestamp) == len("2025-01-01T00:00:00.1234567Z") for e in events)


def test_default_moments_fall_in_business_hours_of_the_period() -> None:
    start = datetime(PERIOD_START.year, PERIOD_START.month, PERIOD_START.day, tzinfo=UTC)
    end = start + timedelta(days=PERIOD_DAYS + 1)
    for seed in range(60):
        event = generate("AppointmentGroup.Created", seed=seed)
        instant = to_datetime(parse_dotnet_utc(event.timestamp))
        assert start - timedelta(days=1) <= instant <= end
        data = event.payload["data"]
        tz = next(s.tz for s in SITES if s.name == data["center_Name"])
        local = instant.astimezone(ZoneInfo(tz))
        # The front desk books in business hours (5:30 at the earliest, 22:00 at the latest,
        # as centers set their hours); online: at any hour.
        if data["utm_source"] == "":
            assert 5 <= local.hour < 22
        visit = datetime.fromisoformat(data["appointments"][0]["start_time_in_center"])
        assert 5 <= visit.hour < 22


def test_at_starts_the_events_at_that_instant_and_must_be_aware() -> None:
    at = datetime(2024, 7, 25, 14, 52, 6, tzinfo=UTC)
    events = list(generate_many("AppointmentGroup.Created", 3, seed=1, at=at))
    first = to_datetime(parse_dotnet_utc(events[0].timestamp))
    assert at <= first < at + timedelta(days=1)  # the first one at or after ``at``
    created = events[0].payload["data"]["appointments"][0]["creation_date"]
    assert created == events[0].timestamp[:19]
    other_zone = at.astimezone(timezone(timedelta(hours=-7)))
    assert generate("AppointmentGroup.Created", seed=1, at=other_zone).body() == events[0].body()
    with pytest.raises(MockZenotiError) as info:
        generate("Guest.Created", at=datetime(2024, 7, 25, 14, 52))
    assert info.value.field == "at"


def test_renamed_types_are_sent_under_their_new_name_and_still_validate() -> None:
    renamed = load_catalog(renames={"Appointment.Started": "Appointment.Start"})
    event = generate("Appointment.Started", seed=2, catalog=renamed)
    assert event.name == "Appointment.Started"
    assert event.event_type == "Appointment.Start"
    assert not validate(event.payload, renamed)


@pytest.mark.parametrize("name", NAMES)
def test_events_name_their_entities_and_their_center(name: str) -> None:
    entry = CATALOG.get(name)
    for event in generate_many(name, 10, seed=4, catalog=CATALOG):
        assert event.keys, name
        assert event.keys[0].split(":", 1)[0] == entry.entity
        assert all(re.fullmatch(r"[a-z-]+:[0-9a-f-]+", k) for k in event.keys)
        assert event.center_id is not None
        data = event.payload["data"]
        center = data.get("center_id") or (data.get("center") or {}).get("id")
        center = center or data.get("invoice", {}).get("center_id")
        if center is not None:
            assert center == event.center_id


def test_class_booking_keys_match_the_documented_example_form() -> None:
    event = generate("Class.Booking.Created", seed=5)
    data = event.payload["data"]
    assert event.keys[:2] == (
        f"class-booking:{data['registration_id']}",
        f"class-session:{data['session_id']}",
    )


def test_event_stream_keeps_given_fractions_and_orders_equal_instants() -> None:
    stream = EventStream(random.Random(1), catalog=CATALOG)
    whole = 17_000_000_000_000_000
    assert stream.stamp(whole + 1234567) == whole + 1234567
    a = stream.stamp(whole)  # a random fraction, but never before the last stamp
    b = stream.stamp(whole)
    assert whole + 1234568 <= a < whole + TICKS_PER_SECOND
    assert b > a


@pytest.mark.parametrize("name", NAMES)
def test_generate_plays_the_world(name: str) -> None:
    """Every type generate makes comes out of a world's stream, and validates."""
    entry = CATALOG.get(name)
    sim = play(entry, "w", catalog=CATALOG)
    assert isinstance(sim.world, World)
    made = next(e for e in sim if e.name == name)  # the world's own first event of the type
    assert made.body() == generate(name, seed="w", catalog=CATALOG).body()
    assert not validate(made.payload, CATALOG)
    assert made.seq == sim.emitted - 1  # the stream's event, in its place


@pytest.mark.parametrize("recipe", sorted(RECIPES))
def test_the_worlds_generate_plays_keep_the_stream_invariants(recipe: str) -> None:
    name = next(n for n in NAMES if recipe_for(n) is RECIPES[recipe])
    sim = play(CATALOG.get(name), 5, catalog=CATALOG)
    events = [event for _, event in zip(range(3000), sim, strict=False)]
    assert check_stream(events, sim.world.setup()) == []
