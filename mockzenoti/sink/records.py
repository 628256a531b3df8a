"""What a sink is told (``SinkSettings``) and what it records of each request (``SinkCall``).

Frozen dataclasses; the package ``mockzenoti.sink`` re-exports both.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

from multidict import CIMultiDictProxy

from mockzenoti.delivery.signing import SCHEMES, Scheme, Signer
from mockzenoti.errors import ConfigError

__all__ = ["SinkCall", "SinkSettings"]


@dataclass(frozen=True, slots=True)
class SinkSettings:
    """How the sink answers. The default accepts everything with 200.

    - ``secrets``/``scheme``: verify signatures (scheme defaults to ``zenoti``).
    - ``status``: the answer when not failing on purpose (200, 202, 302, 410 ...).
    - ``fail_first``: answer ``fail_status`` to the first N requests of each
      key; ``fail_by`` is ``event_id`` (per event) or ``id`` (per delivery).
      A request without one (Zenoti's empty test ping) is not failed this way.
    - ``fail_share``: the share of keys ``fail_first`` applies to (1: all). A key
      is chosen by a hash of itself and ``seed``, so the same events fail in
      every run, whatever the order they arrive in.
    - ``fail_probability``: answer ``fail_status`` at random (seeded by ``seed``).
    - ``retry_after``: a ``Retry-After`` value sent with failures (``"7"`` or an HTTP date).
    - ``latency``: seconds to wait before answering.
    """

    secrets: tuple[str, ...] = ()
    scheme: Scheme | None = None
    status: int = 200
    fail_first: int = 0
    fail_by: Literal["event_id", "id"] = "event_id"
    fail_share: float = 1.0
    fail_probability: float = 0.0
    fail_status: int = 500
    retry_after: str | None = None
    latency: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        secrets = (self.secrets,) if isinstance(self.secrets, str) else tuple(self.secrets)
        object.__setattr__(self, "secrets", secrets)
        if self.scheme is not None and self.scheme not in SCHEMES:
            raise ConfigError(f"unknown signature scheme {self.scheme!r}", field="scheme")
        Signer(self.verified_scheme, secrets)
        for name in ("status", "fail_status"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 599:
                raise ConfigError(f"{name} is an HTTP status code", field=name)
        if isinstance(self.fail_first, bool) or not isinstance(self.fail_first, int):
            raise ConfigError("fail_first is a whole number", field="fail_first")
        if self.fail_first < 0:
            raise ConfigError("fail_first must not be negative", field="fail_first")
        if self.fail_by not in ("event_id", "id"):
            raise ConfigError("fail_by is 'event_id' or 'id'", field="fail_by")
        if not 0.0 <= self.fail_share <= 1.0:
            raise ConfigError("fail_share is in [0, 1]", field="fail_share")
        if not 0.0 <= self.fail_probability <= 1.0:
            raise ConfigError("fail_probability is in [0, 1]", field="fail_probability")
        if not self.latency >= 0:
            raise ConfigError("latency must not be negative", field="latency")

    def chosen(self, key: str) -> bool:
        """True when ``fail_first`` applies to ``key`` (a stable pick of ``fail_share``)."""
        if self.fail_share >= 1.0:
            return True
        digest = hashlib.blake2b(f"{self.seed}:{key}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") < self.fail_share * 2.0**64

    @property
    def verified_scheme(self) -> Scheme:
        """``scheme`` when set, else ``zenoti`` with secrets, else ``none``."""
        return self.scheme or ("zenoti" if self.secrets else "none")


@dataclass(frozen=True, slots=True)
class SinkCall:
    """One request the sink received and what it answered.

    ``attempt`` is the how-manieth request of its key (``fail_by``) this is;
    ``duplicate`` is True when the sink had already accepted (2xx) the same
    ``event_id``: what a consumer must deduplicate. ``status`` is the answer
    given (or about to be given when the sender stopped waiting).
    """

    index: int
    method: str
    path: str
    headers: CIMultiDictProxy[str]
    body: bytes
    json: Any
    status: int
    arrived_at: float
    signature_ok: bool | None
    event_id: str | None
    delivery_id: str | None
    attempt: int
    duplicate: bool
    reason: str | None = field(default=None)

    def summary(self) -> dict[str, Any]:
        """A JSON-ready line for listings."""
        return {
            "index": self.index,
            "method": self.method,
            "path": self.path,
            "event_id": self.event_id,
            "id": self.delivery_id,
            "event_type": self.json.get("event_type") if isinstance(self.json, dict) else None,
            "status": self.status,
            "attempt": self.attempt,
            "duplicate": self.duplicate,
            "signature_ok": self.signature_ok,
            "reason": self.reason,
            "arrived_at": self.arrived_at,
        }
