"""The demo's summary: what the run sent, what the receiver saw, and how retries fixed it.

``collect`` reads the run's numbers from the server's outbox (deliveries by
state, attempts by outcome, latency percentiles) and the receiver's record
(requests, distinct events, duplicates, the first attempts it failed on
purpose and whether a retry delivered them); ``render`` turns them into the
aligned table the CLI prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from mockzenoti.server.keys import OUTBOX, SINKS

__all__ = ["collect", "render"]


async def collect(
    app: web.Application, run_id: int, sink_name: str, duration: float
) -> dict[str, Any]:
    """The numbers of run ``run_id`` and of the sink ``sink_name``, as a JSON-ready dict."""
    outbox = app[OUTBOX]
    run = await outbox.call(outbox.get_run, run_id)
    counts = await outbox.call(outbox.counts, run_id=run_id)
    outcomes = await outbox.call(outbox.attempt_outcomes, run_id=run_id)
    latency = await outbox.call(outbox.latency_percentiles, run_id=run_id)
    sink = app[SINKS].get(sink_name).sink
    calls = list(sink.calls)
    failed = {c.event_id for c in calls if c.reason == "fail_first" and c.event_id}
    fixed = {c.event_id for c in calls if 200 <= c.status < 300 and c.event_id in failed}
    unsettled = sum(n for s, n in counts.items() if s != "delivered")
    return {
        "ok": unsettled == 0,
        "run_id": run_id,
        "accepted": run.accepted,
        "counts": counts,
        "attempts": dict(sorted(outcomes.items(), key=lambda kv: -kv[1])),
        "latency_ms": latency,
        "duration_s": duration,
        "receiver": sink.counts(),
        "failed_first": len(failed),
        "fixed_by_retry": len(fixed),
    }


def _ms(value: Any) -> str:
    return "-" if value is None else f"{value:,.1f} ms"


def _table(rows: list[tuple[str, str]]) -> list[str]:
    width = max(len(k) for k, _ in rows)
    return [f"  {k.ljust(width)}  {v}".rstrip() for k, v in rows]


def _head(report: Mapping[str, Any]) -> str:
    counts: Mapping[str, int] = report["counts"]
    delivered = counts.get("delivered", 0)
    bad = ", ".join(f"{n:,} {s}" for s, n in counts.items() if n and s != "delivered")
    if report["stopped"]:
        where = f"stopped after {report['accepted']:,} of {report['planned']:,} events"
    else:
        where = "finished"
    if bad:
        return f"demo {where} with {bad}"
    return f"demo {where}: all {delivered:,} deliveries delivered"


def render(report: Mapping[str, Any]) -> list[str]:
    """The summary table (keys: ``collect``'s, plus ``stopped``, ``planned``, ``url``,
    ``linger`` and ``fail_status``)."""
    counts: Mapping[str, int] = report["counts"]
    attempts: Mapping[str, int] = report["attempts"]
    total = sum(attempts.values())
    seconds = max(report["duration_s"], 1e-9)
    received = report["receiver"]
    states = ["delivered", "retrying", "dead", "held"]
    states += [s for s, n in counts.items() if n and s not in states]
    lat = report["latency_ms"]
    failed, fixed = report["failed_first"], report["fixed_by_retry"]
    retries = (
        f"{failed:,} events had their first attempt refused on purpose ({report['fail_status']})"
    )
    if failed:
        retries += "; a retry delivered " + ("all of them" if fixed == failed else f"{fixed:,}")
    latency = " · ".join(f"{k} {_ms(lat.get(k))}" for k in ("p50", "p90", "p99"))
    rate = f"{report['accepted'] / seconds:,.1f} events/s · {total / seconds:,.1f} attempts/s"
    receiver = (
        f"{received['calls']:,} requests: {received['unique_events']:,} distinct events, "
        f"{received['duplicates']:,} duplicates, {received['bad_signatures']:,} bad signatures"
    )
    rows = [
        ("events", f"{report['accepted']:,} accepted in {report['duration_s']:.1f} s"),
        ("deliveries", " · ".join(f"{counts.get(s, 0):,} {s}" for s in states)),
        ("attempts", f"{total:,}: " + ", ".join(f"{n:,} {k}" for k, n in attempts.items())),
        ("retries", retries),
        ("latency", f"{latency} · max {_ms(lat.get('max'))}"),
        ("throughput", rate),
        ("receiver", receiver),
    ]
    if not report["linger"]:
        rows.append(("live page", "closed with the server (--no-linger)"))
    return [_head(report), *_table(rows)]
