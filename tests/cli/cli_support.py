"""Helpers for the delivering commands' tests: a sink in a thread, the CLI in and out of process.

The commands run their own event loop (``mockzenoti.delivery.run``), so the
sink they deliver to runs on another loop in a background thread;
``ThreadSink`` hands its waits over to that loop (no polling, no sleeping).
"""

from __future__ import annotations

import asyncio
import os
import ssl
import subprocess
import sys
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from click.testing import CliRunner, Result

from mockzenoti.cli import cli
from mockzenoti.sink import Sink, SinkCall, SinkSettings

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]


class ThreadSink:
    """A ``Sink`` served from a background thread's event loop."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None, **settings: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

        async def make() -> Sink:
            return Sink(SinkSettings(**settings))

        self.sink = self.call(make())
        self.url = self.call(self.sink.start(ssl_context=ssl_context))

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run ``coro`` on the sink's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def wait_for(self, n: int, *, timeout: float = 30, accepted: bool = False) -> None:
        """Return once ``n`` requests arrived (``accepted``: answered 2xx)."""
        self.call(self.sink.wait_for(n, timeout=timeout, accepted=accepted), timeout + 5)

    def configure(self, **changes: Any) -> None:
        """Change the sink's settings (from the test's thread)."""

        async def change() -> None:
            self.sink.configure(**changes)

        self.call(change())

    @property
    def calls(self) -> list[SinkCall]:
        """A copy of the requests so far."""

        async def copy() -> list[SinkCall]:
            return list(self.sink.calls)

        return self.call(copy())

    def bodies(self, path: str | None = None) -> list[bytes]:
        """Bodies of the requests answered 2xx (to ``path`` only, when given)."""
        return [
            c.body for c in self.calls if 200 <= c.status < 300 and (path is None or c.path == path)
        ]

    def close(self) -> None:
        """Stop serving and end the thread."""
        self.call(self.sink.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run the CLI in this process (click's runner: not a terminal)."""
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def command(*args: str) -> list[str]:
    """The argv of ``python -m mockzenoti ARGS``."""
    return [sys.executable, "-m", "mockzenoti", *args]


def subprocess_env() -> dict[str, str]:
    """The environment for a ``mockzenoti`` subprocess: this checkout first on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKZENOTI_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_process(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``mockzenoti ARGS`` as a subprocess to its end."""
    return subprocess.run(
        command(*args),
        cwd=cwd,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
