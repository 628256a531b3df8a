"""Targets: where events go, and how (one Zenoti webhook subscription each).

A ``Target`` is a frozen description validated on construction: URL, HTTP
method, extra headers, event-type and center filters, signature, timeout,
retry policy, which 4xx statuses to retry anyway, and the deactivation
threshold. Targets are stored in the outbox as JSON (``to_dict``/``from_dict``).
"""

from __future__ import annotations

import functools
import math
import re
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mockzenoti.delivery.policy import ZENOTI, RetryPolicy, parse_policy
from mockzenoti.delivery.signing import SCHEMES, Scheme, Signer
from mockzenoti.delivery.urls import check_url
from mockzenoti.errors import ConfigError

__all__ = [
    "DEFAULT_CONTENT_TYPE",
    "DEFAULT_TIMEOUT",
    "METHODS",
    "Target",
    "tls_context",
    "validate_targets",
]

METHODS = ("POST", "PUT", "PATCH")
DEFAULT_TIMEOUT = 10.0
DEFAULT_CONTENT_TYPE = "application/json"
_RESERVED = {"content-type", "content-length", "host", "transfer-encoding"}
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 field name
_BREAKS = re.compile(r"[\r\n\0]")


def _frozen(values: Iterable[str] | None, name: str) -> frozenset[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    out = frozenset(values)
    if not out or any(not isinstance(v, str) or not v for v in out):
        raise ConfigError("a filter is a non-empty list of non-empty strings", field=name)
    return out


@dataclass(frozen=True, slots=True)
class Target:
    """One webhook subscription: a URL and its delivery settings.

    - ``name``: unique key in the outbox (targets are upserted by name).
    - ``method``: ``POST`` (default), ``PUT`` or ``PATCH``.
    - ``headers``: extra request headers (not ``Content-Type``: see ``content_type``).
    - ``event_types``: wire ``event_type`` strings to send (None: all).
    - ``center_ids``: centers subscribed to (None: the whole organization;
      events without a center go only to organization-wide targets).
    - ``secrets`` and ``signature``: the scheme (``scheme``) is ``signature``
      when set, else ``zenoti`` when a secret is given, else ``none``.
    - ``timeout``: seconds per attempt (Zenoti: 10).
    - ``policy``: a ``RetryPolicy`` or its spec (``zenoti``, ``1s,5s``...).
    - ``retry_statuses``: 3xx/4xx statuses retried anyway (408 and 429 always are).
    - ``deactivate_after``: consecutive dead deliveries that deactivate the
      target (Zenoti: 20; 0 never deactivates).
    - ``content_type``: the ``Content-Type`` sent (``application/json``, as
      Zenoti); None (or ``""``) sends none, for consumers that must cope without.
    - ``ca_cert``: a PEM file of the certificate authorities an ``https://``
      receiver's certificate is checked against (default: the system's, or
      ``$SSL_CERT_FILE``); ``insecure``: do not check it at all.
    """

    url: str
    name: str = "default"
    method: str = "POST"
    headers: Mapping[str, str] = field(default_factory=dict, hash=False)
    event_types: frozenset[str] | None = None
    center_ids: frozenset[str] | None = None
    secrets: tuple[str, ...] = ()
    signature: Scheme | None = None
    timeout: float = DEFAULT_TIMEOUT
    policy: RetryPolicy = ZENOTI
    retry_statuses: frozenset[int] = frozenset()
    deactivate_after: int = 20
    content_type: str | None = DEFAULT_CONTENT_TYPE
    ca_cert: str | None = None
    insecure: bool = False

    def __post_init__(self) -> None:
        put = object.__setattr__
        if not isinstance(self.name, str) or not self.name.strip():
            raise ConfigError("a target needs a non-empty name", field="name")
        check_url(self.url)
        method = str(self.method).upper()
        if method not in METHODS:
            raise ConfigError(
                f"method {self.method!r} is not one of {', '.join(METHODS)}", field="method"
            )
        put(self, "method", method)
        headers = dict(self.headers)
        for key, value in headers.items():
            if not isinstance(key, str) or not key or not isinstance(value, str):
                raise ConfigError("headers map names to string values", field="headers")
            if key.lower() in _RESERVED:
                raise ConfigError(f"the {key} header is set by the sender", field="headers")
            if not _TOKEN.fullmatch(key):
                raise ConfigError(f"{key!r} is not a valid header name", field="headers")
            if _BREAKS.search(value):
                raise ConfigError(
                    f"the {key} header's value has a line break or NUL", field="headers"
                )
        put(self, "headers", headers)
        put(self, "event_types", _frozen(self.event_types, "event_types"))
        put(self, "center_ids", _frozen(self.center_ids, "center_ids"))
        secrets = (self.secrets,) if isinstance(self.secrets, str) else tuple(self.secrets)
        put(self, "secrets", secrets)
        if self.signature is not None and self.signature not in SCHEMES:
            raise ConfigError(
                f"unknown signature scheme {self.signature!r}; use one of {', '.join(SCHEMES)}",
                field="signature",
            )
        Signer(self.scheme, secrets)  # validates the secrets for the scheme
        if isinstance(self.timeout, bool) or not isinstance(self.timeout, int | float):
            raise ConfigError("timeout is a number of seconds", field="timeout")
        if not (self.timeout > 0 and math.isfinite(self.timeout)):
            raise ConfigError("timeout must be a positive number of seconds", field="timeout")
        put(self, "policy", parse_policy(self.policy))
        statuses = frozenset(self.retry_statuses)
        if any(not isinstance(s, int) or not 300 <= s <= 499 for s in statuses):
            raise ConfigError("retry_statuses are 3xx or 4xx status codes", field="retry_statuses")
        put(self, "retry_statuses", statuses)
        if isinstance(self.deactivate_after, bool) or not isinstance(self.deactivate_after, int):
            raise ConfigError("deactivate_after is a whole number", field="deactivate_after")
        if self.deactivate_after < 0:
            raise ConfigError("deactivate_after must not be negative", field="deactivate_after")
        if self.content_type is not None:
            if not isinstance(self.content_type, str) or _BREAKS.search(self.content_type):
                raise ConfigError(
                    "content_type is a header value on one line (or empty: none)",
                    field="content_type",
                )
            put(self, "content_type", self.content_type.strip() or None)
        if not isinstance(self.insecure, bool):
            raise ConfigError("insecure is true or false", field="insecure")
        if self.ca_cert is not None:
            if self.insecure:
                raise ConfigError(
                    "ca_cert and insecure exclude each other: check against a CA, or not at all",
                    field="ca_cert",
                )
            tls_context(self.ca_cert)  # a file that is not a readable CA bundle fails now

    def wants(self, event_type: str, center_id: str | None, name: str | None = None) -> bool:
        """True when this target subscribes to an event of this type and center.

        ``event_types`` may list wire ``event_type`` strings or catalog names.
        """
        if self.event_types is not None and not (
            event_type in self.event_types or (name is not None and name in self.event_types)
        ):
            return False
        return self.center_ids is None or center_id in self.center_ids

    @property
    def scheme(self) -> Scheme:
        """The scheme used: ``signature``, else ``zenoti`` with a secret, else ``none``."""
        return self.signature or ("zenoti" if self.secrets else "none")

    def signer(self) -> Signer:
        """The signer for this target's scheme and secrets."""
        return Signer(self.scheme, self.secrets)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings (``from_dict`` reads them back)."""
        return {
            "name": self.name,
            "url": self.url,
            "method": self.method,
            "headers": dict(self.headers),
            "event_types": None if self.event_types is None else sorted(self.event_types),
            "center_ids": None if self.center_ids is None else sorted(self.center_ids),
            "secrets": list(self.secrets),
            "signature": self.signature,
            "timeout": self.timeout,
            "policy": self.policy.spec,
            "retry_statuses": sorted(self.retry_statuses),
            "deactivate_after": self.deactivate_after,
            "content_type": self.content_type,
            "ca_cert": self.ca_cert,
            "insecure": self.insecure,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Target:
        """A target from ``to_dict``'s shape (the HTTP API's too); unknown keys are refused."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown target setting {unknown[0]!r}", field=unknown[0])
        if "url" not in data:
            raise ConfigError("a target needs a url", field="url")
        kwargs = dict(data)
        for key in ("secrets",):
            if key in kwargs and isinstance(kwargs[key], list):
                kwargs[key] = tuple(kwargs[key])
        if kwargs.get("retry_statuses") is not None:
            kwargs["retry_statuses"] = frozenset(kwargs["retry_statuses"])
        for key in ("event_types", "center_ids"):
            if kwargs.get(key) is not None:
                kwargs[key] = frozenset(kwargs[key])
        for key in ("headers", "retry_statuses", "secrets"):
            if key in kwargs and kwargs[key] is None:
                del kwargs[key]
        return cls(**kwargs)


@functools.lru_cache(maxsize=32)
def tls_context(ca_cert: str | None) -> ssl.SSLContext:
    """A client ``SSLContext`` checking certificates against ``ca_cert`` (None: the system's).

    The system's store honours ``$SSL_CERT_FILE`` and ``$SSL_CERT_DIR``
    (OpenSSL's default paths). A file that is not a readable PEM bundle of
    certificates raises ``ConfigError`` naming ``ca_cert``.
    """
    try:
        return ssl.create_default_context(cafile=ca_cert)
    except (OSError, ssl.SSLError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(
            f"cannot use {ca_cert} as the CA certificates: {reason}", field="ca_cert"
        ) from None


def validate_targets(targets: Iterable[Target]) -> list[Target]:
    """The targets as a list, refusing an empty list and duplicate names."""
    out = list(targets)
    if not out:
        raise ConfigError("at least one target is needed", field="targets")
    seen: set[str] = set()
    for t in out:
        if not isinstance(t, Target):
            raise ConfigError("targets must be Target objects", field="targets")
        if t.name in seen:
            raise ConfigError(f"two targets are named {t.name!r}", field="targets")
        seen.add(t.name)
    if len(out) > 16:
        raise ConfigError("at most 16 targets receive one event", field="targets")
    return out
