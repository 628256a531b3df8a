"""The mockzenoti measurements that drive ``simulate`` and ``run`` end to end.

They were declared ``@pending`` until their commands landed; each is now
registered with the command line the CLI has (``run ... --url URL``, ``--events``
for a count; ``--rate`` limits attempts per second).

- ``generation_day``: ``mockzenoti simulate day-in-the-life`` writing NDJSON,
  its start-up measured apart; goal: at least the events/s of the stateless
  builder sized to simulate's own average event (``builder_same_size``).
- ``delivery_soak``: ``mockzenoti run soak --pace asap --retry none
  --concurrency 64`` with the outbox and signing on; goals: at least 0.7 of
  ``raw_aiohttp`` and 8 times ``requests_loop``.
- ``memory_soak``: the same soak of 1,000,000 events, RSS of its process group
  sampled from /proc (first round only); goals: peak under 200 MiB, growth
  under 10 % between 100,000 and 1,000,000.
- ``rate_1000``: ``--rate 1000`` for 10 s; goals: achieved rate within 2 % of
  the target; p50/p99 of the gaps between arrivals reported.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.metrics import gap_stats, median, rate_accuracy
from bench.mz import mockzenoti_command
from bench.procs import bench_env, run_bounded, sample_rss
from bench.registry import Bound, Context, Goal, Outcome, register

__all__ = ["delivery_command", "generation_command", "rate_command"]

MIB = 1024 * 1024
SECRET = "bench-secret"


def generation_command(python: str, count: int, out: Path) -> list[str]:
    """``mockzenoti simulate day-in-the-life`` writing ``count`` events as NDJSON to ``out``."""
    return [
        *mockzenoti_command(python),
        "simulate",
        "day-in-the-life",
        "--seed",
        "1",
        "--events",
        str(count),
        "--out",
        str(out),
    ]


def delivery_command(python: str, url: str, count: int, workdir: Path) -> list[str]:
    """A soak of ``count`` events to ``url`` as fast as possible, outbox and signing on."""
    return [
        *mockzenoti_command(python),
        "run",
        "soak",
        "--pace",
        "asap",
        "--retry",
        "none",
        "--concurrency",
        "64",
        "--count",
        str(count),
        "--url",
        url,
        "--outbox",
        str(workdir / "outbox.sqlite"),
        "--secret",
        SECRET,
    ]


def rate_command(python: str, url: str, rate: int, seconds: float, workdir: Path) -> list[str]:
    """A soak of ``rate * seconds`` events sent at ``rate`` attempts/s."""
    return [
        *mockzenoti_command(python),
        "run",
        "soak",
        "--rate",
        str(rate),
        "--events",
        str(round(rate * seconds)),
        "--retry",
        "none",
        "--url",
        url,
        "--outbox",
        str(workdir / "outbox.sqlite"),
        "--secret",
        SECRET,
    ]


@register(
    "generation_day",
    "events/s",
    full=Bound(200_000, 60.0),
    quick=Bound(2_000, 20.0),
    refs=("builder_same_size", "builder_stateless"),
    goals=(Goal("vs:builder_same_size", ">=", 1.0),),
)
def generation_day(ctx: Context) -> Outcome:
    """``mockzenoti simulate day-in-the-life``: events/s once started (start-up measured apart).

    The builder it is compared with is measured in the orchestrator's process,
    already started; so the main figure leaves out the command's start-up (the
    interpreter, imports, building the world): ``(N - 1) / (T(N) - T(1))``, with
    ``T(1)`` the median wall time of three ``--events 1`` runs. The whole run's
    rate, start-up included, is ``whole_run_events_per_s``. ``avg_bytes`` sizes
    ``builder_same_size``.
    """
    env = bench_env(ctx.root)
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.ndjson"
        starts = []
        for _ in range(3):
            cmd = generation_command(ctx.python, 1, one)
            started = run_bounded(cmd, timeout=ctx.bound.seconds, cwd=Path(tmp), env=env)
            if started.returncode != 0:
                raise RuntimeError(f"simulate failed: {started.stderr[-800:]}")
            starts.append((started.elapsed, started.cpu_s))
        out = Path(tmp) / "events.ndjson"
        cmd = generation_command(ctx.python, ctx.bound.count, out)
        done = run_bounded(cmd, timeout=ctx.bound.seconds, cwd=Path(tmp), env=env)
        if done.returncode != 0:
            raise RuntimeError(f"simulate failed ({done.returncode}): {done.stderr[-800:]}")
        sizes = [len(line) for line in out.read_bytes().splitlines() if line]
    n = len(sizes)
    startup = median([t for t, _ in starts])
    startup_cpu = median([c for _, c in starts])
    whole = n / done.elapsed
    steady = (n - 1) / (done.elapsed - startup) if done.elapsed > startup else whole
    cpu = done.cpu_s - startup_cpu
    return Outcome(
        steady,
        {
            "events": n,
            "elapsed_s": done.elapsed,
            "startup_s": startup,
            "whole_run_events_per_s": whole,
            "avg_bytes": sum(sizes) / n,
            "events_per_cpu_s": (n - 1) / cpu if cpu > 0 else 0.0,
        },
    )


def _soak_outcome(
    ctx: Context, count: int, cmd: list[str], tmp: Path
) -> tuple[float, dict[str, float]]:
    receiver = ctx.need_receiver()
    receiver.start_recording()
    try:
        done = run_bounded(cmd, timeout=ctx.bound.seconds, cwd=tmp, env=bench_env(ctx.root))
    finally:
        arrivals = receiver.stop_recording()
    if done.returncode not in (0, None):
        raise RuntimeError(f"soak failed ({done.returncode}): {done.stderr[-800:]}")
    gaps = gap_stats(arrivals)
    per_cpu = len(arrivals) / done.cpu_s if done.cpu_s > 0 else 0.0
    details = {**gaps, "expected": count, "elapsed_s": done.elapsed, "events_per_cpu_s": per_cpu}
    return gaps["rate_per_s"], details


@register(
    "delivery_soak",
    "events/s",
    full=Bound(100_000, 90.0),
    quick=Bound(2_000, 30.0),
    refs=("raw_aiohttp", "raw_aiohttp_uvloop_orjson", "requests_loop"),
    goals=(Goal("vs:raw_aiohttp", ">=", 0.7), Goal("vs:requests_loop", ">=", 8.0)),
    needs_receiver=True,
)
def delivery_soak(ctx: Context) -> Outcome:
    """``mockzenoti run soak --pace asap`` with outbox and signing: events/s at the receiver."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = delivery_command(ctx.python, ctx.need_receiver().url, ctx.bound.count, Path(tmp))
        rate, details = _soak_outcome(ctx, ctx.bound.count, cmd, Path(tmp))
    note = "" if details["n"] == ctx.bound.count else f"received {details['n']:.0f} events"
    return Outcome(rate, details, note)


@register(
    "memory_soak",
    "MiB",
    full=Bound(1_000_000, 600.0),
    quick=Bound(20_000, 60.0),
    goals=(Goal("value", "<=", 200), Goal("rss_growth_pct", "<=", 10)),
    needs_receiver=True,
    rounds=1,
)
def memory_soak(ctx: Context) -> Outcome:
    """Peak RSS of a soak of 1,000,000 events (with its helper processes), and its growth.

    RSS is the command's whole process group (``mockzenoti run`` and the
    process simulating its world); ``peak_own_mib`` is the command's process
    alone. Growth is measured from 10 % of the run to its end. Run in the first
    round only (it takes minutes).
    """
    receiver = ctx.need_receiver()
    count = ctx.bound.count
    base = receiver.stats().requests
    with tempfile.TemporaryDirectory() as tmp:
        run = sample_rss(
            delivery_command(ctx.python, receiver.url, count, Path(tmp)),
            timeout=ctx.bound.seconds,
            interval=0.5,
            probe=lambda: receiver.stats().requests - base,
            cwd=Path(tmp),
            env=bench_env(ctx.root),
        )
    # From 10 % of the run to its end (or to the last progress sampled).
    lo = count // 10
    hi = min(count, max((s.progress or 0 for s in run.samples), default=0))
    elapsed = run.completed.elapsed
    details = {
        "rss_at_10pct_mib": (run.rss_at(lo) or 0) / MIB,
        "rss_at_end_mib": (run.rss_at(hi) or 0) / MIB,
        "rss_growth_pct": run.growth_pct(lo, hi),
        "rss_growth_upto_events": hi,
        "peak_own_mib": run.peak_own / MIB,
        "samples": len(run.samples),
        "elapsed_s": elapsed,
        "events_per_s": hi / elapsed if elapsed > 0 else 0.0,
    }
    note = "" if hi >= count else f"stopped at {hi:,} of {count:,} events (timeout)"
    return Outcome(run.peak / MIB, details, note)


@register(
    "rate_1000",
    "events/s",
    full=Bound(10_000, 40.0),
    quick=Bound(2_000, 20.0),
    goals=(Goal("rate_error_pct", "<=", 2.0),),
    needs_receiver=True,
)
def rate_1000(ctx: Context) -> Outcome:
    """``--rate 1000`` for 10 s: the achieved rate and the p50/p99 gaps between sends."""
    target = 1000
    seconds = ctx.bound.count / target
    with tempfile.TemporaryDirectory() as tmp:
        cmd = rate_command(ctx.python, ctx.need_receiver().url, target, seconds, Path(tmp))
        rate, details = _soak_outcome(ctx, ctx.bound.count, cmd, Path(tmp))
    details["rate_error_pct"] = rate_accuracy(rate, target)
    return Outcome(rate, details)
