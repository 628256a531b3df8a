"""Without the optional compiled speed-ups (orjson, uvloop) mockzenoti works the same.

A directory on ``PYTHONPATH`` holds ``orjson.py`` and ``uvloop.py`` that
raise ``ImportError``, so the command and every process it starts (the
world's helper process included) take the pure-Python paths: the stdlib
``json`` encoder and asyncio's own loop. The bytes must not change.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_support import ROOT

BLOCKED = ("orjson", "uvloop")


def mockzenoti(
    *args: str, cwd: Path, blocked: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m mockzenoti ARGS``; with ``blocked``, orjson and uvloop cannot be imported."""
    env = dict(os.environ)
    if blocked is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(blocked), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "mockzenoti", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def blocked(tmp_path: Path) -> Path:
    """A directory whose ``orjson`` and ``uvloop`` modules refuse to import."""
    path = tmp_path / "blocked"
    path.mkdir()
    for name in BLOCKED:
        (path / f"{name}.py").write_text(f"raise ImportError('{name} blocked for this test')\n")
    return path


def test_the_fallbacks_are_really_taken(blocked: Path, tmp_path: Path) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", "from mockzenoti import jsonfast; print(jsonfast.BACKEND)"],
        env={**os.environ, "PYTHONPATH": str(blocked)},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert probe.stdout.strip() == "json", probe.stderr


@pytest.mark.slow
def test_simulate_writes_the_same_bytes_with_the_stdlib_encoder(
    blocked: Path, tmp_path: Path
) -> None:
    args = ("simulate", "day-in-the-life", "--seed", "3", "--events", "3000")
    fast = mockzenoti(*args, "--expect", "fast.json", cwd=tmp_path)
    plain = mockzenoti(*args, "--expect", "plain.json", cwd=tmp_path, blocked=blocked)
    assert fast.returncode == plain.returncode == 0, plain.stderr
    assert plain.stdout == fast.stdout and fast.stdout.count("\n") == 3000
    assert (tmp_path / "plain.json").read_bytes() == (tmp_path / "fast.json").read_bytes()


@pytest.mark.slow
def test_run_delivers_on_asyncio_and_the_stdlib_encoder(
    blocked: Path, tmp_path: Path, sink_factory: Any
) -> None:
    sink = sink_factory(secrets=("s3cret",), fail_first=1)
    ran = mockzenoti(
        "run",
        "class-lifecycle",
        "--seed",
        "5",
        "--events",
        "40",
        "--url",
        sink.url,
        "--secret",
        "s3cret",
        "--retry",
        "fast",
        "--offload",
        "on",
        "--outbox",
        ":memory:",
        "-q",
        cwd=tmp_path,
        blocked=blocked,
    )
    assert ran.returncode == 0, ran.stderr
    expected = mockzenoti(
        "simulate", "class-lifecycle", "--seed", "5", "--events", "40", cwd=tmp_path
    ).stdout.splitlines()
    accepted = [call for call in sink.calls if call.status == 200]
    assert len(accepted) == 40 and len(sink.calls) == 80  # each refused once, then delivered
    assert sorted(c.body for c in accepted) == sorted(line.encode() for line in expected)
    assert all(c.signature_ok for c in sink.calls)
