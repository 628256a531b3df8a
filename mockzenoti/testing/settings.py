"""``ZenotiSettings``: what the plugin's fixtures do in one test, and the ``zenoti`` marker.

A test's settings are the ``zenoti_settings`` fixture (override it in a
``conftest.py`` to change a suite's defaults) with the values of the
``@pytest.mark.zenoti(...)`` markers on top, the closest marker last. This
module is light (no aiohttp, no delivery engine): the plugin imports it in
every session. Values that need the delivery layer to check (a retry policy,
chaos) are checked when the emitter is built.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any

from mockzenoti.errors import ConfigError, closest

__all__ = ["AUTO_SCALE_LONGEST", "SETTING_NAMES", "ZenotiSettings", "merge_markers"]

#: With ``retry_scale=None`` a schedule is scaled so its longest wait is this many seconds.
AUTO_SCALE_LONGEST = 0.05

_SIGNINGS = ("zenoti", "standard", "none")
_ORDERINGS = ("none", "per-entity")


def _number(value: object, name: str, *, positive: bool = False) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or value < 0 or (positive and value == 0):  # type: ignore[operator]
        raise ConfigError(
            f"{name} must be a {'positive' if positive else 'non-negative'} number (got {value!r})",
            field=name,
        )


@dataclass(frozen=True)
class ZenotiSettings:
    """How the ``zenoti_*`` fixtures behave in one test.

    - ``seed``: seeds scenario runs, ``zenoti_world``, emitted events and chaos.
      None (default): ``zenoti_config`` derives a stable one per test from its
      node id (``mockzenoti.scenarios.seeds.test_seed``), so each test has its own ids
      and every run of the suite repeats them.
    - ``retry``: the retry policy (``fast``, ``zenoti``, ``standard``, ``none``
      or a schedule such as ``"1s,5s,30s"``). ``fast`` by default: a test
      never sleeps through Zenoti's real backoff.
    - ``retry_scale``: multiplies every retry wait; None (default) picks 1.0
      for ``fast`` and ``none`` and, for any other policy, the scale that makes
      its longest wait ``AUTO_SCALE_LONGEST`` seconds (Zenoti's 30 s becomes
      2.5 ms). Give ``1.0`` to wait in real time.
    - ``scale_retry_after``: a receiver's ``Retry-After`` is scaled like the
      policy's waits (True, the default here: a test never waits a minute
      because the consumer's rate limiter said so). ``False`` honours it as
      sent, capped at the policy's longest wait, as the CLI and the server do.
    - ``signing`` and ``secret``: the signature scheme (``zenoti``,
      ``standard``, ``none``; default ``zenoti`` when a secret is set). The
      sink verifies with the same secret.
    - ``ordering``: ``none`` or ``per-entity`` (see docs/delivery.md).
    - ``chaos``: ``{"duplicate": p, "reorder": window, "delay": seconds}``.
    - ``concurrency``: requests in flight at most; ``timeout``: seconds per attempt.
    - ``wait_timeout``: the default timeout of ``wait_for`` and ``wait_delivered``.
    - ``outbox``: ``":memory:"`` (default) or ``"tmp"``: a file in the test's ``tmp_path``.
    - ``world``: sizes for ``zenoti_world`` and the default of ``run(sizes=...)``
      (``{"centers": 1, "kind": "spa"}``).
    - ``target``: more ``Target`` settings (``headers``, ``event_types``,
      ``deactivate_after``, ``retry_statuses``, ``method``, ``center_ids``,
      ``content_type``: another value, or None for no ``Content-Type``).
    - ``ca_cert``: a PEM file of the CAs an ``https://`` target's certificate
      is checked against (your test server's self-signed CA); ``insecure``:
      do not check it at all.
    - ``rest_rate_limit``: calls a minute ``zenoti_api``'s key may make (Zenoti's
      rate limit: 60; 429 past it); 0 (default): no limit, so suites don't flake.
    """

    seed: int | str | None = None
    retry: str = "fast"
    retry_scale: float | None = None
    scale_retry_after: bool = True
    signing: str | None = None
    secret: str | None = None
    ordering: str = "none"
    chaos: Mapping[str, float] | None = None
    concurrency: int = 16
    timeout: float = 10.0
    wait_timeout: float = 10.0
    outbox: str = ":memory:"
    world: Mapping[str, Any] | None = None
    target: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    ca_cert: str | None = None
    insecure: bool = False
    rest_rate_limit: int = 0

    def __post_init__(self) -> None:
        if self.seed is not None and (
            isinstance(self.seed, bool) or not isinstance(self.seed, int | str)
        ):
            raise ConfigError(f"seed is a whole number or a text (got {self.seed!r})", field="seed")
        if not isinstance(self.retry, str) or not self.retry.strip():
            raise ConfigError(
                f"retry is a policy name or schedule (got {self.retry!r})", field="retry"
            )
        if self.retry_scale is not None:
            _number(self.retry_scale, "retry_scale")
        if not isinstance(self.scale_retry_after, bool):
            raise ConfigError(
                f"scale_retry_after is true or false (got {self.scale_retry_after!r})",
                field="scale_retry_after",
            )
        if self.signing is not None and self.signing not in _SIGNINGS:
            raise ConfigError(
                f"signing {self.signing!r} is not one of {', '.join(_SIGNINGS)}", field="signing"
            )
        if self.secret is not None and (not isinstance(self.secret, str) or not self.secret):
            raise ConfigError("secret is a non-empty text", field="secret")
        if self.signing not in (None, "none") and self.secret is None:
            raise ConfigError(f"signing={self.signing!r} needs a secret", field="secret")
        if self.ordering not in _ORDERINGS:
            raise ConfigError(
                f"ordering {self.ordering!r} is not one of {', '.join(_ORDERINGS)}",
                field="ordering",
            )
        if self.chaos is not None:
            unknown = sorted(set(self.chaos) - {"duplicate", "reorder", "delay"})
            if unknown:
                raise ConfigError(
                    f"unknown chaos setting {unknown[0]!r} (duplicate, reorder, delay)",
                    field=f"chaos.{unknown[0]}",
                )
        if (
            isinstance(self.concurrency, bool)
            or not isinstance(self.concurrency, int)
            or (self.concurrency < 1)
        ):
            raise ConfigError("concurrency is a whole number of at least 1", field="concurrency")
        _number(self.timeout, "timeout", positive=True)
        _number(self.wait_timeout, "wait_timeout", positive=True)
        if self.outbox not in (":memory:", "tmp"):
            raise ConfigError(
                f"outbox is ':memory:' or 'tmp' (got {self.outbox!r})", field="outbox"
            )
        if self.world is not None and not isinstance(self.world, Mapping):
            raise ConfigError("world is a mapping of world sizes", field="world")
        if not isinstance(self.target, Mapping):
            raise ConfigError("target is a mapping of Target settings", field="target")
        limit = self.rest_rate_limit
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ConfigError(
                f"rest_rate_limit is calls a minute, 0 for none (got {limit!r})",
                field="rest_rate_limit",
            )
        if self.ca_cert is not None and (not isinstance(self.ca_cert, str) or not self.ca_cert):
            raise ConfigError("ca_cert is the path of a PEM file", field="ca_cert")
        if not isinstance(self.insecure, bool):
            raise ConfigError("insecure is True or False", field="insecure")
        reserved = sorted(
            set(self.target)
            & {"url", "name", "secrets", "signature", "policy", "ca_cert", "insecure"}
        )
        if reserved:
            raise ConfigError(
                f"target.{reserved[0]} is set by the plugin; use the "
                "settings (secret, signing, retry, ca_cert, insecure)",
                field=f"target.{reserved[0]}",
            )

    @property
    def scheme(self) -> str:
        """The signature scheme used: ``signing``, else ``zenoti`` with a secret, else ``none``."""
        return self.signing or ("zenoti" if self.secret else "none")

    @property
    def seed_number(self) -> int:
        """``seed`` as the whole number the delivery engine wants (texts are hashed; None: 0)."""
        if self.seed is None:
            return 0
        if isinstance(self.seed, int):
            return self.seed
        return zlib.crc32(str(self.seed).encode("utf-8"))

    @property
    def effective_seed(self) -> int | str:
        """``seed``, or 0 when unset (``zenoti_config`` sets each test's own)."""
        return 0 if self.seed is None else self.seed

    def with_changes(
        self, changes: Mapping[str, Any], *, where: str = "settings"
    ) -> ZenotiSettings:
        """A copy with ``changes``; an unknown name raises ``ConfigError`` naming the closest."""
        unknown = [k for k in changes if k not in SETTING_NAMES]
        if unknown:
            hint = closest(unknown[0], SETTING_NAMES)
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            raise ConfigError(
                f"{where}: unknown setting {unknown[0]!r}{extra} "
                f"(settings: {', '.join(SETTING_NAMES)})",
                field=unknown[0],
            )
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        """The settings as a plain dict (mappings copied to dicts), e.g. for a report."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = dict(value) if isinstance(value, Mapping) else value
        return out


SETTING_NAMES: tuple[str, ...] = tuple(f.name for f in fields(ZenotiSettings))


def merge_markers(base: ZenotiSettings, markers: Iterable[Any]) -> ZenotiSettings:
    """``base`` with each ``zenoti`` marker's keyword values applied, farthest first.

    ``markers`` is ``node.iter_markers("zenoti")`` (closest first). A marker
    with positional arguments or unknown names raises ``ConfigError``.
    """
    settings = base
    for marker in reversed(list(markers)):
        if marker.args:
            raise ConfigError(
                "@pytest.mark.zenoti takes keyword arguments only, e.g. "
                "@pytest.mark.zenoti(seed=7, retry='fast')",
                field="zenoti",
            )
        settings = settings.with_changes(marker.kwargs, where="@pytest.mark.zenoti")
    return settings
