"""A minimal webhook receiver in its own process, and the handle that drives it.

``python -m bench.receiver`` listens on 127.0.0.1 (port 0 by default), prints
``PORT <n>`` on stdout once it is ready, and answers 200 with an empty body to
every POST, PUT and PATCH, counting requests and body bytes. It runs on uvloop
when installed (``--no-uvloop`` to compare). Control routes (GET):

- ``/stats``: ``{"requests", "bytes", "at_ns", "last_ns", "methods", "loop", "pid"}``
  (``*_ns`` are ``time.monotonic_ns()``, comparable with other processes);
- ``/record/start``: forget earlier arrival times and record new ones;
- ``/record/stop``: stop recording and return ``{"arrivals_ns": [...]}``.

With ``--exit-on-stdin-eof`` (what ``Receiver.start`` passes) it also exits
when its stdin closes, so it never outlives an orchestrator killed outright.
``Receiver`` uses only the standard library: the orchestrator does not import
aiohttp.
"""

from __future__ import annotations

import argparse
import json
import os
import selectors
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

from bench.metrics import ReceiverStats
from bench.procs import bench_env, process_cpu_seconds, stop_process

__all__ = ["RECORD_CAP", "Receiver", "main", "serve"]

RECORD_CAP = 2_000_000  # arrival times kept at most (16 MB of ints)


class _State:
    """The receiver's counters."""

    def __init__(self) -> None:
        self.requests = 0
        self.bytes = 0
        self.last_ns = 0
        self.methods: dict[str, int] = {}
        self.recording = False
        self.arrivals: list[int] = []


async def serve(host: str, port: int, exit_on_eof: bool) -> None:
    """Run the receiver until SIGTERM/SIGINT (or stdin EOF when asked)."""
    import asyncio
    import signal

    from aiohttp import web

    state = _State()
    loop = asyncio.get_running_loop()
    loop_name = type(loop).__module__.split(".")[0]

    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        method = request.method
        if method in ("POST", "PUT", "PATCH"):
            body = await request.read()
            now = time.monotonic_ns()
            state.requests += 1
            state.bytes += len(body)
            state.last_ns = now
            state.methods[method] = state.methods.get(method, 0) + 1
            if state.recording and len(state.arrivals) < RECORD_CAP:
                state.arrivals.append(now)
            return web.Response()
        path = request.path
        if path == "/stats":
            doc: dict[str, Any] = {
                "requests": state.requests,
                "bytes": state.bytes,
                "at_ns": time.monotonic_ns(),
                "last_ns": state.last_ns,
                "methods": state.methods,
                "loop": loop_name,
                "pid": os.getpid(),
            }
            return web.json_response(doc)
        if path == "/record/start":
            state.arrivals = []
            state.recording = True
            return web.json_response({"recording": True})
        if path == "/record/stop":
            state.recording = False
            arrivals, state.arrivals = state.arrivals, []
            return web.json_response({"arrivals_ns": arrivals})
        return web.Response(status=404)

    server = web.Server(handle, access_log=None)
    listener = await loop.create_server(server, host, port, backlog=2048)
    bound_port = listener.sockets[0].getsockname()[1]
    done = loop.create_future()

    def finish() -> None:
        if not done.done():
            done.set_result(None)

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, finish)
    if exit_on_eof:

        class _Eof(asyncio.Protocol):
            def connection_lost(self, exc: Exception | None) -> None:
                finish()

        await loop.connect_read_pipe(_Eof, sys.stdin)
    print(f"PORT {bound_port}", flush=True)
    try:
        await done
    finally:
        listener.close()
        await server.shutdown(1.0)


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``python -m bench.receiver``."""
    parser = argparse.ArgumentParser(prog="python -m bench.receiver", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--no-uvloop", action="store_true", help="use the default asyncio loop")
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    args = parser.parse_args(argv)
    import asyncio

    if not args.no_uvloop:
        try:
            import uvloop

            asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        except ImportError:
            pass
    asyncio.run(serve(args.host, args.port, args.exit_on_stdin_eof))


class Receiver:
    """Handle on a receiver process started by ``Receiver.start`` (a context manager)."""

    def __init__(self, proc: subprocess.Popen[bytes], port: int, host: str = "127.0.0.1") -> None:
        self.proc = proc
        self.host = host
        self.port = port

    @classmethod
    def start(
        cls, root: Path, *, python: str = sys.executable, uvloop: bool = True, timeout: float = 20.0
    ) -> Receiver:
        """Start ``python -m bench.receiver`` and wait (at most ``timeout`` s) for its port."""
        cmd = [python, "-m", "bench.receiver", "--exit-on-stdin-eof"]
        if not uvloop:
            cmd.append("--no-uvloop")
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=root,
            env=bench_env(root),
            start_new_session=True,
        )
        try:
            port = _read_port(proc, timeout)
        except BaseException:
            stop_process(proc)
            raise
        return cls(proc, port)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The webhook URL that senders POST to."""
        return f"{self.base_url}/webhook"

    def get(self, path: str) -> Any:
        """GET a control route and return its JSON."""
        with urllib.request.urlopen(self.base_url + path, timeout=30) as resp:
            return json.loads(resp.read())

    def stats(self) -> ReceiverStats:
        """The counters now."""
        return ReceiverStats.from_json(self.get("/stats"))

    def start_recording(self) -> None:
        """Record arrival times from now on (earlier ones are forgotten)."""
        self.get("/record/start")

    def stop_recording(self) -> list[int]:
        """Stop recording; the arrival times (monotonic ns) recorded since the start."""
        arrivals: list[int] = self.get("/record/stop")["arrivals_ns"]
        return arrivals

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the receiver process has used so far."""
        return process_cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        """Stop the receiver process (idempotent)."""
        stop_process(self.proc)

    def __enter__(self) -> Receiver:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _read_port(proc: subprocess.Popen[bytes], timeout: float) -> int:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    line = b""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                raise TimeoutError(f"the receiver did not report its port within {timeout} s")
            chunk = proc.stdout.read1(256)  # type: ignore[attr-defined]
            if not chunk:
                raise RuntimeError(f"the receiver exited early (code {proc.wait()})")
            line += chunk
    text = line.decode().strip()
    if not text.startswith("PORT "):
        raise RuntimeError(f"unexpected first line from the receiver: {text!r}")
    return int(text.split()[1])


if __name__ == "__main__":
    main()
