"""Watching deliveries: a feed of changes and live counters.

``Hub.subscribe(callback)`` or ``async for change in hub.listen()`` receive
small dicts, each with a ``type``:

- ``accepted``: ``run_id``, ``seq``, ``event_id``, ``event_type``, ``deliveries``
- ``attempt.started``: ``delivery`` (pk), ``delivery_id``, ``target``, ``n``
- ``attempt.finished``: the same plus ``outcome``, ``status``, ``error``, ``latency_ms``,
  ``wait`` (seconds before the next attempt; None when none follows)
- ``delivery.state``: ``delivery``, ``delivery_id``, ``event_id``, ``event_type``, ``target``,
  ``run_id``, ``state``, ``attempts``, ``next_at`` (a retrying one's next attempt)
- ``target.deactivated`` / ``target.reactivated``: ``target``
- ``run.finished``: ``run_id``, ``counts``

Nothing is built when nobody listens (the engine checks ``hub.active``).
``Metrics`` are always kept (a few integer additions per attempt).
"""

from __future__ import annotations

import asyncio
import bisect
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

from mockzenoti.delivery.outbox.schema import STATES

__all__ = ["LATENCY_BUCKETS", "Hub", "Metrics", "Subscription", "TargetHealth"]

Change = dict[str, Any]
#: Upper bounds (seconds) of the latency histogram, Prometheus style.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class TargetHealth:
    """How one target has been answering, for progress lines and warnings.

    ``attempts``, ``successes`` and ``timeouts`` count its finished attempts;
    ``failing`` counts the failed ones since its last success; ``last_error``
    is the last failure (the status, or the error text such as
    ``connection refused: ...``), ``last_failure_at`` when it was;
    ``next_retry_at`` is the soonest retry scheduled for it that was still
    ahead when it was scheduled (engine-clock seconds; it may have passed).
    """

    __slots__ = (
        "attempts",
        "failing",
        "last_error",
        "last_failure_at",
        "last_outcome",
        "next_retry_at",
        "successes",
        "timeouts",
    )

    def __init__(self) -> None:
        self.attempts = 0
        self.successes = 0
        self.timeouts = 0
        self.failing = 0
        self.last_outcome: str | None = None
        self.last_error: str | None = None
        self.last_failure_at: float | None = None
        self.next_retry_at: float | None = None

    def answered(self, outcome: str, status: int | None, error: str | None, at: float) -> None:
        """Count one finished attempt."""
        self.attempts += 1
        self.last_outcome = outcome
        if outcome == "success":
            self.successes += 1
            self.failing = 0
            return
        self.failing += 1
        if outcome == "timeout":
            self.timeouts += 1
        self.last_error = error or (f"HTTP {status}" if status is not None else outcome)
        self.last_failure_at = at

    def retry_at(self, when: float, now: float) -> None:
        """A retry is due at ``when``: keep the soonest one still ahead."""
        due = self.next_retry_at
        if due is None or due <= now or when < due:
            self.next_retry_at = when


class Metrics:
    """Live counters: deliveries by state, attempts by outcome, latency histogram, queue depth.

    ``states`` counts the deliveries this process has seen in each state
    (moving a delivery decrements its old state). ``queue_depth`` is supplied
    by the engines (deliveries waiting: queued, ordering-blocked or retrying).
    ``targets`` holds each target's ``TargetHealth`` (by name).
    """

    def __init__(self) -> None:
        self.states: dict[str, int] = dict.fromkeys(STATES, 0)
        self.outcomes: Counter[str] = Counter()
        self.bucket_counts = [0] * (len(LATENCY_BUCKETS) + 1)
        self.latency_sum = 0.0
        self.latency_count = 0
        self.accepted = 0
        self.possible_duplicates = 0
        self.retry_after_waits = 0  # retries whose wait a receiver's Retry-After set
        self.targets: dict[str, TargetHealth] = {}
        self._depth: dict[int, Callable[[], int]] = {}

    def health(self, target: str) -> TargetHealth:
        """The ``TargetHealth`` of ``target`` (made on first use)."""
        found = self.targets.get(target)
        if found is None:
            found = self.targets[target] = TargetHealth()
        return found

    def move(self, old: str | None, new: str) -> None:
        """Count a delivery entering ``new`` (and leaving ``old``)."""
        if old is not None:
            self.states[old] -= 1
        self.states[new] += 1

    def observe(self, outcome: str, latency: float) -> None:
        """Count an attempt's outcome and latency (seconds)."""
        self.outcomes[outcome] += 1
        self.bucket_counts[bisect.bisect_left(LATENCY_BUCKETS, latency)] += 1
        self.latency_sum += latency
        self.latency_count += 1

    def add_depth_source(self, key: int, source: Callable[[], int]) -> None:
        """Register an engine's queue-depth function (removed with ``drop_depth_source``)."""
        self._depth[key] = source

    def drop_depth_source(self, key: int) -> None:
        """Forget a depth function."""
        self._depth.pop(key, None)

    @property
    def queue_depth(self) -> int:
        """Deliveries waiting in every running engine."""
        return sum(f() for f in self._depth.values())

    def snapshot(self) -> dict[str, Any]:
        """A JSON-ready copy: cumulative histogram buckets as ``[[le, count], ...]``."""
        cumulative, running = [], 0
        for le, n in zip((*LATENCY_BUCKETS, "+Inf"), self.bucket_counts, strict=True):
            running += n
            cumulative.append([le, running])
        return {
            "states": {k: v for k, v in self.states.items() if v},
            "attempts": dict(self.outcomes),
            "latency": {
                "buckets": cumulative,
                "sum": self.latency_sum,
                "count": self.latency_count,
            },
            "accepted": self.accepted,
            "possible_duplicates": self.possible_duplicates,
            "retry_after_waits": self.retry_after_waits,
            "queue_depth": self.queue_depth,
        }

    def prometheus(self, prefix: str = "mockzenoti") -> str:
        """The counters in Prometheus' text exposition format."""
        snap = self.snapshot()
        lines = [f"# TYPE {prefix}_deliveries gauge"]
        lines += [
            f'{prefix}_deliveries{{state="{k}"}} {v}' for k, v in sorted(snap["states"].items())
        ]
        lines.append(f"# TYPE {prefix}_attempts_total counter")
        lines += [
            f'{prefix}_attempts_total{{outcome="{k}"}} {v}'
            for k, v in sorted(self.outcomes.items())
        ]
        lines.append(f"# TYPE {prefix}_attempt_latency_seconds histogram")
        for le, n in snap["latency"]["buckets"]:
            lines.append(f'{prefix}_attempt_latency_seconds_bucket{{le="{le}"}} {n}')
        lines.append(f"{prefix}_attempt_latency_seconds_sum {self.latency_sum}")
        lines.append(f"{prefix}_attempt_latency_seconds_count {self.latency_count}")
        lines.append(f"# TYPE {prefix}_accepted_total counter")
        lines.append(f"{prefix}_accepted_total {self.accepted}")
        lines.append(f"# TYPE {prefix}_queue_depth gauge")
        lines.append(f"{prefix}_queue_depth {snap['queue_depth']}")
        return "\n".join(lines) + "\n"


class Subscription:
    """An async iterator of changes with a bounded buffer.

    When the buffer is full the newest change is dropped and ``dropped``
    counts it, so a slow reader never slows delivery down. ``close()`` (or
    leaving ``async with``) ends the iteration.
    """

    def __init__(self, hub: Hub, maxsize: int) -> None:
        self._hub = hub
        self._queue: asyncio.Queue[Change | None] = asyncio.Queue(maxsize)
        self._closed = False
        self.dropped = 0

    def push(self, change: Change) -> None:
        """Buffer a change, or count it as dropped when the buffer is full."""
        try:
            self._queue.put_nowait(change)
        except asyncio.QueueFull:
            self.dropped += 1

    def close(self) -> None:
        """Stop listening; the iteration ends after the buffered changes."""
        if self._hub.unsubscribe(self.push):
            self._closed = True
            if self._queue.empty():
                self._queue.put_nowait(None)  # wakes a reader waiting on an empty buffer

    def __aiter__(self) -> AsyncIterator[Change]:
        return self

    async def __anext__(self) -> Change:
        if self._closed and self._queue.empty():
            raise StopAsyncIteration
        change = await self._queue.get()
        if change is None:
            raise StopAsyncIteration
        return change

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


class Hub:
    """Fan-out of changes to subscribers, plus the ``Metrics`` they share."""

    def __init__(self, metrics: Metrics | None = None) -> None:
        self.metrics = metrics or Metrics()
        self._subscribers: list[Callable[[Change], None]] = []
        #: True when someone listens (the engine builds changes only then).
        self.active = False

    def subscribe(self, callback: Callable[[Change], None]) -> Callable[[], bool]:
        """Call ``callback(change)`` for every change; returns an unsubscribe function.

        Callbacks run in the engine's task: keep them quick and non-blocking.
        """
        self._subscribers.append(callback)
        self.active = True
        return lambda: self.unsubscribe(callback)

    def unsubscribe(self, callback: Callable[[Change], None]) -> bool:
        """Stop calling ``callback``; False if it was not subscribed."""
        try:
            self._subscribers.remove(callback)
        except ValueError:
            return False
        self.active = bool(self._subscribers)
        return True

    def listen(self, maxsize: int = 10_000) -> Subscription:
        """An async iterator of changes from now on (``async with hub.listen() as feed``)."""
        sub = Subscription(self, maxsize)
        self._subscribers.append(sub.push)
        self.active = True
        return sub

    def emit(self, change: Change) -> None:
        """Send a change to every subscriber."""
        for callback in tuple(self._subscribers):
            callback(change)
