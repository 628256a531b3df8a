"""``mockzenoti serve``: with click's runner, and as a real process stopped by a signal."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from mockzenoti.cli import cli
from mockzenoti.scenarios import load_scenario
from mockzenoti.sink import Sink
from mockzenoti.testing.waiting import wait_until

URL = re.compile(r"serving on (http://127\.0\.0\.1:\d+)")


@contextmanager
def serving(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, own_outbox: bool = True
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``mockzenoti serve --port 0`` in a child process in ``tmp_path``; yields it and its URL."""
    command = [sys.executable, "-m", "mockzenoti", "serve", "--port", "0", *args]
    if own_outbox and "--outbox" not in args:
        command += ["--outbox", str(tmp_path / "outbox.sqlite")]
    child = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=tmp_path,
    )
    try:
        found: list[str] = []
        stdout, stderr = child.stdout, child.stderr
        assert stdout is not None and stderr is not None
        reader = threading.Thread(target=lambda: found.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(30)
        match = URL.search(found[0]) if found else None
        if match is None:
            child.kill()
            raise AssertionError(f"no URL printed: {found!r}; stderr: {stderr.read()}")
        yield child, match.group(1)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()


def wait_healthy(url: str) -> None:
    def healthy() -> bool:
        try:
            return requests.get(url + "/health", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    wait_until(healthy, timeout=20, every=0.05, what="the server to become healthy")


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_serve_runs_until_a_signal_and_exits_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    with serving(tmp_path) as (child, url):
        wait_healthy(url)
        made = requests.post(url + "/targets", json={"url": url + "/sink/a", "id": "a"}, timeout=5)
        assert made.status_code == 201
        sent = requests.post(url + "/events", json={"event_type": "Guest.Created"}, timeout=5)
        assert sent.status_code == 201
        child.send_signal(sig)
        _, err = child.communicate(timeout=30)
        assert child.returncode == 0, err
        assert "Traceback" not in err and "mockzenoti stopped" in err
    # what it stored is there for the next one
    with serving(tmp_path) as (child, url):
        wait_healthy(url)
        targets = requests.get(url + "/targets", timeout=5).json()["items"]
        assert [t["id"] for t in targets] == ["a"]
        child.send_signal(signal.SIGINT)
        child.communicate(timeout=30)
        assert child.returncode == 0


@pytest.mark.slow
def test_the_token_comes_from_the_environment(tmp_path: Path) -> None:
    with serving(tmp_path, env={"MOCKZENOTI_TOKEN": "t0ken"}) as (child, url):
        wait_healthy(url)
        assert requests.get(url + "/targets", timeout=5).status_code == 401
        good = requests.get(url + "/targets", headers={"Authorization": "Bearer t0ken"}, timeout=5)
        assert good.status_code == 200
        child.send_signal(signal.SIGINT)
        child.communicate(timeout=30)


@pytest.mark.slow
def test_a_second_server_on_the_same_outbox_is_refused(tmp_path: Path) -> None:
    with serving(tmp_path) as (child, url):
        wait_healthy(url)
        second = subprocess.run(
            [
                sys.executable,
                "-m",
                "mockzenoti",
                "serve",
                "--port",
                "0",
                "--outbox",
                str(tmp_path / "outbox.sqlite"),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 2 and "in use" in second.stderr
        assert "Traceback" not in second.stderr
        child.send_signal(signal.SIGINT)
        child.communicate(timeout=30)


def test_a_port_in_use_is_exit_code_2_naming_the_port(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            cli, ["serve", "--port", str(port), "--outbox", str(tmp_path / "o.sqlite")]
        )
    assert result.exit_code == 2, result.output
    assert "in use" in result.output and "[port]" in result.output


def test_serve_help_and_bad_options() -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["--help"])
    assert "serve" in listed.output
    shown = runner.invoke(cli, ["serve", "--help"])
    assert shown.exit_code == 0
    for option in ("--host", "--port", "--outbox", "--token", "--config"):
        assert option in shown.output
    bad = runner.invoke(cli, ["serve", "--port", "eighty"])
    assert bad.exit_code == 2 and "--port" in bad.output
    missing = runner.invoke(cli, ["serve", "--config", "/nonexistent/mockzenoti.toml"])
    assert missing.exit_code == 2 and "does not exist" in missing.output


class _SinkThread:
    """A sink outside the server (in a thread of the test process): it outlives a kill."""

    def __init__(self, **settings: Any) -> None:
        self.sink = Sink(**settings)
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self.url = self._loop.run_until_complete(self.sink.start())
        self._started.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self.sink.stop())
        self._loop.close()

    def __enter__(self) -> _SinkThread:
        self._thread.start()
        assert self._started.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


@pytest.mark.slow
def test_a_run_survives_a_killed_server(tmp_path: Path) -> None:
    with _SinkThread(latency=0.03) as outside:
        args = ("--concurrency", "2")
        with serving(tmp_path, *args) as (child, url):
            wait_healthy(url)
            target = {"id": "a", "url": outside.url, "retry": "fast"}
            requests.post(url + "/targets", json=target, timeout=5)
            body = {"scenario": "class-lifecycle", "seed": 2, "events": 60}
            run = requests.post(url + "/runs", json=body, timeout=30).json()
            wait_until(lambda: outside.sink.call_count >= 10, timeout=30, what="ten requests")
            child.kill()  # no graceful stop: SIGKILL
            child.wait(10)
        with serving(tmp_path, *args) as (child, url):
            wait_healthy(url)

            def finished() -> dict[str, Any] | None:
                got: dict[str, Any] = requests.get(f"{url}/runs/{run['id']}", timeout=5).json()
                return got if got["state"] != "running" else None

            got = wait_until(finished, timeout=60, every=0.05, what="the resumed run to finish")
            child.send_signal(signal.SIGINT)
            child.communicate(timeout=30)
            assert child.returncode == 0
        calls = list(outside.sink.calls)
    assert got["state"] == "done" and got["resumed"] is True
    assert got["accepted"] == 60 and got["counts"]["delivered"] == 60
    sim = load_scenario("class-lifecycle").simulate(2, events=60)
    assert {c.event_id for c in calls} == {e.event_id for e in sim}  # every event arrived
    twice = len(calls) - 60  # those in flight at the kill may come twice, and are counted
    assert 0 <= twice <= got["possible_duplicates"]


@pytest.mark.slow
def test_serve_and_run_keep_apart_outboxes_by_default(tmp_path: Path) -> None:
    with serving(tmp_path, own_outbox=False) as (child, url):
        wait_healthy(url)
        ran = subprocess.run(
            [
                sys.executable,
                "-m",
                "mockzenoti",
                "run",
                "class-lifecycle",
                "--events",
                "5",
                "--url",
                url + "/sink/side",
                "--retry",
                "none",
                "-q",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert ran.returncode == 0, ran.stderr
        assert requests.get(url + "/targets", timeout=5).json()["items"] == []
        child.send_signal(signal.SIGINT)
        assert child.wait(30) == 0
    assert (tmp_path / ".mockzenoti" / "server.sqlite").is_file()
    assert (tmp_path / ".mockzenoti" / "outbox.sqlite").is_file()


@pytest.mark.slow
def test_serve_prints_each_runs_rest_key_and_takes_zenotis_rate_limit(tmp_path: Path) -> None:
    with serving(tmp_path, "--rest-rate-limit") as (child, url):
        wait_healthy(url)
        requests.post(url + "/targets", json={"url": url + "/sink/a", "id": "a"}, timeout=5)
        made = requests.post(
            url + "/runs",
            json={"scenario": "appointment-lifecycle", "seed": 7, "events": 5},
            timeout=10,
        ).json()
        assert made["rest_rate_limit"] == 60  # Zenoti's, the option's value alone
        stdout = child.stdout
        assert stdout is not None
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(30)
        assert lines == [
            f"run {made['id']} (appointment-lifecycle, seed 7): Zenoti REST API at {url}/v1/ "
            f"with 'Authorization: apikey {made['api_key']}'\n"
        ]
        centers = requests.get(
            url + "/v1/centers", headers={"Authorization": f"apikey {made['api_key']}"}, timeout=10
        )
        assert centers.status_code == 200
        assert centers.headers["Organization-RateLimit-Limit"] == "60;w=60;b=60"
        child.send_signal(signal.SIGINT)
        child.communicate(timeout=30)
        assert child.returncode == 0
