"""Fresh by default, repeatable on request, never sent twice by accident (docs/cli.md).

Without ``--seed`` a command draws a fresh seed and prints it; ``--seed S``
repeats byte for byte; a resumed run keeps the seed it started with; the same
command and seed after a finished run sends nothing unless ``--again``, also
when the first process was killed between its "finished" mark and its exit.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
from pathlib import Path

import pytest
from cli_support import ThreadSink, command, invoke, run_process, subprocess_env

from mockzenoti import jsonfast
from mockzenoti.delivery import Outbox
from mockzenoti.scenarios import load_scenario

SEED_LINE = re.compile(r"^seed (\d+): add --seed \1 to repeat$", re.M)


def drawn_seed(stderr: str) -> str:
    found = SEED_LINE.search(stderr)
    assert found, stderr
    return found.group(1)


def event_ids(sink: ThreadSink) -> list[str]:
    return [jsonfast.loads(b)["event_id"] for b in sink.bodies()]


def simulated_ids(scenario: str, seed: str, events: int) -> set[str]:
    return {e.event_id for e in load_scenario(scenario).simulate(seed, events=events)}


def test_simulate_draws_a_fresh_seed_and_the_seed_repeats_it() -> None:
    first = invoke("simulate", "class-lifecycle", "-n", "5")
    second = invoke("simulate", "class-lifecycle", "-n", "5")
    assert first.exit_code == second.exit_code == 0
    seed = drawn_seed(first.stderr)
    assert seed != drawn_seed(second.stderr) and first.stdout != second.stdout
    repeated = invoke("simulate", "class-lifecycle", "-n", "5", "--seed", seed)
    assert repeated.stdout == first.stdout and repeated.stderr == ""


def test_emit_sends_fresh_ids_each_time_and_a_given_seed_only_once(sink: ThreadSink) -> None:
    args = ("emit", "Class.Booking.Cancelled", "--url", sink.url)
    one, two = invoke(*args), invoke(*args)
    assert one.exit_code == two.exit_code == 0
    assert len(set(event_ids(sink))) == 2  # a consumer dropping duplicates takes both
    seed = drawn_seed(one.stderr)
    again = invoke(*args, "--seed", seed)
    assert again.exit_code == 0
    assert "finished at" in again.stdout and "nothing was sent again" in again.stdout
    assert len(sink.calls) == 2
    forced = invoke(*args, "--seed", seed, "--again")
    assert forced.exit_code == 0 and len(sink.calls) == 3
    assert event_ids(sink)[2] == event_ids(sink)[0]  # --again: the same event, on purpose


def test_run_reports_its_seed_and_the_same_seed_after_it_finished_sends_nothing(
    sink: ThreadSink,
) -> None:
    args = ("run", "class-lifecycle", "--events", "8", "--url", sink.url)
    first = invoke(*args, "--report", "first.json")
    assert first.exit_code == 0
    seed = drawn_seed(first.stderr)
    report = json.loads(Path("first.json").read_text())
    assert report["seed"] == seed and report["spec"]["seed"] == seed
    assert set(event_ids(sink)) == simulated_ids("class-lifecycle", seed, 8)

    repeat = invoke(*args, "--seed", seed, "--report", "repeat.json")
    assert repeat.exit_code == 0
    assert re.search(
        r"run 1 of this command finished at .*: 8 events, 8 of 8 deliveries "
        r"delivered; nothing was sent again",
        repeat.stdout,
    )
    assert "--again" in repeat.stdout and len(sink.calls) == 8
    assert json.loads(Path("repeat.json").read_text())["already_finished"] is True

    forced = invoke(*args, "--seed", seed, "--again", "--report", "again.json")
    assert forced.exit_code == 0 and "run 2 finished" in forced.stdout
    assert len(sink.calls) == 16 and sum(c.duplicate for c in sink.calls) == 8
    again = json.loads(Path("again.json").read_text())
    assert again["possible_duplicates"] == 8  # every delivery of a repeated run counts
    assert "duplicates  8 possible" in forced.stdout
    with Outbox(".mockzenoti/outbox.sqlite", exclusive=False) as box:
        assert {d.possible_duplicates for d in box.list_deliveries(run_id=2).items} == {1}
        assert {d.possible_duplicates for d in box.list_deliveries(run_id=1).items} == {0}


def test_a_resumed_run_keeps_the_seed_it_started_with(sink: ThreadSink, tmp_path: Path) -> None:
    # --rate keeps the first process busy long enough to be stopped mid-run
    args = [
        "run",
        "day-in-the-life",
        "--events",
        "400",
        "--url",
        sink.url,
        "--outbox",
        "box.sqlite",
        "--concurrency",
        "8",
        "--rate",
        "300",
        "--retry",
        "fast",
    ]
    proc = subprocess.Popen(
        command(*args),
        cwd=tmp_path,
        env=subprocess_env(),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        sink.wait_for(50)
    finally:
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
    seed = drawn_seed(err)
    done = run_process(*args, "--report", "report.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"resuming run 1 (seed {seed})" in done.stderr
    assert SEED_LINE.search(done.stderr) is None  # no fresh seed: the stored one
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["resumed"] is True and report["seed"] == seed and report["run_id"] == 1
    assert {c.event_id for c in sink.calls} == simulated_ids("day-in-the-life", seed, 400)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_kill_between_finished_and_exit_does_not_make_the_same_command_send_again(
    sink: ThreadSink, tmp_path: Path
) -> None:
    args = [
        "run",
        "class-lifecycle",
        "--seed",
        "11",
        "--events",
        "150",
        "--url",
        sink.url,
        "--outbox",
        "box.sqlite",
        "-q",
    ]
    env = {**subprocess_env(), "MOCKZENOTI_TEST_HOLD_AFTER_FINISH": "1"}
    proc = subprocess.Popen(
        command(*args),
        cwd=tmp_path,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()  # blocks until the process holds after the mark
        assert line.startswith("holding after the finished mark"), line
        with Outbox(tmp_path / "box.sqlite", exclusive=False) as box:
            assert [r.state for r in box.list_runs()] == ["finished"]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert len(sink.calls) == 150

    same = run_process(*args, cwd=tmp_path)
    assert same.returncode == 0, same.stderr
    assert "run 1 of this command finished at" in same.stdout
    assert "nothing was sent again" in same.stdout
    assert len(sink.calls) == 150 and not any(c.duplicate for c in sink.calls)

    unseeded = [a for a in args if a not in ("--seed", "11")]
    fresh = run_process(*unseeded, cwd=tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    assert len(sink.calls) == 300 and not any(c.duplicate for c in sink.calls)  # fresh ids


def test_a_new_run_says_what_else_the_outbox_holds_unfinished(
    sink_factory: object, tmp_path: Path
) -> None:
    down = "http://127.0.0.1:9/never"  # nothing listens on port 9: every attempt fails
    stuck = invoke(
        "run",
        "guest-lifecycle",
        "--seed",
        "2",
        "--events",
        "4",
        "--url",
        down,
        "--retry",
        "none",
        "--deactivate-after",
        "0",
        "--outbox",
        "box.sqlite",
        "--timeout",
        "1s",
    )
    assert stuck.exit_code == 1
    with Outbox(tmp_path / "box.sqlite") as box:  # make run 1 unfinished, as after a kill
        box.redeliver(run_id=1)
        with box.db.transaction() as c:
            c.execute("UPDATE runs SET state = 'running', finished_at = NULL WHERE id = 1")
    sink = sink_factory()  # type: ignore[operator]
    other = invoke(
        "run",
        "class-lifecycle",
        "--seed",
        "3",
        "--events",
        "5",
        "--url",
        sink.url,
        "--outbox",
        "box.sqlite",
        "--report",
        "r.json",
    )
    assert other.exit_code == 0
    assert (
        "note: the outbox also holds unfinished run 1 (run guest-lifecycle seed 2) with 4 "
        "deliveries not delivered yet: run its command again to finish it, or `mockzenoti "
        "drain --outbox box.sqlite` to deliver what it accepted"
    ) in other.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["other_unfinished"] == [
        {"run_id": 1, "unsettled": 4, "what": "run 1 (run guest-lifecycle seed 2)"}
    ]
    assert "elsewhere" in other.stdout and "mockzenoti drain --outbox box.sqlite" in other.stdout
