"""``mockzenoti demo`` as a real process: the URL first, a summary, clean stops; its parts."""

from __future__ import annotations

import asyncio
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import pytest
import requests
from aiohttp import web
from cli_support import command, run_process, subprocess_env

from mockzenoti.catalog import load_catalog
from mockzenoti.cli import _demo
from mockzenoti.cli._demo import Demo, DemoOptions, Plan, plan
from mockzenoti.cli._demo_report import render
from mockzenoti.testing.waiting import wait_until

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")

URL = re.compile(r"^mockzenoti demo: open (http://127\.0\.0\.1:\d+)/ to watch$")
EVENTS = plan("1", load_catalog()).events  # day-in-the-life, seed 1 (1,253 today)


def start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    """``mockzenoti demo ARGS`` in the background (plain progress lines)."""
    return subprocess.Popen(
        command("demo", "--port", "0", "--progress", "lines", *args),
        cwd=cwd,
        env=subprocess_env(),
        text=True,
        bufsize=1,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


class Lines:
    """A process's stdout lines, read by a thread (so none waits in a buffer unseen)."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.proc = proc
        stream = proc.stdout
        assert stream is not None
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Once the process is gone: let the reader reach the end, close the pipes."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.thread.join(10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.queue.put(line.rstrip("\n"))
        self.queue.put(None)  # the end

    def next(self, timeout: float = 60) -> str | None:
        """The next line (None at the end); fails after ``timeout`` seconds."""
        try:
            line = self.queue.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no line within {timeout}s; so far: {self.seen}") from None
        if line is not None:
            self.seen.append(line)
        return line

    def rest(self) -> str:
        """Every line after those read, once the process has ended."""
        out = []
        while (line := self.next()) is not None:
            out.append(line)
        return "\n".join(out)


def test_the_demo_prints_the_url_then_a_summary_and_exits_0(tmp_path: Path) -> None:
    done = run_process(
        "demo",
        "--seconds",
        "3",
        "--port",
        "0",
        "--progress",
        "lines",
        "--no-linger",
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert URL.match(lines[0]), lines[0]
    assert f"day-in-the-life, seed 1: {EVENTS:,} events" in lines[1]
    assert "answers 503 to the first attempt of 20% of events" in done.stdout
    summary = lines[lines.index(f"demo finished: all {EVENTS:,} deliveries delivered") :]
    table = dict(re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in summary[1:])
    assert table["deliveries"] == f"{EVENTS:,} delivered · 0 retrying · 0 dead · 0 held"
    attempts = re.fullmatch(rf"([\d,]+): {EVENTS:,} success, (\d+) server_error", table["attempts"])
    assert attempts is not None, table["attempts"]
    failed = int(attempts.group(2))
    assert 0.1 * EVENTS < failed < 0.3 * EVENTS  # about a fifth failed first
    assert table["retries"] == (
        f"{failed} events had their first attempt refused on purpose "
        "(503); a retry delivered all of them"
    )
    assert table["receiver"] == (
        f"{EVENTS + failed:,} requests: {EVENTS:,} distinct events, 0 duplicates, 0 bad signatures"
    )
    assert table["latency"].startswith("p50 ")
    assert table["live page"] == "closed with the server (--no-linger)"
    assert "done 100%" in done.stderr and "\x1b" not in done.stderr


def test_ctrl_c_stops_the_run_delivers_what_was_accepted_and_sums_up(tmp_path: Path) -> None:
    proc = start("--seconds", "60", cwd=tmp_path)
    lines = Lines(proc)
    try:
        match = URL.match(lines.next() or "")
        assert match is not None
        base = match.group(1)
        page = requests.get(base + "/", timeout=10)  # the live page is up during the run
        assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]

        def accepted() -> bool:
            run = requests.get(base + "/runs/1", timeout=10)
            return run.status_code == 200 and run.json()["accepted"] >= 20

        wait_until(accepted, timeout=60, every=0.05, what="the demo to accept events")
        rest = next(line for line in iter(lines.next, None) if line.startswith("  REST"))
        key = re.search(r"apikey ([0-9a-f]{32})'", rest)
        assert key is not None and f"{base}/v1/" in rest, rest
        assert requests.get(base + "/runs/1", timeout=10).json()["api_key"] == key.group(1)
        centers = requests.get(
            base + "/v1/centers", headers={"Authorization": f"apikey {key.group(1)}"}, timeout=10
        )
        assert centers.status_code == 200 and centers.json()["centers"]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
        out = lines.rest()
        err = proc.stderr.read() if proc.stderr else ""
    finally:
        lines.close()
    assert "stopping: no new events; delivering those accepted" in err
    head = re.search(
        rf"^demo stopped after (\d+) of {EVENTS:,} events: all (\d+) deliveries delivered$",
        out,
        re.MULTILINE,
    )
    assert head is not None, out
    assert 20 <= int(head.group(1)) < EVENTS and head.group(1) == head.group(2)


def test_the_page_stays_up_after_the_run_until_ctrl_c(tmp_path: Path) -> None:
    proc = start("--seconds", "1", "--fail-share", "0", cwd=tmp_path)
    lines = Lines(proc)
    try:
        match = URL.match(lines.next() or "")
        assert match is not None
        while True:
            line = lines.next()
            assert line is not None, "the demo ended without lingering"
            if "the server stays up" in line:
                break
        health = requests.get(match.group(1) + "/health", timeout=10)
        assert health.status_code == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
        err = proc.stderr.read() if proc.stderr else ""
    finally:
        lines.close()
    out = "\n".join(lines.seen)
    assert "stopping the server" in err
    assert f"demo finished: all {EVENTS:,} deliveries delivered" in out and "live page" not in out


def test_a_port_given_that_is_taken_is_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_process("demo", "--port", str(port), cwd=tmp_path, timeout=120)
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}: in use [--port]" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.asyncio
async def test_the_default_port_taken_means_a_free_one(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        options = DemoOptions(
            seconds=1,
            seed="1",
            host="127.0.0.1",
            port=port,
            port_given=False,
            fail_share=0.2,
            linger=False,
            progress="none",
            catalog=load_catalog(),
        )
        runner = web.AppRunner(web.Application())
        await runner.setup()
        try:
            got = await Demo(options)._listen(runner)
        finally:
            await runner.cleanup()
    assert got != port and got > 0
    assert (
        f"port {port} is in use: the demo listens on a free port instead" in capsys.readouterr().err
    )


@pytest.mark.asyncio
async def test_a_second_signal_quits_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    codes: list[int] = []
    monkeypatch.setattr(_demo.os, "_exit", codes.append)
    signals = _demo._Signals()
    signals._on_signal()
    assert signals.first.is_set() and codes == []
    signals._on_signal()
    assert codes == [1]
    await asyncio.sleep(0)


def test_the_plan_paces_the_simulated_day_into_the_seconds_asked() -> None:
    day = plan("1", load_catalog())
    # one region's business day, from the first opening to the last closing
    assert day.events == EVENTS and 10 * 3600 < day.simulated < 30 * 3600
    assert day.pace(30) == pytest.approx(day.simulated / 30)
    assert Plan(10, 0).pace(30) == 1.0 and Plan(10, 1e12).pace(1) == 1_000_000.0


def test_the_summary_names_what_is_left_undelivered() -> None:
    report = {
        "ok": False,
        "stopped": False,
        "planned": 10,
        "accepted": 10,
        "duration_s": 2.0,
        "counts": {"delivered": 8, "dead": 2, "held": 0},
        "attempts": {"success": 8},
        "latency_ms": {"p50": 1.0},
        "failed_first": 0,
        "fixed_by_retry": 0,
        "fail_status": 503,
        "receiver": {"calls": 8, "unique_events": 8, "duplicates": 0, "bad_signatures": 0},
        "linger": True,
    }
    lines = render(report)
    assert lines[0] == "demo finished with 2 dead"
    assert "  deliveries  8 delivered · 0 retrying · 2 dead · 0 held" in lines
    assert not any("live page" in line for line in lines)
    stopped = render(report | {"stopped": True, "accepted": 4})
    assert stopped[0] == "demo stopped after 4 of 10 events with 2 dead"
