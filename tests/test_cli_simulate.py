"""``mockzenoti simulate``, ``scenarios`` and ``world``: output, errors, truth, config, imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from mockzenoti.catalog import load_catalog
from mockzenoti.cli import cli
from mockzenoti.scenarios import builtin_scenarios, load_scenario
from mockzenoti.scenarios.invariants import check_stream
from mockzenoti.scenarios.truth import truth_bytes


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_simulate_prints_the_api_stream_as_json_lines() -> None:
    code, out, _ = run("simulate", "class-lifecycle", "--seed", "7", "--events", "60")
    assert code == 0
    expected = [e.body() for e in load_scenario("class-lifecycle").simulate("7", events=60)]
    assert out.encode().splitlines() == expected
    assert len(expected) == 60


def test_sizes_and_duration_reach_the_simulation() -> None:
    code, out, _ = run(
        "simulate",
        "day-in-the-life",
        "-s",
        "3",
        "--duration",
        "2h",
        "--centers",
        "2",
        "--appointments-per-day",
        "5",
    )
    assert code == 0
    sim = load_scenario("day-in-the-life").simulate(
        "3", duration="2h", sizes={"centers": 2, "appointments_per_day": 5}
    )
    assert out.encode().splitlines() == [e.body() for e in sim]


def test_expect_writes_the_truth_and_out_writes_a_file(tmp_path: Path) -> None:
    out, truth = tmp_path / "events.jsonl", tmp_path / "truth.json"
    code, stdout, _ = run(
        "simulate", "appointment-lifecycle", "-s", "5", "--out", str(out), "--expect", str(truth)
    )
    assert code == 0 and stdout == ""
    sim = load_scenario("appointment-lifecycle").simulate("5")
    assert out.read_bytes() == b"".join(e.body() + b"\n" for e in sim)
    assert truth.read_bytes() == truth_bytes(sim.expected())


def test_an_endless_scenario_needs_a_limit() -> None:
    code, out, err = run("simulate", "soak")
    assert code == 2 and out == ""
    assert "--events" in err and "--duration" in err
    code, out, _ = run("simulate", "soak", "--events", "5", "--expect", "/dev/null")
    assert code == 0 and len(out.splitlines()) == 5


def test_bad_arguments_exit_2_naming_them(tmp_path: Path) -> None:
    code, _, err = run("simulate", "day-in-the-lif")
    assert code == 2 and "day-in-the-life" in err
    code, _, err = run("simulate", "soak", "--duration", "soon")
    assert code == 2 and "--duration" in err and "soon" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("steps:\n  - create: session\n    as: s\n  - no-shw: s\n")
    code, out, err = run("simulate", str(bad))
    assert code == 2 and out == ""
    assert f"{bad}:4: steps[1]: a step needs exactly one action" in err


def test_a_yaml_file_runs_from_the_command_line(tmp_path: Path) -> None:
    story = tmp_path / "story.yaml"
    story.write_text("steps:\n  - create: guest\n    as: g\n  - opt-out: g\n  - delete: g\n")
    code, out, _ = run("simulate", str(story), "-s", "2")
    assert code == 0
    assert [json.loads(line)["event_type"] for line in out.splitlines()] == [
        "Guest.Created",
        "Guest.OptedOut",
        "Guest.Deleted",
    ]


def test_configured_renames_flow_into_the_events(tmp_path: Path) -> None:
    config = tmp_path / "mockzenoti.toml"
    config.write_text('[event_types]\n"Appointment.Started" = "Appointment.Start"\n')
    code, out, _ = run("--config", str(config), "simulate", "appointment-lifecycle", "-s", "1")
    assert code == 0
    types = {json.loads(line)["event_type"] for line in out.splitlines()}
    assert "Appointment.Start" in types and "Appointment.Started" not in types


def test_scenarios_lists_every_builtin_on_one_line() -> None:
    code, out, _ = run("scenarios")
    assert code == 0
    lines = out.splitlines()
    for scenario in builtin_scenarios():
        assert any(
            line.startswith(scenario.name + " ") and scenario.description in line for line in lines
        )
    assert "no-show-after-cancel.yaml" in out


def test_world_prints_the_setup_the_simulation_uses() -> None:
    code, out, _ = run("world", "-s", "9", "--json", "--centers", "2")
    assert code == 0
    setup = json.loads(out)
    assert setup == load_scenario("day-in-the-life").world("9", sizes={"centers": 2}).setup()
    assert len(setup["centers"]) == 2
    events = list(load_scenario("day-in-the-life").simulate("9", sizes={"centers": 2}))
    assert check_stream(events, setup) == []
    code, out, _ = run("world", "-s", "9", "--centers", "2")
    assert code == 0 and setup["centers"][0]["time_zone"] in out


def test_simulate_as_a_real_process_writes_events_and_truth(tmp_path: Path) -> None:
    truth = tmp_path / "truth.json"
    script = (
        "import sys\n"
        "from mockzenoti.cli import main\n"
        "try:\n"
        "    main(['simulate', 'day-in-the-life', '--events', '500', '--expect', sys.argv[1]])\n"
        "except SystemExit as exc:\n"
        "    assert 'aiohttp' not in sys.modules, 'simulate imported aiohttp'\n"
        "    raise\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(truth)], capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.splitlines()
    assert len(lines) == 500
    doc = json.loads(truth.read_text())
    assert doc["events"] == 500 and doc["scenario"] == "day-in-the-life"
    assert doc["last_event_timestamp"] == json.loads(lines[-1])["event_timestamp"]
    catalog = load_catalog()
    assert {json.loads(line)["event_type"] for line in lines} <= set(catalog.names)
