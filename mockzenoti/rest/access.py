"""Who may call ``/v1``, and how often: bearer tokens, and Zenoti's rate limit.

Zenoti authenticates with ``Authorization: apikey <key>`` (server to server)
or ``Authorization: bearer <token>``; a token comes from ``POST /v1/tokens``
and lasts ``TOKEN_HOURS`` hours. Here each run has its own key, and a token
stands for the key it was issued for.

Zenoti's rate limit (its "API rate limits" guide): 60 calls a minute by
default, a bucket of ``b`` calls refilled every ``w`` seconds, answered with
``Organization-RateLimit-Limit: 60;w=60;b=60``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` (seconds until the next refill); over the limit, 429 with
``Retry-After``. Buckets are per key. Time comes from ``now`` (seconds),
injectable in tests.
"""

from __future__ import annotations

import math
import secrets
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from mockzenoti.timefmt import TICKS_PER_SECOND, dotnet_utc

__all__ = [
    "DEFAULT_RATE",
    "TOKEN_HOURS",
    "WINDOW",
    "Decision",
    "RateLimiter",
    "Tokens",
    "parse_authorization",
]

DEFAULT_RATE = 60  # calls per WINDOW seconds
WINDOW = 60
TOKEN_HOURS = 10  # Zenoti: "The bearer token is valid for 10 hours"
MAX_TOKENS = 10_000


def parse_authorization(header: str | None) -> tuple[str, str] | None:
    """``("apikey" | "bearer", value)`` from an ``Authorization`` header, or None."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme not in ("apikey", "bearer") or not value:
        return None
    return scheme, value


@dataclass(frozen=True, slots=True)
class Issued:
    """A token: the key it stands for and when it expires (clock seconds)."""

    key: str
    expires: float


class Tokens:
    """Bearer tokens issued by ``POST /v1/tokens`` (the newest ``MAX_TOKENS`` are kept)."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._issued: OrderedDict[str, Issued] = OrderedDict()

    def issue(self, key: str) -> dict[str, str]:
        """A new token for ``key``: Zenoti's ``credentials`` object."""
        expires = self._now() + TOKEN_HOURS * 3600
        access = "AN:mockzenoti|$ARD#" + secrets.token_urlsafe(48)
        refresh = "AN:mockzenoti|$ARD#" + secrets.token_urlsafe(48)
        self._issued[access] = Issued(key, expires)
        while len(self._issued) > MAX_TOKENS:
            self._issued.popitem(last=False)
        return {
            "access_token": access,
            "access_token_expiry": dotnet_utc(int(expires * TICKS_PER_SECOND)),
            "refresh_token": refresh,
        }

    def key_of(self, token: str) -> str | None:
        """The key a live token stands for (None: unknown or expired)."""
        issued = self._issued.get(token)
        if issued is None:
            return None
        if issued.expires <= self._now():
            del self._issued[token]
            return None
        return issued.key


@dataclass(frozen=True, slots=True)
class Decision:
    """One call's verdict: allowed or not, and the headers Zenoti sends with it."""

    allowed: bool
    limit: int
    remaining: int
    reset: int

    def headers(self) -> dict[str, str]:
        """``Organization-RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset``
        (and ``Retry-After`` when refused)."""
        out = {
            "Organization-RateLimit-Limit": f"{self.limit};w={WINDOW};b={self.limit}",
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
        }
        if not self.allowed:
            out["Retry-After"] = str(self.reset)
        return out


class RateLimiter:
    """Per-key buckets of ``limit`` calls, refilled to full every ``WINDOW`` seconds
    from the key's first call."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._buckets: dict[str, tuple[float, int]] = {}  # key -> (window start, calls used)

    def take(self, key: str, limit: int) -> Decision:
        """Count one call of ``key`` against ``limit`` calls a minute."""
        now = self._now()
        start, used = self._buckets.get(key, (now, 0))
        if now - start >= WINDOW:
            start += (now - start) // WINDOW * WINDOW
            used = 0
        reset = max(1, math.ceil(start + WINDOW - now))
        if used >= limit:
            self._buckets[key] = (start, used)
            return Decision(False, limit, 0, reset)
        used += 1
        self._buckets[key] = (start, used)
        return Decision(True, limit, limit - used, reset)

    def forget(self, key: str) -> None:
        """Drop ``key``'s bucket (its run is gone)."""
        self._buckets.pop(key, None)
