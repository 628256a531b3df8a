"""YAML scenarios: the example files run as told; malformed files are refused before running."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockzenoti.catalog.fixtures import fixtures_dir
from mockzenoti.scenarios import ScenarioError, load_scenario
from mockzenoti.scenarios.files import parse_yaml_scenario
from mockzenoti.scenarios.invariants import check_stream
from mockzenoti.validation import validate

EXAMPLES = sorted((fixtures_dir() / "scenarios").glob("*.yaml"))


def run(text: str, seed: int = 1) -> list:  # type: ignore[type-arg]
    return list(parse_yaml_scenario(text, "story.yaml").simulate(seed))


def refusal(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        parse_yaml_scenario(text, "story.yaml")
    return caught.value


def test_the_examples_ship_and_load() -> None:
    assert {p.stem for p in EXAMPLES} >= {"no-show-after-cancel", "reschedule"}
    for path in EXAMPLES:
        scenario = load_scenario(path)
        assert scenario.description and not scenario.endless


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_example_streams_are_valid_and_keep_the_invariants(path: Path, seed: int) -> None:
    sim = load_scenario(path).simulate(seed)
    events = list(sim)
    assert events and sim.finished
    assert check_stream(events, sim.world.setup()) == []
    assert all(not validate(e.payload) for e in events)


def test_no_show_after_cancel_tells_its_story_with_the_pinned_values() -> None:
    sim = load_scenario(fixtures_dir() / "scenarios" / "no-show-after-cancel.yaml").simulate(4)
    events = list(sim)
    center = sim.world.centers[0]
    assert (center.name, center.tz) == ("Bondi", "Australia/Sydney")
    created = [e.payload["data"] for e in events if e.name == "Guest.Created"]
    maya = next(g for g in created if g["personal_info"]["first_name"] == "Maya")
    assert maya["personal_info"]["email"] == "maya.okafor@example.com"
    story = [e.name for e in events if e.name.startswith("Class.")]
    assert story[-3:] == [
        "Class.Booking.Cancelled",
        "Class.Booking.Approved",
        "Class.Booking.NoShow",
    ]
    no_show = events[-1].payload["data"]
    assert no_show["guest_id"] == maya["id"]
    schedule = events[0].payload["data"]
    assert schedule["start_time"].endswith("T18:30:00") and schedule["capacity"] == 3
    truth = sim.expected()
    states = sorted(b["state"] for b in truth["bookings"].values())
    assert states == ["approved", "booked", "cancelled", "noshow"]


def test_reschedule_books_a_new_group_and_ends_the_old() -> None:
    sim = load_scenario(fixtures_dir() / "scenarios" / "reschedule.yaml").simulate(1)
    events = list(sim)
    created = [e for e in events if e.name == "AppointmentGroup.Created"]
    assert len(created) == 2
    old, new = (e.payload["data"]["appointment_group_id"] for e in created)
    truth = sim.expected()["appointment_groups"]
    assert truth[old]["state"] == "cancelled" and truth[old]["rescheduled_to"] == new
    assert truth[new]["rescheduled_from"] == old and truth[new]["state"] == "closed"
    local = created[1].payload["data"]["appointments"][0]["start_time_in_center"]
    assert local == "2025-05-07T12:00:00"  # 15:00 planned, moved a day and waited 2 h first


def test_repeats_bind_each_iteration_and_indexes_name_earlier_ones() -> None:
    text = """
steps:
  - create: session
    as: s
    capacity: 10
    at: +3h
  - repeat: 4
    steps:
      - create: guest
        as: g
      - book: s
        guest: g
        as: b
  - cancel: b[1]
  - delete: b[-1]
"""
    events = run(text)
    names = [e.name for e in events]
    assert names.count("Class.Booking.Created") == 4
    guests = [e.payload["data"]["id"] for e in events if e.name == "Guest.Created"]
    booked = [e.payload["data"] for e in events if e.name == "Class.Booking.Created"]
    assert [b["guest_id"] for b in booked] == guests
    cancelled = next(e.payload["data"] for e in events if e.name == "Class.Booking.Cancelled")
    deleted = next(e.payload["data"] for e in events if e.name == "Class.Booking.Deleted")
    assert cancelled["registration_id"] == booked[1]["registration_id"]
    assert deleted["registration_id"] == booked[3]["registration_id"]


def test_a_step_an_optional_step_may_have_ended_is_skipped_then() -> None:
    text = """
steps:
  - create: session
    as: s
  - book: s
    as: b
  - with_probability: 0.5
    steps:
      - cancel: b
  - wait: 2h
  - no-show: b
"""
    endings = {
        tuple(
            e.name
            for e in run(text, seed)
            if e.name.startswith("Class.Booking.") and e.name != "Class.Booking.Created"
        )
        for seed in range(12)
    }
    assert endings == {("Class.Booking.Cancelled",), ("Class.Booking.NoShow",)}


def test_a_refusal_the_world_makes_is_found_by_the_dry_run_at_its_line() -> None:
    text = """
steps:
  - create: session
    as: s
    capacity: 1
  - book: s
  - book: s
"""
    with pytest.raises(ScenarioError) as caught:  # at load: the dry run asked the world
        list(parse_yaml_scenario(text, "full.yaml").simulate(1))
    assert caught.value.file == "full.yaml" and caught.value.line == 7
    assert "seats taken" in str(caught.value) and "steps[2].book" in str(caught.value)


def test_a_refusal_only_the_run_can_see_stops_it_at_the_parameters_line() -> None:
    text = """
steps:
  - create: guest
  - wait: 1h
  - create: guest
    center: 2
"""
    scenario = parse_yaml_scenario(text, "third.yaml")  # three centers by default: it loads
    sim = scenario.simulate(1, sizes={"centers": 1})
    with pytest.raises(ScenarioError) as caught:
        list(sim)
    assert (caught.value.file, caught.value.line, caught.value.field) == (
        "third.yaml",
        6,
        "steps[2].center",
    )
    assert "no center 2" in str(caught.value) and sim.emitted == 1


def test_a_lenient_step_the_world_refuses_either_way_is_refused_at_load() -> None:
    text = """
steps:
  - create: session
    as: s
  - book: s
    as: b
  - with_probability: 0.5
    steps:
      - cancel: b
  - approve: b
"""
    error = refusal(text)
    assert (error.line, error.field) == (10, "steps[3].approve")
    assert "needs waitlisted" in str(error)


def test_names_a_kind_offers_load_when_the_kind_is_left_to_the_seed() -> None:
    text = "steps:\n  - create: session\n    class: Spin 45\n"
    scenario = parse_yaml_scenario(text, "spin.yaml")
    assert scenario.plan.kind is None
    with pytest.raises(ScenarioError, match="not offered"):
        parse_yaml_scenario(
            "steps:\n  - create: session\n    class: Spin 45\n"
            "  - create: appointment\n    services: [Signature Facial]\n",
            "both.yaml",
        )


def test_clock_times_stay_text_and_pinned_start_is_local() -> None:
    text = """
world:
  centers:
    - name: Norwood
      time_zone: Australia/Adelaide
start: "2025-06-02 08:00"
steps:
  - create: session
    at: 18:00
"""
    event = run(text)[0]
    assert event.payload["data"]["start_time"] == "2025-06-02T18:00:00"
    assert event.timestamp.startswith("2025-06-01T22:30:00")  # 08:00 at UTC+9:30


BAD = [
    ("steps:\n  - creat: guest\n", 2, "steps[0]", "exactly one action"),
    ("steps:\n  - wait: 10 minutes\n", 2, "steps[0].wait", "not a duration"),
    (
        "steps:\n  - with_probability: 1.5\n    steps:\n      - wait: 1m\n",
        2,
        "steps[0].with_probability",
        "from 0 to 1",
    ),
    ("steps:\n  - repeat: 0\n    steps:\n      - wait: 1m\n", 2, "steps[0].repeat", "from 1"),
    ("steps:\n  - cancel: yoga\n", 2, "steps[0].cancel", "unknown handle 'yoga'"),
    (
        "steps:\n  - create: session\n    as: s\n    at: +2h\n  - book: s\n    as: b\n"
        "  - wait: 1h\n  - no-show: b\n",
        8,
        "steps[3].no-show",
        "before it starts",
    ),
    (
        "steps:\n  - create: session\n    as: s\n  - book: s\n    as: b\n  - cancel: b\n"
        "  - wait: 2h\n  - no-show: b\n",
        8,
        "steps[4].no-show",
        "it is cancelled",
    ),
    (
        "steps:\n  - create: guest\n    as: g\n  - approve: g\n",
        4,
        "steps[1].approve",
        "acts on booking",
    ),
    ("steps:\n  - create: session\n    capacty: 3\n", 3, "steps[0].capacty", "capacity"),
    (
        "steps:\n  - repeat: 3\n    steps:\n      - create: guest\n        as: g\n  - delete: g\n",
        6,
        "steps[1].delete",
        "g[0] .. g[2]",
    ),
    ("steps:\n  - wait: [1m\n", 3, "yaml", "not valid YAML"),
    (
        "world:\n  centers:\n    - time_zone: Mars/Olympus\nsteps:\n  - wait: 1m\n",
        3,
        "world.centers[0].time_zone",
        "IANA",
    ),
    (
        "world:\n  sizes:\n    centers: 0\nsteps:\n  - wait: 1m\n",
        3,
        "world.sizes.centers",
        "between 1",
    ),
    (
        "world:\n  kind: spa\nsteps:\n  - create: session\n    class: Spin 45\n",
        5,
        "steps[0].class",
        "not offered",
    ),
    (
        "steps:\n  - create: guest\n    as: g\n  - create: guest\n    as: g\n",
        5,
        "steps[1].as",
        "already defined",
    ),
    ("step:\n  - wait: 1m\n", 1, "step", "did you mean steps"),
    (
        "start: '10:00'\nsteps:\n  - create: session\n    at: '09:00'\n",
        4,
        "steps[0].at",
        "not later",
    ),
    (
        "steps:\n  - create: appointment\n    as: a\n  - close: a\n",
        4,
        "steps[1].close",
        "needs checked-in",
    ),
    (
        "steps:\n  - create: guest\n    as: g\n  - delete: g\n  - create: membership\n"
        "    guest: g\n",
        6,
        "steps[2].guest",
        "it is deleted",
    ),
    ("", 1, None, "empty"),
]


@pytest.mark.parametrize(("text", "line", "field", "says"), BAD)
def test_a_malformed_file_is_refused_naming_file_line_and_field(
    text: str, line: int, field: str | None, says: str
) -> None:
    error = refusal(text)
    assert (error.file, error.line) == ("story.yaml", line)
    if field is not None:
        assert error.field == field
        assert str(error).startswith(f"story.yaml:{line}: {field}: ")
    assert says in str(error)


def test_a_missing_file_names_the_scenario_argument(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "nothing.yaml")
    assert caught.value.field == "scenario"
    with pytest.raises(ScenarioError, match="did you mean day-in-the-life"):
        load_scenario("day-in-the-lif")
