"""The README's REST session runs as written and prints what the README shows.

The block under "Zenoti's REST API" is replayed with curl against a server
on a free port (the README's ``8765`` is replaced by it): every ``$`` line
runs in a shell, and each line shown under it must match the real output
line, ``...`` standing for any text. Waits a person does by reading (the run
finishing, a webhook being delivered) are waited for here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_thread import ServerThread

from mockzenoti.testing.waiting import wait_until

REPO = Path(__file__).resolve().parents[2]
HEADING = "## Zenoti's REST API, agreeing with the webhooks"


def session() -> list[tuple[str, list[str]]]:
    """(command, shown lines) of the README's REST block."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text[text.index(HEADING) :].split("```\n", 2)[1]
    out: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], []))
        elif out:
            out[-1][1].append(line)
    return out


def pattern(shown: str) -> re.Pattern[str]:
    """A shown line as a pattern: ``...`` is any text."""
    return re.compile(".*".join(re.escape(part) for part in shown.split("...")))


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with ServerThread() as server:
        yield server.port


def _done(port: int) -> bool:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/runs/1", timeout=10) as answer:
        return bool(json.loads(answer.read())["state"] == "done")


@pytest.mark.skipif(shutil.which("curl") is None, reason="the README's session uses curl")
def test_the_readme_rest_session_prints_what_it_shows(port: int) -> None:
    steps = session()
    assert len(steps) >= 6 and any("/v1/" in command for command, _ in steps)
    for command, shown in steps:
        real = command.replace("8765", str(port))
        expected = [pattern(line.replace("8765", str(port))) for line in shown]

        def matches(real: str = real, expected: list[re.Pattern[str]] = expected) -> bool:
            done = subprocess.run(
                ["bash", "-c", real], capture_output=True, text=True, timeout=30, check=False
            )
            lines = done.stdout.splitlines()
            return len(lines) == len(expected) and all(
                p.fullmatch(line) for p, line in zip(expected, lines, strict=True)
            )

        # a read may come before the run has delivered what it shows: retry (bounded)
        wait_until(matches, timeout=20, every=0.2, what=f"`{command}` to print {shown}")
        if "/runs -d" in command:
            wait_until(lambda: _done(port), timeout=30, what="the README's run to finish")
