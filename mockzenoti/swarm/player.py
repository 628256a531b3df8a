"""``ShardPlayer``: one Locust user's loop, an event at a time, each to its end.

The player takes the shard's next event, signs it with the target's
``Signer`` and sends it through a ``post`` callable (the Locust user's HTTP
client); after each attempt the retry decision (``mockzenoti.delivery.decision``,
the same function as the engine's) says what comes next: delivered, retry at
a time (the player waits through a ``wait`` callable, gevent's in Locust),
dead, or held. Only then does the next event go, so a shard's events leave
in the order its world made them, and every entity's lifecycle with them.

``SwarmTarget`` is the webhook as one worker process sees it: URL, signing,
retry policy and its state (consecutive dead deliveries; deactivated after
``deactivate_after`` of them, as Zenoti deactivates a webhook). All users of
a process share it. Once it is inactive, a player sends nothing more.

Plain Python: no gevent, no asyncio, no HTTP here.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mockzenoti import __version__
from mockzenoti.delivery.decision import AttemptResult, Decision, TargetState, decide
from mockzenoti.delivery.policy import RetryPolicy, parse_policy
from mockzenoti.delivery.signing import Scheme, Signer
from mockzenoti.event import Event
from mockzenoti.scenarios import Simulation
from mockzenoti.swarm.shards import Shard

__all__ = ["USER_AGENT", "Post", "ShardPlayer", "SwarmTarget", "Tally", "Wait"]

USER_AGENT = f"mockzenoti/{__version__} (Zenoti webhook mock)"

#: ``post(event, body, headers) -> AttemptResult``: one HTTP attempt.
Post = Callable[[Event, bytes, dict[str, str]], AttemptResult]
#: ``wait(seconds) -> bool``: False when the swarm is stopping and the wait was cut short.
Wait = Callable[[float], bool]

_UNDELIVERED = ("dead", "held", "interrupted")


@dataclass(slots=True)
class Tally:
    """Counts of what one or more shards did.

    ``events``: events taken from the stream; ``attempts``: requests sent
    (``retried`` of them were retries); ``delivered``, ``dead``, ``held`` and
    ``interrupted`` (waiting for a retry when the swarm stopped) add up to
    ``events`` once nothing is under way; ``possible_duplicates``: attempts
    whose request was written but got no answer; ``outcomes``: attempts by
    outcome.
    """

    events: int = 0
    attempts: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    held: int = 0
    interrupted: int = 0
    possible_duplicates: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def add(self, other: Tally | Mapping[str, Any]) -> None:
        """Add ``other``'s counts (a tally or its ``as_dict()``) to these."""
        values = other.as_dict() if isinstance(other, Tally) else other
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + int(values.get(name, 0)))
        for outcome, n in dict(values.get("outcomes", {})).items():
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + int(n)

    def as_dict(self) -> dict[str, Any]:
        """The counts as a JSON-ready dict."""
        out: dict[str, Any] = {name: getattr(self, name) for name in _COUNTS}
        out["outcomes"] = dict(sorted(self.outcomes.items()))
        return out


_COUNTS = (
    "events",
    "attempts",
    "delivered",
    "retried",
    "dead",
    "held",
    "interrupted",
    "possible_duplicates",
)


class SwarmTarget:
    """The webhook as one worker process sees it: where, signed how, retried how, its state."""

    def __init__(
        self,
        url: str,
        *,
        secrets: tuple[str, ...] = (),
        signing: Scheme | None = None,
        retry: str | RetryPolicy = "zenoti",
        retry_scale: float = 1.0,
        scale_retry_after: bool = False,
        timeout: float = 10.0,
        deactivate_after: int = 20,
        method: str = "POST",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        scheme: Scheme = signing or ("zenoti" if secrets else "none")
        self.url = url
        self.signer = Signer(scheme, secrets, field="--secret")
        self.policy = parse_policy(retry, field="--retry")
        if retry_scale < 0:
            raise ValueError("retry_scale must not be negative")
        self.retry_scale = retry_scale
        self.scale_retry_after = scale_retry_after
        self.timeout = timeout
        self.method = method.upper()
        self.headers = {
            "User-Agent": USER_AGENT,
            "Accept": "*/*",
            "Content-Type": "application/json",
            **dict(headers or {}),
        }
        self.state = TargetState(deactivate_after=deactivate_after)

    @property
    def active(self) -> bool:
        """False once ``deactivate_after`` deliveries in a row went dead."""
        return self.state.active

    def settle(self, decision: Decision) -> None:
        """Take in a decision's effect on the target (failures in a row, deactivation)."""
        self.state = self.state._replace(
            failures=decision.failures, active=self.state.active and not decision.deactivate
        )


class ShardPlayer:
    """Plays one shard's stream to a ``SwarmTarget``: ``play(post, wait)`` sends one event.

    ``tally`` counts what happened; ``undelivered`` lists every event that
    went dead, was held or was interrupted, with its envelope, so that it can
    be replayed (``mockzenoti replay``). ``busy`` is True while an event is
    under way. ``clock`` gives the time in seconds (``time.time``).
    """

    def __init__(
        self,
        shard: Shard,
        simulation: Simulation,
        target: SwarmTarget,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.shard = shard
        self.simulation = simulation
        self.target = target
        self.clock = clock
        self.tally = Tally()
        self.undelivered: list[dict[str, Any]] = []
        self.busy = False
        self.ended = False  # the stream has no more events (a finite scenario)
        self._tries = 0  # attempts of the event under way, and its last result
        self._last: AttemptResult | None = None
        self._rng = random.Random(f"mockzenoti:retries:{shard.stream_seed}")

    def play(self, post: Post, wait: Wait) -> str | None:
        """Send the next event until it is delivered, dead, held or interrupted; return which.

        None when nothing was sent: the stream has ended or the target is inactive.
        """
        if not self.target.active or self.ended:
            return None
        event = next(self.simulation, None)
        if event is None:
            self.ended = True
            return None
        self.busy = True
        try:
            return self._deliver(event, post, wait)
        finally:
            self.busy = False

    def _deliver(self, event: Event, post: Post, wait: Wait) -> str:
        self.tally.events += 1
        self._tries, self._last = 0, None
        try:
            return self._attempts(event, post, wait)
        except BaseException:
            # Killed in the middle (a user stopped at once, Ctrl-C): the event is
            # interrupted, and the receiver may have its last request.
            self._give_up(
                event, "interrupted", self._tries, self._last, error="stopped while sending"
            )
            raise

    def _attempts(self, event: Event, post: Post, wait: Wait) -> str:
        tally, target = self.tally, self.target
        body = event.body()
        attempts = 0
        while True:
            attempts = self._tries = attempts + 1
            headers = {**target.headers, **target.signer.headers(body, event.id, self.clock())}
            result = self._last = post(event, body, headers)
            tally.attempts += 1
            tally.retried += attempts > 1
            tally.outcomes[result.outcome] = tally.outcomes.get(result.outcome, 0) + 1
            decision = decide(
                result,
                attempts,
                target.policy,
                target.state,
                self.clock(),
                rng=self._rng,
                retry_scale=target.retry_scale,
                scale_retry_after=target.scale_retry_after,
            )
            tally.possible_duplicates += decision.possible_duplicate
            target.settle(decision)
            kind: str = decision.kind
            if kind == "retry":
                assert decision.at is not None
                if wait(max(0.0, decision.at - self.clock())):
                    continue
                kind = "interrupted"
            if kind == "delivered":
                tally.delivered += 1
            else:
                self._give_up(event, kind, attempts, result)
            return kind

    def _give_up(
        self,
        event: Event,
        kind: str,
        attempts: int,
        result: AttemptResult | None,
        *,
        error: str | None = None,
    ) -> None:
        assert kind in _UNDELIVERED
        setattr(self.tally, kind, getattr(self.tally, kind) + 1)
        self.undelivered.append(
            {
                "shard": self.shard.name,
                "state": kind,
                "event_id": event.event_id,
                "id": event.id,
                "event_type": event.event_type,
                "attempts": attempts,
                "last_status": result.status if result is not None else None,
                "last_error": error or (result.error if result is not None else None),
                "envelope": event.payload,
            }
        )
