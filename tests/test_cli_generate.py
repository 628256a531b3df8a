"""``mockzenoti generate``: JSON Lines on stdout, exit code 2 on bad input, no aiohttp import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from mockzenoti.cli import cli
from mockzenoti.generator import generate_many
from mockzenoti.validation import validate


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_prints_count_events_as_json_lines_identical_to_the_api() -> None:
    code, out, _ = run("generate", "Class.Booking.Created", "--count", "3", "--seed", "4")
    assert code == 0
    lines = out.encode().splitlines()
    expected = [e.body() for e in generate_many("Class.Booking.Created", 3, seed=4)]
    assert lines == expected
    for line in lines:
        assert not validate(json.loads(line))


def test_unknown_event_type_exits_2_with_suggestions() -> None:
    code, _, err = run("generate", "Class.Booking.Noshow")
    assert code == 2
    assert "Class.Booking.NoShow" in err and "did you mean" in err


def test_bad_set_exits_2_naming_the_path() -> None:
    code, out, err = run("generate", "AppointmentGroup.Created", "--set", "data.guest.frst_name=A")
    assert code == 2 and out == ""
    assert "data.guest.frst_name" in err and "data.guest.first_name" in err
    code, _, err = run("generate", "Guest.Created", "--set", "data._id=forty")
    assert code == 2 and "data._id" in err
    code, _, err = run("generate", "Guest.Created", "--set", "data.code")
    assert code == 2 and "PATH=VALUE" in err


def test_set_values_are_read_by_type() -> None:
    code, out, _ = run(
        "generate",
        "Guest.Created",
        "--set",
        "data._id=42",
        "--set",
        "data.personal_info.first_name=007",
        "--set",
        "data.personal_info.dob_incomplete_year=null",
    )
    assert code == 0
    data = json.loads(out)["data"]
    assert data["_id"] == 42
    assert data["personal_info"]["first_name"] == "007"
    assert data["personal_info"]["dob_incomplete_year"] is None


def test_config_renames_reach_the_wire(tmp_path: Path) -> None:
    config = tmp_path / "mockzenoti.toml"
    config.write_text('[event_types]\n"Appointment.Started" = "Appointment.Start"\n')
    result = CliRunner().invoke(
        cli, ["--config", str(config), "generate", "Appointment.Started", "--seed", "1"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["event_type"] == "Appointment.Start"


def test_a_real_process_prints_the_same_bytes() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mockzenoti", "generate", "Invoice.Closed", "-n", "2", "-s", "9"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.splitlines() == [
        e.body() for e in generate_many("Invoice.Closed", 2, seed=9)
    ]


def test_generate_does_not_import_aiohttp() -> None:
    script = (
        "import sys\n"
        "from mockzenoti.cli import main\n"
        "try:\n"
        "    main(['generate', 'AppointmentGroup.Created', '--set', 'data.guest.first_name=A'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code in (0, None), exit.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('aiohttp', 'asyncio'))\n"
        "print('IMPORTED', heavy, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert "IMPORTED [" in done.stderr
    assert "aiohttp" not in done.stderr.split("IMPORTED", 1)[1]
    assert json.loads(done.stdout)["data"]["guest"]["first_name"] == "A"
