"""The one transition: a delivery's state changes here, and only here.

``Ledger.move(job, state)`` updates, together, the four places a delivery's
state lives: the job in memory, the live counters (``Metrics.states``), the
outbox row (staged for the next group commit) and the live feed
(``delivery.state``). Every other part of the engine (intake, the attempt
loop, the user's actions) asks the ledger; none of them writes a state.

The ledger also writes the attempt log (``attempt``: the row, the latency
histogram, ``attempt.finished``) and counts possible duplicates.

Two moments are not changes but entries, and are counted here too: a
delivery written by an accept transaction enters in its first state
(``entered``), and one read back from the outbox is counted in its stored
state (``loaded``).
"""

from __future__ import annotations

from typing import Any

from mockzenoti import jsonfast
from mockzenoti.delivery.clock import Clock
from mockzenoti.delivery.committer import Committer
from mockzenoti.delivery.decision import AttemptResult, Decision
from mockzenoti.delivery.live import Job, LiveTarget
from mockzenoti.delivery.observe import Hub
from mockzenoti.event import Event

__all__ = ["Ledger"]


class Ledger:
    """Where deliveries change state and attempts are logged (see the module docstring)."""

    __slots__ = ("_committer", "_hub", "_metrics", "clock")

    def __init__(self, committer: Committer, hub: Hub, clock: Clock) -> None:
        self._committer = committer
        self._hub = hub
        self._metrics = hub.metrics
        self.clock = clock

    # -- states -------------------------------------------------------------------------------

    def move(self, job: Job, state: str, now: float | None = None) -> None:
        """``job`` enters ``state``: job, counters, outbox row and feed, together."""
        states = self._metrics.states
        states[job.state] -= 1
        states[state] += 1
        job.state = state
        when = self.clock.now() if now is None else now
        if state == "retrying" and job.next_at is not None:
            self._metrics.health(job.target).retry_at(job.next_at, when)
        self._committer.staged().updates[job.pk] = (
            state,
            job.attempts,
            job.round_base,
            job.next_at,
            job.last_status,
            job.last_error,
            when,
            job.pk,
        )
        if self._hub.active:
            self._hub.emit(job.state_change(state))

    def entered(self, state: str, count: int = 1) -> None:
        """``count`` deliveries were written in ``state`` by an accept transaction."""
        self._metrics.states[state] += count

    def announce(self, jobs: list[Job]) -> None:
        """After their accept transaction: the feed hears of jobs that entered ``delivering``."""
        hub = self._hub
        if hub.active:
            for job in jobs:
                hub.emit(job.state_change(job.state))

    def accepted(
        self, run_id: int | None, events: list[Event], deliveries: list[list[Any]]
    ) -> None:
        """After their accept transaction: the feed hears of each event and its delivery count."""
        hub = self._hub
        if hub.active:
            for ev, hits in zip(events, deliveries, strict=True):
                hub.emit(
                    {
                        "type": "accepted",
                        "run_id": run_id,
                        "seq": ev.seq,
                        "event_id": ev.event_id,
                        "event_type": ev.event_type,
                        "deliveries": len(hits),
                    }
                )

    def loaded(self, job: Job) -> None:
        """``job`` was read back from the outbox in its stored state."""
        self._metrics.states[job.state] += 1

    # -- attempts -----------------------------------------------------------------------------

    def starting(self, job: Job) -> float:
        """Announce attempt ``job.attempts``; returns its start time."""
        if self._hub.active:
            self._hub.emit(
                {
                    "type": "attempt.started",
                    "delivery": job.pk,
                    "delivery_id": job.delivery_id,
                    "target": job.target,
                    "n": job.attempts,
                }
            )
        return self.clock.now()

    def attempt(
        self,
        job: Job,
        at: float,
        result: AttemptResult,
        chaos: dict[str, Any] | None,
        decision: Decision | None = None,
    ) -> None:
        """Log attempt ``job.attempts``: its row, the counters, the feed, a possible duplicate."""
        n = job.attempts
        job.last_status = result.status
        job.last_error = result.error
        latency_ms = round(result.latency * 1000, 3)
        wait = wait_from = None
        if decision is not None and decision.kind == "retry":
            wait, wait_from = decision.wait, decision.wait_from
        batch = self._committer.staged()
        batch.attempts.append(
            (
                job.pk,
                n,
                at,
                result.outcome,
                result.status,
                result.error,
                latency_ms,
                result.response,
                jsonfast.dumps(chaos).decode() if chaos else None,
                wait,
                wait_from,
            )
        )
        metrics = self._metrics
        metrics.observe(result.outcome, result.latency)
        metrics.health(job.target).answered(result.outcome, result.status, result.error, at)
        if wait_from == "retry-after":
            metrics.retry_after_waits += 1
        if decision is not None and decision.possible_duplicate:
            batch.duplicates[job.pk] = batch.duplicates.get(job.pk, 0) + 1
            if job.run_id is not None:
                runs = batch.run_duplicates
                runs[job.run_id] = runs.get(job.run_id, 0) + 1
            metrics.possible_duplicates += 1
        if self._hub.active:
            self._hub.emit(
                {
                    "type": "attempt.finished",
                    "delivery": job.pk,
                    "delivery_id": job.delivery_id,
                    "target": job.target,
                    "n": n,
                    "outcome": result.outcome,
                    "status": result.status,
                    "error": result.error,
                    "latency_ms": latency_ms,
                    "chaos": chaos or None,
                    "wait": wait,
                }
            )

    # -- targets ------------------------------------------------------------------------------

    def target(self, live: LiveTarget, now: float | None = None) -> None:
        """Stage ``live``'s state (active, consecutive failures) for its outbox row."""
        when = self.clock.now() if now is None else now
        self._committer.staged().targets[live.name] = live.row(when)
