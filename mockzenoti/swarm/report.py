"""One report for a whole swarm: counts per worker and in all, and the merged truth.

Each worker process sums its users (``worker_part``); the Locust master (or
the only process of a run without workers) gathers the parts into one JSON
document (``swarm_report``), and ``merge_truths`` joins the shards' expected
final states into one truth document (``docs/truth.md``): shards never share
an entity, so the sections are a plain union, and a consumer's final-state
check works after a distributed soak as after ``mockzenoti run``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from mockzenoti.scenarios.truth import TRUTH_FORMAT
from mockzenoti.swarm.player import ShardPlayer, Tally
from mockzenoti.world.records import SECTIONS

__all__ = ["REPORT_FORMAT", "merge_truths", "render_summary", "swarm_report", "worker_part"]

REPORT_FORMAT = 1
_WORKER_KEYS = (
    "index",
    "users",
    "events",
    "delivered",
    "retried",
    "dead",
    "held",
    "interrupted",
    "attempts",
)


def _instant(timestamp: str) -> tuple[str, str]:
    """A sortable key of an ``event_timestamp`` (its fraction has 0 to 7 digits)."""
    head, _, fraction = timestamp.rstrip("Z").partition(".")
    return head, fraction.ljust(7, "0")


def merge_truths(docs: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """One truth document from the shards' documents, and the keys two shards disagreed on.

    Sections are joined (each shard's entries in its order, shards in the
    order given); ``events`` and ``event_types`` are summed; ``finished`` holds
    when every shard finished; ``last_event_timestamp`` is the latest.
    """
    sections: dict[str, dict[str, Any]] = {s: {} for s in SECTIONS}
    event_types: dict[str, int] = {}
    conflicts: list[str] = []
    last: str | None = None
    for doc in docs:
        for section in SECTIONS:
            merged = sections[section]
            for key, entry in doc[section].items():
                if key in merged and merged[key] != entry:
                    conflicts.append(f"{section}.{key}")
                merged[key] = entry
        for name, n in doc["event_types"].items():
            event_types[name] = event_types.get(name, 0) + n
        stamp = doc["last_event_timestamp"]
        if stamp is not None and (last is None or _instant(stamp) > _instant(last)):
            last = stamp
    first = docs[0] if docs else {}
    document = {
        "format": TRUTH_FORMAT,
        "scenario": first.get("scenario"),
        "seed": first.get("seed"),
        "events": sum(int(d["events"]) for d in docs),
        "finished": bool(docs) and all(d["finished"] for d in docs),
        "last_event_timestamp": last,
        "counts": {name: len(entries) for name, entries in sections.items()},
        "event_types": dict(sorted(event_types.items())),
        **sections,
    }
    return document, conflicts


def worker_part(index: int, players: Iterable[ShardPlayer]) -> dict[str, Any]:
    """What one worker process sends the master: its users' counts, undelivered events, truth.

    The truth is there when every user kept it (``track_truth``).
    """
    players = list(players)
    tally = Tally()
    undelivered: list[dict[str, Any]] = []
    for player in players:
        tally.add(player.tally)
        undelivered.extend(player.undelivered)
    part: dict[str, Any] = {"index": index, "users": len(players), **tally.as_dict()}
    part["undelivered"] = undelivered
    part["expected"] = None
    part["conflicts"] = []
    if players and all(p.simulation.tracking for p in players):
        part["expected"], part["conflicts"] = merge_truths(
            [p.simulation.expected() for p in players]
        )
    return part


def swarm_report(
    parts: Sequence[Mapping[str, Any]],
    *,
    duration_s: float,
    settings: Mapping[str, Any],
    missing_workers: Sequence[int] = (),
) -> dict[str, Any]:
    """The swarm's JSON report from the workers' parts (see docs/soak.md for every key).

    ``settings`` (seed, scenario, url, retry ...) are put in as given;
    ``missing_workers`` lists workers whose part never came.
    """
    ordered = sorted(parts, key=lambda p: int(p["index"]))
    tally = Tally()
    for part in ordered:
        tally.add(part)
    counts = tally.as_dict()
    truths = [p["expected"] for p in ordered if p.get("expected") is not None]
    expected, conflicts = merge_truths(truths) if truths else (None, [])
    conflicts = [c for p in ordered for c in p.get("conflicts", [])] + conflicts
    ok = (
        not missing_workers
        and not conflicts
        and counts["dead"] == counts["held"] == counts["interrupted"] == 0
        and counts["delivered"] == counts["events"]
    )
    return {
        "format": REPORT_FORMAT,
        "ok": ok,
        **dict(settings),
        "duration_s": round(duration_s, 3),
        "users": sum(int(p["users"]) for p in ordered),
        "events": counts["events"],
        "attempts": counts["attempts"],
        "delivered": counts["delivered"],
        "retried": counts["retried"],
        "dead": counts["dead"],
        "held": counts["held"],
        "interrupted": counts["interrupted"],
        "possible_duplicates": counts["possible_duplicates"],
        "outcomes": counts["outcomes"],
        "events_per_s": round(counts["delivered"] / duration_s, 1) if duration_s > 0 else None,
        "workers": [{k: p[k] for k in _WORKER_KEYS} for p in ordered],
        "missing_workers": list(missing_workers),
        "conflicts": conflicts,
        "undelivered": [u for p in ordered for u in p["undelivered"]],
        "expected": expected,
    }


def render_summary(report: Mapping[str, Any]) -> list[str]:
    """The end summary: the report's counts as aligned lines."""
    workers = report["workers"]
    busy = ", ".join(f"#{w['index']} {w['delivered']:,}" for w in workers) or "none"
    bad = {k: report[k] for k in ("dead", "held", "interrupted") if report[k]}
    if report["ok"]:
        head = f"swarm finished: all {report['delivered']:,} events delivered"
    elif report["missing_workers"]:
        missing = ", ".join(f"#{i}" for i in report["missing_workers"])
        head = f"swarm finished without the counts of worker {missing}"
    else:
        problems = ", ".join(f"{n:,} {k}" for k, n in bad.items()) or "events undelivered"
        head = f"swarm finished with {problems}"
    rate = report["events_per_s"]
    speed = "-" if rate is None else f"{rate:,.1f} events/s over {report['duration_s']:.1f} s"
    rows = [
        ("events", f"{report['events']:,} from {report['users']:,} users"),
        ("delivered", f"{report['delivered']:,}"),
        ("retried", f"{report['retried']:,} retries of {report['attempts']:,} attempts"),
        ("dead", f"{report['dead']:,}"),
        ("held", f"{report['held']:,}"),
        ("interrupted", f"{report['interrupted']:,}"),
        ("rate", speed),
        ("workers", f"{len(workers)}: delivered {busy}"),
    ]
    width = max(len(k) for k, _ in rows)
    return [head, *(f"  {k.ljust(width)}  {v}" for k, v in rows)]
