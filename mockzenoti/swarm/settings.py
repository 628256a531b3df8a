"""``SwarmSettings``: what every user of a swarm plays and how it delivers.

Locust carries them as its own custom options (``--mockzenoti-seed`` ...,
``ARGUMENTS``): the master sends its options to every worker, so workers on
other machines need none of them. ``mockzenoti locust`` writes these options
from its own (``--seed``, ``--secret``, ``--retry`` ...). In a locustfile, a
``ZenotiUser`` subclass's class attributes give the defaults; an option given
on the command line wins.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple

from mockzenoti.errors import MockZenotiError

__all__ = ["ARGUMENTS", "Argument", "SwarmSettings"]


class Argument(NamedTuple):
    """One Locust custom option: the settings field it sets, its flag, its type, its help."""

    name: str
    flag: str
    kind: str  # "text", "texts" (repeatable), "float", "int", "flag", "json"
    help: str


ARGUMENTS: tuple[Argument, ...] = (
    Argument(
        "seed",
        "--mockzenoti-seed",
        "text",
        "Seed of the run (any text); each user's "
        "shard is seeded from it, its worker's index and its own index.",
    ),
    Argument(
        "scenario",
        "--mockzenoti-scenario",
        "text",
        "Built-in scenario every user plays at its center (default soak).",
    ),
    Argument(
        "sizes",
        "--mockzenoti-sizes",
        "json",
        'World sizes as JSON, e.g. {"centers": 6} (see mockzenoti world).',
    ),
    Argument("secrets", "--mockzenoti-secret", "texts", "Signing secret (repeatable)."),
    Argument(
        "signing",
        "--mockzenoti-signing",
        "text",
        "zenoti, standard or none (default: zenoti with a secret).",
    ),
    Argument(
        "retry",
        "--mockzenoti-retry",
        "text",
        "Retry policy: zenoti, fast, standard, none or a schedule such as 1s,5s,30s.",
    ),
    Argument(
        "retry_scale",
        "--mockzenoti-retry-scale",
        "float",
        "Multiply the policy's waits (0.001 turns minutes into ms).",
    ),
    Argument(
        "scale_retry_after",
        "--mockzenoti-scale-retry-after",
        "flag",
        "Scale a receiver's Retry-After too.",
    ),
    Argument("timeout", "--mockzenoti-timeout", "float", "Seconds each attempt may take."),
    Argument(
        "drain",
        "--mockzenoti-drain",
        "float",
        "Seconds the stop lets events under way finish their retries (default 10).",
    ),
    Argument(
        "deactivate_after",
        "--mockzenoti-deactivate-after",
        "int",
        "Dead deliveries in a row that deactivate the webhook in a worker (0: never).",
    ),
    Argument(
        "report",
        "--mockzenoti-report",
        "text",
        "Write the swarm's JSON report here (master, or a run without workers).",
    ),
    Argument(
        "expect",
        "--mockzenoti-expect",
        "flag",
        "Keep each shard's expected final state (on when a report is written).",
    ),
)


@dataclass(frozen=True, slots=True)
class SwarmSettings:
    """The swarm's settings; ``from_options`` reads them from Locust's parsed options."""

    seed: str = "0"
    scenario: str = "soak"
    sizes: Mapping[str, Any] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()
    signing: str | None = None
    retry: str = "zenoti"
    retry_scale: float = 1.0
    scale_retry_after: bool = False
    timeout: float = 10.0
    drain: float = 10.0
    deactivate_after: int = 20
    report: str | None = None
    expect: bool = False

    @property
    def track_truth(self) -> bool:
        """True when users keep their expected final state (a report, or asked)."""
        return self.report is not None or self.expect

    @classmethod
    def from_options(
        cls, options: Mapping[str, Any], defaults: Mapping[str, Any] | None = None
    ) -> SwarmSettings:
        """Settings from Locust's options (``vars(parsed_options)``) over ``defaults``.

        An option left unset (None) takes the default; a malformed one raises
        ``MockZenotiError`` naming its flag.
        """
        values: dict[str, Any] = {}
        known = {f.name for f in fields(cls)}
        for name, value in (defaults or {}).items():
            if name in known and value is not None:
                values[name] = value
        for arg in ARGUMENTS:
            given = options.get(arg.flag[2:].replace("-", "_"))
            if given is None or (arg.kind == "flag" and not given):
                continue
            values[arg.name] = _value(arg, given)
        if isinstance(values.get("secrets"), str):
            values["secrets"] = (values["secrets"],)
        values["secrets"] = tuple(values.get("secrets", ()))
        values["seed"] = str(values.get("seed", "0"))
        return cls(**values)

    def public(self) -> dict[str, Any]:
        """The settings a report shows (secrets left out)."""
        return {
            "seed": self.seed,
            "scenario": self.scenario,
            "sizes": dict(self.sizes),
            "signing": self.signing or ("zenoti" if self.secrets else "none"),
            "retry": self.retry,
            "retry_scale": self.retry_scale,
            "timeout": self.timeout,
            "drain": self.drain,
            "deactivate_after": self.deactivate_after,
        }


def _value(arg: Argument, given: Any) -> Any:
    if arg.kind == "json":
        if isinstance(given, Mapping):
            return dict(given)
        try:
            value = json.loads(given)
        except ValueError as exc:
            raise MockZenotiError(f"{arg.flag} is not JSON: {exc}", field=arg.flag) from None
        if not isinstance(value, dict):
            raise MockZenotiError(f"{arg.flag} must be a JSON object", field=arg.flag)
        return value
    if arg.kind == "texts":
        return tuple(given) if isinstance(given, (list, tuple)) else (str(given),)
    return given
