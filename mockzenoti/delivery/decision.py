"""The retry decision: what becomes of a delivery after one attempt.

One pure function, ``decide``, used by the engine and by anything else that
sends webhooks the way mockzenoti does (the Locust users, under gevent). It
does no I/O, reads no clock and imports neither asyncio nor aiohttp: give it
the attempt's result, how many attempts the delivery has had in this round,
the retry policy, the target's state and the time, and it says what happens
next.

Outcomes of an attempt (``AttemptResult.outcome``) and whether each is retried:

========================= ============ ==========================================
what happened             outcome      retried?
========================= ============ ==========================================
2xx                       success      no (delivered)
3xx (never followed)      redirect     no, unless listed in ``retry_statuses``
408, 429                  client_error yes
other 4xx                 client_error no, unless listed in ``retry_statuses``
5xx and others            server_error yes
no answer within timeout  timeout      yes
refused, reset, closed    connection   yes
a malformed answer        protocol     yes
========================= ============ ==========================================

``decide(result, attempts, policy, target, now, *, rng, retry_scale, scale_retry_after)``:

- ``success``: ``delivered``; the target's consecutive failures go back to 0.
- a retried outcome with retries left (``attempts <= policy.max_retries``,
  ``attempts`` counting this one): ``retry`` at ``now + wait``, or ``held``
  when the target is no longer active. The wait is the policy's
  (``policy.base_wait(attempts, rng)``, times ``retry_scale``) unless the
  answer carried ``Retry-After: r``; then it is ``min(r, policy.retry_after_max)``
  seconds in real time, times ``retry_scale`` only with ``scale_retry_after``.
- otherwise ``dead``: the target's consecutive failures go up by one, and
  reaching ``deactivate_after`` (when not 0) deactivates an active target.

An attempt whose whole request was written and that then got no answer (the
connection closed or reset: outcome ``connection``) may have reached the
receiver: the decision flags it ``possible_duplicate``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Literal, NamedTuple

from mockzenoti.delivery.policy import RetryPolicy

__all__ = [
    "ALWAYS_RETRIED",
    "OUTCOMES",
    "AttemptResult",
    "Decision",
    "TargetState",
    "classify",
    "decide",
    "parse_retry_after",
    "retryable",
]

#: Every outcome an attempt can have, as written to the attempt log.
OUTCOMES = (
    "success",
    "redirect",
    "client_error",
    "server_error",
    "timeout",
    "connection",
    "protocol",
)
#: 4xx statuses retried whatever the target says.
ALWAYS_RETRIED = frozenset({408, 429})
_NO_ANSWER = frozenset({"timeout", "connection", "protocol"})

Kind = Literal["delivered", "retry", "dead", "held"]
WaitFrom = Literal["policy", "retry-after"]


class AttemptResult(NamedTuple):
    """What one request got.

    - ``outcome``: one of ``OUTCOMES``; ``status``: the HTTP status, if an answer came;
    - ``error``: what went wrong when no (well-formed) answer came;
    - ``latency``: seconds from sending to the answer (or the failure);
    - ``response``: the first bytes of the answer's body, as text;
    - ``retry_after``: seconds the receiver asked to wait (``Retry-After``), if it did;
    - ``written``: the whole request was handed to the network (the receiver may have it).
    """

    outcome: str
    status: int | None
    error: str | None
    latency: float
    response: str | None
    retry_after: float | None = None
    written: bool = True

    @property
    def delivered(self) -> bool:
        """True for a 2xx answer."""
        return self.outcome == "success"


class TargetState(NamedTuple):
    """What the decision needs to know of the target at the time of the attempt.

    ``failures``: dead deliveries in a row so far; ``deactivate_after``: the
    count that deactivates it (0: never); ``retry_statuses``: 3xx/4xx statuses
    it retries anyway.
    """

    active: bool = True
    failures: int = 0
    deactivate_after: int = 20
    retry_statuses: frozenset[int] = frozenset()


class Decision(NamedTuple):
    """What happens next (see the module docstring).

    - ``kind``: ``delivered``, ``retry``, ``dead`` or ``held``;
    - ``at`` and ``wait``: when the retry is due (clock seconds) and the wait
      before it, for ``retry`` (None otherwise); ``wait_from``: ``policy`` or
      ``retry-after`` (the receiver's ``Retry-After`` set it);
    - ``failures``: the target's consecutive dead deliveries after this one;
      ``deactivate``: this one deactivates the target;
    - ``possible_duplicate``: the receiver may have the request although no answer came.
    """

    kind: Kind
    at: float | None = None
    wait: float | None = None
    wait_from: WaitFrom | None = None
    failures: int = 0
    deactivate: bool = False
    possible_duplicate: bool = False


_DELIVERED = Decision("delivered", failures=0)


def classify(status: int, retry_statuses: frozenset[int] = frozenset()) -> tuple[str, bool]:
    """``(outcome, retried)`` for an HTTP status."""
    if 200 <= status < 300:
        return "success", False
    if 300 <= status < 400:
        return "redirect", status in retry_statuses
    if 400 <= status < 500:
        return "client_error", status in ALWAYS_RETRIED or status in retry_statuses
    return "server_error", True


def retryable(outcome: str, status: int | None, retry_statuses: frozenset[int]) -> bool:
    """True when a failed attempt with this outcome and status is retried (budget permitting)."""
    if outcome in _NO_ANSWER:
        return True
    if status is None:
        return False
    return classify(status, retry_statuses)[1]


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date), or None.

    ``now`` (seconds since the epoch) is the time an HTTP date is counted from;
    a date in the past is 0 seconds. A value that is neither form is None.
    """
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds and seconds != float("inf") else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


def decide(
    result: AttemptResult,
    attempts: int,
    policy: RetryPolicy,
    target: TargetState,
    now: float,
    *,
    rng: random.Random | Callable[[], random.Random] | None = None,
    retry_scale: float = 1.0,
    scale_retry_after: bool = False,
) -> Decision:
    """What happens after an attempt: delivered, retry at a time, dead, or held.

    - ``result``: the attempt's ``AttemptResult`` (outcome, status, Retry-After
      seconds if any, whether the whole request was written);
    - ``attempts``: the delivery's attempts in this round, this one included
      (a redelivery starts a new round with a fresh budget);
    - ``policy``: the target's ``RetryPolicy``;
    - ``target``: the target's ``TargetState`` (active, consecutive failures,
      deactivation threshold, statuses retried anyway);
    - ``now``: the time (clock seconds) the retry is counted from;
    - ``rng``: draws the policy's jitter (seed it for repeatable waits), or a
      function that makes one, called only when a policy wait is drawn;
    - ``retry_scale``: multiplies the policy's waits; a ``Retry-After`` only
      with ``scale_retry_after``.

    Returns a ``Decision``; see the module docstring for the rules.
    """
    if result.outcome == "success":
        return _DELIVERED
    if attempts < 1:
        raise ValueError("attempts counts the attempt just made: at least 1")
    duplicate = result.outcome == "connection" and result.written
    if retryable(result.outcome, result.status, target.retry_statuses) and (
        attempts <= policy.max_retries
    ):
        if not target.active:
            return Decision("held", failures=target.failures, possible_duplicate=duplicate)
        wait_from: WaitFrom
        if result.retry_after is not None:
            wait = min(max(result.retry_after, 0.0), policy.retry_after_max)
            wait_from = "retry-after"
            if scale_retry_after:
                wait *= retry_scale
        else:
            draws = rng() if callable(rng) else rng
            wait = policy.base_wait(attempts, draws) * retry_scale
            wait_from = "policy"
        return Decision(
            "retry",
            at=now + wait,
            wait=wait,
            wait_from=wait_from,
            failures=target.failures,
            possible_duplicate=duplicate,
        )
    failures = target.failures + 1
    threshold = target.deactivate_after
    deactivate = target.active and bool(threshold) and failures >= threshold
    return Decision("dead", failures=failures, deactivate=deactivate, possible_duplicate=duplicate)
