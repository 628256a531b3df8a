"""``mockzenoti events`` and ``mockzenoti validate`` through click and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mockzenoti.catalog import load_catalog
from mockzenoti.cli import cli

CATALOG = load_catalog()
RENAME = '[event_types]\n"Appointment.Started" = "Appointment.Start"\n'


def _line(name: str, **changes: object) -> str:
    payload = json.loads(json.dumps(CATALOG.get(name).sample))
    payload.update(changes)
    return json.dumps(payload)


def test_events_table_lists_every_entry_with_its_completions() -> None:
    result = CliRunner().invoke(cli, ["events"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "NAME",
        "WIRE",
        "TYPE",
        "SECTION",
        "NAME",
        "IS",
        "SAMPLE",
        "COMPLETED",
    ]
    rows = {line.split()[0]: line for line in lines[1:37]}
    assert list(rows) == CATALOG.names
    assert rows["Invoice.Closed"].endswith(
        "data.invoice.transactions.0, data.invoice.total_amount_paid"
    )
    assert "data.service_balance.0, data.auto_renewal" in rows["Guest.Membership.Created"]
    assert "inferred" in rows["Class.Booking.Approved"]
    assert "none (shape of Guest.OptedOut)" in rows["Guest.OptedIn"]
    assert "36 event types" in result.output


def test_events_json_and_config_renames(tmp_path: Path) -> None:
    config = tmp_path / "renames.toml"
    config.write_text(RENAME, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "events", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert len(rows) == 36
    started = rows["Appointment.Started"]
    assert started["event_type"] == "Appointment.Start" and started["renamed"] is True
    assert rows["Guest.OptedOut"]["repaired"] and rows["Invoice.Closed"]["completed"]
    attested = [line.split(":")[0] for line in rows["Invoice.Closed"]["attested"]]
    assert "data.invoice.invoice_number_prefix" in attested
    assert rows["Guest.Created"]["attested"][0].startswith("data.personal_info.mobile_phone: ")
    assert rows["Class.Booking.Created"]["attested"] == []
    table = CliRunner().invoke(cli, ["events"], env={"MOCKZENOTI_CONFIG": str(config)})
    assert "Appointment.Start " in table.output


def test_a_bad_config_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[event_types]\n"Guest.Created" = "Guest.New"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "events"])
    assert result.exit_code == 2
    assert "bad.toml" in result.output and "event_types.Guest.Created" in result.output


def test_validate_accepts_an_object_an_array_and_json_lines(tmp_path: Path) -> None:
    runner = CliRunner()
    one = tmp_path / "one.json"
    one.write_text(json.dumps(CATALOG.get("Guest.Created").sample, indent=2), encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(one)])
    assert (result.exit_code, result.output) == (0, "checked 1 event: 1 valid, 0 invalid\n")
    many = tmp_path / "many.json"
    many.write_text(json.dumps([e.sample for e in CATALOG if e.sample]), encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(many)])
    assert result.exit_code == 0
    assert "checked 35 events: 35 valid, 0 invalid" in result.output


def test_validate_reports_position_type_id_and_paths(tmp_path: Path) -> None:
    bad = json.loads(_line("Class.Booking.Created"))
    bad["data"]["waitlist"] = "no"
    del bad["data"]["center_id"]
    lines = [
        _line("Guest.Created"),
        "",
        json.dumps(bad),
        _line("Guest.Deleted", event_type="Guest.Removed"),
    ]
    path = tmp_path / "capture.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    out = result.output.splitlines()
    assert out[0] == "line 3: Class.Booking.Created event_id=6239c1dea961750e01dda034: 2 problem(s)"
    assert sorted(out[1:3]) == [
        "  data.center_id: missing (the documented shape has it)",
        '  data.waitlist: expected boolean or null, got string "no"',
    ]
    assert out[3].startswith("line 4: Guest.Removed event_id=")
    assert "unknown event type 'Guest.Removed'" in out[4] and "Guest.Created" in out[4]
    assert out[-1] == "checked 3 events: 1 valid, 2 invalid"


def test_validate_uses_the_configured_names(tmp_path: Path) -> None:
    config = tmp_path / "renames.toml"
    config.write_text(RENAME, encoding="utf-8")
    path = tmp_path / "started.jsonl"
    path.write_text(_line("Appointment.Started", event_type="Appointment.Start") + "\n")
    assert CliRunner().invoke(cli, ["validate", str(path)]).exit_code == 1
    result = CliRunner().invoke(cli, ["--config", str(config), "validate", str(path)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "words"),
    [(["validate", "does-not-exist.jsonl"], "FILE"), (["validate"], "FILE")],
)
def test_validate_bad_usage_exits_2_naming_the_argument(args: list[str], words: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert words in result.output


def test_validate_refuses_an_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(empty)])
    assert result.exit_code == 2 and "FILE" in result.output and "no events" in result.output


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockzenoti", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_validate_as_a_process_on_json_lines_with_a_broken_line(tmp_path: Path) -> None:
    bad = json.loads(_line("AppointmentGroup.Created"))
    bad["data"]["appointments"][0]["room_name"] = None
    lines = [
        _line("Invoice.Closed"),
        json.dumps(bad),
        '{"id": "6239c1de',
        _line("Employee.Created"),
    ]
    path = tmp_path / "traffic.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = _run("validate", str(path))
    assert proc.returncode == 1, proc.stderr
    assert "line 2: AppointmentGroup.Created event_id=66a26696c7314f7815db6a1e" in proc.stdout
    assert "  data.appointments.0.room_name: expected string, got null" in proc.stdout
    assert "line 3: not valid JSON" in proc.stdout
    assert proc.stdout.splitlines()[-1] == "checked 4 events: 2 valid, 2 invalid"


def test_validate_as_a_process_reads_standard_input() -> None:
    good = _run(
        "validate", "-", stdin=_line("Guest.Updated") + "\n" + _line("Guest.Deleted") + "\n"
    )
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout == "checked 2 events: 2 valid, 0 invalid\n"
    bad = _run("validate", "-", stdin=_line("Guest.Updated", id="NOT-AN-OBJECTID"))
    assert bad.returncode == 1
    assert "id: expected a MongoDB ObjectId" in bad.stdout
