"""Delivering events like Zenoti does: retries, signatures, a durable outbox.

The public API, for the CLI, the server and the pytest plugin:

- ``Target`` (targets.py): a URL and its settings; ``RetryPolicy`` and
  ``parse_policy`` (policy.py); ``DeliveryOptions`` and ``Chaos``.
- ``run_stream`` and ``drain`` (runner.py): deliver a deterministic stream
  as a resumable run, or the outbox's backlog; ``RunReport``/``DrainReport``;
  ``run(coro)`` runs them on uvloop when installed.
- ``Engine`` (engine.py): the same, long-lived, plus ``reactivate``,
  ``deactivate``, ``redeliver``, ``discard`` while it runs.
- ``Outbox`` (outbox/): the SQLite outbox, its queries and the user's actions.
- ``Hub`` and ``Metrics`` (observe.py): the changes feed and live counters.
- ``client_session`` and ``ping`` (send.py): the process's HTTP session and
  Zenoti's test button. ``FakeClock``/``RealClock`` (clock.py).
"""

from __future__ import annotations

from mockzenoti.delivery.chaos import Chaos
from mockzenoti.delivery.clock import Clock, FakeClock, RealClock
from mockzenoti.delivery.engine import Engine
from mockzenoti.delivery.observe import Hub, Metrics, Subscription
from mockzenoti.delivery.options import DeliveryOptions
from mockzenoti.delivery.outbox import STATES, Outbox
from mockzenoti.delivery.pacing import parse_pace
from mockzenoti.delivery.policy import FAST, NONE, STANDARD, ZENOTI, RetryPolicy, parse_policy
from mockzenoti.delivery.reports import DrainReport, RunReport
from mockzenoti.delivery.runner import drain, open_outbox, run, run_stream
from mockzenoti.delivery.send import AttemptResult, client_session, ping
from mockzenoti.delivery.signing import Signer, verify, zenoti_signature
from mockzenoti.delivery.targets import Target

__all__ = [
    "FAST",
    "NONE",
    "STANDARD",
    "STATES",
    "ZENOTI",
    "AttemptResult",
    "Chaos",
    "Clock",
    "DeliveryOptions",
    "DrainReport",
    "Engine",
    "FakeClock",
    "Hub",
    "Metrics",
    "Outbox",
    "RealClock",
    "RetryPolicy",
    "RunReport",
    "Signer",
    "Subscription",
    "Target",
    "client_session",
    "drain",
    "open_outbox",
    "parse_pace",
    "parse_policy",
    "ping",
    "run",
    "run_stream",
    "verify",
    "zenoti_signature",
]
