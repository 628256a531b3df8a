"""Crash and resume at the command line: SIGKILL, Ctrl-C, the same command again, drain."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pytest
from cli_support import ThreadSink, command, run_process, subprocess_env

from mockzenoti.delivery import Outbox
from mockzenoti.scenarios import load_scenario

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

EVENTS = 600


def run_args(url: str, *extra: str) -> list[str]:
    # --rate keeps the first process busy long enough to be stopped mid-run
    return [
        "run",
        "day-in-the-life",
        "--seed",
        "5",
        "--events",
        str(EVENTS),
        "--url",
        url,
        "--outbox",
        "box.sqlite",
        "--concurrency",
        "8",
        "--rate",
        "300",
        "--retry",
        "fast",
        *extra,
    ]


def start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command(*args),
        cwd=cwd,
        env=subprocess_env(),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def stop(proc: subprocess.Popen[str], sig: signal.Signals) -> tuple[str, str]:
    proc.send_signal(sig)
    try:
        return proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # pragma: no cover - only when the test already failed
            proc.kill()


def expected_ids() -> set[str]:
    return {e.event_id for e in load_scenario("day-in-the-life").simulate("5", events=EVENTS)}


@pytest.mark.slow
def test_sigkill_then_the_same_command_resumes_and_completes(
    sink: ThreadSink, tmp_path: Path
) -> None:
    proc = start(run_args(sink.url), tmp_path)
    try:
        sink.wait_for(100)
    finally:
        _, err = stop(proc, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL, err
    before = len(sink.calls)
    assert 100 <= before < EVENTS

    done = run_process(*run_args(sink.url, "--report", "report.json"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert {c.event_id for c in sink.calls} == expected_ids()  # every event at least once
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["resumed"] is True and 0 < report["skipped"] < EVENTS
    assert report["accepted"] == EVENTS and report["counts"]["delivered"] == EVENTS
    duplicates = sum(c.duplicate for c in sink.calls)
    assert duplicates <= report["possible_duplicates"] <= 5 * 8
    assert f"resumed     yes: {report['skipped']:,} events accepted before were skipped" in (
        done.stdout
    )
    assert f"duplicates  {report['possible_duplicates']} possible" in done.stdout
    assert "resuming run 1" in done.stderr


@pytest.mark.slow
def test_ctrl_c_stops_gracefully_and_the_same_command_finishes(
    sink: ThreadSink, tmp_path: Path
) -> None:
    proc = start(run_args(sink.url), tmp_path)
    try:
        sink.wait_for(60)
    finally:
        out, err = stop(proc, signal.SIGINT)
    assert proc.returncode == 1, err
    assert "run 1 interrupted: re-run the same command to resume" in out
    assert "stopping" in err

    done = run_process(*run_args(sink.url), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "run 1 finished: all 600 deliveries delivered" in done.stdout
    assert {c.event_id for c in sink.calls} == expected_ids()
    assert sum(c.duplicate for c in sink.calls) == 0  # a graceful stop sends nothing twice
    assert "duplicates  0 possible" in done.stdout


@pytest.mark.slow
def test_drain_delivers_only_what_was_accepted(sink: ThreadSink, tmp_path: Path) -> None:
    proc = start(run_args(sink.url), tmp_path)
    try:
        sink.wait_for(50)
    finally:
        stop(proc, signal.SIGKILL)
    with Outbox(tmp_path / "box.sqlite", exclusive=False) as box:
        counts = box.counts()
        accepted = box.list_runs()[0].accepted
    unsettled = counts["pending"] + counts["delivering"] + counts["retrying"]
    assert unsettled > 0 and accepted < EVENTS

    drained = run_process("drain", "--outbox", "box.sqlite", "--report", "d.json", cwd=tmp_path)
    assert drained.returncode == 0, drained.stderr
    assert f"drain: all {unsettled:,} deliveries delivered" in drained.stdout
    report = json.loads((tmp_path / "d.json").read_text())
    assert report["loaded"] == unsettled and report["counts"] == {"delivered": unsettled}
    assert report["possible_duplicates"] == counts["delivering"]
    with Outbox(tmp_path / "box.sqlite", exclusive=False) as box:
        after = box.counts()
        assert after["delivered"] == box.event_count() == accepted  # nothing new generated
    assert after["pending"] == after["delivering"] == after["retrying"] == 0
    assert len({c.event_id for c in sink.calls}) == accepted

    again = run_process("drain", "--outbox", "box.sqlite", cwd=tmp_path)
    assert again.returncode == 0 and "drain: nothing to deliver" in again.stdout
