"""A real headless Locust swarm: two worker processes, one consistent Zenoti stream.

``mockzenoti locust --processes 2`` runs for a few seconds against a sink on
127.0.0.1 that fails the first attempt of a tenth of the events with 503.
What the sink saw must be one stream: every event valid and signed, no
event id sent by two workers, each shard's events in their order with every
lifecycle rule kept, the report's counts equal to the sink's, both workers
busy, and the report's merged expected state equal to what a consumer of the
arrivals ends with. Ctrl-C, at any moment, ends with every worker's counts.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

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
    assert comparable(report["expected"], consumer.tables) == consumer.tables


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


class Swarm:
    """``mockzenoti locust --processes 2`` in a process group of its own, as a terminal's job.

    Its output is read as it comes (``wait_line``); ``interrupt`` is a Ctrl-C
    in the terminal (SIGINT to every process of the group); ``end`` waits
    until every process of the swarm closed its output (all exited).
    """

    def __init__(self, tmp_path: Path, url: str, *extra: str) -> None:
        self.report_path = tmp_path / "report.json"
        cmd = [
            sys.executable,
            "-m",
            "mockzenoti",
            "locust",
            "--url",
            url,
            "--users",
            "2",
            "--processes",
            "2",
            "--seed",
            SEED,
            "--secret",
            SECRET,
            "--report",
            str(self.report_path),
            "--only-summary",
            *extra,
        ]
        self.proc = subprocess.Popen(
            cmd,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self.changed = threading.Condition()
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self.readers = [
            threading.Thread(target=self._read, args=(pipe, lines), daemon=True)
            for pipe, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))
        ]
        for reader in self.readers:
            reader.start()

    def _read(self, pipe: IO[str], lines: list[str]) -> None:
        for line in pipe:
            with self.changed:
                lines.append(line)
                self.changed.notify_all()

    def wait_line(self, text: str, count: int = 1, timeout: float = 60) -> None:
        """Return once ``count`` lines of the swarm's stderr hold ``text``."""
        with self.changed:
            found = self.changed.wait_for(
                lambda: sum(text in line for line in self.err) >= count, timeout
            )
        assert found, f"no {count} lines with {text!r} in {timeout}s:\n{''.join(self.err)[-3000:]}"

    def wait_children(self, pid: int, count: int, timeout: float = 60) -> list[int]:
        """The ids of ``pid``'s first ``count`` child processes, once it has them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [int(c) for c in _children(pid)]
            if len(found) >= count:
                return found
            time.sleep(0.01)  # no event tells a process was forked
        raise AssertionError(f"process {pid} had no {count} children in {timeout}s")

    def interrupt(self, *pids: int) -> None:
        """Ctrl-C in the terminal (every process of the group), or SIGINT to ``pids`` only."""
        if pids:
            for pid in pids:
                os.kill(pid, signal.SIGINT)
        else:
            os.killpg(self.proc.pid, signal.SIGINT)

    def end(self, timeout: float = 90) -> tuple[int, str, str]:
        """The exit code and output, once every process of the swarm has exited."""
        code = self.proc.wait(timeout)
        for reader in self.readers:
            reader.join(timeout)
            assert not reader.is_alive(), "a process of the swarm is still running"
        return code, "".join(self.out), "".join(self.err)

    def kill(self) -> None:
        """Whatever of the swarm is left (a failed test) killed; its pipes closed."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        for reader in self.readers:
            reader.join(10)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return []


def _check_stopped(sink: ThreadSink, swarm: Swarm, code: int, out: str, err: str) -> dict[str, Any]:
    """What every Ctrl-C must end with; the report."""
    assert code == 0, out[-2000:] + err[-2000:]
    assert "Traceback" not in err, err[-3000:]
    report: dict[str, Any] = json.loads(swarm.report_path.read_text())
    calls = sink.calls
    accepted = [c for c in calls if 200 <= c.status < 300]
    assert report["ok"] and report["missing_workers"] == []
    assert report["delivered"] == report["attempts"] == len(accepted) == len(calls)
    assert [w["index"] for w in report["workers"]] in ([], [0, 1])
    if report["workers"]:
        assert f"swarm finished: all {len(accepted):,} events delivered" in out
    else:
        assert report["events"] == report["users"] == 0
        assert "swarm stopped before any worker started: no event was sent" in out
    return report


def test_ctrl_c_stops_the_swarm_with_every_workers_counts(sink: ThreadSink, tmp_path: Path) -> None:
    sink.configure(fail_first=0)
    swarm = Swarm(tmp_path, sink.url)
    try:
        sink.wait_for(300, timeout=60, accepted=True)
        swarm.interrupt()
        code, out, err = swarm.end()
    finally:
        swarm.kill()
    assert code == 0, out[-2000:] + err[-2000:]
    assert "Traceback" not in err, err[-3000:]
    report = json.loads(swarm.report_path.read_text())
    accepted = [c for c in sink.calls if 200 <= c.status < 300]
    assert report["ok"] and report["missing_workers"] == []
    assert [w["index"] for w in report["workers"]] == [0, 1]
    assert report["delivered"] == report["attempts"] == len(accepted) >= 300
    assert f"swarm finished: all {len(accepted):,} events delivered" in out


def test_a_worker_interrupted_while_it_finishes_sends_its_counts_before_it_quits(
    sink: ThreadSink, tmp_path: Path
) -> None:
    """The race Ctrl-C met half the time, made certain.

    The master gets Ctrl-C first and asks the workers to finish; each worker's
    user has an attempt under way (the sink answers after 4 s); then each
    worker gets its own Ctrl-C. A worker must still send its counts before it
    quits, and the master must not give its users to the other meanwhile.
    """
    sink.configure(fail_first=0)
    swarm = Swarm(tmp_path, sink.url, "--loglevel", "DEBUG")
    try:
        sink.wait_for(100, timeout=60, accepted=True)

        async def slow_down() -> int:
            sink.sink.configure(latency=4.0)
            return len(sink.sink.calls)

        since = sink.call(slow_down())

        def both_waiting() -> bool:
            # a request that arrived from here waits 4 s: each worker's user has one
            machines = {c.event_id[8:18] for c in sink.sink.calls[since:] if c.event_id}
            return {w for w in range(2) if _machines(w) & machines} == {0, 1}

        sink.call(sink.sink.wait_until(both_waiting, timeout=60))
        (master,) = swarm.wait_children(swarm.proc.pid, 1)
        workers = swarm.wait_children(master, 2)
        swarm.interrupt(master)
        swarm.wait_line("Received mockzenoti:finish message from master", count=2)
        swarm.interrupt(*workers)
        code, out, err = swarm.end()
    finally:
        swarm.kill()
    report = _check_stopped(sink, swarm, code, out, err)
    assert [w["index"] for w in report["workers"]] == [0, 1]
    assert "ready workers" not in err.split("Stopping...")[-1]  # no rebalance while stopping


def _machines(worker: int) -> set[str]:
    return {Shard(SEED, worker, u).machine for u in range(2)}


@pytest.mark.parametrize("moment", ["starting", "connecting", "spawning"])
def test_ctrl_c_at_any_moment_of_the_start_ends_with_a_true_report(
    sink: ThreadSink, tmp_path: Path, moment: str
) -> None:
    """Ctrl-C while Locust starts, while its workers connect, while they spawn users."""
    sink.configure(fail_first=0)
    swarm = Swarm(tmp_path, sink.url)
    try:
        if moment == "starting":
            swarm.wait_children(swarm.proc.pid, 1)  # Locust's process exists, importing
        elif moment == "connecting":
            swarm.wait_line("reported as ready")  # a first worker connected
        else:
            swarm.wait_line("Sending spawn jobs")
        swarm.interrupt()
        code, out, err = swarm.end()
    finally:
        swarm.kill()
    report = _check_stopped(sink, swarm, code, out, err)
    if moment == "starting":
        assert report["workers"] == [] and sink.calls == []
    if moment == "spawning":
        assert [w["index"] for w in report["workers"]] == [0, 1]
