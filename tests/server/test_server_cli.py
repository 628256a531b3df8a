"""``mockzenoti serve``: with click's runner, and as a real process stopped by a signal."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from mockzenoti.cli import cli

URL = re.compile(r"serving on (http://127\.0\.0\.1:\d+)")


@contextmanager
def serving(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``mockzenoti serve --port 0`` in a child process; yields it and its URL."""
    command = [sys.executable, "-m", "mockzenoti", "serve", "--port", "0", *args]
    if "--outbox" not in args:
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


def wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            if requests.get(url + "/health", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, "the server never became healthy"
        time.sleep(0.05)


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
