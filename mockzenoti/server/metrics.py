"""Counters for ``GET /metrics`` (Prometheus text) and the stream's periodic snapshots."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from mockzenoti.delivery import Metrics
from mockzenoti.server.stats import Stats

__all__ = ["Counters", "prometheus"]

PREFIX = "mockzenoti"


class Counters:
    """Builds snapshots of the live counters, with throughput since the previous snapshot."""

    def __init__(
        self,
        metrics: Metrics,
        stats: Stats,
        active_runs: Callable[[], int],
        clients: Callable[[], int],
    ) -> None:
        self.metrics = metrics
        self.stats = stats
        self._active_runs = active_runs
        self._clients = clients
        self._last: tuple[int, int, int, int] | None = None

    def _totals(self) -> tuple[int, int, int, int]:
        outcomes = self.metrics.outcomes
        return (
            self.metrics.accepted,
            sum(outcomes.values()),
            outcomes.get("success", 0),
            self.stats.events_generated + self.stats.events_posted,
        )

    def snapshot(self, elapsed: float | None = None) -> dict[str, Any]:
        """The counters now; with ``elapsed`` (seconds since the last one) also the rates."""
        m = self.metrics
        totals = self._totals()
        throughput = None
        if elapsed is not None:
            before = self._last if self._last is not None else totals
            rates = [(now - then) / elapsed for now, then in zip(totals, before, strict=True)]
            throughput = {
                "accepted_per_s": round(rates[0], 3),
                "attempts_per_s": round(rates[1], 3),
                "delivered_per_s": round(rates[2], 3),
                "generated_per_s": round(rates[3], 3),
            }
            self._last = totals
        mean = m.latency_sum / m.latency_count * 1000 if m.latency_count else None
        return {
            "type": "snapshot",
            "time": time.time(),
            "states": {k: v for k, v in m.states.items() if v},
            "attempts": dict(m.outcomes),
            "accepted": m.accepted,
            "events_generated": totals[3],
            "queue_depth": m.queue_depth,
            "possible_duplicates": m.possible_duplicates,
            "retry_after_waits": m.retry_after_waits,
            "active_runs": self._active_runs(),
            "clients": self._clients(),
            "latency": {"count": m.latency_count, "mean_ms": mean},
            "throughput": throughput,
        }


def _family(name: str, kind: str, help_text: str) -> list[str]:
    return [f"# HELP {PREFIX}_{name} {help_text}", f"# TYPE {PREFIX}_{name} {kind}"]


def prometheus(
    metrics: Metrics,
    stats: Stats,
    *,
    active_runs: int,
    runs_by_state: Mapping[str, int],
    outbox_states: Mapping[str, int],
    stream_clients: int,
    stream_dropped: int,
) -> str:
    """Everything in Prometheus' text exposition format (version 0.0.4)."""
    lines = [metrics.prometheus(PREFIX).rstrip("\n")]
    lines += _family(
        "events_generated_total", "counter", "Events generated (runs and POST /events)."
    )
    lines.append(f"{PREFIX}_events_generated_total {stats.events_generated + stats.events_posted}")
    lines += _family("events_posted_total", "counter", "Events sent with POST /events.")
    lines.append(f"{PREFIX}_events_posted_total {stats.events_posted}")
    lines += _family("active_runs", "gauge", "Runs delivering in this process.")
    lines.append(f"{PREFIX}_active_runs {active_runs}")
    lines += _family("runs", "gauge", "Runs in the outbox by state.")
    lines += [f'{PREFIX}_runs{{state="{k}"}} {v}' for k, v in sorted(runs_by_state.items())]
    lines += _family("outbox_deliveries", "gauge", "Deliveries in the outbox by state.")
    lines += [
        f'{PREFIX}_outbox_deliveries{{state="{k}"}} {v}' for k, v in sorted(outbox_states.items())
    ]
    lines += _family("stream_clients", "gauge", "Clients reading GET /stream.")
    lines.append(f"{PREFIX}_stream_clients {stream_clients}")
    lines += _family("stream_dropped", "gauge", "Changes dropped for slow stream clients.")
    lines.append(f"{PREFIX}_stream_dropped {stream_dropped}")
    lines += _family("uptime_seconds", "gauge", "Seconds since the server started.")
    lines.append(f"{PREFIX}_uptime_seconds {time.time() - stats.started_at:.3f}")
    return "\n".join(lines) + "\n"
