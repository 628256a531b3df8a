"""The example locustfile, run by Locust for a few seconds against the plugin's sink."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mockzenoti.scenarios import load_scenario

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


@pytest.mark.slow
def test_the_example_soaks_a_receiver_with_its_own_settings(
    zenoti_sink: Any, tmp_path: Path
) -> None:
    zenoti_sink.configure(secrets=("change-me",))
    report_path = tmp_path / "report.json"
    cmd = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "-u",
        "3",
        "-r",
        "3",
        "-t",
        "3s",
        "--host",
        zenoti_sink.url + "webhooks/zenoti",
        "--mockzenoti-report",
        str(report_path),
        "--only-summary",
    ]
    done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads(report_path.read_text())

    # the subclass's attributes were the settings
    assert (report["seed"], report["retry"], report["signing"]) == ("spa-chain", "fast", "zenoti")
    assert report["sizes"] == {"centers": 6, "kind": "spa"}
    # what the sink got is what the report counts, signed with the subclass's secret
    calls = zenoti_sink.calls
    assert calls and len(calls) == report["attempts"] == report["delivered"]
    assert all(c.signature_ok and c.path == "/webhooks/zenoti" for c in calls)
    # three users: three of the chain's six spas
    setup = load_scenario("soak").world("spa-chain", sizes={"centers": 6, "kind": "spa"}).setup()
    spas = {c["id"] for c in setup["centers"] if c["kind"] == "spa"}
    played = {c.json["data"].get("center_id") for c in calls} - {None}
    assert len(spas) == 6 and len(played & spas) == 3 and played <= spas
    # constant_throughput(100): each user sends at most about 100 events a second
    assert report["events"] <= 3 * 100 * (report["duration_s"] + 1)
