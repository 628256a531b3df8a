"""The end of a delivery: the JSON report (``--report FILE``) and the summary table.

``run_report`` reads a run's results back from the outbox (counts by state,
attempts by outcome, latency percentiles, dead and held deliveries) and adds
what only the process knows (resumed, skipped, duration, the expected final
state). ``render_run`` and ``render_backlog`` turn reports into aligned
``key  value`` lines, ending with where the outbox is and what to type next.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockzenoti.delivery import Outbox, RunReport

__all__ = ["IDS_LIMIT", "backlog_report", "render_backlog", "render_run", "run_report"]

#: Dead and held deliveries listed in a report at most (the counts are complete).
IDS_LIMIT = 1000
_UNSETTLED = ("pending", "delivering", "retrying")


def _listed(box: Outbox, state: str, run_id: int | None) -> list[dict[str, Any]]:
    page = box.list_deliveries(state=state, run_id=run_id, limit=IDS_LIMIT)
    return [
        {
            "pk": d.pk,
            "delivery_id": d.delivery_id,
            "event_id": d.event_id,
            "event_type": d.event_type,
            "target": d.target,
            "attempts": d.attempts,
            "last_status": d.last_status,
            "last_error": d.last_error,
        }
        for d in page.items
    ]


def run_report(
    box: Outbox,
    run_id: int,
    result: RunReport | None,
    *,
    spec: Any,
    duration: float,
    processed: int,
    expected: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON summary of run ``run_id``; ``result`` is None when the run was interrupted.

    ``processed`` is the stream events this process accepted (the rate's numerator).
    """
    run = box.get_run(run_id)
    counts = box.counts(run_id=run_id)
    outcomes = box.attempt_outcomes(run_id=run_id)
    interrupted = result is None
    ok = result.ok if result is not None else False
    return {
        "ok": ok,
        "interrupted": interrupted,
        "run_id": run_id,
        "resumed": result.resumed if result is not None else None,
        "skipped": result.skipped if result is not None else None,
        "accepted": run.accepted,
        "outbox": box.path,
        "spec": spec,
        "counts": counts,
        "deliveries": sum(counts.values()),
        "attempts": {"total": sum(outcomes.values()), "by_outcome": dict(sorted(outcomes.items()))},
        "retry_waits": box.retry_waits(run_id=run_id),
        "latency_ms": box.latency_percentiles(run_id=run_id),
        "duration_s": round(duration, 3),
        "events_per_s": round(processed / duration, 1) if duration > 0 else None,
        "possible_duplicates": run.possible_duplicates,
        "inactive_targets": list(result.inactive_targets) if result is not None else [],
        "dead": _listed(box, "dead", run_id),
        "held": _listed(box, "held", run_id),
        "expected": None if expected is None else dict(expected),
    }


def backlog_report(
    box: Outbox,
    states: Mapping[str, int],
    *,
    loaded: int,
    duration: float,
    possible_duplicates: int,
    inactive: list[str],
    interrupted: bool,
) -> dict[str, Any]:
    """The JSON summary of a drain or redelivery: what became of the deliveries it took."""
    left = {k: v for k, v in states.items() if v}
    ok = not interrupted and all(v == 0 for k, v in left.items() if k != "delivered")
    return {
        "ok": ok,
        "interrupted": interrupted,
        "outbox": box.path,
        "loaded": loaded,
        "counts": dict(left),
        "duration_s": round(duration, 3),
        "possible_duplicates": possible_duplicates,
        "inactive_targets": inactive,
        "outbox_counts": box.counts(),
    }


def _ms(value: Any) -> str:
    return "-" if value is None else f"{value:,.1f} ms"


def _states(counts: Mapping[str, int]) -> str:
    shown = ["delivered", "retrying", "dead", "held"]
    shown += [s for s, n in counts.items() if n and s not in shown]
    return " · ".join(f"{counts.get(s, 0):,} {s}" for s in shown)


def _table(rows: list[tuple[str, str]]) -> list[str]:
    width = max(len(k) for k, _ in rows)
    return [f"  {k.ljust(width)}  {v}".rstrip() for k, v in rows]


def _outbox_args(path: str) -> str:
    return f" --outbox {shlex.quote(path)}"


def render_run(report: Mapping[str, Any]) -> list[str]:
    """The summary table of a run report."""
    counts: Mapping[str, int] = report["counts"]
    run_id = report["run_id"]
    bad = {s: n for s, n in counts.items() if n and s != "delivered"}
    if report["interrupted"]:
        head = f"run {run_id} interrupted: re-run the same command to resume"
    elif not bad:
        head = f"run {run_id} finished: all {counts.get('delivered', 0):,} deliveries delivered"
    else:
        problems = ", ".join(f"{n:,} {s}" for s, n in bad.items())
        head = f"run {run_id} finished with {problems}"
    rows: list[tuple[str, str]] = []
    if report["resumed"]:
        rows.append(("resumed", f"yes: {report['skipped']:,} events accepted before were skipped"))
    rows.append(("events", f"{report['accepted']:,} accepted"))
    rows.append(("deliveries", _states(counts)))
    attempts = report["attempts"]
    by = ", ".join(f"{n:,} {k}" for k, n in attempts["by_outcome"].items())
    rows.append(("attempts", f"{attempts['total']:,}" + (f": {by}" if by else "")))
    waits = report.get("retry_waits") or {}
    if sum(waits.values()):
        rows.append(
            (
                "retry waits",
                f"{sum(waits.values()):,}: {waits.get('retry-after', 0):,} set "
                f"by the receiver's Retry-After, {waits.get('policy', 0):,} by the policy",
            )
        )
    lat = report["latency_ms"]
    rows.append(
        (
            "latency",
            " · ".join(f"{k} {_ms(lat.get(k))}" for k in ("p50", "p90", "p99"))
            + f" · max {_ms(lat.get('max'))}",
        )
    )
    rate = report["events_per_s"]
    rows.append(
        (
            "throughput",
            f"{report['duration_s']:.2f} s"
            + (f", {rate:,.0f} events/s" if rate is not None else ""),
        )
    )
    rows.append(
        (
            "duplicates",
            f"{report['possible_duplicates']:,} possible "
            "(sent again after the receiver may have read it)",
        )
    )
    if report["inactive_targets"]:
        rows.append(("inactive", ", ".join(report["inactive_targets"])))
    path = report["outbox"]
    rows.append(
        ("outbox", f"{path} (run {run_id})" if path != ":memory:" else ":memory: (kept nothing)")
    )
    others = report.get("other_unfinished") or []
    if others:
        where = _outbox_args(path) if path != ".mockzenoti/outbox.sqlite" else ""
        left = sum(o["unsettled"] for o in others)
        names = ", ".join(str(o["run_id"]) for o in others)
        rows.append(
            (
                "elsewhere",
                f"unfinished run {names} of another command: {left:,} "
                f"deliveries not delivered (mockzenoti drain{where})",
            )
        )
    if path != ":memory:" and not report["interrupted"]:
        rows += _next_steps(path, bad, f" --run {run_id}", report["inactive_targets"])
    return [head, *_table(rows)]


def _next_steps(
    path: str, bad: Mapping[str, int], scope: str, inactive: list[str]
) -> list[tuple[str, str]]:
    where = _outbox_args(path) if path != ".mockzenoti/outbox.sqlite" else ""
    rows = []
    for state in ("dead", "held"):
        if bad.get(state):
            extra = " --reactivate" if state == "held" and inactive else ""
            rows.append(("inspect", f"mockzenoti deliveries{where}{scope} --state {state}"))
            rows.append(("redeliver", f"mockzenoti redeliver{where}{scope} --state {state}{extra}"))
    if any(bad.get(s) for s in _UNSETTLED):
        rows.append(("resume", f"mockzenoti drain{where}"))
    return rows


def render_backlog(report: Mapping[str, Any], what: str) -> list[str]:
    """The summary table of a drain or redelivery report (``what``: its name)."""
    counts: Mapping[str, int] = report["counts"]
    bad = {s: n for s, n in counts.items() if n and s != "delivered"}
    if report["interrupted"]:
        head = f"{what} interrupted"
    elif not report["loaded"]:
        head = f"{what}: nothing to deliver"
    elif not bad:
        head = f"{what}: all {report['loaded']:,} deliveries delivered"
    else:
        head = f"{what}: " + ", ".join(f"{n:,} {s}" for s, n in bad.items())
    rows = [
        ("took", f"{report['loaded']:,} deliveries"),
        ("now", _states(counts)),
        ("time", f"{report['duration_s']:.2f} s"),
    ]
    if report["possible_duplicates"]:
        rows.append(("duplicates", f"{report['possible_duplicates']:,} possible"))
    if report["inactive_targets"]:
        rows.append(("inactive", ", ".join(report["inactive_targets"])))
    rows.append(("outbox", f"{report['outbox']}: {_states(report['outbox_counts'])}"))
    rows += _next_steps(report["outbox"], bad, "", report["inactive_targets"])
    return [head, *_table(rows)]
