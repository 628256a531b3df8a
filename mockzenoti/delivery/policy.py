"""Retry policies: how many times a failed delivery is retried, and when.

A policy is exponential (the ``zenoti`` and ``fast`` presets) or a fixed
schedule (``standard``, ``none`` and explicit schedules such as ``1s,5s,30s``).
The wait before retry ``k`` (``k = 1`` after the first failed attempt, up to
``max_retries``) is, exactly:

- exponential: ``min(wait_max, wait_initial * wait_exp_base ** (k - 1) + U(0, wait_jitter))``
  where ``U(a, b)`` is ``random.uniform(a, b)`` drawn from the delivery's
  seeded generator;
- schedule: ``schedule[k - 1]``;
- multiplied by the run's ``retry_scale`` (``1.0`` for real time, ``0.001``
  turns minutes into milliseconds; ``0`` retries at once).

A failed answer's ``Retry-After: r`` replaces that wait with
``min(max(r, 0), retry_after_max)`` seconds in real time (``retry_after_max``
defaults to the policy's longest wait), scaled only when the run asks for it.
``decision.decide`` applies the whole rule.

Presets:

========== ========= ====================================================
name       retries   waits (before jitter)
========== ========= ====================================================
zenoti     5         30 s, 60 s, 120 s, 240 s, 480 s (+ U(0, 3 s)), at most 600 s
fast       5         1 ms, 2 ms, 4 ms, 8 ms, 16 ms (+ U(0, 0.1 ms)), at most 20 ms
standard   7         5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (first attempt immediate)
none       0         -
========== ========= ====================================================
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from mockzenoti.errors import ConfigError
from mockzenoti.security.limits import MAX_RETRY_WAITS
from mockzenoti.timefmt import parse_seconds

__all__ = [
    "FAST",
    "NONE",
    "PRESETS",
    "STANDARD",
    "ZENOTI",
    "RetryPolicy",
    "parse_duration",
    "parse_policy",
]


def parse_duration(text: str, *, field: str = "duration") -> float:
    """Seconds in ``text`` (``timefmt.parse_seconds``' grammar: ``500ms``, ``1.5s``,
    ``1m30s``, ``2h``, ``3d``); a bare number is seconds. Malformed text raises
    ``ConfigError`` naming ``field``."""
    return parse_seconds(text, field=field, bare=True)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When to retry a failed delivery; see the module docstring for the formula.

    ``schedule`` set means a fixed schedule (one wait per retry) and the
    exponential fields are unused. ``spec`` is the text the policy was parsed
    from (a preset name or a schedule), used to store it and show it.
    """

    spec: str
    max_retries: int
    wait_initial: float = 0.0
    wait_exp_base: float = 2.0
    wait_max: float = 0.0
    wait_jitter: float = 0.0
    schedule: tuple[float, ...] | None = None
    retry_after_max: float = field(default=-1.0)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ConfigError("max_retries must not be negative", field="policy")
        if self.schedule is not None:
            if len(self.schedule) != self.max_retries:
                raise ConfigError("a schedule needs one wait per retry", field="policy")
            if any(w < 0 for w in self.schedule):
                raise ConfigError("waits must not be negative", field="policy")
        elif min(self.wait_initial, self.wait_max, self.wait_jitter) < 0 or self.wait_exp_base < 1:
            raise ConfigError("waits must not be negative, the base at least 1", field="policy")
        if self.retry_after_max < 0:
            longest = (
                max(self.schedule, default=0.0) if self.schedule is not None else self.wait_max
            )
            object.__setattr__(self, "retry_after_max", longest)

    def base_wait(self, retry: int, rng: random.Random | None = None) -> float:
        """The wait before retry number ``retry`` (1-based), unscaled, without Retry-After."""
        if not 1 <= retry <= self.max_retries:
            raise ValueError(f"retry {retry} is outside 1..{self.max_retries}")
        if self.schedule is not None:
            return self.schedule[retry - 1]
        jitter = (rng or random).uniform(0.0, self.wait_jitter) if self.wait_jitter else 0.0
        return min(self.wait_max, self.wait_initial * self.wait_exp_base ** (retry - 1) + jitter)

    def describe(self) -> str:
        """One line for humans: the spec and its waits."""
        if self.max_retries == 0:
            return f"{self.spec}: no retries"
        if self.schedule is not None:
            waits = ", ".join(_fmt(w) for w in self.schedule)
        else:
            waits = ", ".join(
                _fmt(min(self.wait_max, self.wait_initial * self.wait_exp_base**k))
                for k in range(self.max_retries)
            )
            waits += f" (+ up to {_fmt(self.wait_jitter)} jitter, at most {_fmt(self.wait_max)})"
        return f"{self.spec}: {self.max_retries} retries after {waits}"


def _fmt(seconds: float) -> str:
    """A wait as a duration that parses back to the same seconds (the schedule's spec):
    in ms, h or m when that is exact, else in seconds."""
    if seconds and seconds < 1:
        text = f"{_number(round(seconds * 1000, 9))}ms"
    elif seconds >= 3600 and seconds % 3600 == 0:
        text = f"{_number(seconds / 3600)}h"
    elif seconds >= 60 and seconds % 60 == 0:
        text = f"{_number(seconds / 60)}m"
    else:
        return f"{_number(seconds)}s"
    return text if parse_seconds(text) == seconds else f"{_number(seconds)}s"


def _number(value: float) -> str:
    """``value`` in plain decimals, never with an exponent (the duration grammar has none),
    as short as parses back to it."""
    text = repr(float(value))
    if "e" in text:
        text = format(Decimal(text), "f")
    return text[:-2] if text.endswith(".0") else text


ZENOTI = RetryPolicy("zenoti", max_retries=5, wait_initial=30.0, wait_max=600.0, wait_jitter=3.0)
FAST = RetryPolicy("fast", max_retries=5, wait_initial=0.001, wait_max=0.02, wait_jitter=0.0001)
STANDARD = RetryPolicy(
    "standard",
    max_retries=7,
    schedule=(5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0),
)
NONE = RetryPolicy("none", max_retries=0, schedule=())
PRESETS: dict[str, RetryPolicy] = {p.spec: p for p in (ZENOTI, FAST, STANDARD, NONE)}


def parse_policy(spec: str | RetryPolicy, *, field: str = "policy") -> RetryPolicy:
    """A preset name (``zenoti``, ``fast``, ``standard``, ``none``) or a schedule.

    A schedule is comma-separated durations, one per retry: ``1s,5s,30s``,
    ``500ms,2m,1h`` (at most ``MAX_RETRY_WAITS``, 50). Anything else raises
    ``ConfigError`` naming ``field``.
    """
    if isinstance(spec, RetryPolicy):
        return spec
    if not isinstance(spec, str) or not spec.strip():
        raise ConfigError("a retry policy is a preset name or a schedule", field=field)
    key = spec.strip().lower()
    if key in PRESETS:
        return PRESETS[key]
    if not any(ch.isdigit() for ch in key):
        raise ConfigError(
            f"unknown retry policy {spec!r}; use one of {', '.join(PRESETS)} "
            "or a schedule such as 1s,5s,30s",
            field=field,
        )
    parts = key.split(",")
    if len(parts) > MAX_RETRY_WAITS:
        raise ConfigError(
            f"a retry schedule has at most {MAX_RETRY_WAITS} waits, not {len(parts):,}", field=field
        )
    waits = tuple(parse_duration(part, field=field) for part in parts)
    return RetryPolicy(",".join(_fmt(w) for w in waits), max_retries=len(waits), schedule=waits)
