"""``mockzenoti run --live [HOST:]PORT``: the run's live page and read-only API while it runs."""

from __future__ import annotations

import queue
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import pytest
import requests
from cli_support import ThreadSink, command, invoke, subprocess_env

from mockzenoti.testing.waiting import wait_until

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")


class Lines:
    """A stream's lines, read by a thread; ``until(text)`` waits for a line containing it."""

    def __init__(self, stream: IO[str]) -> None:
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        with stream:  # closed at its end
            for line in stream:
                self.queue.put(line.rstrip("\n"))
        self.queue.put(None)

    def until(self, text: str, timeout: float = 60) -> str:
        """The first line from here on that contains ``text``."""
        while True:
            line = self.queue.get(timeout=timeout)
            assert line is not None, f"ended without {text!r}:\n" + "\n".join(self.seen)
            self.seen.append(line)
            if text in line:
                return line


def _live_run(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    """``mockzenoti run ARGS --live 127.0.0.1:0 --linger`` in the background, plain lines."""
    return subprocess.Popen(
        command("run", *args, "--live", "127.0.0.1:0", "--linger", "--progress", "lines"),
        cwd=tmp_path,
        env=subprocess_env(),
        text=True,
        bufsize=1,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_a_run_serves_its_live_page_and_read_only_api(tmp_path: Path) -> None:
    sink = ThreadSink(latency=0.05)  # 30 events one at a time: the run lasts about 1.5 s
    proc = _live_run(
        tmp_path,
        "class-lifecycle",
        "--seed",
        "3",
        "--events",
        "30",
        "--url",
        sink.url,
        "--concurrency",
        "1",
    )
    try:
        assert proc.stderr is not None and proc.stdout is not None
        err = Lines(proc.stderr)
        line = err.until("live page: ")
        base = line.split("live page: ", 1)[1].split("/;", 1)[0]
        assert base.startswith("http://127.0.0.1:")
        # while the run delivers: it is running, and the API reads the same outbox
        runs = wait_until(  # the run's row comes with its first events
            lambda: requests.get(base + "/runs", timeout=10).json()["items"],
            timeout=30,
            every=0.02,
            what="the run in GET /runs",
        )
        (run,) = runs
        assert (run["state"], run["scenario"], run["seed"]) == ("running", "class-lifecycle", "3")
        assert requests.get(base + "/health", timeout=10).json()["read_only"] is True
        refused = requests.post(base + "/runs", json={"scenario": "soak"}, timeout=10)
        assert refused.status_code == 405 and refused.json()["error"]["code"] == "read_only"
        assert "text/html" in requests.get(base + "/", timeout=10).headers["Content-Type"]

        err.until("the live page stays up at")  # the summary is printed first
        done = requests.get(base + "/runs/1", timeout=10).json()
        assert done["state"] == "done" and done["counts"]["delivered"] == 30
        listed = requests.get(base + "/deliveries?limit=5", timeout=10).json()
        assert listed["total"] == 30
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
        with proc.stdout:
            out = proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        sink.close()
    assert "run 1 finished: all 30 deliveries delivered" in out
    err.until("stopping the live page")


def test_without_linger_the_page_closes_with_the_run(tmp_path: Path, sink: ThreadSink) -> None:
    done = subprocess.run(
        command("run", "class-lifecycle", "--events", "5", "--url", sink.url, "--live", "0"),
        cwd=tmp_path,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "live page: http://127.0.0.1:" in done.stderr and "stays up" not in done.stderr


def test_live_options_are_checked(sink: ThreadSink) -> None:
    alone = invoke("run", "class-lifecycle", "--url", sink.url, "--linger")
    assert alone.exit_code == 2 and "--linger" in alone.output and "needs --live" in alone.output
    rate = invoke("run", "class-lifecycle", "--url", sink.url, "--rest-rate-limit", "5")
    assert rate.exit_code == 2 and "--rest-rate-limit" in rate.output
    assert "needs --live" in rate.output
    bad = invoke("run", "class-lifecycle", "--url", sink.url, "--live", "localhost:http")
    assert bad.exit_code == 2 and "is not [HOST:]PORT" in bad.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = invoke(
            "run",
            "class-lifecycle",
            "--events",
            "1",
            "--url",
            sink.url,
            "--live",
            str(port),
            "--outbox",
            ":memory:",
        )
    assert busy.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}: in use [--live]" in busy.output
    assert sink.calls == []  # refused before anything was sent


def test_a_live_run_answers_zenotis_rest_reads_and_refuses_its_writes(tmp_path: Path) -> None:
    sink = ThreadSink()
    proc = _live_run(
        tmp_path,
        "appointment-lifecycle",
        "--seed",
        "7",
        "--events",
        "40",
        "--url",
        sink.url,
        "--rest-rate-limit",
    )
    try:
        assert proc.stderr is not None and proc.stdout is not None
        err = Lines(proc.stderr)
        base = err.until("live page: ").split("live page: ", 1)[1].split("/;", 1)[0]
        rest = err.until("Zenoti REST API (reads): ")
        assert f"{base}/v1/ with 'Authorization: apikey " in rest
        key = rest.rsplit("apikey ", 1)[1].rstrip("'")
        err.until("the live page stays up at")
        headers = {"Authorization": f"apikey {key}"}
        created = next(
            c.json["data"]
            for c in sink.sink.calls
            if c.json is not None and c.json["event_type"] == "AppointmentGroup.Created"
        )
        appointment = created["appointments"][0]
        answer = requests.get(
            f"{base}/v1/appointments/{appointment['id']}", headers=headers, timeout=10
        )
        assert answer.status_code == 200
        assert answer.headers["Organization-RateLimit-Limit"] == "60;w=60;b=60"
        [shown] = answer.json()
        assert shown["appointment_group_id"] == created["appointment_group_id"]
        assert shown["start_time"] == appointment["start_time_in_center"]
        denied = requests.get(f"{base}/v1/centers", timeout=10)
        assert denied.status_code == 401
        write = requests.put(
            f"{base}/v1/invoices/{created['invoice_id']}/cancel", headers=headers, timeout=10
        )
        assert write.status_code == 405 and write.json()["error"]["code"] == "read_only"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
        with proc.stdout:
            proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        sink.close()
