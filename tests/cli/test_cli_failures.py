"""Failures visible while they happen: progress lines name each failing target's last error
and its next retry; the first attempts to a target all failing give one warning with a hint;
piling timeouts point at --timeout and --concurrency; ``emit`` says each attempt and wait."""

from __future__ import annotations

import io
import socket
from typing import Any

from cli_support import invoke

from mockzenoti.cli.hints import hint, short_error
from mockzenoti.cli.progress import Progress
from mockzenoti.delivery.observe import Metrics

URL = "http://127.0.0.1:9/"
REFUSED = "connection refused: [Errno 111] Connection refused"


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


class Clocks:
    """A monotonic clock and a wall clock the test moves."""

    def __init__(self) -> None:
        self.mono = 100.0
        self.wall = 1_700_000_000.0


def shown(mode: str, **extra: Any) -> tuple[Progress, Metrics, Clocks, io.StringIO]:
    metrics, clocks, out = Metrics(), Clocks(), io.StringIO()
    progress = Progress(
        metrics,
        mode=mode,
        stream=out,
        total=lambda: 100,  # type: ignore[arg-type]
        clock=lambda: clocks.mono,
        wall=lambda: clocks.wall,
        width=200,
        urls={"t": URL},
        **extra,
    )
    return progress, metrics, clocks, out


def refused(metrics: Metrics, clocks: Clocks, n: int, retry_in: float | None = 42.0) -> None:
    for _ in range(n):
        metrics.health("t").answered("connection", None, REFUSED, clocks.wall)
        metrics.states["retrying"] += 1
        if retry_in is not None:
            metrics.health("t").retry_at(clocks.wall + retry_in, clocks.wall)


def test_plain_lines_name_the_last_error_and_the_next_retry() -> None:
    progress, metrics, clocks, _ = shown("lines")
    refused(metrics, clocks, 2)
    line = progress.plain_line(progress.snapshot())
    assert line.endswith(f"| {URL}: connection refused, next retry in 0:42")
    clocks.wall += 50  # the retry's time has come: it is due (or under way)
    assert progress.plain_line(progress.snapshot()).endswith(
        f"| {URL}: connection refused, retry due now"
    )
    metrics.health("t").answered("success", 200, None, clocks.wall)
    assert " | " not in progress.plain_line(progress.snapshot())  # delivered again: no problem


def test_the_bar_names_the_failing_target_too() -> None:
    progress, metrics, clocks, _ = shown("bar")
    refused(metrics, clocks, 1, retry_in=75)
    assert progress.bar_line(progress.snapshot()).endswith(
        f"{URL}: connection refused, next retry in 1:15"
    )


def test_one_warning_once_the_first_attempts_all_fail() -> None:
    progress, metrics, clocks, out = shown("lines")
    refused(metrics, clocks, 2)
    assert progress.warnings() == []  # two failures: not yet
    refused(metrics, clocks, 1)
    warning = (
        f"warning: the first 3 attempts to {URL} failed: connection refused: "
        "is anything listening on 127.0.0.1:9?"
    )
    assert progress.warnings() == [warning]
    refused(metrics, clocks, 5)
    assert progress.warnings() == []  # once
    progress.tick()
    assert "warning" not in out.getvalue()  # already taken by warnings() above


def test_a_target_that_delivered_gets_no_warning() -> None:
    progress, metrics, clocks, _ = shown("lines")
    metrics.health("t").answered("success", 200, None, clocks.wall)
    refused(metrics, clocks, 5)
    assert progress.warnings() == []


def test_piling_timeouts_point_at_timeout_and_concurrency() -> None:
    progress, metrics, clocks, _ = shown("lines", timeout=10.0, concurrency=64)
    health = metrics.health("t")
    for n in range(20):
        health.answered("success", 200, None, clocks.wall)
        if n % 4 == 0:
            health.answered("timeout", None, "timed out", clocks.wall)
    assert progress.warnings() == [
        "warning: 5 of 25 attempts timed out (--timeout 10s): the receiver is slow with 64 "
        "requests at once; try a smaller --concurrency or a longer --timeout"
    ]


def test_hints_name_what_to_check() -> None:
    assert short_error(REFUSED) == "connection refused"
    assert hint("https://127.0.0.1:8443/x", "certificate not trusted: self-signed") == (
        "give its CA with --ca-cert FILE (or SSL_CERT_FILE), or --insecure"
    )
    assert "--secret" in hint(URL, "HTTP 401") and "path" in hint(URL, "HTTP 404")
    assert "final URL" in hint(URL, "HTTP 302") and "--timeout" in hint(URL, "timed out")
    assert hint("http://[::1]:8000/", REFUSED) == "is anything listening on [::1]:8000?"


def test_a_dead_url_warns_in_plain_output() -> None:
    port = closed_port()
    url = f"http://127.0.0.1:{port}/hook"
    result = invoke(
        "run",
        "class-lifecycle",
        "--events",
        "5",
        "--url",
        url,
        "--retry",
        "none",
        "--progress",
        "lines",
        "--outbox",
        ":memory:",
    )
    assert result.exit_code == 1
    # said once 3 attempts failed: as many as had failed when progress looked (3 to 5)
    warned = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warned in (
        [
            f"warning: the first {n} attempts to {url} failed: connection refused: "
            f"is anything listening on 127.0.0.1:{port}?"
        ]
        for n in (3, 4, 5)
    ), result.stderr
    assert "\x1b" not in result.stderr


def test_emit_says_each_attempt_and_each_wait() -> None:
    port = closed_port()
    url = f"http://127.0.0.1:{port}/"
    result = invoke(
        "emit", "Guest.Created", "--url", url, "--retry", "10ms,20ms", "--outbox", ":memory:"
    )
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    attempts = [line for line in lines if line.startswith("  attempt ")]
    waits = [line for line in lines if line.startswith("  waiting ")]
    assert len(attempts) == 3 and all("connection refused" in a for a in attempts)
    assert [w.split(" (until")[0] for w in waits] == [
        "  waiting 10 ms before attempt 2",
        "  waiting 20 ms before attempt 3",
    ]
    assert (
        lines.count(
            f"warning: the first attempt to {url} failed: connection refused: "
            f"is anything listening on 127.0.0.1:{port}?"
        )
        == 1
    )
