"""``python -m bench`` end to end at tiny bounds, the receiver, and the reference builder.

Speed goals live in ``make bench``; these only check that the harness works:
the receiver counts what it is sent and stops, the builder's events are valid
Zenoti payloads of the requested size, a quick run writes the JSON report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bench.builder import Builder, throughput
from bench.orchestrator import ORDER, ROOT
from bench.receiver import Receiver
from bench.registry import PENDING, REGISTRY
from mockzenoti.validation import validate


def _post(url: str, body: bytes, method: str = "POST") -> int:
    request = urllib.request.Request(url, data=body, method=method)
    with urllib.request.urlopen(request, timeout=10) as resp:
        status: int = resp.status
        return status


def test_receiver_counts_records_and_stops() -> None:
    with Receiver.start(ROOT, uvloop=False) as receiver:
        assert receiver.stats().requests == 0
        receiver.start_recording()
        for method in ("POST", "PUT", "PATCH"):
            assert _post(receiver.url, b'{"a":1}', method) == 200
        assert _post(receiver.url, b"") == 200  # Zenoti's test button: an empty POST
        stats = receiver.stats()
        assert (stats.requests, stats.bytes) == (4, 21)
        assert receiver.get("/stats")["methods"] == {"POST": 2, "PUT": 1, "PATCH": 1}
        arrivals = receiver.stop_recording()
        assert len(arrivals) == 4 and arrivals == sorted(arrivals)
        assert stats.last_ns == arrivals[-1] <= stats.at_ns
        pid = receiver.proc.pid
    # Stopped: the process is gone (reaped) once the context exits.
    assert receiver.proc.poll() is not None
    assert not Path(f"/proc/{pid}/status").exists() or receiver.proc.returncode is not None


def test_receiver_exits_when_its_parent_goes_away() -> None:
    receiver = Receiver.start(ROOT, uvloop=False)
    try:
        assert receiver.proc.stdin is not None
        receiver.proc.stdin.close()  # what the kernel does when the orchestrator dies
        assert receiver.proc.wait(10) == 0
    finally:
        receiver.stop()


def test_builder_makes_valid_zenoti_events_of_the_requested_size() -> None:
    builder = Builder(seed=3, event_bytes=1400)
    seen = set()
    for _ in range(300):
        payload = builder.payload()
        seen.add(payload["event_type"])
        assert validate(payload) == [], payload["event_type"]
    assert len(seen) >= 10
    figures = throughput(builder, 2000, 5.0)
    assert figures["events"] == 2000
    assert 1400 * 0.9 < figures["avg_bytes"] < 1400 * 1.1
    assert builder.average_bytes == pytest.approx(1400, rel=0.02)
    # Same seed, same bytes.
    assert Builder(seed=3).bodies(5) == Builder(seed=3).bodies(5)


def test_every_measurement_has_a_place_in_the_order() -> None:
    assert set(REGISTRY) | set(PENDING) == set(ORDER)
    assert {"generation_day", "delivery_soak", "memory_soak", "rate_1000"} <= set(REGISTRY)


@pytest.mark.slow
def test_quick_bench_writes_the_json_report(tmp_path: Path) -> None:
    out = tmp_path / "latest.json"
    only = "startup_help,lazy_imports,builder_stateless,raw_aiohttp"
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", only, "--out", str(out)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert time.monotonic() - start < 60
    doc = json.loads(out.read_text())
    assert {"schema", "started", "quick", "machine", "measurements", "pending", "summary"} <= set(
        doc
    )
    machine = doc["machine"]
    assert {"cpu_model", "cores", "python", "versions", "receiver_loop"} <= set(machine)
    assert {"aiohttp", "orjson", "uvloop"} <= set(machine["versions"])
    assert doc["quick"] is True
    entries = doc["measurements"]
    assert list(entries) == only.split(",")
    for entry in entries.values():
        assert {"unit", "value", "details", "ratios", "goals", "bound", "note"} <= set(entry)
        assert entry["value"] is not None
        assert entry["value"] > 0 or entry["unit"] == "modules"
    raw = entries["raw_aiohttp"]
    assert raw["details"]["verified"] is True
    assert 0 <= raw["details"]["other_cpu_pct"] <= 100
    assert raw["details"]["sent"] <= raw["bound"]["count"]
    assert entries["lazy_imports"]["value"] == 0
    assert "raw_aiohttp" in done.stdout and "figure" in done.stdout
