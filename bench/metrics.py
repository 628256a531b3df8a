"""Arithmetic the measurements share: percentiles, send gaps, rates from counters.

Plain functions on plain data, unit-tested in ``tests/test_bench_helpers.py``.
Times are integer nanoseconds of ``time.monotonic_ns()``; on Linux that clock
(CLOCK_MONOTONIC) is the same in every process, so instants taken by the
receiver and by the orchestrator can be compared.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["ReceiverStats", "gap_stats", "median", "percentile", "rate_accuracy", "rate_between"]


@dataclass(frozen=True, slots=True)
class ReceiverStats:
    """The receiver's counters at one instant (``GET /stats``).

    ``requests`` and ``bytes`` count POST/PUT/PATCH requests and their body
    bytes since the receiver started; ``at_ns`` is the receiver's monotonic
    clock when it answered; ``last_ns`` when the last counted request arrived
    (0 before the first).
    """

    requests: int
    bytes: int
    at_ns: int
    last_ns: int = 0

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> ReceiverStats:
        """Read the ``GET /stats`` document."""
        return cls(int(doc["requests"]), int(doc["bytes"]), int(doc["at_ns"]), int(doc["last_ns"]))


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0 to 100) of ``values``, interpolating linearly.

    ``values`` need not be sorted; raises ``ValueError`` when empty.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def median(values: Sequence[float]) -> float:
    """The median of ``values`` (the 50th percentile)."""
    return percentile(values, 50)


def rate_between(before: ReceiverStats, after: ReceiverStats, *, by_last: bool = False) -> float:
    """Requests per second the receiver counted between two snapshots.

    With ``by_last`` the interval ends at the last arrival instead of at the
    second snapshot, which leaves out the idle time after a sender finished.
    """
    end = after.last_ns if by_last else after.at_ns
    elapsed = (end - before.at_ns) / 1e9
    if elapsed <= 0:
        raise ValueError("the second snapshot is not later than the first")
    return (after.requests - before.requests) / elapsed


def gap_stats(arrivals_ns: Sequence[int]) -> dict[str, float]:
    """Spread of the gaps between consecutive arrivals, in milliseconds.

    Returns ``n`` (arrivals), ``rate_per_s`` (``(n - 1)`` gaps over the span),
    ``mean_gap_ms``, ``p50_gap_ms``, ``p99_gap_ms``, ``max_gap_ms``. Arrivals are
    sorted first (concurrent requests may be recorded out of order).
    """
    if len(arrivals_ns) < 2:
        raise ValueError("need at least two arrivals to measure gaps")
    ordered = sorted(arrivals_ns)
    gaps = [(b - a) / 1e6 for a, b in itertools.pairwise(ordered)]
    span_s = (ordered[-1] - ordered[0]) / 1e9
    return {
        "n": len(ordered),
        "rate_per_s": len(gaps) / span_s if span_s > 0 else math.inf,
        "mean_gap_ms": sum(gaps) / len(gaps),
        "p50_gap_ms": percentile(gaps, 50),
        "p99_gap_ms": percentile(gaps, 99),
        "max_gap_ms": max(gaps),
    }


def rate_accuracy(achieved: float, target: float) -> float:
    """How far ``achieved`` is from ``target``, in percent of the target (always >= 0)."""
    if target <= 0:
        raise ValueError("target rate must be positive")
    return abs(achieved - target) / target * 100
