"""``python -m bench``: run the measurements in a fixed order, print a table, write JSON.

Options: ``--only NAME[,NAME]`` (run these), ``--quick`` (short bounds, one
round: a smoke test), ``--rounds N`` (repeat the whole sequence N times,
interleaved, and keep each figure's median; default 3, or 1 with ``--quick``),
``--json`` (print the JSON document instead of the table), ``--out PATH``
(default ``.bench/latest.json``), ``--event-bytes N`` (average event size of
the references), ``--list``.

The receiver is started once, in its own process, if any selected measurement
needs it, and stopped at the end, also on errors and Ctrl-C. Exit code: 0 when
every measurement ran (goals may FAIL: this is a report), 1 when one raised, 2
on bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bench.locust_soak
import bench.mz
import bench.mz_cpu
import bench.mz_pending
import bench.mz_rest
import bench.refs
from bench.builder import DEFAULT_EVENT_BYTES
from bench.machine import machine_info
from bench.procs import own_cpu_seconds, system_busy_seconds
from bench.receiver import Receiver
from bench.registry import PENDING, REGISTRY, Context, Measurement, Outcome, Skip
from bench.report import combine_rounds, evaluate, render_table, summary

__all__ = ["ORDER", "ROOT", "main", "run"]

ROOT = Path(__file__).resolve().parent.parent

# Run order. Names not registered yet (pending) are skipped; registered names
# missing here run at the end.
ORDER = (
    "startup_help",
    "lazy_imports",
    "builder_stateless",
    "builder_faker",
    "generation_day",
    "builder_same_size",
    "receiver_ceiling",
    "raw_aiohttp",
    "raw_aiohttp_uvloop_orjson",
    "raw_aiohttp_uvloop_orjson_each",
    "requests_loop",
    "requests_session",
    "delivery_soak",
    "locust_1_process",
    "locust_2_processes",
    "delivery_cpu",
    "rate_1000",
    "memory_soak",
    "rest_appointment",
)

# imported for their registrations
assert bench.mz and bench.mz_cpu and bench.mz_pending and bench.refs and bench.locust_soak
assert bench.mz_rest


def _select(only: str | None) -> list[Measurement]:
    ordered = [REGISTRY[n] for n in ORDER if n in REGISTRY]
    ordered += [m for n, m in REGISTRY.items() if n not in ORDER]
    if not only:
        return ordered
    wanted = [n.strip() for n in only.split(",") if n.strip()]
    for name in wanted:
        if name in PENDING:
            raise SystemExit(f"bench: {name!r} is pending (its feature is not built yet)")
        if name not in REGISTRY:
            raise SystemExit(f"bench: unknown measurement {name!r}; known: {', '.join(REGISTRY)}")
    return [m for m in ordered if m.name in wanted]


def _cpu_mark(ctx: Context) -> tuple[float, float, float]:
    receiver = ctx.receiver.cpu_seconds() if ctx.receiver is not None else 0.0
    return time.perf_counter(), system_busy_seconds(), own_cpu_seconds() + receiver


def _other_cpu_pct(before: tuple[float, float, float], after: tuple[float, float, float]) -> float:
    """Share of the machine's CPU used by processes other than ours, in percent."""
    wall = after[0] - before[0]
    others = (after[1] - before[1]) - (after[2] - before[2])
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return max(0.0, others) / (wall * cores) * 100 if wall > 0 else 0.0


def _run_one(m: Measurement, ctx: Context, log: Any) -> tuple[Outcome, bool]:
    mark = _cpu_mark(ctx)
    start = time.perf_counter()
    try:
        outcome, failed = m.run(ctx), False
    except Skip as exc:
        outcome, failed = Outcome(None, note=f"skipped: {exc}"), False
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        outcome, failed = Outcome(None, note=f"error: {type(exc).__name__}: {exc}"), True
    took = time.perf_counter() - start
    other = _other_cpu_pct(mark, _cpu_mark(ctx))
    outcome.details["other_cpu_pct"] = round(other, 1)
    shown = "skipped" if outcome.value is None else f"{outcome.value:,.1f} {m.unit}"
    print(
        f"  {m.name:<32} {shown:>22}   ({took:.1f} s, other processes {other:.0f}% CPU)",
        file=log,
        flush=True,
    )
    return outcome, failed


def run(
    selected: list[Measurement],
    *,
    quick: bool,
    rounds: int,
    options: dict[str, Any],
    log: Any = sys.stderr,
) -> tuple[dict[str, Any], bool]:
    """Run ``selected`` for ``rounds`` rounds; return the JSON document and whether one failed."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    load_at_start = os.getloadavg()[0]
    receiver: Receiver | None = None
    per_round: dict[str, list[Outcome]] = {m.name: [] for m in selected}
    round_results: list[dict[str, Outcome]] = []
    failed = False
    try:
        if any(m.needs_receiver for m in selected):
            receiver = Receiver.start(ROOT, python=sys.executable)
        for r in range(rounds):
            print(f"round {r + 1}/{rounds}", file=log, flush=True)
            results: dict[str, Outcome] = {}
            round_results.append(results)
            for m in selected:
                if m.rounds is not None and r >= m.rounds:
                    continue
                ctx = Context(
                    m.bound(quick), quick, ROOT, sys.executable, receiver, results, options
                )
                outcome, bad = _run_one(m, ctx, log)
                failed |= bad
                results[m.name] = outcome
                per_round[m.name].append(outcome)
        receiver_info = receiver.get("/stats") if receiver else None
    finally:
        if receiver is not None:
            receiver.stop()
    combined = {name: combine_rounds(outcomes) for name, outcomes in per_round.items()}
    entries = {m.name: evaluate(m, combined[m.name], combined, round_results) for m in selected}
    for m in selected:
        entries[m.name]["bound"] = {
            "count": m.bound(quick).count,
            "seconds": m.bound(quick).seconds,
        }
    machine = machine_info()
    machine["load_average_1m_at_start"] = load_at_start
    if receiver_info:
        machine["receiver_loop"] = receiver_info["loop"]
    doc = {
        "schema": 1,
        "started": started,
        "quick": quick,
        "rounds": rounds,
        "options": options,
        "machine": machine,
        "measurements": entries,
        "pending": sorted(PENDING),
        "summary": summary(entries),
    }
    return doc, failed


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bench`` (``make bench``)."""
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--only", metavar="NAME[,NAME]", help="run only these measurements")
    p.add_argument("--quick", action="store_true", help="short bounds, one round (smoke test)")
    p.add_argument("--rounds", type=int, default=None, help="rounds (default 3; 1 with --quick)")
    p.add_argument("--json", action="store_true", help="print the JSON document, not the table")
    p.add_argument("--out", type=Path, default=ROOT / ".bench" / "latest.json")
    p.add_argument("--event-bytes", type=int, default=DEFAULT_EVENT_BYTES)
    p.add_argument("--list", action="store_true", help="list measurements and exit")
    args = p.parse_args(argv)
    if args.list:
        for m in _select(None):
            print(f"{m.name:<32} {m.unit:<10} {m.doc}")
        for name, m in PENDING.items():
            print(f"{name:<32} {m.unit:<10} (pending) {m.doc}")
        return 0
    selected = _select(args.only)
    # SIGTERM unwinds like Ctrl-C, so the finally blocks stop every child.
    signal.signal(signal.SIGTERM, _interrupt)
    rounds = args.rounds or (1 if args.quick else 3)
    options = {"event_bytes": args.event_bytes}
    try:
        doc, failed = run(selected, quick=args.quick, rounds=rounds, options=options)
    except KeyboardInterrupt:
        print("bench: interrupted; child processes stopped", file=sys.stderr)
        return 130
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2) + "\n")
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        m = doc["machine"]
        print(
            f"\n{m['cpu_model']}, {m['cores']} cores, Python {m['python']}, "
            f"load {m['load_average_1m_at_start']:.2f} at start, "
            f"{m['load_average_1m']:.2f} at end; "
            f"{rounds} round(s): figures are medians, ratios medians of per-round ratios"
        )
        print(render_table(doc["measurements"]))
        s = doc["summary"]
        print(
            f"\ngoals: {s['goals_passed']} passed, {s['goals_failed']} failed, "
            f"{s['goals_not_evaluated']} not evaluated; pending: {', '.join(doc['pending'])}"
        )
        print(f"written to {args.out}")
    return 1 if failed else 0
