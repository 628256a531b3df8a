"""A real headless Locust swarm: two worker processes, one consistent Zenoti stream.

``mockzenoti locust --processes 2`` runs for a few seconds against a sink on
127.0.0.1 that fails the first attempt of a tenth of the events with 503.
What the sink saw must be one stream: every event valid and signed, no
event id sent by two workers, each shard's events in their order with every
lifecycle rule kept, the report's counts equal to the sink's, both workers
busy, and the report's merged expected state equal to what a consumer of the
arrivals ends with.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import ThreadSink
from reference_consumer import Consumer
from test_truth import comparable

from mockzenoti.scenarios import load_scenario
from mockzenoti.scenarios.invariants import check_stream
from mockzenoti.swarm import Shard
from mockzenoti.validation import validate

pytestmark = pytest.mark.slow

SECRET = "swarm-secret"
SEED = "swarm-7"
USERS = 4


@pytest.fixture
def sink() -> Iterator[ThreadSink]:
    made = ThreadSink(secrets=(SECRET,), fail_first=1, fail_share=0.1, fail_status=503, seed=3)
    yield made
    made.close()


def run_swarm(
    tmp_path: Path, url: str, *extra: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    report = tmp_path / "report.json"
    cmd = [
        sys.executable,
        "-m",
        "mockzenoti",
        "locust",
        "--url",
        url,
        "--users",
        str(USERS),
        "--run-time",
        "4s",
        "--seed",
        SEED,
        "--secret",
        SECRET,
        "--retry",
        "fast",
        "--report",
        str(report),
        "--only-summary",
        *extra,
    ]
    done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert report.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    return done, json.loads(report.read_text())


def test_two_worker_processes_send_one_consistent_stream(sink: ThreadSink, tmp_path: Path) -> None:
    done, report = run_swarm(
        tmp_path, sink.url + "zenoti", "--processes", "2", "--csv", "stats", "--html", "locust.html"
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    # Locust's own options went through: its CSV statistics and HTML report, per event type
    assert "Class.Booking.Created" in (tmp_path / "stats_stats.csv").read_text()
    assert "Guest.Created" in (tmp_path / "locust.html").read_text()
    calls = sink.calls
    accepted = [c for c in calls if 200 <= c.status < 300]
    payloads = [json.loads(c.body) for c in accepted]

    # every request: a valid event, signed with the secret
    assert calls and all(c.signature_ok for c in calls)
    assert {c.path for c in calls} == {"/zenoti"}
    for call in calls:
        assert validate(json.loads(call.body)) == [], call.body[:200]

    # each event delivered once, by one shard of one worker
    ids = [p["event_id"] for p in payloads]
    assert len(ids) == len(set(ids))
    shards = {Shard(SEED, w, u).machine: Shard(SEED, w, u) for w in range(2) for u in range(USERS)}
    by_shard: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for payload in payloads:
        machine = payload["event_id"][8:18]
        assert machine in shards and payload["id"][8:18] == machine
        by_shard[machine].append(payload)
    senders = {
        e: c["event_id"][8:18]
        for c in map(json.loads, (c.body for c in calls))
        for e in [c["event_id"]]
    }
    assert all(senders[p["event_id"]] == p["event_id"][8:18] for p in payloads)

    # per shard, arrivals are the world's order: every lifecycle rule holds
    setup = load_scenario("soak").world(SEED).setup()
    for machine, events in by_shard.items():
        assert check_stream(events, setup) == [], shards[machine].name

    # the report counts what the sink saw
    retries = len(calls) - len({json.loads(c.body)["event_id"] for c in calls})
    assert report["ok"] is True
    assert report["attempts"] == len(calls)
    assert report["delivered"] == report["events"] == len(accepted)
    assert report["retried"] == retries > 0
    assert report["dead"] == report["held"] == report["interrupted"] == 0
    assert report["outcomes"] == {"server_error": retries, "success": len(accepted)}
    per_worker = Counter(shards[p["event_id"][8:18]].worker for p in payloads)
    assert [(w["index"], w["delivered"]) for w in report["workers"]] == sorted(per_worker.items())
    assert [w["index"] for w in report["workers"]] == [0, 1]
    # both workers busy: each delivered a fair share, from each of its users
    for worker in report["workers"]:
        assert worker["users"] == USERS // 2
        assert worker["delivered"] >= len(accepted) / 5
    assert len(by_shard) == USERS
    # the same counts in the end summary
    assert f"swarm finished: all {len(accepted):,} events delivered" in done.stdout

    # the merged expected state is what a consumer of the arrivals ends with
    consumer = Consumer(setup)
    for call in accepted:
        consumer.take(call.body)
    assert report["expected"]["events"] == len(accepted)
    assert comparable(report["expected"]) == consumer.tables


def test_a_dead_receiver_ends_in_a_report_that_keeps_every_event(tmp_path: Path) -> None:
    probe = ThreadSink(status=410)
    try:
        done, report = run_swarm(tmp_path, probe.url, "--deactivate-after", "5")
        calls = probe.calls
    finally:
        probe.close()
    assert done.returncode == 1
    assert report["ok"] is False and report["delivered"] == 0
    # 5 dead in a row deactivate the webhook: the process's users stop sending
    # (those with an attempt in flight then end it: at most one more each)
    assert report["dead"] == report["events"] == len(calls)
    assert 5 <= len(calls) <= 5 + USERS - 1
    kept = sorted((u["envelope"] for u in report["undelivered"]), key=lambda e: e["event_id"])
    assert kept == sorted((json.loads(c.body) for c in calls), key=lambda e: e["event_id"])
    assert f"swarm finished with {len(calls)} dead" in done.stdout
    assert "deactivated after" in done.stderr


def test_ctrl_c_stops_the_swarm_with_every_workers_counts(sink: ThreadSink, tmp_path: Path) -> None:
    sink.configure(fail_first=0)
    report_path = tmp_path / "report.json"
    cmd = [
        sys.executable,
        "-m",
        "mockzenoti",
        "locust",
        "--url",
        sink.url,
        "--users",
        "2",
        "--processes",
        "2",
        "--seed",
        SEED,
        "--secret",
        SECRET,
        "--report",
        str(report_path),
        "--only-summary",
    ]
    # Its own process group, as a terminal's foreground job: Ctrl-C reaches every process.
    proc = subprocess.Popen(
        cmd,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        sink.wait_for(300, timeout=60, accepted=True)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    assert proc.returncode == 0, out[-2000:] + err[-2000:]
    report = json.loads(report_path.read_text())
    accepted = [c for c in sink.calls if 200 <= c.status < 300]
    assert report["ok"] and report["missing_workers"] == []
    assert [w["index"] for w in report["workers"]] == [0, 1]
    assert report["delivered"] == report["attempts"] == len(accepted) >= 300
    assert f"swarm finished: all {len(accepted):,} events delivered" in out
