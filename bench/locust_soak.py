"""The Locust rows: ``mockzenoti locust`` with 1 and with 2 worker processes, beside ``run soak``.

Both send to the same receiver in the same round as ``delivery_soak``, with
the same total of users (``USERS``), signing on and no retries:

- ``locust_1_process``: ``--processes 1`` (Locust's master and one worker);
- ``locust_2_processes``: ``--processes 2``; its ratio to ``locust_1_process``
  should be above 1 on a 2-core machine unless the receiver is the
  bottleneck. Each row says which: ``receiver_cpu_pct`` is the receiver's
  CPU over the run (one core is 100 %), and ``receiver_bound`` is 1 when it
  was above ``RECEIVER_BOUND_PCT``.

The figure is events/s at the receiver once the users are up (arrivals
after the first ``WARMUP_S`` seconds; the world each user builds costs a
tenth of a second of CPU). ``sender_cpu_s`` is the CPU of the command and
every Locust process (``sender_cpu_pct`` over the run: 100 = one core);
``events_per_cpu_s`` divides the events by it. A swarm below one core per
worker process with the receiver far from one core was held back by the
CPU that other processes left it.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bench.metrics import gap_stats
from bench.mz import mockzenoti_command
from bench.procs import bench_env, run_bounded
from bench.registry import Bound, Context, Goal, Outcome, register

__all__ = ["RECEIVER_BOUND_PCT", "USERS", "WARMUP_S", "locust_command", "steady_rate"]

USERS = 16
WARMUP_S = 1.5
RECEIVER_BOUND_PCT = 90.0
SECRET = "bench-secret"


def locust_command(
    python: str, url: str, processes: int, seconds: float, report: Path
) -> list[str]:
    """``mockzenoti locust`` for ``seconds`` with ``processes`` workers and ``USERS`` users."""
    return [
        *mockzenoti_command(python),
        "locust",
        "--url",
        url,
        "--users",
        str(USERS),
        "--run-time",
        f"{max(1, round(seconds))}s",
        "--processes",
        str(processes),
        "--retry",
        "none",
        "--secret",
        SECRET,
        "--report",
        str(report),
        "--only-summary",
    ]


def steady_rate(arrivals_ns: list[int], warmup_s: float = WARMUP_S) -> float:
    """Arrivals per second after the first ``warmup_s`` seconds (all of them if too few)."""
    if len(arrivals_ns) < 2:
        return 0.0
    start = min(arrivals_ns) + int(warmup_s * 1e9)
    later = [a for a in arrivals_ns if a >= start]
    return gap_stats(later if len(later) >= 2 else arrivals_ns)["rate_per_s"]


def _swarm(ctx: Context, processes: int) -> Outcome:
    receiver = ctx.need_receiver()
    seconds = ctx.bound.seconds
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        cmd = locust_command(ctx.python, receiver.url, processes, seconds, report_path)
        cpu_before = receiver.cpu_seconds()
        receiver.start_recording()
        try:
            done = run_bounded(cmd, timeout=seconds + 60, cwd=Path(tmp), env=bench_env(ctx.root))
        finally:
            arrivals = receiver.stop_recording()
        receiver_cpu = receiver.cpu_seconds() - cpu_before
        if done.returncode != 0 or not report_path.exists():
            raise RuntimeError(
                f"mockzenoti locust failed ({done.returncode}): {done.stderr[-800:]}"
            )
        report = json.loads(report_path.read_text())
    if report["delivered"] != len(arrivals):
        raise RuntimeError(
            f"the report says {report['delivered']} delivered, the receiver saw {len(arrivals)}"
        )
    rate = steady_rate(arrivals)
    receiver_pct = receiver_cpu / done.elapsed * 100 if done.elapsed > 0 else 0.0
    details = {
        "events": len(arrivals),
        "elapsed_s": done.elapsed,
        "report_events_per_s": report["events_per_s"],
        "workers": len(report["workers"]),
        "worker_events": [w["delivered"] for w in report["workers"]],
        "receiver_cpu_pct": round(receiver_pct, 1),
        "receiver_bound": int(receiver_pct >= RECEIVER_BOUND_PCT),
        "sender_cpu_s": done.cpu_s,
        "sender_cpu_pct": round(done.cpu_s / done.elapsed * 100, 1) if done.elapsed > 0 else 0.0,
        "events_per_cpu_s": len(arrivals) / done.cpu_s if done.cpu_s > 0 else 0.0,
    }
    bound = "the receiver is the bottleneck" if details["receiver_bound"] else ""
    return Outcome(rate, details, bound)


@register(
    "locust_1_process",
    "events/s",
    full=Bound(1, 20.0),
    quick=Bound(1, 4.0),
    refs=("delivery_soak",),
    needs_receiver=True,
)
def locust_1_process(ctx: Context) -> Outcome:
    """``mockzenoti locust --processes 1``: events/s at the receiver, 16 users."""
    return _swarm(ctx, 1)


@register(
    "locust_2_processes",
    "events/s",
    full=Bound(1, 20.0),
    quick=Bound(1, 4.0),
    refs=("locust_1_process", "delivery_soak"),
    goals=(Goal("vs:locust_1_process", ">=", 1.0),),
    needs_receiver=True,
)
def locust_2_processes(ctx: Context) -> Outcome:
    """``mockzenoti locust --processes 2``: events/s at the receiver, 16 users."""
    return _swarm(ctx, 2)
