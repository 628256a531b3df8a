"""A simulation in a child process (``scenarios.offload``): same events, skipping, truth, errors,
and no process left behind."""

from __future__ import annotations

import io
import os
import pickle
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mockzenoti.catalog import load_catalog
from mockzenoti.event import Event
from mockzenoti.scenarios import ScenarioError, load_scenario
from mockzenoti.scenarios.offload import (
    BATCH,
    RemoteSimulation,
    SimulationJob,
    SimulationProcessError,
    serve,
)
from mockzenoti.testing.waiting import wait_until

RENAMES = {"event_types": {"Appointment.Started": "Appointment.Start"}, "event_resources": {}}


def local(job: SimulationJob) -> list[Event]:
    catalog = load_catalog(dict(job.renames["event_types"])) if job.renames else None
    sim = load_scenario(job.scenario).simulate(
        job.seed,
        events=job.events,
        duration=job.duration,
        sizes=dict(job.sizes),
        catalog=catalog,
        track_truth=job.track_truth,
    )
    return list(sim)


def same(remote: list[Event], here: list[Event]) -> None:
    assert len(remote) == len(here)
    for r, h in zip(remote, here, strict=True):
        assert r.body() == h.body()
        assert (r.name, r.keys, r.seq, r.center_id) == (h.name, h.keys, h.seq, h.center_id)
        assert r.payload == {k: v for k, v in h.payload.items() if k != "data"}


def gone(pid: int) -> bool:
    """True once ``pid`` has exited (a zombie counts: it runs no more)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_the_child_streams_the_same_events_as_an_in_process_simulation() -> None:
    job = SimulationJob("day-in-the-life", "7", events=3 * BATCH + 17, renames=RENAMES)
    with RemoteSimulation(job) as remote:
        events = list(remote)
    here = local(job)
    same(events, here)
    assert any(e.payload["event_type"] == "Appointment.Start" for e in events)


def test_skip_drops_the_first_events_in_the_child() -> None:
    job = SimulationJob("soak", "3", events=900, sizes={"centers": 2})
    with RemoteSimulation(job) as remote:
        remote.skip(600)
        rest = list(remote)
    same(rest, local(job)[600:])
    with RemoteSimulation(job) as remote:
        remote.skip(5_000)  # past the end: nothing left
        assert list(remote) == []


def test_skip_after_reading_is_refused() -> None:
    with RemoteSimulation(SimulationJob("soak", "1", events=10)) as remote:
        next(remote)
        with pytest.raises(RuntimeError, match="before the first event"):
            remote.skip(1)


def test_truth_comes_back_after_the_last_event() -> None:
    job = SimulationJob("class-lifecycle", "4", track_truth=True)
    remote = RemoteSimulation(job)
    with pytest.raises(Exception, match="not finished"):
        remote.expected()
    events = list(remote)
    sim = load_scenario("class-lifecycle").simulate("4", track_truth=True)
    assert [e.body() for e in events] == [e.body() for e in sim]
    assert remote.expected() == sim.expected()


def test_a_user_error_in_the_child_is_raised_as_itself() -> None:
    remote = RemoteSimulation(SimulationJob("no-such-scenario", "1"))
    with pytest.raises(ScenarioError, match="no-such-scenario"):
        next(remote)
    assert wait_until(lambda: gone(remote.pid), timeout=20, what="the child to exit")


def test_a_child_that_dies_is_reported_not_waited_for() -> None:
    remote = RemoteSimulation(SimulationJob("soak", "1", events=1_000_000))
    next(remote)
    os.kill(remote.pid, signal.SIGKILL)
    with pytest.raises(SimulationProcessError, match="exited unexpectedly"):
        for _ in remote:
            pass


class _Broken(SimulationJob):
    def simulate(self) -> object:
        raise ValueError("the world fell over")


def test_a_bug_in_the_child_is_sent_back_with_its_traceback() -> None:
    job = pickle.dumps(_Broken("soak", "1"))
    inp = io.BytesIO(len(job).to_bytes(8, "big") + job + (0).to_bytes(8, "big"))
    out = io.BytesIO()
    assert serve(inp, out) == 1
    frame = out.getvalue()
    assert frame[:1] == b"X"
    shipped, name, message, text = pickle.loads(frame[9:])
    assert isinstance(shipped, ValueError) and name == "ValueError"
    assert message == "the world fell over" and "Traceback" in text


def test_close_stops_the_child_early() -> None:
    remote = RemoteSimulation(SimulationJob("soak", "1", events=1_000_000))
    next(remote)
    remote.close()
    assert gone(remote.pid)
    assert list(remote) == []


def test_the_child_never_outlives_a_killed_parent(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(
        textwrap.dedent("""
        import sys, time
        from mockzenoti.scenarios.offload import SimulationJob, RemoteSimulation
        remote = RemoteSimulation(SimulationJob("soak", "1", events=10_000_000))
        next(remote)
        print(remote.pid, flush=True)
        time.sleep(120)
    """)
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert not gone(child)
        parent.kill()
        parent.wait(10)
        assert wait_until(lambda: gone(child), timeout=20, what="the orphaned child to exit")
    finally:
        if parent.poll() is None:  # pragma: no cover - only when the test already failed
            parent.kill()
            parent.wait(10)
        if parent.stdout is not None:
            parent.stdout.close()


def test_ready_says_when_next_will_not_wait_for_the_child() -> None:
    import select

    job = SimulationJob("soak", "2", events=2 * BATCH + 5)
    with RemoteSimulation(job) as remote:
        events = []
        while True:
            if not remote.ready():  # wait the way an event loop would: for the pipe
                assert select.select([remote.fileno()], [], [], 20.0)[0]
                continue
            event = next(remote, None)
            if event is None:
                break
            events.append(event)
        assert remote.ready()  # the end is at hand too
    same(events, local(job))
