"""``DeliverySettings``: what the delivery options said, as targets and engine options.

Errors from the delivery layer name its fields (``policy``, ``secrets``...);
``named_error`` renames them to the option that set them (``--retry``,
``--secret``...), so that a refusal always names what to change.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mockzenoti.errors import MockZenotiError

if TYPE_CHECKING:
    from mockzenoti.catalog import Catalog
    from mockzenoti.delivery import DeliveryOptions, Target

__all__ = ["OPTION_OF", "DeliverySettings", "named_error", "seed_number"]

_NAMED_URL = re.compile(r"^([A-Za-z0-9_.-]+)=(.+)$")

#: Settings' field names (as the delivery layer reports them) -> the option at fault.
OPTION_OF = {
    "url": "--url",
    "name": "--url",
    "targets": "--url",
    "method": "--method",
    "headers": "--header",
    "secrets": "--secret",
    "signature": "--signing",
    "timeout": "--timeout",
    "policy": "--retry",
    "deactivate_after": "--deactivate-after",
    "event_types": "--event-type",
    "center_ids": "--center",
    "concurrency": "--concurrency",
    "rate": "--rate",
    "pace": "--pace",
    "retry_scale": "--retry-scale",
    "scale_retry_after": "--scale-retry-after",
    "ordering": "--ordering",
    "http_client": "--http-client",
    "chaos.duplicate": "--chaos-duplicate",
    "chaos.reorder": "--chaos-reorder",
    "chaos.delay": "--chaos-delay",
    "outbox": "--outbox",
    "content_type": "--content-type",
    "ca_cert": "--ca-cert",
    "insecure": "--insecure",
}


def named_error(exc: MockZenotiError, default: str | None = None) -> MockZenotiError:
    """The same error with its field translated to the option that set it."""
    option = OPTION_OF.get(exc.field or "", default)
    if option is None or option == exc.field:
        return exc
    return MockZenotiError(exc.message, field=option)


def seed_number(seed: str) -> int:
    """A 63-bit integer from seed text, for jitter and chaos (stable across runs)."""
    return int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big") >> 1


def _digest(secret: str) -> str:
    return "sha256:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    """What the delivery options said; builds targets and engine options."""

    urls: tuple[str, ...]
    method: str = "POST"
    headers: Mapping[str, str] | None = None
    timeout: float = 10.0
    retry: str = "zenoti"
    retry_scale: float = 1.0
    scale_retry_after: bool = False
    signing: str | None = None
    secrets: tuple[str, ...] = ()
    deactivate_after: int = 20
    event_types: tuple[str, ...] = ()
    center_ids: tuple[str, ...] = ()
    concurrency: int = 64
    rate: float | None = None
    ordering: str = "none"
    chaos_duplicate: float = 0.0
    chaos_reorder: int = 0
    chaos_delay: float = 0.0
    pace: float | None = None
    http_client: str = "auto"
    content_type: str | None = "application/json"
    ca_cert: str | None = None
    insecure: bool = False

    @classmethod
    def from_options(cls, opts: Mapping[str, Any]) -> DeliverySettings:
        """Take this class's fields from a command's parsed options (others are ignored)."""
        fields = cls.__dataclass_fields__
        return cls(**{k: v for k, v in opts.items() if k in fields})

    def targets(self, catalog: Catalog | None = None) -> list[Target]:
        """One ``Target`` per ``--url``, in order (the first keeps the stream's ``id``)."""
        from mockzenoti.delivery import Target, parse_policy
        from mockzenoti.delivery.targets import validate_targets

        if catalog is not None:
            for name in self.event_types:
                if name not in catalog:
                    catalog.get(name, field="--event-type")  # raises with the closest names
        out = []
        try:
            for text in self.urls:
                match = _NAMED_URL.match(text)
                name, url = (match.group(1), match.group(2)) if match else (text, text)
                out.append(
                    Target(
                        url,
                        name=name,
                        method=self.method,
                        headers=dict(self.headers or {}),
                        event_types=frozenset(self.event_types) or None,
                        center_ids=frozenset(self.center_ids) or None,
                        secrets=self.secrets,
                        signature=self.signing,  # type: ignore[arg-type]
                        timeout=self.timeout,
                        policy=parse_policy(self.retry, field="--retry"),
                        deactivate_after=self.deactivate_after,
                        content_type=self.content_type,
                        ca_cert=self.ca_cert,
                        insecure=self.insecure,
                    )
                )
            return validate_targets(out)
        except MockZenotiError as exc:
            raise named_error(exc, "--url") from exc

    def options(self, seed: int = 0) -> DeliveryOptions:
        """The engine's options (``seed`` seeds jitter and chaos)."""
        from mockzenoti.delivery import Chaos, DeliveryOptions

        try:
            chaos = Chaos(self.chaos_duplicate, self.chaos_reorder, self.chaos_delay)
            return DeliveryOptions(
                concurrency=self.concurrency,
                rate=self.rate,
                pace=self.pace,
                retry_scale=self.retry_scale,
                scale_retry_after=self.scale_retry_after,
                ordering=self.ordering,  # type: ignore[arg-type]
                http_client=self.http_client,  # type: ignore[arg-type]
                chaos=chaos,
                seed=seed,
            )
        except MockZenotiError as exc:
            raise named_error(exc) from exc

    def spec(self, targets: list[Target]) -> dict[str, Any]:
        """What identifies the delivery in a run's spec: targets (secrets hashed), ordering, chaos.

        Concurrency, rate, pace and the retry scale (of Retry-After too) change only
        timing, so a run
        resumed with other values is the same run.
        """
        described = []
        for t in targets:
            settings = t.to_dict()
            settings["secrets"] = [_digest(s) for s in t.secrets]
            described.append(settings)
        return {
            "targets": described,
            "ordering": self.ordering,
            "chaos": [self.chaos_duplicate, self.chaos_reorder, self.chaos_delay],
        }
