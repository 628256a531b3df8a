"""Built-in scenario streams: invariants over seeds and sizes, schemas, determinism, resuming."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockzenoti.catalog import load_catalog
from mockzenoti.event import Event
from mockzenoti.scenarios import builtin_scenarios, load_scenario
from mockzenoti.scenarios.invariants import check_stream
from mockzenoti.scenarios.truth import truth_bytes
from mockzenoti.timefmt import parse_dotnet_utc
from mockzenoti.validation import format_problems, validate

NAMES = [s.name for s in builtin_scenarios()]
FINITE = [s.name for s in builtin_scenarios() if not s.endless]
CATALOG = load_catalog()
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def stream(name: str, seed: int) -> tuple[tuple[Event, ...], dict]:  # type: ignore[type-arg]
    scenario = load_scenario(name)
    sim = scenario.simulate(seed, events=2_000 if scenario.endless else None, catalog=CATALOG)
    return tuple(sim), sim.world.setup()


@PROPERTY
@given(
    name=st.sampled_from(NAMES),
    seed=st.integers(0, 10**9),
    centers=st.integers(1, 4),
    guests=st.integers(5, 3_000),
    sessions=st.integers(0, 10),
    appointments=st.integers(0, 50),
    events=st.integers(1, 1_500),
)
def test_every_stream_keeps_the_invariants(
    name: str,
    seed: int,
    centers: int,
    guests: int,
    sessions: int,
    appointments: int,
    events: int,
) -> None:
    sizes = {
        "centers": centers,
        "guests": guests,
        "sessions_per_day": sessions,
        "appointments_per_day": appointments,
    }
    sim = load_scenario(name).simulate(seed, events=events, sizes=sizes)
    produced = list(sim)
    assert len(produced) <= events
    violations = check_stream(produced, sim.world.setup())
    assert violations == [], "\n".join(map(str, violations[:10]))
    ticks = [parse_dotnet_utc(e.timestamp) for e in produced]
    assert ticks == sorted(ticks)
    assert [e.seq for e in produced] == list(range(len(produced)))
    assert all(e.center_id for e in produced)


@PROPERTY
@given(name=st.sampled_from(NAMES), seed=st.integers(0, 10**6), events=st.integers(0, 400))
def test_same_seed_same_bytes_and_truth(name: str, seed: int, events: int) -> None:
    one = load_scenario(name).simulate(seed, events=events, track_truth=True)
    two = load_scenario(name).simulate(seed, events=events, track_truth=True)
    assert [e.body() for e in one] == [e.body() for e in two]
    assert truth_bytes(one.expected()) == truth_bytes(two.expected())


@pytest.mark.parametrize("name", NAMES)
def test_other_seeds_give_other_streams(name: str) -> None:
    first = [e.body() for e in load_scenario(name).simulate(1, events=50)]
    other = [e.body() for e in load_scenario(name).simulate(2, events=50)]
    assert first != other


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [3, 17, 2024])
def test_every_event_of_every_builtin_validates_against_its_schema(name: str, seed: int) -> None:
    events, _ = stream(name, seed)
    assert events
    for event in events:
        problems = validate(event.payload, CATALOG)
        assert not problems, f"{event.name}: {format_problems(problems)}"


@pytest.mark.parametrize("name", FINITE)
def test_finite_builtins_end_on_their_own_and_cover_their_lifecycle(name: str) -> None:
    kinds = {e.name for seed in (3, 17, 2024) for e in stream(name, seed)[0]}
    expected = {
        "class-lifecycle": {
            "Class.Schedule.Created",
            "Class.Booking.Created",
            "Class.Booking.Cancelled",
            "Class.Booking.NoShow",
        },
        "appointment-lifecycle": {
            "AppointmentGroup.Created",
            "AppointmentGroup.Status",
            "Appointment.Started",
            "Appointment.Completed",
            "Invoice.Closed",
        },
        "guest-lifecycle": {
            "Guest.Created",
            "Guest.Updated",
            "Guest.OptedOut",
            "Guest.Deleted",
            "Employee.Created",
        },
        "membership-lifecycle": {
            "Guest.Membership.Created",
            "Guest.Membership.Freeze",
            "Guest.Membership.Unfreeze",
            "Guest.Membership.Cancelled",
            "Guest.Membership.Reinstate",
            "Guestpass.redeemed",
        },
        "package-lifecycle": {
            "Guest.Package.Creation",
            "Guest.Package.StatusUpdate",
            "Guest.Package.Redemption",
            "Guest.Package.RedemptionReversal",
            "Guest.Package.ValidityUpdate",
        },
        "day-in-the-life": {
            "Class.Booking.Created",
            "AppointmentGroup.Created",
            "Invoice.Closed",
            "Guest.Created",
        },
    }[name]
    assert expected <= kinds


def test_day_in_the_life_follows_each_centers_week() -> None:
    """Visits and classes in opening hours, staff at work in them; online bookings at any hour."""
    from datetime import datetime

    from mockzenoti.timefmt import zone

    sim = load_scenario("day-in-the-life").simulate(3, duration="4d")
    events, setup = list(sim), sim.world.setup()
    weeks = {c["id"]: (c["time_zone"], list(c["weekly_hours"].values())) for c in setup["centers"]}
    assert len({e.center_id for e in events}) == len(weeks) > 1

    def local(center_id: str, ticks_text: str, *, utc: bool = True) -> tuple[datetime, bool]:
        tz, week = weeks[center_id]
        moment = datetime.fromisoformat(ticks_text.replace("Z", "+00:00"))
        at = moment.astimezone(zone(tz)) if utc else moment
        hours = week[at.weekday()]
        hm = at.strftime("%H:%M")
        return at, hours is not None and hours["opens"] <= hm <= hours["closes"]

    online_after_hours = 0
    for event in events:
        data = event.payload["data"]
        if event.name == "AppointmentGroup.Created":
            first = data["appointments"][0]["start_time_in_center"]  # (a last one may run late)
            assert local(event.center_id, first, utc=False)[1], first
            _, open_now = local(event.center_id, event.timestamp)
            if data["utm_source"] == "":  # the front desk (a walk-in too) books in hours
                assert open_now, (event.timestamp, data["utm_medium"])
            else:
                online_after_hours += not open_now
        if event.name == "Class.Schedule.Created":
            assert local(event.center_id, event.timestamp)[1], event.timestamp  # staff publish
            assert local(event.center_id, data["start_time"], utc=False)[1], data["start_time"]
            assert local(event.center_id, data["end_time"], utc=False)[1], data["end_time"]
    assert online_after_hours > 0  # guests book online at night too


def test_soak_is_endless_and_goes_on_past_a_day() -> None:
    soak = load_scenario("soak")
    assert soak.endless
    sim = soak.simulate(1, events=5_000)
    produced = list(sim)
    assert len(produced) == 5_000 and not sim.finished
    days = {e.timestamp[:10] for e in produced}
    assert len(days) > 2


def test_events_lift_a_builtins_natural_length_and_duration_bounds_it() -> None:
    day = load_scenario("day-in-the-life")
    natural = list(day.simulate(4))
    longer = list(day.simulate(4, events=len(natural) * 3))
    assert len(longer) == len(natural) * 3
    assert [e.body() for e in longer[: len(natural)]] == [e.body() for e in natural]
    short = day.simulate(4, duration="3h")
    first = parse_dotnet_utc(natural[0].timestamp)
    assert all(
        parse_dotnet_utc(e.timestamp) - short.world.start <= 3 * 36_000_000_000 for e in short
    )
    assert first >= short.world.start


def test_a_resumed_run_skips_to_the_same_events() -> None:
    scenario = load_scenario("soak")
    full = [e.body() for e in scenario.simulate(8, events=3_000)]
    resumed = scenario.simulate(8, events=3_000)
    assert resumed.skip(1_800) == 1_800
    assert [e.body() for e in resumed] == full[1_800:]


def test_configured_renames_change_only_the_wire_names() -> None:
    renamed = load_catalog({"Appointment.Started": "Appointment.Start"})
    plain = list(load_scenario("appointment-lifecycle").simulate(6))
    other = list(load_scenario("appointment-lifecycle").simulate(6, catalog=renamed))
    assert [e.name for e in plain] == [e.name for e in other]
    for a, b in zip(plain, other, strict=True):
        if a.name == "Appointment.Started":
            assert b.event_type == "Appointment.Start"
            assert not validate(b.payload, renamed)
        else:
            assert a.body() == b.body()
