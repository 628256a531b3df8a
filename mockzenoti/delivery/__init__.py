"""Delivering events like Zenoti does: retries, signatures, a durable outbox.

The public API, for the CLI, the server and the pytest plugin:

- ``Target`` (targets.py): a URL and its settings; ``RetryPolicy`` and
  ``parse_policy`` (policy.py); ``DeliveryOptions`` and ``Chaos``.
- ``decide`` (decision.py): the retry decision after one attempt, pure.
- ``run_stream`` and ``drain`` (runner.py): deliver a deterministic stream
  as a resumable run, or the outbox's backlog; ``RunReport``/``DrainReport``;
  ``run(coro)`` runs them on uvloop when installed.
- ``Engine`` (engine.py): the same, long-lived, plus ``reactivate``,
  ``deactivate``, ``redeliver``, ``discard`` while it runs.
- ``Outbox`` (outbox/): the SQLite outbox, its queries and the user's actions.
- ``Hub`` and ``Metrics`` (observe.py): the changes feed and live counters.
- ``client_session`` and ``ping`` (client.py): the process's aiohttp session
  and Zenoti's test button. ``FakeClock``/``RealClock`` (clock.py).

Names are imported when first used: ``import mockzenoti.delivery.decision``
(or ``.policy``) loads neither asyncio nor aiohttp, so a gevent process can
use the retry decision.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockzenoti.delivery.chaos import Chaos
    from mockzenoti.delivery.client import client_session, ping
    from mockzenoti.delivery.clock import Clock, FakeClock, RealClock
    from mockzenoti.delivery.decision import AttemptResult, Decision, TargetState, decide
    from mockzenoti.delivery.engine import Engine
    from mockzenoti.delivery.observe import Hub, Metrics, Subscription
    from mockzenoti.delivery.options import DeliveryOptions
    from mockzenoti.delivery.outbox import STATES, Outbox
    from mockzenoti.delivery.pacing import parse_pace
    from mockzenoti.delivery.policy import (
        FAST,
        NONE,
        STANDARD,
        ZENOTI,
        RetryPolicy,
        parse_policy,
    )
    from mockzenoti.delivery.reports import DrainReport, RunReport
    from mockzenoti.delivery.runner import drain, open_outbox, run, run_stream
    from mockzenoti.delivery.signing import Signer, verify, zenoti_signature
    from mockzenoti.delivery.targets import Target

#: Public name -> the module that defines it.
_WHERE = {
    "Chaos": "chaos",
    "Clock": "clock",
    "FakeClock": "clock",
    "RealClock": "clock",
    "AttemptResult": "decision",
    "Decision": "decision",
    "TargetState": "decision",
    "decide": "decision",
    "Engine": "engine",
    "Hub": "observe",
    "Metrics": "observe",
    "Subscription": "observe",
    "DeliveryOptions": "options",
    "STATES": "outbox",
    "Outbox": "outbox",
    "parse_pace": "pacing",
    "FAST": "policy",
    "NONE": "policy",
    "STANDARD": "policy",
    "ZENOTI": "policy",
    "RetryPolicy": "policy",
    "parse_policy": "policy",
    "DrainReport": "reports",
    "RunReport": "reports",
    "drain": "runner",
    "open_outbox": "runner",
    "run": "runner",
    "run_stream": "runner",
    "client_session": "client",
    "ping": "client",
    "Signer": "signing",
    "verify": "signing",
    "zenoti_signature": "signing",
    "Target": "targets",
}

__all__ = [
    "FAST",
    "NONE",
    "STANDARD",
    "STATES",
    "ZENOTI",
    "AttemptResult",
    "Chaos",
    "Clock",
    "Decision",
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
    "TargetState",
    "client_session",
    "decide",
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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
