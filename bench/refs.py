"""The reference measurements: what mockzenoti's figures are compared against.

Builders run in this process; senders run in fresh processes (``bench.emit``,
``wrk``) against the shared receiver, and each sender's count is checked
against the receiver's own counters.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

from bench.builder import DEFAULT_EVENT_BYTES, Builder, FakerFields, throughput
from bench.metrics import rate_between
from bench.procs import bench_env, run_bounded
from bench.registry import Bound, Context, Outcome, Skip, register

__all__ = ["emit_reference", "event_bytes"]


def event_bytes(ctx: Context) -> int:
    """The average event size the references use (``--event-bytes``)."""
    return int(ctx.options.get("event_bytes", DEFAULT_EVENT_BYTES))


@register("builder_stateless", "events/s", full=Bound(200_000, 5.0), quick=Bound(2_000, 1.0))
def builder_stateless(ctx: Context) -> Outcome:
    """Stateless stdlib-random builder of Zenoti-shaped events, serialised with json."""
    return _built(ctx, Builder(event_bytes=event_bytes(ctx)))


@register(
    "builder_same_size",
    "events/s",
    full=Bound(200_000, 5.0),
    quick=Bound(2_000, 1.0),
    refs=("builder_stateless",),
)
def builder_same_size(ctx: Context) -> Outcome:
    """The stateless builder sized to this round's ``simulate`` average (``generation_day``'s).

    Falls back to ``--event-bytes`` when ``generation_day`` did not run.
    """
    gen = ctx.results.get("generation_day")
    size = gen.details.get("avg_bytes") if gen is not None and gen.value is not None else None
    note = "" if size else "generation_day did not run: sized by --event-bytes"
    return _built(ctx, Builder(event_bytes=round(size) if size else event_bytes(ctx)), note)


def _built(ctx: Context, builder: Builder, note: str = "") -> Outcome:
    """``builder``'s throughput within this round's bounds, with the size it aimed at."""
    figures = throughput(builder, ctx.bound.count, ctx.bound.seconds)
    figures["target_bytes"] = builder.event_bytes
    return Outcome(figures.pop("events_per_s"), figures, note)


@register(
    "builder_faker",
    "events/s",
    full=Bound(20_000, 5.0),
    quick=Bound(200, 1.0),
    refs=("builder_stateless",),
)
def builder_faker(ctx: Context) -> Outcome:
    """The same shapes with one Faker call for every name/email/phone/city/company field."""
    builder = Builder(event_bytes=event_bytes(ctx), fields=FakerFields)
    figures = throughput(builder, ctx.bound.count, ctx.bound.seconds)
    return Outcome(figures.pop("events_per_s"), figures)


@register(
    "receiver_ceiling",
    "requests/s",
    full=Bound(10**9, 5.0),
    quick=Bound(10**9, 1.0),
    needs_receiver=True,
)
def receiver_ceiling(ctx: Context) -> Outcome:
    """wrk (compiled, 1 thread, 64 connections) POSTing to the receiver: its ceiling."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise Skip("wrk is not installed (Debian package wrk); the receiver's ceiling is unknown")
    receiver = ctx.need_receiver()
    body = Builder(event_bytes=event_bytes(ctx)).body()
    seconds = max(1, round(ctx.bound.seconds))
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "post.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(body.decode())}\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
        before, cpu0 = receiver.stats(), receiver.cpu_seconds()
        done = run_bounded(
            [wrk, "-t1", "-c64", f"-d{seconds}s", "-s", str(script), receiver.url],
            timeout=seconds + 30,
        )
        after, cpu1 = receiver.stats(), receiver.cpu_seconds()
    match = re.search(r"Requests/sec:\s*([\d.]+)", done.stdout)
    if done.returncode != 0 or match is None:
        raise RuntimeError(f"wrk failed: {done.stderr.strip() or done.stdout.strip()}")
    counted = after.requests - before.requests
    return Outcome(
        float(match.group(1)),
        {
            "receiver_requests": counted,
            "receiver_rate_per_s": rate_between(before, after, by_last=True),
            "receiver_cpu_pct": (cpu1 - cpu0) / done.elapsed * 100,
            "body_bytes": len(body),
        },
    )


def emit_reference(ctx: Context, *args: str) -> Outcome:
    """Run ``python -m bench.emit ARGS`` within the bound and check it against the receiver.

    The main figure is the sender's own rate of 2xx answers; details add
    ``events_per_cpu_s`` (answers per second of the sender's CPU time, which a
    busy machine disturbs much less than wall time), the receiver's count, the
    CPU both sides used per event (the sender's while timed; the receiver's
    including the warm-up), and ``verified`` (the receiver counted every
    request sent, warm-up included).
    """
    receiver = ctx.need_receiver()
    bound = ctx.bound
    cmd = [ctx.python, "-m", "bench.emit", "--url", receiver.url]
    cmd += ["--count", str(bound.count), "--seconds", str(bound.seconds)]
    cmd += ["--event-bytes", str(event_bytes(ctx)), "--warmup", "50" if ctx.quick else "300"]
    before, cpu0 = receiver.stats(), receiver.cpu_seconds()
    done = run_bounded(
        [*cmd, *args], timeout=bound.seconds + 60, cwd=ctx.root, env=bench_env(ctx.root)
    )
    after, cpu1 = receiver.stats(), receiver.cpu_seconds()
    if done.returncode != 0:
        raise RuntimeError(f"bench.emit failed ({done.returncode}): {done.stderr.strip()[-800:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    counted = after.requests - before.requests
    expected = result["sent"] + result["warmup"]
    ok = result["ok"]
    details = {
        "sent": result["sent"],
        "errors": result["errors"],
        "elapsed_s": result["elapsed_s"],
        "avg_bytes": result["avg_bytes"],
        "loop": result["loop"],
        "json": result["json"],
        "serialise": result["serialise"],
        "receiver_requests": counted,
        "verified": counted == expected and result["errors"] == 0,
        "sender_cpu_us_per_event": result["cpu_s"] / max(result["sent"], 1) * 1e6,
        "events_per_cpu_s": result["ok"] / result["cpu_s"] if result["cpu_s"] > 0 else 0.0,
        "receiver_cpu_us_per_event": (cpu1 - cpu0) / max(counted, 1) * 1e6,
    }
    note = "" if details["verified"] else f"receiver counted {counted}, sender sent {expected}"
    return Outcome(ok / result["elapsed_s"], details, note)


_EMIT_FULL, _EMIT_QUICK = Bound(300_000, 6.0), Bound(1_500, 2.0)


@register(
    "raw_aiohttp",
    "events/s",
    full=_EMIT_FULL,
    quick=_EMIT_QUICK,
    refs=("receiver_ceiling",),
    needs_receiver=True,
)
def raw_aiohttp(ctx: Context) -> Outcome:
    """aiohttp client, one session, 64 in flight, pre-serialised bodies, default asyncio loop."""
    return emit_reference(ctx, "--client", "aiohttp", "--loop", "asyncio", "--json", "stdlib")


@register(
    "raw_aiohttp_uvloop_orjson",
    "events/s",
    full=_EMIT_FULL,
    quick=_EMIT_QUICK,
    refs=("raw_aiohttp",),
    needs_receiver=True,
)
def raw_aiohttp_uvloop_orjson(ctx: Context) -> Outcome:
    """The same on uvloop, bodies pre-serialised with orjson (a fresh process)."""
    return emit_reference(ctx, "--client", "aiohttp", "--loop", "uvloop", "--json", "orjson")


@register(
    "raw_aiohttp_uvloop_orjson_each",
    "events/s",
    full=_EMIT_FULL,
    quick=_EMIT_QUICK,
    refs=("raw_aiohttp_uvloop_orjson",),
    needs_receiver=True,
)
def raw_aiohttp_uvloop_orjson_each(ctx: Context) -> Outcome:
    """uvloop, each body serialised with orjson just before it is sent (no pre-serialising)."""
    return emit_reference(
        ctx, "--client", "aiohttp", "--loop", "uvloop", "--json", "orjson", "--serialise", "each"
    )


_REQ_FULL, _REQ_QUICK = Bound(20_000, 4.0), Bound(100, 1.0)


@register(
    "requests_loop",
    "events/s",
    full=_REQ_FULL,
    quick=_REQ_QUICK,
    refs=("raw_aiohttp",),
    needs_receiver=True,
)
def requests_loop(ctx: Context) -> Outcome:
    """A plain for loop of requests.post(url, data=body, headers=...), no session."""
    return emit_reference(ctx, "--client", "requests")


@register(
    "requests_session",
    "events/s",
    full=_REQ_FULL,
    quick=_REQ_QUICK,
    refs=("requests_loop",),
    needs_receiver=True,
)
def requests_session(ctx: Context) -> Outcome:
    """The same loop through one requests.Session (keep-alive)."""
    return emit_reference(ctx, "--client", "session")
