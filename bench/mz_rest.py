"""Zenoti's REST API (``/v1``) of a run, against the control server's ``/health``, side by side.

``mockzenoti serve`` runs in a child process with a finished run of
appointment-lifecycle; one aiohttp client (16 requests in flight, one
session) then asks ``GET /health`` and ``GET /v1/appointments/{id}`` (with
the run's key) in alternating slices, so both figures see the same machine
load. The ratio of the two is the goal: a ``/v1`` read (key lookup, the
view, rendering, JSON) costs at most twice a liveness probe. The server's
CPU time per request of each route is reported too: on two shared cores the
client may be what limits both rates, and the CPU figures show what the
server itself spends.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import threading
import time
import urllib.request
from typing import Any

from bench.procs import bench_env, process_cpu_seconds, stop_process
from bench.registry import Bound, Context, Goal, Outcome, Skip, register

__all__ = ["rest_appointment"]

IN_FLIGHT = 16
SLICES = 6
_URL = re.compile(r"serving on (http://127\.0\.0\.1:\d+)")


def _call(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    sent = {"Content-Type": "application/json", **(headers or {})}
    request = urllib.request.Request(url, data=data, method=method, headers=sent)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def _first_line(proc: subprocess.Popen[bytes], timeout: float) -> str:
    found: list[bytes] = []
    stream = proc.stdout
    assert stream is not None
    reader = threading.Thread(target=lambda: found.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return found[0].decode() if found else ""


def _prepare(base: str, deadline: float) -> tuple[str, dict[str, str]]:
    """A finished run on the server; the path of one of its appointments and its key."""
    _call("POST", f"{base}/targets", {"id": "bench", "url": f"{base}/sink/bench"})
    run = _call(
        "POST", f"{base}/runs", {"scenario": "appointment-lifecycle", "seed": 1, "events": 200}
    )
    while _call("GET", f"{base}/runs/{run['id']}?expected=false")["state"] != "done":
        if time.monotonic() > deadline:
            raise Skip("the server's run did not finish in time")
        time.sleep(0.05)
    headers = {"Authorization": f"apikey {run['api_key']}"}
    center = _call("GET", f"{base}/v1/centers", headers=headers)["centers"][0]["id"]
    guests = _call("GET", f"{base}/v1/guests/search?center_id={center}", headers=headers)
    guest = guests["guests"][0]["id"]
    visits = _call("GET", f"{base}/v1/guests/{guest}/appointments", headers=headers)
    return f"/v1/appointments/{visits['appointments'][0]['appointment_id']}", headers


async def _slice(
    session: Any, url: str, headers: dict[str, str], count: int, until: float
) -> tuple[int, float]:
    """``count`` GETs of ``url`` with ``IN_FLIGHT`` at once (or until ``until``)."""
    left = count
    done = 0

    async def worker() -> None:
        nonlocal left, done
        while left > 0 and time.perf_counter() < until:
            left -= 1
            async with session.get(url, headers=headers) as answer:
                await answer.read()
                if answer.status != 200:
                    raise RuntimeError(f"GET {url} answered {answer.status}")
            done += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return done, time.perf_counter() - start


async def _load(
    base: str, path: str, headers: dict[str, str], count: int, seconds: float, pid: int
) -> dict[str, tuple[float, float]]:
    """Requests/s and the server's CPU microseconds per request, by route."""
    import aiohttp

    totals = {"health": [0, 0.0, 0.0], "rest": [0, 0.0, 0.0]}
    per_slice = max(IN_FLIGHT, count // (2 * SLICES))
    each = seconds / (2 * SLICES)
    connector = aiohttp.TCPConnector(limit=IN_FLIGHT)
    async with aiohttp.ClientSession(connector=connector) as session:
        for _ in range(SLICES):
            for name, url, sent in (
                ("health", f"{base}/health", {}),
                ("rest", base + path, headers),
            ):
                cpu = process_cpu_seconds(pid)
                done, took = await _slice(session, url, sent, per_slice, time.perf_counter() + each)
                totals[name][0] += done
                totals[name][1] += took
                totals[name][2] += process_cpu_seconds(pid) - cpu
    return {
        name: (done / took if took > 0 else 0.0, cpu / done * 1e6 if done else 0.0)
        for name, (done, took, cpu) in totals.items()
    }


@register(
    "rest_appointment",
    "requests/s",
    full=Bound(60_000, 12.0),
    quick=Bound(600, 2.0),
    goals=(Goal("ratio_to_health", ">=", 0.5),),
)
def rest_appointment(ctx: Context) -> Outcome:
    """GET /v1/appointments/{id} of a serve'd run beside GET /health, one client, same run."""
    command = [sys.executable, "-m", "mockzenoti", "serve", "--port", "0", "--outbox", ":memory:"]
    proc = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ctx.root,
        env=bench_env(ctx.root),
        start_new_session=True,
    )
    try:
        match = _URL.search(_first_line(proc, 30.0))
        if match is None:
            raise Skip("mockzenoti serve did not say where it listens")
        base = match.group(1)
        path, headers = _prepare(base, time.monotonic() + 60.0)
        rates = asyncio.run(
            _load(base, path, headers, ctx.bound.count, ctx.bound.seconds, proc.pid)
        )
    finally:
        stop_process(proc)
    (health, health_cpu), (rest, rest_cpu) = rates["health"], rates["rest"]
    details = {
        "health_requests_per_s": round(health, 1),
        "ratio_to_health": round(rest / health, 3) if health else 0.0,
        "server_cpu_us_per_health": round(health_cpu, 1),
        "server_cpu_us_per_appointment": round(rest_cpu, 1),
        "in_flight": IN_FLIGHT,
    }
    return Outcome(rest, details)
