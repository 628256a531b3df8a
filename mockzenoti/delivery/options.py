"""Engine-wide delivery options (per-target settings live on ``Target``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from mockzenoti.delivery.chaos import Chaos
from mockzenoti.errors import ConfigError
from mockzenoti.security.limits import MAX_CONCURRENCY

__all__ = [
    "HTTP_CLIENTS",
    "ORDERINGS",
    "DeliveryOptions",
    "HttpClient",
    "Ordering",
]

Ordering = Literal["none", "per-entity"]
ORDERINGS: tuple[Ordering, ...] = ("none", "per-entity")
HttpClient = Literal["auto", "aiohttp"]
HTTP_CLIENTS: tuple[HttpClient, ...] = ("auto", "aiohttp")


def _whole(value: object, name: str, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{name} must be a whole number of at least {minimum}", field=name)


def _seconds(value: object, name: str, *, positive: bool = False) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0 or (positive and value == 0):  # type: ignore[operator]
        kind = "a positive" if positive else "a non-negative"
        raise ConfigError(f"{name} must be {kind} number", field=name)


@dataclass(frozen=True, slots=True)
class DeliveryOptions:
    """How the engine sends: concurrency, pacing, retries' time scale, ordering, chaos.

    - ``concurrency``: requests in flight at most (one worker each).
    - ``rate``: attempts per second across all targets, evenly spaced (None: unlimited).
    - ``pace``: None (``asap``) or a speed factor: an event is accepted when its
      simulated time has come, scaled (1.0 is real time; see ``pacing.py``).
    - ``retry_scale``: multiplies the retry policy's waits (``0.001``: minutes
      become ms). A receiver's ``Retry-After`` is honoured in real time (capped
      at the policy's longest wait) unless ``scale_retry_after`` is true.
    - ``ordering``: ``none``, or ``per-entity``: per target, an event waits until
      earlier events sharing any of its ``keys`` are delivered or dead.
    - ``chaos``: opt-in duplicates, reordering, extra delay (``Chaos``).
    - ``seed``: seeds jitter and chaos.
    - ``batch_size``: stream events accepted (committed) per outbox transaction.
    - ``max_outstanding``: deliveries held in memory (queued, in flight or
      waiting to retry) before the stream is paused; bounds memory.
    - ``flush_interval``: how long attempt results may wait to be batched.
    - ``shutdown_grace``: on close, seconds to let attempts in flight finish.
    - ``http_client``: ``auto`` sends to plain ``http://`` URLs through the
      engine's lean HTTP/1.1 pool (``delivery/http1.py``) and to the others
      through aiohttp; ``aiohttp`` sends everything through aiohttp.
    - ``resend``: the run sends again what a finished run sent (``run --again``:
      the same ids), so each of its deliveries counts as a possible duplicate.
    """

    concurrency: int = 64
    rate: float | None = None
    pace: float | None = None
    retry_scale: float = 1.0
    scale_retry_after: bool = False
    ordering: Ordering = "none"
    chaos: Chaos = field(default_factory=Chaos)
    seed: int = 0
    batch_size: int = 256
    max_outstanding: int = 10_000
    flush_interval: float = 0.02
    shutdown_grace: float = 5.0
    http_client: HttpClient = "auto"
    resend: bool = False

    def __post_init__(self) -> None:
        _whole(self.concurrency, "concurrency", 1)
        if self.concurrency > MAX_CONCURRENCY:
            raise ConfigError(f"concurrency is at most {MAX_CONCURRENCY:,}", field="concurrency")
        if not isinstance(self.resend, bool):
            raise ConfigError("resend is true or false", field="resend")
        if self.rate is not None:
            _seconds(self.rate, "rate", positive=True)
        if self.pace is not None:
            _seconds(self.pace, "pace", positive=True)
        _seconds(self.retry_scale, "retry_scale")
        if not isinstance(self.scale_retry_after, bool):
            raise ConfigError("scale_retry_after is true or false", field="scale_retry_after")
        if self.ordering not in ORDERINGS:
            raise ConfigError(
                f"ordering {self.ordering!r} is not one of {', '.join(ORDERINGS)}",
                field="ordering",
            )
        if not isinstance(self.chaos, Chaos):
            raise ConfigError("chaos must be a Chaos object", field="chaos")
        _whole(self.seed, "seed", -(2**63))
        _whole(self.batch_size, "batch_size", 1)
        _whole(self.max_outstanding, "max_outstanding", 1)
        _seconds(self.flush_interval, "flush_interval")
        _seconds(self.shutdown_grace, "shutdown_grace")
        if self.http_client not in HTTP_CLIENTS:
            raise ConfigError(
                f"http_client {self.http_client!r} is not one of {', '.join(HTTP_CLIENTS)}",
                field="http_client",
            )
